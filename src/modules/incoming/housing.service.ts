/**
 * Housing of incoming guests: the office's rooms (dormitory or partner housing) with their beds and availability, and
 * beds assigned to guests for date ranges. No room is ever booked beyond its beds on any day: an assignment locks the
 * room row before counting, so concurrent assignments of the last bed queue and the second one sees the first.
 */
import { LockMode, UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import { assertOffice } from '../../platform/auth/office';
import { findPage } from '../../platform/db/pagination';
import { forbidden, notFound, unauthenticated, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext, Transaction } from '../../platform/graphql/context';
import { byId } from '../../platform/graphql/entity-loaders';
import { fromGlobalId, pageRequest, toGlobalId, type ConnectionArgs, type ConnectionShape } from '../../platform/graphql/relay';
import { daysInclusive } from '../mobility/calendar-day';
import { HousingAssignment, HousingKind, HousingRoom, IncomingStatus as S } from './incoming-mobility.entity';
import { announceIncoming, INCOMING_TYPE, withIncoming } from './incoming-mobility.service';
import { ReceptionErrors } from './reception.errors';
import { hostToday } from '../mobility/calendar-day';
import { assertState, parseDay } from './reception.service';

export const HOUSING_ROOM_TYPE = 'HousingRoom';
export const HOUSING_ASSIGNMENT_TYPE = 'HousingAssignment';

export const housingRoomById = byId('housingRoomById', HousingRoom);

/** Guests are housed once accepted and while they stay. */
export const HOUSABLE: readonly S[] = [S.ACCEPTED, S.ARRIVED];

/** The longest range availability is asked for, and the longest assignment (a full academic year and then some). */
export const MAX_HOUSING_DAYS = 400;

/** Rooms are the office's and coordinators' working data (no personal data, but not public). */
export function assertHousingReader(ctx: RequestContext): void {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (!ctx.viewer.isOffice && !ctx.viewer.has('COORDINATOR')) throw forbidden('Housing is for the office and coordinators');
}

function parseRange(from: string, to: string, fromField: string, toField: string): [string, string] {
  const start = parseDay(from, fromField);
  const end = parseDay(to, toField);
  if (start > end) throw ReceptionErrors.startAfterEnd(toField, start, end);
  const days = daysInclusive(start, end);
  if (days > MAX_HOUSING_DAYS) throw ReceptionErrors.rangeTooLong(toField, days, MAX_HOUSING_DAYS);
  return [start, end];
}

function parseAvailability(from: string | null | undefined, until: string | null | undefined): { from: string | null; until: string | null } {
  const f = from ? parseDay(from, 'availableFrom') : null;
  const u = until ? parseDay(until, 'availableUntil') : null;
  if (f && u && f > u) throw ReceptionErrors.startAfterEnd('availableUntil', f, u);
  return { from: f, until: u };
}

// --- Rooms --------------------------------------------------------------------------------------------------------------

export async function getHousingRoom(ctx: RequestContext, id: string): Promise<HousingRoom | null> {
  if (!ctx.viewer.isOffice && !ctx.viewer.has('COORDINATOR')) return null;
  return ctx.em.findOne(HousingRoom, { id });
}

export async function listHousingRooms(
  ctx: RequestContext,
  args: ConnectionArgs & { residence?: string | null; includeInactive?: boolean | null },
): Promise<ConnectionShape<HousingRoom>> {
  assertHousingReader(ctx);
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const where: FilterQuery<HousingRoom> = {
    ...(args.residence ? { residence: args.residence.trim() } : {}),
    ...(args.includeInactive ? {} : { active: true }),
  };
  return findPage(ctx.em, HousingRoom, where, [
    { field: 'residence', direction: 'asc' },
    { field: 'code', direction: 'asc' },
    { field: 'id', direction: 'asc' },
  ], page);
}

export interface RoomFields {
  residence?: string | null;
  kind?: HousingKind | null;
  code?: string | null;
  capacity?: number | null;
  availableFrom?: string | null;
  availableUntil?: string | null;
}

export async function createHousingRoom(ctx: RequestContext, input: RoomFields & { residence: string; kind: HousingKind; code: string; capacity: number }): Promise<HousingRoom> {
  assertOffice(ctx, 'Managing the rooms');
  const residence = input.residence.trim();
  const code = input.code.trim();
  const availability = parseAvailability(input.availableFrom, input.availableUntil);
  try {
    return await ctx.transaction(async (tx) => {
      if (await tx.em.count(HousingRoom, { residence, code })) throw ReceptionErrors.roomExists(residence, code);
      const room = tx.em.create(HousingRoom, {
        residence,
        kind: input.kind,
        code,
        capacity: input.capacity,
        availableFrom: availability.from ?? undefined,
        availableUntil: availability.until ?? undefined,
        active: true,
      } as never);
      await tx.em.flush();
      return room;
    });
  } catch (e) {
    // Two offices creating the same room at once: the unique index decides.
    if (e instanceof UniqueConstraintViolationException) throw ReceptionErrors.roomExists(residence, code);
    throw e;
  }
}

/**
 * Changes a room (version-checked, the room locked like an assignment would): fewer beds than are booked on any day
 * from today, an availability that would leave active assignments outside, or deactivating a room whose assignments
 * have not ended, are refused.
 */
export async function updateHousingRoom(ctx: RequestContext, input: RoomFields & { id: string; version: number; active?: boolean | null }): Promise<HousingRoom> {
  assertOffice(ctx, 'Managing the rooms');
  const id = fromGlobalId(input.id, HOUSING_ROOM_TYPE, 'id');
  try {
    return await ctx.transaction(async (tx) => {
      const room = await tx.em.findOne(HousingRoom, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!room) throw notFound(HOUSING_ROOM_TYPE, input.id);
      if (room.version !== input.version) throw versionConflict(HOUSING_ROOM_TYPE, input.version, room.version);
      const residence = input.residence?.trim() || room.residence;
      const code = input.code?.trim() || room.code;
      if ((residence !== room.residence || code !== room.code) && (await tx.em.count(HousingRoom, { residence, code, id: { $ne: id } }))) {
        throw ReceptionErrors.roomExists(residence, code);
      }
      const availability = parseAvailability(
        input.availableFrom === undefined ? room.availableFrom : input.availableFrom,
        input.availableUntil === undefined ? room.availableUntil : input.availableUntil,
      );
      const today = hostToday();
      const capacity = input.capacity ?? room.capacity;
      if (capacity < room.capacity) {
        const [busiest] = await tx.em.execute<{ day: string; taken: number }[]>(
          `select to_char(d, 'YYYY-MM-DD') as day, count(*)::int as taken
             from housing_assignment a
             cross join lateral generate_series(greatest(a.starts_on, ?::date), a.ends_on, interval '1 day') d
            where a.room_id = ? and a.released_at is null and a.ends_on >= ?::date
            group by d order by taken desc, d limit 1`,
          [today, id, today],
        );
        if (busiest && busiest.taken > capacity) throw ReceptionErrors.capacityBelowBookings(capacity, busiest.taken, busiest.day);
      }
      const outsideIf: FilterQuery<HousingAssignment>[] = [
        ...(availability.from ? [{ startsOn: { $lt: availability.from } }] : []),
        ...(availability.until ? [{ endsOn: { $gt: availability.until } }] : []),
      ];
      if (outsideIf.length) {
        const outside = await tx.em.count(HousingAssignment, { room: id, releasedAt: null, endsOn: { $gte: today }, $or: outsideIf });
        if (outside) throw ReceptionErrors.bookingsOutsideAvailability(outside);
      }
      if (input.active === false && room.active) {
        const open = await tx.em.count(HousingAssignment, { room: id, releasedAt: null, endsOn: { $gte: today } });
        if (open) throw ReceptionErrors.roomHasBookings(open);
      }
      room.residence = residence;
      room.code = code;
      if (input.kind) room.kind = input.kind;
      room.capacity = capacity;
      room.availableFrom = availability.from ?? undefined;
      room.availableUntil = availability.until ?? undefined;
      if (input.active !== undefined && input.active !== null) room.active = input.active;
      room.updatedAt = new Date();
      await tx.em.flush();
      return room;
    });
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException) throw ReceptionErrors.roomExists(input.residence ?? '', input.code ?? '');
    throw e;
  }
}

// --- Assignments --------------------------------------------------------------------------------------------------------

/**
 * A bed of a room for a guest (office), for ACCEPTED or ARRIVED guests: real dates, first ≤ last, within the room's
 * availability, the room active, the guest without another bed on any of these days, and a free bed on every day.
 * The guest's mobility is locked (withIncoming), then the room row: assignments of one room are counted one at a time.
 */
export async function assignHousing(ctx: RequestContext, input: { mobilityId: string; roomId: string; startsOn: string; endsOn: string }): Promise<HousingAssignment> {
  assertOffice(ctx, 'Housing guests');
  const [startsOn, endsOn] = parseRange(input.startsOn, input.endsOn, 'startsOn', 'endsOn');
  const roomId = fromGlobalId(input.roomId, HOUSING_ROOM_TYPE, 'roomId');
  return withIncoming(ctx, input.mobilityId, null, 'HOST', async (tx, m) => {
    assertState(m, HOUSABLE, 'Housing a guest');
    const [room] = await tx.em.execute<{ capacity: number; active: boolean; available_from: string | null; available_until: string | null }[]>(
      `select capacity, active, to_char(available_from, 'YYYY-MM-DD') as available_from, to_char(available_until, 'YYYY-MM-DD') as available_until
         from housing_room where id = ? for update`,
      [roomId],
    );
    if (!room) throw notFound(HOUSING_ROOM_TYPE, input.roomId);
    if (!room.active) throw ReceptionErrors.roomInactive();
    if ((room.available_from && startsOn < room.available_from) || (room.available_until && endsOn > room.available_until)) {
      throw ReceptionErrors.outsideAvailability(room.available_from, room.available_until);
    }
    const own = await tx.em.findOne(HousingAssignment, { mobility: m.id, releasedAt: null, startsOn: { $lte: endsOn }, endsOn: { $gte: startsOn } });
    if (own) throw ReceptionErrors.guestAlreadyHoused(toGlobalId(HOUSING_ASSIGNMENT_TYPE, own.id), own.startsOn, own.endsOn);
    const [full] = await tx.em.execute<{ day: string }[]>(
      `select to_char(d, 'YYYY-MM-DD') as day
         from generate_series(?::date, ?::date, interval '1 day') d
         left join housing_assignment a on a.room_id = ? and a.released_at is null and a.starts_on <= d::date and a.ends_on >= d::date
        group by d
       having count(a.id) >= ?
        order by d limit 1`,
      [startsOn, endsOn, roomId, room.capacity],
    );
    if (full) throw ReceptionErrors.roomFull(full.day, room.capacity);
    const assignment = tx.em.create(HousingAssignment, { room: roomId, mobility: m, startsOn, endsOn } as never);
    await tx.em.flush();
    await announceIncoming(tx, m, { changed: 'housing' });
    return assignment;
  });
}

/** Frees the bed (office); the assignment stays as history. */
export async function releaseHousing(ctx: RequestContext, assignmentGlobalId: string): Promise<HousingAssignment> {
  assertOffice(ctx, 'Housing guests');
  const id = fromGlobalId(assignmentGlobalId, HOUSING_ASSIGNMENT_TYPE, 'assignmentId');
  const found = await ctx.em.findOne(HousingAssignment, { id });
  if (!found) throw notFound(HOUSING_ASSIGNMENT_TYPE, assignmentGlobalId);
  return withIncoming(ctx, toGlobalId(INCOMING_TYPE, found.mobility.id), null, 'HOST', async (tx, m) => {
    const assignment = await tx.em.findOneOrFail(HousingAssignment, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (assignment.releasedAt) throw ReceptionErrors.alreadyReleased();
    assignment.releasedAt = new Date();
    await tx.em.flush();
    await announceIncoming(tx, m, { changed: 'housing' });
    return assignment;
  });
}

/**
 * At the confirmed departure, the guest's beds after the last day are given back: assignments running past it end on
 * it, those starting after it are released.
 */
export async function endHousingAt(tx: Transaction, mobilityId: string, lastDay: string): Promise<number> {
  const rows = await tx.em.find(HousingAssignment, { mobility: mobilityId, releasedAt: null, endsOn: { $gt: lastDay } });
  for (const a of rows) {
    if (a.startsOn > lastDay) a.releasedAt = new Date();
    else a.endsOn = lastDay;
  }
  return rows.length;
}

// --- Availability -------------------------------------------------------------------------------------------------------

export interface RoomAvailabilityView {
  room: HousingRoom;
  capacity: number;
  freeBeds: number;
}

/**
 * Active rooms with a free bed on every day of [from, to]: free beds is the fewest over the days (a day outside the
 * room's availability has none). Two statements whatever the number of rooms or days.
 */
export async function housingAvailability(ctx: RequestContext, args: { from: string; to: string; residence?: string | null }): Promise<RoomAvailabilityView[]> {
  assertHousingReader(ctx);
  const [from, to] = parseRange(args.from, args.to, 'from', 'to');
  const residence = args.residence?.trim() || null;
  const rows = await ctx.em.execute<{ id: string; free_beds: number }[]>(
    `with days as (select d::date as day from generate_series(?::date, ?::date, interval '1 day') d),
          taken as (
            select a.room_id, days.day, count(*) as n
              from housing_assignment a
              join days on a.starts_on <= days.day and a.ends_on >= days.day
             where a.released_at is null
             group by a.room_id, days.day)
     select r.id::text as id,
            min(case when (r.available_from is null or days.day >= r.available_from) and (r.available_until is null or days.day <= r.available_until)
                     then r.capacity - coalesce(taken.n, 0) else 0 end)::int as free_beds
       from housing_room r
       cross join days
       left join taken on taken.room_id = r.id and taken.day = days.day
      where r.active and (?::text is null or r.residence = ?::text)
      group by r.id
     having min(case when (r.available_from is null or days.day >= r.available_from) and (r.available_until is null or days.day <= r.available_until)
                     then r.capacity - coalesce(taken.n, 0) else 0 end) > 0`,
    [from, to, residence, residence],
  );
  if (rows.length === 0) return [];
  const free = new Map(rows.map((r) => [r.id, r.free_beds]));
  const rooms = await ctx.em.find(HousingRoom, { id: { $in: [...free.keys()] } }, { orderBy: { residence: 'asc', code: 'asc', id: 'asc' } });
  return rooms.map((room) => ({ room, capacity: room.capacity, freeBeds: free.get(room.id)! }));
}
