/**
 * The partner-directory import: the ECHE holders list, the world universities list and CSV files with a header row
 * into the institution directory. Pure rules first (format detection, record mapping, validation, matching and
 * merging), then the database side: batches of records, each in its own short transaction, with the candidate
 * matches of a batch loaded by a constant number of queries.
 *
 * Matching an incoming record to an institution, in this order: the same Erasmus code; the same PIC or OID; a
 * shared web/e-mail domain (within the country); the same folded name within the country (across sources also the
 * same words in another order or with "university" in another language). A match on a domain or a name is refused
 * when the two carry different Erasmus codes, PICs or OIDs. Merging fills missing fields and never overwrites a
 * value from a source of higher rank (see `fieldRank`); names met along the way are kept as `otherNames`.
 * Importing the same file again changes nothing.
 */
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { parse as parseCsv } from 'csv-parse/sync';
import { readFile } from 'node:fs/promises';
import { recordEvent } from '../../platform/events/outbox';
import { canonicalErasmusCode, domainOf, foldText, isoCountry, normaliseWebsite, searchTextOf, tidyName } from './institution-identifiers';
import { Institution, InstitutionKind, type LocalisedTextData } from './institution.entity';

// --- Formats ---------------------------------------------------------------------------------------------------------

export type ImportFormat = 'eche' | 'world-universities' | 'csv';
/** The value added to `Institution.sources` for records of each format. */
export type ImportSource = ImportFormat;

/** The file as a whole cannot be imported (unreadable, not a known format): nothing was written. */
export class ImportFileError extends Error {
  override name = 'ImportFileError';
}

/** A record of a file, before mapping: an object (JSON) or header → cell (CSV), with its position. */
export interface RawRecord {
  index: number;
  /** CSV: the line the record starts on (1 = the header). */
  line?: number;
  data: unknown;
}

export interface ParsedFile {
  format: ImportFormat;
  records: RawRecord[];
}

const ECHE_KEYS = ['erasmusCode', 'legalName', 'pic', 'oid', 'countryCode', 'echeStart', 'echeEnd'];
const WORLD_KEYS = ['alpha_two_code', 'web_pages', 'domains', 'state-province'];

/** CSV header names (folded: lower case, letters and digits only) and the field each one fills. */
const CSV_COLUMNS: Record<string, CsvField> = {
  officialname: 'officialName', legalname: 'officialName', institution: 'officialName', institutionname: 'officialName',
  name: 'name', displayname: 'name', nameen: 'name', englishname: 'name',
  othernames: 'otherNames',
  country: 'country', countrycode: 'country', alphatwocode: 'country',
  city: 'city', town: 'city',
  street: 'street', address: 'street',
  postcode: 'postCode', postalcode: 'postCode', zip: 'postCode', zipcode: 'postCode',
  website: 'website', web: 'website', url: 'website', homepage: 'website', webpage: 'website', webpages: 'website',
  erasmuscode: 'erasmusCode', erasmus: 'erasmusCode',
  pic: 'pic', oid: 'oid', organisationid: 'oid',
  schaccode: 'schacCode', schac: 'schacCode', heiid: 'schacCode',
  domains: 'domains', emaildomains: 'domains', domain: 'domains',
  echestart: 'echeStart', echeend: 'echeEnd',
};
type CsvField =
  | 'officialName' | 'name' | 'otherNames' | 'country' | 'city' | 'street' | 'postCode' | 'website' | 'erasmusCode'
  | 'pic' | 'oid' | 'schacCode' | 'domains' | 'echeStart' | 'echeEnd';

const headerKey = (h: string) => foldText(h).replace(/ /g, '');

/**
 * Which format a file's text is in: a JSON array of ECHE records (`erasmusCode`, `legalName`, ...), a JSON array of
 * world-universities records (`name`, `alpha_two_code`, `domains`, `web_pages`), or CSV whose header row names at
 * least a name column and a country column. Throws ImportFileError otherwise.
 */
export function detectFormat(text: string): ImportFormat {
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (!body) throw new ImportFileError('the file is empty');
  if (body.startsWith('[') || body.startsWith('{')) return detectJsonFormat(parseJson(body));
  const header = csvHeader(body);
  if (header) return 'csv';
  throw new ImportFileError(
    'unknown format: expected a JSON array of ECHE or world-universities records, or CSV with a header row naming at least a name column (officialName, legalName or name) and a country column (country or countryCode)',
  );
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (e) {
    throw new ImportFileError(`not valid JSON: ${(e as Error).message}`);
  }
}

function detectJsonFormat(value: unknown): 'eche' | 'world-universities' {
  if (!Array.isArray(value)) throw new ImportFileError('unknown format: the JSON is not an array of records');
  let eche = 0;
  let world = 0;
  for (const item of value.slice(0, 50)) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
    const keys = Object.keys(item);
    if (keys.includes('legalName') || (keys.includes('erasmusCode') && keys.some((k) => ECHE_KEYS.includes(k) && k !== 'erasmusCode'))) eche++;
    else if (keys.includes('name') && keys.some((k) => WORLD_KEYS.includes(k))) world++;
  }
  if (eche === 0 && world === 0) {
    throw new ImportFileError(
      value.length === 0
        ? 'the file holds an empty list: nothing to import'
        : 'unknown format: the records have neither the ECHE fields (erasmusCode, legalName) nor the world-universities fields (name, alpha_two_code, domains, web_pages)',
    );
  }
  return eche >= world ? 'eche' : 'world-universities';
}

/** The CSV header (folded names) and delimiter, when the first line looks like one we can map; else undefined. */
function csvHeader(body: string): { delimiter: string; fields: (CsvField | undefined)[] } | undefined {
  const firstLine = body.split(/\r?\n/, 1)[0];
  const delimiter = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length })).sort((a, b) => b.n - a.n)[0].d;
  const fields = firstLine.split(delimiter).map((h) => CSV_COLUMNS[headerKey(h.replace(/^"|"$/g, ''))]);
  const hasName = fields.includes('officialName') || fields.includes('name');
  return hasName && fields.includes('country') ? { delimiter, fields } : undefined;
}

/** Detects the format and splits the text into raw records. Throws ImportFileError for a file it cannot read. */
export function parseImportText(text: string): ParsedFile {
  const format = detectFormat(text);
  const body = text.replace(/^\uFEFF/, '');
  if (format !== 'csv') {
    const items = JSON.parse(body) as unknown[];
    return { format, records: items.map((data, index) => ({ index, data })) };
  }
  const header = csvHeader(body.trimStart())!;
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parseCsv(body, {
      delimiter: header.delimiter,
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (e) {
    throw new ImportFileError(`not valid CSV: ${(e as Error).message}`);
  }
  const [head, ...data] = rows;
  const columns = head.record.map((h) => CSV_COLUMNS[headerKey(h)]);
  return {
    format,
    records: data.map((row, index) => {
      if (row.record.length !== columns.length) {
        return { index, line: row.info.lines, data: new CsvShapeError(`has ${row.record.length} fields, the header has ${columns.length}`) };
      }
      const out: Partial<Record<CsvField, string>> = {};
      columns.forEach((field, i) => {
        if (field && row.record[i] !== '' && out[field] === undefined) out[field] = row.record[i];
      });
      return { index, line: row.info.lines, data: out };
    }),
  };
}

class CsvShapeError {
  constructor(readonly message: string) {}
}

/** Reads and parses a file; unreadable files and unknown formats throw ImportFileError. */
export async function readImportFile(file: string): Promise<ParsedFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ImportFileError(`cannot read ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'it is a directory' : err.message}`);
  }
  return parseImportText(text);
}

// --- Mapping and validation --------------------------------------------------------------------------------------------

/** An incoming record, mapped to institution fields and validated. */
export interface ImportRecord {
  index: number;
  source: ImportSource;
  officialName: string;
  /** The display name, `name.en`. */
  displayName: string;
  /** False when the display name was only derived from the official name (it then just fills an empty one). */
  displayNameGiven: boolean;
  otherNames: string[];
  kind: InstitutionKind;
  country: string;
  city?: string;
  street?: string;
  postCode?: string;
  website?: string;
  emailDomains: string[];
  erasmusCode?: string;
  pic?: string;
  oid?: string;
  echeStart?: string;
  echeEnd?: string;
  /** A SCHAC code the record states (CSV). */
  schacCode?: string;
  /** A SCHAC code guessed from the record's only domain (world universities), set only when nobody else holds it. */
  schacGuess?: string;
  /** Data the record had that could not be used, left out (e.g. a website that is not a URL). */
  notes: string[];
}

export interface ImportRejection {
  index: number;
  /** CSV: the line the record starts on. */
  line?: number;
  reason: string;
}

export type MappedRecord = { ok: true; record: ImportRecord } | { ok: false; rejection: ImportRejection };

class RecordError extends Error {}

const str = (v: unknown, field: string): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && (field === 'pic' || field === 'postCode')) return String(v);
  if (typeof v !== 'string') throw new RecordError(`${field} is not text`);
  const t = v.trim();
  return t === '' ? undefined : t;
};

const strList = (v: unknown, field: string): string[] => {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return v.split(/[;|,\s]+/).map((s) => s.trim()).filter(Boolean);
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new RecordError(`${field} is not a list of text`);
  return (v as string[]).map((s) => s.trim()).filter(Boolean);
};

/** Windows-1252 punctuation mis-decoded as C1 control characters (`\x93Leon Schiller\x94`). */
const C1: Record<string, string> = { '\u0091': '‘', '\u0092': '’', '\u0093': '“', '\u0094': '”', '\u0096': '–', '\u0097': '—' };
const cleanText = (s: string) => s.replace(/[\u0080-\u009f]/g, (c) => C1[c] ?? '').replace(/\s+/g, ' ').trim();

/**
 * The display name: tidyName, whose English-locale lower-casing turns the Turkish capital İ into "i" plus a
 * combining dot (U+0307); the dot is dropped so that `BİTLİS` becomes `Bitlis`, not `Bi̇tli̇s`.
 */
export function displayNameOf(name: string): string {
  return tidyName(name).replace(/\u0307/g, '').normalize('NFC');
}

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

/** Maps one raw record of a file in `format` to institution fields, or rejects it with a reason. Pure. */
export function mapRecord(format: ImportFormat, raw: RawRecord): MappedRecord {
  const { index, line } = raw;
  try {
    if (raw.data instanceof CsvShapeError) throw new RecordError(raw.data.message);
    if (!raw.data || typeof raw.data !== 'object' || Array.isArray(raw.data)) throw new RecordError('not an object');
    const d = raw.data as Record<string, unknown>;
    const notes: string[] = [];
    let fields: Omit<ImportRecord, 'index' | 'source' | 'kind' | 'notes' | 'displayNameGiven' | 'emailDomains' | 'otherNames'> & {
      domains: string[];
      displayNameGiven: boolean;
      otherNames: string[];
    };
    const country = (v: unknown, field: string) => {
      const c = str(v, field);
      if (!c) throw new RecordError(`${field} is missing`);
      const iso = isoCountry(c);
      if (!/^[A-Z]{2}$/.test(iso)) throw new RecordError(`${field} "${c}" is not a 2-letter country code`);
      return iso;
    };
    const officialName = (v: unknown, field: string) => {
      const n = str(v, field);
      const cleaned = n ? cleanText(n) : '';
      if (!/[\p{L}\p{N}]/u.test(cleaned)) throw new RecordError(`${field} is empty`);
      return cleaned;
    };
    if (format === 'eche') {
      const c = country(d.countryCode, 'countryCode');
      const name = officialName(d.legalName, 'legalName');
      fields = {
        officialName: name,
        displayName: displayNameOf(name),
        displayNameGiven: false,
        otherNames: [],
        country: c,
        city: mapCity(str(d.city, 'city')),
        street: str(d.street, 'street'),
        postCode: str(d.postCode, 'postCode'),
        website: str(d.website, 'website'),
        erasmusCode: str(d.erasmusCode, 'erasmusCode'),
        pic: str(d.pic, 'pic'),
        oid: str(d.oid, 'oid'),
        echeStart: str(d.echeStart, 'echeStart'),
        echeEnd: str(d.echeEnd, 'echeEnd'),
        domains: [],
      };
    } else if (format === 'world-universities') {
      const c = country(d.alpha_two_code, 'alpha_two_code');
      const name = officialName(d.name, 'name');
      const pages = strList(d.web_pages, 'web_pages');
      fields = {
        officialName: name,
        displayName: displayNameOf(name),
        displayNameGiven: true,
        otherNames: [],
        country: c,
        website: pages.find((p) => normaliseWebsite(p)) ?? pages[0],
        domains: strList(d.domains, 'domains'),
      };
    } else {
      const name = d.officialName ?? d.name;
      const official = officialName(name, d.officialName !== undefined ? 'officialName' : 'name');
      const display = str(d.name, 'name');
      fields = {
        officialName: official,
        displayName: displayNameOf(display ? cleanText(display) : official),
        displayNameGiven: d.officialName !== undefined && !!display,
        otherNames: str(d.otherNames, 'otherNames')?.split(/\s*[;|]\s*/).map(cleanText).filter(Boolean) ?? [],
        country: country(d.country, 'country'),
        city: mapCity(str(d.city, 'city')),
        street: str(d.street, 'street'),
        postCode: str(d.postCode, 'postCode'),
        website: str(d.website, 'website'),
        erasmusCode: str(d.erasmusCode, 'erasmusCode'),
        pic: str(d.pic, 'pic'),
        oid: str(d.oid, 'oid'),
        schacCode: str(d.schacCode, 'schacCode'),
        echeStart: str(d.echeStart, 'echeStart'),
        echeEnd: str(d.echeEnd, 'echeEnd'),
        domains: strList(d.domains, 'domains'),
      };
    }
    let erasmusCode: string | undefined;
    if (fields.erasmusCode) {
      erasmusCode = canonicalErasmusCode(fields.erasmusCode, fields.country);
      if (!erasmusCode) throw new RecordError(`Erasmus code "${fields.erasmusCode}" is not a valid Erasmus code`);
    }
    if (fields.pic && !/^\d{9}$/.test(fields.pic)) throw new RecordError(`PIC "${fields.pic}" is not 9 digits`);
    const oid = fields.oid?.toUpperCase();
    if (oid && !/^E\d{8}$/.test(oid)) throw new RecordError(`OID "${fields.oid}" is not E followed by 8 digits`);
    for (const f of ['echeStart', 'echeEnd'] as const) {
      if (fields[f] && !isDate(fields[f])) throw new RecordError(`${f} "${fields[f]}" is not a date (YYYY-MM-DD)`);
    }
    if (fields.echeStart && fields.echeEnd && fields.echeStart > fields.echeEnd) {
      throw new RecordError(`echeStart ${fields.echeStart} is after echeEnd ${fields.echeEnd}`);
    }
    let schacCode: string | undefined;
    if (fields.schacCode) {
      schacCode = domainOf(fields.schacCode);
      if (!schacCode || !/^[a-z0-9.-]+$/.test(schacCode)) throw new RecordError(`SCHAC code "${fields.schacCode}" is not a domain`);
    }
    const website = normaliseWebsite(fields.website);
    if (fields.website && !website) notes.push(`website "${fields.website}" is not a URL: left out`);
    const domains: string[] = [];
    for (const raw of fields.domains) {
      const dom = domainOf(raw);
      if (dom && /^[a-z0-9.-]+$/.test(dom)) domains.push(dom);
      else notes.push(`domain "${raw}" is not a domain: left out`);
    }
    const websiteDomain = domainOf(website);
    const emailDomains = unique([...domains, ...(websiteDomain ? [websiteDomain] : [])]);
    // A SCHAC code is an institution's one domain: guessed only from a record with a single domain that is also
    // its website's (not `student.x.edu` beside `x.edu`).
    const schacGuess =
      format === 'world-universities' && domains.length === 1 && (!websiteDomain || websiteDomain === domains[0]) ? domains[0] : undefined;
    return {
      ok: true,
      record: {
        index,
        source: format,
        officialName: fields.officialName,
        displayName: fields.displayName,
        displayNameGiven: fields.displayNameGiven,
        otherNames: fields.otherNames,
        kind: InstitutionKind.HEI,
        country: fields.country,
        city: fields.city,
        street: fields.street,
        postCode: fields.postCode,
        website,
        emailDomains,
        erasmusCode,
        pic: fields.pic,
        oid,
        echeStart: fields.echeStart,
        echeEnd: fields.echeEnd,
        schacCode,
        schacGuess,
        notes,
      },
    };
  } catch (e) {
    if (e instanceof RecordError) return { ok: false, rejection: { index, ...(line ? { line } : {}), reason: e.message } };
    throw e;
  }
}

function mapCity(city: string | undefined): string | undefined {
  return city ? displayNameOf(city) : undefined;
}

const unique = <T>(xs: T[]) => [...new Set(xs)];

// --- Merging rules ---------------------------------------------------------------------------------------------------

/** The fields an import writes (besides otherNames, emailDomains and sources, which only grow). */
const MERGED_FIELDS = [
  'officialName', 'nameEn', 'country', 'city', 'street', 'postCode', 'website', 'erasmusCode', 'pic', 'oid', 'schacCode',
  'echeStart', 'echeEnd',
] as const;
type MergedField = (typeof MERGED_FIELDS)[number];
const UNIQUE_FIELDS = ['erasmusCode', 'pic', 'oid', 'schacCode'] as const;

/**
 * How much a source is trusted for a field: a value is only replaced by one from a source of higher rank, or of
 * equal rank when the record matched on an identifier (the same Erasmus code, PIC or OID: the same record again,
 * updated). The ECHE list is the authority on legal names, codes and addresses, the world list on English names; a
 * CSV (a curated list) outranks both; every other source (`staff`, `ewp`, or none recorded) outranks any import.
 */
export function fieldRank(source: string, field: MergedField): number {
  if (field === 'nameEn') return ({ 'world-universities': 3, csv: 2, eche: 1 } as Record<string, number>)[source] ?? 10;
  return ({ 'world-universities': 1, eche: 2, csv: 3 } as Record<string, number>)[source] ?? 10;
}

function ownerRank(institution: Institution, field: MergedField): number {
  if (institution.sources.length === 0) return 10;
  return Math.max(...institution.sources.map((s) => fieldRank(s, field)));
}

function currentValue(i: Institution, field: MergedField): string | undefined {
  return field === 'nameEn' ? i.name.en : (i[field] ?? undefined) || undefined;
}

function offeredValue(r: ImportRecord, field: MergedField): string | undefined {
  return field === 'nameEn' ? r.displayName : r[field];
}

export type MatchKind = 'erasmusCode' | 'pic' | 'oid' | 'domain' | 'name';

export interface FieldChange {
  field: MergedField | 'otherNames' | 'emailDomains' | 'sources';
  from: unknown;
  to: unknown;
}

/**
 * What merging `record` into `institution` changes (nothing is applied). `strong` says the match was on an
 * identifier. The home institution only ever gains a source.
 */
export function planMerge(institution: Institution, record: ImportRecord, strong: boolean): FieldChange[] {
  const changes: FieldChange[] = [];
  if (!institution.sources.includes(record.source)) {
    changes.push({ field: 'sources', from: institution.sources, to: [...institution.sources, record.source] });
  }
  if (institution.isHome) return changes;
  const next = { officialName: institution.officialName, nameEn: institution.name.en };
  for (const field of MERGED_FIELDS) {
    const offered = field === 'schacCode' ? (record.schacCode ?? record.schacGuess) : offeredValue(record, field);
    if (!offered) continue;
    const current = currentValue(institution, field);
    if (current === offered) continue;
    if (current) {
      if (field === 'schacCode' && !record.schacCode) continue; // a guess never replaces a code
      const offer = field === 'nameEn' && !record.displayNameGiven ? 0 : fieldRank(record.source, field);
      const owner = ownerRank(institution, field);
      if (!(offer > owner || (offer === owner && strong))) continue;
    }
    changes.push({ field, from: current, to: offered });
    if (field === 'officialName') next.officialName = offered;
    if (field === 'nameEn') next.nameEn = offered;
  }
  const known = new Set([next.officialName, next.nameEn, institution.name.tr, ...institution.otherNames].filter((n): n is string => !!n).map(foldText));
  const added: string[] = [];
  for (const spelling of [record.officialName, record.displayName, ...record.otherNames, institution.officialName, institution.name.en]) {
    const folded = spelling ? foldText(spelling) : '';
    if (!folded || known.has(folded)) continue;
    known.add(folded);
    added.push(spelling!);
  }
  if (added.length) changes.push({ field: 'otherNames', from: institution.otherNames, to: [...institution.otherNames, ...added] });
  const domains = record.emailDomains.filter((d) => !institution.emailDomains.includes(d));
  if (domains.length) changes.push({ field: 'emailDomains', from: institution.emailDomains, to: [...institution.emailDomains, ...domains] });
  return changes;
}

function applyChanges(institution: Institution, changes: FieldChange[]): void {
  for (const c of changes) {
    if (c.field === 'nameEn') institution.name = { ...institution.name, en: c.to as string };
    else (institution as unknown as Record<string, unknown>)[c.field] = Array.isArray(c.to) ? [...c.to] : c.to;
  }
}

// --- The working set of a batch: candidates and what the batch created, indexed ----------------------------------------

class WorkingSet {
  private byErasmus = new Map<string, Institution>();
  private byPic = new Map<string, Institution>();
  private byOid = new Map<string, Institution>();
  private bySchac = new Map<string, Institution>();
  private byDomain = new Map<string, Set<Institution>>();
  private byName = new Map<string, Set<Institution>>();

  private ids = new Set<string>();

  constructor(institutions: Institution[]) {
    for (const i of institutions) this.index(i);
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /** Adds the institution's current keys (old keys of changed identifiers are dropped). */
  index(i: Institution, previous?: Partial<Record<(typeof UNIQUE_FIELDS)[number], string | undefined>>): void {
    this.ids.add(i.id);
    const maps = { erasmusCode: this.byErasmus, pic: this.byPic, oid: this.byOid, schacCode: this.bySchac };
    for (const f of UNIQUE_FIELDS) {
      const old = previous?.[f];
      if (old && old !== i[f] && maps[f].get(old) === i) maps[f].delete(old);
      if (i[f]) maps[f].set(i[f], i);
    }
    for (const d of i.emailDomains) addTo(this.byDomain, d, i);
    for (const n of namesOf(i)) addTo(this.byName, `${i.country}|${n}`, i);
  }

  holder(field: (typeof UNIQUE_FIELDS)[number], value: string): Institution | undefined {
    return { erasmusCode: this.byErasmus, pic: this.byPic, oid: this.byOid, schacCode: this.bySchac }[field].get(value);
  }

  /** Institutions holding a domain, as an e-mail/web domain or as their SCHAC code. */
  domainHolders(domain: string): Set<Institution> {
    const out = new Set(this.byDomain.get(domain) ?? []);
    const schac = this.bySchac.get(domain);
    if (schac) out.add(schac);
    return out;
  }

  named(country: string, folded: string): Set<Institution> {
    return this.byName.get(`${country}|${folded}`) ?? new Set();
  }
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function namesOf(i: Pick<Institution, 'officialName' | 'name' | 'otherNames'>): Set<string> {
  return nameKeysOf([i.officialName, i.name.en, i.name.tr, ...i.otherNames]);
}

function recordNames(r: ImportRecord): Set<string> {
  return nameKeysOf([r.officialName, r.displayName, ...r.otherNames]);
}

function nameKeysOf(names: (string | undefined)[]): Set<string> {
  const keys = new Set<string>();
  for (const n of names) {
    if (!n) continue;
    const folded = foldText(n);
    if (folded) keys.add(`=${folded}`);
    const key = nameKey(n);
    if (key) keys.add(`~${key}`);
  }
  return keys;
}

/** Words a name can do without: articles and prepositions of the directory's languages (folded). */
const NAME_STOPWORDS = new Set([
  'of', 'the', 'and', 'for', 'in', 'at', 'de', 'di', 'da', 'do', 'dos', 'das', 'del', 'della', 'degli', 'dei', 'delle',
  'des', 'du', 'la', 'le', 'les', 'l', 'd', 'der', 'die', 'den', 'und', 'fur', 'zu', 'im', 'am', 'an', 'y', 'e', 'et',
  'i', 'u', 'w', 'we', 'v', 've', 'van', 'von', 'en', 'a', 'al', 'el',
]);
/** "University" in the directory's languages (folded), read as one word. */
const UNIVERSITY_WORDS = new Set([
  'university', 'universitesi', 'universite', 'universitat', 'universitaet', 'universita', 'universidad', 'universidade',
  'universitet', 'universiteit', 'universiteti', 'universitetit', 'uniwersytet', 'univerzita', 'univerzitet', 'univerza',
  'universitatea', 'universitetas', 'universitate', 'universiti', 'universitas', 'yliopisto', 'egyetem',
]);
/** Words that name a kind of institution, not one institution: a name of only these identifies nothing. */
const GENERIC_NAME_WORDS = new Set([
  'university', 'college', 'school', 'academy', 'institute', 'institut', 'instituto', 'istituto', 'hochschule',
  'fachhochschule', 'polytechnic', 'technical', 'technology', 'sciences', 'science', 'applied', 'arts', 'art', 'music',
  'medical', 'medicine', 'business', 'management', 'education', 'higher', 'state', 'national', 'public', 'private',
  'international', 'open', 'new', 'free', 'catholic', 'american', 'european',
]);

/**
 * A name as a set of words, for names that differ only in word order, articles or the language of "university"
 * (`Boğaziçi University` = `BOGAZICI UNIVERSITESI`, `University of Cukurova` = `Cukurova University`). Undefined
 * for a name of fewer than two words or of generic words only.
 */
export function nameKey(name: string): string | undefined {
  const words = foldText(name)
    .split(' ')
    .filter((w) => w && !NAME_STOPWORDS.has(w))
    .map((w) => (UNIVERSITY_WORDS.has(w) ? 'university' : w));
  const set = [...new Set(words)].sort();
  if (set.length < 2 || set.every((w) => GENERIC_NAME_WORDS.has(w))) return undefined;
  return set.join(' ');
}

const describe = (i: Institution) => `${i.erasmusCode ? `${i.erasmusCode}, ` : ''}${i.officialName}`;

/** Two records are certainly different institutions when they carry different values of an identifier. */
function conflictingIdentifier(r: ImportRecord, i: Institution): string | undefined {
  if (r.erasmusCode && i.erasmusCode && r.erasmusCode !== i.erasmusCode) return 'Erasmus code';
  if (r.pic && i.pic && r.pic !== i.pic) return 'PIC';
  if (r.oid && i.oid && r.oid !== i.oid) return 'OID';
  if (r.schacCode && i.schacCode && r.schacCode !== i.schacCode) return 'SCHAC code';
  return undefined;
}

export type MatchResult =
  | { kind: 'none' }
  | { kind: 'match'; institution: Institution; by: MatchKind }
  | { kind: 'conflict'; reason: string };

/**
 * The institution `record` is, among the working set: the same Erasmus code; else the same PIC or OID (refused
 * when the two carry different identifiers); else a shared domain, then a shared name key, both within the country,
 * among institutions whose identifiers do not contradict the record's. Several candidates on a domain are narrowed
 * by name; when none shares a name with the record, the domain proves nothing.
 */
function findMatch(set: WorkingSet, record: ImportRecord, file: FileContext): MatchResult {
  if (record.erasmusCode) {
    const i = set.holder('erasmusCode', record.erasmusCode);
    if (i) return { kind: 'match', institution: i, by: 'erasmusCode' };
  }
  for (const field of ['pic', 'oid'] as const) {
    const value = record[field];
    const i = value ? set.holder(field, value) : undefined;
    if (!i) continue;
    const conflict = conflictingIdentifier(record, i);
    if (conflict) {
      return { kind: 'conflict', reason: `${field.toUpperCase()} ${value} already belongs to another institution (${describe(i)}) with a different ${conflict}` };
    }
    return { kind: 'match', institution: i, by: field };
  }
  const names = recordNames(record);
  const domains = [...record.emailDomains, ...(record.schacCode ? [record.schacCode] : [])];
  const compatible = (i: Institution) => i.country === record.country && !conflictingIdentifier(record, i);
  // An institution this source already gave is this record only when both its name and its domain agree (or the
  // record has no domain): one list's `Glendale Community College` in Arizona and in California are two, as are
  // `University of the Pacific` and `Pacific University`. Other sources' institutions match on either, by keys that
  // no other record of this file shares.
  const sameSource = (i: Institution) => i.sources.includes(record.source) && !i.isHome;
  const sharesName = (i: Institution) => [...namesOf(i)].some((n) => names.has(n));
  const sharesDomain = (i: Institution) => domains.some((d) => i.emailDomains.includes(d) || i.schacCode === d);
  const byDomain = new Set<Institution>();
  for (const d of domains) {
    for (const i of set.domainHolders(d)) {
      if (compatible(i) && (sameSource(i) ? sharesName(i) : !file.ambiguousDomains.has(d))) byDomain.add(i);
    }
  }
  if (byDomain.size === 1) return { kind: 'match', institution: [...byDomain][0], by: 'domain' };
  if (byDomain.size > 1) {
    const named = [...byDomain].filter(sharesName);
    if (named.length) return { kind: 'match', institution: oldest(named), by: 'domain' };
  }
  // The same folded name; across sources also the same words in another order or language (`~` keys).
  const byName = new Set<Institution>();
  for (const n of names) {
    for (const i of set.named(record.country, n)) {
      if (!compatible(i)) continue;
      if (sameSource(i) ? n.startsWith('=') && (!domains.length || sharesDomain(i)) : !file.ambiguousNames.has(`${record.country}|${n}`)) byName.add(i);
    }
  }
  if (byName.size) return { kind: 'match', institution: oldest([...byName]), by: 'name' };
  return { kind: 'none' };
}

/** The earliest created among candidates (ties by id): the same pick on every run. */
function oldest(candidates: Institution[]): Institution {
  return candidates.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))[0];
}

/** Conflicts with identifiers that other institutions hold; a stated identifier held elsewhere rejects the record. */
function identifierConflict(set: WorkingSet, target: Institution | undefined, changes: FieldChange[]): string | undefined {
  for (const c of changes) {
    if (!(UNIQUE_FIELDS as readonly string[]).includes(c.field)) continue;
    const holder = set.holder(c.field as (typeof UNIQUE_FIELDS)[number], c.to as string);
    if (holder && holder !== target) {
      const label = { erasmusCode: 'Erasmus code', pic: 'PIC', oid: 'OID', schacCode: 'SCHAC code' }[c.field as (typeof UNIQUE_FIELDS)[number]];
      return `${label} ${String(c.to)} already belongs to another institution (${describe(holder)})`;
    }
  }
  return undefined;
}

/** A guessed SCHAC code is dropped when any other institution, or another record of the file, has the domain. */
function dropUnsafeSchacGuess(
  set: WorkingSet,
  target: Institution | undefined,
  record: ImportRecord,
  changes: FieldChange[],
  file: FileContext,
): FieldChange[] {
  if (record.schacCode || !record.schacGuess) return changes;
  const others = [...set.domainHolders(record.schacGuess)].filter((i) => i !== target);
  return others.length || file.ambiguousDomains.has(record.schacGuess) ? changes.filter((c) => c.field !== 'schacCode') : changes;
}

// --- The import -----------------------------------------------------------------------------------------------------

export interface ImportSummary {
  format: ImportFormat;
  total: number;
  created: number;
  /** Matched an institution from another source and added to it. */
  merged: number;
  /** Matched an institution this source had already given, and changed it. */
  updated: number;
  /** Matched and nothing to change: what a second run of the same file reports for every record. */
  unchanged: number;
  rejected: ImportRejection[];
  /** Data left out of records that were imported (e.g. a website that is not a URL). */
  notes: { index: number; note: string }[];
  /** How the records that found their institution found it. */
  matchedBy: Record<MatchKind, number>;
  elapsedMs: number;
  /** True when the run was stopped (signal) before the end; what was done is committed, a rerun continues. */
  interrupted?: boolean;
}

export interface ImportOptions {
  /** Records per transaction. */
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
  /** Stops after the batch in progress (Ctrl-C): every finished batch is committed. */
  signal?: AbortSignal;
}

export const DEFAULT_BATCH_SIZE = 250;

/** Imports a file (ECHE JSON, world-universities JSON or CSV); throws ImportFileError when it cannot be read. */
export async function importPartnerFile(em: EntityManager, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const parsed = await readImportFile(file);
  return importPartners(em, parsed, options);
}

/** Imports parsed records into the directory, batch by batch, each batch in its own transaction. */
export async function importPartners(em: EntityManager, parsed: ParsedFile, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = Date.now();
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const summary: ImportSummary = {
    format: parsed.format,
    total: parsed.records.length,
    created: 0,
    merged: 0,
    updated: 0,
    unchanged: 0,
    rejected: [],
    notes: [],
    matchedBy: { erasmusCode: 0, pic: 0, oid: 0, domain: 0, name: 0 },
    elapsedMs: 0,
  };
  const valid: ImportRecord[] = [];
  for (const raw of parsed.records) {
    const mapped = mapRecord(parsed.format, raw);
    if (mapped.ok) valid.push(mapped.record);
    else summary.rejected.push(mapped.rejection);
  }
  const file = fileContext(valid);
  // Batches of one or a few countries: a batch reads the names of its countries' institutions.
  valid.sort((a, b) => (a.country < b.country ? -1 : a.country > b.country ? 1 : a.index - b.index));
  const lines = new Map(parsed.records.filter((r) => r.line).map((r) => [r.index, r.line!]));
  let done = summary.rejected.length;
  options.onProgress?.(done, summary.total);
  for (let start = 0; start < valid.length; start += batchSize) {
    if (options.signal?.aborted) {
      summary.interrupted = true;
      break;
    }
    const batch = valid.slice(start, start + batchSize);
    const outcome = await importBatch(em, batch, file);
    if (outcome.some((o) => o.result === 'created' || o.result === 'merged' || o.result === 'updated')) await tidyIndexes(em);
    for (const o of outcome) {
      if (o.result === 'rejected') summary.rejected.push({ index: o.index, ...(lines.has(o.index) ? { line: lines.get(o.index) } : {}), reason: o.reason! });
      else summary[o.result]++;
      if (o.by) summary.matchedBy[o.by]++;
    }
    for (const r of batch) for (const note of r.notes) summary.notes.push({ index: r.index, note });
    done += batch.length;
    options.onProgress?.(done, summary.total);
  }
  summary.rejected.sort((a, b) => a.index - b.index);
  summary.elapsedMs = Date.now() - started;
  return summary;
}

/**
 * What several valid records of one file share proves nothing about identity: a domain (a regional school portal,
 * `juntadeandalucia.es`) or a name within a country (`Glendale Community College` in Arizona and in California).
 * Such domains and names are not used to match records.
 */
interface FileContext {
  ambiguousDomains: Set<string>;
  /** `country|name key` */
  ambiguousNames: Set<string>;
}

function fileContext(records: ImportRecord[]): FileContext {
  const shared = (keysOf: (r: ImportRecord) => Iterable<string>) => {
    const seen = new Map<string, number>();
    for (const r of records) for (const k of new Set(keysOf(r))) seen.set(k, (seen.get(k) ?? 0) + 1);
    return new Set([...seen].filter(([, n]) => n > 1).map(([k]) => k));
  };
  return {
    ambiguousDomains: shared((r) => r.emailDomains),
    ambiguousNames: shared((r) => [...recordNames(r)].map((k) => `${r.country}|${k}`)),
  };
}

type Outcome = { index: number; result: 'created' | 'merged' | 'updated' | 'unchanged' | 'rejected'; reason?: string; by?: MatchKind };

/**
 * One batch in one transaction. A concurrent writer taking an identifier or changing an institution between our read
 * and our write fails the batch (a unique violation, a version mismatch): it is then run again from a fresh read.
 */
async function importBatch(root: EntityManager, batch: ImportRecord[], file: FileContext): Promise<Outcome[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await root.fork({ clear: true }).transactional((tx) => runBatch(tx as EntityManager, batch, file));
    } catch (e) {
      if (!(e instanceof UniqueConstraintViolationException || e instanceof ConcurrentChange) || attempt >= 3) throw e;
    }
  }
}

async function runBatch(em: EntityManager, batch: ImportRecord[], file: FileContext): Promise<Outcome[]> {
  const set = new WorkingSet(await loadByIdentifiers(em, batch));
  // Names are read only for the records that no identifier or domain places (none, on a second run).
  const unplaced = batch.filter((r) => findMatch(set, r, file).kind === 'none');
  if (unplaced.length) for (const i of await loadByNames(em, unplaced, set)) set.index(i);
  const outcomes: Outcome[] = [];
  const touched = new Map<Institution, 'created' | 'updated'>();
  for (const record of batch) {
    const match = findMatch(set, record, file);
    if (match.kind === 'conflict') {
      outcomes.push({ index: record.index, result: 'rejected', reason: match.reason });
      continue;
    }
    if (match.kind === 'none') {
      const draft = newInstitution(record);
      const changes = dropUnsafeSchacGuess(set, undefined, record, planMerge(draft, record, true), file);
      const conflict = identifierConflict(set, undefined, changes);
      if (conflict) {
        outcomes.push({ index: record.index, result: 'rejected', reason: conflict });
        continue;
      }
      applyChanges(draft, changes);
      set.index(draft);
      touched.set(draft, 'created');
      outcomes.push({ index: record.index, result: 'created' });
      continue;
    }
    const target = match.institution;
    const strong = match.by === 'erasmusCode' || match.by === 'pic' || match.by === 'oid';
    const changes = dropUnsafeSchacGuess(set, target, record, planMerge(target, record, strong), file);
    const conflict = identifierConflict(set, target, changes);
    if (conflict) {
      outcomes.push({ index: record.index, result: 'rejected', reason: conflict });
      continue;
    }
    if (!changes.length) {
      outcomes.push({ index: record.index, result: 'unchanged', by: match.by });
      continue;
    }
    const previous = { erasmusCode: target.erasmusCode, pic: target.pic, oid: target.oid, schacCode: target.schacCode };
    const merged = !target.sources.includes(record.source);
    applyChanges(target, changes);
    set.index(target, previous);
    if (!touched.has(target)) touched.set(target, 'updated');
    outcomes.push({ index: record.index, result: merged ? 'merged' : 'updated', by: match.by });
  }
  await writeBatch(em, touched);
  return outcomes;
}

/**
 * Writes a batch: the changed institutions in one set-based update (optimistic: each row only if its version is the
 * one read), then the new ones and an outbox event for each institution written, in one flush.
 *
 * The updates bypass the unit of work on purpose: when one flush changes unique properties (erasmusCode, pic, oid,
 * schacCode) of several entities, MikroORM 6.6 moves them into extra per-entity updates, and when two entities
 * change different unique properties it runs one of those "early" and then repeats the version column in the main
 * batch update ("multiple assignments to same column version").
 */
async function writeBatch(em: EntityManager, touched: Map<Institution, 'created' | 'updated'>): Promise<void> {
  const updated = [...touched].filter(([, what]) => what === 'updated').map(([i]) => i);
  const created = [...touched].filter(([, what]) => what === 'created').map(([i]) => i);
  const rows = updated.map((i) => ({
    id: i.id,
    version: i.version,
    official_name: i.officialName,
    name: i.name,
    other_names: i.otherNames,
    country: i.country,
    city: i.city ?? null,
    street: i.street ?? null,
    post_code: i.postCode ?? null,
    website: i.website ?? null,
    email_domains: i.emailDomains,
    erasmus_code: i.erasmusCode ?? null,
    pic: i.pic ?? null,
    oid: i.oid ?? null,
    schac_code: i.schacCode ?? null,
    eche_start: i.echeStart ?? null,
    eche_end: i.echeEnd ?? null,
    sources: i.sources,
    search_text: searchTextOf(i),
  }));
  // The loaded entities were changed in memory only; detached, the unit of work never writes them.
  em.clear();
  const versions = new Map<string, number>();
  if (rows.length) {
    const result = await em.execute<{ id: string; version: number }[]>(
      `update institution as i
          set official_name = v.official_name, name = v.name, other_names = v.other_names, country = v.country,
              city = v.city, street = v.street, post_code = v.post_code, website = v.website,
              email_domains = v.email_domains, erasmus_code = v.erasmus_code, pic = v.pic, oid = v.oid,
              schac_code = v.schac_code, eche_start = v.eche_start, eche_end = v.eche_end, sources = v.sources,
              search_text = v.search_text, updated_at = now(), version = i.version + 1
         from jsonb_to_recordset(?::jsonb) as v(id uuid, version int, official_name text, name jsonb, other_names text[],
              country text, city text, street text, post_code text, website text, email_domains text[], erasmus_code text,
              pic text, oid text, schac_code text, eche_start date, eche_end date, sources text[], search_text text)
        where i.id = v.id and i.version = v.version
        returning i.id::text as id, i.version`,
      [JSON.stringify(rows)],
    );
    if (result.length !== rows.length) throw new ConcurrentChange();
    for (const r of result) versions.set(r.id, Number(r.version));
  }
  for (const i of created) em.persist(i);
  for (const [institution, what] of touched) {
    recordEvent(em, {
      type: what === 'created' ? 'institution.created' : 'institution.updated',
      aggregateType: 'Institution',
      aggregateId: institution.id,
      aggregateVersion: what === 'created' ? 1 : versions.get(institution.id),
      actor: 'import',
    });
  }
  await em.flush();
}

/**
 * Moves the rows a batch added to the GIN indexes' pending lists into the indexes proper. Lookups scan the whole
 * pending list, and PGlite has no autovacuum to empty it: without this, the domain lookups of the next batches slow
 * down as the import goes on. Not allowed to every role; then the pending list is left to autovacuum.
 */
async function tidyIndexes(em: EntityManager): Promise<void> {
  try {
    await em.execute(`select gin_clean_pending_list('institution_email_domains_gin'::regclass), gin_clean_pending_list('institution_search_trgm'::regclass)`);
  } catch {
    // not the index owner: autovacuum will do it
  }
}

/** Someone else changed an institution of the batch between our read and our write: the batch is run again. */
class ConcurrentChange extends Error {}

/** A new institution with only what every institution needs; the record's fields come through planMerge. */
function newInstitution(record: ImportRecord): Institution {
  const i = new Institution();
  i.officialName = '';
  i.name = {};
  i.kind = record.kind;
  i.country = record.country;
  i.otherNames = [];
  i.emailDomains = [];
  i.sources = [];
  return i;
}

/**
 * Every institution a record of the batch could match or collide with by an identifier or a domain, in two queries
 * whatever the batch size: the ids (unique and GIN indexes), then the entities.
 */
async function loadByIdentifiers(em: EntityManager, batch: ImportRecord[]): Promise<Institution[]> {
  const collect = (pick: (r: ImportRecord) => (string | undefined)[]) => pgTextArray(unique(batch.flatMap(pick).filter((v): v is string => !!v)));
  const domains = collect((r) => [...r.emailDomains, r.schacCode]);
  const rows = await em.execute<{ id: string }[]>(
    `select id from institution where erasmus_code = any(?::text[])
     union select id from institution where pic = any(?::text[])
     union select id from institution where oid = any(?::text[])
     union select id from institution where schac_code = any(?::text[])
     union select i.id from unnest(?::text[]) as d(domain) join institution i on i.email_domains @> array[d.domain]`,
    [collect((r) => [r.erasmusCode]), collect((r) => [r.pic]), collect((r) => [r.oid]), domains, domains],
  );
  return rows.length ? em.find(Institution, { id: { $in: rows.map((r) => r.id) } }) : [];
}

/**
 * The institutions of the records' countries that share a name key with one of them (not yet in the working set),
 * in two queries: the names of the countries' institutions, compared here (batches hold one or a few countries),
 * then the entities.
 */
async function loadByNames(em: EntityManager, records: ImportRecord[], set: WorkingSet): Promise<Institution[]> {
  const wanted = new Set(records.flatMap((r) => [...recordNames(r)].map((k) => `${r.country}|${k}`)));
  const rows = await em.execute<{ id: string; country: string; official_name: string; name: LocalisedTextData; other_names: string[] }[]>(
    `select id, country, official_name, name, to_jsonb(other_names) as other_names from institution where country = any(?::bpchar[])`,
    [pgTextArray(unique(records.map((r) => r.country)))],
  );
  const ids = rows
    .filter((row) => !set.has(row.id))
    .filter((row) => [...namesOf({ officialName: row.official_name, name: row.name, otherNames: row.other_names })].some((k) => wanted.has(`${row.country}|${k}`)))
    .map((row) => row.id);
  return ids.length ? em.find(Institution, { id: { $in: ids } }) : [];
}

/** A PostgreSQL array literal (the query builder would spread a JS array into a list of parameters). */
function pgTextArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

// --- Reporting -------------------------------------------------------------------------------------------------------

const FORMAT_LABELS: Record<ImportFormat, string> = {
  eche: 'ECHE holders list',
  'world-universities': 'world universities list',
  csv: 'CSV',
};

/** The summary as the import command prints it; rejected records beyond `maxListed` are counted, not listed. */
export function formatImportSummary(file: string, s: ImportSummary, maxListed = 20): string {
  const n = (v: number) => String(v).padStart(7);
  const where = (r: ImportRejection) => (r.line ? `line ${r.line}` : `record #${r.index}`);
  const lines = [
    `${file} (${FORMAT_LABELS[s.format]}): ${s.total} records in ${(s.elapsedMs / 1000).toFixed(1)} s${s.interrupted ? ' (interrupted: run it again to finish)' : ''}`,
    `  created   ${n(s.created)}`,
    `  merged    ${n(s.merged)}   into an institution from another source`,
    `  updated   ${n(s.updated)}`,
    `  unchanged ${n(s.unchanged)}`,
    `  rejected  ${n(s.rejected.length)}`,
  ];
  for (const r of s.rejected.slice(0, maxListed)) lines.push(`    ${where(r)}: ${r.reason}`);
  if (s.rejected.length > maxListed) lines.push(`    ... and ${s.rejected.length - maxListed} more (--json lists them all)`);
  if (s.notes.length) {
    lines.push(`  left out of imported records: ${s.notes.length}`);
    for (const note of s.notes.slice(0, maxListed)) lines.push(`    record #${note.index}: ${note.note}`);
    if (s.notes.length > maxListed) lines.push(`    ... and ${s.notes.length - maxListed} more`);
  }
  return lines.join('\n');
}
