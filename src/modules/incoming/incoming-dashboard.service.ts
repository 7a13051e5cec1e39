/**
 * The incoming desk's week at a glance: guests arriving this week (Monday to Sunday at the host), beds free today per
 * residence, transcripts of records due, residence permits due, and guests by status. The office sees every guest,
 * coordinators their units' (and sub-units'); rooms are the same for both. A fixed number of statements.
 */
import { sqlArray } from '../../platform/db/sql-array';
import { forbidden, unauthenticated } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { toGlobalId } from '../../platform/graphql/relay';
import { descendantUnitIds } from '../agreements/agreement.service';
import { addDays, dayNumber } from '../mobility/calendar-day';
import type { HousingKind, IncomingStatus } from './incoming-mobility.entity';
import { INCOMING_TYPE } from './incoming-mobility.service';
import { hostToday } from '../mobility/calendar-day';
import { RESIDENCE_PERMIT_REMINDER_DAYS } from './reception.service';

export interface DashboardGuestRow {
  mobilityId: string;
  number: string;
  guestName: string;
  status: IncomingStatus;
  /** The day in question: arrival (actual, else planned), departure, or permit due date. */
  on: string;
  /** Arrivals: true when it is the planned day (not yet registered). */
  planned: boolean;
  /** Transcripts: days since the departure; permits: days left (negative when overdue). */
  days: number;
}

export interface ResidenceOccupancyView {
  residence: string;
  kind: HousingKind;
  rooms: number;
  beds: number;
  freeBeds: number;
}

export interface IncomingDashboardView {
  today: string;
  weekStart: string;
  weekEnd: string;
  arrivalsThisWeek: DashboardGuestRow[];
  roomsFreeToday: ResidenceOccupancyView[];
  transcriptsDue: DashboardGuestRow[];
  residencePermitsDue: DashboardGuestRow[];
  byStatus: { status: IncomingStatus; count: number }[];
}

/** Monday of the host week holding `day`. */
export function weekStartOf(day: string): string {
  const weekday = (dayNumber(day)! + 3) % 7; // 1970-01-01 was a Thursday: 0 = Monday
  return addDays(day, -weekday);
}

interface GuestSqlRow {
  section: 'arrival' | 'transcript' | 'permit';
  id: string;
  number: string;
  given_names: string;
  family_name: string;
  status: IncomingStatus;
  on: string;
  planned: boolean;
  days: number;
}

export async function incomingDashboard(ctx: RequestContext, args: { academicYear?: string | null }, now = new Date()): Promise<IncomingDashboardView> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (!ctx.viewer.isOffice && !ctx.viewer.has('COORDINATOR')) throw forbidden('The incoming dashboard is for the office and coordinators');
  const today = hostToday(now);
  const weekStart = weekStartOf(today);
  const weekEnd = addDays(weekStart, 6);
  const clauses: string[] = ['true'];
  const params: unknown[] = [];
  if (args.academicYear) {
    clauses.push('m.academic_year = ?');
    params.push(args.academicYear);
  }
  if (!ctx.viewer.isOffice) {
    clauses.push('m.host_unit_id = any(?::uuid[])');
    params.push(sqlArray(await descendantUnitIds(ctx.em, [...ctx.viewer.units])));
  }
  const scope = clauses.join(' and ');

  // The three lists of guests in one statement (each branch carries its section).
  const guests = await ctx.em.execute<GuestSqlRow[]>(
    `select * from (
       select 'arrival' as section, m.id::text as id, m.number, m.given_names, m.family_name, m.status,
              to_char(coalesce(m.actual_arrival, m.planned_arrival), 'YYYY-MM-DD') as "on", m.actual_arrival is null as planned, 0 as days
         from incoming_mobility m
        where ${scope}
          and ((m.actual_arrival between ?::date and ?::date)
               or (m.actual_arrival is null and m.status = 'ACCEPTED' and m.planned_arrival between ?::date and ?::date))
       union all
       select 'transcript', m.id::text, m.number, m.given_names, m.family_name, m.status,
              to_char(m.actual_departure, 'YYYY-MM-DD'), false, (?::date - m.actual_departure)::int
         from incoming_mobility m
        where ${scope}
          and m.status = 'DEPARTED' and m.mobility_type in ('SMS', 'SMT') and m.transcript_issued_at is null
       union all
       select 'permit', m.id::text, m.number, m.given_names, m.family_name, m.status,
              to_char(m.residence_permit_due_on, 'YYYY-MM-DD'), false, (m.residence_permit_due_on - ?::date)::int
         from incoming_mobility m
        where ${scope}
          and m.status = 'ARRIVED' and m.residence_permit_required and m.residence_permit_obtained_on is null
          and m.residence_permit_due_on <= ?::date
     ) g
     order by section, "on", number`,
    [
      ...params,
      weekStart,
      weekEnd,
      weekStart,
      weekEnd,
      today,
      ...params,
      today,
      ...params,
      addDays(today, RESIDENCE_PERMIT_REMINDER_DAYS),
    ],
  );
  const view = (r: GuestSqlRow): DashboardGuestRow => ({
    mobilityId: toGlobalId(INCOMING_TYPE, r.id),
    number: r.number,
    guestName: `${r.given_names} ${r.family_name}`,
    status: r.status,
    on: r.on,
    planned: r.planned,
    days: r.days,
  });

  const statuses = await ctx.em.execute<{ status: IncomingStatus; count: number }[]>(
    `select m.status, count(*)::int as count from incoming_mobility m where ${scope} group by m.status order by m.status`,
    params,
  );

  // Beds free today: active rooms available today, less today's active assignments.
  const rooms = await ctx.em.execute<{ residence: string; kind: HousingKind; rooms: number; beds: number; free_beds: number }[]>(
    `select r.residence, min(r.kind) as kind, count(*)::int as rooms, sum(r.capacity)::int as beds,
            sum(greatest(r.capacity - coalesce(t.n, 0), 0))::int as free_beds
       from housing_room r
       left join (select room_id, count(*) as n from housing_assignment
                   where released_at is null and starts_on <= ?::date and ends_on >= ?::date group by room_id) t on t.room_id = r.id
      where r.active and (r.available_from is null or r.available_from <= ?::date) and (r.available_until is null or r.available_until >= ?::date)
      group by r.residence
      order by r.residence`,
    [today, today, today, today],
  );

  // The transcript branch's "days" is days since the departure, the permit branch's days left.
  return {
    today,
    weekStart,
    weekEnd,
    arrivalsThisWeek: guests.filter((g) => g.section === 'arrival').map(view),
    transcriptsDue: guests.filter((g) => g.section === 'transcript').map(view).sort((a, b) => b.days - a.days || a.number.localeCompare(b.number)),
    residencePermitsDue: guests.filter((g) => g.section === 'permit').map(view),
    roomsFreeToday: rooms.map((r) => ({ residence: r.residence, kind: r.kind, rooms: r.rooms, beds: r.beds, freeBeds: r.free_beds })),
    byStatus: statuses,
  };
}
