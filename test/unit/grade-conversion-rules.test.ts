/**
 * EGRACONS-style grade conversion: the midpoint of the host grade's cumulative-percentile interval lands in a home
 * grade's interval; a direct mapping wins; ties go to the better home grade; failed courses convert to nothing.
 */
import {
  chooseTable,
  convertGrade,
  convertResult,
  cumulativeIntervals,
  fieldCandidates,
  isConversionFailure,
  scaleIssues,
  type ConversionRule,
  type Converted,
  type GradeShare,
} from '../../src/modules/mobility/grade-conversion.rules';
import { MobilityType } from '../../src/modules/agreements/agreement.entity';
import { daysInclusive } from '../../src/modules/mobility/calendar-day';
import { durationCheckOf, parseDay } from '../../src/modules/mobility/tracking.service';

/**
 * A German university's passing grades (1.0 best … 4.0 just passed) with a realistic distribution of one faculty's
 * passing grades over three years. Cumulative percentile intervals (best students at 0):
 *   1.0 [0, 8]   1.3 [8, 18]   1.7 [18, 32]   2.0 [32, 47]   2.3 [47, 61]
 *   2.7 [61, 73] 3.0 [73, 83]  3.3 [83, 91]   3.7 [91, 97]   4.0 [97, 100]
 */
const GERMAN: GradeShare[] = [
  { grade: '1.0', percent: 8 },
  { grade: '1.3', percent: 10 },
  { grade: '1.7', percent: 14 },
  { grade: '2.0', percent: 15 },
  { grade: '2.3', percent: 14 },
  { grade: '2.7', percent: 12 },
  { grade: '3.0', percent: 10 },
  { grade: '3.3', percent: 8 },
  { grade: '3.7', percent: 6 },
  { grade: '4.0', percent: 3 },
];

/**
 * The Turkish letter scale (AA best … DD just passed) with the home faculty's distribution. Intervals:
 *   AA [0, 12]  BA (12, 27]  BB (27, 47]  CB (47, 65]  CC (65, 80]  DC (80, 92]  DD (92, 100]
 */
const TURKISH: GradeShare[] = [
  { grade: 'AA', percent: 12 },
  { grade: 'BA', percent: 15 },
  { grade: 'BB', percent: 20 },
  { grade: 'CB', percent: 18 },
  { grade: 'CC', percent: 15 },
  { grade: 'DC', percent: 12 },
  { grade: 'DD', percent: 8 },
];

const GERMAN_TO_TURKISH: ConversionRule = { hostScale: GERMAN, homeScale: TURKISH, mapping: {} };

function converted(rule: ConversionRule, grade: string): Converted {
  const result = convertGrade(rule, grade);
  if (isConversionFailure(result)) throw new Error(result.message);
  return result;
}

describe('cumulativeIntervals', () => {
  it('stacks the shares from the best grade down', () => {
    expect(cumulativeIntervals(GERMAN).slice(0, 3)).toEqual([
      { grade: '1.0', from: 0, to: 8 },
      { grade: '1.3', from: 8, to: 18 },
      { grade: '1.7', from: 18, to: 32 },
    ]);
    expect(cumulativeIntervals(TURKISH).at(-1)).toEqual({ grade: 'DD', from: 92, to: 100 });
  });

  it('scales a rounded table (shares adding up to 99.6) to end at 100', () => {
    const intervals = cumulativeIntervals([
      { grade: 'A', percent: 33.2 },
      { grade: 'B', percent: 33.2 },
      { grade: 'C', percent: 33.2 },
    ]);
    expect(intervals.map((i) => [i.grade, Math.round(i.from * 1000) / 1000, Math.round(i.to * 1000) / 1000])).toEqual([
      ['A', 0, 33.333],
      ['B', 33.333, 66.667],
      ['C', 66.667, 100],
    ]);
  });
});

describe('convertGrade: German 1.0–4.0 to the Turkish AA–DD scale by distributions', () => {
  it.each([
    // host grade, its interval, midpoint → the home interval holding it
    ['1.0', 4, 'AA'], //   [0, 8]   → 4    in AA [0, 12]
    ['1.3', 13, 'BA'], //  [8, 18]  → 13   in BA (12, 27]
    ['1.7', 25, 'BA'], //  [18, 32] → 25   in BA (12, 27]
    ['2.0', 39.5, 'BB'], // [32, 47] → 39.5 in BB (27, 47]
    ['2.3', 54, 'CB'], //  [47, 61] → 54   in CB (47, 65]
    ['2.7', 67, 'CC'], //  [61, 73] → 67   in CC (65, 80]
    ['3.0', 78, 'CC'], //  [73, 83] → 78   in CC (65, 80]
    ['3.3', 87, 'DC'], //  [83, 91] → 87   in DC (80, 92]
    ['3.7', 94, 'DD'], //  [91, 97] → 94   in DD (92, 100]
    ['4.0', 98.5, 'DD'], // [97, 100] → 98.5 in DD (92, 100]
  ])('%s: midpoint %d → %s', (grade, midpoint, home) => {
    const result = converted(GERMAN_TO_TURKISH, grade);
    expect(result).toMatchObject({ homeGrade: home, method: 'DISTRIBUTION' });
    expect(result.midpoint).toBeCloseTo(midpoint as number, 9);
  });

  it('reads a decimal comma, spaces and small letters as the same grade ("1,3" = "1.3", " aa " = "AA")', () => {
    expect(converted(GERMAN_TO_TURKISH, '1,3').homeGrade).toBe('BA');
    const reverse: ConversionRule = { hostScale: TURKISH, homeScale: GERMAN, mapping: {} };
    // AA [0, 12] → midpoint 6 → German 1.0 [0, 8].
    expect(converted(reverse, ' aa ').homeGrade).toBe('1.0');
  });

  it('gives a midpoint exactly on a boundary to the better home grade', () => {
    // Host A covers [0, 24]: midpoint 12 is the boundary of AA [0, 12] and BA (12, 27] → AA.
    const rule: ConversionRule = {
      hostScale: [
        { grade: 'A', percent: 24 },
        { grade: 'B', percent: 76 },
      ],
      homeScale: TURKISH,
      mapping: {},
    };
    expect(converted(rule, 'A')).toMatchObject({ homeGrade: 'AA', midpoint: 12 });
    // B covers [24, 100]: midpoint 62 in CB (47, 65].
    expect(converted(rule, 'B').homeGrade).toBe('CB');
  });

  it('lets a direct mapping win over the distributions, for the grades it names', () => {
    const rule: ConversionRule = { ...GERMAN_TO_TURKISH, mapping: { '1.7': 'BB', '5.0': 'FF' } };
    expect(converted(rule, '1.7')).toEqual({ homeGrade: 'BB', method: 'DIRECT_MAPPING' }); // the distributions say BA
    expect(converted(rule, '2.0')).toMatchObject({ homeGrade: 'BB', method: 'DISTRIBUTION' });
  });

  it('converts with a mapping only (no distributions known)', () => {
    const rule: ConversionRule = { hostScale: [], homeScale: [], mapping: { A: 'AA', B: 'BA', C: 'BB', D: 'CB', E: 'CC' } };
    expect(converted(rule, 'C')).toEqual({ homeGrade: 'BB', method: 'DIRECT_MAPPING' });
    expect(convertGrade(rule, 'F')).toMatchObject({ code: 'UNKNOWN_HOST_GRADE', known: ['A', 'B', 'C', 'D', 'E'] });
  });

  it('refuses a grade the table does not know (UNKNOWN_HOST_GRADE, with the grades it knows), never guessing', () => {
    const result = convertGrade(GERMAN_TO_TURKISH, '0.7');
    expect(result).toMatchObject({ code: 'UNKNOWN_HOST_GRADE' });
    expect((result as { known: string[] }).known).toEqual(GERMAN.map((g) => g.grade));
  });

  it('converts a failed course to no home grade, even with a grade outside the passing scale', () => {
    expect(convertResult(GERMAN_TO_TURKISH, '5.0', false)).toBeNull();
    expect(convertResult(GERMAN_TO_TURKISH, '2.3', true)).toMatchObject({ homeGrade: 'CB' });
  });
});

describe('scaleIssues', () => {
  it('accepts the example scales and a table rounded within ±0.5', () => {
    expect(scaleIssues(GERMAN)).toEqual([]);
    expect(scaleIssues(TURKISH)).toEqual([]);
    expect(scaleIssues([{ grade: 'A', percent: 49.8 }, { grade: 'B', percent: 49.8 }])).toEqual([]);
  });

  it('names a repeated grade, a share out of range and a total that is not 100', () => {
    expect(scaleIssues([{ grade: 'A', percent: 50 }, { grade: ' a', percent: 50 }])).toEqual([{ path: '[1].grade', message: 'The grade  a appears twice' }]);
    expect(scaleIssues([{ grade: 'A', percent: 0 }, { grade: 'B', percent: 100 }])[0].path).toBe('[0].percent');
    expect(scaleIssues([{ grade: 'A', percent: 60 }, { grade: 'B', percent: 30 }])).toEqual([{ path: '', message: 'The shares add up to 90 %, not 100 %' }]);
  });
});

describe('chooseTable: partner + field → partner → field → default', () => {
  const P = 'partner-1';
  const tables = [
    { id: 'default', partnerId: null, iscedCode: null },
    { id: 'field-06', partnerId: null, iscedCode: '06' },
    { id: 'field-0613', partnerId: null, iscedCode: '0613' },
    { id: 'partner', partnerId: P, iscedCode: null },
    { id: 'partner-06', partnerId: P, iscedCode: '06' },
  ];
  const pick = (list: typeof tables, partner: string | null, isced: string | null) => {
    const chosen = chooseTable(list, partner, isced);
    return chosen && [chosen.table.id, chosen.match];
  };

  it('lists the fields most specific first', () => {
    expect(fieldCandidates('0613')).toEqual(['0613', '061', '06']);
    expect(fieldCandidates('06')).toEqual(['06']);
    expect(fieldCandidates(null)).toEqual([]);
  });

  it('prefers the partner’s table for the field (the broad field too) over a more specific field table of any partner', () => {
    expect(pick(tables, P, '0613')).toEqual(['partner-06', 'PARTNER_FIELD']);
  });

  it('takes the partner’s table for every field next, then a field table, then the default', () => {
    expect(pick(tables, P, '0311')).toEqual(['partner', 'PARTNER']);
    expect(pick(tables, 'partner-2', '0613')).toEqual(['field-0613', 'FIELD']);
    expect(pick(tables, 'partner-2', '0688')).toEqual(['field-06', 'FIELD']);
    expect(pick(tables, 'partner-2', '0311')).toEqual(['default', 'DEFAULT']);
    expect(pick(tables, 'partner-2', null)).toEqual(['default', 'DEFAULT']);
    expect(pick(tables.slice(1), 'partner-2', '0311')).toBeNull();
  });
});

describe('calendar days of tracking', () => {
  it('counts both the first and the last day', () => {
    expect(daysInclusive('2027-03-01', '2027-03-03')).toBe(3);
    expect(daysInclusive('2027-09-15', '2028-01-20')).toBe(128); // 16 + 31 + 30 + 31 + 20
  });

  it('checks the duration on the actual dates once both are confirmed, against the long or short minimum', () => {
    const dates = { plannedStart: '2027-09-15', plannedEnd: '2028-01-20', actualStart: '2027-09-15', actualEnd: undefined };
    // No rate table: the Programme Guide's minimum (long study mobility 60 days); planned 128 days is long.
    expect(durationCheckOf(dates, MobilityType.SMS, null, null)).toMatchObject({ basis: 'PLANNED', days: 128, longMobility: true, minimumDays: 60, minimumFromRateTable: false, belowMinimum: false });
    // Back after 41 days (15 Sep – 25 Oct): below the long minimum.
    expect(durationCheckOf({ ...dates, actualEnd: '2027-10-25' }, MobilityType.SMS, null, null)).toMatchObject({ basis: 'ACTUAL', actualDays: 41, belowMinimum: true });
    // A grant of 4 months and 6 days (15 Sep – 14 Jan, then 15–20 Jan) matches the planned dates; one of 4 months does not.
    expect(durationCheckOf(dates, MobilityType.SMS, null, { months: 4, days: 6 })!.differsFromGrant).toBe(false);
    expect(durationCheckOf(dates, MobilityType.SMS, null, { months: 4, days: 0 })!.differsFromGrant).toBe(true);
    // Staff: a daily-rate grant of 5 days for a 5-day mobility.
    const staff = { plannedStart: '2027-11-08', plannedEnd: '2027-11-12', actualStart: undefined, actualEnd: undefined };
    expect(durationCheckOf(staff, MobilityType.STA, null, { months: 0, days: 5 })).toMatchObject({ days: 5, minimumDays: 2, belowMinimum: false, differsFromGrant: false });
    expect(durationCheckOf({ ...staff, plannedStart: undefined }, MobilityType.STA, null, null)).toBeNull();
  });

  it('accepts only real calendar dates written YYYY-MM-DD', () => {
    expect(parseDay('2028-02-29', 'd')).toBe('2028-02-29');
    for (const bad of ['2027-02-29', '2027-13-01', '2027-9-1', '01.09.2027', '2027-09-01T00:00:00Z', '']) {
      expect(() => parseDay(bad, 'plannedStart')).toThrow(expect.objectContaining({ reason: 'INVALID_DATE', details: { field: 'plannedStart' } }));
    }
  });
});
