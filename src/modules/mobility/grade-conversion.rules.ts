/**
 * Grade conversion of a host transcript to the home scale, EGRACONS-style (pure functions, no I/O).
 *
 * A scale is its passing grades, best first, each with the percentage of passing students who get it in a reference
 * group (the grade distribution table of the ECTS Users' Guide). Stacking the percentages from the best grade down
 * gives every grade an interval of the cumulative percentile: with German 1.0 = 8 %, 1.3 = 10 %, 1.7 = 14 % …, 1.0 covers
 * [0, 8], 1.3 covers [8, 18], 1.7 covers [18, 32] and so on.
 *
 * The rule: a host grade converts to the home grade whose interval holds the MIDPOINT of the host grade's interval
 * (1.3 → midpoint 13 → the home grade covering 13). Tie rule: a midpoint exactly on the boundary between two home
 * grades goes to the BETTER home grade (the student gets the benefit of the doubt), i.e. a home grade covers
 * (from, to], the best one [0, to]. Percentages need not add up to exactly 100 (published tables are rounded): the
 * intervals are scaled to the scale's own total.
 *
 * A direct mapping host grade → home grade, where the table gives one for the grade, wins over the distributions.
 * Failed courses convert to no home grade. A passing grade the table does not know is an error (UNKNOWN_HOST_GRADE),
 * never a guess. Grades are compared after trimming, in capitals and with a decimal comma read as a point
 * ("1,3" = "1.3", "aa" = "AA").
 */
import type { GradeShare } from './transcript.entity';

export type { GradeShare };

export interface ConversionRule {
  hostScale: GradeShare[];
  homeScale: GradeShare[];
  mapping: Record<string, string>;
}

export interface GradeInterval {
  grade: string;
  /** Cumulative percentile where the grade starts (0 = the best students) … */
  from: number;
  /** … and where it ends (100 = the last passing student). */
  to: number;
}

export type ConversionMethod = 'DIRECT_MAPPING' | 'DISTRIBUTION';

export interface Converted {
  homeGrade: string;
  method: ConversionMethod;
  /** DISTRIBUTION only: the host grade's interval and its midpoint. */
  hostInterval?: GradeInterval;
  midpoint?: number;
}

export type ConversionFailure = { code: 'UNKNOWN_HOST_GRADE'; message: string; known: string[] };

/** The normal form grades are compared in. */
export function normaliseGrade(grade: string): string {
  return grade.trim().toUpperCase().replace(/,/g, '.').replace(/\s+/g, ' ');
}

/** Each grade's cumulative-percentile interval, best first, scaled so that the last grade ends at 100. */
export function cumulativeIntervals(scale: readonly GradeShare[]): GradeInterval[] {
  const total = scale.reduce((sum, g) => sum + g.percent, 0);
  if (total <= 0) return [];
  let running = 0;
  return scale.map((g) => {
    const from = (running / total) * 100;
    running += g.percent;
    return { grade: g.grade, from, to: (running / total) * 100 };
  });
}

/** Percent sums may be off by this much (published tables round each share). */
export const PERCENT_TOLERANCE = 0.5;

/** What is wrong with a scale (empty when it is fine): path relative to the scale, and a message. */
export function scaleIssues(scale: readonly GradeShare[]): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  scale.forEach((g, i) => {
    const key = normaliseGrade(g.grade);
    if (!key) issues.push({ path: `[${i}].grade`, message: 'A grade needs a name' });
    else if (seen.has(key)) issues.push({ path: `[${i}].grade`, message: `The grade ${g.grade} appears twice` });
    seen.add(key);
    if (!(g.percent > 0) || g.percent > 100) issues.push({ path: `[${i}].percent`, message: 'A share is a percentage above 0 and at most 100' });
  });
  const total = scale.reduce((sum, g) => sum + g.percent, 0);
  if (scale.length && Math.abs(total - 100) > PERCENT_TOLERANCE) {
    issues.push({ path: '', message: `The shares add up to ${round2(total)} %, not 100 %` });
  }
  return issues;
}

/**
 * Converts one passing host grade. The mapping wins when it names the grade; otherwise the distributions decide (the
 * midpoint rule above). Returns the failure instead of throwing, so callers can name the input field.
 */
export function convertGrade(rule: ConversionRule, hostGrade: string): Converted | ConversionFailure {
  const key = normaliseGrade(hostGrade);
  for (const [host, home] of Object.entries(rule.mapping ?? {})) {
    if (normaliseGrade(host) === key) return { homeGrade: home, method: 'DIRECT_MAPPING' };
  }
  const host = cumulativeIntervals(rule.hostScale).find((g) => normaliseGrade(g.grade) === key);
  const home = cumulativeIntervals(rule.homeScale);
  if (!host || home.length === 0) {
    const known = [...new Set([...Object.keys(rule.mapping ?? {}), ...rule.hostScale.map((g) => g.grade)])];
    return { code: 'UNKNOWN_HOST_GRADE', message: `The host grade ${hostGrade} is not in the conversion table (known: ${known.join(', ') || 'none'})`, known };
  }
  const midpoint = (host.from + host.to) / 2;
  // The first (best) home grade whose interval reaches the midpoint: a midpoint on a boundary goes to the better grade.
  const target = home.find((g) => midpoint <= g.to + 1e-9) ?? home[home.length - 1];
  return { homeGrade: target.grade, method: 'DISTRIBUTION', hostInterval: host, midpoint };
}

export function isConversionFailure(result: Converted | ConversionFailure): result is ConversionFailure {
  return 'code' in result;
}

/** A transcript line: failed courses convert to no home grade (and never fail for an unknown grade). */
export function convertResult(rule: ConversionRule, hostGrade: string, passed: boolean): Converted | ConversionFailure | null {
  return passed ? convertGrade(rule, hostGrade) : null;
}

// --- Which table applies --------------------------------------------------------------------------------------------

export interface TableScope {
  id: string;
  partnerId: string | null;
  iscedCode: string | null;
}

export type TableMatch = 'PARTNER_FIELD' | 'PARTNER' | 'FIELD' | 'DEFAULT';

/**
 * The fields a table may be for, most specific first: the 4-digit ISCED-F detailed field, its 3-digit narrow field,
 * its 2-digit broad field ("0613" → ["0613", "061", "06"]).
 */
export function fieldCandidates(isced: string | null | undefined): string[] {
  if (!isced) return [];
  const out: string[] = [];
  for (let n = isced.length; n >= 2; n--) out.push(isced.slice(0, n));
  return out;
}

/**
 * The table for a mobility at `partnerId` in field `isced`: the partner's table for the field (most specific field
 * first), then the partner's table for every field, then a table of any partner for the field (most specific first),
 * then the default (any partner, every field). Null when none applies.
 */
export function chooseTable<T extends TableScope>(tables: readonly T[], partnerId: string | null, isced: string | null | undefined): { table: T; match: TableMatch } | null {
  const fields = fieldCandidates(isced);
  const find = (partner: string | null, field: string | null) => tables.find((t) => t.partnerId === partner && t.iscedCode === field);
  if (partnerId) {
    for (const f of fields) {
      const t = find(partnerId, f);
      if (t) return { table: t, match: 'PARTNER_FIELD' };
    }
    const t = find(partnerId, null);
    if (t) return { table: t, match: 'PARTNER' };
  }
  for (const f of fields) {
    const t = find(null, f);
    if (t) return { table: t, match: 'FIELD' };
  }
  const t = find(null, null);
  return t ? { table: t, match: 'DEFAULT' } : null;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
