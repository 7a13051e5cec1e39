import { AsyncLocalStorage } from 'node:async_hooks';
import { DefaultLogger, type LogContext } from '@mikro-orm/core';

/**
 * The scope of one request: the HTTP/WebSocket layer opens it, every SQL statement run inside it is counted, and
 * log lines and error reports carry its request id.
 */
export interface SqlScope {
  requestId: string;
  statements: number;
}

const storage = new AsyncLocalStorage<SqlScope>();

export function runWithSqlScope<T>(scope: SqlScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentSqlScope(): SqlScope | undefined {
  return storage.getStore();
}

/**
 * MikroORM logger that counts every query in the current scope and prints queries only when asked to.
 * MikroORM reports every statement (raw `execute()`, BEGIN and COMMIT included) through `logQuery`, whatever the
 * debug setting.
 */
export class CountingOrmLogger extends DefaultLogger {
  constructor(
    options: ConstructorParameters<typeof DefaultLogger>[0],
    private readonly print: boolean,
  ) {
    super(options);
  }

  override logQuery(context: { query: string } & LogContext): void {
    const scope = storage.getStore();
    if (scope) scope.statements++;
    if (this.print) super.logQuery(context);
  }
}
