/**
 * Incoming staff visits (STA teaching, STT training): the agreed programme with the Erasmus+ teaching minimum (8 hours
 * per week, warned about and never enforced), and the visit completed after the confirmed departure with its
 * certificate of attendance.
 */
import {
  RcpCertificateDocument,
  RcpCompleteStaffVisitDocument,
  RcpDepartureDocument,
  RcpIssueTranscriptDocument,
  RcpMobilityDocument,
  RcpStaffProgrammeDocument,
  RcpTranscriptDocument,
  type RcpStayFragment,
} from '../generated/graphql';
import { startTestHub, type Identity, type TestHub, ok, errorOf } from '../support/hub';
import { arrange, homeUnitId, OFFICE, unique } from './incoming.support';
import { IncomingStatus } from '../../src/modules/incoming/incoming-mobility.entity';
import { MobilityType } from '../../src/modules/agreements/agreement.entity';

let hub: TestHub;
let ceng: string;
let phys: string;

beforeAll(async () => {
  hub = await startTestHub();
  ceng = await homeUnitId(hub, 'ENG-CENG');
  phys = await homeUnitId(hub, 'SCI-PHYS');
});
afterAll(() => hub.close());

const hostDay = (n = 0) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul' }).format(new Date(Date.now() + n * 86_400_000));
const plus = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const coordinator = (unit: string): Identity => ({ role: 'COORDINATOR', sub: unique('coord'), units: [unit] });

const programme = (id: string, version: number, teachingHours: number | null, as: Identity = OFFICE, text = 'Guest lectures on distributed systems (CENG 4xx), seminar with PhD students') =>
  hub.request(RcpStaffProgrammeDocument, { input: { id, version, programme: text, teachingHours } }, as);

async function read(id: string, as: Identity = OFFICE): Promise<RcpStayFragment> {
  return ok(await hub.request(RcpMobilityDocument, { id }, as)).node as RcpStayFragment;
}

describe('the visit programme', () => {
  it('records a teaching visit’s programme and warns below 8 teaching hours per week (pro rata beyond a week), without refusing', async () => {
    const start = '2028-03-06';
    const week = await arrange(hub, { mobilityType: MobilityType.STA, plannedArrival: start, plannedDeparture: plus(start, 4) });
    const short = ok(await programme(week.id, 1, 6, coordinator(ceng))).setStaffVisitProgramme;
    expect(short.visit).toEqual({
      programme: 'Guest lectures on distributed systems (CENG 4xx), seminar with PhD students',
      teachingHours: 6,
      days: 5,
      minimumTeachingHours: 8,
      belowTeachingMinimum: true,
      warning: expect.stringContaining('at least 8 teaching hours'),
    });
    expect(ok(await programme(week.id, short.version, 8)).setStaffVisitProgramme.visit).toMatchObject({ teachingHours: 8, belowTeachingMinimum: false, warning: null });

    // Two weeks: 16 hours.
    const fortnight = await arrange(hub, { mobilityType: MobilityType.STA, plannedArrival: start, plannedDeparture: plus(start, 13) });
    expect(ok(await programme(fortnight.id, 1, 12)).setStaffVisitProgramme.visit).toMatchObject({ days: 14, minimumTeachingHours: 16, belowTeachingMinimum: true });

    // Training visits have no teaching minimum; the guest reads their own programme.
    const training = await arrange(hub, { mobilityType: MobilityType.STT, plannedArrival: start, plannedDeparture: plus(start, 4) });
    expect(ok(await programme(training.id, 1, null, OFFICE, 'Job shadowing at the International Office')).setStaffVisitProgramme.visit).toEqual({
      programme: 'Job shadowing at the International Office',
      teachingHours: null,
      days: 5,
      minimumTeachingHours: null,
      belowTeachingMinimum: false,
      warning: null,
    });
    expect((await read(training.id, training.nominee)).visit?.programme).toBe('Job shadowing at the International Office');
    // Student mobilities have no visit.
    expect((await read((await arrange(hub)).id)).visit).toBeNull();
  });

  it('is refused for a student mobility, a completed visit, the guest, another unit’s coordinator, and for negative hours', async () => {
    const student = await arrange(hub);
    expect(errorOf(await programme(student.id, 1, 8))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_A_STAFF_VISIT', mobilityType: 'SMS' });
    const done = await arrange(hub, { mobilityType: MobilityType.STA, status: IncomingStatus.COMPLETED });
    expect(errorOf(await programme(done.id, 1, 8))).toMatchObject({ reason: 'NOT_IN_STATE', status: 'COMPLETED' });
    const visit = await arrange(hub, { mobilityType: MobilityType.STA });
    expect(errorOf(await programme(visit.id, 1, 8, visit.nominee))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await programme(visit.id, 1, 8, coordinator(phys)))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await programme(visit.id, 1, -1))).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect((await read(visit.id)).visit?.programme).toBeNull();
  });
});

describe('completion', () => {
  it('completes a visit after the confirmed departure (DEPARTED → COMPLETED) with a certificate of attendance naming the programme', async () => {
    const visit = await arrange(hub, { mobilityType: MobilityType.STA, status: IncomingStatus.ARRIVED, actualArrival: hostDay(-6) });
    const complete = (version: number, as: Identity = OFFICE) => hub.request(RcpCompleteStaffVisitDocument, { input: { id: visit.id, version } }, as);
    expect(errorOf(await complete(1))).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'ARRIVED', to: 'COMPLETED' });
    const departed = ok(await hub.request(RcpDepartureDocument, { input: { id: visit.id, version: 1, departedOn: hostDay(-2) } }, OFFICE)).confirmIncomingDeparture;
    expect(errorOf(await complete(departed.version))).toMatchObject({ reason: 'PROGRAMME_REQUIRED' });
    const planned = ok(await programme(visit.id, departed.version, 10)).setStaffVisitProgramme;
    expect(planned.visit).toMatchObject({ days: 5, minimumTeachingHours: 8, belowTeachingMinimum: false });
    // A staff visit has no transcript of records.
    expect(errorOf(await hub.request(RcpIssueTranscriptDocument, { input: { id: visit.id, version: planned.version } }, OFFICE))).toMatchObject({ reason: 'NOT_A_STUDENT_MOBILITY' });
    expect(ok(await hub.request(RcpTranscriptDocument, { id: visit.id }, OFFICE)).incomingTranscript).toBeNull();
    expect(errorOf(await complete(planned.version, visit.nominee))).toMatchObject({ code: 'FORBIDDEN' });

    const completed = ok(await complete(planned.version, coordinator(ceng))).completeIncomingStaffVisit;
    expect(completed.status).toBe('COMPLETED');
    const certificate = ok(await hub.request(RcpCertificateDocument, { id: visit.id }, visit.nominee)).incomingCertificateOfAttendance;
    expect(certificate).toMatchObject({ mobilityType: 'STA', arrival: hostDay(-6), departure: hostDay(-2), days: 5, programme: expect.stringContaining('Guest lectures'), teachingHours: 10 });

    const student = await arrange(hub, { status: IncomingStatus.DEPARTED });
    expect(errorOf(await hub.request(RcpCompleteStaffVisitDocument, { input: { id: student.id, version: 1 } }, OFFICE))).toMatchObject({ reason: 'NOT_A_STAFF_VISIT' });
  });
});
