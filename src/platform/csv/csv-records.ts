import { parse as parseCsv } from 'csv-parse/sync';

/** One CSV record with the line it ends on (for error messages that name the line). */
export interface CsvRecord {
  record: string[];
  info: { lines: number };
}

export interface MalformedCsv {
  line: number;
  field: 'csv';
  code: 'MALFORMED_CSV';
  message: string;
}

/**
 * The records of an uploaded CSV file, header included: comma-separated, or semicolon-separated when the header has
 * semicolons and no commas (what a Turkish or German spreadsheet saves), with or without a BOM, values trimmed. A file
 * the parser cannot read gives the problem and its line instead.
 */
export function readCsvRecords(csv: string): { records: CsvRecord[] } | { malformed: MalformedCsv } {
  const firstLine = csv.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  try {
    const records = parseCsv(csv, { delimiter, bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as CsvRecord[];
    return { records };
  } catch (e) {
    const line = Number(/line (\d+)/i.exec((e as Error).message)?.[1] ?? 1);
    return { malformed: { line, field: 'csv', code: 'MALFORMED_CSV', message: (e as Error).message } };
  }
}
