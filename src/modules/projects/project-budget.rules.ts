/**
 * Pure rules of the National Agency projects: money in cents, budget line codes, the warnings of the budget
 * follow-up, the report and proposal lifecycles, and which deadline reminder is due. No database, no context: the
 * unit tests run them directly (test/unit/project-budget.test.ts).
 */
import { MobilityType } from '../agreements/agreement.entity';
import { BudgetCategory, ProposalStatus, ReportStatus } from './project.entity';

// --- Money ---------------------------------------------------------------------------------------------------------

/** "1250.5" or 1250.5 → 125050 cents (amounts are numeric(12,2): whole cents are exact in a double). */
export function toCents(amount: string | number): number {
  return Math.round(Number(amount) * 100);
}

/** 125050 → "1250.50", as numeric(12,2) prints it. */
export function fromCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

// --- Budget line codes ---------------------------------------------------------------------------------------------

/** Categories paid out as the mobilities' grants (per activity type); the others follow recorded spending. */
export const MOBILITY_CATEGORIES: readonly BudgetCategory[] = [BudgetCategory.INDIVIDUAL_SUPPORT, BudgetCategory.TRAVEL];

export const isMobilityCategory = (category: BudgetCategory): boolean => MOBILITY_CATEGORIES.includes(category);

/** SMS + INDIVIDUAL_SUPPORT → "SMS_INDIVIDUAL_SUPPORT"; ORGANISATIONAL_SUPPORT → "ORGANISATIONAL_SUPPORT". */
export function lineCode(category: BudgetCategory, mobilityType: MobilityType | null | undefined): string {
  return mobilityType ? `${mobilityType}_${category}` : category;
}

/**
 * The category and activity type of a line code, or a message saying what is wrong: mobility categories need an
 * activity type, the others take none.
 */
export function parseLineCode(code: string): { category: BudgetCategory; mobilityType: MobilityType | null } | { problem: string } {
  const m = /^(?:(SMS|SMT|STA|STT)_)?([A-Z_]+)$/.exec(code);
  const category = m?.[2] as BudgetCategory | undefined;
  if (!m || !category || !Object.values(BudgetCategory).includes(category)) {
    return { problem: `${code.slice(0, 60)} is not a budget line code (e.g. SMS_INDIVIDUAL_SUPPORT, STA_TRAVEL, ORGANISATIONAL_SUPPORT)` };
  }
  const problem = lineProblem(category, (m[1] as MobilityType | undefined) ?? null);
  return problem ? { problem } : { category, mobilityType: (m[1] as MobilityType | undefined) ?? null };
}

export function lineProblem(category: BudgetCategory, mobilityType: MobilityType | null | undefined): string | null {
  if (isMobilityCategory(category) && !mobilityType) return `${category} is per activity type: give the mobilityType (SMS, SMT, STA, STT)`;
  if (!isMobilityCategory(category) && mobilityType) return `${category} is contract-wide: it takes no mobilityType`;
  return null;
}

// --- Budget follow-up ----------------------------------------------------------------------------------------------

export enum BudgetWarningKind {
  /** Committed above the award. */
  OVERSPENT = 'OVERSPENT',
  /** Committed above the contract's near-limit percentage of the award (default 90 %), not above the award. */
  NEAR_LIMIT = 'NEAR_LIMIT',
  /** More funded mobilities (selected or beyond, zero-grant ones not counted) than awarded. */
  MOBILITIES_EXCEEDED = 'MOBILITIES_EXCEEDED',
}

export const DEFAULT_NEAR_LIMIT_PERCENT = 90;

/**
 * The warnings of one line. Committed above awarded is OVERSPENT (an award of 0 with anything committed too);
 * above `nearLimitPercent` % of it, NEAR_LIMIT; mobilities above the awarded mobilities, MOBILITIES_EXCEEDED.
 */
export function lineWarnings(line: {
  awardedCents: number;
  committedCents: number;
  nearLimitPercent: number;
  awardedMobilities?: number | null;
  mobilities?: number | null;
}): BudgetWarningKind[] {
  const warnings: BudgetWarningKind[] = [];
  if (line.committedCents > line.awardedCents) warnings.push(BudgetWarningKind.OVERSPENT);
  // In whole cents × 100 to compare without rounding: committed > awarded × p / 100.
  else if (line.committedCents * 100 > line.awardedCents * line.nearLimitPercent) warnings.push(BudgetWarningKind.NEAR_LIMIT);
  if (line.awardedMobilities != null && line.mobilities != null && line.mobilities > line.awardedMobilities) warnings.push(BudgetWarningKind.MOBILITIES_EXCEEDED);
  return warnings;
}

/** Committed as a percentage of the award, one decimal; null for an award of 0. */
export function usedPercent(awardedCents: number, committedCents: number): number | null {
  if (awardedCents <= 0) return null;
  return Math.round((committedCents * 1000) / awardedCents) / 10;
}

/**
 * The part of a mobility's payments that goes to its individual support: a payment covers the whole grant, so it is
 * split over the grant's parts in proportion (individual support with top-ups vs travel); travel gets the rest, so
 * the two parts always add up to what was paid.
 */
export function splitPaid(paidCents: number, individualCents: number, travelCents: number): { individual: number; travel: number } {
  const total = individualCents + travelCents;
  if (total <= 0) return { individual: paidCents, travel: 0 };
  const individual = Math.round((paidCents * individualCents) / total);
  return { individual, travel: paidCents - individual };
}

// --- Lifecycles ----------------------------------------------------------------------------------------------------

export const PROPOSAL_STEPS: Record<ProposalStatus, ProposalStatus[]> = {
  DRAFT: [ProposalStatus.SUBMITTED],
  SUBMITTED: [ProposalStatus.APPROVED, ProposalStatus.REJECTED],
  APPROVED: [],
  REJECTED: [],
};

export const REPORT_STEPS: Record<ReportStatus, ReportStatus[]> = {
  NOT_STARTED: [ReportStatus.IN_PREPARATION],
  IN_PREPARATION: [ReportStatus.SUBMITTED],
  // The Agency accepts it, or asks for changes (back to preparation, with live figures again).
  SUBMITTED: [ReportStatus.ACCEPTED, ReportStatus.IN_PREPARATION],
  ACCEPTED: [],
};

/** Reports still owed to the Agency (reminded and on the deadline dashboard). */
export const OPEN_REPORT_STATES: readonly ReportStatus[] = [ReportStatus.NOT_STARTED, ReportStatus.IN_PREPARATION];

// --- Deadline reminders --------------------------------------------------------------------------------------------

export enum DeadlineThreshold {
  DUE_IN_30 = 'DUE_IN_30',
  DUE_IN_14 = 'DUE_IN_14',
  DUE_IN_7 = 'DUE_IN_7',
  OVERDUE = 'OVERDUE',
}

/** A report's reminders, least urgent first: within 30 days, within 7 days, past the due date. */
export const REPORT_THRESHOLDS: readonly { threshold: DeadlineThreshold; withinDays: number }[] = [
  { threshold: DeadlineThreshold.DUE_IN_30, withinDays: 30 },
  { threshold: DeadlineThreshold.DUE_IN_7, withinDays: 7 },
  { threshold: DeadlineThreshold.OVERDUE, withinDays: -1 },
];

/** A draft proposal is reminded once when its call's deadline is 14 days away or less. */
export const PROPOSAL_REMINDER_DAYS = 14;

/**
 * The report reminder due now, if any: the most urgent threshold reached that was not sent yet. A report first seen
 * 5 days before its due date gets DUE_IN_7 only; `covers` lists the thresholds that count as sent afterwards (the
 * one sent and every less urgent one), so DUE_IN_30 never follows DUE_IN_7.
 */
export function dueReportReminder(daysLeft: number, reminded: readonly string[]): { threshold: DeadlineThreshold; covers: DeadlineThreshold[] } | null {
  let reached = -1;
  REPORT_THRESHOLDS.forEach((t, i) => {
    if (daysLeft <= t.withinDays) reached = i;
  });
  if (reached < 0) return null;
  const threshold = REPORT_THRESHOLDS[reached].threshold;
  if (reminded.includes(threshold)) return null;
  return { threshold, covers: REPORT_THRESHOLDS.slice(0, reached + 1).map((t) => t.threshold) };
}

// --- Report figures ------------------------------------------------------------------------------------------------

/** The figures of a report as grantContractReport gives them (totals overall and per activity type). */
export interface ReportFiguresData {
  generatedAt: string;
  totals: Record<string, number>;
  byActivityType: { mobilityType: MobilityType; activityType: string; totals: Record<string, number> }[];
}

// --- The follow-up of a contract's lines ---------------------------------------------------------------------------

export interface BudgetLineFacts {
  id: string | null;
  code: string;
  category: BudgetCategory;
  mobilityType: MobilityType | null;
  awardedCents: number;
  awardedMobilities: number | null;
}

/** The mobilities of one activity type under the contract (selected or beyond), with their grants and payments. */
export interface MobilityTypeFacts {
  mobilityType: MobilityType;
  mobilities: number;
  zeroGrant: number;
  withoutGrant: number;
  individualCents: number;
  travelCents: number;
  paidCents: number;
  /** The payments' share of individual support (see splitPaid); travel has the rest. */
  paidIndividualCents: number;
}

export interface BudgetLineFigures extends BudgetLineFacts {
  /** Mobility lines: the activity type's mobilities (selected or beyond); null for contract-wide lines. */
  mobilities: number | null;
  zeroGrant: number | null;
  withoutGrant: number | null;
  committedCents: number;
  paidCents: number;
  remainingCents: number;
  usedPercent: number | null;
  warnings: BudgetWarningKind[];
}

/**
 * Each line's committed and paid amounts: mobility lines from the activity type's grants (individual support with
 * top-ups, or travel), contract-wide lines from their recorded spending (spent is paid). Grants of an activity type
 * the contract has no line for show up as lines without award (id null), so that nothing committed goes unseen.
 */
export function followUp(lines: readonly BudgetLineFacts[], types: readonly MobilityTypeFacts[], spendingCents: ReadonlyMap<string, number>, nearLimitPercent: number): BudgetLineFigures[] {
  const byType = new Map(types.map((t) => [t.mobilityType, t]));
  const all: BudgetLineFacts[] = [...lines];
  for (const t of types) {
    for (const category of MOBILITY_CATEGORIES) {
      const amount = category === BudgetCategory.TRAVEL ? t.travelCents : t.individualCents;
      const code = lineCode(category, t.mobilityType);
      if (amount !== 0 && !lines.some((l) => l.code === code)) {
        all.push({ id: null, code, category, mobilityType: t.mobilityType, awardedCents: 0, awardedMobilities: null });
      }
    }
  }
  return all.map((line) => {
    let committedCents: number;
    let paidCents: number;
    let mobilities: number | null = null;
    let zeroGrant: number | null = null;
    let withoutGrant: number | null = null;
    if (isMobilityCategory(line.category)) {
      const t = byType.get(line.mobilityType!);
      const travel = line.category === BudgetCategory.TRAVEL;
      committedCents = t ? (travel ? t.travelCents : t.individualCents) : 0;
      paidCents = t ? (travel ? t.paidCents - t.paidIndividualCents : t.paidIndividualCents) : 0;
      mobilities = t?.mobilities ?? 0;
      zeroGrant = t?.zeroGrant ?? 0;
      withoutGrant = t?.withoutGrant ?? 0;
    } else {
      committedCents = spendingCents.get(line.code) ?? 0;
      paidCents = committedCents;
    }
    return {
      ...line,
      mobilities,
      zeroGrant,
      withoutGrant,
      committedCents,
      paidCents,
      remainingCents: line.awardedCents - committedCents,
      usedPercent: usedPercent(line.awardedCents, committedCents),
      // Zero-grant mobilities use no award: the funded ones are compared with the awarded mobilities.
      warnings: lineWarnings({ awardedCents: line.awardedCents, committedCents, nearLimitPercent, awardedMobilities: line.awardedMobilities, mobilities: mobilities === null ? null : mobilities - (zeroGrant ?? 0) }),
    };
  });
}
