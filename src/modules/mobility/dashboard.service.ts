import { forbidden, unauthenticated } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId } from '../../platform/graphql/relay';
import { descendantUnitIds } from '../agreements/agreement.service';
import type { ApplicationStatus } from './application.entity';
import { CALL_TYPE } from './call.service';
import { sqlArray } from '../../platform/db/sql-array';
import { sqlStates, TAKES_PLACE } from './application.transitions';

export interface MobilityDashboardView {
  byStatus: { status: ApplicationStatus; count: number }[];
  byCall: { callId: string; count: number }[];
  byUnit: { unitId: string; count: number }[];
  byCountry: { country: string; count: number }[];
  placesLeft: { placeId: string; capacity: number; taken: number; left: number }[];
}

/**
 * The office dashboard: applications counted by status, call, unit and destination country (the place held, else the
 * first preference), and places left per destination. One statement for the counts (grouping sets), one for the places.
 * Coordinators get the same, limited to their units. Drafts are the applicant's own business and are not counted.
 */
export async function mobilityDashboard(ctx: RequestContext, args: { callId?: string | null; academicYear?: string | null }): Promise<MobilityDashboardView> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (!ctx.viewer.isOffice && !ctx.viewer.has('COORDINATOR')) throw forbidden('The dashboard is for the office and coordinators');
  const clauses = [`a.status <> 'DRAFT'`];
  const params: unknown[] = [];
  const callId = args.callId ? fromGlobalId(args.callId, CALL_TYPE, 'callId') : undefined;
  if (callId) {
    clauses.push('a.call_id = ?');
    params.push(callId);
  }
  if (args.academicYear) {
    clauses.push('c.academic_year = ?');
    params.push(args.academicYear);
  }
  if (!ctx.viewer.isOffice) {
    clauses.push('a.unit_id = any(?::uuid[])');
    params.push(sqlArray(await descendantUnitIds(ctx.em, [...ctx.viewer.units])));
  }
  const rows = await ctx.em.execute<{ status: string | null; call_id: string | null; unit_id: string | null; country: string | null; dims: number; count: number }[]>(
    `with scoped as (
       select a.status, a.call_id, a.unit_id, coalesce(held.country, first_choice.country) as country
         from mobility_application a
         join mobility_call c on c.id = a.call_id
         left join mobility_call_place held on held.id = a.placed_at_id and a.status in (${sqlStates(TAKES_PLACE)})
         left join mobility_application_preference fp on fp.application_id = a.id and fp.rank = 1
         left join mobility_call_place first_choice on first_choice.id = fp.place_id
        where ${clauses.join(' and ')})
     select status, call_id::text as call_id, unit_id::text as unit_id, country,
            grouping(status, call_id, unit_id, country)::int as dims, count(*)::int as count
       from scoped
      group by grouping sets ((status), (call_id), (unit_id), (country))
      order by count desc, status, country`,
    params,
  );
  const view: MobilityDashboardView = { byStatus: [], byCall: [], byUnit: [], byCountry: [], placesLeft: [] };
  // grouping() sets a bit for each column left out: 0b0111 means only status was grouped, and so on.
  for (const r of rows) {
    if (r.dims === 0b0111) view.byStatus.push({ status: r.status as ApplicationStatus, count: r.count });
    else if (r.dims === 0b1011) view.byCall.push({ callId: r.call_id!, count: r.count });
    else if (r.dims === 0b1101) view.byUnit.push({ unitId: r.unit_id!, count: r.count });
    else if (r.dims === 0b1110 && r.country) view.byCountry.push({ country: r.country, count: r.count });
  }
  if (callId) {
    const places = await ctx.em.execute<{ id: string; capacity: number; taken: number }[]>(
      `select p.id::text as id, p.capacity, coalesce(held.taken, 0)::int as taken
         from mobility_call_place p
         left join (select placed_at_id, count(*) as taken from mobility_application
                     where call_id = ? and status in (${sqlStates(TAKES_PLACE)}) group by placed_at_id) held on held.placed_at_id = p.id
        where p.call_id = ? order by p.position, p.id`,
      [callId, callId],
    );
    view.placesLeft = places.map((p) => ({ placeId: p.id, capacity: p.capacity, taken: p.taken, left: Math.max(0, p.capacity - p.taken) }));
  }
  return view;
}
