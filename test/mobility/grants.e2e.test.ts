/**
 * Grants through GraphQL: rate tables as data (set and checked), the grant of a mobility computed from its planned
 * dates and recomputed from the actual ones with the working shown, long / short / staff / KA171 / zero-grant worked
 * examples, instalments and payments (a recovery after a shorter stay), every error code leaving nothing half-written,
 * who may do and see what, the outbox event, and one query for the grants of a whole list.
 *
 * Test set-up: the mobility's dates are written with direct SQL (`setDates`). Setting them is area C's work
 * (setMobilityDates, confirmArrival, confirmDeparture); the grant only reads them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  GrantApplicationListDocument,
  GrantComputeDocument,
  GrantNodeDocument,
  GrantOfApplicationDocument,
  GrantRateTablesDocument,
  GrantRecordPaymentDocument,
  GrantSetRatesDocument,
  type ComputeGrantInput,
  type GrantFieldsFragment,
  type GrantRatesInput,
  type RecordGrantPaymentInput,
} from '../generated/graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { seedGrantRates } from '../../src/modules/mobility/grant-demo.seed';
import { startTestHub, type Identity, type TestHub } from '../support/hub';
import { errorOf, MobilityWorld, ok, STAFF, uuidOf, YEAR, type Application } from './mobility.support';

let hub: TestHub;
let world: MobilityWorld;

const seed = JSON.parse(readFileSync(path.resolve(__dirname, '../../seeds/demo/grant-rates.json'), 'utf8')) as {
  tables: { programme: 'ERASMUS_KA131' | 'ERASMUS_KA171'; source: string; rates: GrantRatesInput }[];
};
const ratesOf = (programme: string) => seed.tables.find((t) => t.programme === programme)!;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new MobilityWorld(hub).init();
  // The seeded Türkiye 2024 figures for the suites' call year (the demo seed may have put them there already: same figures).
  for (const t of seed.tables) {
    ok(await hub.request(GrantSetRatesDocument, { input: { programme: t.programme, academicYear: YEAR, rates: t.rates, source: t.source } }, STAFF));
  }
});
afterAll(async () => {
  await hub.close();
});

/** Test set-up only: writes the mobility's dates directly (area C's mutations set them in the application). */
async function setDates(applicationId: string, dates: { plannedStart?: string; plannedEnd?: string; actualStart?: string; actualEnd?: string }) {
  const columns = { plannedStart: 'planned_start', plannedEnd: 'planned_end', actualStart: 'actual_start', actualEnd: 'actual_end' } as const;
  const entries = Object.entries(dates) as [keyof typeof columns, string][];
  await world.sql(`update mobility_application set ${entries.map(([k]) => `${columns[k]} = ?`).join(', ')} where id = ?`, [
    ...entries.map(([, v]) => v),
    uuidOf(applicationId),
  ]);
}

async function compute(input: ComputeGrantInput, as: Identity = STAFF): Promise<GrantFieldsFragment> {
  return ok(await hub.request(GrantComputeDocument, { input }, as)).computeGrant;
}

async function pay(input: RecordGrantPaymentInput): Promise<GrantFieldsFragment> {
  return ok(await hub.request(GrantRecordPaymentDocument, { input }, STAFF)).recordGrantPayment;
}

async function grantOf(applicationId: string, as: Identity = STAFF): Promise<GrantFieldsFragment | null | undefined> {
  return ok(await hub.request(GrantOfApplicationDocument, { id: applicationId }, as)).mobilityApplication?.grant;
}

async function rowCounts(applicationId: string): Promise<{ grants: number; payments: number }> {
  const [row] = await world.sql<{ grants: number; payments: number }>(
    `select (select count(*)::int from mobility_grant where application_id = ?) as grants,
            (select count(*)::int from mobility_grant_payment p join mobility_grant g on g.id = p.grant_id where g.application_id = ?) as payments`,
    [uuidOf(applicationId), uuidOf(applicationId)],
  );
  return row;
}

const lines = (g: GrantFieldsFragment) => g.working.map((l) => [l.part, l.quantity, l.unit, l.amount]);

describe('rate tables', () => {
  it('are data by programme and call year: the Türkiye 2024 figures, with their source, readable by anyone', async () => {
    const tables = ok(await hub.request(GrantRateTablesDocument, { programme: 'ERASMUS_KA131', academicYear: YEAR })).grantRateTables;
    expect(tables).toHaveLength(1);
    const [ka131] = tables;
    expect(ka131.source).toContain('Programme Guide 2024');
    expect(ka131.rates.monthly).toContainEqual({ group: 'G2', mobilityType: 'SMS', rate: 600 });
    expect(ka131.rates.monthly).toContainEqual({ group: 'G3', mobilityType: 'SMT', rate: 600 });
    expect(ka131.rates.daily).toContainEqual({ group: '*', mobilityType: 'SMS', rate: 79, rateAfterDay14: 56 });
    expect(ka131.rates.daily).toContainEqual({ group: 'G1', mobilityType: 'STA', rate: 180, rateAfterDay14: 126 });
    expect(ka131.rates.travelBands[0]).toEqual({ minKm: 10, maxKm: 99, standard: 28, green: 56 });
    expect(ka131.rates.instalments).toEqual([80, 20]);
  });

  it('a bad table is refused with INVALID_RATES and the field path, and the table in force stays as it was', async () => {
    const before = ok(await hub.request(GrantRateTablesDocument, { programme: 'ERASMUS_KA131', academicYear: YEAR })).grantRateTables[0];
    const rates = structuredClone(ratesOf('ERASMUS_KA131').rates);
    rates.monthly[1].group = 'NO-SUCH-GROUP';
    const res = await hub.request(GrantSetRatesDocument, { input: { programme: 'ERASMUS_KA131', academicYear: YEAR, rates, source: 'typo' } }, STAFF);
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_RATES', field: 'input.rates.monthly[1].group' });
    const gap = structuredClone(ratesOf('ERASMUS_KA131').rates);
    gap.travelBands[3].minKm = 2100;
    expect(errorOf(await hub.request(GrantSetRatesDocument, { input: { programme: 'ERASMUS_KA131', academicYear: YEAR, rates: gap } }, STAFF))).toMatchObject({
      reason: 'INVALID_RATES',
      field: 'input.rates.travelBands[3].minKm',
    });
    const after = ok(await hub.request(GrantRateTablesDocument, { programme: 'ERASMUS_KA131', academicYear: YEAR })).grantRateTables[0];
    expect(after).toEqual(before);
  });

  it('the demo seed adds the tables missing for 2024/2025-2027/2028 and never overwrites one the office set', async () => {
    const before = ok(await hub.request(GrantRateTablesDocument, { programme: 'ERASMUS_KA131', academicYear: YEAR })).grantRateTables[0];
    await seedGrantRates(hub.hub.orm.em.fork() as EntityManager, readFileSync(path.resolve(__dirname, '../../seeds/demo/grant-rates.json'), 'utf8'));
    const all = ok(await hub.request(GrantRateTablesDocument, {})).grantRateTables;
    const keys = all.map((t) => `${t.programme.code} ${t.academicYear}`);
    for (const programme of ['ERASMUS_KA131', 'ERASMUS_KA171']) {
      for (const year of ['2024/2025', '2025/2026', '2026/2027', '2027/2028']) expect(keys).toContain(`${programme} ${year}`);
    }
    expect(all.find((t) => t.id === before.id)).toEqual(before);
    expect(await seedGrantRates(hub.hub.orm.em.fork() as EntityManager, seed as never)).toBe(0);
  });

  it('only the office sets them; a stale version is refused', async () => {
    const input = { programme: 'ERASMUS_KA131' as const, academicYear: YEAR, rates: ratesOf('ERASMUS_KA131').rates };
    expect(errorOf(await hub.request(GrantSetRatesDocument, { input }, world.coordinator('ENG')))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(GrantSetRatesDocument, { input }, world.applicant()))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(GrantSetRatesDocument, { input }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    const current = ok(await hub.request(GrantRateTablesDocument, { programme: 'ERASMUS_KA131', academicYear: YEAR })).grantRateTables[0];
    const replaced = ok(await hub.request(GrantSetRatesDocument, { input: { ...input, version: current.version } }, STAFF)).setGrantRates;
    expect(replaced.version).toBe(current.version + 1);
    expect(replaced.source).toBe(current.source); // not given: kept
    expect(errorOf(await hub.request(GrantSetRatesDocument, { input: { ...input, version: current.version } }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'VERSION_CONFLICT',
    });
  });
});

describe('long student mobility, recomputed from the actual dates', () => {
  let m: { who: Identity; application: Application };
  let grant: GrantFieldsFragment;

  beforeAll(async () => {
    m = await world.acceptedMobility({ country: 'DE' });
  });

  it('without dates: NO_DATES, and no grant is written', async () => {
    expect(errorOf(await hub.request(GrantComputeDocument, { input: { applicationId: m.application.id } }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'NO_DATES',
      field: 'basis',
      missing: ['plannedStart', 'plannedEnd'],
    });
    expect(await rowCounts(m.application.id)).toEqual({ grants: 0, payments: 0 });
  });

  it('an instalment plan not adding up to 100: INVALID_INSTALMENTS, nothing written', async () => {
    await setDates(m.application.id, { plannedStart: '2027-09-15', plannedEnd: '2028-01-31' });
    expect(errorOf(await hub.request(GrantComputeDocument, { input: { applicationId: m.application.id, instalmentPlan: [80, 30] } }, STAFF))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_INSTALMENTS',
      field: 'instalmentPlan',
    });
    expect(await rowCounts(m.application.id)).toEqual({ grants: 0, payments: 0 });
  });

  it('from the planned dates: 15 Sep → 31 Jan is 4 months 17 days, 4 × 600 + 17 × 600/30 = 2,740 €, in 80/20 instalments', async () => {
    grant = await compute({ applicationId: m.application.id });
    expect(grant).toMatchObject({
      basis: 'PLANNED',
      periodStart: '2027-09-15',
      periodEnd: '2028-01-31',
      durationDays: 139,
      months: 4,
      days: 17,
      individualSupport: 2740,
      topUps: 0,
      travel: 0,
      total: 2740,
      zeroGrant: false,
      instalmentPlan: [80, 20],
      paid: 0,
      outstanding: 2740,
      rateTable: { academicYear: YEAR, programme: { code: 'ERASMUS_KA131' } },
      application: { id: m.application.id },
    });
    expect(lines(grant)).toEqual([
      ['INDIVIDUAL_SUPPORT', 4, 'MONTH', 2400], // 4 × 600
      ['INDIVIDUAL_SUPPORT', 17, 'DAY', 340], // 17 × 20
      ['TRAVEL', 0, 'ONE_OFF', 0], // long SMS: travel only with fewer opportunities
    ]);
    // 80 % of 2,740 = 2,192; the rest 548
    expect(grant.instalments).toEqual([
      { number: 1, percent: 80, amount: 2192, paid: 0, outstanding: 2192 },
      { number: 2, percent: 20, amount: 548, paid: 0, outstanding: 548 },
    ]);
  });

  it('records the first instalment', async () => {
    grant = await pay({ grantId: grant.id, instalment: 1, amount: 2192, paidOn: '2027-09-20', reference: 'HGS-2027-0042' });
    expect(grant).toMatchObject({ paid: 2192, outstanding: 548 });
    expect(grant.payments).toEqual([expect.objectContaining({ instalment: 1, amount: 2192, paidOn: '2027-09-20', reference: 'HGS-2027-0042', recordedBy: STAFF.sub })]);
    expect(grant.instalments[0]).toMatchObject({ paid: 2192, outstanding: 0 });
  });

  it('an instalment outside the plan (NO_SUCH_INSTALMENT) and a payment beyond the grant (PAYMENT_EXCEEDS_GRANT) are refused, nothing written', async () => {
    expect(errorOf(await hub.request(GrantRecordPaymentDocument, { input: { grantId: grant.id, instalment: 3, amount: 10, paidOn: '2028-02-01' } }, STAFF))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'NO_SUCH_INSTALMENT',
      field: 'instalment',
    });
    // 2,192 paid + 548.01 > 2,740
    expect(errorOf(await hub.request(GrantRecordPaymentDocument, { input: { grantId: grant.id, instalment: 2, amount: 548.01, paidOn: '2028-02-01' } }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'PAYMENT_EXCEEDS_GRANT',
      total: 2740,
      paid: 2192,
      outstanding: 548,
    });
    expect(errorOf(await hub.request(GrantRecordPaymentDocument, { input: { grantId: grant.id, instalment: 2, amount: 10.005, paidOn: '2028-02-01' } }, STAFF))).toMatchObject({
      reason: 'INVALID_AMOUNT',
      field: 'amount',
    });
    expect(errorOf(await hub.request(GrantRecordPaymentDocument, { input: { grantId: grant.id, instalment: 2, amount: 10, paidOn: '2028-02-30' } }, STAFF))).toMatchObject({
      field: 'paidOn',
    });
    expect(await rowCounts(m.application.id)).toEqual({ grants: 1, payments: 1 });
  });

  it('recomputed after the actual dates: ACTUAL by default, 3 months = 1,800 €; the payment stays and 392 € are to be recovered', async () => {
    // The student came back a month and a half early: 15 Sep → 14 Dec is 3 whole months.
    await setDates(m.application.id, { actualStart: '2027-09-15', actualEnd: '2027-12-14' });
    const before = grant.version;
    grant = await compute({ applicationId: m.application.id });
    expect(grant).toMatchObject({
      basis: 'ACTUAL',
      periodStart: '2027-09-15',
      periodEnd: '2027-12-14',
      durationDays: 91,
      months: 3,
      days: 0,
      total: 1800, // 3 × 600
      paid: 2192,
      outstanding: -392, // 1,800 − 2,192: a recovery
    });
    expect(grant.version).toBeGreaterThan(before);
    expect(grant.payments).toHaveLength(1);
    // 80 % of 1,800 = 1,440 (2,192 paid on it: 752 too much); 360 still open on the second
    expect(grant.instalments).toEqual([
      { number: 1, percent: 80, amount: 1440, paid: 2192, outstanding: -752 },
      { number: 2, percent: 20, amount: 360, paid: 0, outstanding: 360 },
    ]);
    expect(lines(grant)).toEqual([
      ['INDIVIDUAL_SUPPORT', 3, 'MONTH', 1800],
      ['TRAVEL', 0, 'ONE_OFF', 0],
    ]);
  });

  it('no further payment while overpaid; the recovery is recorded as a negative payment, but never more than was paid', async () => {
    expect(errorOf(await hub.request(GrantRecordPaymentDocument, { input: { grantId: grant.id, instalment: 2, amount: 1, paidOn: '2028-01-10' } }, STAFF))).toMatchObject({
      reason: 'PAYMENT_EXCEEDS_GRANT',
    });
    expect(errorOf(await hub.request(GrantRecordPaymentDocument, { input: { grantId: grant.id, instalment: 1, amount: -2192.01, paidOn: '2028-01-10' } }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'RECOVERY_EXCEEDS_PAID',
    });
    grant = await pay({ grantId: grant.id, instalment: 1, amount: -392, paidOn: '2028-01-10', reference: 'recovery' });
    expect(grant).toMatchObject({ paid: 1800, outstanding: 0 });
    expect(grant.payments.map((p) => p.amount)).toEqual([2192, -392]);
  });

  it('the planned dates can still be asked for explicitly', async () => {
    const planned = await compute({ applicationId: m.application.id, basis: 'PLANNED' });
    expect(planned).toMatchObject({ basis: 'PLANNED', total: 2740, paid: 1800, outstanding: 940 });
    grant = await compute({ applicationId: m.application.id, basis: 'ACTUAL', version: planned.version });
    expect(grant).toMatchObject({ basis: 'ACTUAL', total: 1800 });
    expect(errorOf(await hub.request(GrantComputeDocument, { input: { applicationId: m.application.id, version: planned.version } }, STAFF))).toMatchObject({
      reason: 'VERSION_CONFLICT',
    });
  });

  it('each computation is announced as mobilityApplication.updated, scoped to the unit lineage and the applicant', async () => {
    const events = await world.sql<{ payload: Record<string, unknown>; scope_unit_ids: string[] }>(
      `select payload, scope_unit_ids from outbox_event where aggregate_id = ? and type = 'mobilityApplication.updated' order by id`,
      [uuidOf(m.application.id)],
    );
    const computed = events.filter((e) => e.payload.changed === 'grant');
    expect(computed.length).toBeGreaterThanOrEqual(4);
    expect(computed[0].payload).toMatchObject({ applicantSubject: m.who.sub, number: m.application.number, grantId: uuidOf(grant.id) });
    expect(computed[0].scope_unit_ids).toEqual(expect.arrayContaining([uuidOf(world.unit('ENG-CENG')), uuidOf(world.unit('ENG'))]));
    expect(events.some((e) => e.payload.changed === 'grantPayment')).toBe(true);
  });

  describe('who sees the grant', () => {
    it('the office, the student themself and coordinators of the unit (or a unit above it)', async () => {
      expect((await grantOf(m.application.id))!.total).toBe(1800);
      const own = await grantOf(m.application.id, m.who);
      expect(own).toMatchObject({ total: 1800, paid: 1800 });
      expect(own!.payments.every((p) => p.recordedBy === null)).toBe(true); // who recorded it is the office's own
      expect((await grantOf(m.application.id, world.coordinator('ENG-CENG')))!.total).toBe(1800);
      expect((await grantOf(m.application.id, world.coordinator('ENG')))!.total).toBe(1800);
    });

    it('not another student, a coordinator elsewhere or an anonymous visitor: the application (and node(id) of the grant) is null', async () => {
      for (const who of [world.applicant('another'), world.coordinator('SCI'), undefined]) {
        expect(ok(await hub.request(GrantOfApplicationDocument, { id: m.application.id }, who)).mobilityApplication).toBeNull();
        expect(ok(await hub.request(GrantNodeDocument, { id: grant.id }, who)).node).toBeNull();
      }
      expect(ok(await hub.request(GrantNodeDocument, { id: grant.id }, m.who)).node).toMatchObject({ total: 1800, application: { id: m.application.id } });
    });

    it('only the office computes and records payments', async () => {
      const compute = { input: { applicationId: m.application.id } };
      const payment = { input: { grantId: grant.id, instalment: 2, amount: 1, paidOn: '2028-02-01' } };
      for (const who of [m.who, world.coordinator('ENG-CENG')]) {
        expect(errorOf(await hub.request(GrantComputeDocument, compute, who))).toMatchObject({ code: 'FORBIDDEN' });
        expect(errorOf(await hub.request(GrantRecordPaymentDocument, payment, who))).toMatchObject({ code: 'FORBIDDEN' });
      }
      expect(errorOf(await hub.request(GrantComputeDocument, compute))).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(errorOf(await hub.request(GrantRecordPaymentDocument, payment))).toMatchObject({ code: 'UNAUTHENTICATED' });
    });
  });
});

describe('worked examples', () => {
  it('fewer opportunities, green travel, 1,740 km, 70/30: 2,740 + (1,000 + 141.67 + 50) + 417 = 4,348.67 €', async () => {
    const { application } = await world.acceptedMobility({ country: 'DE' });
    await setDates(application.id, { plannedStart: '2027-09-15', plannedEnd: '2028-01-31' });
    const g = await compute({ applicationId: application.id, fewerOpportunities: true, greenTravel: true, distanceKm: 1740, instalmentPlan: [70, 30] });
    expect(g).toMatchObject({ individualSupport: 2740, topUps: 1191.67, travel: 417, total: 4348.67 });
    expect(lines(g)).toEqual([
      ['INDIVIDUAL_SUPPORT', 4, 'MONTH', 2400],
      ['INDIVIDUAL_SUPPORT', 17, 'DAY', 340],
      ['TOP_UP', 4, 'MONTH', 1000], // 4 × 250
      ['TOP_UP', 17, 'DAY', 141.67], // 17 × 250/30 = 141.666… → 141.67
      ['TOP_UP', 1, 'ONE_OFF', 50], // green travel, long student mobility
      ['TRAVEL', 1, 'ONE_OFF', 417], // 500-1999 km, green
    ]);
    // 70 % of 4,348.67 = 3,044.069 → 3,044.07; the rest 1,304.60
    expect(g.instalments.map((i) => i.amount)).toEqual([3044.07, 1304.6]);
    // Recomputed without repeating the inputs: they are kept.
    const again = await compute({ applicationId: application.id });
    expect(again).toMatchObject({ fewerOpportunities: true, greenTravel: true, distanceKm: 1740, instalmentPlan: [70, 30], total: 4348.67 });
    // With a payment on the second instalment, a one-instalment plan would leave it out: refused, the grant unchanged.
    const paid = await pay({ grantId: g.id, instalment: 2, amount: 100, paidOn: '2028-02-01' });
    expect(errorOf(await hub.request(GrantComputeDocument, { input: { applicationId: application.id, instalmentPlan: [100] } }, STAFF))).toMatchObject({
      reason: 'INVALID_INSTALMENTS',
      field: 'instalmentPlan',
    });
    expect(await grantOf(application.id)).toEqual(paid);
  });

  it('short student mobility, 10 days with fewer opportunities: 10 × 79 + 100 + 309 = 1,199 €', async () => {
    const { application } = await world.acceptedMobility({ country: 'AT' });
    await setDates(application.id, { plannedStart: '2028-07-03', plannedEnd: '2028-07-12' });
    const g = await compute({ applicationId: application.id, fewerOpportunities: true, distanceKm: 1260 });
    expect(g).toMatchObject({ months: 0, days: 10, durationDays: 10, individualSupport: 790, topUps: 100, travel: 309, total: 1199 });
  });

  it('staff teaching in Denmark for 16 days: 14 × 180 + 2 × 126 (70 % from day 15) + 395 = 3,167 €; travel needs the distance', async () => {
    const { application } = await world.acceptedMobility({ country: 'DK', mobilityType: 'STA' });
    await setDates(application.id, { plannedStart: '2028-05-01', plannedEnd: '2028-05-16' });
    expect(errorOf(await hub.request(GrantComputeDocument, { input: { applicationId: application.id } }, STAFF))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'NO_DISTANCE',
      field: 'distanceKm',
    });
    expect(await rowCounts(application.id)).toEqual({ grants: 0, payments: 0 });
    const g = await compute({ applicationId: application.id, distanceKm: 2240 });
    expect(lines(g)).toEqual([
      ['INDIVIDUAL_SUPPORT', 14, 'DAY', 2520],
      ['INDIVIDUAL_SUPPORT', 2, 'DAY', 252],
      ['TRAVEL', 1, 'ONE_OFF', 395], // 2000-2999 km
    ]);
    expect(g.total).toBe(3167);
  });

  it('KA171 to Albania: 3 months 17 days at 700 €/month = 2,100 + 396.67 (rounded once), travel for every student: 2,805.67 €', async () => {
    const { application } = await world.acceptedMobility({ country: 'AL', programme: 'ERASMUS_KA171' });
    await setDates(application.id, { plannedStart: '2027-09-15', plannedEnd: '2027-12-31' });
    const g = await compute({ applicationId: application.id, distanceKm: 720 });
    expect(g).toMatchObject({ months: 3, days: 17, individualSupport: 2496.67, travel: 309, total: 2805.67, rateTable: { programme: { code: 'ERASMUS_KA171' } } });
    const days = g.working.find((l) => l.unit === 'DAY')!;
    expect(days.rate).toBeCloseTo(700 / 30, 6);
    expect(days.label).toContain('17 days × 700.00 € / 30');
  });

  it('a zero-grant mobility: every amount 0, the working shown, and no payment accepted', async () => {
    const { application } = await world.acceptedMobility({ country: 'PL', call: { zeroGrant: true }, application: { acceptsZeroGrant: true } });
    await setDates(application.id, { plannedStart: '2027-10-01', plannedEnd: '2028-01-31' });
    const g = await compute({ applicationId: application.id });
    expect(g).toMatchObject({ zeroGrant: true, months: 4, days: 0, individualSupport: 0, topUps: 0, travel: 0, total: 0, outstanding: 0 });
    expect(g.working[0]).toMatchObject({ part: 'INDIVIDUAL_SUPPORT', quantity: 4, unit: 'MONTH', rate: 0, amount: 0 });
    expect(g.working[0].label).toContain('4 months × 450.00 € (zero-grant: not paid)'); // group 3
    expect(g.instalments.map((i) => i.amount)).toEqual([0, 0]);
    expect(errorOf(await hub.request(GrantRecordPaymentDocument, { input: { grantId: g.id, instalment: 1, amount: 100, paidOn: '2027-10-05' } }, STAFF))).toMatchObject({
      reason: 'PAYMENT_EXCEEDS_GRANT',
    });
  });
});

describe('refusals', () => {
  it('an application that is no mobility (submitted, not selected): NOT_A_MOBILITY', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'FR' }]);
    const applied = await world.apply(world.applicant(), call.id, { preferences: [places[0].id] });
    expect(errorOf(await hub.request(GrantComputeDocument, { input: { applicationId: applied.id } }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'NOT_A_MOBILITY',
      status: 'SUBMITTED',
    });
  });

  it('a programme without rates for the year (NO_RATE_TABLE), then rates that leave the destination out (NO_RATE_FOR_DESTINATION)', async () => {
    // A Mevlana mobility: no Mevlana rate table is seeded.
    const { call, places } = await world.callWithPlaces([{ country: 'BA' }], { programme: 'MEVLANA', kind: 'MEVLANA' });
    const applied = await world.apply(world.applicant(), call.id, { preferences: [places[0].id] });
    await world.select(call.id);
    const accepted = await world.officeStep(await world.officeStep(await world.read(applied.id), 'NOMINATED'), 'ACCEPTED');
    await setDates(accepted.id, { plannedStart: '2027-09-15', plannedEnd: '2028-01-31' });
    expect(errorOf(await hub.request(GrantComputeDocument, { input: { applicationId: accepted.id } }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'NO_RATE_TABLE',
      programme: 'MEVLANA',
      academicYear: YEAR,
    });
    // Mevlana rates for one destination only (a test table; KA131's structure with one country group).
    const rates = structuredClone(ratesOf('ERASMUS_KA131').rates);
    rates.countryGroups = [{ code: 'A', label: 'Albania', countries: ['AL'] }];
    rates.monthly = [{ group: 'A', mobilityType: 'SMS', rate: 500 }];
    rates.daily = rates.daily.filter((d) => d.group === '*');
    const created = ok(await hub.request(GrantSetRatesDocument, { input: { programme: 'MEVLANA', academicYear: YEAR, rates, source: 'test' } }, STAFF)).setGrantRates;
    expect(created).toMatchObject({ version: 1, programme: { code: 'MEVLANA' }, source: 'test' });
    expect(errorOf(await hub.request(GrantComputeDocument, { input: { applicationId: accepted.id } }, STAFF))).toMatchObject({
      reason: 'NO_RATE_FOR_DESTINATION',
      country: 'BA',
      group: null,
      mobilityType: 'SMS',
    });
    expect(await rowCounts(accepted.id)).toEqual({ grants: 0, payments: 0 });
  });

  it('ACTUAL asked before the actual dates are known: NO_DATES; an end before the start: INVALID_DATES', async () => {
    const { application } = await world.acceptedMobility({ country: 'NL' });
    await setDates(application.id, { plannedStart: '2027-09-15', plannedEnd: '2028-01-31', actualStart: '2027-09-16' });
    expect(errorOf(await hub.request(GrantComputeDocument, { input: { applicationId: application.id, basis: 'ACTUAL' } }, STAFF))).toMatchObject({
      reason: 'NO_DATES',
      missing: ['actualEnd'],
    });
    // Only one actual date: the default stays PLANNED.
    expect(await compute({ applicationId: application.id })).toMatchObject({ basis: 'PLANNED', total: 2740 });
    // An end before the start (dates are area C's to check; the grant refuses them too): INVALID_DATES, the grant unchanged.
    await setDates(application.id, { actualEnd: '2027-09-10' });
    expect(errorOf(await hub.request(GrantComputeDocument, { input: { applicationId: application.id } }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_DATES',
    });
    expect(await grantOf(application.id)).toMatchObject({ basis: 'PLANNED', total: 2740 });
  });
});

describe('a list of applications', () => {
  it('reads the grants (and payments) of every row with a constant number of SQL statements', async () => {
    const statuses = ['ACCEPTED' as const];
    const few = await hub.request(GrantApplicationListDocument, { first: 50, statuses }, STAFF);
    const nodes = ok(few).mobilityApplications.nodes;
    expect(nodes.filter((n) => n.grant).length).toBeGreaterThanOrEqual(5);
    expect(nodes.filter((n) => n.grant && n.grant.payments.length).length).toBeGreaterThanOrEqual(2);
    // The page, the grants of all its rows, their payments: three statements, however many rows.
    expect(few.extensions!.sqlStatements).toBe(3);
    // Two more mobilities with grants and payments: still three.
    for (const country of ['BE', 'LU']) {
      const { application } = await world.acceptedMobility({ country });
      await setDates(application.id, { plannedStart: '2027-09-15', plannedEnd: '2028-01-31' });
      const g = await compute({ applicationId: application.id });
      await pay({ grantId: g.id, instalment: 1, amount: 100, paidOn: '2027-09-20' });
    }
    const more = await hub.request(GrantApplicationListDocument, { first: 50, statuses }, STAFF);
    expect(ok(more).mobilityApplications.nodes.filter((n) => n.grant).length).toBe(nodes.filter((n) => n.grant).length + 2);
    expect(more.extensions!.sqlStatements).toBe(3);
  });
});
