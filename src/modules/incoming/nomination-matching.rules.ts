/**
 * Does a partner's nomination fit our agreements? Pure rules: the service loads the facts (the partner's agreements,
 * their conditions towards us, what each condition's quota already holds for the year) and records what these return.
 *
 * A nomination is never refused for not fitting: it is recorded with its issues, and the office acknowledges them before
 * the host may accept it. The rules:
 * - the agreements considered are the one named, or else every agreement the sending institution is a partner of;
 *   none → NO_AGREEMENT;
 * - agreements in effect are preferred; if none is, the others are used and AGREEMENT_NOT_ACTIVE is flagged;
 * - of their cooperation conditions, only those from the sending institution to the home institution count; none →
 *   NO_CONDITION_TOWARDS_US (the agreement only sends our students the other way);
 * - each such condition is checked: mobility type (MOBILITY_TYPE_NOT_COVERED), academic year within the condition's and
 *   the agreement's years (YEAR_NOT_COVERED), the host unit under the condition's receiving unit (UNIT_NOT_COVERED),
 *   the ISCED-F field (FIELD_NOT_COVERED; a code matches a condition's code when one is a prefix of the other), the EQF
 *   level of students (LEVEL_NOT_COVERED; staff have none), the language (one of the condition's languages:
 *   LANGUAGE_NOT_COVERED; at least its CEFR level: LANGUAGE_LEVEL_BELOW; no level given: LANGUAGE_LEVEL_MISSING), and the
 *   quota: mobilities per year minus those already nominated for that condition and year (QUOTA_EXCEEDED);
 * - the condition that fits best is chosen: right mobility type first, then the year, then the fewest issues, then the
 *   most places left, then the agreement's own order. The nomination counts against that condition's quota only when
 *   its mobility type and year are the condition's (otherwise it is no mobility of that condition).
 */
import type { NominationIssueRow } from './incoming-mobility.entity';

export type MobilityTypeCode = 'SMS' | 'SMT' | 'STA' | 'STT';

export const STAFF_TYPES: readonly MobilityTypeCode[] = ['STA', 'STT'];
export const isStaffType = (type: string): boolean => (STAFF_TYPES as readonly string[]).includes(type);

export const CEFR_LEVELS = ['A1', 'A2', 'B1', 'B2', 'C1', 'C2'] as const;

export interface ConditionFacts {
  id: string;
  sendingInstitutionId: string;
  receivingInstitutionId: string;
  /** Our unit the condition is for; null: the whole institution. */
  receivingUnitId: string | null;
  mobilityType: string;
  firstAcademicYear: string;
  lastAcademicYear: string;
  mobilitiesPerYear: number;
  iscedCodes: string[];
  eqfLevels: number[];
  languages: { language: string; cefr?: string | null }[];
  position: number;
  /** Mobilities already counted against this condition in the nomination's academic year. */
  used: number;
}

export interface AgreementFacts {
  id: string;
  /** IN_EFFECT is active; anything else is not. */
  status: string;
  firstAcademicYear: string;
  lastAcademicYear: string;
  partnerIds: string[];
  conditions: ConditionFacts[];
}

export interface NominationFacts {
  sendingInstitutionId: string;
  homeInstitutionId: string;
  /** The host unit and the units above it. */
  hostUnitLineage: string[];
  mobilityType: string;
  academicYear: string;
  /** EQF level of a student's studies (5–8); null for staff or when unknown. */
  eqfLevel: number | null;
  iscedCode: string | null;
  languageCode: string | null;
  languageLevel: string | null;
}

export interface MatchResult {
  agreementId: string | null;
  conditionId: string | null;
  issues: NominationIssueRow[];
}

export const ISSUE_CODES = [
  'NO_AGREEMENT',
  'AGREEMENT_NOT_ACTIVE',
  'NO_CONDITION_TOWARDS_US',
  'MOBILITY_TYPE_NOT_COVERED',
  'YEAR_NOT_COVERED',
  'UNIT_NOT_COVERED',
  'FIELD_NOT_COVERED',
  'LEVEL_NOT_COVERED',
  'LANGUAGE_NOT_COVERED',
  'LANGUAGE_LEVEL_BELOW',
  'LANGUAGE_LEVEL_MISSING',
  'QUOTA_EXCEEDED',
] as const;

export function cefrRank(level: string | null | undefined): number {
  return level ? CEFR_LEVELS.indexOf(level.toUpperCase() as (typeof CEFR_LEVELS)[number]) : -1;
}

/** One of the codes is a prefix of the other: a nominee in 0613 fits a condition for 061, and one in 06 fits 0613. */
export function iscedMatches(code: string, conditionCodes: readonly string[]): boolean {
  return conditionCodes.some((c) => code.startsWith(c) || c.startsWith(code));
}

const within = (year: string, first: string, last: string) => year >= first && year <= last;

/** The issues of a nomination against one condition towards us (of `agreement`). */
export function conditionIssues(n: NominationFacts, c: ConditionFacts, agreement: Pick<AgreementFacts, 'firstAcademicYear' | 'lastAcademicYear'>): NominationIssueRow[] {
  const issues: NominationIssueRow[] = [];
  const add = (code: string, message: string) => issues.push({ code, message });
  if (c.mobilityType !== n.mobilityType) add('MOBILITY_TYPE_NOT_COVERED', `The agreement provides ${c.mobilityType}, not ${n.mobilityType}, from this partner`);
  const first = c.firstAcademicYear > agreement.firstAcademicYear ? c.firstAcademicYear : agreement.firstAcademicYear;
  const last = c.lastAcademicYear < agreement.lastAcademicYear ? c.lastAcademicYear : agreement.lastAcademicYear;
  if (!within(n.academicYear, first, last)) add('YEAR_NOT_COVERED', `The agreement covers ${first} to ${last}, not ${n.academicYear}`);
  if (c.receivingUnitId && !n.hostUnitLineage.includes(c.receivingUnitId)) add('UNIT_NOT_COVERED', 'The agreement is for another of our faculties or departments');
  if (c.iscedCodes.length) {
    if (!n.iscedCode) add('FIELD_NOT_COVERED', `No ISCED-F field given; the agreement is for ${c.iscedCodes.join(', ')}`);
    else if (!iscedMatches(n.iscedCode, c.iscedCodes)) add('FIELD_NOT_COVERED', `The agreement is for ISCED-F ${c.iscedCodes.join(', ')}, not ${n.iscedCode}`);
  }
  if (!isStaffType(n.mobilityType) && c.eqfLevels.length) {
    if (n.eqfLevel === null) add('LEVEL_NOT_COVERED', `No study level given; the agreement is for EQF ${c.eqfLevels.join(', ')}`);
    else if (!c.eqfLevels.includes(n.eqfLevel)) add('LEVEL_NOT_COVERED', `The agreement is for EQF ${c.eqfLevels.join(', ')}, not ${n.eqfLevel}`);
  }
  if (c.languages.length) {
    const wanted = c.languages.map((l) => `${l.language}${l.cefr ? ` ${l.cefr}` : ''}`).join(' or ');
    const requirement = n.languageCode ? c.languages.find((l) => l.language === n.languageCode) : undefined;
    if (!n.languageCode) add('LANGUAGE_LEVEL_MISSING', `No language level given; the agreement asks for ${wanted}`);
    else if (!requirement) add('LANGUAGE_NOT_COVERED', `The agreement asks for ${wanted}, not ${n.languageCode}`);
    else if (requirement.cefr && !n.languageLevel) add('LANGUAGE_LEVEL_MISSING', `No CEFR level given; the agreement asks for ${wanted}`);
    else if (requirement.cefr && cefrRank(n.languageLevel) < cefrRank(requirement.cefr)) {
      add('LANGUAGE_LEVEL_BELOW', `The agreement asks for ${requirement.language} ${requirement.cefr}, the nominee has ${n.languageLevel}`);
    }
  }
  if (c.used >= c.mobilitiesPerYear) add('QUOTA_EXCEEDED', `The agreement allows ${c.mobilitiesPerYear} per year; ${c.used} already nominated for ${n.academicYear}`);
  return issues;
}

/** Matches a nomination to the best-fitting condition towards us (see the file's comment). */
export function matchNomination(n: NominationFacts, agreements: readonly AgreementFacts[], requestedAgreementId: string | null = null): MatchResult {
  if (requestedAgreementId) {
    const named = agreements.find((a) => a.id === requestedAgreementId);
    if (!named || !named.partnerIds.includes(n.sendingInstitutionId)) {
      return { agreementId: null, conditionId: null, issues: [{ code: 'NO_AGREEMENT', message: 'The agreement named is not one with the sending institution' }] };
    }
    agreements = [named];
  } else {
    agreements = agreements.filter((a) => a.partnerIds.includes(n.sendingInstitutionId));
  }
  if (agreements.length === 0) return { agreementId: null, conditionId: null, issues: [{ code: 'NO_AGREEMENT', message: 'We have no agreement with the sending institution' }] };

  const active = agreements.filter((a) => a.status === 'IN_EFFECT');
  const pool = active.length ? active : agreements;
  const poolIssues: NominationIssueRow[] = active.length
    ? []
    : [{ code: 'AGREEMENT_NOT_ACTIVE', message: `No agreement with the sending institution is in effect (${[...new Set(agreements.map((a) => a.status))].join(', ')})` }];

  const candidates = pool.flatMap((a) =>
    a.conditions
      .filter((c) => c.sendingInstitutionId === n.sendingInstitutionId && c.receivingInstitutionId === n.homeInstitutionId)
      .map((c) => ({ agreement: a, condition: c, issues: conditionIssues(n, c, a) })),
  );
  if (candidates.length === 0) {
    const covering = pool.find((a) => within(n.academicYear, a.firstAcademicYear, a.lastAcademicYear)) ?? pool[0];
    return {
      agreementId: covering.id,
      conditionId: null,
      issues: [...poolIssues, { code: 'NO_CONDITION_TOWARDS_US', message: 'The agreement sends no one from this partner to us' }],
    };
  }
  const has = (issues: NominationIssueRow[], code: string) => (issues.some((i) => i.code === code) ? 1 : 0);
  const rank = (x: (typeof candidates)[number]) => [
    has(x.issues, 'MOBILITY_TYPE_NOT_COVERED'),
    has(x.issues, 'YEAR_NOT_COVERED'),
    x.issues.length,
    -(x.condition.mobilitiesPerYear - x.condition.used),
    x.condition.position,
  ];
  const best = [...candidates].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
    return a.condition.id < b.condition.id ? -1 : 1;
  })[0];
  const countsAgainst = !has(best.issues, 'MOBILITY_TYPE_NOT_COVERED') && !has(best.issues, 'YEAR_NOT_COVERED');
  return {
    agreementId: best.agreement.id,
    conditionId: countsAgainst ? best.condition.id : null,
    // Without a condition of its own the nomination uses no quota, so "quota exceeded" would say nothing.
    issues: [...poolIssues, ...(countsAgainst ? best.issues : best.issues.filter((i) => i.code !== 'QUOTA_EXCEEDED'))],
  };
}

/**
 * The term's deadline row: the term's own; a full-year stay without one follows the fall term's (it starts then).
 * No row: no deadline.
 */
export function deadlineFor<T extends { term: string }>(rows: readonly T[], term: string): T | null {
  return rows.find((r) => r.term === term) ?? (term === 'FULL_YEAR' ? (rows.find((r) => r.term === 'FALL') ?? null) : null);
}

/**
 * The term of a stay from its planned dates (EWP nominations carry dates, not terms): arriving February to July is the
 * spring term; a stay of more than seven months is the full year; otherwise the fall term.
 */
export function termOfStay(arrival: string, departure: string): 'FALL' | 'SPRING' | 'FULL_YEAR' {
  const month = Number(arrival.slice(5, 7));
  const days = (Date.parse(departure) - Date.parse(arrival)) / 86_400_000;
  if (days > 7 * 30.5) return 'FULL_YEAR';
  return month >= 2 && month <= 7 ? 'SPRING' : 'FALL';
}

/** ECTS credits of a full-time semester (ECTS Users' Guide: 60 a year); the learning agreement's expected load per term. */
export const ECTS_PER_SEMESTER = 30;

/** The semesters a term consists of. */
export function semestersOf(term: string): ('FALL' | 'SPRING')[] {
  return term === 'FULL_YEAR' ? ['FALL', 'SPRING'] : [term as 'FALL' | 'SPRING'];
}

export interface EctsWarning {
  code: string;
  semester: string | null;
  expected: number | null;
  actual: number;
  message: string;
}

/**
 * Warnings (never refusals) on a proposal's Table A: per semester of the stay, the credits expected (ECTS_PER_SEMESTER)
 * and those proposed when they differ (ECTS_TOTAL_DIFFERS); courses outside the stay's semesters (OUTSIDE_TERM).
 */
export function laEctsWarnings(term: string, components: readonly { table: string; ects: number; semester?: string | null }[]): EctsWarning[] {
  const warnings: EctsWarning[] = [];
  const semesters = semestersOf(term);
  const tableA = components.filter((c) => c.table === 'A');
  for (const semester of semesters) {
    const actual = tableA.filter((c) => c.semester === semester).reduce((sum, c) => sum + c.ects, 0);
    if (actual !== ECTS_PER_SEMESTER) {
      warnings.push({
        code: 'ECTS_TOTAL_DIFFERS',
        semester,
        expected: ECTS_PER_SEMESTER,
        actual,
        message: `Table A has ${actual} ECTS for ${semester}; a full-time semester is ${ECTS_PER_SEMESTER}`,
      });
    }
  }
  const outside = tableA.filter((c) => c.semester && !(semesters as string[]).includes(c.semester));
  if (outside.length) {
    warnings.push({
      code: 'OUTSIDE_TERM',
      semester: null,
      expected: null,
      actual: outside.reduce((sum, c) => sum + c.ects, 0),
      message: `${outside.length} Table A course(s) are taught outside the stay's term (${semesters.join(', ')})`,
    });
  }
  return warnings;
}
