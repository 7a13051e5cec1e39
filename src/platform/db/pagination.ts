import type { EntityName, FilterQuery, QueryOrder } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { invalidInput } from '../errors/domain-error';
import { encodeCursor, type ConnectionShape, type KeysetPage } from '../graphql/relay';

export interface SortKey<T> {
  field: keyof T & string;
  direction: 'asc' | 'desc';
}

/**
 * Keyset (cursor) pagination: the cursor holds the sort values of the last row, and the next page starts
 * strictly after them, so deep pages cost the same as the first. The last sort key must be unique (the id).
 * One query for the page (first + 1 rows, to know whether more follow) and one count, only if asked for.
 */
export async function findPage<T extends object>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  sort: SortKey<T>[],
  page: KeysetPage,
): Promise<ConnectionShape<T>> {
  let filter = where;
  if (page.after) {
    const values = page.after.values;
    if (values.length !== sort.length) {
      throw invalidInput('after', 'after is a cursor for a different ordering', 'INVALID_CURSOR');
    }
    // (a, b, c) after (x, y, z)  ⇔  a ≷ x  or (a = x and b ≷ y)  or (a = x and b = y and c ≷ z)
    const branches = sort.map((key, i) => {
      const branch: Record<string, unknown> = {};
      for (let j = 0; j < i; j++) branch[sort[j].field] = values[j];
      branch[key.field] = { [key.direction === 'asc' ? '$gt' : '$lt']: values[i] };
      return branch;
    });
    filter = { $and: [where, { $or: branches }] } as FilterQuery<T>;
  }
  const orderBy = Object.fromEntries(sort.map((k) => [k.field, k.direction])) as Record<string, QueryOrder>;
  const rows = page.first === 0 ? [] : await em.find(entity, filter, { orderBy: orderBy as never, limit: page.first + 1 });
  return connectionOf(
    rows.slice(0, page.first),
    rows.length > page.first,
    page.after !== undefined,
    (node) => encodeCursor(sort.map((k) => serialise((node as Record<string, unknown>)[k.field]))),
    () => em.count(entity, where),
  );
}

/**
 * A Relay connection from one page of nodes. `count` runs only when a client selects totalCount (a lazy getter),
 * and at most once.
 */
export function connectionOf<T>(
  nodes: T[],
  hasNextPage: boolean,
  hasPreviousPage: boolean,
  cursorOf: (node: T) => string,
  count: () => Promise<number>,
): ConnectionShape<T> {
  const edges = nodes.map((node) => ({ node, cursor: cursorOf(node) }));
  let counted: Promise<number> | undefined;
  return {
    edges,
    nodes,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    get totalCount() {
      return (counted ??= count());
    },
  };
}

function serialise(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}
