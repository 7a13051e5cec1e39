import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { defineLoader } from '../../platform/graphql/context';
import { ContactPerson } from './contact-person.entity';
import { Institution } from './institution.entity';
import { OrganisationalUnit } from './organisational-unit.entity';

/** One query per batch, whatever the number of rows asking. */
export const institutionById = defineLoader('institutionById', (ctx) =>
  new DataLoader<string, Institution | null>(async (ids) => {
    const rows = await ctx.em.find(Institution, { id: { $in: [...ids] } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }),
);

export const unitById = defineLoader('unitById', (ctx) =>
  new DataLoader<string, OrganisationalUnit | null>(async (ids) => {
    const rows = await ctx.em.find(OrganisationalUnit, { id: { $in: [...ids] } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }),
);

export const unitsByParent = defineLoader('unitsByParent', (ctx) =>
  new DataLoader<string, OrganisationalUnit[]>(async (parentIds) => {
    const rows = await ctx.em.find(OrganisationalUnit, { parent: { $in: [...parentIds] } }, { orderBy: { code: 'asc' } });
    const byParent = new Map<string, OrganisationalUnit[]>();
    for (const row of rows) {
      const key = row.parent!.id;
      byParent.set(key, [...(byParent.get(key) ?? []), row]);
    }
    return parentIds.map((id) => byParent.get(id) ?? []);
  }),
);

/** The unit and all its ancestors' ids, for scope checks (a faculty's coordinator covers its departments). */
export async function fetchLineages(em: EntityManager, ids: readonly string[]): Promise<string[][]> {
  const rows = await em.execute<{ start: string; id: string }[]>(
    `with recursive lineage(start, id, parent_id, depth) as (
       select u.id, u.id, u.parent_id, 0 from organisational_unit u where u.id = any(?::uuid[])
       union all
       select l.start, p.id, p.parent_id, l.depth + 1
         from lineage l join organisational_unit p on p.id = l.parent_id
        where l.depth < 20)
     select start::text as start, id::text as id from lineage order by depth`,
    [`{${ids.join(',')}}`],
  );
  const byStart = new Map<string, string[]>();
  for (const r of rows) byStart.set(r.start, [...(byStart.get(r.start) ?? []), r.id]);
  return ids.map((id) => byStart.get(id) ?? []);
}

export const unitLineage = defineLoader('unitLineage', (ctx) =>
  new DataLoader<string, string[]>((ids) => fetchLineages(ctx.em, ids)),
);

export const contactsByInstitution = defineLoader('contactsByInstitution', (ctx) =>
  new DataLoader<string, ContactPerson[]>(async (ids) => {
    const rows = await ctx.em.find(ContactPerson, { institution: { $in: [...ids] } }, { orderBy: { role: 'asc', name: 'asc' } });
    const byInstitution = new Map<string, ContactPerson[]>();
    for (const row of rows) byInstitution.set(row.institution.id, [...(byInstitution.get(row.institution.id) ?? []), row]);
    return ids.map((id) => byInstitution.get(id) ?? []);
  }),
);
