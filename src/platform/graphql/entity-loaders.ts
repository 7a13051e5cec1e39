import DataLoader from 'dataloader';
import { defineLoader } from './context';

/** One query per batch, whatever the number of rows asking. */
export function byId<T extends { id: string }>(name: string, entity: new () => T) {
  return defineLoader(name, (ctx) =>
    new DataLoader<string, T | null>(async (ids) => {
      const rows = await ctx.em.find(entity, { id: { $in: [...ids] } } as never);
      const map = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => map.get(id) ?? null);
    }),
  );
}

/** Rows of `entity` grouped by a many-to-one key, in `orderBy` order. */
export function groupedBy<T extends object>(name: string, entity: new () => T, key: keyof T & string, orderBy: Record<string, 'asc' | 'desc'>) {
  return defineLoader(name, (ctx) =>
    new DataLoader<string, T[]>(async (ids) => {
      const rows = await ctx.em.find(entity, { [key]: { $in: [...ids] } } as never, { orderBy: orderBy as never });
      const map = new Map<string, T[]>();
      for (const row of rows) {
        const k = (row[key] as unknown as { id: string }).id;
        map.set(k, [...(map.get(k) ?? []), row]);
      }
      return ids.map((id) => map.get(id) ?? []);
    }),
  );
}
