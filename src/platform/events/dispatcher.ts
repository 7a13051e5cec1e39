import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logging/logger';
import type { EventBus } from './bus';
import { currentCursor, readEventsAfter, type DeliveredEvent } from './outbox';

type Listener = (event: DeliveredEvent) => void;

/**
 * Reads the outbox after every ring (and on a timer, in case a ring was lost) and hands each committed event to
 * this instance's live subscriptions. Reads are single-flight: a ring during a read triggers one more read.
 */
export class OutboxDispatcher {
  private cursor?: { txid: string; id: string };
  private listeners = new Set<Listener>();
  private reading?: Promise<void>;
  private again = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly orm: MikroORM,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly pollMs: number,
  ) {}

  async start(): Promise<void> {
    this.cursor = await currentCursor(this.orm.em.fork());
    this.bus.onRing(() => this.wake());
    this.timer = setInterval(() => this.wake(), this.pollMs).unref();
  }

  stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.listeners.clear();
    return this.reading ?? Promise.resolve();
  }

  /** Live subscriptions on this instance (dashboards and tests watch it). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Reads whatever is new now (tests and the shutdown path use it to avoid waiting for a timer). */
  wake(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.readAll()
      .catch((e) => this.log.warn({ err: e }, 'reading the outbox failed; retrying on the next ring'))
      .finally(() => {
        this.reading = undefined;
        if (this.again) {
          this.again = false;
          void this.wake();
        }
      });
    return this.reading;
  }

  private async readAll(): Promise<void> {
    if (!this.cursor || this.listeners.size === 0) {
      // Nobody listens: move the cursor without reading rows. A subscriber that registers while the position is read
      // may already wait for events committed just before it: then keep the old cursor and read from it instead.
      if (!this.cursor) return;
      const now = await currentCursor(this.orm.em.fork());
      if (this.listeners.size === 0) this.cursor = now;
      else this.again = true;
      return;
    }
    for (;;) {
      const batch = await readEventsAfter(this.orm.em.fork(), this.cursor, 500);
      for (const event of batch) {
        this.cursor = { txid: event.txid, id: event.id };
        for (const listener of this.listeners) listener(event);
      }
      if (batch.length < 500) return;
    }
  }

  /**
   * A live stream of events matching `accept`, as an async iterator for a GraphQL subscription. Closing the
   * iterator (the client unsubscribes or disconnects) removes the listener.
   */
  stream(accept: (event: DeliveredEvent) => boolean, maxQueued = 1000): AsyncIterableIterator<DeliveredEvent> {
    const queue: DeliveredEvent[] = [];
    let waiting: ((r: IteratorResult<DeliveredEvent>) => void) | undefined;
    let done = false;
    const listener: Listener = (event) => {
      if (done || !accept(event)) return;
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        w({ value: event, done: false });
      } else if (queue.length < maxQueued) {
        queue.push(event);
      } else {
        this.log.warn({ maxQueued }, 'a subscriber is too slow; dropping an event for it');
      }
    };
    this.listeners.add(listener);
    const finish = (): Promise<IteratorResult<DeliveredEvent>> => {
      done = true;
      this.listeners.delete(listener);
      queue.length = 0;
      if (waiting) waiting({ value: undefined, done: true });
      waiting = undefined;
      return Promise.resolve({ value: undefined, done: true });
    };
    return {
      next: () => {
        if (queue.length > 0) return Promise.resolve({ value: queue.shift()!, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: finish,
      throw: (e) => {
        void finish();
        return Promise.reject(e);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}
