import type { EntityManager } from '@mikro-orm/postgresql';
import type DataLoader from 'dataloader';
import type { Config } from '../../config/config';
import type { Viewer } from '../auth/viewer';
import type { DeliveredEvent, HubEvents, PendingEvent } from '../events/outbox';
import type { Logger } from '../logging/logger';

export type Locale = 'tr' | 'en';

/** A per-operation DataLoader, declared once by a module and instantiated lazily per request context. */
export interface LoaderDefinition<K, V, C = K> {
  name: string;
  create(ctx: RequestContext): DataLoader<K, V, C>;
}

export function defineLoader<K, V, C = K>(
  name: string,
  create: (ctx: RequestContext) => DataLoader<K, V, C>,
): LoaderDefinition<K, V, C> {
  return { name, create };
}

/** What a transaction body receives: its own entity manager (never the request's) and the outbox. */
export interface Transaction {
  em: EntityManager;
  emit(event: PendingEvent): void;
}

/**
 * Everything one GraphQL operation needs, passed explicitly to services. Over WebSocket a subscription keeps
 * its context for its whole life, so `refresh()` gives each delivered event a new entity manager and new
 * loaders: nothing cached for an earlier event is served again.
 */
export class RequestContext {
  private loaders = new Map<string, DataLoader<unknown, unknown, unknown>>();
  private _em: EntityManager;
  /** What services report in the response's `extensions` (e.g. which search engine answered). */
  readonly extensions: Record<string, unknown> = {};
  /** While a transaction runs: its handle, and loaders that read through it. */
  private active?: { tx: Transaction; loaders: Map<string, DataLoader<unknown, unknown, unknown>> };

  constructor(
    readonly requestId: string,
    readonly viewer: Viewer,
    private _locale: Locale,
    private readonly rootEm: EntityManager,
    readonly config: Config,
    readonly log: Logger,
    private readonly events: HubEvents,
  ) {
    this._em = rootEm.fork({ clear: true });
  }

  /** The locale texts are served in: Accept-Language (or the connection's), or a query's `locale` argument. */
  get locale(): Locale {
    return this._locale;
  }

  /** A query's `locale` argument applies to the whole operation. */
  useLocale(locale: Locale | undefined | null): void {
    if (locale) this._locale = locale;
  }

  /** The request's entity manager, or the open transaction's while one runs (so services can be composed). */
  get em(): EntityManager {
    return this.active?.tx.em ?? this._em;
  }

  loader<K, V, C>(definition: LoaderDefinition<K, V, C>): DataLoader<K, V, C> {
    const loaders = this.active?.loaders ?? this.loaders;
    let loader = loaders.get(definition.name);
    if (!loader) {
      loader = definition.create(this) as DataLoader<unknown, unknown, unknown>;
      loaders.set(definition.name, loader);
    }
    return loader as unknown as DataLoader<K, V, C>;
  }

  /** Live outbox events this viewer may see, for a subscription's `subscribe`. */
  follow(accept: (event: DeliveredEvent) => boolean): AsyncIterableIterator<DeliveredEvent> {
    return this.events.stream(accept);
  }

  refresh(): void {
    this._em = this.rootEm.fork({ clear: true });
    this.loaders.clear();
  }

  /**
   * Runs `fn` in one database transaction. Events it emits are written to the outbox in that transaction;
   * the bus rings only after commit, so nothing is announced that did not happen. A service called from inside
   * another's transaction joins it: one commit for both, and on PGlite no second connection that would wait forever.
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.active) return fn(this.active.tx);
    let emitted = 0;
    const actor = this.viewer.subject ?? undefined;
    const result = await this._em.transactional(async (em) => {
      const tx: Transaction = {
        em: em as EntityManager,
        emit: (event) => {
          emitted++;
          this.events.record(em as EntityManager, { actor, ...event });
        },
      };
      this.active = { tx, loaders: new Map() };
      try {
        return await fn(tx);
      } finally {
        this.active = undefined;
      }
    });
    if (emitted > 0) this.events.ring();
    return result;
  }
}
