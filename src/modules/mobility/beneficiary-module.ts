/**
 * The mobilities of a grant contract as a table for the EU Beneficiary Module (the National Agency's reporting tool):
 * the columns, one row per mobility, and the CSV and XLSX writers.
 *
 * Column names follow the Beneficiary Module's mobility activity import-export template, in English; the header is
 * stable (a spreadsheet or script may rely on it): new columns are only ever added at the end.
 * - CSV: UTF-8 (optionally with a byte order mark, which Excel needs to read Turkish letters), comma-separated, a header
 *   row, dates as YYYY-MM-DD, amounts with two decimals, flags Yes/No, empty for unknown. Text a spreadsheet would run
 *   as a formula (starting with =, +, -, @, tab or CR: names come from accounts and partners) gets an apostrophe.
 * - XLSX (exceljs): sheet "Mobilities" with the same header and columns, typed cells — dates are real dates, durations
 *   and amounts numbers, text is text (a cell holding "=..." is a string, never a formula, so it is written as is) —
 *   and a sheet "Totals" with the contract's totals overall and per activity type.
 */
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../exports/csv-export';
import { ACTIVITY_TYPE, totalsOf, type ContractTotalsData, type ReportedMobilityData } from './reporting.service';

type CellKind = 'text' | 'date' | 'integer' | 'decimal' | 'amount' | 'flag';
type CellValue = string | number | boolean | null;

export interface BeneficiaryModuleColumn {
  header: string;
  kind: CellKind;
  /** XLSX column width, in characters. */
  width: number;
  value(m: ReportedMobilityData): CellValue;
}

const column = (header: string, kind: CellKind, width: number, value: (m: ReportedMobilityData) => CellValue): BeneficiaryModuleColumn => ({
  header,
  kind,
  width,
  value,
});

export const BENEFICIARY_MODULE_COLUMNS: readonly BeneficiaryModuleColumn[] = [
  column('Grant Agreement No.', 'text', 34, (m) => m.contractNumber),
  column('Mobility ID', 'text', 24, (m) => m.number),
  column('Activity Type', 'text', 34, (m) => m.activityType),
  column('Participant First Name', 'text', 22, (m) => m.firstName),
  column('Participant Last Name', 'text', 22, (m) => m.lastName),
  column('Participant Email', 'text', 30, (m) => m.email),
  column('Nationality', 'text', 12, (m) => m.nationality),
  column('Participant with Fewer Opportunities', 'flag', 14, (m) => m.fewerOpportunities),
  column('Field of Education (ISCED-F)', 'text', 14, (m) => m.fieldOfEducation),
  column('Education Level (EQF)', 'integer', 12, (m) => m.eqfLevel),
  column('Sending Organisation', 'text', 34, (m) => m.sending.name),
  column('Sending Organisation Erasmus Code', 'text', 16, (m) => m.sending.erasmusCode),
  column('Sending Country', 'text', 10, (m) => m.sending.country),
  column('Sending Department', 'text', 34, (m) => m.sendingDepartment),
  column('Receiving Organisation', 'text', 34, (m) => m.receiving.name),
  column('Receiving Organisation Erasmus Code', 'text', 16, (m) => m.receiving.erasmusCode),
  column('Receiving Organisation SCHAC Code', 'text', 20, (m) => m.receiving.schacCode),
  column('Receiving Country', 'text', 10, (m) => m.receiving.country),
  column('Start Date', 'date', 12, (m) => m.startDate),
  column('End Date', 'date', 12, (m) => m.endDate),
  column('Duration (days)', 'integer', 10, (m) => m.durationDays),
  column('Duration (months)', 'decimal', 10, (m) => m.months),
  column('Zero Grant', 'flag', 8, (m) => m.zeroGrant),
  column('Individual Support (EUR)', 'amount', 14, (m) => m.individualSupport),
  column('Top-ups (EUR)', 'amount', 12, (m) => m.topUps),
  column('Travel (EUR)', 'amount', 12, (m) => m.travel),
  column('Total Grant (EUR)', 'amount', 14, (m) => m.total),
  column('Mobility Status', 'text', 12, (m) => (m.status === 'ONGOING' ? 'Ongoing' : 'Completed')),
];

export const BENEFICIARY_MODULE_HEADER: readonly string[] = BENEFICIARY_MODULE_COLUMNS.map((c) => c.header);

/** One cell as CSV text: '' for unknown, Yes/No, dates as they are, amounts with two decimals, text formula-safe. */
function csvCell(kind: CellKind, value: CellValue): string {
  if (value === null || value === undefined) return '';
  switch (kind) {
    case 'flag':
      return value ? 'Yes' : 'No';
    case 'amount':
      return (value as number).toFixed(2);
    case 'decimal':
      return (value as number).toFixed(1);
    case 'integer':
      return String(value);
    case 'date':
      return String(value);
    default:
      return neutraliseFormula(String(value));
  }
}

/** The rows as Beneficiary Module CSV (header row first; a header only when there are no mobilities). */
export function beneficiaryModuleCsv(mobilities: readonly ReportedMobilityData[], options: { bom?: boolean } = {}): string {
  const records = mobilities.map((m) => BENEFICIARY_MODULE_COLUMNS.map((c) => csvCell(c.kind, c.value(m))));
  return stringify([[...BENEFICIARY_MODULE_HEADER], ...records], { bom: options.bom ?? false });
}

const NUMBER_FORMAT: Partial<Record<CellKind, string>> = { date: 'yyyy-mm-dd', amount: '#,##0.00', decimal: '0.0', integer: '0' };

/** A YYYY-MM-DD day as the Date at its UTC midnight: exceljs writes it as that day's Excel serial. */
const dayOf = (value: string) => new Date(`${value}T00:00:00Z`);

function xlsxCell(kind: CellKind, value: CellValue): ExcelJS.CellValue {
  if (value === null || value === undefined) return null;
  if (kind === 'flag') return value ? 'Yes' : 'No';
  if (kind === 'date') return dayOf(String(value));
  if (kind === 'text') return String(value);
  return value as number;
}

const TOTALS_COLUMNS: { header: string; key: keyof ContractTotalsData; format: string }[] = [
  { header: 'Mobilities', key: 'mobilities', format: '0' },
  { header: 'Ongoing', key: 'ongoing', format: '0' },
  { header: 'Completed', key: 'completed', format: '0' },
  { header: 'Participants', key: 'participants', format: '0' },
  { header: 'With Fewer Opportunities', key: 'fewerOpportunities', format: '0' },
  { header: 'Zero Grant', key: 'zeroGrant', format: '0' },
  { header: 'Grant Not Computed', key: 'withoutGrant', format: '0' },
  { header: 'Days', key: 'days', format: '0' },
  { header: 'Months', key: 'months', format: '0.0' },
  { header: 'Individual Support (EUR)', key: 'individualSupport', format: '#,##0.00' },
  { header: 'Top-ups (EUR)', key: 'topUps', format: '#,##0.00' },
  { header: 'Travel (EUR)', key: 'travel', format: '#,##0.00' },
  { header: 'Total Grant (EUR)', key: 'total', format: '#,##0.00' },
  { header: 'Paid (EUR)', key: 'paid', format: '#,##0.00' },
];

/**
 * The rows as an XLSX workbook: "Mobilities" (header row, frozen and filterable, typed cells) and "Totals" (the
 * contract's totals per activity type and overall, as `grantContractReport` gives them).
 */
export async function beneficiaryModuleXlsx(mobilities: readonly ReportedMobilityData[], contractNumber: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'IRO hub';
  workbook.created = new Date();

  const sheet = workbook.addWorksheet('Mobilities', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = BENEFICIARY_MODULE_COLUMNS.map((c) => ({ header: c.header, width: c.width, style: NUMBER_FORMAT[c.kind] ? { numFmt: NUMBER_FORMAT[c.kind] } : {} }));
  sheet.getRow(1).font = { bold: true };
  for (const m of mobilities) sheet.addRow(BENEFICIARY_MODULE_COLUMNS.map((c) => xlsxCell(c.kind, c.value(m))));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: BENEFICIARY_MODULE_COLUMNS.length } };

  const totals = workbook.addWorksheet('Totals', { views: [{ state: 'frozen', ySplit: 1 }] });
  totals.columns = [
    { header: 'Grant Agreement No.', width: 34 },
    { header: 'Activity Type', width: 34 },
    ...TOTALS_COLUMNS.map((c) => ({ header: c.header, width: 14, style: { numFmt: c.format } })),
  ];
  totals.getRow(1).font = { bold: true };
  const byType = new Map<string, ReportedMobilityData[]>();
  for (const m of mobilities) byType.set(m.mobilityType, [...(byType.get(m.mobilityType) ?? []), m]);
  const lines: { label: string; totals: ContractTotalsData }[] = (Object.keys(ACTIVITY_TYPE) as (keyof typeof ACTIVITY_TYPE)[])
    .filter((type) => byType.has(type))
    .map((type) => ({ label: ACTIVITY_TYPE[type], totals: totalsOf(byType.get(type)!) }));
  lines.push({ label: 'All activities', totals: totalsOf(mobilities) });
  for (const line of lines) totals.addRow([contractNumber, line.label, ...TOTALS_COLUMNS.map((c) => line.totals[c.key])]);
  totals.getRow(totals.rowCount).font = { bold: true };

  return Buffer.from(await workbook.xlsx.writeBuffer());
}
