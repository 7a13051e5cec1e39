/**
 * The pure rules of international admission: converting an exam score to one comparable score (0–100), checking
 * minimums, validating conversion tables, and ranking a call's applicants within its quota. No database, no clock:
 * the services feed them and store what they decide.
 */

export interface ExamScale {
  code: string;
  scaleMin: number;
  scaleMax: number;
  /** False where lower is better (Abitur: 1.0 is the best grade, 4.0 the lowest pass). */
  higherIsBetter: boolean;
  /** Breakpoints (score → converted), ascending by score and covering the whole scale; empty: linear. */
  conversionTable: readonly { score: number; converted: number }[];
}

export interface Conversion {
  method: 'LINEAR' | 'TABLE';
  /** The converted score before rounding (the first tie-break). */
  exact: number;
  /** Rounded to two decimals: what applicants see and are ranked by first. */
  converted: number;
}

const EPSILON = 1e-9;

export const round2 = (n: number): number => Math.round((n + Number.EPSILON) * 100) / 100;

export function inScale(exam: Pick<ExamScale, 'scaleMin' | 'scaleMax'>, raw: number): boolean {
  return Number.isFinite(raw) && raw >= exam.scaleMin - EPSILON && raw <= exam.scaleMax + EPSILON;
}

/**
 * The comparable score of a raw score. Linear: the scale's worst end is 0 and its best end 100 (for a lower-is-better
 * scale the minimum is the best). Table: linear between the two breakpoints around the score. Throws a RangeError for a
 * score outside the scale (the services refuse those at input).
 */
export function convertScore(exam: ExamScale, raw: number): Conversion {
  if (!inScale(exam, raw)) throw new RangeError(`${raw} is outside the ${exam.code} scale ${exam.scaleMin}–${exam.scaleMax}`);
  let exact: number;
  let method: Conversion['method'];
  if (exam.conversionTable.length >= 2) {
    method = 'TABLE';
    const points = [...exam.conversionTable].sort((a, b) => a.score - b.score);
    let i = 0;
    while (i < points.length - 2 && raw > points[i + 1].score) i++;
    const lo = points[i];
    const hi = points[i + 1];
    exact = hi.score === lo.score ? hi.converted : lo.converted + ((raw - lo.score) * (hi.converted - lo.converted)) / (hi.score - lo.score);
  } else {
    method = 'LINEAR';
    const fraction = (raw - exam.scaleMin) / (exam.scaleMax - exam.scaleMin);
    exact = 100 * (exam.higherIsBetter ? fraction : 1 - fraction);
  }
  exact = Math.min(100, Math.max(0, exact));
  return { method, exact, converted: round2(exact) };
}

/** "At least as good as" the minimum, on the exam's own scale: ≥ where higher is better, ≤ where lower is better. */
export function meetsMinimum(exam: Pick<ExamScale, 'higherIsBetter'>, raw: number, minimum: number): boolean {
  return exam.higherIsBetter ? raw >= minimum - EPSILON : raw <= minimum + EPSILON;
}

/**
 * What is wrong with an exam's scale and conversion table, or null. A table must have at least two points, strictly
 * ascending scores from the scale's minimum to its maximum, converted scores within 0–100 that never get worse as the
 * raw score gets better (non-decreasing where higher is better, non-increasing where lower is better).
 */
export function conversionProblem(exam: ExamScale): { field: string; message: string } | null {
  if (!(exam.scaleMin < exam.scaleMax)) return { field: 'scaleMax', message: 'scaleMax must be greater than scaleMin' };
  const points = exam.conversionTable;
  if (points.length === 0) return null;
  if (points.length < 2) return { field: 'conversionTable', message: 'A conversion table needs at least two points (or none for a linear conversion)' };
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    const field = `conversionTable[${i}]`;
    if (!(p.converted >= 0 && p.converted <= 100)) return { field, message: 'converted scores are between 0 and 100' };
    if (!inScale(exam, p.score)) return { field, message: `score ${p.score} is outside the scale ${exam.scaleMin}–${exam.scaleMax}` };
    if (i === 0) continue;
    const prev = points[i - 1];
    if (!(p.score > prev.score)) return { field, message: 'scores must be strictly ascending' };
    if (exam.higherIsBetter ? p.converted < prev.converted : p.converted > prev.converted) {
      return { field, message: exam.higherIsBetter ? 'converted scores must not decrease as scores rise' : 'converted scores must not increase as scores rise (lower is better)' };
    }
  }
  if (Math.abs(points[0].score - exam.scaleMin) > EPSILON || Math.abs(points[points.length - 1].score - exam.scaleMax) > EPSILON) {
    return { field: 'conversionTable', message: 'the table must start at scaleMin and end at scaleMax, so that every score converts' };
  }
  return null;
}

// --- Ranking ------------------------------------------------------------------------------------------------------------------

export interface Candidate {
  id: string;
  /** The application number: the last tie-break, so the order is total and stable. */
  number: string;
  converted: number;
  exact: number;
  submittedAt: Date;
  meetsMinimum: boolean;
  /** Proof of proficiency in the language of instruction. */
  languageProficient: boolean;
}

export type OutcomeStatus = 'ADMITTED' | 'CONDITIONALLY_ADMITTED' | 'WAITLISTED' | 'REJECTED';

export interface Outcome {
  id: string;
  status: OutcomeStatus;
  /** Position among the ranked applicants (those meeting the minimum and the language rule); null when rejected. */
  rank: number | null;
  waitlistRank: number | null;
  /** Why rejected: BELOW_MINIMUM or LANGUAGE_PROFICIENCY_MISSING. */
  reason: 'BELOW_MINIMUM' | 'LANGUAGE_PROFICIENCY_MISSING' | null;
}

/**
 * The ranking order (best first), documented as the tie rule: the converted score (two decimals); then the exact
 * converted score before rounding; then the earlier submission; then the application number.
 */
export function compareCandidates(a: Candidate, b: Candidate): number {
  return (
    b.converted - a.converted ||
    b.exact - a.exact ||
    a.submittedAt.getTime() - b.submittedAt.getTime() ||
    (a.number < b.number ? -1 : a.number > b.number ? 1 : 0)
  );
}

/** Admitted outright, or conditionally (with a preparation year) when proof of language proficiency is missing. */
export function admissionFor(languageProficient: boolean, preparationYear: boolean): OutcomeStatus {
  if (languageProficient) return 'ADMITTED';
  return preparationYear ? 'CONDITIONALLY_ADMITTED' : 'REJECTED';
}

/**
 * The evaluation of a call: below the exam's minimum → REJECTED (BELOW_MINIMUM); no language proficiency where the call
 * offers no preparation year → REJECTED (LANGUAGE_PROFICIENCY_MISSING); the others ranked by `compareCandidates`; the
 * first `quota` admitted (conditionally when proficiency is missing — they count against the quota like anyone), the
 * rest WAITLISTED in rank order. Outcomes come back in the order of the ranking, rejected ones last (in input order).
 */
export function rankCandidates(candidates: readonly Candidate[], call: { quota: number; preparationYear: boolean }): Outcome[] {
  const rejected: Outcome[] = [];
  const ranked: Candidate[] = [];
  for (const c of candidates) {
    if (!c.meetsMinimum) rejected.push({ id: c.id, status: 'REJECTED', rank: null, waitlistRank: null, reason: 'BELOW_MINIMUM' });
    else if (!c.languageProficient && !call.preparationYear) {
      rejected.push({ id: c.id, status: 'REJECTED', rank: null, waitlistRank: null, reason: 'LANGUAGE_PROFICIENCY_MISSING' });
    } else ranked.push(c);
  }
  ranked.sort(compareCandidates);
  const quota = Math.max(0, call.quota);
  const outcomes = ranked.map((c, i): Outcome => {
    if (i < quota) return { id: c.id, status: admissionFor(c.languageProficient, call.preparationYear), rank: i + 1, waitlistRank: null, reason: null };
    return { id: c.id, status: 'WAITLISTED', rank: i + 1, waitlistRank: i - quota + 1, reason: null };
  });
  return [...outcomes, ...rejected];
}

/** Places to fill from the waitlist: the quota minus the places held (admitted, conditionally admitted, enrolled). */
export function freePlaces(quota: number, held: number): number {
  return Math.max(0, quota - held);
}

/**
 * Whether a language certificate proves proficiency: the call lists no certificates (proficiency not assessed), or the
 * applicant's certificate is one the call lists and meets its minimum.
 */
export function isLanguageProficient(
  accepted: readonly { examCode: string; minimumScore: number; higherIsBetter: boolean }[],
  certificate: { code: string; score: number } | null,
): boolean {
  if (accepted.length === 0) return true;
  if (!certificate) return false;
  const rule = accepted.find((a) => a.examCode === certificate.code);
  return !!rule && meetsMinimum(rule, certificate.score, rule.minimumScore);
}
