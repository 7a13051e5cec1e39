/**
 * Tracking of a mobility after acceptance: planned dates, the host's confirmation of arrival (ACCEPTED → LIVE) and of
 * departure (LIVE → COMPLETED, certificate of attendance) through step(), so the student's subscription follows; the
 * duration check; the return documents by mobility type and the daily reminder job for overdue ones.
 */
import {
  TrkConfirmArrivalDocument,
  TrkConfirmDepartureDocument,
  TrkMobilitiesDocument,
  TrkOverdueDocument,
  TrkRecordDocumentDocument,
  TrkRemindersDocument,
  TrkSetDatesDocument,
  TrkStatusChangedDocument,
  type TrkRemindersSubscription,
  type TrkStatusChangedSubscription,
} from '../generated/graphql';
import { sleep, startTestHub, subscribe, waitFor, type Identity, type TestHub } from '../support/hub';
import { errorOf, MobilityWorld, ok, STAFF, uuidOf } from './mobility.support';
import { day, plus, readTracked, trackedMobility } from './tracking.support';

let hub: TestHub;
let world: MobilityWorld;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new MobilityWorld(hub).init();
});
afterAll(() => hub.close());

const open: { dispose: () => void }[] = [];
afterEach(async () => {
  open.splice(0).forEach((s) => s.dispose());
  await waitFor(() => hub.hub.dispatcher.listenerCount === 0, 5000, 'the subscriptions to end');
});

/** What the database holds of an application's tracking (to show that a refused step wrote nothing). */
async function stored(id: string) {
  const [row] = await world.sql<{ status: string; version: number; planned_start: string | null; planned_end: string | null; actual_start: string | null; actual_end: string | null }>(
    `select status, version, to_char(planned_start, 'YYYY-MM-DD') as planned_start, to_char(planned_end, 'YYYY-MM-DD') as planned_end,
            to_char(actual_start, 'YYYY-MM-DD') as actual_start, to_char(actual_end, 'YYYY-MM-DD') as actual_end
       from mobility_application where id = ?`,
    [uuidOf(id)],
  );
  const [{ documents }] = await world.sql<{ documents: number }>(`select count(*)::int as documents from mobility_return_document where application_id = ?`, [uuidOf(id)]);
  const [{ history }] = await world.sql<{ history: number }>(`select count(*)::int as history from mobility_application_status_change where application_id = ?`, [uuidOf(id)]);
  return { ...row, documents, history };
}

describe('planned dates', () => {
  it('are set by the office; a start after the end is START_AFTER_END and bad date strings INVALID_DATE naming the field, writing nothing', async () => {
    const { application } = await world.acceptedMobility();
    const before = await stored(application.id);
    const attempt = (plannedStart: string, plannedEnd: string) =>
      hub.request(TrkSetDatesDocument, { input: { applicationId: application.id, version: application.version, plannedStart, plannedEnd } }, STAFF);

    expect(errorOf(await attempt('2027-10-01', '2027-09-30'))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'START_AFTER_END', field: 'plannedEnd' });
    // 30 February does not exist; neither do written-out or timestamped dates.
    expect(errorOf(await attempt('2028-02-30', '2028-06-30'))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_DATE', field: 'plannedStart' });
    expect(errorOf(await attempt('2027-09-15', 'next summer'))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_DATE', field: 'plannedEnd' });
    expect(errorOf(await attempt('2027-09-15T00:00:00Z', '2028-01-31'))).toMatchObject({ reason: 'INVALID_DATE', field: 'plannedStart' });
    expect(await stored(application.id)).toEqual(before);

    const set = ok(await attempt('2027-09-15', '2028-01-31')).setMobilityDates;
    expect(set).toMatchObject({ status: 'ACCEPTED', plannedStart: '2027-09-15', plannedEnd: '2028-01-31', version: application.version + 1 });
    // A stale version is refused.
    expect(errorOf(await attempt('2027-09-16', '2028-01-31'))).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
    // One day (first = last) is a valid mobility of one day.
    const oneDay = ok(await hub.request(TrkSetDatesDocument, { input: { applicationId: set.id, version: set.version, plannedStart: '2027-09-15', plannedEnd: '2027-09-15' } }, STAFF));
    expect(oneDay.setMobilityDates.plannedEnd).toBe('2027-09-15');
  });

  it('may be proposed by the student while accepted and by the unit’s coordinator; others are refused, and the student no longer once live', async () => {
    const { application, who } = await world.acceptedMobility();
    const other = world.applicant();
    const coordinator = world.coordinator('ENG'); // the faculty above the student's department
    const elsewhere = world.coordinator('SCI');
    let version = application.version;
    const attempt = (as: Identity | undefined, plannedStart = '2027-09-20') =>
      hub.request(TrkSetDatesDocument, { input: { applicationId: application.id, version, plannedStart, plannedEnd: '2028-02-10' } }, as);

    expect(errorOf(await attempt(other))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await attempt(elsewhere))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await attempt(undefined))).toMatchObject({ code: 'UNAUTHENTICATED' });
    version = ok(await attempt(who)).setMobilityDates.version;
    version = ok(await attempt(coordinator, '2027-09-21')).setMobilityDates.version;
    expect(await readTracked(world, application.id, who)).toMatchObject({ plannedStart: '2027-09-21', plannedEnd: '2028-02-10' });

    const live = ok(await hub.request(TrkConfirmArrivalDocument, { input: { applicationId: application.id, version, actualStart: '2027-09-21' } }, STAFF)).confirmArrival;
    version = live.version;
    expect(errorOf(await attempt(who))).toMatchObject({ code: 'CONFLICT', reason: 'DATES_LOCKED', status: 'LIVE' });
    // The office may still extend a live mobility: the documents not yet received fall due relative to the new end.
    const extended = ok(await hub.request(TrkSetDatesDocument, { input: { applicationId: application.id, version, plannedStart: '2027-09-21', plannedEnd: '2028-02-20' } }, STAFF))
      .setMobilityDates;
    expect(extended.plannedEnd).toBe('2028-02-20');
    const documents = (await readTracked(world, application.id)).returnDocuments;
    expect(documents.find((d) => d.kind === 'PARTICIPANT_REPORT')!.dueOn).toBe('2028-03-21'); // 20 Feb + 30 days (2028 is a leap year)
  });
});

describe('arrival and departure', () => {
  it('confirmArrival moves ACCEPTED → LIVE and confirmDeparture LIVE → COMPLETED, each a statusChanged event the student’s subscription receives', async () => {
    const { application, who } = await world.acceptedMobility();
    const dated = ok(
      await hub.request(TrkSetDatesDocument, { input: { applicationId: application.id, version: application.version, plannedStart: '2027-09-15', plannedEnd: '2028-01-31' } }, STAFF),
    ).setMobilityDates;
    const sub = subscribe<TrkStatusChangedSubscription, { applicationId?: string }>(await hub.ws(who), TrkStatusChangedDocument, { applicationId: application.id });
    open.push(sub);
    await world.listening(1);

    const live = ok(await hub.request(TrkConfirmArrivalDocument, { input: { applicationId: dated.id, version: dated.version, actualStart: '2027-09-16' } }, STAFF)).confirmArrival;
    expect(live).toMatchObject({ status: 'LIVE', actualStart: '2027-09-16', actualEnd: null, attendanceConfirmedAt: null });
    const arrived = await sub.nextWhere((r) => r.data?.applicationStatusChanged.to === 'LIVE', 10_000);
    expect(arrived.data!.applicationStatusChanged).toMatchObject({ applicationId: application.id, from: 'ACCEPTED', to: 'LIVE' });

    // Study mobility (SMS): certificate at the planned end, report and language assessment 30 days after, transcript 5 weeks after.
    expect(live.returnDocuments.map((d) => [d.kind, d.dueOn, d.receivedAt])).toEqual([
      ['CERTIFICATE_OF_ATTENDANCE', '2028-01-31', null],
      ['LANGUAGE_ASSESSMENT', '2028-03-01', null], // 31 Jan + 30 days = 1 March (2028 is a leap year)
      ['PARTICIPANT_REPORT', '2028-03-01', null],
      ['TRANSCRIPT_OF_RECORDS', '2028-03-06', null], // + 35 days
    ]);

    const completed = ok(
      await hub.request(TrkConfirmDepartureDocument, { input: { applicationId: live.id, version: live.version, actualEnd: '2028-01-28', certificateReference: ' CoA/2028/117 ' } }, STAFF),
    ).confirmDeparture;
    expect(completed).toMatchObject({ status: 'COMPLETED', actualStart: '2027-09-16', actualEnd: '2028-01-28' });
    expect(completed.attendanceConfirmedAt).not.toBeNull();
    const certificate = completed.returnDocuments.find((d) => d.kind === 'CERTIFICATE_OF_ATTENDANCE')!;
    expect(certificate).toMatchObject({ reference: 'CoA/2028/117', overdue: false });
    expect(certificate.receivedAt).not.toBeNull();
    const departed = await sub.nextWhere((r) => r.data?.applicationStatusChanged.to === 'COMPLETED', 10_000);
    expect(departed.data!.applicationStatusChanged).toMatchObject({ from: 'LIVE', to: 'COMPLETED' });
    expect(departed.data!.applicationStatusChanged.reason).toContain('CoA/2028/117');

    // The history records both steps by the office.
    const history = await world.sql<{ from: string; to: string }>(
      `select "from", "to" from mobility_application_status_change where application_id = ? order by at`,
      [uuidOf(application.id)],
    );
    expect(history.slice(-2).map((h) => `${h.from}→${h.to}`)).toEqual(['ACCEPTED→LIVE', 'LIVE→COMPLETED']);
  });

  it('refuses steps from the wrong state with INVALID_TRANSITION and the allowed steps, writing nothing', async () => {
    const accepted = await trackedMobility(world, { plannedStart: '2027-09-15', plannedEnd: '2028-01-31' });
    const before = await stored(accepted.id);
    const depart = (version: number) =>
      hub.request(TrkConfirmDepartureDocument, { input: { applicationId: accepted.id, version, actualEnd: '2028-01-31', certificateReference: 'CoA-1' } }, STAFF);
    // Departure before arrival.
    expect(errorOf(await depart(accepted.version))).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'ACCEPTED', to: 'COMPLETED' });
    expect(errorOf(await depart(accepted.version)).allowed).toEqual(expect.arrayContaining(['LIVE', 'WITHDRAWN', 'CANCELLED']));
    expect(await stored(accepted.id)).toEqual(before);

    // Arrival twice.
    const live = ok(await hub.request(TrkConfirmArrivalDocument, { input: { applicationId: accepted.id, version: accepted.version, actualStart: '2027-09-15' } }, STAFF)).confirmArrival;
    const afterArrival = await stored(live.id);
    expect(errorOf(await hub.request(TrkConfirmArrivalDocument, { input: { applicationId: live.id, version: live.version, actualStart: '2027-09-14' } }, STAFF))).toMatchObject({
      reason: 'INVALID_TRANSITION',
      from: 'LIVE',
      to: 'LIVE',
      allowed: ['COMPLETED', 'CANCELLED'],
    });
    expect(await stored(live.id)).toEqual(afterArrival);

    // Arrival of a mobility the host has not accepted yet (nominated).
    const { call, places } = await world.callWithPlaces([{ country: 'FR' }]);
    const applied = await world.apply(world.applicant(), call.id, { preferences: [places[0].id] });
    await world.select(call.id);
    const nominated = await world.officeStep(await world.read(applied.id), 'NOMINATED');
    const dated = ok(
      await hub.request(TrkSetDatesDocument, { input: { applicationId: nominated.id, version: nominated.version, plannedStart: '2027-09-15', plannedEnd: '2028-01-31' } }, STAFF),
    ).setMobilityDates;
    const nominatedBefore = await stored(dated.id);
    expect(errorOf(await hub.request(TrkConfirmArrivalDocument, { input: { applicationId: dated.id, version: dated.version, actualStart: '2027-09-15' } }, STAFF))).toMatchObject({
      reason: 'INVALID_TRANSITION',
      from: 'NOMINATED',
      to: 'LIVE',
    });
    expect(await stored(dated.id)).toEqual(nominatedBefore);
  });

  it('needs planned dates before the arrival, an end not before the arrival, real dates and a certificate reference; nothing is half-written', async () => {
    const { application } = await world.acceptedMobility();
    const undated = await stored(application.id);
    const arrive = (version: number, actualStart: string) => hub.request(TrkConfirmArrivalDocument, { input: { applicationId: application.id, version, actualStart } }, STAFF);
    expect(errorOf(await arrive(application.version, '2027-09-15'))).toMatchObject({ code: 'CONFLICT', reason: 'PLANNED_DATES_REQUIRED' });
    expect(await stored(application.id)).toEqual(undated);

    const dated = ok(
      await hub.request(TrkSetDatesDocument, { input: { applicationId: application.id, version: application.version, plannedStart: '2027-09-15', plannedEnd: '2028-01-31' } }, STAFF),
    ).setMobilityDates;
    const datedRow = await stored(dated.id);
    expect(errorOf(await arrive(dated.version, '15.09.2027'))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_DATE', field: 'actualStart' });
    // Arriving after the planned last day is not an arrival for this mobility.
    expect(errorOf(await arrive(dated.version, '2028-02-01'))).toMatchObject({ reason: 'START_AFTER_END', field: 'actualStart' });
    expect(await stored(dated.id)).toEqual(datedRow);

    const live = ok(await arrive(dated.version, '2027-09-15')).confirmArrival;
    const liveRow = await stored(live.id);
    expect(liveRow.documents).toBe(4);
    const depart = (actualEnd: string, certificateReference = 'CoA-2') =>
      hub.request(TrkConfirmDepartureDocument, { input: { applicationId: live.id, version: live.version, actualEnd, certificateReference } }, STAFF);
    expect(errorOf(await depart('2027-09-14'))).toMatchObject({ reason: 'START_AFTER_END', field: 'actualEnd' });
    expect(errorOf(await depart('2028-13-01'))).toMatchObject({ reason: 'INVALID_DATE', field: 'actualEnd' });
    expect(errorOf(await depart('2028-01-31', '   '))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'certificateReference' });
    expect(await stored(live.id)).toEqual(liveRow);
    const [certificate] = await world.sql<{ received_at: Date | null }>(
      `select received_at from mobility_return_document where application_id = ? and kind = 'CERTIFICATE_OF_ATTENDANCE'`,
      [uuidOf(live.id)],
    );
    expect(certificate.received_at).toBeNull();
  });

  it('is the office’s: the unit’s coordinator and the student are FORBIDDEN, a visitor UNAUTHENTICATED, and nothing changes', async () => {
    const m = await trackedMobility(world, { plannedStart: '2027-09-15', plannedEnd: '2028-01-31' });
    const before = await stored(m.id);
    for (const [as, code] of [
      [world.coordinator('ENG-CENG'), 'FORBIDDEN'],
      [m.who, 'FORBIDDEN'],
      [undefined, 'UNAUTHENTICATED'],
    ] as const) {
      expect(errorOf(await hub.request(TrkConfirmArrivalDocument, { input: { applicationId: m.id, version: m.version, actualStart: '2027-09-15' } }, as))).toMatchObject({ code });
      expect(
        errorOf(await hub.request(TrkConfirmDepartureDocument, { input: { applicationId: m.id, version: m.version, actualEnd: '2028-01-31', certificateReference: 'x' } }, as)),
      ).toMatchObject({ code });
    }
    expect(await stored(m.id)).toEqual(before);
  });
});

describe('return documents', () => {
  it('depend on the mobility type: a traineeship certificate instead of the transcript (SMT); certificate and report for staff (STA)', async () => {
    const smt = await trackedMobility(world, { mobilityType: 'SMT', plannedStart: '2027-07-01', plannedEnd: '2027-09-30', arrive: true });
    expect((await readTracked(world, smt.id)).returnDocuments.map((d) => [d.kind, d.dueOn])).toEqual([
      ['CERTIFICATE_OF_ATTENDANCE', '2027-09-30'],
      ['LANGUAGE_ASSESSMENT', '2027-10-30'],
      ['PARTICIPANT_REPORT', '2027-10-30'],
      ['TRAINEESHIP_CERTIFICATE', '2027-11-04'],
    ]);
    const sta = await trackedMobility(world, { mobilityType: 'STA', plannedStart: '2027-11-08', plannedEnd: '2027-11-12', arrive: true });
    expect((await readTracked(world, sta.id)).returnDocuments.map((d) => [d.kind, d.dueOn])).toEqual([
      ['CERTIFICATE_OF_ATTENDANCE', '2027-11-12'],
      ['PARTICIPANT_REPORT', '2027-12-12'],
    ]);
  });

  it('are recorded by the office, by the student for their own report and language assessment only; others are refused', async () => {
    const m = await trackedMobility(world, { plannedStart: '2027-09-15', plannedEnd: '2028-01-31', arrive: true });
    const record = (as: Identity | undefined, kind: 'PARTICIPANT_REPORT' | 'LANGUAGE_ASSESSMENT' | 'TRANSCRIPT_OF_RECORDS' | 'TRAINEESHIP_CERTIFICATE', reference = 'EU survey') =>
      hub.request(TrkRecordDocumentDocument, { input: { applicationId: m.id, kind, reference } }, as);

    expect(errorOf(await record(world.applicant(), 'PARTICIPANT_REPORT'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await record(world.coordinator('SCI'), 'PARTICIPANT_REPORT'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await record(world.coordinator('ENG-CENG'), 'PARTICIPANT_REPORT'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await record(m.who, 'TRANSCRIPT_OF_RECORDS'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await record(undefined, 'PARTICIPANT_REPORT'))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(errorOf(await record(STAFF, 'TRAINEESHIP_CERTIFICATE'))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'DOCUMENT_NOT_REQUIRED', field: 'kind' });
    expect((await readTracked(world, m.id)).returnDocuments.every((d) => d.receivedAt === null)).toBe(true);

    const own = ok(await record(m.who, 'PARTICIPANT_REPORT', 'survey 2028-02-03')).recordReturnDocument;
    expect(own).toMatchObject({ kind: 'PARTICIPANT_REPORT', reference: 'survey 2028-02-03', application: { id: m.id } });
    expect(own.receivedAt).not.toBeNull();
    ok(await record(STAFF, 'TRANSCRIPT_OF_RECORDS', 'ToR by e-mail'));
    const received = (await readTracked(world, m.id, m.who)).returnDocuments.filter((d) => d.receivedAt).map((d) => d.kind);
    expect(received).toEqual(['PARTICIPANT_REPORT', 'TRANSCRIPT_OF_RECORDS']);
  });
});

describe('overdue reminders', () => {
  const JOB = 'mobility.returnDocumentReminders';

  /** Brings the daily job's next run forward to now and waits until it has run. */
  async function runReminderJob(): Promise<void> {
    const done = async () => (await world.sql<{ n: number }>(`select count(*)::int as n from job where name = ? and state = 'done'`, [JOB]))[0].n;
    const before = await done();
    const due = await world.sql<{ id: string }>(`update job set run_at = now() where singleton_key = ? and state = 'pending' returning id`, [`schedule:${JOB}`]);
    expect(due).toHaveLength(1);
    await waitFor(async () => {
      await hub.hub.jobs.wake();
      return (await done()) > before;
    }, 15_000, 'the reminder job to run');
  }

  async function reminded(id: string): Promise<Record<string, Date | null>> {
    const rows = await world.sql<{ kind: string; last_reminded_at: Date | null }>(
      `select kind, last_reminded_at from mobility_return_document where application_id = ? order by kind`,
      [uuidOf(id)],
    );
    return Object.fromEntries(rows.map((r) => [r.kind, r.last_reminded_at ? new Date(r.last_reminded_at) : null]));
  }

  it('remind an overdue document once, not again within 7 days, never a received one; the student and the unit hear it, another unit does not', async () => {
    // Ended 40 days ago: the certificate (due at the end), report and language assessment (+30) and transcript (+35) are overdue.
    const m = await trackedMobility(world, { plannedStart: day(-160), plannedEnd: day(-40), arrive: true });
    ok(await hub.request(TrkRecordDocumentDocument, { input: { applicationId: m.id, kind: 'LANGUAGE_ASSESSMENT', reference: 'OLS' } }, m.who));
    // Not overdue yet: ends in 10 days.
    const later = await trackedMobility(world, { plannedStart: day(-50), plannedEnd: day(10), arrive: true });

    const listen = async (as: Identity) => {
      const sub = subscribe<TrkRemindersSubscription, Record<string, never>>(await hub.ws(as), TrkRemindersDocument, {});
      open.push(sub);
      return sub;
    };
    const student = await listen(m.who);
    const unit = await listen(world.coordinator('ENG')); // the faculty of the student's department
    const elsewhere = await listen(world.coordinator('SCI'));
    const otherStudent = await listen(later.who);
    await world.listening(4);

    await runReminderJob();
    const first = await reminded(m.id);
    expect(first.LANGUAGE_ASSESSMENT).toBeNull(); // received
    for (const kind of ['CERTIFICATE_OF_ATTENDANCE', 'PARTICIPANT_REPORT', 'TRANSCRIPT_OF_RECORDS']) expect(first[kind]).not.toBeNull();
    expect(Object.values(await reminded(later.id)).every((v) => v === null)).toBe(true);

    const kindsHeard = async (sub: typeof student, n: number) => {
      const kinds: string[] = [];
      for (let i = 0; i < n; i++) {
        const r = await sub.nextWhere((x) => x.data?.returnDocumentReminders.number === m.number, 10_000);
        expect(r.data!.returnDocumentReminders).toMatchObject({ applicationId: m.id, number: m.number });
        kinds.push(r.data!.returnDocumentReminders.kind);
      }
      return kinds.sort();
    };
    expect(await kindsHeard(student, 3)).toEqual(['CERTIFICATE_OF_ATTENDANCE', 'PARTICIPANT_REPORT', 'TRANSCRIPT_OF_RECORDS']);
    expect(await kindsHeard(unit, 3)).toEqual(['CERTIFICATE_OF_ATTENDANCE', 'PARTICIPANT_REPORT', 'TRANSCRIPT_OF_RECORDS']);
    // Other overdue documents (the demo's, other suites') may be reminded in the same run: none of this mobility's
    // reminders reaches a coordinator of another faculty or another student.
    await sleep(300);
    expect(elsewhere.results.filter((r) => r.data?.returnDocumentReminders.number === m.number)).toEqual([]);
    expect(otherStudent.results.filter((r) => r.data?.returnDocumentReminders.number === m.number)).toEqual([]);

    // The outbox events carry the unit lineage (department and faculty) and the applicant, like the status events.
    const events = await world.sql<{ scope_unit_ids: string[]; payload: { applicantSubject: string; kind: string; dueOn: string } }>(
      `select scope_unit_ids, payload from outbox_event where type = 'mobilityApplication.reminder' and aggregate_id = ? order by id`,
      [uuidOf(m.id)],
    );
    expect(events).toHaveLength(3);
    for (const e of events) {
      expect([...e.scope_unit_ids].sort()).toEqual([uuidOf(world.unit('ENG')), uuidOf(world.unit('ENG-CENG'))].sort());
      expect(e.payload.applicantSubject).toBe(m.who.sub);
    }
    expect(events.find((e) => e.payload.kind === 'TRANSCRIPT_OF_RECORDS')!.payload.dueOn).toBe(day(-5));

    // Run again at once: nothing is reminded twice within 7 days.
    await runReminderJob();
    expect(await reminded(m.id)).toEqual(first);
    expect(await student.nothingWithin(300)).toBe(true);

    // Eight days later (the last reminder moved back) the report is reminded again; a report received meanwhile is not.
    await world.sql(`update mobility_return_document set last_reminded_at = now() - interval '8 days' where application_id = ? and kind in ('PARTICIPANT_REPORT', 'TRANSCRIPT_OF_RECORDS')`, [
      uuidOf(m.id),
    ]);
    ok(await hub.request(TrkRecordDocumentDocument, { input: { applicationId: m.id, kind: 'TRANSCRIPT_OF_RECORDS', reference: 'ToR' } }, STAFF));
    await runReminderJob();
    const again = await reminded(m.id);
    expect(again.PARTICIPANT_REPORT!.getTime()).toBeGreaterThan(first.PARTICIPANT_REPORT!.getTime());
    expect(again.CERTIFICATE_OF_ATTENDANCE).toEqual(first.CERTIFICATE_OF_ATTENDANCE);
    expect(await kindsHeard(student, 1)).toEqual(['PARTICIPANT_REPORT']);
    expect(await student.nothingWithin(300)).toBe(true);
  });

  it('overdueReturnDocuments lists what is past due and not received, oldest first, for the office only', async () => {
    const m = await trackedMobility(world, { plannedStart: day(-200), plannedEnd: day(-100), arrive: true });
    ok(await hub.request(TrkRecordDocumentDocument, { input: { applicationId: m.id, kind: 'PARTICIPANT_REPORT' } }, m.who));
    const all: { kind: string; dueOn: string | null; receivedAt: string | null; overdue: boolean; application: { id: string } | null }[] = [];
    let after: string | null | undefined;
    do {
      const page = ok(await hub.request(TrkOverdueDocument, { first: 2, after }, STAFF)).overdueReturnDocuments;
      all.push(...page.nodes);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    const mine = all.filter((d) => d.application?.id === m.id);
    expect(mine.map((d) => d.kind).sort()).toEqual(['CERTIFICATE_OF_ATTENDANCE', 'LANGUAGE_ASSESSMENT', 'TRANSCRIPT_OF_RECORDS']);
    expect(all.every((d) => d.overdue && d.receivedAt === null && d.dueOn! < day(0))).toBe(true);
    expect(all.map((d) => d.dueOn)).toEqual([...all.map((d) => d.dueOn)].sort());

    expect(errorOf(await hub.request(TrkOverdueDocument, {}, world.coordinator('ENG')))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(TrkOverdueDocument, {}, m.who))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(TrkOverdueDocument, {}))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('duration check', () => {
  const KA131_YEAR = '2027/2028';

  /**
   * The SMS minimum of the KA131 rate table of the suites' year: the table in the database, or one this test adds
   * (Programme Guide figures: long student mobility from 60 days, short 5, staff 2) and removes afterwards.
   */
  async function withRateTable<T>(fn: (minimum: { long: number; longFrom: number }) => Promise<T>): Promise<T> {
    const programmeId = uuidOf(world.programme('ERASMUS_KA131'));
    const read = () =>
      world.sql<{ id: string; rates: { longMobilityMinDays: number; minimumDays: { mobilityType: string; short: number; long?: number | null }[] } }>(
        `select id, rates from grant_rate_table where programme_id = ? and academic_year = ?`,
        [programmeId, KA131_YEAR],
      );
    let [table] = await read();
    let added: string | null = null;
    if (!table) {
      const rates = {
        currency: 'EUR',
        countryGroups: [{ code: '1-2', label: 'Groups 1 and 2', countries: ['DE', 'FR', 'IT', 'ES', 'NL'] }],
        monthly: [{ group: '1-2', mobilityType: 'SMS', rate: 600 }],
        daily: [{ group: '1-2', mobilityType: 'STA', rate: 180, rateAfterDay14: 126 }],
        longMobilityMinDays: 60,
        minimumDays: [
          { mobilityType: 'SMS', short: 5, long: 60 },
          { mobilityType: 'SMT', short: 5, long: 60 },
          { mobilityType: 'STA', short: 2, long: null },
          { mobilityType: 'STT', short: 2, long: null },
        ],
        topUps: { fewerOpportunitiesMonthly: 250, fewerOpportunitiesShort14: 100, fewerOpportunitiesShort30: 150, greenTravelOneOff: 50 },
        travelBands: [{ minKm: 10, maxKm: 99, standard: 28, green: 56 }],
        travelFor: [{ mobilityType: 'SMS', long: 'FEWER_OPPORTUNITIES', short: 'ALWAYS' }],
        instalments: [80, 20],
      };
      [{ id: added }] = await world.sql<{ id: string }>(
        `insert into grant_rate_table (id, programme_id, academic_year, rates, source) values (gen_random_uuid(), ?, ?, ?::jsonb, 'tracking test') returning id::text as id`,
        [programmeId, KA131_YEAR, JSON.stringify(rates)],
      );
      [table] = await read();
    }
    const rates = typeof table.rates === 'string' ? JSON.parse(table.rates) : table.rates;
    const sms = rates.minimumDays.find((m: { mobilityType: string }) => m.mobilityType === 'SMS');
    try {
      return await fn({ long: sms.long, longFrom: rates.longMobilityMinDays });
    } finally {
      if (added) await world.sql(`delete from grant_rate_table where id = ?`, [added]);
    }
  }

  it('flags a long study mobility that ended below the minimum of the call’s rate table, on the actual dates once confirmed', async () => {
    await withRateTable(async ({ long, longFrom }) => {
      // Planned for longFrom + 60 days (a long mobility); back home after long - 19 days.
      const start = '2027-09-15';
      const m = await trackedMobility(world, { plannedStart: start, plannedEnd: plus(start, longFrom + 59), arrive: true });
      const planned = (await readTracked(world, m.id)).durationCheck!;
      expect(planned).toMatchObject({
        basis: 'PLANNED',
        plannedDays: longFrom + 60,
        actualDays: null,
        longMobility: true,
        minimumDays: long,
        minimumFromRateTable: true,
        belowMinimum: false,
        grantMonths: null,
        differsFromGrant: false,
      });
      const completed = ok(
        await hub.request(TrkConfirmDepartureDocument, { input: { applicationId: m.id, version: m.version, actualEnd: plus(start, long - 20), certificateReference: 'CoA-short' } }, STAFF),
      ).confirmDeparture;
      expect(completed.durationCheck).toMatchObject({ basis: 'ACTUAL', actualDays: long - 19, days: long - 19, minimumDays: long, belowMinimum: true });
    });
  });

  it('checks staff mobility against the short minimum and compares the dates with the computed grant’s months and days', async () => {
    // Staff teaching for one day: below the 2-day minimum (the rate table's, or the Programme Guide's without one).
    const sta = await trackedMobility(world, { mobilityType: 'STA', plannedStart: '2027-11-10', plannedEnd: '2027-11-10' });
    expect((await readTracked(world, sta.id)).durationCheck).toMatchObject({ plannedDays: 1, longMobility: false, minimumDays: 2, belowMinimum: true });

    // 15 Sep 2027 to 20 Jan 2028: 4 whole months (to 14 Jan) and 6 days (15-20 Jan), 128 calendar days.
    const m = await trackedMobility(world, { plannedStart: '2027-09-15', plannedEnd: '2028-01-20' });
    await world.sql(`insert into mobility_grant (id, application_id, instalment_plan, months, days, basis) values (gen_random_uuid(), ?, '{80,20}', 4, 6, 'PLANNED')`, [uuidOf(m.id)]);
    expect((await readTracked(world, m.id)).durationCheck).toMatchObject({ plannedDays: 128, grantMonths: 4, grantDays: 6, differsFromGrant: false });
    // Extended to 31 January: 4 months and 17 days, no longer what the grant was computed for.
    ok(await hub.request(TrkSetDatesDocument, { input: { applicationId: m.id, version: m.version, plannedStart: '2027-09-15', plannedEnd: '2028-01-31' } }, STAFF));
    expect((await readTracked(world, m.id)).durationCheck).toMatchObject({ plannedDays: 139, grantMonths: 4, grantDays: 6, differsFromGrant: true });
    // The student sees their own check; another student does not see the mobility at all.
    expect((await readTracked(world, m.id, m.who)).durationCheck!.differsFromGrant).toBe(true);
    expect(ok(await hub.request(TrkMobilitiesDocument, { first: 5 }, world.applicant())).mobilityApplications.nodes).toEqual([]);
  });
});

describe('lists', () => {
  it('load the tracking fields of many mobilities with as many statements as of a few (DataLoaders)', async () => {
    const count = async (first: number) => {
      const res = await hub.request(TrkMobilitiesDocument, { first }, STAFF);
      expect(res.errors).toBeUndefined();
      return { n: res.data!.mobilityApplications.nodes.length, sql: res.extensions!.sqlStatements! };
    };
    const few = await count(2);
    const many = await count(15);
    expect(few.n).toBe(2);
    expect(many.n).toBeGreaterThan(few.n);
    expect(many.sql).toBe(few.sql);
  });
});
