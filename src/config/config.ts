import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every variable the hub reads, with its default. `.env.example` lists the same names. */
const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: int(0, 65535).default(4000),
    DATA_DIR: z.string().min(1).default('.data'),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    DATABASE_POOL_MAX: int(1, 100).default(10),
    SEED_DEMO_ON_EMPTY: bool.default(true),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    OIDC_JWKS_URL: z.url().optional(),
    OIDC_ISSUER: z.string().min(1).optional(),
    OIDC_AUDIENCE: z.string().min(1).optional(),
    OIDC_ROLES_CLAIM: z.string().min(1).default('roles'),
    OIDC_UNITS_CLAIM: z.string().min(1).default('units'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DEFAULT_LOCALE: z.enum(['tr', 'en']).default('tr'),
    GRAPHQL_MAX_DEPTH: int(2, 50).default(10),
    GRAPHQL_MAX_ALIASES: int(1, 1000).default(30),
    GRAPHQL_MAX_COST: int(10, 1_000_000).default(5000),
    GRAPHQL_MAX_TOKENS: int(100, 1_000_000).default(5000),
    GRAPHQL_MAX_PAGE_SIZE: int(1, 1000).default(100),
    HTTP_BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must look like 100kb or 1mb').default('100kb'),
    GRAPHIQL: bool.optional(),
    EXPOSE_SQL_COUNT: bool.optional(),
    EVENT_BUS: z.enum(['auto', 'memory', 'postgres', 'redis']).default('auto'),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    OUTBOX_POLL_MS: int(50, 60_000).default(1000),
    OUTBOX_RETENTION_DAYS: int(1, 3650).default(30),
    JOBS_ENABLED: bool.default(true),
    JOBS_POLL_MS: int(50, 60_000).default(1000),
    JOBS_CONCURRENCY: int(1, 64).default(4),
    SHUTDOWN_TIMEOUT_MS: int(100, 600_000).default(10_000),
    CORS_ORIGINS: z.string().default(''),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    SITE_URL: z.url({ protocol: /^https?$/ }).optional(),
    FILES_DIR: z.string().min(1).optional(),
    UPLOAD_MAX_BYTES: int(1024, 1024 * 1024 * 1024).default(20 * 1024 * 1024),
    UPLOAD_ALLOWED_TYPES: z
      .string()
      .default('image/jpeg,image/png,image/webp,image/gif,application/pdf,video/mp4'),
    S3_BUCKET: z.string().min(3).optional(),
    S3_ENDPOINT: z.url().optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: bool.default(true),
    CONTENT_CACHE_MAX_AGE: int(0, 86_400).default(60),
    MEILI_URL: z.url({ protocol: /^https?$/ }).optional(),
    MEILI_API_KEY: z.string().min(1).optional(),
    MEILI_INDEX: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,200}$/, 'letters, digits, - and _ only (a Meilisearch index uid)')
      .default('hub'),
    MEILI_EMBEDDED: bool.optional(),
    MEILI_TIMEOUT_MS: int(100, 600_000).default(2000),
  })
  .superRefine((c, ctx) => {
    if (c.NODE_ENV === 'production' && !c.JWT_SECRET && !c.OIDC_JWKS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'production needs JWT_SECRET or OIDC_JWKS_URL (no development secret is generated in production)',
      });
    }
    if (c.NODE_ENV === 'production' && !c.DATABASE_URL) {
      ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'production needs a PostgreSQL DATABASE_URL' });
    }
    if (c.S3_BUCKET && (!c.S3_ACCESS_KEY_ID || !c.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({ code: 'custom', path: ['S3_BUCKET'], message: 'S3_BUCKET needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY' });
    }
    if (c.EVENT_BUS === 'redis' && !c.REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'EVENT_BUS=redis needs REDIS_URL' });
    }
    if (c.EVENT_BUS === 'postgres' && !c.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['EVENT_BUS'],
        message: 'postgres needs DATABASE_URL: the embedded database cannot carry LISTEN/NOTIFY between connections',
      });
    }
  });

type Raw = z.output<typeof schema>;

export interface Config {
  env: Raw['NODE_ENV'];
  production: boolean;
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  databasePoolMax: number;
  seedDemoOnEmpty: boolean;
  auth: {
    jwtSecret?: string;
    jwksUrl?: string;
    issuer?: string;
    audience?: string;
    rolesClaim: string;
    unitsClaim: string;
  };
  logLevel: Raw['LOG_LEVEL'];
  defaultLocale: Raw['DEFAULT_LOCALE'];
  graphql: {
    maxDepth: number;
    maxAliases: number;
    maxCost: number;
    maxTokens: number;
    maxPageSize: number;
    bodyLimit: string;
    graphiql: boolean;
    exposeSqlCount: boolean;
    /** Stack traces and internal messages reach clients only outside production. */
    exposeErrorDetails: boolean;
  };
  events: { bus: 'memory' | 'postgres' | 'redis'; redisUrl?: string; pollMs: number; retentionDays: number };
  jobs: { enabled: boolean; pollMs: number; concurrency: number };
  shutdownTimeoutMs: number;
  corsOrigins: string[];
  /** The hub's own public address (for links in feeds and media URLs); when unset, taken from each request. */
  publicUrl?: string;
  /** The public website, for links to content pages in feeds. */
  siteUrl?: string;
  content: {
    /** Seconds a CDN or browser may keep public, published content (`Cache-Control: public, max-age`). */
    cacheMaxAge: number;
  };
  files: {
    /** Local storage folder (the default store). */
    dir: string;
    maxBytes: number;
    /** Sniffed content types an upload may have. */
    allowedTypes: string[];
    s3?: { bucket: string; endpoint?: string; region: string; accessKeyId: string; secretAccessKey: string; forcePathStyle: boolean };
  };
  search: {
    /** A Meilisearch server; unset: the bundled one when `embedded`, else PostgreSQL. */
    meiliUrl?: string;
    /** Its master key or an admin API key. */
    meiliApiKey?: string;
    /** The index holding every searchable type. */
    index: string;
    /** Start the bundled Meilisearch binary (under DATA_DIR/meili) when there is no MEILI_URL. */
    embedded: boolean;
    /** Per request to Meilisearch; beyond it search answers from PostgreSQL. */
    timeoutMs: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads `.env` (if present) under the variables already set, validates, and returns a typed configuration. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const fromFile = existsSync(path.join(cwd, '.env')) ? parseDotenv(readFileSync(path.join(cwd, '.env'))) : {};
  const merged: Record<string, string | undefined> = { ...fromFile, ...env };
  // An empty variable means "not set", as in most deployment tools.
  for (const key of Object.keys(merged)) if (merged[key] === '') delete merged[key];
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const c = parsed.data;
  const bus =
    c.EVENT_BUS !== 'auto' ? c.EVENT_BUS : c.REDIS_URL ? 'redis' : c.DATABASE_URL ? 'postgres' : 'memory';
  return {
    env: c.NODE_ENV,
    production: c.NODE_ENV === 'production',
    host: c.HOST,
    port: c.PORT,
    dataDir: path.resolve(cwd, c.DATA_DIR),
    databaseUrl: c.DATABASE_URL,
    databasePoolMax: c.DATABASE_POOL_MAX,
    seedDemoOnEmpty: c.SEED_DEMO_ON_EMPTY,
    auth: {
      jwtSecret: c.JWT_SECRET,
      jwksUrl: c.OIDC_JWKS_URL,
      issuer: c.OIDC_ISSUER,
      audience: c.OIDC_AUDIENCE,
      rolesClaim: c.OIDC_ROLES_CLAIM,
      unitsClaim: c.OIDC_UNITS_CLAIM,
    },
    logLevel: c.LOG_LEVEL,
    defaultLocale: c.DEFAULT_LOCALE,
    graphql: {
      maxDepth: c.GRAPHQL_MAX_DEPTH,
      maxAliases: c.GRAPHQL_MAX_ALIASES,
      maxCost: c.GRAPHQL_MAX_COST,
      maxTokens: c.GRAPHQL_MAX_TOKENS,
      maxPageSize: c.GRAPHQL_MAX_PAGE_SIZE,
      bodyLimit: c.HTTP_BODY_LIMIT,
      graphiql: c.GRAPHIQL ?? true,
      exposeSqlCount: c.EXPOSE_SQL_COUNT ?? c.NODE_ENV !== 'production',
      exposeErrorDetails: c.NODE_ENV === 'development',
    },
    events: { bus, redisUrl: c.REDIS_URL, pollMs: c.OUTBOX_POLL_MS, retentionDays: c.OUTBOX_RETENTION_DAYS },
    jobs: { enabled: c.JOBS_ENABLED, pollMs: c.JOBS_POLL_MS, concurrency: c.JOBS_CONCURRENCY },
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_MS,
    corsOrigins: c.CORS_ORIGINS.split(',').map((s) => s.trim()).filter(Boolean),
    publicUrl: c.PUBLIC_URL?.replace(/\/$/, ''),
    siteUrl: c.SITE_URL?.replace(/\/$/, ''),
    content: { cacheMaxAge: c.CONTENT_CACHE_MAX_AGE },
    files: {
      dir: path.resolve(cwd, c.FILES_DIR ?? path.join(c.DATA_DIR, 'files')),
      maxBytes: c.UPLOAD_MAX_BYTES,
      allowedTypes: c.UPLOAD_ALLOWED_TYPES.split(',').map((s) => s.trim()).filter(Boolean),
      s3: c.S3_BUCKET
        ? {
            bucket: c.S3_BUCKET,
            endpoint: c.S3_ENDPOINT,
            region: c.S3_REGION,
            accessKeyId: c.S3_ACCESS_KEY_ID!,
            secretAccessKey: c.S3_SECRET_ACCESS_KEY!,
            forcePathStyle: c.S3_FORCE_PATH_STYLE,
          }
        : undefined,
    },
    search: {
      meiliUrl: c.MEILI_URL?.replace(/\/$/, ''),
      meiliApiKey: c.MEILI_API_KEY,
      index: c.MEILI_INDEX,
      // Not in production: every instance would start its own server, and only one of them is kept up to date.
      embedded: c.MEILI_EMBEDDED ?? c.NODE_ENV !== 'production',
      timeoutMs: c.MEILI_TIMEOUT_MS,
    },
  };
}
