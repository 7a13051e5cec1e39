/**
 * Housing of incoming guests: the office's rooms (created, changed, deactivated, version-checked), beds assigned to
 * accepted or arrived guests without ever booking a room beyond its beds (also under concurrency), releases kept as
 * history, and the availability over a range of days.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  RcpAssignHousingDocument,
  RcpAvailabilityDocument,
  RcpCreateRoomDocument,
  RcpDeactivateRoomDocument,
  RcpMobilityDocument,
  RcpReleaseHousingDocument,
  RcpRoomNodeDocument,
  RcpRoomsDocument,
  RcpUpdateRoomDocument,
  type RcpRoomFragment,
} from '../generated/graphql';
import { startTestHub, type Identity, type TestHub, ok, errorOf } from '../support/hub';
import { arrange, homeUnitId, OFFICE, unique, uuidOf } from './incoming.support';
import { IncomingStatus } from '../../src/modules/incoming/incoming-mobility.entity';

let hub: TestHub;
let ceng: string;
let phys: string;

beforeAll(async () => {
  hub = await startTestHub();
  ceng = await homeUnitId(hub, 'ENG-CENG');
  phys = await homeUnitId(hub, 'SCI-PHYS');
});
afterAll(() => hub.close());

const sql = <T>(query: string, params: unknown[] = []) => (hub.hub.orm.em.fork() as EntityManager).execute<T[]>(query, params);

/** Today + n days (UTC calendar; the housing rules compare plain dates). */
const D = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

const coordinator = (unit: string): Identity => ({ role: 'COORDINATOR', sub: unique('coord'), units: [unit] });

async function room(fields: Partial<{ residence: string; code: string; capacity: number; availableFrom: string | null; availableUntil: string | null }> = {}): Promise<RcpRoomFragment> {
  return ok(
    await hub.request(
      RcpCreateRoomDocument,
      { input: { residence: fields.residence ?? unique('Yurt'), kind: 'DORMITORY', code: fields.code ?? unique('R'), capacity: fields.capacity ?? 2, availableFrom: fields.availableFrom, availableUntil: fields.availableUntil } },
      OFFICE,
    ),
  ).createHousingRoom;
}

const assign = (mobilityId: string, roomId: string, startsOn: string, endsOn: string, as: Identity | null = OFFICE) =>
  hub.request(RcpAssignHousingDocument, { input: { mobilityId, roomId, startsOn, endsOn } }, as ?? undefined);

async function activeAssignments(roomId: string): Promise<number> {
  const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from housing_assignment where room_id = ? and released_at is null`, [uuidOf(roomId)]);
  return n;
}

describe('rooms', () => {
  it('are created, changed and deactivated by the office, version-checked; duplicate codes and bad dates are refused', async () => {
    const residence = unique('Güzelyurt Yurdu');
    const r = await room({ residence, code: 'A-101', capacity: 2, availableFrom: D(10), availableUntil: D(300) });
    expect(r).toMatchObject({ residence, kind: 'DORMITORY', code: 'A-101', capacity: 2, availableFrom: D(10), availableUntil: D(300), active: true, version: 1 });

    expect(errorOf(await hub.request(RcpCreateRoomDocument, { input: { residence, kind: 'DORMITORY', code: 'A-101', capacity: 1 } }, OFFICE))).toMatchObject({
      code: 'CONFLICT',
      reason: 'HOUSING_ROOM_EXISTS',
      field: 'code',
    });
    expect(errorOf(await hub.request(RcpCreateRoomDocument, { input: { residence, kind: 'DORMITORY', code: 'A-102', capacity: 1, availableFrom: '2027-02-30' } }, OFFICE))).toMatchObject({
      reason: 'INVALID_DATE',
      field: 'availableFrom',
    });
    expect(errorOf(await hub.request(RcpCreateRoomDocument, { input: { residence, kind: 'DORMITORY', code: 'A-102', capacity: 1, availableFrom: D(5), availableUntil: D(4) } }, OFFICE))).toMatchObject({
      reason: 'START_AFTER_END',
    });
    expect(errorOf(await hub.request(RcpCreateRoomDocument, { input: { residence, kind: 'DORMITORY', code: 'A-102', capacity: 0 } }, OFFICE))).toMatchObject({ code: 'BAD_USER_INPUT' });

    const changed = ok(await hub.request(RcpUpdateRoomDocument, { input: { id: r.id, version: r.version, capacity: 3, availableUntil: null, kind: 'PARTNER_HOUSING' } }, OFFICE)).updateHousingRoom;
    expect(changed).toMatchObject({ capacity: 3, availableFrom: D(10), availableUntil: null, kind: 'PARTNER_HOUSING', version: 2 });
    expect(errorOf(await hub.request(RcpUpdateRoomDocument, { input: { id: r.id, version: 1, capacity: 4 } }, OFFICE))).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });

    const off = ok(await hub.request(RcpDeactivateRoomDocument, { id: r.id, version: changed.version }, OFFICE)).deactivateHousingRoom;
    expect(off).toMatchObject({ active: false, version: 3 });
    const listed = ok(await hub.request(RcpRoomsDocument, { residence }, OFFICE)).housingRooms.nodes;
    expect(listed).toEqual([]);
    const all = ok(await hub.request(RcpRoomsDocument, { residence, includeInactive: true }, OFFICE)).housingRooms.nodes;
    expect(all.map((x) => x.code)).toEqual(['A-101']);
  });

  it('are listed (by residence and code) and shown by node(id) to the office and coordinators; applicants and visitors are refused and changes are the office’s', async () => {
    const residence = unique('Partner Evleri');
    const b = await room({ residence, code: 'B-2' });
    await room({ residence, code: 'A-1' });
    expect(ok(await hub.request(RcpRoomsDocument, { residence }, coordinator(phys))).housingRooms.nodes.map((x) => x.code)).toEqual(['A-1', 'B-2']);
    const page = ok(await hub.request(RcpRoomsDocument, { residence, first: 1 }, OFFICE)).housingRooms;
    expect(page.nodes.map((x) => x.code)).toEqual(['A-1']);
    expect(ok(await hub.request(RcpRoomsDocument, { residence, first: 1, after: page.pageInfo.endCursor }, OFFICE)).housingRooms.nodes.map((x) => x.code)).toEqual(['B-2']);

    expect(errorOf(await hub.request(RcpRoomsDocument, { residence }, { role: 'APPLICANT', sub: unique('student') }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(RcpRoomsDocument, { residence }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(ok(await hub.request(RcpRoomNodeDocument, { id: b.id }, coordinator(ceng))).node).toMatchObject({ code: 'B-2' });
    expect(ok(await hub.request(RcpRoomNodeDocument, { id: b.id }, { role: 'APPLICANT', sub: unique('student') })).node).toBeNull();

    expect(errorOf(await hub.request(RcpCreateRoomDocument, { input: { residence, kind: 'DORMITORY', code: 'C-3', capacity: 1 } }, coordinator(ceng)))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(RcpUpdateRoomDocument, { input: { id: b.id, version: b.version, capacity: 5 } }, coordinator(ceng)))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses changes that would break bookings: fewer beds than booked, availability leaving a booking outside, deactivation with bookings not ended', async () => {
    const r = await room({ capacity: 2 });
    const a = await arrange(hub);
    const b = await arrange(hub);
    ok(await assign(a.id, r.id, D(20), D(40)));
    ok(await assign(b.id, r.id, D(30), D(50)));
    const before = ok(await hub.request(RcpRoomNodeDocument, { id: r.id }, OFFICE)).node!;

    expect(errorOf(await hub.request(RcpUpdateRoomDocument, { input: { id: r.id, version: r.version, capacity: 1 } }, OFFICE))).toMatchObject({
      code: 'CONFLICT',
      reason: 'CAPACITY_BELOW_BOOKINGS',
      booked: 2,
      day: D(30),
    });
    expect(errorOf(await hub.request(RcpUpdateRoomDocument, { input: { id: r.id, version: r.version, availableUntil: D(45) } }, OFFICE))).toMatchObject({
      reason: 'BOOKINGS_OUTSIDE_AVAILABILITY',
      count: 1,
    });
    expect(errorOf(await hub.request(RcpUpdateRoomDocument, { input: { id: r.id, version: r.version, availableFrom: D(25) } }, OFFICE))).toMatchObject({
      reason: 'BOOKINGS_OUTSIDE_AVAILABILITY',
      count: 1,
    });
    expect(errorOf(await hub.request(RcpDeactivateRoomDocument, { id: r.id, version: r.version }, OFFICE))).toMatchObject({ reason: 'ROOM_HAS_BOOKINGS', count: 2 });
    expect(ok(await hub.request(RcpRoomNodeDocument, { id: r.id }, OFFICE)).node).toEqual(before);

    // Availability that still holds every booking is fine.
    expect(ok(await hub.request(RcpUpdateRoomDocument, { input: { id: r.id, version: r.version, availableFrom: D(20), availableUntil: D(50) } }, OFFICE)).updateHousingRoom).toMatchObject({
      availableFrom: D(20),
      availableUntil: D(50),
    });
  });
});

describe('assignments', () => {
  it('fill a room up to its beds and refuse a second booking of a full room with ROOM_FULL naming the first full day; announced as a housing update', async () => {
    const r = await room({ capacity: 2 });
    const [a, b, c] = [await arrange(hub), await arrange(hub, { status: IncomingStatus.ARRIVED }), await arrange(hub)];
    const first = ok(await assign(a.id, r.id, D(10), D(30))).assignHousing;
    expect(first).toMatchObject({ startsOn: D(10), endsOn: D(30), active: true, releasedAt: null, days: 21, room: { id: r.id, code: r.code }, guest: { number: a.number } });
    ok(await assign(b.id, r.id, D(20), D(40)));
    // D(20)..D(30) has both beds taken; a booking overlapping it by one day is refused.
    expect(errorOf(await assign(c.id, r.id, D(30), D(35)))).toMatchObject({ code: 'CONFLICT', reason: 'ROOM_FULL', day: D(30), capacity: 2, field: 'roomId' });
    expect(errorOf(await assign(c.id, r.id, D(5), D(25)))).toMatchObject({ reason: 'ROOM_FULL', day: D(20) });
    expect(await activeAssignments(r.id)).toBe(2);
    // The day after the first guest leaves, a bed is free again.
    ok(await assign(c.id, r.id, D(31), D(35)));

    const events = await sql<{ payload: { changed: string; applicantSubject: string } }>(
      `select payload from outbox_event where type = 'incomingMobility.updated' and aggregate_id = ?`,
      [a.uuid],
    );
    expect(events.map((e) => e.payload)).toEqual([expect.objectContaining({ changed: 'housing', applicantSubject: a.nominee.sub })]);
  });

  it('refuses bad dates, dates outside the availability, an inactive room, a guest not accepted or arrived and a second bed for one guest, writing nothing', async () => {
    const r = await room({ capacity: 3, availableFrom: D(10), availableUntil: D(100) });
    const g = await arrange(hub);
    expect(errorOf(await assign(g.id, r.id, '2027-13-01', D(20)))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_DATE', field: 'startsOn' });
    expect(errorOf(await assign(g.id, r.id, D(20), D(19)))).toMatchObject({ reason: 'START_AFTER_END', field: 'endsOn' });
    expect(errorOf(await assign(g.id, r.id, D(5), D(20)))).toMatchObject({ reason: 'OUTSIDE_AVAILABILITY', availableFrom: D(10), availableUntil: D(100) });
    expect(errorOf(await assign(g.id, r.id, D(90), D(101)))).toMatchObject({ reason: 'OUTSIDE_AVAILABILITY' });
    for (const status of [IncomingStatus.APPLIED, IncomingStatus.DEPARTED, IncomingStatus.WITHDRAWN]) {
      const other = await arrange(hub, { status });
      expect(errorOf(await assign(other.id, r.id, D(20), D(30)))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_IN_STATE', status, allowed: ['ACCEPTED', 'ARRIVED'] });
    }
    const held = ok(await assign(g.id, r.id, D(20), D(30))).assignHousing;
    const other = await room({ capacity: 1 });
    expect(errorOf(await assign(g.id, other.id, D(30), D(40)))).toMatchObject({ reason: 'GUEST_ALREADY_HOUSED', assignmentId: held.id, startsOn: D(20), endsOn: D(30) });
    // Back to back is fine.
    ok(await assign(g.id, other.id, D(31), D(40)));

    const closed = await room({ capacity: 1 });
    ok(await hub.request(RcpDeactivateRoomDocument, { id: closed.id, version: closed.version }, OFFICE));
    expect(errorOf(await assign(g.id, closed.id, D(50), D(60)))).toMatchObject({ reason: 'ROOM_INACTIVE' });
    expect(await activeAssignments(r.id)).toBe(1);
    expect(await activeAssignments(closed.id)).toBe(0);
  });

  it('lets two concurrent assignments of the last bed through one at a time: exactly one wins, the other is ROOM_FULL', async () => {
    const r = await room({ capacity: 2 });
    const [a, b, c] = [await arrange(hub), await arrange(hub), await arrange(hub)];
    ok(await assign(a.id, r.id, D(10), D(20)));
    const results = await Promise.all([assign(b.id, r.id, D(15), D(25)), assign(c.id, r.id, D(12), D(18))]);
    const won = results.filter((x) => !x.errors?.length);
    const lost = results.filter((x) => x.errors?.length);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(errorOf(lost[0])).toMatchObject({ code: 'CONFLICT', reason: 'ROOM_FULL', capacity: 2 });
    expect(await activeAssignments(r.id)).toBe(2);
  });

  it('are released by the office, freeing the bed and staying as history; a second release is ALREADY_RELEASED', async () => {
    const r = await room({ capacity: 1 });
    const [a, b] = [await arrange(hub), await arrange(hub)];
    const held = ok(await assign(a.id, r.id, D(10), D(20))).assignHousing;
    expect(errorOf(await assign(b.id, r.id, D(10), D(20)))).toMatchObject({ reason: 'ROOM_FULL' });
    expect(errorOf(await hub.request(RcpReleaseHousingDocument, { assignmentId: held.id }, coordinator(ceng)))).toMatchObject({ code: 'FORBIDDEN' });

    const released = ok(await hub.request(RcpReleaseHousingDocument, { assignmentId: held.id }, OFFICE)).releaseHousing;
    expect(released).toMatchObject({ id: held.id, active: false });
    expect(released.releasedAt).not.toBeNull();
    expect(errorOf(await hub.request(RcpReleaseHousingDocument, { assignmentId: held.id }, OFFICE))).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_RELEASED' });
    ok(await assign(b.id, r.id, D(10), D(20)));

    // The guest's housing keeps the released assignment.
    const stay = ok(await hub.request(RcpMobilityDocument, { id: a.id }, OFFICE)).node as { housing: { id: string; active: boolean }[] };
    expect(stay.housing.map((h) => [h.id, h.active])).toEqual([[held.id, false]]);
  });

  it('are the office’s to make; the host coordinator and the guest see the guest’s housing, other coordinators and applicants do not', async () => {
    const r = await room({ residence: unique('Kampüs Yurdu'), code: 'K-7', capacity: 2 });
    const g = await arrange(hub);
    expect(errorOf(await assign(g.id, r.id, D(10), D(20), coordinator(ceng)))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await assign(g.id, r.id, D(10), D(20), g.nominee))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await assign(g.id, r.id, D(10), D(20), null))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await activeAssignments(r.id)).toBe(0);
    ok(await assign(g.id, r.id, D(10), D(20)));

    const housing = async (as: Identity) => (ok(await hub.request(RcpMobilityDocument, { id: g.id }, as)).node as { housing: { room: { code: string }; startsOn: string }[] } | null)?.housing;
    expect(await housing(g.nominee)).toEqual([expect.objectContaining({ startsOn: D(10), room: expect.objectContaining({ code: 'K-7' }) })]);
    expect(await housing(coordinator(ceng))).toHaveLength(1);
    expect(await housing(coordinator(phys))).toBeUndefined();
    expect(await housing({ role: 'APPLICANT', sub: unique('student') })).toBeUndefined();
  });
});

describe('availability', () => {
  it('lists active rooms with their fewest free beds over the range (days outside a room’s availability have none), in two statements', async () => {
    const residence = unique('Availability Yurdu');
    const big = await room({ residence, code: 'A', capacity: 3 });
    const single = await room({ residence, code: 'B', capacity: 1 });
    await room({ residence, code: 'C', capacity: 2, availableFrom: D(15) });
    const closed = await room({ residence, code: 'D', capacity: 2 });
    ok(await hub.request(RcpDeactivateRoomDocument, { id: closed.id, version: closed.version }, OFFICE));
    const [a, b, c] = [await arrange(hub), await arrange(hub), await arrange(hub)];
    ok(await assign(a.id, big.id, D(10), D(12)));
    ok(await assign(b.id, big.id, D(12), D(14)));
    ok(await assign(c.id, single.id, D(13), D(13)));

    const ask = async (from: string, to: string) => {
      const res = await hub.request(RcpAvailabilityDocument, { from, to, residence }, coordinator(ceng));
      return { rows: ok(res).housingAvailability.map((x) => [x.room.code, x.capacity, x.freeBeds]), statements: res.extensions?.sqlStatements };
    };
    // D(10)..D(14): A has 1 free on D(12); B is taken on D(13); C opens on D(15); D is inactive.
    const first = await ask(D(10), D(14));
    expect(first.rows).toEqual([['A', 3, 1]]);
    expect(await ask(D(15), D(20))).toMatchObject({ rows: [['A', 3, 3], ['B', 1, 1], ['C', 2, 2]] });
    expect((await ask(D(15), D(20))).statements).toBe(first.statements);
    expect(first.statements).toBeLessThanOrEqual(2);

    expect(errorOf(await hub.request(RcpAvailabilityDocument, { from: D(5), to: D(1) }, OFFICE))).toMatchObject({ reason: 'START_AFTER_END', field: 'to' });
    expect(errorOf(await hub.request(RcpAvailabilityDocument, { from: D(1), to: D(900) }, OFFICE))).toMatchObject({ reason: 'RANGE_TOO_LONG' });
    expect(errorOf(await hub.request(RcpAvailabilityDocument, { from: D(1), to: D(2) }, { role: 'APPLICANT', sub: unique('student') }))).toMatchObject({ code: 'FORBIDDEN' });
  });
});
