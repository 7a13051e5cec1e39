import { Writable } from 'node:stream';
import { GraphQLError, print, type GraphQLFormattedError } from 'graphql';
import pino from 'pino';
import { DomainError } from '../../src/platform/errors/domain-error';
import { formatError } from '../../src/platform/graphql/format-error';
import { MeDocument, PlatformUnitPageDocument, PlatformUnitSearchDocument } from '../generated/graphql';
import { Client } from 'pg';
import { startTestHub, workerDatabaseUrl, type GraphQLResponse, type TestHub } from '../support/hub';

/**
 * An unexpected failure without test-only code: the table a query needs disappears under the running hub (as after a
 * mistaken manual change to the database), so the query fails inside the database with an error nobody anticipated.
 * The table is renamed back at once.
 */
async function withTableGone(hub: TestHub, headers: Record<string, string> = {}) {
  const db = new Client({ connectionString: workerDatabaseUrl() });
  await db.connect();
  await db.query('alter table organisational_unit rename to organisational_unit_gone');
  try {
    return await hub.request(PlatformUnitSearchDocument, { search: 'ENG' }, undefined, headers);
  } finally {
    await db.query('alter table organisational_unit_gone rename to organisational_unit');
    await db.end();
  }
}

const SQL_TEXT = /\b(select|insert|update|delete)\b.*\bfrom\b|organisational_unit|does not exist/i;

/** Every way a request can fail that a client can provoke, each answered in GraphQL's error shape. */
async function failures(hub: TestHub): Promise<Record<string, GraphQLResponse<unknown>>> {
  return {
    malformedJson: await hub.raw('{"query": "{ me { subject } }"'),
    noQuery: await hub.raw({ variables: {} }),
    parseError: await hub.raw({ query: '{ me { subject }' }),
    unknownField: await hub.raw({ query: '{ me { subject shoeSize } }' }),
    wrongVariableType: await hub.raw({ query: print(PlatformUnitPageDocument), variables: { first: 'ten' } }),
    missingVariable: await hub.raw({ query: print(PlatformUnitSearchDocument), variables: {} }),
    pageTooLarge: await hub.request(PlatformUnitPageDocument, { first: 1000 }),
    badToken: await hub.request(MeDocument, {}, { token: 'not-a-jwt' }),
    nulCharacter: await hub.request(PlatformUnitSearchDocument, { search: 'ENG\u0000' }),
  };
}

/** The code each of those failures is reported with. */
const EXPECTED_CODES = {
  malformedJson: 'BAD_REQUEST',
  noQuery: 'BAD_REQUEST',
  parseError: 'GRAPHQL_PARSE_FAILED',
  unknownField: 'GRAPHQL_VALIDATION_FAILED',
  wrongVariableType: 'BAD_USER_INPUT',
  missingVariable: 'BAD_USER_INPUT',
  pageTooLarge: 'BAD_USER_INPUT',
  badToken: 'UNAUTHENTICATED',
  nulCharacter: 'BAD_USER_INPUT',
};

describe('error responses (NODE_ENV=test)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(() => hub.close());

  it('gives every error an extensions.code', async () => {
    const all = await failures(hub);
    const codes = Object.fromEntries(Object.entries(all).map(([what, res]) => [what, res.errors?.map((e) => e.extensions?.code)]));
    expect(codes).toEqual(Object.fromEntries(Object.entries(EXPECTED_CODES).map(([what, code]) => [what, [code]])));
  });

  it('answers a malformed JSON body with 400 and a JSON GraphQL error (BAD_REQUEST / INVALID_JSON)', async () => {
    const res = await hub.raw('{"query": "{ me { subject } }"');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res).not.toHaveProperty('data');
    expect(res.errors).toEqual([{ message: expect.any(String), extensions: { code: 'BAD_REQUEST', reason: 'INVALID_JSON' } }]);
  });

  it('answers an unknown field with 400 GRAPHQL_VALIDATION_FAILED naming the field, without executing anything', async () => {
    const res = await hub.raw({ query: '{ me { subject shoeSize } }' });
    expect(res.status).toBe(400);
    expect(res).not.toHaveProperty('data');
    expect(res.extensions?.sqlStatements).toBe(0);
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({
      message: 'Cannot query field "shoeSize" on type "Me".',
      locations: [{ line: 1, column: 16 }],
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  it('answers a syntax error with 400 GRAPHQL_PARSE_FAILED and its location', async () => {
    const res = await hub.raw({ query: '{ me { subject }' });
    expect(res.status).toBe(400);
    expect(res).not.toHaveProperty('data');
    expect(res.errors![0]).toMatchObject({ locations: [{ line: 1, column: 17 }], extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
  });

  it('answers a variable of the wrong type with 400 BAD_USER_INPUT naming the variable', async () => {
    const res = await hub.raw({ query: print(PlatformUnitPageDocument), variables: { first: 'ten' } });
    expect(res.status).toBe(400);
    expect(res).not.toHaveProperty('data');
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0].message).toMatch(/^Variable "\$first" got invalid value "ten"/);
    expect(res.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('refuses a NUL character in any string with BAD_USER_INPUT / NUL_CHARACTER before touching the database', async () => {
    const viaVariable = await hub.request(PlatformUnitSearchDocument, { search: 'ENG\u0000' });
    const inline = await hub.raw({ query: '{ organisationalUnits(filter: { search: "ENG\\u0000" }) { totalCount } }' });
    for (const res of [viaVariable, inline]) {
      expect(res.status).toBe(400);
      expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NUL_CHARACTER' });
      expect(res.extensions?.sqlStatements).toBe(0);
    }
  });

  it('answers a missing required variable with BAD_USER_INPUT', async () => {
    const res = await hub.raw({ query: print(PlatformUnitSearchDocument), variables: {} });
    expect(res.status).toBe(400);
    expect(res.errors![0].message).toMatch(/\$search/);
    expect(res.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });

  it('hides an unexpected database failure behind INTERNAL_SERVER_ERROR with the request id and no SQL text', async () => {
    const res = await withTableGone(hub);
    expect(res.data).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors![0]).toMatchObject({ message: 'Internal server error', path: ['organisationalUnits'] });
    expect(res.errors![0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: res.headers.get('x-request-id') });
    expect(JSON.stringify(res.errors)).not.toMatch(SQL_TEXT);
  });
});

describe('error responses in production (NODE_ENV=production)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ NODE_ENV: 'production' });
  });
  afterAll(() => hub.close());

  it('runs as production', () => {
    expect(hub.hub.config.production).toBe(true);
    expect(hub.hub.config.graphql.exposeErrorDetails).toBe(false);
  });

  it('sends no stack trace and no SQL text with any error', async () => {
    const all = await failures(hub);
    const codes = Object.fromEntries(Object.entries(all).map(([what, res]) => [what, res.errors?.map((e) => e.extensions?.code)]));
    expect(codes).toEqual(Object.fromEntries(Object.entries(EXPECTED_CODES).map(([what, code]) => [what, [code]])));
    const leaks = Object.entries(all).filter(
      ([, res]) => res.errors!.some((e) => e.extensions && ('stacktrace' in e.extensions || 'exception' in e.extensions)) ||
        SQL_TEXT.test(JSON.stringify(res.errors)),
    );
    expect(leaks.map(([what]) => what)).toEqual([]);
  });

  it('reports an unexpected database failure as "Internal server error" with only its code and request id', async () => {
    const res = await withTableGone(hub, { 'x-request-id': 'support-ticket-4711' });
    expect(res.status).toBe(200);
    expect(res.data).toBeNull();
    expect(res.errors).toEqual([
      {
        message: 'Internal server error',
        locations: [{ line: 2, column: 3 }],
        path: ['organisationalUnits'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'support-ticket-4711' },
      },
    ]);
  });
});

describe('error responses in development (NODE_ENV=development)', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ NODE_ENV: 'development' });
  });
  afterAll(() => hub.close());

  it('shows the real message and the stack trace of an unexpected failure, to help whoever is developing', async () => {
    const res = await withTableGone(hub);
    const error = res.errors![0];
    expect(error.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: res.headers.get('x-request-id') });
    expect(error.message).not.toBe('Internal server error');
    // The database's own message, SQL included: what production hides.
    expect(error.message).toMatch(SQL_TEXT);
    expect(error.extensions!.stacktrace).toEqual(expect.arrayContaining([expect.stringMatching(/^\s+at /)]));
  });

  it('still sends no stack trace with errors that are the client’s fault', async () => {
    for (const res of [
      await hub.raw({ query: '{ me { subject shoeSize } }' }),
      await hub.request(PlatformUnitPageDocument, { first: 1000 }),
    ]) {
      expect(res.errors![0].extensions).not.toHaveProperty('stacktrace');
    }
  });
});

describe('formatError (unit)', () => {
  function capture() {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    return { log: pino({ level: 'info' }, sink), lines };
  }
  /** An exception thrown inside a resolver, as graphql-js hands it to Apollo's formatError. */
  function fromResolver(e: Error): [GraphQLFormattedError, GraphQLError] {
    const located = new GraphQLError(e.message, { path: ['homeInstitution'], originalError: e });
    return [located.toJSON(), located];
  }

  it('turns a plain Error into "Internal server error" with INTERNAL_SERVER_ERROR and the request id, and logs it', async () => {
    const { log, lines } = capture();
    const boom = new Error('relation "secret_table" does not exist');
    const out = formatError(...fromResolver(boom), { exposeDetails: false, log, requestId: 'req-1' });
    expect(out).toEqual({
      message: 'Internal server error',
      path: ['homeInstitution'],
      locations: undefined,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-1' },
    });
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, requestId: 'req-1', err: { message: 'relation "secret_table" does not exist' } });
  });

  it('shows the message and stack of a plain Error when details are exposed (development)', () => {
    const { log } = capture();
    const boom = new Error('relation "secret_table" does not exist');
    const out = formatError(...fromResolver(boom), { exposeDetails: true, log, requestId: 'req-2' });
    expect(out.message).toBe('relation "secret_table" does not exist');
    expect(out.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', requestId: 'req-2' });
    expect(out.extensions!.stacktrace).toEqual(boom.stack!.split('\n'));
  });

  it('handles an Error that reaches it without a GraphQL wrapper', () => {
    const { log } = capture();
    const out = formatError({ message: 'boom' }, new Error('boom'), { exposeDetails: false, log, requestId: 'req-3' });
    expect(out).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-3' } });
  });

  it('keeps a domain error’s category as code and its reason and details, without logging it as unexpected', () => {
    const { log, lines } = capture();
    const e = new DomainError('CONFLICT', 'UNIT_CODE_TAKEN', 'code ENG is taken', { field: 'input.code' });
    const out = formatError(...fromResolver(e), { exposeDetails: true, log });
    expect(out).toMatchObject({ message: 'code ENG is taken', extensions: { code: 'CONFLICT', reason: 'UNIT_CODE_TAKEN', field: 'input.code' } });
    expect(out.extensions).not.toHaveProperty('stacktrace');
    expect(lines).toHaveLength(0);
  });

  it('removes stacktrace and http from errors with a known code', () => {
    const { log } = capture();
    const out = formatError(
      { message: 'bad', extensions: { code: 'BAD_USER_INPUT', stacktrace: ['Error: bad', '    at x'], http: { status: 400 } } },
      new GraphQLError('bad'),
      { exposeDetails: true, log },
    );
    expect(out.extensions).toEqual({ code: 'BAD_USER_INPUT' });
  });
});
