/**
 * The grant of a mobility, as pure functions over a rate table (data, per programme and call year) and the mobility's
 * dates. Nothing here reads the database; the service (grant.service.ts) feeds it and stores the result.
 *
 * Duration (the Erasmus+ duration calculator). Dates are calendar days at the host, first and last day included.
 * Whole months are counted from the start day: 15 Sep → 14 Oct is one month, 15 Sep → 14 Jan four. A month that
 * lacks the start day (a start on the 31st, or the 29th-31st towards February) ends on its last day, the next one
 * starting on the 1st. The days left after the whole months are paid at 1/30 of the monthly rate each: every month
 * counts as 30 days in the remainder, whatever its length. Example: 2025-09-15 → 2026-01-31 is 4 months (15 Sep →
 * 14 Jan) and 17 days (15 → 31 Jan): 4 × 600 € + 17 × 600/30 € = 2,400 + 340 = 2,740 € (study, groups 1-2).
 *
 * Daily rates (short student mobility, staff): days 1-14 at the day rate, from day 15 at the reduced rate.
 *
 * Rounding: money is computed in whole cents. A line of whole months, days at a day rate or a one-off amount is exact;
 * a line of remaining days at 1/30 of a monthly amount is rounded once, half up, to the cent (17 days × 700/30 € =
 * 396.666… → 396.67 €), its `rate` showing the unrounded 1/30. Parts and the total are sums of their lines.
 * Instalments: each but the last is percent × total rounded half up to the cent; the last takes the rest, so the
 * instalments always add up to the total.
 */

import { z } from 'zod';
import { dayNumber } from './calendar-day';

type MobilityTypeCode = 'SMS' | 'SMT' | 'STA' | 'STT';
export type TravelPolicy = 'ALWAYS' | 'FEWER_OPPORTUNITIES' | 'NEVER';

/** The rate table of one programme and call year (stored as JSON in `grant_rate_table.rates`, validated on write). */
export interface GrantRates {
  currency: 'EUR';
  /** Destination country groups (Erasmus+ KA131 groups 1-2, 3; KA171 regions), each with its ISO 3166-1 alpha-2 countries. */
  countryGroups: { code: string; label: string; countries: string[] }[];
  /** Monthly rates for long student mobility, per group and mobility type (SMS studies, SMT traineeship). */
  monthly: { group: string; mobilityType: MobilityTypeCode; rate: number }[];
  /**
   * Daily rates for staff and short student mobility, per group (or `*`: any group without a row of its own) and
   * mobility type, with the reduced rate from day 15.
   */
  daily: { group: string; mobilityType: MobilityTypeCode; rate: number; rateAfterDay14: number }[];
  /** A student mobility shorter than this many days is a short mobility (daily rates); e.g. 60. */
  longMobilityMinDays: number;
  /** The shortest mobility of each type the programme funds, in days (e.g. SMS 60 long / 5 short, STA 2). */
  minimumDays: { mobilityType: MobilityTypeCode; short: number; long?: number | null }[];
  topUps: {
    /** Per month of a long mobility (pro rata for the remaining days). */
    fewerOpportunitiesMonthly: number;
    /** One amount for a short mobility of up to 14 days, another for 15-30 days. */
    fewerOpportunitiesShort14: number;
    fewerOpportunitiesShort30: number;
    /** One-off for green travel (long student mobility). */
    greenTravelOneOff: number;
  };
  /** Round-trip travel amounts by distance band (km, both ends included; the last band may be open). */
  travelBands: { minKm: number; maxKm: number | null; standard: number; green: number | null }[];
  /**
   * Who gets travel, per mobility type: `long` for a mobility paid by the month (long student mobility), `short` for one
   * paid by the day (short student mobility, and all staff mobility).
   */
  travelFor: { mobilityType: MobilityTypeCode; long: TravelPolicy; short: TravelPolicy }[];
  /** Default instalment plan in percent (e.g. [80, 20]); the last part is paid after the return documents. */
  instalments: number[];
}

/** One line of the computation's working, e.g. "4 months × 600.00 €" or "17 days × 600.00 € / 30". */
export interface GrantWorkingLine {
  part: 'INDIVIDUAL_SUPPORT' | 'TOP_UP' | 'TRAVEL';
  label: string;
  quantity: number;
  unit: 'MONTH' | 'DAY' | 'ONE_OFF';
  rate: number;
  amount: number;
}

// --- Validation of a rate table ----------------------------------------------------------------------------------------

const MOBILITY_TYPES = ['SMS', 'SMT', 'STA', 'STT'] as const;
const STUDENT_TYPES: readonly string[] = ['SMS', 'SMT'];
const POLICIES = ['ALWAYS', 'FEWER_OPPORTUNITIES', 'NEVER'] as const;
/** `*` in a daily row: any group without a row of its own. */
export const ANY_GROUP = '*';

const cents = (what: string) =>
  z
    .number()
    .finite()
    .min(0, `${what} cannot be negative`)
    .max(100_000, `${what} looks wrong (over 100,000 €)`)
    .refine((v) => Math.abs(Math.round(v * 100) - v * 100) < 1e-6, `${what} has more than two decimals`);
const positive = (what: string) => cents(what).refine((v) => v > 0, `${what} must be above 0`);
const days = z.number().int('must be a whole number of days').min(1).max(366);

/** The instalment plan rule, shared with computeGrant: whole percents, each above 0, adding up to 100. */
export function instalmentPlanProblem(plan: readonly number[]): string | null {
  if (plan.length < 1 || plan.length > 6) return 'An instalment plan has 1 to 6 instalments';
  if (plan.some((p) => !Number.isInteger(p) || p < 1 || p > 100)) return 'Each instalment is a whole percent from 1 to 100';
  const sum = plan.reduce((a, b) => a + b, 0);
  if (sum !== 100) return `The instalments add up to ${sum} %, not 100 %`;
  return null;
}

const ratesSchema = z
  .strictObject({
    currency: z.literal('EUR', { message: 'rates are in EUR' }),
    countryGroups: z
      .array(
        z.strictObject({
          code: z.string().trim().min(1).max(40),
          label: z.string().trim().min(1).max(200),
          countries: z.array(z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code, e.g. DE')).min(1),
        }),
      )
      .min(1),
    monthly: z.array(z.strictObject({ group: z.string().min(1), mobilityType: z.enum(MOBILITY_TYPES), rate: positive('rate') })),
    daily: z.array(
      z.strictObject({ group: z.string().min(1), mobilityType: z.enum(MOBILITY_TYPES), rate: positive('rate'), rateAfterDay14: cents('rateAfterDay14') }),
    ),
    longMobilityMinDays: days,
    minimumDays: z.array(z.strictObject({ mobilityType: z.enum(MOBILITY_TYPES), short: days, long: days.nullable().optional() })),
    topUps: z.strictObject({
      fewerOpportunitiesMonthly: cents('fewerOpportunitiesMonthly'),
      fewerOpportunitiesShort14: cents('fewerOpportunitiesShort14'),
      fewerOpportunitiesShort30: cents('fewerOpportunitiesShort30'),
      greenTravelOneOff: cents('greenTravelOneOff'),
    }),
    travelBands: z
      .array(
        z.strictObject({
          minKm: z.number().int().min(0).max(50_000),
          maxKm: z.number().int().min(0).max(50_000).nullable(),
          standard: cents('standard'),
          green: cents('green').nullable(),
        }),
      )
      .min(1),
    travelFor: z.array(z.strictObject({ mobilityType: z.enum(MOBILITY_TYPES), long: z.enum(POLICIES), short: z.enum(POLICIES) })),
    instalments: z.array(z.number()),
  })
  .superRefine((rates, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const groups = new Set<string>();
    const countryGroup = new Map<string, string>();
    rates.countryGroups.forEach((g, i) => {
      if (g.code === ANY_GROUP) issue(['countryGroups', i, 'code'], `${ANY_GROUP} is reserved for "any group" in daily rates`);
      if (groups.has(g.code)) issue(['countryGroups', i, 'code'], `The group ${g.code} appears twice`);
      groups.add(g.code);
      g.countries.forEach((c, j) => {
        const other = countryGroup.get(c);
        if (other !== undefined) issue(['countryGroups', i, 'countries', j], `${c} is already in group ${other}`);
        else countryGroup.set(c, g.code);
      });
    });
    const seen = new Set<string>();
    rates.monthly.forEach((m, i) => {
      if (!groups.has(m.group)) issue(['monthly', i, 'group'], `No country group ${m.group}`);
      if (!STUDENT_TYPES.includes(m.mobilityType)) issue(['monthly', i, 'mobilityType'], 'Monthly rates are for student mobility (SMS, SMT)');
      const key = `${m.group}|${m.mobilityType}`;
      if (seen.has(`m|${key}`)) issue(['monthly', i], `Two monthly rates for group ${m.group} and ${m.mobilityType}`);
      seen.add(`m|${key}`);
    });
    rates.daily.forEach((d, i) => {
      if (d.group !== ANY_GROUP && !groups.has(d.group)) issue(['daily', i, 'group'], `No country group ${d.group}`);
      if (d.rateAfterDay14 > d.rate) issue(['daily', i, 'rateAfterDay14'], 'The rate from day 15 cannot exceed the rate of days 1-14');
      const key = `${d.group}|${d.mobilityType}`;
      if (seen.has(`d|${key}`)) issue(['daily', i], `Two daily rates for group ${d.group} and ${d.mobilityType}`);
      seen.add(`d|${key}`);
    });
    rates.minimumDays.forEach((m, i) => {
      if (seen.has(`min|${m.mobilityType}`)) issue(['minimumDays', i, 'mobilityType'], `${m.mobilityType} appears twice`);
      seen.add(`min|${m.mobilityType}`);
      if (m.long !== null && m.long !== undefined && m.long < m.short) issue(['minimumDays', i, 'long'], 'The long minimum cannot be below the short one');
    });
    rates.travelBands.forEach((b, i) => {
      if (b.maxKm !== null && b.maxKm < b.minKm) issue(['travelBands', i, 'maxKm'], 'maxKm is below minKm');
      if (b.maxKm === null && i !== rates.travelBands.length - 1) issue(['travelBands', i, 'maxKm'], 'Only the last band may be open-ended');
      if (i > 0) {
        const previous = rates.travelBands[i - 1];
        if (previous.maxKm !== null && b.minKm !== previous.maxKm + 1) {
          issue(['travelBands', i, 'minKm'], `The bands must follow each other without gap or overlap: expected ${previous.maxKm + 1}`);
        }
      }
    });
    rates.travelFor.forEach((t, i) => {
      if (seen.has(`t|${t.mobilityType}`)) issue(['travelFor', i, 'mobilityType'], `${t.mobilityType} appears twice`);
      seen.add(`t|${t.mobilityType}`);
    });
    const plan = instalmentPlanProblem(rates.instalments);
    if (plan) issue(['instalments'], plan);
  });

export type RatesCheck = { ok: true; rates: GrantRates } | { ok: false; path: string; message: string };

/** Checks a rate table; on failure names the first field at fault as a path (`rates.monthly[2].rate`). */
export function checkGrantRates(input: unknown, prefix = 'rates'): RatesCheck {
  const parsed = ratesSchema.safeParse(plainData(input));
  if (parsed.success) return { ok: true, rates: parsed.data as GrantRates };
  const first = parsed.error.issues[0];
  return { ok: false, path: formatPath(prefix, first.path as (string | number)[]), message: first.message };
}

function formatPath(prefix: string, path: (string | number)[]): string {
  return path.reduce<string>((out, p) => (typeof p === 'number' ? `${out}[${p}]` : `${out}.${p}`), prefix);
}

/** GraphQL inputs arrive as class instances with undefined optional fields: compare plain data. */
function plainData(input: unknown): unknown {
  return input === undefined ? undefined : JSON.parse(JSON.stringify(input));
}

// --- Dates ----------------------------------------------------------------------------------------------------------------

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** The first day of the (k+1)-th month counted from `start`: the same day k months later, or the 1st after a short month. */
function monthAnchor(start: string, k: number): number {
  const [y, m, d] = start.split('-').map(Number);
  const total = m - 1 + k;
  const year = y + Math.floor(total / 12);
  const month0 = total % 12;
  if (d <= daysInMonth(year, month0)) return Date.UTC(year, month0, d) / 86_400_000;
  return Date.UTC(year, month0 + 1, 1) / 86_400_000;
}

/**
 * The Erasmus+ calculator's duration: whole months counted from the start day and the days left over.
 * 2025-09-15 → 2026-01-31: 4 months and 17 days (139 calendar days).
 */
export function erasmusDuration(start: string, end: string): { months: number; days: number; totalDays: number } {
  const first = dayNumber(start)!;
  const last = dayNumber(end)!;
  let months = 0;
  // Month k+1 is whole when the day before the next anchor is on or before the last day.
  while (monthAnchor(start, months + 1) <= last + 1) months++;
  const remainderStart = months === 0 ? first : monthAnchor(start, months);
  return { months, days: last - remainderStart + 1, totalDays: last - first + 1 };
}

// --- The computation --------------------------------------------------------------------------------------------------

export interface GrantFacts {
  mobilityType: MobilityTypeCode;
  /** ISO 3166-1 alpha-2 of the destination (the place's country). */
  country: string;
  start: string;
  end: string;
  fewerOpportunities: boolean;
  greenTravel: boolean;
  distanceKm: number | null;
  zeroGrant: boolean;
}

export interface GrantComputation {
  /** MONTHLY: long student mobility; DAILY: short student mobility and staff. */
  paidBy: 'MONTHLY' | 'DAILY';
  group: { code: string; label: string };
  months: number;
  days: number;
  durationDays: number;
  individualSupport: number;
  topUps: number;
  travel: number;
  total: number;
  working: GrantWorkingLine[];
}

/** Why a grant cannot be computed: the service turns these into its error codes. */
export class GrantRuleError extends Error {
  constructor(
    readonly code: 'INVALID_DATES' | 'NO_RATE_FOR_DESTINATION' | 'NO_DISTANCE',
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'GrantRuleError';
  }
}

const toCents = (euros: number) => Math.round(euros * 100);
const toEuros = (c: number) => Math.round(c) / 100;
const eur = (euros: number) => `${euros.toFixed(2)} €`;
/** n × amount / 30, rounded half up to the cent (amounts are never negative). */
const thirtieths = (n: number, amountCents: number) => Math.floor((n * amountCents * 2 + 30) / 60);

interface Line {
  part: GrantWorkingLine['part'];
  label: string;
  quantity: number;
  unit: GrantWorkingLine['unit'];
  rate: number;
  cents: number;
}

export function isStudentMobility(type: string): boolean {
  return STUDENT_TYPES.includes(type);
}

/** The group a destination country belongs to in a rate table, if any. */
export function groupOf(rates: GrantRates, country: string): { code: string; label: string } | null {
  const group = rates.countryGroups.find((g) => g.countries.includes(country));
  return group ? { code: group.code, label: group.label } : null;
}

/** The shortest mobility of a type the table funds, in days (long student mobility: `long`; otherwise `short`). */
export function minimumDaysOf(rates: GrantRates, mobilityType: string, durationDays: number): number | null {
  const row = rates.minimumDays.find((m) => m.mobilityType === mobilityType);
  if (!row) return null;
  if (isStudentMobility(mobilityType) && durationDays >= rates.longMobilityMinDays) return row.long ?? row.short;
  return row.short;
}

/** The grant of one mobility: individual support, top-ups and travel, each line with its working. */
export function computeGrant(rates: GrantRates, facts: GrantFacts): GrantComputation {
  const first = dayNumber(facts.start);
  const last = dayNumber(facts.end);
  if (first === null || last === null) throw new GrantRuleError('INVALID_DATES', 'The dates must be real dates written YYYY-MM-DD');
  if (last < first) throw new GrantRuleError('INVALID_DATES', `The mobility ends (${facts.end}) before it starts (${facts.start})`);
  const group = groupOf(rates, facts.country);
  const noRate = (what: string) =>
    new GrantRuleError('NO_RATE_FOR_DESTINATION', `The rate table has no ${what} for ${facts.country}${group ? ` (group ${group.code})` : ''} and ${facts.mobilityType}`, {
      country: facts.country,
      group: group?.code ?? null,
      mobilityType: facts.mobilityType,
    });
  if (!group) throw noRate('country group');

  const totalDays = last - first + 1;
  const student = isStudentMobility(facts.mobilityType);
  const long = student && totalDays >= rates.longMobilityMinDays;
  const lines: Line[] = [];
  let months = 0;
  let days = 0;

  if (long) {
    const monthly = rates.monthly.find((m) => m.group === group.code && m.mobilityType === facts.mobilityType);
    if (!monthly) throw noRate('monthly rate');
    const duration = erasmusDuration(facts.start, facts.end);
    months = duration.months;
    days = duration.days;
    const rate = toCents(monthly.rate);
    const what = `Individual support (${facts.mobilityType}, ${group.label})`;
    lines.push({ part: 'INDIVIDUAL_SUPPORT', label: `${what}: ${months} months × ${eur(monthly.rate)}`, quantity: months, unit: 'MONTH', rate: monthly.rate, cents: months * rate });
    if (days > 0) {
      lines.push({
        part: 'INDIVIDUAL_SUPPORT',
        label: `${what}: ${days} days × ${eur(monthly.rate)} / 30`,
        quantity: days,
        unit: 'DAY',
        rate: monthly.rate / 30,
        cents: thirtieths(days, rate),
      });
    }
    if (facts.fewerOpportunities) {
      const topUp = rates.topUps.fewerOpportunitiesMonthly;
      const c = toCents(topUp);
      lines.push({ part: 'TOP_UP', label: `Fewer opportunities: ${months} months × ${eur(topUp)}`, quantity: months, unit: 'MONTH', rate: topUp, cents: months * c });
      if (days > 0) {
        lines.push({ part: 'TOP_UP', label: `Fewer opportunities: ${days} days × ${eur(topUp)} / 30`, quantity: days, unit: 'DAY', rate: topUp / 30, cents: thirtieths(days, c) });
      }
    }
    if (facts.greenTravel) {
      const oneOff = rates.topUps.greenTravelOneOff;
      lines.push({ part: 'TOP_UP', label: `Green travel top-up (one-off)`, quantity: 1, unit: 'ONE_OFF', rate: oneOff, cents: toCents(oneOff) });
    }
  } else {
    const daily =
      rates.daily.find((d) => d.group === group.code && d.mobilityType === facts.mobilityType) ??
      rates.daily.find((d) => d.group === ANY_GROUP && d.mobilityType === facts.mobilityType);
    if (!daily) throw noRate('daily rate');
    days = totalDays;
    const upTo14 = Math.min(days, 14);
    const after14 = days - upTo14;
    const what = student ? `Individual support (short ${facts.mobilityType} mobility, ${group.label})` : `Individual support (${facts.mobilityType}, ${group.label})`;
    lines.push({ part: 'INDIVIDUAL_SUPPORT', label: `${what}: days 1-${upTo14}, ${upTo14} days × ${eur(daily.rate)}`, quantity: upTo14, unit: 'DAY', rate: daily.rate, cents: upTo14 * toCents(daily.rate) });
    if (after14 > 0) {
      lines.push({
        part: 'INDIVIDUAL_SUPPORT',
        label: `${what}: days 15-${days}, ${after14} days × ${eur(daily.rateAfterDay14)}`,
        quantity: after14,
        unit: 'DAY',
        rate: daily.rateAfterDay14,
        cents: after14 * toCents(daily.rateAfterDay14),
      });
    }
    if (facts.fewerOpportunities && student) {
      const upTo = days <= 14;
      const topUp = upTo ? rates.topUps.fewerOpportunitiesShort14 : rates.topUps.fewerOpportunitiesShort30;
      lines.push({
        part: 'TOP_UP',
        label: `Fewer opportunities, short mobility of ${upTo ? 'up to 14' : '15 days or more'} days (one-off)`,
        quantity: 1,
        unit: 'ONE_OFF',
        rate: topUp,
        cents: toCents(topUp),
      });
    }
  }

  lines.push(...travelLines(rates, facts, long, student));

  const zero = facts.zeroGrant;
  const working: GrantWorkingLine[] = lines.map((l) => ({
    part: l.part,
    label: zero ? `${l.label} (zero-grant: not paid)` : l.label,
    quantity: l.quantity,
    unit: l.unit,
    rate: zero ? 0 : l.rate,
    amount: zero ? 0 : toEuros(l.cents),
  }));
  const sum = (part: GrantWorkingLine['part']) => (zero ? 0 : lines.filter((l) => l.part === part).reduce((a, l) => a + l.cents, 0));
  const [support, topUps, travel] = [sum('INDIVIDUAL_SUPPORT'), sum('TOP_UP'), sum('TRAVEL')];
  return {
    paidBy: long ? 'MONTHLY' : 'DAILY',
    group,
    months,
    days,
    durationDays: totalDays,
    individualSupport: toEuros(support),
    topUps: toEuros(topUps),
    travel: toEuros(travel),
    total: toEuros(support + topUps + travel),
    working,
  };
}

function travelLines(rates: GrantRates, facts: GrantFacts, long: boolean, student: boolean): Line[] {
  const rule = rates.travelFor.find((t) => t.mobilityType === facts.mobilityType);
  const policy: TravelPolicy = rule ? (long ? rule.long : rule.short) : 'NEVER';
  const kind = long ? `long ${facts.mobilityType} mobility` : student ? `short ${facts.mobilityType} mobility` : `${facts.mobilityType} mobility`;
  const none = (why: string): Line => ({ part: 'TRAVEL', label: `Travel: not funded (${why})`, quantity: 0, unit: 'ONE_OFF', rate: 0, cents: 0 });
  if (policy === 'NEVER') return [none(`${kind}: no travel support`)];
  if (policy === 'FEWER_OPPORTUNITIES' && !facts.fewerOpportunities) return [none(`${kind}: only with fewer opportunities`)];
  if (facts.distanceKm === null || facts.distanceKm === undefined) {
    if (facts.zeroGrant) return [none('zero-grant, no distance given')];
    throw new GrantRuleError('NO_DISTANCE', `Travel is funded for ${kind}: give distanceKm (the EU distance calculator's one-way distance)`, {
      field: 'distanceKm',
    });
  }
  const km = facts.distanceKm;
  const band = rates.travelBands.find((b) => km >= b.minKm && (b.maxKm === null || km <= b.maxKm));
  if (!band) return [none(`${km} km is outside the distance bands`)];
  const range = band.maxKm === null ? `${band.minKm} km and over` : `${band.minKm}-${band.maxKm} km`;
  if (facts.greenTravel && band.green !== null) {
    return [{ part: 'TRAVEL', label: `Travel, green, ${range} (${km} km)`, quantity: 1, unit: 'ONE_OFF', rate: band.green, cents: toCents(band.green) }];
  }
  const note = facts.greenTravel ? ', no green amount for this band: standard' : '';
  return [{ part: 'TRAVEL', label: `Travel, ${range} (${km} km)${note}`, quantity: 1, unit: 'ONE_OFF', rate: band.standard, cents: toCents(band.standard) }];
}

// --- Instalments ------------------------------------------------------------------------------------------------------

/** The amount of each instalment: percent × total rounded half up to the cent, the last one taking the rest. */
export function instalmentAmounts(total: number, plan: readonly number[]): number[] {
  const totalCents = toCents(total);
  const amounts: number[] = [];
  let given = 0;
  plan.forEach((percent, i) => {
    if (i === plan.length - 1) {
      amounts.push(totalCents - given);
      return;
    }
    const c = Math.floor((totalCents * percent * 2 + 100) / 200);
    amounts.push(c);
    given += c;
  });
  return amounts.map(toEuros);
}

/** Sums money to the cent (avoids 0.1 + 0.2). */
export function sumMoney(values: readonly number[]): number {
  return toEuros(values.reduce((a, v) => a + toCents(v), 0));
}
