import { serverAudits } from 'graphql-http';
import { TypenameDocument } from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('health endpoints', () => {
  it('GET /healthz answers 200 {status: "ok"}', async () => {
    const res = await fetch(`${hub.origin}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz answers 200 when the database answers', async () => {
    const res = await fetch(`${hub.origin}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready' });
  });
});

describe('x-request-id', () => {
  it('is returned with every GraphQL response, a fresh one per request', async () => {
    const a = await hub.request(TypenameDocument, {});
    const b = await hub.request(TypenameDocument, {});
    expect(a.headers.get('x-request-id')).toMatch(UUID);
    expect(b.headers.get('x-request-id')).toMatch(UUID);
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'));
  });

  it('echoes a safe id sent by the client (a proxy or another service)', async () => {
    const res = await hub.request(TypenameDocument, {}, undefined, { 'x-request-id': 'gateway.req-42_A' });
    expect(res.headers.get('x-request-id')).toBe('gateway.req-42_A');
  });

  it.each([
    ['too long', 'x'.repeat(65)],
    ['with spaces', 'a b'],
    ['with markup', '<script>'],
  ])('replaces an unsafe id (%s) with its own', async (_what, id) => {
    const res = await hub.request(TypenameDocument, {}, undefined, { 'x-request-id': id });
    expect(res.headers.get('x-request-id')).toMatch(UUID);
  });
});

describe('GraphiQL', () => {
  async function page(url = hub.httpUrl): Promise<Response> {
    return fetch(url, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
  }
  /** Every src= and href= of <script> and <link> elements. */
  function assetRefs(html: string): string[] {
    return [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
  }

  it('serves an HTML page to a browser at GET /graphql', async () => {
    const res = await page();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('GraphiQL');
  });

  it('loads every script and stylesheet from the hub itself (no CDN), each answering 200 with JS or CSS', async () => {
    const html = await (await page()).text();
    const refs = assetRefs(html);
    expect(refs.length).toBeGreaterThanOrEqual(5);
    for (const ref of refs) {
      // Same-origin paths only: no scheme, no protocol-relative "//host".
      expect(ref).toMatch(/^\/(?!\/)/);
      expect(new URL(ref, hub.origin).origin).toBe(hub.origin);
    }
    for (const ref of refs) {
      const res = await fetch(new URL(ref, hub.origin));
      expect({ ref, status: res.status }).toEqual({ ref, status: 200 });
      const type = res.headers.get('content-type') ?? '';
      const body = await res.text();
      if (ref.endsWith('.css')) expect(type).toMatch(/^text\/css/);
      else expect(type).toMatch(/^(text|application)\/javascript/);
      expect(body.length).toBeGreaterThan(1000);
    }
  });

  it('is not what a GET /graphql asking for JSON without a query receives', async () => {
    const res = await fetch(hub.httpUrl, { headers: { accept: 'application/json' } });
    expect(res.headers.get('content-type')).toMatch(/^application\/(graphql-response\+)?json/);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
  });

  it('does not get in the way of GraphQL over GET', async () => {
    const res = await fetch(`${hub.httpUrl}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/graphql-response+json', 'apollo-require-preflight': 'true' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('is switched off by GRAPHIQL=false: no HTML page at all, neither GraphiQL nor Apollo’s landing page', async () => {
    const off = await startTestHub({ GRAPHIQL: 'false' });
    try {
      const res = await page(off.httpUrl);
      expect(res.headers.get('content-type')).not.toMatch(/html/);
      const text = await res.text();
      expect(text).not.toMatch(/<html/i);
      expect(res.status).toBe(400);
      // GraphQL itself is unaffected.
      expect((await off.request(TypenameDocument, {})).data).toEqual({ __typename: 'Query' });
    } finally {
      await off.close();
    }
  });
});

describe('GraphQL over HTTP conformance (graphql-http audits)', () => {
  const mustAudits = serverAudits({ url: () => hub.httpUrl }).filter((a) => a.name.startsWith('MUST'));

  it('has MUST audits to run', () => {
    expect(mustAudits.length).toBeGreaterThanOrEqual(10);
  });

  test.each(mustAudits.map((a) => [`${a.id} ${a.name}`, a] as const))('%s', async (_name, audit) => {
    const result = await audit.fn();
    expect({ status: result.status, reason: 'reason' in result ? result.reason : undefined }).toEqual({
      status: 'ok',
      reason: undefined,
    });
  });
});
