import pino from 'pino';
import type { Config } from '../../config/config';

export type Logger = pino.Logger;

/** Structured JSON logs; credentials are redacted wherever they could appear. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    base: { service: 'iro-hub' },
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'authorization',
        'connectionParams.authorization',
        'connectionParams.Authorization',
        '*.password',
        '*.secret',
        'databaseUrl',
      ],
      censor: '[redacted]',
    },
  });
}

/** A connection string with its password replaced, for log lines. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '[unparseable url]';
  }
}
