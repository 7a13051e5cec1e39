/**
 * National Agency reporting: the mobilities of one grant contract (the calls whose `grantContractNumber` is the
 * contract's number), as the EU Beneficiary Module asks for them, and their totals for the interim and final reports.
 *
 * Which mobilities count: a mobility is reported from the host's confirmation of the arrival on —
 * - LIVE → ONGOING (arrived, not yet back);
 * - COMPLETED and RECOGNISED → COMPLETED (the certificate of attendance confirmed the departure).
 * ACCEPTED and every earlier state are applications, not mobilities yet (nobody has travelled: the National Agency
 * is not told about them); WITHDRAWN, REJECTED and CANCELLED ones never took place and are not reported either.
 *
 * Figures of each mobility:
 * - dates: the actual first/last day where the host confirmed it, else the planned one (each end separately: a LIVE
 *   mobility has an actual start and a planned end);
 * - duration: calendar days, first and last included (1 March – 30 March = 30 days); months = days / 30, one decimal;
 * - amounts: the mobility's computed grant (`MobilityGrant`); a zero-grant (hibesiz) mobility reports 0 for every part
 *   and is flagged; a mobility whose grant is not computed yet reports no amounts (empty cells, null in GraphQL) and is
 *   counted in `withoutGrant`, so the office sees what is missing before it reports;
 * - paid: the sum of the grant's recorded payments (recoveries are negative payments).
 *
 * An unknown contract number is not an error: a contract whose calls have no mobility yet is normal, so the report is
 * empty (no calls, zero totals) and the export is a header row only.
 *
 * Everything is read with one SQL statement for the rows (applications joined with calls, programmes, units, home and
 * host institutions, accounts, grants and payment sums) and one for the calls: the number of statements does not grow
 * with the number of mobilities.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import type { RequestContext } from '../../platform/graphql/context';
import { MobilityType } from '../agreements/agreement.entity';
import { ApplicationStatus, EQF_OF_LEVEL, StudyLevel } from './application.entity';
import { sqlStates } from './application.transitions';
import { MobilityCall } from './call.entity';
import { MobilityProgrammeCode } from './programme.entity';
import { MAX_CONTRACT_NUMBER_LENGTH, ReportingErrors } from './reporting.errors';
import { daysInclusive } from './calendar-day';

export enum ReportedMobilityStatus {
  ONGOING = 'ONGOING',
  COMPLETED = 'COMPLETED',
}

/** The statuses reported, and what each counts as. */
export const REPORTED_STATUS: Partial<Record<ApplicationStatus, ReportedMobilityStatus>> = {
  [ApplicationStatus.LIVE]: ReportedMobilityStatus.ONGOING,
  [ApplicationStatus.COMPLETED]: ReportedMobilityStatus.COMPLETED,
  [ApplicationStatus.RECOGNISED]: ReportedMobilityStatus.COMPLETED,
};
const REPORTED_STATES = Object.keys(REPORTED_STATUS) as ApplicationStatus[];

/** The Beneficiary Module's activity types of higher education mobility (KA131-HED, KA171-HED). */
export const ACTIVITY_TYPE: Record<MobilityType, string> = {
  [MobilityType.SMS]: 'Student mobility for studies',
  [MobilityType.SMT]: 'Student mobility for traineeships',
  [MobilityType.STA]: 'Staff mobility for teaching',
  [MobilityType.STT]: 'Staff mobility for training',
};
const ACTIVITY_ORDER: MobilityType[] = [MobilityType.SMS, MobilityType.SMT, MobilityType.STA, MobilityType.STT];

export interface ReportedOrganisationData {
  name: string | null;
  erasmusCode: string | null;
  schacCode: string | null;
  country: string | null;
}

/** One mobility as the National Agency is told about it. */
export interface ReportedMobilityData {
  applicationId: string;
  /** The identity provider's subject of the participant (not exported: it tells participants apart in the totals). */
  applicantSubject: string;
  contractNumber: string;
  /** The application number: the mobility ID in the Beneficiary Module. */
  number: string;
  applicationStatus: ApplicationStatus;
  status: ReportedMobilityStatus;
  mobilityType: MobilityType;
  activityType: string;
  programme: MobilityProgrammeCode;
  academicYear: string;
  /** The participant, from their account (`UserAccount` by the application's subject); null when no account is known. */
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  /** The first of the participant's citizenships (ISO 3166-1 alpha-2). */
  nationality: string | null;
  /** From the computed grant; null while no grant is computed. */
  fewerOpportunities: boolean | null;
  /** ISCED-F code: the applicant's field of study, else the place's when it names exactly one. */
  fieldOfEducation: string | null;
  /** EQF level of the student's study cycle (5–8); null for staff. */
  eqfLevel: number | null;
  sending: ReportedOrganisationData;
  /** The applicant's faculty or department at home. */
  sendingDepartment: string | null;
  receiving: ReportedOrganisationData;
  /** YYYY-MM-DD: actual, else planned. */
  startDate: string | null;
  endDate: string | null;
  /** Calendar days, first and last included; null while a date is missing. */
  durationDays: number | null;
  /** durationDays / 30, one decimal. */
  months: number | null;
  zeroGrant: boolean;
  grantComputed: boolean;
  individualSupport: number | null;
  topUps: number | null;
  travel: number | null;
  total: number | null;
  paid: number;
}

export interface ContractTotalsData {
  mobilities: number;
  ongoing: number;
  completed: number;
  /** Distinct participants (one person may go twice under a contract). */
  participants: number;
  fewerOpportunities: number;
  zeroGrant: number;
  /** Mobilities whose grant is not computed yet (their amounts are missing from the sums). */
  withoutGrant: number;
  days: number;
  /** Total days / 30, one decimal. */
  months: number;
  individualSupport: number;
  topUps: number;
  travel: number;
  total: number;
  paid: number;
}

export interface ActivityTotalsData {
  mobilityType: MobilityType;
  activityType: string;
  totals: ContractTotalsData;
}

export interface GrantContractReportData {
  contractNumber: string;
  generatedAt: Date;
  calls: MobilityCall[];
  totals: ContractTotalsData;
  byActivityType: ActivityTotalsData[];
  mobilities: ReportedMobilityData[];
}

/** A contract number as given by a client: trimmed, 1–60 characters, no control characters. */
export function contractNumberOf(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || raw.trim() === '') throw ReportingErrors.invalidContractNumber(field, 'Give the grant contract number');
  const value = raw.trim();
  if (value.length > MAX_CONTRACT_NUMBER_LENGTH) {
    throw ReportingErrors.invalidContractNumber(field, `A grant contract number has at most ${MAX_CONTRACT_NUMBER_LENGTH} characters`);
  }
  if (/[\u0000-\u001f\u007f]/.test(value)) throw ReportingErrors.invalidContractNumber(field, 'A grant contract number has no control characters');
  return value;
}

export const REPORTS_ARE_THE_OFFICES = 'National Agency reports are the office’s';

const round1 = (n: number) => Math.round(n * 10) / 10;
const cents = (n: number) => Math.round(n * 100) / 100;

/** "Ayşe Nur Yılmaz" → first "Ayşe Nur", last "Yılmaz" (split at the last space); a single word is the first name. */
export function splitName(displayName: string | null): { firstName: string | null; lastName: string | null } {
  const name = displayName?.trim().replace(/\s+/g, ' ');
  if (!name) return { firstName: null, lastName: null };
  const at = name.lastIndexOf(' ');
  return at < 0 ? { firstName: name, lastName: null } : { firstName: name.slice(0, at), lastName: name.slice(at + 1) };
}

interface Row {
  id: string;
  number: string;
  status: ApplicationStatus;
  applicant_subject: string;
  study_level: StudyLevel | null;
  field_of_study: string | null;
  nationality: string | null;
  application_zero_grant: boolean;
  planned_start: string | null;
  planned_end: string | null;
  actual_start: string | null;
  actual_end: string | null;
  contract_number: string;
  mobility_type: MobilityType;
  academic_year: string;
  call_zero_grant: boolean;
  programme: MobilityProgrammeCode;
  display_name: string | null;
  email: string | null;
  unit_name: string | null;
  home_name: string | null;
  home_erasmus_code: string | null;
  home_schac_code: string | null;
  home_country: string | null;
  destination_country: string | null;
  place_isced: string | null;
  host_name: string | null;
  host_erasmus_code: string | null;
  host_schac_code: string | null;
  host_country: string | null;
  grant_id: string | null;
  fewer_opportunities: boolean | null;
  grant_zero_grant: boolean | null;
  individual_support: number | null;
  top_ups: number | null;
  travel: number | null;
  total: number | null;
  paid: number | null;
}

/**
 * The reported mobilities of a contract, by application number: one SQL statement however many there are.
 * No access check: the callers (the office's query and download, the CLI) check it.
 */
export async function reportedMobilities(em: EntityManager, contractNumber: string): Promise<ReportedMobilityData[]> {
  const rows = await em.execute<Row[]>(
    `select a.id::text as id, a.number, a.status, a.applicant_subject, a.study_level, a.field_of_study,
            a.citizenships[1] as nationality, a.zero_grant as application_zero_grant,
            a.planned_start::text as planned_start, a.planned_end::text as planned_end,
            a.actual_start::text as actual_start, a.actual_end::text as actual_end,
            c.grant_contract_number as contract_number, c.mobility_type, c.academic_year, c.zero_grant as call_zero_grant,
            p.code as programme,
            acc.display_name, acc.email,
            coalesce(u.name->>'en', u.name->>'tr') as unit_name,
            home.official_name as home_name, home.erasmus_code as home_erasmus_code, home.schac_code as home_schac_code,
            home.country as home_country,
            pl.country as destination_country,
            case when cardinality(pl.isced_codes) = 1 then pl.isced_codes[1] end as place_isced,
            host.official_name as host_name, host.erasmus_code as host_erasmus_code, host.schac_code as host_schac_code,
            host.country as host_country,
            g.id::text as grant_id, g.fewer_opportunities, g.zero_grant as grant_zero_grant,
            g.individual_support::float8 as individual_support, g.top_ups::float8 as top_ups, g.travel::float8 as travel,
            g.total::float8 as total,
            (select coalesce(sum(gp.amount), 0) from mobility_grant_payment gp where gp.grant_id = g.id)::float8 as paid
       from mobility_application a
       join mobility_call c on c.id = a.call_id
       join mobility_programme p on p.id = c.programme_id
       join organisational_unit u on u.id = a.unit_id
       join institution home on home.id = u.institution_id
       left join user_account acc on acc.subject = a.applicant_subject
       left join mobility_call_place pl on pl.id = a.placed_at_id
       left join institution host on host.id = pl.partner_id
       left join mobility_grant g on g.application_id = a.id
      where c.grant_contract_number = ? and a.status in (${sqlStates(REPORTED_STATES)})
      order by a.number collate "C", a.id`,
    [contractNumber],
  );
  return rows.map(toReported);
}

function toReported(r: Row): ReportedMobilityData {
  const startDate = r.actual_start ?? r.planned_start;
  const endDate = r.actual_end ?? r.planned_end;
  const durationDays = startDate && endDate && startDate <= endDate ? daysInclusive(startDate, endDate) : null;
  const zeroGrant = r.application_zero_grant || r.call_zero_grant || r.grant_zero_grant === true;
  const grantComputed = r.grant_id !== null;
  // A zero-grant mobility gets nothing whether or not its (zero) grant was computed.
  const amount = (value: number | null) => (zeroGrant ? 0 : grantComputed ? cents(value ?? 0) : null);
  return {
    applicationId: r.id,
    applicantSubject: r.applicant_subject,
    contractNumber: r.contract_number,
    number: r.number,
    applicationStatus: r.status,
    status: REPORTED_STATUS[r.status]!,
    mobilityType: r.mobility_type,
    activityType: ACTIVITY_TYPE[r.mobility_type],
    programme: r.programme,
    academicYear: r.academic_year,
    ...splitName(r.display_name),
    email: r.email,
    nationality: r.nationality,
    fewerOpportunities: grantComputed ? r.fewer_opportunities === true : null,
    fieldOfEducation: r.field_of_study ?? r.place_isced,
    eqfLevel: r.study_level ? EQF_OF_LEVEL[r.study_level] : null,
    sending: { name: r.home_name, erasmusCode: r.home_erasmus_code, schacCode: r.home_schac_code, country: r.home_country },
    sendingDepartment: r.unit_name,
    receiving: { name: r.host_name, erasmusCode: r.host_erasmus_code, schacCode: r.host_schac_code, country: r.destination_country ?? r.host_country },
    startDate,
    endDate,
    durationDays,
    months: durationDays === null ? null : round1(durationDays / 30),
    zeroGrant,
    grantComputed,
    individualSupport: amount(r.individual_support),
    topUps: amount(r.top_ups),
    travel: amount(r.travel),
    total: amount(r.total),
    paid: cents(r.paid ?? 0),
  };
}

/** Sums over mobilities; months are the summed days / 30 (one decimal), amounts summed to the cent. */
export function totalsOf(mobilities: readonly ReportedMobilityData[]): ContractTotalsData {
  const sum = (pick: (m: ReportedMobilityData) => number | null) => cents(mobilities.reduce((s, m) => s + (pick(m) ?? 0), 0));
  const days = mobilities.reduce((s, m) => s + (m.durationDays ?? 0), 0);
  return {
    mobilities: mobilities.length,
    ongoing: mobilities.filter((m) => m.status === ReportedMobilityStatus.ONGOING).length,
    completed: mobilities.filter((m) => m.status === ReportedMobilityStatus.COMPLETED).length,
    participants: new Set(mobilities.map((m) => m.applicantSubject)).size,
    fewerOpportunities: mobilities.filter((m) => m.fewerOpportunities === true).length,
    zeroGrant: mobilities.filter((m) => m.zeroGrant).length,
    withoutGrant: mobilities.filter((m) => !m.grantComputed && !m.zeroGrant).length,
    days,
    months: round1(days / 30),
    individualSupport: sum((m) => m.individualSupport),
    topUps: sum((m) => m.topUps),
    travel: sum((m) => m.travel),
    total: sum((m) => m.total),
    paid: sum((m) => m.paid),
  };
}

/** `Query.grantContractReport`: the office's report of one grant contract (an unknown contract: an empty report). */
export async function grantContractReport(ctx: RequestContext, rawContractNumber: string): Promise<GrantContractReportData> {
  assertOffice(ctx, REPORTS_ARE_THE_OFFICES);
  const contractNumber = contractNumberOf(rawContractNumber, 'contractNumber');
  const calls = await ctx.em.find(MobilityCall, { grantContractNumber: contractNumber }, { orderBy: { academicYear: 'asc', createdAt: 'asc', id: 'asc' } });
  const mobilities = await reportedMobilities(ctx.em, contractNumber);
  return {
    contractNumber,
    generatedAt: new Date(),
    calls,
    totals: totalsOf(mobilities),
    byActivityType: ACTIVITY_ORDER.flatMap((type) => {
      const ofType = mobilities.filter((m) => m.mobilityType === type);
      return ofType.length ? [{ mobilityType: type, activityType: ACTIVITY_TYPE[type], totals: totalsOf(ofType) }] : [];
    }),
    mobilities,
  };
}

/** The rows of the download, for the office only (the route's access check). */
export async function mobilitiesForExport(ctx: RequestContext, contractNumber: string): Promise<ReportedMobilityData[]> {
  assertOffice(ctx, REPORTS_ARE_THE_OFFICES);
  return reportedMobilities(ctx.em, contractNumber);
}
