/**
 * Grant contracts against the mobility data: the budget follow-up (awarded vs committed vs paid per line, from the
 * grants the mobility module computed for the mobilities of calls carrying the contract's number), its warnings,
 * amendments with their history and the paid floor, and the interim report's figures with the snapshot on submission.
 */
import {
  PrjAddReportDocument,
  PrjAmendContractDocument,
  PrjBudgetDocument,
  PrjBudgetWarningsDocument,
  PrjChangeReportStatusDocument,
  PrjContractDocument,
  PrjRecordSpendingDocument,
  PrjReportDocument,
  PrjUpdateContractDocument,
  PrjUpdateReportDocument,
  RepGrantContractReportDocument,
  type PrjBudgetQuery,
} from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';
import { cents, contractNumber, errorOf, euros, ok, ProjectsWorld, STAFF, type Grant } from './projects.support';

let hub: TestHub;
let world: ProjectsWorld;

const CONTRACT = contractNumber();
const g: Record<string, Grant> = {};
const paid: Record<string, number> = {}; // cents
const apps: Record<string, string> = {};
let contract: Awaited<ReturnType<ProjectsWorld['contract']>>;

/** A grant's parts in cents: individual support with top-ups, travel. */
const parts = (grant: Grant) => ({ individual: cents(grant.individualSupport) + cents(grant.topUps), travel: cents(grant.travel) });
/** The payments' share of individual support, as the follow-up splits them (in proportion, rounded per mobility). */
const paidIndividual = (grant: Grant, paidCents: number) => {
  const p = parts(grant);
  return Math.round((paidCents * p.individual) / (p.individual + p.travel));
};

beforeAll(async () => {
  hub = await startTestHub();
  world = await new ProjectsWorld(hub).init();
  await world.ensureRates();
  // ann: studies in Germany, grant computed with fewer opportunities, 80 % paid, then arrived (LIVE).
  const ann = await world.contractMobility({ contract: CONTRACT, country: 'DE', start: '2027-09-01', end: '2028-01-31' });
  apps.ann = ann.application.id;
  g.ann = await world.computeGrant(ann.application.id, { fewerOpportunities: true, distanceKm: 2100 });
  await world.pay(g.ann.id, 1, g.ann.instalments[0].amount);
  paid.ann = cents(g.ann.instalments[0].amount);
  await world.arrive(ann.application.id, '2027-09-01');
  // bob: studies in Poland, back home, paid in full.
  const bob = await world.contractMobility({ contract: CONTRACT, country: 'PL', start: '2027-09-15', end: '2027-12-14' });
  apps.bob = bob.application.id;
  await world.arrive(bob.application.id, '2027-09-15');
  await world.depart(bob.application.id, '2027-12-14');
  g.bob = await world.computeGrant(bob.application.id, { distanceKm: 1600 });
  await world.pay(g.bob.id, 1, g.bob.instalments[0].amount);
  await world.pay(g.bob.id, 2, g.bob.instalments[1].amount);
  paid.bob = cents(g.bob.instalments[0].amount) + cents(g.bob.instalments[1].amount);
  // zed: a zero-grant call (accepted, counts 0); wes: accepted, grant not computed yet.
  const zed = await world.contractMobility({ contract: CONTRACT, country: 'IT', zeroGrant: true, start: '2027-10-01', end: '2028-02-28' });
  apps.zed = zed.application.id;
  const wes = await world.contractMobility({ contract: CONTRACT, country: 'ES', start: '2028-02-01', end: '2028-06-30' });
  apps.wes = wes.application.id;
  // sta: staff teaching in France, grant computed, nothing paid.
  const sta = await world.contractMobility({ contract: CONTRACT, country: 'FR', mobilityType: 'STA', start: '2027-11-08', end: '2027-11-12' });
  apps.sta = sta.application.id;
  g.sta = await world.computeGrant(sta.application.id, { distanceKm: 2600 });
  // gone: accepted, grant computed, then cancelled: not counted.
  const gone = await world.contractMobility({ contract: CONTRACT, country: 'BE', start: '2027-09-01', end: '2028-01-31' });
  g.gone = await world.computeGrant(gone.application.id, { distanceKm: 1900 });
  await world.mobility.officeStep(await world.mobility.read(gone.application.id), 'CANCELLED', 'Withdrew for health reasons');
  for (const k of ['ann', 'bob', 'sta']) expect(g[k].total).toBeGreaterThan(0);

  const smsIndividual = parts(g.ann).individual + parts(g.bob).individual;
  contract = await world.contract({
    number: CONTRACT,
    lines: [
      // Committed is 95 % of this award: NEAR_LIMIT; three funded mobilities for two awarded: MOBILITIES_EXCEEDED.
      { category: 'INDIVIDUAL_SUPPORT', mobilityType: 'SMS', awardedAmount: euros(Math.ceil((smsIndividual * 100) / 95)), awardedMobilities: 2 },
      // Less than the travel already committed: OVERSPENT.
      { category: 'TRAVEL', mobilityType: 'SMS', awardedAmount: euros(parts(g.ann).travel + parts(g.bob).travel - 100), awardedMobilities: 3 },
      { category: 'INDIVIDUAL_SUPPORT', mobilityType: 'STA', awardedAmount: '5000.00', awardedMobilities: 3 },
      { category: 'ORGANISATIONAL_SUPPORT', awardedAmount: '1000.00' },
    ],
  });
}, 600_000);
afterAll(() => hub.close());

type BudgetLine = PrjBudgetQuery['contractBudget']['lines'][number];
async function budget() {
  const res = await hub.request(PrjBudgetDocument, { contractId: contract.id }, STAFF);
  return { ...ok(res).contractBudget, sqlStatements: res.extensions?.sqlStatements };
}
const line = (lines: readonly BudgetLine[], code: string) => {
  const found = lines.find((l) => l.code === code);
  if (!found) throw new Error(`no line ${code}`);
  return found;
};

describe('budget follow-up against the mobility data', () => {
  it('commits the computed grants of the contract’s mobilities from selection on, pays what was paid, and counts zero-grant and uncomputed ones as 0', async () => {
    const b = await budget();
    const sms = line(b.lines, 'SMS_INDIVIDUAL_SUPPORT');
    expect(sms).toMatchObject({
      category: 'INDIVIDUAL_SUPPORT',
      mobilityType: 'SMS',
      mobilities: 4, // ann, bob, zed (zero-grant), wes (no grant yet); the cancelled one is not counted
      zeroGrant: 1,
      withoutGrant: 1,
      committed: euros(parts(g.ann).individual + parts(g.bob).individual),
      paid: euros(paidIndividual(g.ann, paid.ann) + paidIndividual(g.bob, paid.bob)),
    });
    expect(sms.remaining).toBe(euros(cents(sms.awardedAmount) - cents(sms.committed)));
    const travel = line(b.lines, 'SMS_TRAVEL');
    expect(travel.committed).toBe(euros(parts(g.ann).travel + parts(g.bob).travel));
    // A payment covers the whole grant: split over its parts, the two lines add up to what was paid.
    expect(cents(sms.paid) + cents(travel.paid)).toBe(paid.ann + paid.bob);
    expect(line(b.lines, 'STA_INDIVIDUAL_SUPPORT')).toMatchObject({ mobilities: 1, committed: euros(parts(g.sta).individual), paid: '0.00', warnings: [] });
    // Staff travel has no line in the contract: it shows up unawarded rather than unseen.
    expect(line(b.lines, 'STA_TRAVEL')).toMatchObject({ lineId: null, awardedAmount: '0.00', committed: euros(parts(g.sta).travel), warnings: ['OVERSPENT'] });
    expect(line(b.lines, 'ORGANISATIONAL_SUPPORT')).toMatchObject({ mobilities: null, committed: '0.00', paid: '0.00', remaining: '1000.00', usedPercent: 0 });
    const sum = (pick: (l: BudgetLine) => string) => euros(b.lines.reduce((s, l) => s + cents(pick(l)), 0));
    expect(b.totals).toEqual({ awarded: sum((l) => l.awardedAmount), committed: sum((l) => l.committed), paid: sum((l) => l.paid), remaining: sum((l) => l.remaining) });
    // The grants are the mobility module's, not recomputed: the totals agree with its contract report for what both count.
    const report = ok(await hub.request(RepGrantContractReportDocument, { contractNumber: CONTRACT }, STAFF)).grantContractReport;
    expect(cents(report.totals.paid)).toBe(cents(b.totals.paid)); // everything paid so far is on reported mobilities
  });

  it('reads the budget with the same few SQL statements whatever the number of mobilities', async () => {
    const b = await budget();
    const empty = await world.contract({ lines: [{ category: 'INDIVIDUAL_SUPPORT', mobilityType: 'SMS', awardedAmount: '100.00' }] });
    const res = await hub.request(PrjBudgetDocument, { contractId: empty.id }, STAFF);
    expect(ok(res).contractBudget.lines.map((l) => l.committed)).toEqual(['0.00']);
    expect(b.sqlStatements).toBeDefined();
    expect(res.extensions?.sqlStatements).toBe(b.sqlStatements);
    expect(b.sqlStatements).toBeLessThanOrEqual(6);
  });
});

describe('overspend warnings', () => {
  it('warns NEAR_LIMIT above 90 % of the award, OVERSPENT above it and MOBILITIES_EXCEEDED beyond the awarded mobilities, per line and by contract number', async () => {
    const b = await budget();
    expect(line(b.lines, 'SMS_INDIVIDUAL_SUPPORT').warnings).toEqual(['NEAR_LIMIT', 'MOBILITIES_EXCEEDED']);
    expect(line(b.lines, 'SMS_INDIVIDUAL_SUPPORT').usedPercent).toBeGreaterThan(94);
    expect(line(b.lines, 'SMS_TRAVEL').warnings).toEqual(['OVERSPENT']);
    expect(cents(line(b.lines, 'SMS_TRAVEL').remaining)).toBe(-100);
    const warnings = ok(await hub.request(PrjBudgetWarningsDocument, { contractNumber: ` ${CONTRACT} ` }, STAFF)).contractBudgetWarnings;
    expect(warnings.map((w) => `${w.lineCode}:${w.kind}`).sort()).toEqual(['SMS_INDIVIDUAL_SUPPORT:MOBILITIES_EXCEEDED', 'SMS_INDIVIDUAL_SUPPORT:NEAR_LIMIT', 'SMS_TRAVEL:OVERSPENT', 'STA_TRAVEL:OVERSPENT']);
    expect(warnings.every((w) => w.contractNumber === CONTRACT)).toBe(true);
    expect(ok(await hub.request(PrjBudgetWarningsDocument, { contractNumber: 'NO-SUCH-CONTRACT' }, STAFF)).contractBudgetWarnings).toEqual([]);
    expect(errorOf(await hub.request(PrjBudgetWarningsDocument, { contractNumber: '   ' }, STAFF))).toMatchObject({ reason: 'INVALID_CONTRACT_NUMBER' });
  });

  it('follows spending on contract-wide lines: 95.05 % is NEAR_LIMIT, more is OVERSPENT; mobility lines take no spending', async () => {
    const org = (await budget()).lines.find((l) => l.code === 'ORGANISATIONAL_SUPPORT')!;
    ok(await hub.request(PrjRecordSpendingDocument, { input: { lineId: org.lineId!, amount: '950.5', date: '2027-10-01', note: 'Info days' } }, STAFF));
    expect(line((await budget()).lines, 'ORGANISATIONAL_SUPPORT')).toMatchObject({ committed: '950.50', paid: '950.50', remaining: '49.50', warnings: ['NEAR_LIMIT'] });
    ok(await hub.request(PrjRecordSpendingDocument, { input: { lineId: org.lineId!, amount: '60', date: '2027-11-01' } }, STAFF));
    expect(line((await budget()).lines, 'ORGANISATIONAL_SUPPORT')).toMatchObject({ committed: '1010.50', remaining: '-10.50', warnings: ['OVERSPENT'] });
    const c = ok(await hub.request(PrjContractDocument, { id: contract.id }, STAFF)).grantContract!;
    expect(c.lines.find((l) => l.code === 'ORGANISATIONAL_SUPPORT')!.spending.map((s) => s.amount)).toEqual(['950.50', '60.00']);

    const smsLine = c.lines.find((l) => l.code === 'SMS_TRAVEL')!;
    expect(errorOf(await hub.request(PrjRecordSpendingDocument, { input: { lineId: smsLine.id, amount: '10', date: '2027-11-01' } }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'NOT_A_SPENDING_LINE',
    });
    expect(errorOf(await hub.request(PrjRecordSpendingDocument, { input: { lineId: org.lineId!, amount: '-5', date: '2027-11-01' } }, STAFF))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'VALIDATION_FAILED',
      field: 'amount',
    });
    const after = ok(await hub.request(PrjContractDocument, { id: contract.id }, STAFF)).grantContract!;
    expect(after.lines.find((l) => l.code === 'ORGANISATIONAL_SUPPORT')!.spending).toHaveLength(2);
  });
});

describe('amendments', () => {
  it('changes the awarded figures, keeps the history before and after, and refuses to award a line less than is paid from it', async () => {
    const before = ok(await hub.request(PrjContractDocument, { id: contract.id }, STAFF)).grantContract!;
    const smsIndividual = before.lines.find((l) => l.code === 'SMS_INDIVIDUAL_SUPPORT')!;
    const b = await budget();
    const paidIndividualCents = cents(line(b.lines, 'SMS_INDIVIDUAL_SUPPORT').paid);

    // Below what is paid: refused, nothing written (no amendment, figures and version unchanged).
    const below = await hub.request(
      PrjAmendContractDocument,
      {
        input: {
          contractId: contract.id,
          version: before.version,
          number: 'Amendment 1',
          signedOn: '2028-03-01',
          reason: 'Reallocation',
          changes: [
            { lineCode: 'STA_INDIVIDUAL_SUPPORT', awardedAmount: '4000.00' },
            { lineCode: 'SMS_INDIVIDUAL_SUPPORT', awardedAmount: euros(paidIndividualCents - 1) },
          ],
        },
      },
      STAFF,
    );
    expect(errorOf(below)).toMatchObject({ code: 'CONFLICT', reason: 'AWARD_BELOW_PAID', lineCode: 'SMS_INDIVIDUAL_SUPPORT', paid: euros(paidIndividualCents), field: 'changes.1.awardedAmount' });
    const unchanged = ok(await hub.request(PrjContractDocument, { id: contract.id }, STAFF)).grantContract!;
    expect(unchanged).toMatchObject({ version: before.version, amendments: [] });
    expect(unchanged.lines).toEqual(before.lines);

    // Exactly what is paid is allowed; a new code adds a line.
    const amended = ok(
      await hub.request(
        PrjAmendContractDocument,
        {
          input: {
            contractId: contract.id,
            version: before.version,
            number: 'Amendment 1',
            signedOn: '2028-03-01',
            reason: 'Reallocation after the interim report',
            changes: [
              { lineCode: 'SMS_TRAVEL', awardedAmount: '5000.00', awardedMobilities: 4 },
              { lineCode: 'STA_TRAVEL', awardedAmount: '800.00', awardedMobilities: 3 },
              { lineCode: 'STA_INDIVIDUAL_SUPPORT', awardedAmount: euros(cents(line(b.lines, 'STA_INDIVIDUAL_SUPPORT').paid)) },
            ],
          },
        },
        STAFF,
      ),
    ).amendGrantContract;
    expect(amended.version).toBeGreaterThan(before.version);
    expect(amended.lines.find((l) => l.code === 'SMS_TRAVEL')).toMatchObject({ awardedAmount: '5000.00', awardedMobilities: 4 });
    expect(amended.lines.find((l) => l.code === 'STA_TRAVEL')).toMatchObject({ category: 'TRAVEL', mobilityType: 'STA', awardedAmount: '800.00', awardedMobilities: 3 });
    expect(amended.lines.find((l) => l.code === 'SMS_INDIVIDUAL_SUPPORT')).toEqual(smsIndividual);
    expect(amended.amendments).toHaveLength(1);
    expect(amended.amendments[0]).toMatchObject({ number: 'Amendment 1', signedOn: '2028-03-01', reason: 'Reallocation after the interim report' });
    expect(amended.amendments[0].changes).toEqual([
      { lineCode: 'SMS_TRAVEL', awardedAmountBefore: before.lines.find((l) => l.code === 'SMS_TRAVEL')!.awardedAmount, awardedAmountAfter: '5000.00', awardedMobilitiesBefore: 3, awardedMobilitiesAfter: 4 },
      { lineCode: 'STA_TRAVEL', awardedAmountBefore: null, awardedAmountAfter: '800.00', awardedMobilitiesBefore: null, awardedMobilitiesAfter: 3 },
      { lineCode: 'STA_INDIVIDUAL_SUPPORT', awardedAmountBefore: '5000.00', awardedAmountAfter: '0.00', awardedMobilitiesBefore: 3, awardedMobilitiesAfter: 3 },
    ]);
    // The follow-up uses the current figures: travel is no longer overspent, the staff travel line is a real one now.
    const now = await budget();
    expect(line(now.lines, 'SMS_TRAVEL').warnings).toEqual([]);
    expect(line(now.lines, 'STA_TRAVEL').lineId).not.toBeNull();

    // A second supplementary contract is added to the history; the same number twice, or a stale version, is refused.
    const again = (version: number, number: string) =>
      hub.request(
        PrjAmendContractDocument,
        { input: { contractId: contract.id, version, number, signedOn: '2028-06-01', reason: 'Top-up from the Agency', changes: [{ lineCode: 'SMS_TRAVEL', awardedAmount: '5200.00' }] } },
        STAFF,
      );
    expect(errorOf(await again(before.version, 'Amendment 2'))).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
    expect(errorOf(await again(amended.version, 'Amendment 1'))).toMatchObject({ code: 'CONFLICT', reason: 'AMENDMENT_EXISTS' });
    const second = ok(await again(amended.version, 'Amendment 2')).amendGrantContract;
    expect(second.amendments.map((a) => a.number)).toEqual(['Amendment 1', 'Amendment 2']);
    expect(second.amendments[1].changes).toEqual([
      { lineCode: 'SMS_TRAVEL', awardedAmountBefore: '5000.00', awardedAmountAfter: '5200.00', awardedMobilitiesBefore: 4, awardedMobilitiesAfter: 4 },
    ]);
    expect(second.lines.find((l) => l.code === 'SMS_TRAVEL')!.awardedAmount).toBe('5200.00');
  });

  it('refuses bad amendment input with a code and writes nothing', async () => {
    const c = ok(await hub.request(PrjContractDocument, { id: contract.id }, STAFF)).grantContract!;
    const amend = (changes: { lineCode: string; awardedAmount: string; awardedMobilities?: number }[]) =>
      hub.request(PrjAmendContractDocument, { input: { contractId: contract.id, version: c.version, number: 'Bad one', signedOn: '2028-07-01', reason: 'Test', changes } }, STAFF);
    expect(errorOf(await amend([{ lineCode: 'SMS_LUNCH', awardedAmount: '1.00' }]))).toMatchObject({ reason: 'VALIDATION_FAILED', field: 'changes.0.lineCode' });
    expect(errorOf(await amend([{ lineCode: 'SMS_TRAVEL', awardedAmount: '12.345' }]))).toMatchObject({ reason: 'VALIDATION_FAILED', field: 'changes.0.awardedAmount' });
    expect(errorOf(await amend([{ lineCode: 'SMS_TRAVEL', awardedAmount: '6000.00' }, { lineCode: 'SMS_TRAVEL', awardedAmount: '7000.00' }]))).toMatchObject({ reason: 'DUPLICATE_LINE' });
    expect(errorOf(await amend([{ lineCode: 'ORGANISATIONAL_SUPPORT', awardedAmount: '2000.00', awardedMobilities: 3 }]))).toMatchObject({ reason: 'INVALID_LINE' });
    expect(errorOf(await amend([]))).toMatchObject({ reason: 'VALIDATION_FAILED', field: 'changes' });
    const after = ok(await hub.request(PrjContractDocument, { id: contract.id }, STAFF)).grantContract!;
    expect(after.version).toBe(c.version);
    expect(after.amendments).toHaveLength(c.amendments.length);
  });
});

describe('report lifecycle', () => {
  it('draws the figures live until submission, keeps them as sent afterwards, and goes back to live figures when the Agency asks for changes', async () => {
    let report = ok(await hub.request(PrjAddReportDocument, { input: { contractId: contract.id, kind: 'INTERIM', dueOn: '2028-04-30' } }, STAFF)).addContractReport;
    expect(report).toMatchObject({ kind: 'INTERIM', status: 'NOT_STARTED', figures: { live: true } });
    const live = ok(await hub.request(RepGrantContractReportDocument, { contractNumber: CONTRACT }, STAFF)).grantContractReport;
    // The mobility module's report: ann (LIVE) and bob (COMPLETED) are mobilities; the accepted ones are not yet.
    expect(report.figures.totals).toEqual(live.totals);
    expect(report.figures.totals).toMatchObject({ mobilities: 2, ongoing: 1, completed: 1 });
    expect(report.figures.byActivityType.map((a) => a.mobilityType)).toEqual(live.byActivityType.map((a) => a.mobilityType));

    expect(errorOf(await hub.request(PrjChangeReportStatusDocument, { input: { id: report.id, version: report.version, to: 'SUBMITTED' } }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_TRANSITION',
      allowed: ['IN_PREPARATION'],
    });
    report = ok(await hub.request(PrjChangeReportStatusDocument, { input: { id: report.id, version: report.version, to: 'IN_PREPARATION' } }, STAFF)).changeContractReportStatus;
    const written = ok(await hub.request(PrjUpdateReportDocument, { input: { id: report.id, version: report.version, narrative: 'First year as planned.' } }, STAFF)).updateContractReport;
    report = ok(await hub.request(PrjChangeReportStatusDocument, { input: { id: report.id, version: written.version, to: 'SUBMITTED' } }, STAFF)).changeContractReportStatus;
    expect(report).toMatchObject({ status: 'SUBMITTED', narrative: 'First year as planned.', figures: { live: false, totals: live.totals } });
    expect(report.submittedAt).not.toBeNull();
    const sent = report.figures;

    // The mobilities change afterwards: the staff member goes and comes back; the submitted report does not move.
    await world.arrive(apps.sta, '2027-11-08');
    await world.depart(apps.sta, '2027-11-12');
    const changed = ok(await hub.request(RepGrantContractReportDocument, { contractNumber: CONTRACT }, STAFF)).grantContractReport;
    expect(changed.totals.mobilities).toBe(3);
    const stored = (await hub.request(PrjReportDocument, { id: report.id }, STAFF)).data!.node as { figures: typeof sent; status: string };
    expect(stored.figures).toEqual(sent);
    // What was sent is not edited.
    expect(errorOf(await hub.request(PrjUpdateReportDocument, { input: { id: report.id, version: report.version, narrative: 'Rewritten' } }, STAFF))).toMatchObject({
      reason: 'REPORT_LOCKED',
    });

    // The Agency asks for changes: back in preparation with its note, and the figures are live again.
    report = ok(
      await hub.request(PrjChangeReportStatusDocument, { input: { id: report.id, version: report.version, to: 'IN_PREPARATION', note: 'Add the staff mobility' } }, STAFF),
    ).changeContractReportStatus;
    expect(report).toMatchObject({ status: 'IN_PREPARATION', agencyNote: 'Add the staff mobility', submittedAt: null, figures: { live: true, totals: changed.totals } });
    report = ok(await hub.request(PrjChangeReportStatusDocument, { input: { id: report.id, version: report.version, to: 'SUBMITTED' } }, STAFF)).changeContractReportStatus;
    report = ok(await hub.request(PrjChangeReportStatusDocument, { input: { id: report.id, version: report.version, to: 'ACCEPTED' } }, STAFF)).changeContractReportStatus;
    expect(report).toMatchObject({ status: 'ACCEPTED', figures: { live: false, totals: changed.totals } });
    expect(report.acceptedAt).not.toBeNull();

    // One report of a kind per contract; the contract is closed only after the final report is accepted.
    expect(errorOf(await hub.request(PrjAddReportDocument, { input: { contractId: contract.id, kind: 'INTERIM', dueOn: '2028-05-30' } }, STAFF))).toMatchObject({
      reason: 'REPORT_EXISTS',
    });
    const c = ok(await hub.request(PrjContractDocument, { id: contract.id }, STAFF)).grantContract!;
    expect(errorOf(await hub.request(PrjUpdateContractDocument, { input: { id: contract.id, version: c.version, status: 'CLOSED' } }, STAFF))).toMatchObject({
      reason: 'FINAL_REPORT_NOT_ACCEPTED',
    });
  });
});
