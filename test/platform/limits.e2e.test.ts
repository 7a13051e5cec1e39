import type { GraphQLFormattedError } from 'graphql';
import { print } from 'graphql';
import type { Client } from 'graphql-ws';
import { MeDocument, PlatformUnitPageDocument } from '../generated/graphql';
import { startTestHub, type GraphQLResponse, type TestHub } from '../support/hub';

/**
 * Small limits so that short documents cross them: depth 4, 3 aliases, cost 1000 (PlatformUnitPage costs
 * 1 + first × 15: 76 for 5 units, 1501 for 100), a 2 kB body.
 */
const LIMITS = { GRAPHQL_MAX_DEPTH: '4', GRAPHQL_MAX_ALIASES: '3', GRAPHQL_MAX_COST: '1000', HTTP_BODY_LIMIT: '2kb' };

// Depth 5: homeInstitution › topLevelUnits › children › parent › id.
const TOO_DEEP = '{ homeInstitution { topLevelUnits { children { parent { id } } } } }';
const DEEP_ENOUGH = '{ homeInstitution { topLevelUnits { children { id } } } }';
/** n aliased pages of 100 units, each selected like PlatformUnitPage. */
const pages = (n: number) =>
  `{ ${Array.from(
    { length: n },
    (_, i) => `p${i}: organisationalUnits(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id code kind name } } }`,
  ).join(' ')} }`;
const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: homeInstitution { id }`).join(' ')} }`;

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub(LIMITS);
});
afterAll(() => hub.close());

/** Refused before execution: 400, no data, not one SQL statement run for the operation. */
function expectRefusedBeforeExecution(res: GraphQLResponse<unknown>, reason: string): void {
  expect(res.status).toBe(400);
  expect(res).not.toHaveProperty('data');
  expect(res.extensions?.sqlStatements).toBe(0);
  expect(res.errors).toHaveLength(1);
  expect(res.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT', reason });
}

describe('over HTTP', () => {
  it('refuses a query deeper than GRAPHQL_MAX_DEPTH before execution, with MAX_DEPTH_EXCEEDED', async () => {
    const res = await hub.raw({ query: TOO_DEEP });
    expectRefusedBeforeExecution(res, 'MAX_DEPTH_EXCEEDED');
    expect(res.errors![0].message).toBe('Query depth limit of 4 exceeded, found 5.');

    const ok = await hub.raw({ query: DEEP_ENOUGH });
    expect(ok.status).toBe(200);
    expect(ok.errors).toBeUndefined();
    expect(ok.extensions!.sqlStatements).toBeGreaterThan(0);
  });

  it('counts depth through fragments', async () => {
    const res = await hub.raw({
      query: 'query { homeInstitution { ...Units } } fragment Units on Institution { topLevelUnits { children { parent { id } } } }',
    });
    expectRefusedBeforeExecution(res, 'MAX_DEPTH_EXCEEDED');
  });

  it('refuses more aliases than GRAPHQL_MAX_ALIASES before execution, with MAX_ALIASES_EXCEEDED', async () => {
    const res = await hub.raw({ query: aliases(4) });
    expectRefusedBeforeExecution(res, 'MAX_ALIASES_EXCEEDED');
    expect(res.errors![0].message).toBe('Aliases limit of 3 exceeded, found 4.');

    const ok = await hub.raw({ query: aliases(3) });
    expect(ok.errors).toBeUndefined();
    expect(Object.keys(ok.data ?? {})).toEqual(['a0', 'a1', 'a2']);
  });

  it('refuses a query costlier than GRAPHQL_MAX_COST (a page of 100 with nested selections) before execution', async () => {
    const res = await hub.request(PlatformUnitPageDocument, { first: 100 });
    expectRefusedBeforeExecution(res, 'MAX_COST_EXCEEDED');
    expect(res.errors![0].message).toMatch(/^Query cost 1501 exceeds the maximum of 1000/);

    // The same document with a small page is cheap: the cost follows the variables.
    const ok = await hub.request(PlatformUnitPageDocument, { first: 5 });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.organisationalUnits.edges).toHaveLength(5);
  });

  it('refuses a body larger than HTTP_BODY_LIMIT with 413 BAD_REQUEST / PAYLOAD_TOO_LARGE, without executing it', async () => {
    const res = await hub.raw({ query: print(MeDocument), variables: { padding: 'x'.repeat(4096) } });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res).not.toHaveProperty('data');
    expect(res.errors).toEqual([
      { message: 'The request body is larger than the limit of 2kb', extensions: { code: 'BAD_REQUEST', reason: 'PAYLOAD_TOO_LARGE' } },
    ]);

    const ok = await hub.raw({ query: print(MeDocument), variables: { padding: 'x'.repeat(1024) } });
    expect(ok.status).toBe(200);
    expect(ok.data).toEqual({ me: null });
  });

  it('uses the defaults (depth 10, 30 aliases, cost 5000) when nothing is set', async () => {
    const defaults = await startTestHub();
    try {
      // Depth 5 and 4 aliases pass under the defaults ...
      expect((await defaults.raw({ query: TOO_DEEP })).errors).toBeUndefined();
      expect((await defaults.raw({ query: aliases(4) })).errors).toBeUndefined();
      expect((await defaults.request(PlatformUnitPageDocument, { first: 100 })).errors).toBeUndefined();
      // ... while depth 11, 31 aliases and four pages of 100 (cost 4 × 1501) do not.
      const deep = `{ homeInstitution { topLevelUnits { ${'children { '.repeat(8)}id${' }'.repeat(8)} } } }`;
      expectRefusedBeforeExecution(await defaults.raw({ query: deep }), 'MAX_DEPTH_EXCEEDED');
      expectRefusedBeforeExecution(await defaults.raw({ query: aliases(31) }), 'MAX_ALIASES_EXCEEDED');
      expect((await defaults.raw({ query: pages(3) })).errors).toBeUndefined();
      const costly = await defaults.raw({ query: pages(4) });
      expectRefusedBeforeExecution(costly, 'MAX_COST_EXCEEDED');
      expect(costly.errors![0].message).toMatch(/^Query cost 6004 exceeds the maximum of 5000/);
    } finally {
      await defaults.close();
    }
  });
});

describe('over WebSocket (graphql-ws)', () => {
  let client: Client;
  beforeAll(async () => {
    client = await hub.ws({ role: 'STAFF' });
  });

  /** What the server answers to one operation: the results it delivered, or the errors it refused it with. */
  function run(query: string, variables?: Record<string, unknown>) {
    return new Promise<{ results: unknown[]; errors?: readonly GraphQLFormattedError[] }>((resolve, reject) => {
      const results: unknown[] = [];
      client.subscribe(
        { query, variables },
        {
          next: (value) => results.push(value),
          error: (e) => (Array.isArray(e) ? resolve({ results, errors: e }) : reject(e)),
          complete: () => resolve({ results }),
        },
      );
    });
  }

  const refusedWith = (reason: string) => ({
    results: [],
    errors: [expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', reason } })],
  });

  it('refuses a too-deep subscription with MAX_DEPTH_EXCEEDED', async () => {
    const res = await run('subscription { organisationalUnitChanged { unit { parent { parent { id } } } } }');
    expect(res).toEqual(refusedWith('MAX_DEPTH_EXCEEDED'));
  });

  it('refuses a too-deep query with MAX_DEPTH_EXCEEDED and answers one within the limit', async () => {
    expect(await run(TOO_DEEP)).toEqual(refusedWith('MAX_DEPTH_EXCEEDED'));
    const ok = await run(DEEP_ENOUGH);
    expect(ok.errors).toBeUndefined();
    expect(ok.results).toEqual([{ data: { homeInstitution: { topLevelUnits: expect.any(Array) } } }]);
  });

  it('refuses too many aliases with MAX_ALIASES_EXCEEDED', async () => {
    expect(await run(aliases(4))).toEqual(refusedWith('MAX_ALIASES_EXCEEDED'));
  });

  it('refuses a too-costly operation with MAX_COST_EXCEEDED, judging the cost with the variables', async () => {
    const query = print(PlatformUnitPageDocument);
    expect(await run(query, { first: 100 })).toEqual(refusedWith('MAX_COST_EXCEEDED'));
    const ok = await run(query, { first: 5 });
    expect(ok.errors).toBeUndefined();
    expect(ok.results).toHaveLength(1);
  });
});
