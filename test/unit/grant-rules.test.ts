/**
 * The grant rules on worked examples, with the seeded Türkiye 2024 rate tables (seeds/demo/grant-rates.json): the
 * Erasmus+ duration calculator (whole months from the start day, remaining days at 1/30), long student mobility by the
 * month, short student mobility and staff by the day with the reduced rate from day 15, top-ups, travel bands,
 * zero grants, instalments, rounding, and the checks of a rate table.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  checkGrantRates,
  computeGrant,
  erasmusDuration,
  GrantRuleError,
  instalmentAmounts,
  instalmentPlanProblem,
  minimumDaysOf,
  type GrantFacts,
  type GrantRates,
} from '../../src/modules/mobility/grant.rules';

const seed = JSON.parse(readFileSync(path.resolve(__dirname, '../../seeds/demo/grant-rates.json'), 'utf8')) as {
  tables: { programme: string; rates: unknown }[];
};
function table(programme: string): GrantRates {
  const checked = checkGrantRates(seed.tables.find((t) => t.programme === programme)!.rates);
  if (!checked.ok) throw new Error(`${checked.path}: ${checked.message}`);
  return checked.rates;
}
const KA131 = table('ERASMUS_KA131');
const KA171 = table('ERASMUS_KA171');

const facts = (f: Partial<GrantFacts>): GrantFacts => ({
  mobilityType: 'SMS',
  country: 'DE',
  start: '2025-09-15',
  end: '2026-01-31',
  fewerOpportunities: false,
  greenTravel: false,
  distanceKm: null,
  zeroGrant: false,
  ...f,
});

function ruleError(fn: () => unknown): GrantRuleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof GrantRuleError) return e;
    throw e;
  }
  throw new Error('expected a GrantRuleError');
}

describe('the duration calculator: whole months from the start day, the rest in days', () => {
  it.each([
    // start, end, months, days, calendar days
    ['2025-09-15', '2025-10-14', 1, 0, 30], // 15 Sep → 14 Oct is one month
    ['2025-09-15', '2026-01-31', 4, 17, 139], // 15 Sep → 14 Jan four months; 15 → 31 Jan 17 days
    ['2026-02-01', '2026-04-30', 3, 0, 89], // 1 Feb → 31 Mar two months, 1 → 30 Apr the third
    ['2026-01-31', '2026-03-30', 2, 0, 59], // no 31 Feb: month 1 is 31 Jan → 28 Feb, month 2 is 1 → 30 Mar
    ['2026-01-31', '2026-02-27', 0, 28, 28], // one day short of the month ending 28 Feb
    ['2024-01-30', '2024-02-29', 1, 0, 31], // leap year: no 30 Feb, the month ends on 29 Feb
    ['2026-01-01', '2026-01-30', 0, 30, 30], // 30 remaining days: paid like a month (30 × rate/30)
    ['2026-01-01', '2026-01-31', 1, 0, 31],
    ['2025-09-15', '2025-09-15', 0, 1, 1], // end date included
  ])('%s → %s is %i months and %i days (%i calendar days)', (start, end, months, days, totalDays) => {
    expect(erasmusDuration(start, end)).toEqual({ months, days, totalDays });
  });
});

describe('long student mobility: monthly rates by destination group', () => {
  it('SMS to Germany (groups 1-2) for 4 months 17 days: 4 × 600 + 17 × 600/30 = 2,740 €, no travel without fewer opportunities', () => {
    const g = computeGrant(KA131, facts({}));
    expect(g).toMatchObject({ paidBy: 'MONTHLY', months: 4, days: 17, durationDays: 139, individualSupport: 2740, topUps: 0, travel: 0, total: 2740 });
    expect(g.working.map((l) => [l.part, l.quantity, l.unit, l.rate, l.amount])).toEqual([
      ['INDIVIDUAL_SUPPORT', 4, 'MONTH', 600, 2400], // 4 × 600
      ['INDIVIDUAL_SUPPORT', 17, 'DAY', 20, 340], // 17 × 600/30 = 17 × 20
      ['TRAVEL', 0, 'ONE_OFF', 0, 0], // long SMS: travel only with fewer opportunities
    ]);
    expect(g.working[0].label).toContain('4 months × 600.00 €');
    expect(g.working[1].label).toContain('17 days × 600.00 € / 30');
    expect(g.working[2].label).toContain('only with fewer opportunities');
  });

  it('with fewer opportunities and 1,800 km: +250 €/month pro rata and the 500-1999 km travel band', () => {
    const g = computeGrant(KA131, facts({ fewerOpportunities: true, distanceKm: 1800 }));
    // top-up: 4 × 250 = 1,000 + 17 × 250/30 = 141.666… → 141.67 (rounded once, half up)
    expect(g.topUps).toBe(1141.67);
    expect(g.travel).toBe(309);
    // 2,740 + 1,141.67 + 309
    expect(g.total).toBe(4190.67);
    const partial = g.working.find((l) => l.part === 'TOP_UP' && l.unit === 'DAY')!;
    expect(partial.rate).toBeCloseTo(250 / 30, 10);
    expect(partial.amount).toBe(141.67);
  });

  it('green travel: the green band amount instead of the standard one, plus the one-off 50 € top-up', () => {
    const g = computeGrant(KA131, facts({ fewerOpportunities: true, greenTravel: true, distanceKm: 1800 }));
    // top-ups 1,141.67 + 50; travel green 417 instead of 309: 2,740 + 1,191.67 + 417
    expect(g.topUps).toBe(1191.67);
    expect(g.travel).toBe(417);
    expect(g.total).toBe(4348.67);
    expect(g.working.find((l) => l.part === 'TRAVEL')!.label).toContain('green');
  });

  it('green travel without fewer opportunities: the top-up only (no travel for long SMS)', () => {
    // 2,740 + 50
    expect(computeGrant(KA131, facts({ greenTravel: true, distanceKm: 1800 }))).toMatchObject({ topUps: 50, travel: 0, total: 2790 });
  });

  it('SMT to Poland (group 3): 1 Feb → 30 Apr is 3 whole months × 600 = 1,800 €', () => {
    expect(computeGrant(KA131, facts({ mobilityType: 'SMT', country: 'PL', start: '2026-02-01', end: '2026-04-30' }))).toMatchObject({
      months: 3,
      days: 0,
      individualSupport: 1800,
      total: 1800,
    });
  });

  it('Czechia is paid like groups 1-2 for students (600 €/month) but as group 3 for staff (140 €/day)', () => {
    // 2026-10-01 → 2026-12-31: 3 months × 600
    expect(computeGrant(KA131, facts({ country: 'CZ', start: '2026-10-01', end: '2026-12-31' })).total).toBe(1800);
    // 3 days × 140 + travel 500-1999 km 309
    expect(computeGrant(KA131, facts({ mobilityType: 'STA', country: 'CZ', start: '2026-10-05', end: '2026-10-07', distanceKm: 1400 })).total).toBe(729);
  });

  it('KA171 to Albania (700 €/month): 3 months 17 days = 2,100 + 17 × 700/30 (396.666… → 396.67), travel always', () => {
    const g = computeGrant(KA171, facts({ country: 'AL', start: '2026-09-15', end: '2026-12-31', distanceKm: 900 }));
    expect(g).toMatchObject({ months: 3, days: 17, individualSupport: 2496.67, travel: 309, total: 2805.67 });
    const days = g.working.find((l) => l.unit === 'DAY')!;
    expect(days.rate).toBeCloseTo(700 / 30, 10); // the unrounded 1/30; the amount is rounded once
    expect(days.amount).toBe(396.67);
  });

  it('KA171 to Japan (region 5, 600 €/month) with green travel over 8,000 km: no green amount in that band, the standard one applies', () => {
    // 1 Sep → 31 Dec 4 months, 1 → 15 Jan 15 days: 2,400 + 15 × 20 = 2,700; green top-up 50; travel 1,735
    const g = computeGrant(KA171, facts({ country: 'JP', start: '2026-09-01', end: '2027-01-15', greenTravel: true, distanceKm: 8800 }));
    expect(g).toMatchObject({ months: 4, days: 15, individualSupport: 2700, topUps: 50, travel: 1735, total: 4485 });
    expect(g.working.find((l) => l.part === 'TRAVEL')!.label).toContain('no green amount');
  });
});

describe('short student mobility: 79 €/day for days 1-14, 56 €/day from day 15', () => {
  it('20 days with fewer opportunities and 1,800 km: 14 × 79 + 6 × 56 + 150 + 309 = 1,901 €', () => {
    const g = computeGrant(KA131, facts({ start: '2026-07-01', end: '2026-07-20', fewerOpportunities: true, distanceKm: 1800 }));
    expect(g).toMatchObject({ paidBy: 'DAILY', months: 0, days: 20, individualSupport: 1442, topUps: 150, travel: 309, total: 1901 });
    expect(g.working.slice(0, 2).map((l) => [l.quantity, l.rate, l.amount])).toEqual([
      [14, 79, 1106],
      [6, 56, 336],
    ]);
  });

  it('10 days with fewer opportunities, green, 300 km: 10 × 79 + 100 + 285 = 1,175 € (no one-off green top-up for short mobility)', () => {
    expect(computeGrant(KA131, facts({ start: '2026-07-01', end: '2026-07-10', fewerOpportunities: true, greenTravel: true, distanceKm: 300 }))).toMatchObject({
      individualSupport: 790,
      topUps: 100,
      travel: 285,
      total: 1175,
    });
  });

  it('a student mobility of 60 days is long (by the month), one of 59 days short (by the day)', () => {
    // 1 Mar → 29 Apr: 1 month (1 → 31 Mar) and 29 days: 600 + 29 × 20 = 1,180
    expect(computeGrant(KA131, facts({ start: '2026-03-01', end: '2026-04-29' }))).toMatchObject({ paidBy: 'MONTHLY', months: 1, days: 29, total: 1180 });
    expect(computeGrant(KA131, facts({ start: '2026-03-01', end: '2026-04-28', distanceKm: 1800 })).paidBy).toBe('DAILY');
    expect(minimumDaysOf(KA131, 'SMS', 60)).toBe(60);
    expect(minimumDaysOf(KA131, 'SMS', 20)).toBe(5);
    expect(minimumDaysOf(KA131, 'STA', 5)).toBe(2);
  });
});

describe('staff mobility: daily rate per group, 70 % from day 15', () => {
  it('STA to Germany (group 2, 160 €/day) for 5 days and 1,800 km: 5 × 160 + 309 = 1,109 €; no flat fewer-opportunities top-up', () => {
    const g = computeGrant(KA131, facts({ mobilityType: 'STA', start: '2026-05-04', end: '2026-05-08', distanceKm: 1800, fewerOpportunities: true }));
    expect(g).toMatchObject({ paidBy: 'DAILY', days: 5, individualSupport: 800, topUps: 0, travel: 309, total: 1109 });
  });

  it('STT to Denmark (group 1, 180 €/day) for 20 days, green, 2,500 km: 14 × 180 + 6 × 126 + 535 = 3,811 €', () => {
    const g = computeGrant(KA131, facts({ mobilityType: 'STT', country: 'DK', start: '2026-06-01', end: '2026-06-20', greenTravel: true, distanceKm: 2500 }));
    expect(g.working.slice(0, 2).map((l) => [l.quantity, l.rate, l.amount])).toEqual([
      [14, 180, 2520],
      [6, 126, 756], // 70 % of 180
    ]);
    expect(g).toMatchObject({ individualSupport: 3276, topUps: 0, travel: 535, total: 3811 });
  });

  it('KA171 staff: 180 €/day anywhere', () => {
    // 7 × 180 + 4000-7999 km band 1,188
    expect(computeGrant(KA171, facts({ mobilityType: 'STA', country: 'US', start: '2026-04-06', end: '2026-04-12', distanceKm: 7500 })).total).toBe(1260 + 1188);
  });
});

describe('travel by distance band', () => {
  it.each([
    [9, 0],
    [10, 28],
    [99, 28],
    [100, 211],
    [499, 211],
    [500, 309],
    [1999, 309],
    [2000, 395],
    [3999, 580],
    [4000, 1188],
    [7999, 1188],
    [8000, 1735],
    [15000, 1735],
  ])('%i km → %i €', (km, amount) => {
    expect(computeGrant(KA131, facts({ mobilityType: 'STA', start: '2026-05-04', end: '2026-05-04', distanceKm: km })).travel).toBe(amount);
  });

  it('travel funded but no distance given: NO_DISTANCE', () => {
    expect(ruleError(() => computeGrant(KA131, facts({ mobilityType: 'STA', start: '2026-05-04', end: '2026-05-08' }))).code).toBe('NO_DISTANCE');
  });
});

describe('zero grant', () => {
  it('every amount is 0, the working is still shown (quantities and the rates in the labels)', () => {
    const g = computeGrant(KA131, facts({ zeroGrant: true, fewerOpportunities: true, distanceKm: 1800 }));
    expect(g).toMatchObject({ months: 4, days: 17, individualSupport: 0, topUps: 0, travel: 0, total: 0 });
    expect(g.working.length).toBe(5); // 2 support lines, 2 top-up lines, travel
    expect(g.working.every((l) => l.amount === 0 && l.rate === 0)).toBe(true);
    expect(g.working[0].label).toBe('Individual support (SMS, group 2 (student rates of groups 1-2)): 4 months × 600.00 € (zero-grant: not paid)');
  });

  it('needs no distance', () => {
    expect(computeGrant(KA131, facts({ mobilityType: 'STA', zeroGrant: true, start: '2026-05-04', end: '2026-05-08' })).total).toBe(0);
  });
});

describe('refusals', () => {
  it('a destination outside every country group: NO_RATE_FOR_DESTINATION', () => {
    const e = ruleError(() => computeGrant(KA131, facts({ country: 'US' })));
    expect(e.code).toBe('NO_RATE_FOR_DESTINATION');
    expect(e.details).toMatchObject({ country: 'US', group: null });
  });

  it('a group without a rate for the mobility type: NO_RATE_FOR_DESTINATION', () => {
    const rates: GrantRates = { ...KA131, monthly: KA131.monthly.filter((m) => m.mobilityType !== 'SMT') };
    expect(ruleError(() => computeGrant(rates, facts({ mobilityType: 'SMT' }))).details).toMatchObject({ group: 'G2', mobilityType: 'SMT' });
  });

  it('an end before the start: INVALID_DATES', () => {
    expect(ruleError(() => computeGrant(KA131, facts({ start: '2026-02-01', end: '2026-01-31' }))).code).toBe('INVALID_DATES');
    expect(ruleError(() => computeGrant(KA131, facts({ start: '2026-02-30', end: '2026-03-31' }))).code).toBe('INVALID_DATES');
  });
});

describe('instalments: percent × total rounded to the cent, the last takes the rest', () => {
  it.each([
    [2740, [80, 20], [2192, 548]],
    [4190.67, [80, 20], [3352.54, 838.13]], // 3,352.536 → 3,352.54; 4,190.67 − 3,352.54
    [1901, [70, 30], [1330.7, 570.3]],
    [100, [33, 33, 34], [33, 33, 34]],
    [0.05, [50, 50], [0.03, 0.02]], // 0.025 → 0.03 (half up), the rest 0.02
    [0, [80, 20], [0, 0]],
  ])('%d € in %j → %j', (total, plan, amounts) => {
    expect(instalmentAmounts(total, plan)).toEqual(amounts);
    expect(Math.round(amounts.reduce((a, b) => a + b, 0) * 100)).toBe(Math.round(total * 100));
  });

  it.each([
    [[80, 30], 'add up to 110'],
    [[], '1 to 6'],
    [[50.5, 49.5], 'whole percent'],
    [[100, 0], 'whole percent'],
  ])('%j is refused (%s)', (plan, message) => {
    expect(instalmentPlanProblem(plan)).toContain(message);
  });
});

describe('checking a rate table', () => {
  it('the seeded tables are valid', () => {
    for (const t of seed.tables) expect(checkGrantRates(t.rates)).toMatchObject({ ok: true });
  });

  const broken = (change: (rates: GrantRates) => void) => {
    const rates = structuredClone(KA131);
    change(rates);
    return checkGrantRates(rates);
  };

  it.each<[string, string, (r: GrantRates) => void]>([
    ['another currency', 'rates.currency', (r) => ((r as { currency: string }).currency = 'USD')],
    ['a monthly rate of an unknown group', 'rates.monthly[0].group', (r) => (r.monthly[0].group = 'G9')],
    ['a monthly rate for staff', 'rates.monthly[0].mobilityType', (r) => (r.monthly[0].mobilityType = 'STA')],
    ['a negative daily rate', 'rates.daily[0].rate', (r) => (r.daily[0].rate = -1)],
    ['three decimals', 'rates.daily[0].rate', (r) => (r.daily[0].rate = 79.005)],
    ['a reduced rate above the rate', 'rates.daily[2].rateAfterDay14', (r) => (r.daily[2].rateAfterDay14 = 200)],
    ['a country in two groups', 'rates.countryGroups[1].countries[11]', (r) => r.countryGroups[1].countries.push('DK')],
    ['a lower-case country', 'rates.countryGroups[0].countries[0]', (r) => (r.countryGroups[0].countries[0] = 'dk')],
    ['a gap between travel bands', 'rates.travelBands[1].minKm', (r) => (r.travelBands[1].minKm = 150)],
    ['an open band before the last', 'rates.travelBands[2].maxKm', (r) => (r.travelBands[2].maxKm = null)],
    ['instalments not adding up to 100', 'rates.instalments', (r) => (r.instalments = [80, 30])],
    ['a travel rule twice', 'rates.travelFor[4].mobilityType', (r) => r.travelFor.push({ ...r.travelFor[0] })],
    ['a long minimum below the short one', 'rates.minimumDays[0].long', (r) => (r.minimumDays[0].long = 3)],
  ])('%s: refused at %s', (_what, path, change) => {
    expect(broken(change)).toMatchObject({ ok: false, path });
  });

  it('an unknown field is refused rather than ignored', () => {
    const result = checkGrantRates({ ...KA131, monthlyRates: [] });
    expect(result.ok).toBe(false);
  });
});
