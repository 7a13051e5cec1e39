/**
 * The end of a student guest's stay: the confirmed departure (ARRIVED → DEPARTED) with the attendance and the beds
 * given back, grades on the home scale, the transcript of records (DEPARTED → COMPLETED) and its sending to the
 * partner, and the certificate of attendance, each for the host side and (once issued) the guest.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  RcpAssignHousingDocument,
  RcpCertificateDocument,
  RcpCreateRoomDocument,
  RcpDepartureDocument,
  RcpGradeDocument,
  RcpIssueTranscriptDocument,
  RcpMobilityDocument,
  RcpTranscriptDocument,
  RcpTranscriptSentDocument,
  type RcpStayFragment,
} from '../generated/graphql';
import { startTestHub, type Identity, type TestHub, ok, errorOf } from '../support/hub';
import { arrange, em, globalId, homeUnitId, OFFICE, unique, uuidOf, type Arranged } from './incoming.support';
import { course } from './intake.support';
import { CourseChoiceStatus, IncomingCourse, IncomingStatus, type IncomingMobility } from '../../src/modules/incoming/incoming-mobility.entity';
import { MobilityType } from '../../src/modules/agreements/agreement.entity';

let hub: TestHub;
let ceng: string;
let phys: string;
let courses: { id: string; code: string; ects: number }[];

beforeAll(async () => {
  hub = await startTestHub();
  ceng = await homeUnitId(hub, 'ENG-CENG');
  phys = await homeUnitId(hub, 'SCI-PHYS');
  // Courses of the tests' own: another suite may replace the catalogue of a shared database meanwhile.
  courses = [];
  for (const ects of [6, 5, 7.5, 4, 3]) courses.push(await course(hub, { ects }));
});
afterAll(() => hub.close());

const sql = <T>(query: string, params: unknown[] = []) => (hub.hub.orm.em.fork() as EntityManager).execute<T[]>(query, params);
const hostDay = (n = 0) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul' }).format(new Date(Date.now() + n * 86_400_000));
const coordinator = (unit: string): Identity => ({ role: 'COORDINATOR', sub: unique('coord'), units: [unit] });
const other: Identity = { role: 'APPLICANT', sub: 'someone-else-entirely' };

async function read(id: string, as: Identity = OFFICE): Promise<RcpStayFragment> {
  return ok(await hub.request(RcpMobilityDocument, { id }, as)).node as RcpStayFragment;
}

/** An arrived student guest with registered courses (indexes into the catalogue). */
async function arrivedWith(registered: number[], fields: Partial<IncomingMobility> & { status?: IncomingStatus } = {}): Promise<Arranged> {
  const g = await arrange(hub, { status: IncomingStatus.ARRIVED, actualArrival: hostDay(-100), ...fields });
  const e = em(hub);
  for (const i of registered) e.create(IncomingCourse, { mobility: g.uuid, course: uuidOf(courses[i].id), status: CourseChoiceStatus.REGISTERED } as never);
  await e.flush();
  return g;
}

const depart = (id: string, version: number, departedOn: string, as: Identity = OFFICE) => hub.request(RcpDepartureDocument, { input: { id, version, departedOn } }, as);
const grade = (id: string, version: number, grades: { courseId: string; grade: string }[], as: Identity = OFFICE) => hub.request(RcpGradeDocument, { input: { id, version, grades } }, as);
const issue = (id: string, version: number, as: Identity = OFFICE) => hub.request(RcpIssueTranscriptDocument, { input: { id, version } }, as);
const version = async (m: Arranged) => (await sql<{ version: number }>(`select version from incoming_mobility where id = ?`, [m.uuid]))[0].version;

describe('departure', () => {
  it('moves ARRIVED → DEPARTED with the attendance confirmed, and gives back the beds after the last day', async () => {
    const g = await arrivedWith([], { actualArrival: hostDay(-60) });
    const room = ok(await hub.request(RcpCreateRoomDocument, { input: { residence: unique('Yurt'), kind: 'DORMITORY', code: 'D-1', capacity: 2 } }, OFFICE)).createHousingRoom;
    const later = ok(await hub.request(RcpCreateRoomDocument, { input: { residence: unique('Yurt'), kind: 'DORMITORY', code: 'D-2', capacity: 2 } }, OFFICE)).createHousingRoom;
    const running = ok(await hub.request(RcpAssignHousingDocument, { input: { mobilityId: g.id, roomId: room.id, startsOn: hostDay(-60), endsOn: hostDay(30) } }, OFFICE)).assignHousing;
    const booked = ok(await hub.request(RcpAssignHousingDocument, { input: { mobilityId: g.id, roomId: later.id, startsOn: hostDay(31), endsOn: hostDay(60) } }, OFFICE)).assignHousing;

    const departed = ok(await depart(g.id, await version(g), hostDay(-1), coordinator(ceng))).confirmIncomingDeparture;
    expect(departed).toMatchObject({ status: 'DEPARTED', actualArrival: hostDay(-60), actualDeparture: hostDay(-1) });
    expect(departed.attendance).toMatchObject({ arrival: hostDay(-60), departure: hostDay(-1), days: 60 });
    expect(departed.attendance!.confirmedBy).toMatch(/^coord-/);
    const housing = Object.fromEntries(departed.housing.map((h) => [h.id, { endsOn: h.endsOn, active: h.active }]));
    expect(housing[running.id]).toEqual({ endsOn: hostDay(-1), active: true });
    expect(housing[booked.id]).toEqual({ endsOn: hostDay(60), active: false });
    const history = await sql<{ from: string; to: string }>(`select "from", "to" from incoming_status_change where mobility_id = ? and "from" is not null`, [g.uuid]);
    expect(history).toEqual([{ from: 'ARRIVED', to: 'DEPARTED' }]);
    const [event] = await sql<{ payload: { to: string } }>(`select payload from outbox_event where type = 'incomingMobility.statusChanged' and aggregate_id = ?`, [g.uuid]);
    expect(event.payload.to).toBe('DEPARTED');
  });

  it('refuses a last day before the arrival or in the future, a guest not arrived, another unit’s coordinator and the guest, writing nothing', async () => {
    const g = await arrivedWith([], { actualArrival: hostDay(-10) });
    const before = await read(g.id);
    expect(errorOf(await depart(g.id, 1, hostDay(-11)))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'START_AFTER_END', field: 'departedOn' });
    expect(errorOf(await depart(g.id, 1, hostDay(1)))).toMatchObject({ reason: 'DATE_IN_FUTURE' });
    expect(errorOf(await depart(g.id, 1, hostDay(-1), coordinator(phys)))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await depart(g.id, 1, hostDay(-1), g.nominee))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await read(g.id)).toEqual(before);
    const accepted = await arrange(hub);
    expect(errorOf(await depart(accepted.id, 1, hostDay(-1)))).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'ACCEPTED', to: 'DEPARTED' });
    // The same day as the arrival is a stay of one day.
    expect(ok(await depart(g.id, 1, hostDay(-10))).confirmIncomingDeparture.attendance!.days).toBe(1);
  });
});

describe('grades and the transcript of records', () => {
  it('grades registered courses on the home scale: passed grades earn the course’s ECTS, failed ones 0; unknown grades and unregistered courses are refused', async () => {
    const g = await arrivedWith([0, 1]);
    const e = em(hub);
    e.create(IncomingCourse, { mobility: g.uuid, course: uuidOf(courses[2].id), status: CourseChoiceStatus.DROPPED } as never);
    await e.flush();
    expect(errorOf(await grade(g.id, 1, [{ courseId: courses[0].id, grade: 'A+' }]))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_GRADE', field: 'grades[0].grade' });
    expect(errorOf(await grade(g.id, 1, [{ courseId: courses[0].id, grade: 'AA' }, { courseId: courses[2].id, grade: 'BB' }]))).toMatchObject({
      reason: 'COURSE_NOT_REGISTERED',
      field: 'grades[1].courseId',
      courseCode: courses[2].code,
    });
    expect(errorOf(await grade(g.id, 1, [{ courseId: courses[0].id, grade: 'AA' }, { courseId: courses[0].id, grade: 'BB' }]))).toMatchObject({ reason: 'DUPLICATE_COURSE' });
    expect(errorOf(await grade(g.id, 1, [{ courseId: courses[0].id, grade: 'AA' }], g.nominee))).toMatchObject({ code: 'FORBIDDEN' });
    const graded = await sql<{ n: number }>(`select count(*)::int as n from incoming_course where mobility_id = ? and grade is not null`, [g.uuid]);
    expect(graded[0].n).toBe(0);

    const after = ok(await grade(g.id, 1, [{ courseId: courses[0].id, grade: ' ba ' }, { courseId: courses[1].id, grade: 'FF' }], coordinator(ceng))).gradeIncomingCourses;
    expect(after.version).toBe(2);
    const transcript = ok(await hub.request(RcpTranscriptDocument, { id: g.id }, OFFICE)).incomingTranscript!;
    expect(transcript.courses.map((c) => [c.code, c.grade, c.ectsEarned])).toEqual(
      [
        [courses[0].code, 'BA', courses[0].ects],
        [courses[1].code, 'FF', 0],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(transcript).toMatchObject({ issued: false, totalCourses: 2, ectsRegistered: courses[0].ects + courses[1].ects, ectsEarned: courses[0].ects });
    expect(transcript.gradePointAverage).toBeCloseTo((3.5 * courses[0].ects) / (courses[0].ects + courses[1].ects), 2);
    expect(transcript.gradeScale.map((s) => s.grade)).toEqual(['AA', 'BA', 'BB', 'CB', 'CC', 'DC', 'DD', 'FD', 'FF']);
  });

  it('issues the transcript once every registered course is graded (TRANSCRIPT_INCOMPLETE lists the missing ones): DEPARTED → COMPLETED, and grades are closed', async () => {
    const g = await arrivedWith([0, 1, 2], { status: IncomingStatus.DEPARTED, actualDeparture: hostDay(-5) });
    ok(await grade(g.id, 1, [{ courseId: courses[1].id, grade: 'CC' }]));
    const missing = [courses[0].code, courses[2].code].sort();
    expect(errorOf(await issue(g.id, 2))).toMatchObject({ code: 'CONFLICT', reason: 'TRANSCRIPT_INCOMPLETE', missing });
    expect((await read(g.id)).status).toBe('DEPARTED');
    ok(await grade(g.id, 2, [{ courseId: courses[0].id, grade: 'AA' }, { courseId: courses[2].id, grade: 'DD' }]));
    expect(errorOf(await issue(g.id, 2))).toMatchObject({ reason: 'VERSION_CONFLICT' });
    expect(errorOf(await issue(g.id, 3, g.nominee))).toMatchObject({ code: 'FORBIDDEN' });

    const completed = ok(await issue(g.id, 3)).issueIncomingTranscript;
    expect(completed).toMatchObject({ status: 'COMPLETED', transcript: { issued: true } });
    expect(errorOf(await grade(g.id, completed.version, [{ courseId: courses[0].id, grade: 'BB' }]))).toMatchObject({ reason: 'GRADING_CLOSED' });
    const [history] = await sql<{ reason: string }>(`select reason from incoming_status_change where mobility_id = ? and "to" = 'COMPLETED'`, [g.uuid]);
    expect(history.reason).toBe('Transcript of records issued');
  });

  it('refuses to issue a transcript before the departure, without registered courses, or for a staff visit', async () => {
    const here = await arrivedWith([0]);
    ok(await grade(here.id, 1, [{ courseId: courses[0].id, grade: 'AA' }]));
    expect(errorOf(await issue(here.id, 2))).toMatchObject({ reason: 'INVALID_TRANSITION', from: 'ARRIVED', to: 'COMPLETED' });
    const none = await arrivedWith([], { status: IncomingStatus.DEPARTED });
    expect(errorOf(await issue(none.id, 1))).toMatchObject({ reason: 'NO_REGISTERED_COURSES' });
    const staff = await arrange(hub, { status: IncomingStatus.DEPARTED, mobilityType: MobilityType.STA });
    expect(errorOf(await issue(staff.id, 1))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_A_STUDENT_MOBILITY', mobilityType: 'STA' });
  });

  it('shows the transcript to the host side always, to the guest once issued, to nobody else; it is marked sent to the partner once', async () => {
    const g = await arrivedWith([0], { status: IncomingStatus.DEPARTED, actualDeparture: hostDay(-3), sendingUnitName: 'Fakultät für Informatik' });
    ok(await grade(g.id, 1, [{ courseId: courses[0].id, grade: 'BB' }]));
    const transcript = async (as: Identity) => ok(await hub.request(RcpTranscriptDocument, { id: g.id }, as)).incomingTranscript;
    expect(await transcript(coordinator(ceng))).toMatchObject({ issued: false, number: g.number });
    expect(await transcript(g.nominee)).toBeNull();
    expect((await read(g.id, g.nominee)).transcript).toBeNull();
    expect(errorOf(await hub.request(RcpTranscriptSentDocument, { input: { id: g.id, version: 2 } }, OFFICE))).toMatchObject({ reason: 'TRANSCRIPT_NOT_ISSUED' });

    ok(await issue(g.id, 2));
    const issued = (await transcript(g.nominee))!;
    expect(issued).toMatchObject({
      mobilityId: g.id,
      issued: true,
      academicYear: '2027/2028',
      term: 'FALL',
      arrival: hostDay(-100),
      departure: hostDay(-3),
      sendingInstitution: { country: 'DE' },
      hostInstitution: { country: 'TR' },
      totalCourses: 1,
      ectsEarned: courses[0].ects,
      gradePointAverage: 3,
    });
    expect(issued.hostUnit).toBeTruthy();
    expect(issued.issuedAt).not.toBeNull();
    expect(await transcript(coordinator(phys))).toBeNull();
    expect(await transcript(other)).toBeNull();
    expect(errorOf(await hub.request(RcpTranscriptDocument, { id: g.id }))).toMatchObject({ code: 'UNAUTHENTICATED' });

    const sent = ok(await hub.request(RcpTranscriptSentDocument, { input: { id: g.id, version: 3 } }, OFFICE)).markIncomingTranscriptSent;
    expect(sent.version).toBe(4);
    expect((await transcript(OFFICE))!.sentToPartnerAt).not.toBeNull();
    expect(errorOf(await hub.request(RcpTranscriptSentDocument, { input: { id: g.id, version: 4 } }, OFFICE))).toMatchObject({ reason: 'TRANSCRIPT_ALREADY_SENT' });
    const [event] = await sql<{ payload: { changed: string } }>(
      `select payload from outbox_event where type = 'incomingMobility.updated' and aggregate_id = ? order by id desc limit 1`,
      [g.uuid],
    );
    expect(event.payload.changed).toBe('transcriptSent');
  });
});

describe('certificate of attendance', () => {
  it('is issued to the host side and the guest once the departure is confirmed, null before and for others', async () => {
    const g = await arrivedWith([], { actualArrival: hostDay(-30) });
    const certificate = async (as: Identity) => ok(await hub.request(RcpCertificateDocument, { id: g.id }, as)).incomingCertificateOfAttendance;
    expect(await certificate(OFFICE)).toBeNull();
    expect(await certificate(g.nominee)).toBeNull();
    ok(await depart(g.id, 1, hostDay(-2)));
    const issued = (await certificate(g.nominee))!;
    expect(issued).toMatchObject({ mobilityId: g.id, number: g.number, mobilityType: 'SMS', givenNames: 'Test', arrival: hostDay(-30), departure: hostDay(-2), days: 29, confirmedBy: OFFICE.sub });
    expect(issued.sendingInstitution?.name).toBeTruthy();
    expect(issued.hostInstitution?.name).toBeTruthy();
    expect(await certificate(coordinator(ceng))).toMatchObject({ days: 29 });
    expect(await certificate(coordinator(phys))).toBeNull();
    expect(await certificate(other)).toBeNull();
    expect(errorOf(await hub.request(RcpCertificateDocument, { id: globalId('Event', g.uuid) }, OFFICE))).toMatchObject({ reason: 'INVALID_ID' });
  });
});
