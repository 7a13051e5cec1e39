import type { Config } from '../../config/config';
import type { Logger } from '../logging/logger';
import { findRunningEmbedded, startEmbeddedDatabase } from './embedded';

export interface DatabaseHandle {
  url: string;
  /** Set when this process serves the embedded database itself. */
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * The database for this process. With DATABASE_URL: that PostgreSQL. Otherwise the embedded PGlite under the
 * data directory: the hub serves it; a command-line task connects to the running hub's socket, or, when no hub
 * runs, opens the files itself for the task's duration.
 */
export async function openDatabase(config: Config, log: Logger, role: 'server' | 'task'): Promise<DatabaseHandle> {
  if (config.databaseUrl) return { url: config.databaseUrl, embedded: false, close: async () => undefined };
  if (role === 'task') {
    const running = await findRunningEmbedded(config.dataDir);
    if (running) {
      log.debug({ pid: running.pid }, 'using the embedded database of the running hub');
      return { url: running.url, embedded: false, close: async () => undefined };
    }
  }
  const db = await startEmbeddedDatabase(config.dataDir, log);
  return { url: db.url, embedded: true, close: () => db.close() };
}
