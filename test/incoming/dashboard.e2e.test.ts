/**
 * The incoming dashboard: arrivals this week (Monday to Sunday, Europe/Istanbul), beds free today per residence,
 * transcripts and residence permits due, guests by status; the office sees all, coordinators their units'.
 */
import { RcpAssignHousingDocument, RcpCreateRoomDocument, RcpDashboardDocument } from '../generated/graphql';
import { startTestHub, type Identity, type TestHub, ok, errorOf } from '../support/hub';
import { arrange, homeUnitId, OFFICE, unique } from './incoming.support';
import { IncomingStatus, type IncomingMobility } from '../../src/modules/incoming/incoming-mobility.entity';
import { MobilityType } from '../../src/modules/agreements/agreement.entity';

let hub: TestHub;
let eng: string;
let phys: string;

beforeAll(async () => {
  hub = await startTestHub();
  eng = await homeUnitId(hub, 'ENG');
  phys = await homeUnitId(hub, 'SCI-PHYS');
});
afterAll(() => hub.close());

const hostDay = (n = 0) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul' }).format(new Date(Date.now() + n * 86_400_000));
const plus = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** Monday of this week at the host. */
const monday = () => {
  const today = hostDay();
  const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
  return plus(today, -weekday);
};

/** An academic year no other test uses, so the counts are this test's own. */
let yearSeq = 2100;
const freshYear = () => `${++yearSeq}/${yearSeq + 1}`;

const dashboard = async (academicYear: string, as: Identity = OFFICE) => {
  const res = await hub.request(RcpDashboardDocument, { academicYear }, as);
  return { view: ok(res).incomingDashboard, statements: res.extensions?.sqlStatements };
};
const numbers = (rows: { number: string }[]) => rows.map((r) => r.number).sort();

describe('incoming dashboard', () => {
  it('shows the week’s arrivals (planned or registered), transcripts and residence permits due, and guests by status', async () => {
    const academicYear = freshYear();
    const g = (fields: Partial<IncomingMobility> & { status?: IncomingStatus; hostUnitCode?: string }) => arrange(hub, { academicYear, ...fields });
    const week = monday();
    const plannedThisWeek = await g({ plannedArrival: week });
    const arrivedToday = await g({ status: IncomingStatus.ARRIVED, plannedArrival: plus(week, -10), actualArrival: hostDay() });
    await g({ plannedArrival: plus(week, 7) }); // next week
    await g({ status: IncomingStatus.ARRIVED, actualArrival: plus(week, -1) }); // Sunday of last week
    await g({ status: IncomingStatus.WITHDRAWN, plannedArrival: week });
    const waiting = await g({ status: IncomingStatus.DEPARTED, actualArrival: hostDay(-120), actualDeparture: hostDay(-10) });
    const justLeft = await g({ status: IncomingStatus.DEPARTED, actualArrival: hostDay(-120), actualDeparture: hostDay(-1) });
    await g({ status: IncomingStatus.DEPARTED, mobilityType: MobilityType.STA, actualArrival: hostDay(-12), actualDeparture: hostDay(-8) });
    await g({ status: IncomingStatus.COMPLETED, actualDeparture: hostDay(-30), transcriptIssuedAt: new Date() });
    const permit = (dueIn: number, extra: Partial<IncomingMobility> = {}) =>
      g({ status: IncomingStatus.ARRIVED, actualArrival: hostDay(-40), residencePermitRequired: true, residencePermitDueOn: hostDay(dueIn), ...extra });
    const dueSoon = await permit(5);
    const overdue = await permit(-1);
    await permit(10);
    await permit(-3, { residencePermitObtainedOn: hostDay(-5) });

    const { view } = await dashboard(academicYear);
    expect(view).toMatchObject({ today: hostDay(), weekStart: week, weekEnd: plus(week, 6) });
    expect(view.arrivalsThisWeek.map((a) => [a.number, a.on, a.planned, a.status]).sort()).toEqual(
      [
        [plannedThisWeek.number, week, true, 'ACCEPTED'],
        [arrivedToday.number, hostDay(), false, 'ARRIVED'],
      ].sort(),
    );
    expect(view.transcriptsDue.map((t) => [t.number, t.on, t.days])).toEqual([
      [waiting.number, hostDay(-10), 10],
      [justLeft.number, hostDay(-1), 1],
    ]);
    expect(view.residencePermitsDue.map((p) => [p.number, p.on, p.days])).toEqual([
      [overdue.number, hostDay(-1), -1],
      [dueSoon.number, hostDay(5), 5],
    ]);
    expect(view.transcriptsDue[0].mobilityId).toBe(waiting.id);
    expect(Object.fromEntries(view.byStatus.map((s) => [s.status, s.count]))).toEqual({ ACCEPTED: 2, ARRIVED: 6, DEPARTED: 3, COMPLETED: 1, WITHDRAWN: 1 });
  });

  it('counts rooms, beds and beds free today per residence (active rooms available today)', async () => {
    const residence = unique('Dashboard Yurdu');
    const room = async (code: string, capacity: number, availableFrom?: string) =>
      ok(await hub.request(RcpCreateRoomDocument, { input: { residence, kind: 'DORMITORY', code, capacity, availableFrom } }, OFFICE)).createHousingRoom;
    const double = await room('1', 2);
    await room('2', 1);
    await room('3', 4, hostDay(1)); // opens tomorrow
    const guest = await arrange(hub, { status: IncomingStatus.ARRIVED });
    ok(await hub.request(RcpAssignHousingDocument, { input: { mobilityId: guest.id, roomId: double.id, startsOn: hostDay(-3), endsOn: hostDay(3) } }, OFFICE));
    const later = await arrange(hub);
    ok(await hub.request(RcpAssignHousingDocument, { input: { mobilityId: later.id, roomId: double.id, startsOn: hostDay(1), endsOn: hostDay(3) } }, OFFICE));

    const { view } = await dashboard(freshYear());
    expect(view.roomsFreeToday.find((r) => r.residence === residence)).toEqual({ residence, kind: 'DORMITORY', rooms: 2, beds: 3, freeBeds: 2 });
  });

  it('gives coordinators their units’ guests only, refuses applicants and visitors, and costs the same statements for more guests', async () => {
    const academicYear = freshYear();
    const mine = await arrange(hub, { academicYear, hostUnitCode: 'ENG-CENG', status: IncomingStatus.DEPARTED, actualDeparture: hostDay(-4) });
    const theirs = await arrange(hub, { academicYear, hostUnitCode: 'SCI-PHYS', status: IncomingStatus.DEPARTED, actualDeparture: hostDay(-4) });
    const coordinator: Identity = { role: 'COORDINATOR', sub: unique('coord'), units: [eng] };

    const first = await dashboard(academicYear, coordinator);
    expect(numbers(first.view.transcriptsDue)).toEqual([mine.number]);
    expect(first.view.byStatus).toEqual([{ status: 'DEPARTED', count: 1 }]);
    const physics = await dashboard(academicYear, { role: 'COORDINATOR', sub: unique('coord'), units: [phys] });
    expect(numbers(physics.view.transcriptsDue)).toEqual([theirs.number]);
    expect(numbers((await dashboard(academicYear)).view.transcriptsDue)).toEqual([mine.number, theirs.number].sort());

    for (let i = 0; i < 4; i++) {
      await arrange(hub, { academicYear, hostUnitCode: 'ENG-CENG', status: IncomingStatus.DEPARTED, actualDeparture: hostDay(-i - 1) });
      await arrange(hub, { academicYear, hostUnitCode: 'ENG-CENG', plannedArrival: hostDay() });
    }
    const more = await dashboard(academicYear, coordinator);
    expect(more.view.transcriptsDue).toHaveLength(5);
    expect(more.statements).toBe(first.statements);

    expect(errorOf(await hub.request(RcpDashboardDocument, { academicYear }, mine.nominee))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(RcpDashboardDocument, { academicYear }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

