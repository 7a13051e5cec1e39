/** Helpers of the Meilisearch suites: reading an index, waiting for the worker. */
import type { Meilisearch } from 'meilisearch';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MEILI_CONSUMER } from '../../src/modules/search/meili.sink';
import { waitFor } from '../support/hub';

/** The document with this uid, or null when the index does not have it (or does not exist). */
export async function meiliDoc(client: Meilisearch, index: string, uid: string): Promise<Record<string, unknown> | null> {
  try {
    return await client.index(index).getDocument(uid);
  } catch (e) {
    const code = (e as { cause?: { code?: string } }).cause?.code;
    if (code === 'document_not_found' || code === 'index_not_found') return null;
    throw e;
  }
}

export async function waitIndexed(client: Meilisearch, index: string, uids: string[], ms = 20_000): Promise<void> {
  const missing = new Set(uids);
  await waitFor(
    async () => {
      for (const uid of [...missing]) if (await meiliDoc(client, index, uid)) missing.delete(uid);
      return missing.size === 0;
    },
    ms,
    `${uids.length} documents in ${index} (missing: ${[...missing].slice(0, 5).join(', ')})`,
  );
}

/** Every uid in an index. */
export async function meiliUids(client: Meilisearch, index: string): Promise<string[]> {
  const uids: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await client.index(index).getDocuments<{ uid: string }>({ fields: ['uid'], limit: 1000, offset });
    uids.push(...page.results.map((d) => d.uid));
    if (page.results.length < 1000) return uids;
  }
}

/** The consumer's cursor. */
export async function consumerCursor(em: EntityManager, name = MEILI_CONSUMER): Promise<{ txid: string; id: string; leasedBy: string | null } | null> {
  const [row] = await em.execute<{ txid: string; id: string; leased_by: string | null }[]>(
    `select last_txid::text as txid, last_id::text as id, leased_by from outbox_consumer where name = ?`,
    [name],
  );
  return row ? { txid: row.txid, id: row.id, leasedBy: row.leased_by } : null;
}

/** True when the consumer's cursor is past every outbox event about this aggregate. */
export async function consumedAll(em: EntityManager, aggregateIds: string[], name = MEILI_CONSUMER): Promise<boolean> {
  const [row] = await em.execute<{ pending: number }[]>(
    `select count(*)::int as pending from outbox_event e
      where e.aggregate_id = any(?::uuid[])
        and (e.txid, e.id) > (select last_txid, last_id from outbox_consumer where name = ?)`,
    [`{${aggregateIds.join(',')}}`, name],
  );
  return row.pending === 0;
}
