/**
 * Nominations that arrive in bulk (a partner's spreadsheet) or as an EWP outgoing-mobility record, mapped onto the one
 * nomination path of nomination.service.ts.
 *
 * CSV: one header row naming the columns (any order, any case; `,` or `;` as Excel writes it in a Turkish locale), then
 * one nominee per line:
 *
 *   sending_institution,sending_unit,given_names,family_name,email,birth_date,citizenships,mobility_type,academic_year,term,study_level,isced,language,cefr,host_unit,agreement,planned_arrival,planned_departure
 *   uni-graz.at,Institut für Informatik,Anna,Muster,anna.muster@uni-graz.at,2003-04-09,AT,SMS,2027/2028,FALL,BACHELOR,0613,en,B2,ENG-CENG,,2027-09-20,2028-01-31
 *
 * Required: sending_institution (its SCHAC code, e.g. uni-graz.at, or its Erasmus code in any spelling, e.g. A GRAZ01),
 * given_names, family_name, email, mobility_type (SMS, SMT, STA, STT), academic_year (2027/2028), term (FALL, SPRING,
 * FULL_YEAR; GÜZ, BAHAR accepted), host_unit (our unit's code, e.g. ENG-CENG), and study_level for students (ASSOCIATE,
 * BACHELOR, MASTER, DOCTORATE or the EQF level 5–8; staff have none). Optional: sending_unit, birth_date (YYYY-MM-DD),
 * citizenships (ISO 3166 alpha-2, separated by spaces or |), isced (2–4 digits), language (ISO 639-1), cefr (A1–C2),
 * agreement (the agreement's office reference), planned_arrival, planned_departure.
 *
 * The whole file is checked first and written all or nothing: any line with a problem (reported with its line, column
 * and code) and nothing is written; a dry run checks and matches everything (quota included, lines counted in order) and
 * writes nothing. Lines that do not fit the agreements are not problems: they are recorded with their issues (flagged).
 */
import { readCsvRecords } from '../../platform/csv/csv-records';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { DomainError } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { Agreement, CooperationCondition, MobilityType } from '../agreements/agreement.entity';
import { canonicalErasmusCode, ERASMUS_PREFIXES } from '../institutions/institution-identifiers';
import { Institution } from '../institutions/institution.entity';
import { requireHomeInstitution } from '../institutions/institution.service';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { isDay } from '../mobility/calendar-day';
import { StudyLevel } from '../mobility/application.entity';
import { AcademicTerm, IncomingMobility, NominationSource, type NominationIssueRow } from './incoming-mobility.entity';
import { IntakeErrors } from './intake.errors';
import { isStaffType, termOfStay } from './nomination-matching.rules';
import { recordNomination, type NominationData } from './nomination.service';

export const NOMINATION_COLUMNS = [
  'sending_institution',
  'sending_unit',
  'given_names',
  'family_name',
  'email',
  'birth_date',
  'citizenships',
  'mobility_type',
  'academic_year',
  'term',
  'study_level',
  'isced',
  'language',
  'cefr',
  'host_unit',
  'agreement',
  'planned_arrival',
  'planned_departure',
] as const;
type Column = (typeof NOMINATION_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['sending_institution', 'given_names', 'family_name', 'email', 'mobility_type', 'academic_year', 'term', 'host_unit'];

export const MAX_NOMINATION_ROWS = 500;
export const MAX_NOMINATION_CHARS = 500_000;

export interface ImportProblem {
  line: number;
  field: string;
  code: string;
  message: string;
}

export interface ImportRowResult {
  line: number;
  /** Null in a dry run (nothing was written). */
  mobility: IncomingMobility | null;
  invitationCode: string | null;
  issues: NominationIssueRow[];
}

export interface ImportReport {
  dryRun: boolean;
  /** True when the nominations were written (no problems, not a dry run). */
  written: boolean;
  total: number;
  created: number;
  flagged: number;
  problems: ImportProblem[];
  rows: ImportRowResult[];
}

/** A line as read, before the directory is consulted. */
export interface ParsedNomination {
  line: number;
  sendingInstitution: string;
  sendingUnit: string | null;
  givenNames: string;
  familyName: string;
  email: string;
  birthDate: string | null;
  citizenships: string[];
  mobilityType: MobilityType;
  academicYear: string;
  term: AcademicTerm;
  studyLevel: StudyLevel | null;
  isced: string | null;
  language: string | null;
  cefr: string | null;
  hostUnit: string;
  agreement: string | null;
  plannedArrival: string | null;
  plannedDeparture: string | null;
}

const TERMS: Record<string, AcademicTerm> = {
  FALL: AcademicTerm.FALL,
  AUTUMN: AcademicTerm.FALL,
  GÜZ: AcademicTerm.FALL,
  GUZ: AcademicTerm.FALL,
  SPRING: AcademicTerm.SPRING,
  BAHAR: AcademicTerm.SPRING,
  FULL_YEAR: AcademicTerm.FULL_YEAR,
  'FULL YEAR': AcademicTerm.FULL_YEAR,
};
const LEVEL_OF_EQF: Record<string, StudyLevel> = { '5': StudyLevel.ASSOCIATE, '6': StudyLevel.BACHELOR, '7': StudyLevel.MASTER, '8': StudyLevel.DOCTORATE };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const NAME_MAX = 200;

/** Checks every line's own values (formats, required columns); pure. */
export function parseNominationCsv(csv: string): { rows: ParsedNomination[]; problems: ImportProblem[] } {
  if (csv.length > MAX_NOMINATION_CHARS) throw IntakeErrors.csvTooLarge(`${csv.length} characters (at most ${MAX_NOMINATION_CHARS})`);
  const read = readCsvRecords(csv);
  if ('malformed' in read) return { rows: [], problems: [read.malformed] };
  const records = read.records;
  if (records.length - 1 > MAX_NOMINATION_ROWS) throw IntakeErrors.csvTooLarge(`${records.length - 1} nominations (at most ${MAX_NOMINATION_ROWS})`);
  const [head, ...data] = records;
  if (!head) return { rows: [], problems: [{ line: 1, field: 'csv', code: 'EMPTY_FILE', message: 'The file has no header row' }] };
  const index = new Map<Column, number>();
  const problems: ImportProblem[] = [];
  head.record.forEach((h, i) => {
    const name = h.trim().toLowerCase().replace(/[\s-]+/g, '_') as Column;
    if ((NOMINATION_COLUMNS as readonly string[]).includes(name)) index.set(name, i);
    else if (name) problems.push({ line: 1, field: name, code: 'UNKNOWN_COLUMN', message: `${h} is not a column of the nomination file` });
  });
  for (const column of REQUIRED) {
    if (!index.has(column)) problems.push({ line: 1, field: column, code: 'MISSING_COLUMN', message: `The header has no ${column} column` });
  }
  if (problems.length) return { rows: [], problems };
  if (!data.length) return { rows: [], problems: [{ line: 1, field: 'csv', code: 'EMPTY_FILE', message: 'The file lists no nominations' }] };

  const rows: ParsedNomination[] = [];
  for (const { record, info } of data) {
    const line = info.lines;
    const value = (c: Column) => (index.has(c) ? (record[index.get(c)!] ?? '').trim() : '');
    const before = problems.length;
    const problem = (field: Column, code: string, message: string) => problems.push({ line, field, code, message });
    for (const c of REQUIRED) if (!value(c)) problem(c, 'REQUIRED', `${c} is missing`);
    for (const c of ['given_names', 'family_name', 'sending_unit'] as const) if (value(c).length > NAME_MAX) problem(c, 'TOO_LONG', `${c} has at most ${NAME_MAX} characters`);
    const email = value('email').toLowerCase();
    if (email && (!EMAIL.test(email) || email.length > 254)) problem('email', 'INVALID_EMAIL', `"${value('email')}" is not an e-mail address`);
    const mobilityType = value('mobility_type').toUpperCase();
    if (mobilityType && !(mobilityType in MobilityType)) problem('mobility_type', 'INVALID_MOBILITY_TYPE', `"${value('mobility_type')}" is not SMS, SMT, STA or STT`);
    const academicYear = value('academic_year');
    if (academicYear && !validAcademicYear(academicYear)) problem('academic_year', 'INVALID_ACADEMIC_YEAR', `"${academicYear}" is not an academic year (2027/2028)`);
    // Turkish upper-casing for güz/bahar; the plain one for "spring" (which Turkish rules would write SPRİNG).
    const term = TERMS[value('term').toLocaleUpperCase('tr')] ?? TERMS[value('term').toUpperCase()];
    if (value('term') && !term) problem('term', 'INVALID_TERM', `"${value('term')}" is not FALL, SPRING or FULL_YEAR`);
    const levelText = value('study_level').toUpperCase();
    const studyLevel = levelText ? ((levelText in StudyLevel ? (levelText as StudyLevel) : LEVEL_OF_EQF[levelText]) ?? null) : null;
    if (levelText && !studyLevel) problem('study_level', 'INVALID_STUDY_LEVEL', `"${value('study_level')}" is not ASSOCIATE, BACHELOR, MASTER, DOCTORATE or EQF 5–8`);
    if (mobilityType in MobilityType) {
      if (isStaffType(mobilityType) && levelText) problem('study_level', 'STUDY_LEVEL_FOR_STAFF', 'Staff visits (STA, STT) have no study level');
      if (!isStaffType(mobilityType) && !levelText) problem('study_level', 'STUDY_LEVEL_REQUIRED', 'Student mobilities (SMS, SMT) need the study level');
    }
    const birthDate = value('birth_date') || null;
    if (birthDate && !isDay(birthDate)) problem('birth_date', 'INVALID_DATE', `"${birthDate}" is not a date (YYYY-MM-DD)`);
    const citizenships = value('citizenships').toUpperCase().split(/[\s|/]+/).filter(Boolean);
    if (citizenships.some((c) => !/^[A-Z]{2}$/.test(c)) || citizenships.length > 5) {
      problem('citizenships', 'INVALID_COUNTRY', `"${value('citizenships')}" is not a list of ISO country codes (e.g. DE or DE|TR)`);
    }
    const isced = value('isced') || null;
    if (isced && !/^\d{2,4}$/.test(isced)) problem('isced', 'INVALID_ISCED', `"${isced}" is not an ISCED-F code of 2 to 4 digits`);
    const language = value('language').toLowerCase() || null;
    if (language && !/^[a-z]{2}$/.test(language)) problem('language', 'INVALID_LANGUAGE', `"${value('language')}" is not an ISO 639-1 code`);
    const cefr = value('cefr').toUpperCase() || null;
    if (cefr && !/^(A1|A2|B1|B2|C1|C2)$/.test(cefr)) problem('cefr', 'INVALID_CEFR', `"${value('cefr')}" is not a CEFR level (A1 to C2)`);
    const plannedArrival = value('planned_arrival') || null;
    const plannedDeparture = value('planned_departure') || null;
    if (plannedArrival && !isDay(plannedArrival)) problem('planned_arrival', 'INVALID_DATE', `"${plannedArrival}" is not a date (YYYY-MM-DD)`);
    if (plannedDeparture && !isDay(plannedDeparture)) problem('planned_departure', 'INVALID_DATE', `"${plannedDeparture}" is not a date (YYYY-MM-DD)`);
    if (plannedArrival && plannedDeparture && isDay(plannedArrival) && isDay(plannedDeparture) && plannedDeparture < plannedArrival) {
      problem('planned_departure', 'INVALID_DATES', 'The planned departure is before the planned arrival');
    }
    if (problems.length > before) continue;
    rows.push({
      line,
      sendingInstitution: value('sending_institution'),
      sendingUnit: value('sending_unit') || null,
      givenNames: value('given_names'),
      familyName: value('family_name'),
      email,
      birthDate,
      citizenships,
      mobilityType: mobilityType as MobilityType,
      academicYear,
      term,
      studyLevel,
      isced,
      language,
      cefr,
      hostUnit: value('host_unit').toUpperCase(),
      agreement: value('agreement') || null,
      plannedArrival,
      plannedDeparture,
    });
  }
  return { rows, problems };
}

export function validAcademicYear(year: string): boolean {
  const m = /^(\d{4})\/(\d{4})$/.exec(year);
  return !!m && Number(m[2]) === Number(m[1]) + 1;
}

/** An institution by its SCHAC code (EWP hei-id) or its Erasmus code in any spelling; null when none has it. */
export async function institutionByCode(em: EntityManager, raw: string): Promise<Institution | null> {
  const code = raw.trim();
  if (!code) return null;
  const erasmus = [
    ...new Set([undefined, ...Object.values(ERASMUS_PREFIXES)].map((country) => canonicalErasmusCode(code, country)).filter((c): c is string => !!c)),
  ];
  return em.findOne(Institution, { $or: [{ schacCode: code.toLowerCase() }, ...(erasmus.length ? [{ erasmusCode: { $in: erasmus } }] : [])] });
}

class DryRunRollback extends Error {}

/** The office imports a partner's file (see the file's comment). */
export async function importNominations(ctx: RequestContext, csv: string, dryRun: boolean): Promise<ImportReport> {
  assertOffice(ctx, 'Importing nominations is the office’s work');
  const { rows, problems } = parseNominationCsv(csv);
  const report: ImportReport = { dryRun, written: false, total: rows.length + new Set(problems.filter((p) => p.line > 1).map((p) => p.line)).size, created: 0, flagged: 0, problems, rows: [] };
  if (problems.some((p) => p.line === 1)) return report;

  const em = ctx.em;
  const home = await requireHomeInstitution(em);
  const units = new Map((await em.find(OrganisationalUnit, { institution: home.id })).map((u) => [u.code.toUpperCase(), u.id]));
  const references = [...new Set(rows.map((r) => r.agreement).filter((r): r is string => !!r))];
  const agreements = new Map((references.length ? await em.find(Agreement, { reference: { $in: references } }) : []).map((a) => [a.reference!, a.id]));
  const institutions = new Map<string, Institution | null>();
  for (const code of new Set(rows.map((r) => r.sendingInstitution))) institutions.set(code, await institutionByCode(em, code));

  const resolved: { line: number; data: NominationData }[] = [];
  for (const row of rows) {
    const before = problems.length;
    const problem = (field: Column, code: string, message: string) => problems.push({ line: row.line, field, code, message });
    const sending = institutions.get(row.sendingInstitution);
    if (!sending) problem('sending_institution', 'UNKNOWN_INSTITUTION', `No institution of the directory has the SCHAC or Erasmus code ${row.sendingInstitution}`);
    else if (sending.id === home.id) problem('sending_institution', 'SENDING_IS_HOME', 'The sending institution is the home institution');
    const hostUnitId = units.get(row.hostUnit);
    if (!hostUnitId) problem('host_unit', 'UNKNOWN_UNIT', `${row.hostUnit} is not a unit of the home institution`);
    const agreementId = row.agreement ? agreements.get(row.agreement) : undefined;
    if (row.agreement && !agreementId) problem('agreement', 'UNKNOWN_AGREEMENT', `No agreement has the reference ${row.agreement}`);
    if (problems.length > before) continue;
    resolved.push({
      line: row.line,
      data: {
        source: NominationSource.CSV,
        sendingInstitutionId: sending!.id,
        sendingUnitName: row.sendingUnit,
        agreementId: agreementId ?? null,
        mobilityType: row.mobilityType,
        academicYear: row.academicYear,
        term: row.term,
        studyLevel: row.studyLevel,
        iscedCode: row.isced,
        languageCode: row.language,
        languageLevel: row.cefr,
        hostUnitId: hostUnitId!,
        givenNames: row.givenNames,
        familyName: row.familyName,
        email: row.email,
        birthDate: row.birthDate,
        citizenships: row.citizenships,
        plannedArrival: row.plannedArrival,
        plannedDeparture: row.plannedDeparture,
      },
    });
  }

  // Every line goes through the nomination path in one transaction, in file order (earlier lines take quota places
  // first); it is rolled back when any line has a problem or for a dry run.
  try {
    await ctx.transaction(async (tx) => {
      for (const { line, data } of resolved) {
        try {
          const { mobility, invitationCode } = await recordNomination(tx, ctx, data);
          report.rows.push({ line, mobility, invitationCode, issues: mobility.nominationIssues });
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          problems.push({ line, field: columnOf(e.details.field), code: e.reason, message: e.message });
        }
      }
      if (dryRun || problems.length) throw new DryRunRollback();
    });
    report.written = true;
  } catch (e) {
    if (!(e instanceof DryRunRollback)) throw e;
    report.rows = report.rows.map((r) => ({ ...r, mobility: null, invitationCode: null }));
  }
  problems.sort((a, b) => a.line - b.line);
  report.rows.sort((a, b) => a.line - b.line);
  report.created = report.written ? report.rows.length : 0;
  report.flagged = report.rows.filter((r) => r.issues.length).length;
  return report;
}

const COLUMN_OF_FIELD: Record<string, Column> = {
  academicYear: 'academic_year',
  studyLevel: 'study_level',
  hostUnitId: 'host_unit',
  sendingInstitutionId: 'sending_institution',
  plannedDeparture: 'planned_departure',
};
const columnOf = (field: unknown): string => (typeof field === 'string' ? (COLUMN_OF_FIELD[field] ?? field) : 'csv');

// --- EWP -----------------------------------------------------------------------------------------------------------

/** The fields of an EWP outgoing-mobility (omobility) nomination we take. */
export interface EwpNomination {
  sendingHeiId: string;
  sendingOunitName?: string | null;
  receivingHeiId: string;
  /** Our unit's code; when absent, the single unit of ours the partner's conditions name for the type and year. */
  receivingOunitCode?: string | null;
  givenNames: string;
  familyName: string;
  email: string;
  birthDate?: string | null;
  citizenship?: string | null;
  iscedCode?: string | null;
  eqfLevel?: number | null;
  receivingAcademicYearId: string;
  plannedArrivalDate: string;
  plannedDepartureDate: string;
  nominationDate?: string | null;
  mobilityType?: MobilityType | null;
  term?: AcademicTerm | null;
  languageCode?: string | null;
  cefrLevel?: string | null;
}

/** Maps an EWP omobility nomination onto the nomination path (office only; the EWP connector runs as the office). */
export async function receiveEwpNomination(ctx: RequestContext, input: EwpNomination) {
  assertOffice(ctx, 'Receiving EWP nominations is the office’s work');
  const em = ctx.em;
  const home = await requireHomeInstitution(em);
  if (!home.schacCode || input.receivingHeiId.trim().toLowerCase() !== home.schacCode) throw IntakeErrors.receivingNotHome('receivingHeiId', input.receivingHeiId);
  const sending = await em.findOne(Institution, { schacCode: input.sendingHeiId.trim().toLowerCase() });
  if (!sending) throw IntakeErrors.unknownInstitution('sendingHeiId', input.sendingHeiId);
  if (input.plannedDepartureDate < input.plannedArrivalDate) throw IntakeErrors.invalidDates('plannedDepartureDate', 'The planned departure is before the planned arrival');
  const mobilityType = input.mobilityType ?? MobilityType.SMS;
  let hostUnitId: string;
  if (input.receivingOunitCode) {
    const unit = await em.findOne(OrganisationalUnit, { institution: home.id, code: input.receivingOunitCode.trim().toUpperCase() });
    if (!unit) throw IntakeErrors.unknownUnit('receivingOunitCode', input.receivingOunitCode);
    hostUnitId = unit.id;
  } else {
    hostUnitId = await unitFromConditions(em, sending.id, home.id, mobilityType, input.receivingAcademicYearId);
  }
  const studyLevel = isStaffType(mobilityType) ? null : input.eqfLevel ? (LEVEL_OF_EQF[String(input.eqfLevel)] ?? null) : null;
  return ctx.transaction((tx) =>
    recordNomination(tx, ctx, {
      source: NominationSource.EWP,
      sendingInstitutionId: sending.id,
      sendingUnitName: input.sendingOunitName ?? null,
      mobilityType,
      academicYear: input.receivingAcademicYearId,
      term: input.term ?? (termOfStay(input.plannedArrivalDate, input.plannedDepartureDate) as AcademicTerm),
      studyLevel,
      iscedCode: input.iscedCode ?? null,
      languageCode: input.languageCode ?? null,
      languageLevel: input.cefrLevel ?? null,
      hostUnitId,
      givenNames: input.givenNames,
      familyName: input.familyName,
      email: input.email,
      birthDate: input.birthDate ?? null,
      citizenships: input.citizenship ? [input.citizenship] : [],
      plannedArrival: input.plannedArrivalDate,
      plannedDeparture: input.plannedDepartureDate,
      nominatedOn: input.nominationDate ?? null,
    }),
  );
}

/** The one unit of ours that the partner's conditions towards us (of the type and year) name; otherwise ask for it. */
async function unitFromConditions(em: EntityManager, partnerId: string, homeId: string, mobilityType: string, academicYear: string): Promise<string> {
  const conditions = await em.find(CooperationCondition, {
    sendingInstitution: partnerId,
    receivingInstitution: homeId,
    mobilityType: mobilityType as MobilityType,
    firstAcademicYear: { $lte: academicYear },
    lastAcademicYear: { $gte: academicYear },
    receivingUnit: { $ne: null },
  });
  const units = [...new Set(conditions.map((c) => c.receivingUnit!.id))];
  if (units.length !== 1) throw IntakeErrors.hostUnitRequired();
  return units[0];
}
