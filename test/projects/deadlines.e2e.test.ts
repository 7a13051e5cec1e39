/**
 * Deadlines the office must not miss: the daily job `projects.deadlineReminders` (reports within 30 and 7 days and
 * overdue, each threshold once per report; draft proposals 14 days before the call's deadline), the office's
 * subscription, and the deadline dashboard.
 */
import {
  PrjChangeReportStatusDocument,
  PrjCreateProposalDocument,
  PrjChangeProposalStatusDocument,
  PrjSetProposalLinesDocument,
  PrjDeadlineRemindersDocument,
  PrjDeadlinesDocument,
  PrjUpdateReportDocument,
  type PrjDeadlineRemindersSubscription,
} from '../generated/graphql';
import { startTestHub, subscribe, waitFor, type Identity, type TestHub } from '../support/hub';
import { errorOf, ok, ProjectsWorld, STAFF, uuidOf } from './projects.support';

let hub: TestHub;
let world: ProjectsWorld;
const JOB = 'projects.deadlineReminders';

/** The UTC calendar day `offset` days from today. */
const day = (offset: number) => new Date(Date.parse(new Date().toISOString().slice(0, 10)) + offset * 86_400_000).toISOString().slice(0, 10);

type Contract = Awaited<ReturnType<ProjectsWorld['contract']>>;
let soon: Contract; // interim due in 20 days, final due in 5
let late: Contract; // interim overdue by 3 days, final due in 40 days
let sent: Contract; // interim submitted, due in 2 days
let draftCall: { id: string }; // deadline in 10 days, draft proposal
let draftProposal: { id: string };
let farCall: { id: string }; // deadline in 20 days, draft proposal
let submittedCall: { id: string }; // deadline in 10 days, proposal submitted
let bareCall: { id: string }; // deadline in 10 days, no proposal

beforeAll(async () => {
  hub = await startTestHub();
  world = await new ProjectsWorld(hub).init();
  soon = await world.contract({ reports: [{ kind: 'INTERIM', dueOn: day(20) }, { kind: 'FINAL', dueOn: day(5) }] });
  late = await world.contract({ reports: [{ kind: 'INTERIM', dueOn: day(-3) }, { kind: 'FINAL', dueOn: day(40) }] });
  sent = await world.contract({ reports: [{ kind: 'INTERIM', dueOn: day(2) }] });
  let r = sent.reports[0];
  r = ok(await hub.request(PrjChangeReportStatusDocument, { input: { id: r.id, version: r.version, to: 'IN_PREPARATION' } }, STAFF)).changeContractReportStatus;
  ok(await hub.request(PrjChangeReportStatusDocument, { input: { id: r.id, version: r.version, to: 'SUBMITTED' } }, STAFF));

  const inDays = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
  draftCall = await world.naCall({ deadline: inDays(10) });
  draftProposal = ok(await hub.request(PrjCreateProposalDocument, { input: { naCallId: draftCall.id } }, STAFF)).createNaProposal;
  farCall = await world.naCall({ deadline: inDays(20) });
  ok(await hub.request(PrjCreateProposalDocument, { input: { naCallId: farCall.id } }, STAFF));
  submittedCall = await world.naCall({ deadline: inDays(10) });
  const p = ok(await hub.request(PrjCreateProposalDocument, { input: { naCallId: submittedCall.id } }, STAFF)).createNaProposal;
  const lines = ok(await hub.request(PrjSetProposalLinesDocument, { input: { proposalId: p.id, version: p.version, lines: [{ mobilityType: 'SMS', mobilities: 3, months: 15 }] } }, STAFF))
    .setNaProposalLines;
  ok(await hub.request(PrjChangeProposalStatusDocument, { input: { id: p.id, version: lines.version, to: 'SUBMITTED' } }, STAFF));
  bareCall = await world.naCall({ deadline: inDays(10) });
}, 120_000);
afterAll(() => hub.close());

const report = (c: Contract, kind: 'INTERIM' | 'FINAL') => c.reports.find((r) => r.kind === kind)!;

/** Brings the daily job's next run forward to now and waits until it has run. */
async function runReminderJob(): Promise<void> {
  const done = async () => (await world.sql<{ n: number }>(`select count(*)::int as n from job where name = ? and state = 'done'`, [JOB]))[0].n;
  const before = await done();
  const due = await world.sql<{ id: string }>(`update job set run_at = now() where singleton_key = ? and state = 'pending' returning id`, [`schedule:${JOB}`]);
  expect(due).toHaveLength(1);
  await waitFor(async () => {
    await hub.hub.jobs.wake();
    return (await done()) > before;
  }, 15_000, 'the deadline job to run');
}

/** The reminders sent about a record (outbox), as threshold list in order. */
async function remindersOf(globalId: string): Promise<string[]> {
  const rows = await world.sql<{ payload: { threshold: string } }>(`select payload from outbox_event where type = 'projectDeadline.due' and aggregate_id = ? order by id`, [uuidOf(globalId)]);
  return rows.map((r) => r.payload.threshold);
}

describe('deadline reminders', () => {
  it('announces each report threshold once (30 days, 7 days, overdue) and draft proposals 14 days ahead, to the office’s subscription', async () => {
    const sub = subscribe<PrjDeadlineRemindersSubscription, Record<string, never>>(await hub.ws(STAFF), PrjDeadlineRemindersDocument, {});
    await world.mobility.listening(1);

    await runReminderJob();
    expect(await remindersOf(report(soon, 'INTERIM').id)).toEqual(['DUE_IN_30']);
    // First seen 5 days ahead: only the 7-day reminder, never a 30-day one after it.
    expect(await remindersOf(report(soon, 'FINAL').id)).toEqual(['DUE_IN_7']);
    expect(await remindersOf(report(late, 'INTERIM').id)).toEqual(['OVERDUE']);
    expect(await remindersOf(report(late, 'FINAL').id)).toEqual([]); // 40 days away
    expect(await remindersOf(report(sent, 'INTERIM').id)).toEqual([]); // submitted
    expect(await remindersOf(draftProposal.id)).toEqual(['DUE_IN_14']);
    const farProposal = await world.sql<{ id: string }>(`select id::text as id from project_proposal where na_call_id = ?`, [uuidOf(farCall.id)]);
    expect((await world.sql(`select 1 from outbox_event where type = 'projectDeadline.due' and aggregate_id = ?`, [farProposal[0].id])).length).toBe(0);

    const heard = await sub.nextWhere((r) => r.data?.projectDeadlineReminders.reportId === report(late, 'INTERIM').id, 10_000);
    expect(heard.data!.projectDeadlineReminders).toMatchObject({ kind: 'INTERIM_REPORT', threshold: 'OVERDUE', dueOn: day(-3), daysLeft: -3, contractNumber: late.number, proposalId: null });
    const proposal = await sub.nextWhere((r) => r.data?.projectDeadlineReminders.proposalId === draftProposal.id, 10_000);
    expect(proposal.data!.projectDeadlineReminders).toMatchObject({ kind: 'PROPOSAL', threshold: 'DUE_IN_14', reportId: null, contractNumber: null });

    // The next day's run: nothing again.
    const count = async () => (await world.sql<{ n: number }>(`select count(*)::int as n from outbox_event where type = 'projectDeadline.due'`))[0].n;
    const before = await count();
    await runReminderJob();
    expect(await count()).toBe(before);

    // Days pass (the due date moved closer, the reminders kept): 7 days, then overdue, each once.
    const interim = uuidOf(report(soon, 'INTERIM').id);
    await world.sql(`update project_contract_report set due_on = ?::date where id = ?`, [day(6), interim]);
    await runReminderJob();
    await runReminderJob();
    expect(await remindersOf(report(soon, 'INTERIM').id)).toEqual(['DUE_IN_30', 'DUE_IN_7']);
    await world.sql(`update project_contract_report set due_on = ?::date where id = ?`, [day(-1), interim]);
    await runReminderJob();
    await runReminderJob();
    expect(await remindersOf(report(soon, 'INTERIM').id)).toEqual(['DUE_IN_30', 'DUE_IN_7', 'OVERDUE']);

    // A new due date (the Agency extended it) starts the reminders afresh.
    const [{ version }] = await world.sql<{ version: number }>(`select version from project_contract_report where id = ?`, [interim]);
    ok(await hub.request(PrjUpdateReportDocument, { input: { id: report(soon, 'INTERIM').id, version, dueOn: day(25) } }, STAFF));
    await runReminderJob();
    expect(await remindersOf(report(soon, 'INTERIM').id)).toEqual(['DUE_IN_30', 'DUE_IN_7', 'OVERDUE', 'DUE_IN_30']);
    sub.dispose();
  });

  it('refuses the subscription to coordinators and applicants (FORBIDDEN) and to visitors (UNAUTHENTICATED)', async () => {
    const refusal = async (as?: Identity) => {
      const sub = subscribe<PrjDeadlineRemindersSubscription, Record<string, never>>(await hub.ws(as), PrjDeadlineRemindersDocument, {});
      await waitFor(() => sub.error !== undefined || sub.results.length > 0, 5000, 'the refusal');
      const errors = (sub.error ?? sub.results[0]?.errors) as { extensions?: { code?: string } }[];
      return errors[0].extensions!;
    };
    expect(await refusal(world.coordinator('ENG'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(world.mobility.applicant())).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(undefined)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('deadline dashboard', () => {
  it('lists the reports not submitted and the calls without a submitted proposal, soonest first, with days left and the overdue flag', async () => {
    const res = await hub.request(PrjDeadlinesDocument, { withinDays: 30 }, STAFF);
    const all = ok(res).projectDeadlines;
    const mine = new Set([...soon.reports, ...late.reports, ...sent.reports].map((r) => r.id));
    const calls = new Set([draftCall.id, farCall.id, submittedCall.id, bareCall.id]);
    const seen = all.filter((d) => (d.reportId && mine.has(d.reportId)) || (d.naCallId && calls.has(d.naCallId)));
    expect(seen.map((d) => [d.kind, d.reportId ?? d.naCallId, d.status, d.daysLeft, d.overdue])).toEqual([
      ['INTERIM_REPORT', report(late, 'INTERIM').id, 'NOT_STARTED', -3, true],
      ['FINAL_REPORT', report(soon, 'FINAL').id, 'NOT_STARTED', 5, false],
      // Same day: by the deadline's time (the draft call's was set first).
      ['PROPOSAL', draftCall.id, 'DRAFT', 10, false],
      ['PROPOSAL', bareCall.id, 'NO_PROPOSAL', 10, false],
      ['PROPOSAL', farCall.id, 'DRAFT', 20, false],
      ['INTERIM_REPORT', report(soon, 'INTERIM').id, 'NOT_STARTED', 25, false],
    ]);
    expect(seen[0]).toMatchObject({ contractNumber: late.number, contractId: late.id, dueOn: day(-3), dueAt: null });
    expect(seen.find((d) => d.naCallId === draftCall.id)).toMatchObject({ proposalId: draftProposal.id, contractNumber: null });
    // Sorted throughout, and the same statements for a wider window.
    expect(all.map((d) => d.dueOn)).toEqual([...all.map((d) => d.dueOn)].sort());
    const wide = await hub.request(PrjDeadlinesDocument, { withinDays: 3650 }, STAFF);
    expect(ok(wide).projectDeadlines.length).toBeGreaterThanOrEqual(all.length);
    expect(wide.extensions?.sqlStatements).toBe(res.extensions?.sqlStatements);
    expect(ok(wide).projectDeadlines.some((d) => d.reportId === report(late, 'FINAL').id)).toBe(true);
    expect(errorOf(await hub.request(PrjDeadlinesDocument, { withinDays: -1 }, STAFF))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'OUT_OF_RANGE', field: 'withinDays' });
  });
});
