/**
 * The pure rules of the National Agency projects: money in cents, budget line codes, the follow-up's warnings and
 * figures, the split of a payment over a grant's parts, the lifecycles and which deadline reminder is due.
 */
import {
  BudgetWarningKind as W,
  dueReportReminder,
  followUp,
  fromCents,
  lineCode,
  lineWarnings,
  parseLineCode,
  PROPOSAL_STEPS,
  REPORT_STEPS,
  splitPaid,
  toCents,
  usedPercent,
  type BudgetLineFacts,
} from '../../src/modules/projects/project-budget.rules';
import { BudgetCategory as C } from '../../src/modules/projects/project.entity';
import { MobilityType as T } from '../../src/modules/agreements/agreement.entity';

describe('money', () => {
  it.each([
    ['1250', 125000],
    ['1250.5', 125050],
    ['0.07', 7],
    ['9999999999.99', 999999999999],
    [1350.1, 135010],
  ])('%s is %i cents', (amount, c) => {
    expect(toCents(amount)).toBe(c);
  });

  it.each([
    [125050, '1250.50'],
    [7, '0.07'],
    [0, '0.00'],
    [-1050, '-10.50'],
  ])('%i cents prints as %s', (c, text) => {
    expect(fromCents(c)).toBe(text);
  });
});

describe('budget line codes', () => {
  it('joins the activity type and the category for mobility lines, the category alone for contract-wide ones', () => {
    expect(lineCode(C.INDIVIDUAL_SUPPORT, T.SMS)).toBe('SMS_INDIVIDUAL_SUPPORT');
    expect(lineCode(C.ORGANISATIONAL_SUPPORT, null)).toBe('ORGANISATIONAL_SUPPORT');
    expect(parseLineCode('STA_TRAVEL')).toEqual({ category: C.TRAVEL, mobilityType: T.STA });
    expect(parseLineCode('INCLUSION_SUPPORT')).toEqual({ category: C.INCLUSION_SUPPORT, mobilityType: null });
  });

  it.each(['TRAVEL', 'SMS_ORGANISATIONAL_SUPPORT', 'SMS_LUNCH', 'XYZ_TRAVEL', ''])('refuses %j with a reason', (code) => {
    expect(parseLineCode(code)).toEqual({ problem: expect.any(String) });
  });
});

describe('warnings', () => {
  const warn = (awarded: number, committed: number, extra: { nearLimitPercent?: number; awardedMobilities?: number | null; mobilities?: number | null } = {}) =>
    lineWarnings({ awardedCents: awarded, committedCents: committed, nearLimitPercent: extra.nearLimitPercent ?? 90, awardedMobilities: extra.awardedMobilities, mobilities: extra.mobilities });

  it('is quiet up to 90 % of the award, NEAR_LIMIT above it, OVERSPENT above the award', () => {
    expect(warn(100000, 90000)).toEqual([]); // exactly 90 %: not above it
    expect(warn(100000, 90001)).toEqual([W.NEAR_LIMIT]);
    expect(warn(100000, 100000)).toEqual([W.NEAR_LIMIT]); // all used, not more
    expect(warn(100000, 100001)).toEqual([W.OVERSPENT]);
    expect(warn(0, 0)).toEqual([]);
    expect(warn(0, 1)).toEqual([W.OVERSPENT]);
  });

  it('takes the contract’s own threshold', () => {
    expect(warn(100000, 80001, { nearLimitPercent: 80 })).toEqual([W.NEAR_LIMIT]);
    expect(warn(100000, 96000, { nearLimitPercent: 97 })).toEqual([]);
  });

  it('warns MOBILITIES_EXCEEDED beyond the awarded mobilities, with or without an amount warning', () => {
    expect(warn(100000, 10, { awardedMobilities: 3, mobilities: 4 })).toEqual([W.MOBILITIES_EXCEEDED]);
    expect(warn(100000, 100001, { awardedMobilities: 3, mobilities: 4 })).toEqual([W.OVERSPENT, W.MOBILITIES_EXCEEDED]);
    expect(warn(100000, 10, { awardedMobilities: 3, mobilities: 3 })).toEqual([]);
    expect(warn(100000, 10, { awardedMobilities: null, mobilities: 30 })).toEqual([]);
  });

  it('gives the used share with one decimal, none for an award of 0', () => {
    expect(usedPercent(300000, 100000)).toBe(33.3);
    expect(usedPercent(100000, 100001)).toBe(100);
    expect(usedPercent(0, 500)).toBeNull();
  });
});

describe('a payment split over the grant’s parts', () => {
  it('goes in proportion to individual support and travel, travel taking the rest so the parts add up', () => {
    expect(splitPaid(371600, 425000, 39500)).toEqual({ individual: 340000, travel: 31600 });
    const odd = splitPaid(100, 1, 2);
    expect(odd.individual + odd.travel).toBe(100);
    expect(splitPaid(5000, 0, 0)).toEqual({ individual: 5000, travel: 0 });
  });
});

describe('the follow-up of the lines', () => {
  const lines: BudgetLineFacts[] = [
    { id: 'a', code: 'SMS_INDIVIDUAL_SUPPORT', category: C.INDIVIDUAL_SUPPORT, mobilityType: T.SMS, awardedCents: 1_000_000, awardedMobilities: 3 },
    { id: 'b', code: 'SMS_TRAVEL', category: C.TRAVEL, mobilityType: T.SMS, awardedCents: 100_000, awardedMobilities: 3 },
    { id: 'c', code: 'ORGANISATIONAL_SUPPORT', category: C.ORGANISATIONAL_SUPPORT, mobilityType: null, awardedCents: 50_000, awardedMobilities: null },
    { id: 'd', code: 'STT_INDIVIDUAL_SUPPORT', category: C.INDIVIDUAL_SUPPORT, mobilityType: T.STT, awardedCents: 80_000, awardedMobilities: 2 },
  ];
  const figures = followUp(
    lines,
    [
      { mobilityType: T.SMS, mobilities: 4, zeroGrant: 1, withoutGrant: 1, individualCents: 950_000, travelCents: 120_000, paidCents: 600_000, paidIndividualCents: 540_000 },
      { mobilityType: T.STA, mobilities: 1, zeroGrant: 0, withoutGrant: 0, individualCents: 80_000, travelCents: 39_500, paidCents: 0, paidIndividualCents: 0 },
    ],
    new Map([['ORGANISATIONAL_SUPPORT', 46_000]]),
    90,
  );
  const of = (code: string) => figures.find((f) => f.code === code)!;

  it('takes mobility lines from the activity type’s grants and payments', () => {
    expect(of('SMS_INDIVIDUAL_SUPPORT')).toMatchObject({ committedCents: 950_000, paidCents: 540_000, remainingCents: 50_000, mobilities: 4, zeroGrant: 1, withoutGrant: 1, warnings: [W.NEAR_LIMIT] });
    expect(of('SMS_TRAVEL')).toMatchObject({ committedCents: 120_000, paidCents: 60_000, remainingCents: -20_000, warnings: [W.OVERSPENT] });
  });

  it('counts funded mobilities only against the awarded ones (zero-grant ones use no award)', () => {
    // 4 mobilities, 1 zero-grant: 3 funded for 3 awarded.
    expect(of('SMS_INDIVIDUAL_SUPPORT').warnings).not.toContain(W.MOBILITIES_EXCEEDED);
  });

  it('takes contract-wide lines from their spending (spent is paid)', () => {
    expect(of('ORGANISATIONAL_SUPPORT')).toMatchObject({ committedCents: 46_000, paidCents: 46_000, mobilities: null, warnings: [W.NEAR_LIMIT] });
  });

  it('shows a line without mobilities as nothing committed, and grants of a type the contract has no line for as unawarded lines', () => {
    expect(of('STT_INDIVIDUAL_SUPPORT')).toMatchObject({ committedCents: 0, mobilities: 0, warnings: [] });
    expect(of('STA_INDIVIDUAL_SUPPORT')).toMatchObject({ id: null, awardedCents: 0, committedCents: 80_000, warnings: [W.OVERSPENT] });
    expect(of('STA_TRAVEL')).toMatchObject({ id: null, committedCents: 39_500, paidCents: 0 });
  });
});

describe('lifecycles', () => {
  it('takes a proposal from draft to the Agency’s decision, and a report back to preparation only from submitted', () => {
    expect(PROPOSAL_STEPS.DRAFT).toEqual(['SUBMITTED']);
    expect(PROPOSAL_STEPS.SUBMITTED).toEqual(['APPROVED', 'REJECTED']);
    expect(PROPOSAL_STEPS.APPROVED).toEqual([]);
    expect(REPORT_STEPS.NOT_STARTED).toEqual(['IN_PREPARATION']);
    expect(REPORT_STEPS.SUBMITTED).toEqual(['ACCEPTED', 'IN_PREPARATION']);
    expect(REPORT_STEPS.ACCEPTED).toEqual([]);
  });
});

describe('which report reminder is due', () => {
  it.each([
    [31, [], null],
    [30, [], 'DUE_IN_30'],
    [8, ['DUE_IN_30'], null],
    [7, ['DUE_IN_30'], 'DUE_IN_7'],
    [0, ['DUE_IN_30', 'DUE_IN_7'], null],
    [-1, ['DUE_IN_30', 'DUE_IN_7'], 'OVERDUE'],
    [-40, ['DUE_IN_30', 'DUE_IN_7', 'OVERDUE'], null],
    [5, [], 'DUE_IN_7'],
    [-2, [], 'OVERDUE'],
  ])('%i days left, %j sent: %s', (daysLeft, reminded, expected) => {
    expect(dueReportReminder(daysLeft, reminded)?.threshold ?? null).toBe(expected);
  });

  it('counts the less urgent thresholds as sent with a more urgent one', () => {
    expect(dueReportReminder(5, [])!.covers).toEqual(['DUE_IN_30', 'DUE_IN_7']);
    expect(dueReportReminder(-2, [])!.covers).toEqual(['DUE_IN_30', 'DUE_IN_7', 'OVERDUE']);
  });
});
