import { sqlArray } from '../../platform/db/sql-array';
import DataLoader from 'dataloader';
import { defineLoader } from '../../platform/graphql/context';
import { ParticipationRequest, ParticipationStatus } from './participation-request.entity';


export interface RegistrationCounts {
  registered: number;
  waitlisted: number;
}

/**
 * How many people hold a place and how many wait, per event: one grouped statement for a whole list of events
 * (a page of events showing places left costs the same whatever its size).
 */
export const registrationCounts = defineLoader('registration.counts', (ctx) =>
  new DataLoader<string, RegistrationCounts>(async (eventIds) => {
    const rows = await ctx.em.execute<{ id: string; registered: number; waitlisted: number }[]>(
      `select event_id::text as id,
              count(*) filter (where status = 'REGISTERED')::int as registered,
              count(*) filter (where status = 'WAITLISTED')::int as waitlisted
         from event_registration
        where event_id = any(?::uuid[]) and status <> 'CANCELLED'
        group by event_id`,
      [sqlArray(eventIds)],
    );
    const byId = new Map(rows.map((r) => [r.id, { registered: r.registered, waitlisted: r.waitlisted }]));
    return eventIds.map((id) => byId.get(id) ?? { registered: 0, waitlisted: 0 });
  }),
);

/** Place on its event's waiting list (1 = next to move up) per waitlisted registration, one statement per batch. */
export const waitlistPositions = defineLoader('registration.waitlistPositions', (ctx) =>
  new DataLoader<string, number | null>(async (ids) => {
    const rows = await ctx.em.execute<{ id: string; position: number }[]>(
      `select w.id::text as id, w.position from (
         select r.id, row_number() over (partition by r.event_id order by r.registered_at, r.id)::int as position
           from event_registration r
          where r.status = 'WAITLISTED'
            and r.event_id in (select event_id from event_registration where id = any(?::uuid[]))) w
        where w.id = any(?::uuid[])`,
      [sqlArray(ids), sqlArray(ids)],
    );
    const byId = new Map(rows.map((r) => [r.id, r.position]));
    return ids.map((id) => byId.get(id) ?? null);
  }),
);

/** Approved participation requests per announcement or event, in order of decision, one statement per batch. */
export const approvedParticipantsOf = defineLoader('participation.approvedOf', (ctx) =>
  new DataLoader<string, ParticipationRequest[]>(async (contentIds) => {
    const rows = await ctx.em.find(
      ParticipationRequest,
      { content: { $in: [...contentIds] }, status: ParticipationStatus.APPROVED },
      { orderBy: { decidedAt: 'asc', id: 'asc' } },
    );
    const byContent = new Map<string, ParticipationRequest[]>();
    for (const row of rows) byContent.set(row.content.id, [...(byContent.get(row.content.id) ?? []), row]);
    return contentIds.map((id) => byContent.get(id) ?? []);
  }),
);

/** Participation requests per announcement or event, all statuses, one statement per batch. */
export const participationCounts = defineLoader('participation.counts', (ctx) =>
  new DataLoader<string, number>(async (contentIds) => {
    const rows = await ctx.em.execute<{ id: string; n: number }[]>(
      `select content_id::text as id, count(*)::int as n from participation_request where content_id = any(?::uuid[]) group by content_id`,
      [sqlArray(contentIds)],
    );
    const byId = new Map(rows.map((r) => [r.id, r.n]));
    return contentIds.map((id) => byId.get(id) ?? 0);
  }),
);

/** Participation requests by uuid (callers apply the access rule). */
export const participationRequestById = defineLoader('participation.byId', (ctx) =>
  new DataLoader<string, ParticipationRequest | null>(async (ids) => {
    const rows = await ctx.em.find(ParticipationRequest, { id: { $in: [...ids] } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }),
);
