import DataLoader from 'dataloader';
import { defineLoader } from '../../platform/graphql/context';
import { AssociationMembership, MembershipCorrespondence } from './membership.entity';

export const membershipById = defineLoader('membershipById', (ctx) =>
  new DataLoader<string, AssociationMembership | null>(async (ids) => {
    const rows = await ctx.em.find(AssociationMembership, { id: { $in: [...ids] } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }),
);

/** Position in a correspondence log, newest first: (date, createdAt, id), all descending. */
export interface CorrespondencePosition {
  date: string;
  createdAt: string;
  id: string;
}

export interface CorrespondencePageKey {
  membershipId: string;
  /** Rows wanted; the loader returns up to one more, so that the caller knows whether more follow. */
  limit: number;
  after?: CorrespondencePosition;
}

/**
 * Pages of correspondence logs, newest first. Keys asking for the same page shape (size and cursor) are answered
 * together by one statement whatever the number of memberships (a window function cuts each log to its page):
 * a list of memberships with their latest letters costs one query, not one per membership.
 */
export const correspondencePages = defineLoader('correspondencePages', (ctx) =>
  new DataLoader<CorrespondencePageKey, MembershipCorrespondence[], string>(
    async (keys) => {
      const groups = new Map<string, CorrespondencePageKey[]>();
      for (const key of keys) {
        const shape = JSON.stringify([key.limit, key.after ?? null]);
        groups.set(shape, [...(groups.get(shape) ?? []), key]);
      }
      const byKey = new Map<string, MembershipCorrespondence[]>();
      for (const group of groups.values()) {
        const { limit, after } = group[0];
        const ids = [...new Set(group.map((k) => k.membershipId))];
        const params: unknown[] = [`{${ids.join(',')}}`];
        let cursor = '';
        if (after) {
          cursor = 'and (c.date, c.created_at, c.id) < (?::date, ?::timestamptz, ?::uuid)';
          params.push(after.date, after.createdAt, after.id);
        }
        params.push(limit);
        const rows = await ctx.em.execute<Record<string, unknown>[]>(
          `select * from (
             select c.*, row_number() over (partition by c.membership_id order by c.date desc, c.created_at desc, c.id desc) as rn
               from membership_correspondence c
              where c.membership_id = any(?::uuid[]) ${cursor}) page
            where page.rn <= ?
            order by page.membership_id, page.rn`,
          params,
        );
        const byMembership = new Map<string, MembershipCorrespondence[]>();
        for (const { rn: _rn, ...row } of rows) {
          const entity = ctx.em.map(MembershipCorrespondence, row);
          const id = entity.membership.id;
          byMembership.set(id, [...(byMembership.get(id) ?? []), entity]);
        }
        for (const key of group) byKey.set(cacheKey(key), byMembership.get(key.membershipId) ?? []);
      }
      return keys.map((key) => byKey.get(cacheKey(key)) ?? []);
    },
    { cacheKeyFn: cacheKey },
  ),
);

function cacheKey(key: CorrespondencePageKey): string {
  return JSON.stringify([key.membershipId, key.limit, key.after ?? null]);
}

/** How many letters each membership's log holds (for totalCount), one statement per batch. */
export const correspondenceCounts = defineLoader('correspondenceCounts', (ctx) =>
  new DataLoader<string, number>(async (ids) => {
    const rows = await ctx.em.execute<{ id: string; n: number }[]>(
      `select membership_id::text as id, count(*)::int as n from membership_correspondence where membership_id = any(?::uuid[]) group by 1`,
      [`{${ids.join(',')}}`],
    );
    const byId = new Map(rows.map((r) => [r.id, r.n]));
    return ids.map((id) => byId.get(id) ?? 0);
  }),
);
