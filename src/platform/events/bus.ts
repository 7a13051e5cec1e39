import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import type { Logger } from '../logging/logger';

/**
 * The doorbell between hub instances: it says "the outbox has something new", never what. Every instance
 * then reads the outbox itself, so a lost ring only delays delivery until the next poll.
 */
export interface EventBus {
  readonly kind: 'memory' | 'postgres' | 'redis';
  start(): Promise<void>;
  ring(): void;
  onRing(listener: () => void): void;
  close(): Promise<void>;
}

export const BUS_CHANNEL = 'iro_hub_outbox';

/** One process (the embedded default): PGlite cannot carry LISTEN/NOTIFY between its connections. */
export class MemoryBus implements EventBus {
  readonly kind = 'memory';
  private emitter = new EventEmitter().setMaxListeners(0);
  async start() {}
  ring() {
    setImmediate(() => this.emitter.emit('ring'));
  }
  onRing(listener: () => void) {
    this.emitter.on('ring', listener);
  }
  async close() {
    this.emitter.removeAllListeners();
  }
}

/** PostgreSQL LISTEN/NOTIFY on a dedicated connection; reconnects after a failure. */
export class PostgresBus implements EventBus {
  readonly kind = 'postgres';
  private emitter = new EventEmitter().setMaxListeners(0);
  private listener?: Client;
  private notifier?: Client;
  private closed = false;
  private notifying = false;
  private ringAgain = false;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  async start() {
    await this.connectListener();
    this.notifier = new Client({ connectionString: this.url, application_name: 'iro-hub-bus' });
    this.notifier.on('error', (e) => this.log.warn({ err: e }, 'event bus notifier connection error'));
    await this.notifier.connect();
  }

  private async connectListener(): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'iro-hub-bus' });
    client.on('notification', () => this.emitter.emit('ring'));
    client.on('error', (e) => {
      this.log.warn({ err: e }, 'event bus listener connection lost; reconnecting');
      void client.end().catch(() => undefined);
      if (!this.closed) setTimeout(() => void this.connectListener().catch(() => undefined), 1000);
    });
    await client.connect();
    await client.query(`LISTEN ${BUS_CHANNEL}`);
    this.listener = client;
    // Anything missed while disconnected is picked up by reading the outbox now.
    this.emitter.emit('ring');
  }

  /**
   * One NOTIFY at a time on the notifier connection (pg refuses overlapping queries from pg 9 on): rings that come
   * while one is in flight are folded into a single NOTIFY after it, which wakes every instance just the same (each
   * reads the outbox from its cursor, however many rings it heard).
   */
  ring() {
    if (this.notifying) {
      this.ringAgain = true;
      return;
    }
    if (!this.notifier) return;
    this.notifying = true;
    this.notifier
      .query(`NOTIFY ${BUS_CHANNEL}`)
      .catch((e) => this.log.warn({ err: e }, 'NOTIFY failed'))
      .finally(() => {
        this.notifying = false;
        if (this.ringAgain && !this.closed) {
          this.ringAgain = false;
          this.ring();
        }
      });
  }

  onRing(listener: () => void) {
    this.emitter.on('ring', listener);
  }

  async close() {
    this.closed = true;
    this.emitter.removeAllListeners();
    await Promise.allSettled([this.listener?.end(), this.notifier?.end()]);
  }
}

/** Redis pub/sub, for deployments that already run Redis between instances. */
export class RedisBus implements EventBus {
  readonly kind = 'redis';
  private emitter = new EventEmitter().setMaxListeners(0);
  private pub?: import('ioredis').Redis;
  private sub?: import('ioredis').Redis;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  async start() {
    const { Redis } = await import('ioredis');
    this.pub = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    this.sub = new Redis(this.url, { lazyConnect: true });
    for (const c of [this.pub, this.sub]) c.on('error', (e) => this.log.warn({ err: e }, 'redis event bus error'));
    await Promise.all([this.pub.connect(), this.sub.connect()]);
    this.sub.on('message', () => this.emitter.emit('ring'));
    await this.sub.subscribe(BUS_CHANNEL);
  }

  ring() {
    this.pub?.publish(BUS_CHANNEL, '1').catch((e) => this.log.warn({ err: e }, 'redis publish failed'));
  }

  onRing(listener: () => void) {
    this.emitter.on('ring', listener);
  }

  async close() {
    this.emitter.removeAllListeners();
    this.sub?.disconnect();
    this.pub?.disconnect();
  }
}
