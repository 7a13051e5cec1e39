import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/config';

const SECRET = 'a-production-secret-of-at-least-32-chars';
const PG = 'postgresql://hub@db.internal:5432/iro';

let cwd: string;
beforeEach(() => {
  // An empty working directory for each test: no developer's .env is read unless a test writes one.
  cwd = mkdtempSync(path.join(os.tmpdir(), 'iro-hub-config-'));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

/** The ConfigError loadConfig throws for `env` (failing the test when it does not throw one). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env, cwd);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('starts from documented defaults when nothing is set (development, embedded database, memory bus)', () => {
    const c = loadConfig({}, cwd);
    expect(c).toMatchObject({
      env: 'development',
      production: false,
      host: '0.0.0.0',
      port: 4000,
      dataDir: path.join(cwd, '.data'),
      databaseUrl: undefined,
      databasePoolMax: 10,
      seedDemoOnEmpty: true,
      logLevel: 'info',
      defaultLocale: 'tr',
      shutdownTimeoutMs: 10_000,
      corsOrigins: [],
    });
    expect(c.auth).toEqual({
      jwtSecret: undefined,
      jwksUrl: undefined,
      issuer: undefined,
      audience: undefined,
      rolesClaim: 'roles',
      unitsClaim: 'units',
    });
    expect(c.graphql).toEqual({
      maxDepth: 10,
      maxAliases: 30,
      maxCost: 5000,
      maxTokens: 5000,
      maxPageSize: 100,
      bodyLimit: '100kb',
      graphiql: true,
      exposeSqlCount: true,
      exposeErrorDetails: true,
    });
    expect(c.events).toEqual({ bus: 'memory', redisUrl: undefined, pollMs: 1000, retentionDays: 30 });
    expect(c.jobs).toEqual({ enabled: true, pollMs: 1000, concurrency: 4 });
  });

  it('turns off error details and the SQL count in production, and details outside development', () => {
    const prod = loadConfig({ NODE_ENV: 'production', DATABASE_URL: PG, JWT_SECRET: SECRET }, cwd);
    expect(prod.production).toBe(true);
    expect(prod.graphql.exposeErrorDetails).toBe(false);
    expect(prod.graphql.exposeSqlCount).toBe(false);
    const test = loadConfig({ NODE_ENV: 'test' }, cwd);
    expect(test.graphql.exposeErrorDetails).toBe(false);
    expect(test.graphql.exposeSqlCount).toBe(true);
  });

  it('parses booleans, numbers and lists from their string forms', () => {
    const c = loadConfig(
      { GRAPHIQL: 'no', EXPOSE_SQL_COUNT: '0', JOBS_ENABLED: 'false', PORT: '0', CORS_ORIGINS: ' https://a.edu.tr , https://b.edu.tr,' },
      cwd,
    );
    expect(c.graphql.graphiql).toBe(false);
    expect(c.graphql.exposeSqlCount).toBe(false);
    expect(c.jobs.enabled).toBe(false);
    expect(c.port).toBe(0);
    expect(c.corsOrigins).toEqual(['https://a.edu.tr', 'https://b.edu.tr']);
  });

  it.each([['not-a-number'], ['70000'], ['-1'], ['80.5']])('refuses PORT=%s with a ConfigError naming PORT', (port) => {
    const e = configError({ PORT: port });
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatch(/^PORT: /);
    expect(e.message).toContain('PORT');
  });

  it.each([['mysql://hub@db/iro'], ['not a url'], ['db.internal:5432/iro']])(
    'refuses DATABASE_URL=%s with a ConfigError naming DATABASE_URL',
    (url) => {
      const e = configError({ DATABASE_URL: url });
      expect(e.problems).toHaveLength(1);
      expect(e.problems[0]).toMatch(/^DATABASE_URL: /);
      expect(e.message).toContain('DATABASE_URL');
    },
  );

  it('accepts both postgres:// and postgresql:// database URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://hub@db/iro' }, cwd).databaseUrl).toBe('postgres://hub@db/iro');
    expect(loadConfig({ DATABASE_URL: PG }, cwd).databaseUrl).toBe(PG);
  });

  it('refuses an unknown LOG_LEVEL with a ConfigError naming LOG_LEVEL', () => {
    const e = configError({ LOG_LEVEL: 'verbose' });
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatch(/^LOG_LEVEL: /);
    expect(e.message).toContain('LOG_LEVEL');
  });

  it('reports every problem at once', () => {
    const e = configError({ PORT: 'x', LOG_LEVEL: 'verbose', JWT_SECRET: 'short' });
    expect(e.problems.map((p) => p.split(':')[0]).sort()).toEqual(['JWT_SECRET', 'LOG_LEVEL', 'PORT']);
  });

  it('refuses production without JWT_SECRET or OIDC_JWKS_URL, and accepts either', () => {
    const e = configError({ NODE_ENV: 'production', DATABASE_URL: PG });
    expect(e.problems).toHaveLength(1);
    expect(e.problems[0]).toMatch(/^JWT_SECRET: .*OIDC_JWKS_URL/);

    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: PG, JWT_SECRET: SECRET }, cwd).auth.jwtSecret).toBe(SECRET);
    const oidc = loadConfig({ NODE_ENV: 'production', DATABASE_URL: PG, OIDC_JWKS_URL: 'https://sso.example.edu.tr/jwks' }, cwd);
    expect(oidc.auth).toMatchObject({ jwtSecret: undefined, jwksUrl: 'https://sso.example.edu.tr/jwks' });
  });

  it('refuses production without DATABASE_URL', () => {
    const e = configError({ NODE_ENV: 'production', JWT_SECRET: SECRET });
    expect(e.problems).toEqual([expect.stringMatching(/^DATABASE_URL: /)]);
  });

  it('refuses a JWT_SECRET shorter than 32 characters', () => {
    expect(configError({ JWT_SECRET: 'too-short' }).problems).toEqual([expect.stringMatching(/^JWT_SECRET: .*32/)]);
  });

  it('treats an empty variable as not set', () => {
    const c = loadConfig({ JWT_SECRET: '', OIDC_JWKS_URL: '', DATABASE_URL: '', PORT: '', LOG_LEVEL: '' }, cwd);
    expect(c.auth.jwtSecret).toBeUndefined();
    expect(c.auth.jwksUrl).toBeUndefined();
    expect(c.databaseUrl).toBeUndefined();
    expect(c.port).toBe(4000);
    expect(c.logLevel).toBe('info');
  });

  describe('EVENT_BUS=auto', () => {
    it('uses the memory bus without DATABASE_URL (embedded database)', () => {
      expect(loadConfig({ EVENT_BUS: 'auto' }, cwd).events.bus).toBe('memory');
    });
    it('uses PostgreSQL LISTEN/NOTIFY with DATABASE_URL', () => {
      expect(loadConfig({ DATABASE_URL: PG }, cwd).events.bus).toBe('postgres');
    });
    it('uses Redis with REDIS_URL, with or without DATABASE_URL', () => {
      expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }, cwd).events).toMatchObject({
        bus: 'redis',
        redisUrl: 'redis://127.0.0.1:6379',
      });
      expect(loadConfig({ DATABASE_URL: PG, REDIS_URL: 'redis://127.0.0.1:6379' }, cwd).events.bus).toBe('redis');
    });
  });

  it('honours an explicit EVENT_BUS and refuses one that lacks what it needs', () => {
    expect(loadConfig({ DATABASE_URL: PG, EVENT_BUS: 'memory' }, cwd).events.bus).toBe('memory');
    expect(configError({ EVENT_BUS: 'redis' }).problems).toEqual([expect.stringMatching(/^REDIS_URL: /)]);
    expect(configError({ EVENT_BUS: 'postgres' }).problems).toEqual([expect.stringMatching(/^EVENT_BUS: .*DATABASE_URL/)]);
  });

  it('reads a .env file in the working directory, with real environment variables winning', () => {
    writeFileSync(
      path.join(cwd, '.env'),
      ['# local settings', 'PORT=5000', 'LOG_LEVEL=debug', 'DEFAULT_LOCALE=en', 'DATA_DIR=state', `JWT_SECRET=${SECRET}`].join('\n'),
    );
    const c = loadConfig({ PORT: '6000', LOG_LEVEL: 'warn' }, cwd);
    expect(c.port).toBe(6000);
    expect(c.logLevel).toBe('warn');
    expect(c.defaultLocale).toBe('en');
    expect(c.dataDir).toBe(path.join(cwd, 'state'));
    expect(c.auth.jwtSecret).toBe(SECRET);
  });

  it('validates values that come from the .env file too', () => {
    writeFileSync(path.join(cwd, '.env'), 'PORT=eighty\n');
    expect(configError({}).problems).toEqual([expect.stringMatching(/^PORT: /)]);
  });
});
