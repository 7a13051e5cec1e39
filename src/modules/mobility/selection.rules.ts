/**
 * The pure rules of outgoing mobility selection (no database, no GraphQL): eligibility, the score and its
 * breakdown, the documented tie-break order, placement into places and quotas, and reserve promotion. The weights,
 * minimums and points are data (a programme's rule set per academic year and category); only how each criterion's
 * input is computed lives here. The services apply these rules; unit tests check them.
 */

export type StudyLevel = 'ASSOCIATE' | 'BACHELOR' | 'MASTER' | 'DOCTORATE';
export type MobilityCategory = 'STUDENT' | 'STAFF';
/** Automatic criteria: the code knows how to compute the input; the points come from the rule set (data). */
export type AutomaticCriterion =
  | 'PREVIOUS_MOBILITY' // points × count of earlier mobilities of the same programme family in the same study cycle (staff: any)
  | 'FIRST_MOBILITY' // points once when there is no earlier mobility (staff calls use it)
  | 'CITIZENSHIP_DESTINATION' // points once when any preferred destination country is one of the applicant's citizenships
  | 'WITHDREW_AFTER_SELECTION' // points × count of earlier withdrawals after selection, outside the waiver period, without force majeure
  | 'SECOND_MOBILITY_TYPE'; // points once when this is the later of two applications to different mobility types in one academic year

export interface RuleSet {
  eligibility: {
    /** Minimum GPA (out of 4) by study level; a level missing here has no GPA minimum. */
    minGpa: Partial<Record<StudyLevel, number>>;
    /** Maximum months of mobility of this programme family per study cycle (Erasmus: 12), counting the planned one. Null: no limit. */
    maxMonthsPerCycle: number | null;
    /** Mevlana: destinations in a country of the applicant's citizenship are not allowed. */
    forbidCitizenshipDestination: boolean;
    /** Farabi: not first-year students (minimum year of study). Null: no minimum. */
    minYearOfStudy: number | null;
  };
  score: {
    /** Weights of the components; each component is out of 100. ACADEMIC = GPA through gpaTable. */
    components: { criterion: 'ACADEMIC' | 'LANGUAGE'; weight: number }[];
    /** YÖK's 4→100 table: ascending [gpa, points] breakpoints; linear between them, clamped at both ends. */
    gpaTable: [number, number][];
  };
  /** Facts an applicant may declare, with evidence (veteran relative +15, disability +10, ...). */
  declarableFacts: { code: string; points: number; label: { tr: string; en: string }; evidenceRequired: boolean }[];
  automatic: { criterion: AutomaticCriterion; points: number; label: { tr: string; en: string } }[];
}

/** What a call adds to the programme's rules. */
export interface CallRules {
  category: MobilityCategory;
  /** Raises (never lowers) the programme's GPA minimum for every level. */
  minGpa: number | null;
  minLanguageScore: number | null;
  /** Codes of documents every application must carry. */
  requiredDocuments: string[];
  maxPreferences: number;
}

export interface ApplicantFacts {
  category: MobilityCategory;
  studyLevel: StudyLevel | null; // null for staff
  yearOfStudy: number | null;
  gpa: number | null; // out of 4; null for staff
  languageScore: number | null; // out of 100
  citizenships: string[]; // ISO 3166-1 alpha-2
  plannedMonths: number | null;
  declaredFacts: { code: string; evidence: string[] }[];
  documents: { code: string; reference: string }[];
  preferenceCountries: string[]; // destination country of each preference, in rank order
  previousMobilities: number; // counted by the service from past records (same family, same cycle)
  previousMonths: number;
  withdrawalsAfterSelection: number;
  isSecondMobilityType: boolean;
}

export interface EligibilityIssue {
  code: string;
  message: string;
  field?: string;
}

export interface ScoreLine {
  criterion: string; // 'ACADEMIC' | 'LANGUAGE' | a declared fact code | an automatic criterion
  label: { tr: string; en: string };
  input: string; // what went in: "GPA 3.00 → 76.67", "82.5", "2 earlier mobilities", "DE (preference 2)"
  points: number; // contribution to the total (weighted for components), 2 decimals
}
export interface ScoreResult {
  total: number;
  academicPoints: number;
  languagePoints: number;
  lines: ScoreLine[];
}

/** Placement. */
export interface PlacementCandidate {
  id: string;
  groupKey: string | null; // the quota group the applicant ranks in (null: no quota applies → unlimited)
  score: number;
  academicPoints: number;
  languagePoints: number;
  submittedAt: string; // ISO
  number: string; // application number, final tie-break
  preferences: string[]; // place ids, best first
  acceptsZeroGrant: boolean;
}
export interface PlacementQuota {
  key: string;
  places: number;
  grantedPlaces: number | null /* null: all granted */;
}
export interface PlacementPlace {
  id: string;
  capacity: number;
}
export interface PlacementOutcome {
  id: string;
  outcome: 'SELECTED' | 'RESERVE' | 'NOT_SELECTED';
  placeId: string | null;
  zeroGrant: boolean;
  rank: number; // 1-based rank within its group (by the tie-break order)
  reserveRank: number | null; // 1-based order in its group's reserve list
}
export interface PlacementOptions {
  zeroGrantCall: boolean;
  reserveListSize: number | null /* per group; null: all */;
}

/**
 * After a waiver/withdrawal freed a place: the current state (who holds which place, per group), the reserves in
 * reserve order; promoteNextReserve returns the first reserve (in compareCandidates order over all reserves) who
 * can now be placed, with the place, or null.
 */
export interface PromotionState {
  quotas: PlacementQuota[];
  places: PlacementPlace[];
  holders: { id: string; groupKey: string | null; placeId: string; zeroGrant: boolean }[]; // currently SELECTED/NOMINATED/ACCEPTED
  reserves: PlacementCandidate[];
  zeroGrantCall: boolean;
}

const ACADEMIC_LABEL = { tr: 'Akademik başarı puanı', en: 'Academic score' } as const;
const LANGUAGE_LABEL = { tr: 'Dil puanı', en: 'Language score' } as const;

/**
 * Half-up rounding to 2 decimals. x·100 is first cut to 12 significant digits so binary noise does not decide the
 * half: 78.335 (stored as 78.33499999…) rounds to 78.34 as it does on paper, where Math.round(x·100 + ε) would not.
 */
function round2(x: number): number {
  const scaled = Number((Math.abs(x) * 100).toPrecision(12));
  const rounded = Math.round(scaled + Number.EPSILON) / 100;
  return x < 0 && rounded !== 0 ? -rounded : rounded;
}

/** Comparisons of GPAs, scores and months forgive float noise only, never a real hundredth. */
const TOLERANCE = 1e-9;

function fmt2(x: number): string {
  return round2(x).toFixed(2);
}

/** A number as people write it: 82.5, 12, 76.67 (at most 2 decimals, no trailing zeros). */
function fmtNumber(x: number): string {
  return String(round2(x));
}

function plural(count: number, one: string, many: string): string {
  return `${fmtNumber(count)} ${count === 1 ? one : many}`;
}

function normCountry(code: string): string {
  return code.trim().toUpperCase();
}

function nonBlank(values: readonly string[]): string[] {
  return values.map((v) => v.trim()).filter((v) => v !== '');
}

// ---------------------------------------------------------------------------------------------------------------
// Eligibility

/**
 * Every reason the application is not eligible, in a fixed order (empty: eligible). The programme's rules and the
 * call's additions both apply; the call can only raise the GPA minimum. Staff are not asked for GPA, study level or
 * year of study.
 */
export function checkEligibility(facts: ApplicantFacts, rules: RuleSet, call: CallRules): EligibilityIssue[] {
  const issues: EligibilityIssue[] = [];
  // The call decides the category (an application belongs to one call); the applicant's own category agrees with it.
  const isStaff = call.category === 'STAFF' || facts.category === 'STAFF';

  if (!isStaff) {
    if (facts.studyLevel === null) {
      issues.push({ code: 'STUDY_LEVEL_MISSING', message: 'The study level is required for student applications', field: 'studyLevel' });
    }
    const minimum = gpaMinimum(rules, call, facts.studyLevel);
    if (facts.gpa === null) {
      issues.push({ code: 'GPA_MISSING', message: 'The GPA is required for student applications', field: 'gpa' });
    } else if (minimum && facts.gpa + TOLERANCE < minimum.value) {
      issues.push({ code: 'GPA_TOO_LOW', message: `GPA ${fmt2(facts.gpa)} is below the minimum ${fmt2(minimum.value)}${minimum.scope}`, field: 'gpa' });
    }

    const minYear = rules.eligibility.minYearOfStudy;
    if (minYear !== null) {
      if (facts.yearOfStudy === null) {
        issues.push({ code: 'YEAR_OF_STUDY_TOO_LOW', message: `The year of study is not given; at least year ${minYear} is required`, field: 'yearOfStudy' });
      } else if (facts.yearOfStudy < minYear) {
        issues.push({ code: 'YEAR_OF_STUDY_TOO_LOW', message: `Year of study ${facts.yearOfStudy} is below the minimum year ${minYear}`, field: 'yearOfStudy' });
      }
    }
  }

  if (call.minLanguageScore !== null) {
    if (facts.languageScore === null) {
      issues.push({ code: 'LANGUAGE_SCORE_MISSING', message: `A language score is required (minimum ${fmtNumber(call.minLanguageScore)})`, field: 'languageScore' });
    } else if (facts.languageScore + TOLERANCE < call.minLanguageScore) {
      issues.push({
        code: 'LANGUAGE_SCORE_TOO_LOW',
        message: `Language score ${fmtNumber(facts.languageScore)} is below the minimum ${fmtNumber(call.minLanguageScore)}`,
        field: 'languageScore',
      });
    }
  }

  const maxMonths = rules.eligibility.maxMonthsPerCycle;
  if (maxMonths !== null) {
    // The cap counts the planned mobility with the earlier ones of the same family and cycle.
    const total = facts.previousMonths + (facts.plannedMonths ?? 0);
    if (total > maxMonths + TOLERANCE) {
      issues.push({
        code: 'MONTHS_EXCEEDED',
        message: `${fmtNumber(facts.previousMonths)} earlier months plus ${fmtNumber(facts.plannedMonths ?? 0)} planned make ${fmtNumber(total)}, more than the maximum ${fmtNumber(maxMonths)} per study cycle`,
        field: 'plannedMonths',
      });
    }
  }

  if (rules.eligibility.forbidCitizenshipDestination) {
    const citizenships = new Set(facts.citizenships.map(normCountry));
    facts.preferenceCountries.forEach((country, i) => {
      if (citizenships.has(normCountry(country))) {
        issues.push({
          code: 'CITIZENSHIP_DESTINATION',
          message: `Preference ${i + 1} is in ${normCountry(country)}, a country of the applicant's citizenship, which this programme does not allow`,
          field: 'preferences',
        });
      }
    });
  }

  const factsByCode = new Map(rules.declarableFacts.map((f) => [f.code, f]));
  for (const declared of facts.declaredFacts) {
    const fact = factsByCode.get(declared.code);
    if (!fact) {
      issues.push({ code: 'UNKNOWN_FACT', message: `"${declared.code}" is not a fact this programme scores`, field: 'declaredFacts' });
    } else if (fact.evidenceRequired && nonBlank(declared.evidence).length === 0) {
      issues.push({ code: 'MISSING_EVIDENCE', message: `The declared fact ${declared.code} needs evidence`, field: 'declaredFacts' });
    }
  }

  // A document counts only with a reference to the uploaded file.
  const documents = new Set(facts.documents.filter((d) => d.reference.trim() !== '').map((d) => d.code));
  for (const code of call.requiredDocuments) {
    if (!documents.has(code)) issues.push({ code: 'MISSING_DOCUMENT', message: `The required document ${code} is missing`, field: 'documents' });
  }

  const preferenceCount = facts.preferenceCountries.length;
  if (preferenceCount === 0) {
    issues.push({ code: 'NO_PREFERENCES', message: 'At least one preference is required', field: 'preferences' });
  } else if (preferenceCount > call.maxPreferences) {
    issues.push({ code: 'TOO_MANY_PREFERENCES', message: `${preferenceCount} preferences given; the call allows at most ${call.maxPreferences}`, field: 'preferences' });
  }

  return issues;
}

/** The GPA minimum that applies: the higher of the programme's for the level and the call's; null when neither sets one. */
function gpaMinimum(rules: RuleSet, call: CallRules, level: StudyLevel | null): { value: number; scope: string } | null {
  const programme = level === null ? undefined : rules.eligibility.minGpa[level];
  const byCall = call.minGpa;
  if (programme === undefined && byCall === null) return null;
  if (programme === undefined) return { value: byCall!, scope: ' set by the call' };
  if (byCall !== null && byCall > programme) return { value: byCall, scope: ` set by the call (programme minimum ${fmt2(programme)} for ${level})` };
  return { value: programme, scope: ` for ${level}` };
}

// ---------------------------------------------------------------------------------------------------------------
// Score

/** GPA (out of 4) to points (out of 100) through the ascending breakpoint table: linear between, clamped at the ends. */
export function gpaTo100(table: [number, number][], gpa: number): number {
  if (table.length === 0) return 0;
  const [firstGpa, firstPoints] = table[0]!;
  const [lastGpa, lastPoints] = table[table.length - 1]!;
  if (gpa <= firstGpa) return round2(firstPoints);
  if (gpa >= lastGpa) return round2(lastPoints);
  for (let i = 1; i < table.length; i++) {
    const [hiGpa, hiPoints] = table[i]!;
    if (gpa <= hiGpa) {
      const [loGpa, loPoints] = table[i - 1]!;
      if (hiGpa === loGpa) return round2(hiPoints);
      return round2(loPoints + ((gpa - loGpa) / (hiGpa - loGpa)) * (hiPoints - loPoints));
    }
  }
  return round2(lastPoints);
}

/**
 * The score and its breakdown. Lines come in the rule set's order: components (always), then declared facts the rules
 * know (a fact needing evidence counts only with evidence; each code once), then the automatic criteria that apply.
 * The total is the sum of the lines as shown (each rounded to 2 decimals), so that an applicant can add up their own
 * breakdown and land on the published score; never below 0. academicPoints and languagePoints are the unweighted values out of 100
 * (the tie-breaks compare them).
 */
export function scoreApplication(facts: ApplicantFacts, rules: RuleSet): ScoreResult {
  const academic = facts.gpa === null ? 0 : gpaTo100(rules.score.gpaTable, facts.gpa);
  const language = facts.languageScore ?? 0;
  const lines: ScoreLine[] = [];

  for (const component of rules.score.components) {
    if (component.criterion === 'ACADEMIC') {
      const input = facts.gpa === null ? 'no GPA → 0' : `GPA ${fmt2(facts.gpa)} → ${fmt2(academic)}`;
      lines.push({ criterion: 'ACADEMIC', label: { ...ACADEMIC_LABEL }, input, points: round2(component.weight * academic) });
    } else {
      const input = facts.languageScore === null ? 'no language score → 0' : fmtNumber(facts.languageScore);
      lines.push({ criterion: 'LANGUAGE', label: { ...LANGUAGE_LABEL }, input, points: round2(component.weight * language) });
    }
  }

  const declared = new Map<string, string[]>();
  for (const d of facts.declaredFacts) declared.set(d.code, [...(declared.get(d.code) ?? []), ...nonBlank(d.evidence)]);
  for (const fact of rules.declarableFacts) {
    const evidence = declared.get(fact.code);
    if (evidence === undefined) continue;
    // An unproven bonus never counts; eligibility reports the missing evidence.
    if (fact.evidenceRequired && evidence.length === 0) continue;
    const input = evidence.length === 0 ? 'declared' : `declared, evidence: ${evidence.join(', ')}`;
    lines.push({ criterion: fact.code, label: { ...fact.label }, input, points: round2(fact.points) });
  }

  for (const rule of rules.automatic) {
    const applied = automaticInput(rule.criterion, facts);
    if (!applied) continue;
    const points = rule.points * applied.times;
    lines.push({ criterion: rule.criterion, label: { ...rule.label }, input: applied.input, points: round2(points) });
  }

  const total = round2(lines.reduce((sum, line) => sum + line.points, 0));
  return { total: Math.max(0, total), academicPoints: academic, languagePoints: round2(language), lines };
}

/** Whether an automatic criterion applies, how many times, and the input shown in the breakdown. */
function automaticInput(criterion: AutomaticCriterion, facts: ApplicantFacts): { times: number; input: string } | null {
  switch (criterion) {
    case 'PREVIOUS_MOBILITY':
      return facts.previousMobilities > 0
        ? { times: facts.previousMobilities, input: plural(facts.previousMobilities, 'earlier mobility', 'earlier mobilities') }
        : null;
    case 'FIRST_MOBILITY':
      return facts.previousMobilities === 0 ? { times: 1, input: 'no earlier mobility' } : null;
    case 'CITIZENSHIP_DESTINATION': {
      const citizenships = new Set(facts.citizenships.map(normCountry));
      const hits = facts.preferenceCountries
        .map((country, i) => ({ country: normCountry(country), rank: i + 1 }))
        .filter((p) => citizenships.has(p.country));
      // Once, however many preferences are in such a country: the input names them all.
      return hits.length > 0 ? { times: 1, input: hits.map((h) => `${h.country} (preference ${h.rank})`).join(', ') } : null;
    }
    case 'WITHDREW_AFTER_SELECTION':
      return facts.withdrawalsAfterSelection > 0
        ? { times: facts.withdrawalsAfterSelection, input: plural(facts.withdrawalsAfterSelection, 'withdrawal after selection', 'withdrawals after selection') }
        : null;
    case 'SECOND_MOBILITY_TYPE':
      return facts.isSecondMobilityType ? { times: 1, input: 'second mobility type applied for in the academic year' } : null;
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Ranking and placement

const numberCollator = new Intl.Collator('en', { numeric: true });

/** Documented tie-break order: score desc, academic points desc, language points desc, earlier submittedAt, number asc. */
export function compareCandidates(a: PlacementCandidate, b: PlacementCandidate): number {
  if (a.score !== b.score) return b.score - a.score;
  if (a.academicPoints !== b.academicPoints) return b.academicPoints - a.academicPoints;
  if (a.languagePoints !== b.languagePoints) return b.languagePoints - a.languagePoints;
  const at = Date.parse(a.submittedAt);
  const bt = Date.parse(b.submittedAt);
  if (at !== bt && !Number.isNaN(at) && !Number.isNaN(bt)) return at - bt;
  // Numeric-aware so that ERA-9 comes before ERA-10; the plain comparison keeps the order total.
  const byNumber = numberCollator.compare(a.number, b.number);
  if (byNumber !== 0) return byNumber;
  return a.number < b.number ? -1 : a.number > b.number ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Places and grants left in one quota group; a null group has no limit of either. */
interface GroupState {
  placesLeft: number;
  grantsLeft: number;
}

const UNLIMITED: GroupState = { placesLeft: Infinity, grantsLeft: Infinity };

function groupStates(quotas: PlacementQuota[]): Map<string, GroupState> {
  return new Map(
    quotas.map((q) => [q.key, { placesLeft: Math.max(0, q.places), grantsLeft: Math.max(0, Math.min(q.places, q.grantedPlaces ?? q.places)) }]),
  );
}

/**
 * Where a candidate goes now, or null: their highest preference with capacity left, if the group still has places;
 * zero-grant when the call is zero-grant or the group's grants are used up, and then only if they accept it.
 * A group key the quotas do not know has no places (a quota was removed after the application was made).
 */
function seat(
  candidate: PlacementCandidate,
  group: GroupState | undefined,
  capacityLeft: Map<string, number>,
  zeroGrantCall: boolean,
): { placeId: string; zeroGrant: boolean } | null {
  if (!group || group.placesLeft <= 0) return null;
  const placeId = candidate.preferences.find((id) => (capacityLeft.get(id) ?? 0) > 0);
  if (placeId === undefined) return null;
  const zeroGrant = zeroGrantCall || group.grantsLeft <= 0;
  if (zeroGrant && !candidate.acceptsZeroGrant) return null;
  return { placeId, zeroGrant };
}

function take(group: GroupState, capacityLeft: Map<string, number>, placeId: string, zeroGrant: boolean): void {
  group.placesLeft -= 1;
  if (!zeroGrant) group.grantsLeft -= 1;
  capacityLeft.set(placeId, (capacityLeft.get(placeId) ?? 0) - 1);
}

/**
 * Walks all candidates in compareCandidates order (one global order); each gets the highest preference whose place
 * has capacity left, if its group still has quota left. Selected beyond the group's grantedPlaces (or in a zero-grant
 * call) are zeroGrant; a candidate who would need zero-grant and does not accept it stays unplaced. Unplaced
 * candidates become RESERVE in order up to reserveListSize per group, the rest NOT_SELECTED.
 * Outcomes come in the global ranking order.
 */
export function place(
  candidates: PlacementCandidate[],
  quotas: PlacementQuota[],
  places: PlacementPlace[],
  options: PlacementOptions,
): PlacementOutcome[] {
  const ordered = [...candidates].sort(compareCandidates);
  const groups = groupStates(quotas);
  const capacityLeft = new Map(places.map((p) => [p.id, Math.max(0, p.capacity)]));
  const ranks = new Map<string | null, number>();
  const reserves = new Map<string | null, number>();
  const outcomes: PlacementOutcome[] = [];

  for (const candidate of ordered) {
    const key = candidate.groupKey;
    const rank = (ranks.get(key) ?? 0) + 1;
    ranks.set(key, rank);
    const group = key === null ? { ...UNLIMITED } : groups.get(key);
    const seated = seat(candidate, group, capacityLeft, options.zeroGrantCall);
    if (seated && group) {
      take(group, capacityLeft, seated.placeId, seated.zeroGrant);
      outcomes.push({ id: candidate.id, outcome: 'SELECTED', placeId: seated.placeId, zeroGrant: seated.zeroGrant, rank, reserveRank: null });
      continue;
    }
    const reserveRank = (reserves.get(key) ?? 0) + 1;
    if (options.reserveListSize === null || reserveRank <= options.reserveListSize) {
      reserves.set(key, reserveRank);
      outcomes.push({ id: candidate.id, outcome: 'RESERVE', placeId: null, zeroGrant: false, rank, reserveRank });
    } else {
      outcomes.push({ id: candidate.id, outcome: 'NOT_SELECTED', placeId: null, zeroGrant: false, rank, reserveRank: null });
    }
  }
  return outcomes;
}

/**
 * After a waiver/withdrawal freed a place: the first reserve in compareCandidates order who can now be placed (by the
 * same rule as place(): highest preference with capacity, group quota and grants as the holders leave them), or null.
 */
export function promoteNextReserve(state: PromotionState): { id: string; placeId: string; zeroGrant: boolean } | null {
  const groups = groupStates(state.quotas);
  const capacityLeft = new Map(state.places.map((p) => [p.id, Math.max(0, p.capacity)]));
  for (const holder of state.holders) {
    const group = holder.groupKey === null ? { ...UNLIMITED } : groups.get(holder.groupKey);
    if (group) take(group, capacityLeft, holder.placeId, holder.zeroGrant);
    else capacityLeft.set(holder.placeId, (capacityLeft.get(holder.placeId) ?? 0) - 1);
  }
  for (const reserve of [...state.reserves].sort(compareCandidates)) {
    const group = reserve.groupKey === null ? { ...UNLIMITED } : groups.get(reserve.groupKey);
    const seated = seat(reserve, group, capacityLeft, state.zeroGrantCall);
    if (seated) return { id: reserve.id, placeId: seated.placeId, zeroGrant: seated.zeroGrant };
  }
  return null;
}
