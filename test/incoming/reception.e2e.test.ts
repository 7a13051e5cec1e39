/**
 * Reception of incoming guests: the arrival (ACCEPTED → ARRIVED) with the residence-permit decision, the orientation
 * event, the buddy, the residence permit, course registration, and the daily residence-permit reminders with their
 * subscription.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  RcpArrivalDocument,
  RcpBuddyDocument,
  RcpCoursesDocument,
  RcpMobilityDocument,
  RcpOrientationDocument,
  RcpPermitDocument,
  RcpRemindersDocument,
  type RcpRemindersSubscription,
  type RcpStayFragment,
} from '../generated/graphql';
import { sleep, startTestHub, subscribe, waitFor, type Identity, type TestHub, ok, errorOf } from '../support/hub';
import { arrange, em, globalId, homeUnitId, OFFICE, unique, uuidOf, type Arranged } from './incoming.support';
import { course } from './intake.support';
import { CourseChoiceStatus, IncomingCourse, IncomingStatus } from '../../src/modules/incoming/incoming-mobility.entity';
import { MobilityType } from '../../src/modules/agreements/agreement.entity';

let hub: TestHub;
let ceng: string;
let eng: string;
let phys: string;
let courses: { id: string; code: string; ects: number }[];

beforeAll(async () => {
  hub = await startTestHub();
  ceng = await homeUnitId(hub, 'ENG-CENG');
  eng = await homeUnitId(hub, 'ENG');
  phys = await homeUnitId(hub, 'SCI-PHYS');
  // Courses of the tests' own: another suite may replace the catalogue of a shared database meanwhile.
  courses = [];
  for (const ects of [6, 5, 7.5, 4, 3]) courses.push(await course(hub, { ects }));
});
afterAll(() => hub.close());

const open: { dispose: () => void }[] = [];
afterEach(async () => {
  open.splice(0).forEach((s) => s.dispose());
  await waitFor(() => hub.hub.dispatcher.listenerCount === 0, 5000, 'the subscriptions to end');
});

const sql = <T>(query: string, params: unknown[] = []) => (hub.hub.orm.em.fork() as EntityManager).execute<T[]>(query, params);

/** Today + n days, at the host (Europe/Istanbul). */
const hostDay = (n = 0) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul' }).format(new Date(Date.now() + n * 86_400_000));
const plus = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

const coordinator = (unit: string): Identity => ({ role: 'COORDINATOR', sub: unique('coord'), units: [unit] });

async function read(id: string, as: Identity = OFFICE): Promise<RcpStayFragment> {
  return ok(await hub.request(RcpMobilityDocument, { id }, as)).node as RcpStayFragment;
}

/** What the database holds of a mobility (to show that a refused step wrote nothing). */
async function stored(m: Arranged) {
  const [row] = await sql<Record<string, unknown>>(
    `select status, version, actual_arrival::text, residence_permit_required, residence_permit_due_on::text, residence_permit_obtained_on::text,
            orientation_event_id::text, buddy_name, buddy_email
       from incoming_mobility where id = ?`,
    [m.uuid],
  );
  const [{ history }] = await sql<{ history: number }>(`select count(*)::int as history from incoming_status_change where mobility_id = ?`, [m.uuid]);
  const [{ courses: n }] = await sql<{ courses: number }>(`select count(*)::int as courses from incoming_course where mobility_id = ? and status <> 'CHOSEN'`, [m.uuid]);
  return { ...row, history, courses: n };
}

const arrive = (m: { id: string }, version: number, arrivedOn: string, as: Identity | null = OFFICE) =>
  hub.request(RcpArrivalDocument, { input: { id: m.id, version, arrivedOn } }, as ?? undefined);

describe('arrival', () => {
  it('moves ACCEPTED → ARRIVED with the actual first day, recorded in the history and announced as a status change', async () => {
    const g = await arrange(hub, { plannedArrival: hostDay(-3), plannedDeparture: hostDay(120) });
    const arrived = ok(await arrive(g, 1, hostDay(-2))).registerIncomingArrival;
    expect(arrived).toMatchObject({ status: 'ARRIVED', actualArrival: hostDay(-2), version: 2 });
    const history = await sql<{ from: string; to: string; reason: string; actor: string }>(
      `select "from", "to", reason, actor from incoming_status_change where mobility_id = ? and "from" is not null`,
      [g.uuid],
    );
    expect(history).toEqual([{ from: 'ACCEPTED', to: 'ARRIVED', reason: `Arrival registered: ${hostDay(-2)}`, actor: OFFICE.sub }]);
    const events = await sql<{ payload: { from: string; to: string; applicantSubject: string }; scope_unit_ids: string[] }>(
      `select payload, scope_unit_ids from outbox_event where type = 'incomingMobility.statusChanged' and aggregate_id = ?`,
      [g.uuid],
    );
    expect(events).toHaveLength(1);
    expect(events[0].payload).toMatchObject({ from: 'ACCEPTED', to: 'ARRIVED', applicantSubject: g.nominee.sub });
    expect([...events[0].scope_unit_ids].sort()).toEqual([ceng, eng].sort());
  });

  it('decides the residence permit: foreigners staying more than 90 days need one, due 30 days after the arrival; Turkish citizens and stays of 90 days do not; an unknown departure counts as long', async () => {
    const arrivedOn = hostDay(-1);
    const cases = [
      { citizenships: ['DE'], plannedDeparture: plus(arrivedOn, 120), required: true },
      { citizenships: ['DE'], plannedDeparture: plus(arrivedOn, 90), required: true }, // 91 days, both included
      { citizenships: ['DE'], plannedDeparture: plus(arrivedOn, 89), required: false }, // exactly 90 days
      { citizenships: ['DE', 'TR'], plannedDeparture: plus(arrivedOn, 200), required: false },
      { citizenships: ['FR'], plannedDeparture: undefined, required: true },
    ];
    for (const c of cases) {
      const g = await arrange(hub, { citizenships: c.citizenships, plannedDeparture: c.plannedDeparture });
      const permit = ok(await arrive(g, 1, arrivedOn)).registerIncomingArrival.residencePermit;
      expect({ ...c, permit }).toEqual({ ...c, permit: { required: c.required, dueOn: c.required ? plus(arrivedOn, 30) : null, obtainedOn: null, overdue: false } });
    }
  });

  it('refuses an invalid or future day, an arrival after the planned departure, a wrong state and a stale version, writing nothing', async () => {
    const g = await arrange(hub, { plannedDeparture: hostDay(-5) });
    const before = await stored(g);
    expect(errorOf(await arrive(g, 1, '2026-02-30'))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_DATE', field: 'arrivedOn' });
    expect(errorOf(await arrive(g, 1, hostDay(1)))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'DATE_IN_FUTURE', field: 'arrivedOn', today: hostDay() });
    expect(errorOf(await arrive(g, 1, hostDay(-4)))).toMatchObject({ reason: 'START_AFTER_END', field: 'arrivedOn' });
    expect(errorOf(await arrive(g, 7, hostDay(-6)))).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
    expect(await stored(g)).toEqual(before);

    const applied = await arrange(hub, { status: IncomingStatus.APPLIED });
    expect(errorOf(await arrive(applied, 1, hostDay(-1)))).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'APPLIED', to: 'ARRIVED' });
    const arrived = await arrange(hub, { status: IncomingStatus.ARRIVED, actualArrival: hostDay(-3) });
    expect(errorOf(await arrive(arrived, 1, hostDay(-1)))).toMatchObject({ reason: 'INVALID_TRANSITION', from: 'ARRIVED', allowed: ['DEPARTED', 'CANCELLED'] });
  });

  it('is the host’s: the host unit’s (or its faculty’s) coordinator registers it; another unit’s coordinator gets NOT_FOUND, the guest FORBIDDEN, a visitor UNAUTHENTICATED', async () => {
    const g = await arrange(hub);
    expect(errorOf(await arrive(g, 1, hostDay(-1), coordinator(phys)))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await arrive(g, 1, hostDay(-1), g.nominee))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await arrive(g, 1, hostDay(-1), { role: 'APPLICANT', sub: unique('other') }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await arrive(g, 1, hostDay(-1), null))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(ok(await arrive(g, 1, hostDay(-1), coordinator(eng))).registerIncomingArrival.status).toBe('ARRIVED');
    // The guest reads their own stay.
    expect(await read(g.id, g.nominee)).toMatchObject({ status: 'ARRIVED', actualArrival: hostDay(-1) });
  });
});

describe('orientation, buddy and residence permit', () => {
  it('links a content event as the orientation (its title and start shown), refuses other content and unknown events, and unlinks with null', async () => {
    const [event] = await sql<{ id: string; title: { en?: string; tr?: string }; starts_at: Date }>(`select id::text as id, title, starts_at from content_item where type = 'EVENT' order by id limit 1`);
    const [announcement] = await sql<{ id: string }>(`select id::text as id from content_item where type = 'ANNOUNCEMENT' order by id limit 1`);
    const g = await arrange(hub);
    const set = (version: number, eventId: string | null, as: Identity = OFFICE) => hub.request(RcpOrientationDocument, { input: { id: g.id, version, eventId } }, as);
    const before = await stored(g);
    expect(errorOf(await set(1, globalId('Announcement', announcement.id)))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NOT_AN_EVENT', field: 'eventId' });
    expect(errorOf(await set(1, globalId('Event', announcement.id)))).toMatchObject({ reason: 'NOT_AN_EVENT' });
    expect(errorOf(await set(1, globalId('Event', '00000000-0000-4000-8000-000000000000')))).toMatchObject({ code: 'NOT_FOUND', reason: 'EVENT_NOT_FOUND' });
    expect(errorOf(await set(1, globalId('Event', event.id), g.nominee))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await stored(g)).toEqual(before);

    const linked = ok(await set(1, globalId('Event', event.id))).setIncomingOrientation;
    expect(linked.orientationEvent).toEqual({ eventId: globalId('Event', event.id), title: event.title.tr ?? event.title.en, startsAt: new Date(event.starts_at).toISOString() });
    expect((await read(g.id, g.nominee)).orientationEvent?.eventId).toBe(globalId('Event', event.id));
    const [updated] = await sql<{ payload: { changed: string } }>(`select payload from outbox_event where type = 'incomingMobility.updated' and aggregate_id = ?`, [g.uuid]);
    expect(updated.payload.changed).toBe('orientation');
    expect(ok(await set(linked.version, null)).setIncomingOrientation.orientationEvent).toBeNull();
  });

  it('assigns a buddy the guest can see; a bad e-mail is refused; a completed stay takes no buddy', async () => {
    const g = await arrange(hub);
    const assign = (id: string, version: number, email: string) => hub.request(RcpBuddyDocument, { input: { id, version, name: ' Elif Yıldız ', email } }, coordinator(ceng));
    expect(errorOf(await assign(g.id, 1, 'not-an-email'))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(ok(await assign(g.id, 1, 'Elif.Yildiz@ogr.example.edu.tr')).assignIncomingBuddy.buddy).toEqual({ name: 'Elif Yıldız', email: 'elif.yildiz@ogr.example.edu.tr' });
    expect((await read(g.id, g.nominee)).buddy?.name).toBe('Elif Yıldız');
    const done = await arrange(hub, { status: IncomingStatus.COMPLETED });
    expect(errorOf(await assign(done.id, 1, 'a@b.example'))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_IN_STATE', status: 'COMPLETED' });
  });

  it('records the residence permit once the guest has arrived (not a future day), and it is no longer overdue', async () => {
    const g = await arrange(hub, {
      status: IncomingStatus.ARRIVED,
      actualArrival: hostDay(-40),
      residencePermitRequired: true,
      residencePermitDueOn: hostDay(-10),
    });
    expect((await read(g.id)).residencePermit).toEqual({ required: true, dueOn: hostDay(-10), obtainedOn: null, overdue: true });
    const record = (id: string, version: number, obtainedOn: string) => hub.request(RcpPermitDocument, { input: { id, version, obtainedOn } }, OFFICE);
    expect(errorOf(await record(g.id, 1, hostDay(2)))).toMatchObject({ reason: 'DATE_IN_FUTURE', field: 'obtainedOn' });
    expect(ok(await record(g.id, 1, hostDay(-3))).recordResidencePermit.residencePermit).toEqual({ required: true, dueOn: hostDay(-10), obtainedOn: hostDay(-3), overdue: false });
    const accepted = await arrange(hub);
    expect(errorOf(await record(accepted.id, 1, hostDay(-1)))).toMatchObject({ reason: 'NOT_IN_STATE', allowed: ['ARRIVED', 'DEPARTED'] });
  });
});

describe('course registration', () => {
  async function withChosen(codes: number[], fields = {}) {
    const g = await arrange(hub, fields);
    const e = em(hub);
    for (const i of codes) e.create(IncomingCourse, { mobility: g.uuid, course: uuidOf(courses[i].id), status: CourseChoiceStatus.CHOSEN } as never);
    await e.flush();
    return g;
  }

  it('registers chosen courses, adds a catalogue course not chosen before and drops one; the guest’s course list follows', async () => {
    const g = await withChosen([0, 1, 2]);
    const res = ok(
      await hub.request(RcpCoursesDocument, { input: { id: g.id, version: 1, register: [courses[0].id, courses[3].id], drop: [courses[1].id] } }, coordinator(ceng)),
    ).registerIncomingCourses;
    expect(res.mobility.version).toBe(2);
    const byCode = Object.fromEntries(res.courses.map((c) => [c.code, c.status]));
    expect(byCode).toEqual({ [courses[0].code]: 'REGISTERED', [courses[1].code]: 'DROPPED', [courses[2].code]: 'CHOSEN', [courses[3].code]: 'REGISTERED' });
    expect(res.courses.find((c) => c.code === courses[3].code)).toMatchObject({ courseId: courses[3].id, ects: courses[3].ects, grade: null });
    // A dropped course can be registered again.
    const again = ok(await hub.request(RcpCoursesDocument, { input: { id: g.id, version: 2, register: [courses[1].id], drop: [] } }, OFFICE)).registerIncomingCourses;
    expect(again.courses.find((c) => c.code === courses[1].code)!.status).toBe('REGISTERED');
  });

  it('refuses a course named twice, an unknown course, dropping one not chosen or already graded, a staff visit and a departed guest, writing nothing', async () => {
    const g = await withChosen([0, 1]);
    await sql(`update incoming_course set status = 'REGISTERED', grade = 'BB', ects_earned = 5 where mobility_id = ? and course_id = ?`, [g.uuid, uuidOf(courses[1].id)]);
    const before = await stored(g);
    const call = (register: string[], drop: string[], id = g.id) => hub.request(RcpCoursesDocument, { input: { id, version: 1, register, drop } }, OFFICE);
    expect(errorOf(await call([courses[0].id], [courses[0].id]))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'DUPLICATE_COURSE', field: 'drop[0]' });
    expect(errorOf(await call([courses[0].id, globalId('HomeCourse', '00000000-0000-4000-8000-000000000001')], []))).toMatchObject({ reason: 'UNKNOWN_COURSE', field: 'register[1]' });
    expect(errorOf(await call([courses[0].id], [courses[4].id]))).toMatchObject({ reason: 'COURSE_NOT_CHOSEN', field: 'drop[0]', code: 'BAD_USER_INPUT' });
    expect(errorOf(await call([], [courses[1].id]))).toMatchObject({ code: 'CONFLICT', reason: 'COURSE_GRADED', field: 'drop[0]' });
    expect(errorOf(await call([globalId('Event', uuidOf(courses[0].id))], []))).toMatchObject({ reason: 'INVALID_ID', field: 'register[0]' });
    expect(await stored(g)).toEqual(before);

    const staff = await arrange(hub, { mobilityType: MobilityType.STA });
    expect(errorOf(await call([courses[0].id], [], staff.id))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_A_STUDENT_MOBILITY' });
    const departed = await arrange(hub, { status: IncomingStatus.DEPARTED });
    expect(errorOf(await call([courses[0].id], [], departed.id))).toMatchObject({ reason: 'NOT_IN_STATE', status: 'DEPARTED' });
    expect(errorOf(await hub.request(RcpCoursesDocument, { input: { id: g.id, version: 1, register: [courses[0].id], drop: [] } }, g.nominee))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('residence-permit reminders', () => {
  const JOB = 'incoming.residencePermitReminders';

  /** Brings the daily job's next run forward to now and waits until it has run. */
  async function runReminderJob(): Promise<void> {
    const done = async () => (await sql<{ n: number }>(`select count(*)::int as n from job where name = ? and state = 'done'`, [JOB]))[0].n;
    const before = await done();
    const due = await sql<{ id: string }>(`update job set run_at = now() where singleton_key = ? and state = 'pending' returning id`, [`schedule:${JOB}`]);
    expect(due).toHaveLength(1);
    await waitFor(async () => {
      await hub.hub.jobs.wake();
      return (await done()) > before;
    }, 15_000, 'the reminder job to run');
  }

  const reminders = (id: string) =>
    sql<{ payload: { dueOn: string; daysLeft: number; applicantSubject: string }; scope_unit_ids: string[] }>(
      `select payload, scope_unit_ids from outbox_event where type = 'incomingMobility.residencePermitDue' and aggregate_id = ? order by id`,
      [uuidOf(id)],
    );

  const arrived = (dueIn: number, extra = {}) =>
    arrange(hub, { status: IncomingStatus.ARRIVED, actualArrival: hostDay(-20), residencePermitRequired: true, residencePermitDueOn: hostDay(dueIn), ...extra });

  it('remind guests whose permit is due within 7 days or overdue, once a day; the guest and the host unit hear it, another unit and another guest do not', async () => {
    const soon = await arrived(3);
    const overdue = await arrived(-2);
    const later = await arrived(20);
    const obtained = await arrived(1, { residencePermitObtainedOn: hostDay(-1) });
    const departed = await arrived(1, { status: IncomingStatus.DEPARTED });

    const listen = async (as: Identity) => {
      const sub = subscribe<RcpRemindersSubscription, Record<string, never>>(await hub.ws(as), RcpRemindersDocument, {});
      open.push(sub);
      return sub;
    };
    const guest = await listen(soon.nominee);
    const unit = await listen(coordinator(eng));
    const elsewhere = await listen(coordinator(phys));
    const otherGuest = await listen(later.nominee);
    await waitFor(() => hub.hub.dispatcher.listenerCount >= 4, 5000, 'the subscriptions to register');

    await runReminderJob();
    expect((await reminders(soon.id)).map((r) => r.payload)).toEqual([expect.objectContaining({ dueOn: hostDay(3), daysLeft: 3, applicantSubject: soon.nominee.sub })]);
    expect((await reminders(overdue.id)).map((r) => r.payload.daysLeft)).toEqual([-2]);
    expect([...(await reminders(soon.id))[0].scope_unit_ids].sort()).toEqual([ceng, eng].sort());
    for (const quiet of [later, obtained, departed]) expect(await reminders(quiet.id)).toEqual([]);

    const heard = await guest.nextWhere((r) => r.data?.incomingReminders.number === soon.number, 10_000);
    expect(heard.data!.incomingReminders).toMatchObject({ mobilityId: soon.id, kind: 'RESIDENCE_PERMIT', dueOn: hostDay(3), daysLeft: 3, overdue: false });
    const byUnit = await unit.nextWhere((r) => r.data?.incomingReminders.number === overdue.number, 10_000);
    expect(byUnit.data!.incomingReminders).toMatchObject({ overdue: true, daysLeft: -2 });
    await sleep(300);
    const about = (sub: typeof guest, numbers: string[]) => sub.results.filter((r) => numbers.includes(r.data?.incomingReminders.number ?? ''));
    expect(about(elsewhere, [soon.number, overdue.number])).toEqual([]);
    expect(about(otherGuest, [soon.number, overdue.number])).toEqual([]);
    expect(about(guest, [overdue.number])).toEqual([]);

    // Run again the same day: nobody is reminded twice.
    await runReminderJob();
    expect(await reminders(soon.id)).toHaveLength(1);
    expect(await reminders(overdue.id)).toHaveLength(1);

    // A day later (the reminder moved back a day) the guests still without a permit are reminded again; one who got it meanwhile is not.
    await sql(`update outbox_event set occurred_at = occurred_at - interval '1 day' where type = 'incomingMobility.residencePermitDue' and aggregate_id in (?, ?)`, [soon.uuid, overdue.uuid]);
    ok(await hub.request(RcpPermitDocument, { input: { id: overdue.id, version: 1, obtainedOn: hostDay() } }, OFFICE));
    await runReminderJob();
    expect(await reminders(soon.id)).toHaveLength(2);
    expect(await reminders(overdue.id)).toHaveLength(1);
  });

  it('refuse a visitor with UNAUTHENTICATED and someone following a mobility they may not read with FORBIDDEN', async () => {
    const g = await arrived(2);
    const refusal = async (as: Identity | undefined, mobilityId?: string) => {
      const sub = subscribe<RcpRemindersSubscription, { mobilityId?: string }>(await hub.ws(as), RcpRemindersDocument, mobilityId ? { mobilityId } : {});
      open.push(sub);
      const first = await sub.next(5000);
      return first.errors?.[0]?.extensions;
    };
    expect(await refusal(undefined)).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refusal({ role: 'APPLICANT', sub: unique('other') }, g.id)).toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
    expect(await refusal(coordinator(phys), g.id)).toMatchObject({ code: 'FORBIDDEN' });
    expect(hub.hub.dispatcher.listenerCount).toBe(0);
  });
});
