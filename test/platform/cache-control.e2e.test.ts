import { OperationTypeNode, parse, type OperationDefinitionNode } from 'graphql';
import { cacheControlValue, registerPublicQueryField, rootFieldNames } from '../../src/platform/http/cache-control';
import {
  CacheAnnouncementsDocument,
  CacheMeDocument,
  CacheMixedDocument,
  CacheMutationTypenameDocument,
  CacheOfficeMembershipsDocument,
  CachePartnerDocument,
  CachePublicDirectoryDocument,
  CacheThroughFragmentDocument,
  CacheTypenameDocument,
} from '../generated/graphql';
import { startTestHub, type Identity, type TestHub } from '../support/hub';

let hub: TestHub;
const MAX_AGE = 90;
const PUBLIC = `public, max-age=${MAX_AGE}`;
const STAFF: Identity = { role: 'STAFF' };

beforeAll(async () => {
  hub = await startTestHub({ CONTENT_CACHE_MAX_AGE: String(MAX_AGE) });
});
afterAll(() => hub.close());

const cacheControl = (res: { headers: Headers }) => res.headers.get('cache-control');
const vary = (res: { headers: Headers }) => (res.headers.get('vary') ?? '').split(',').map((v) => v.trim().toLowerCase());

describe('Cache-Control on GraphQL over HTTP', () => {
  it('lets an anonymous query of public directory content be cached publicly for CONTENT_CACHE_MAX_AGE', async () => {
    const res = await hub.request(CachePublicDirectoryDocument, {});
    expect(res.errors).toBeUndefined();
    expect(cacheControl(res)).toBe(PUBLIC);
  });

  it('lets an anonymous query of published content be cached publicly, but not the office’s view of the same query', async () => {
    const anonymous = await hub.request(CacheAnnouncementsDocument, {});
    expect(anonymous.errors).toBeUndefined();
    expect(cacheControl(anonymous)).toBe(PUBLIC);
    const office = await hub.request(CacheAnnouncementsDocument, {}, STAFF);
    expect(office.errors).toBeUndefined();
    expect(cacheControl(office)).toBe('no-store');
  });

  it('always varies on Authorization and Accept-Language, and keeps the request id header', async () => {
    const res = await hub.request(CachePublicDirectoryDocument, {}, undefined, { 'x-request-id': 'cache-test-1' });
    expect(vary(res)).toEqual(expect.arrayContaining(['authorization', 'accept-language']));
    expect(res.headers.get('x-request-id')).toBe('cache-test-1');
    const personal = await hub.request(CacheMeDocument, {}, STAFF);
    expect(vary(personal)).toEqual(expect.arrayContaining(['authorization', 'accept-language']));
  });

  it('lets an anonymous query of __typename alone be cached (introspection is public)', async () => {
    const res = await hub.request(CacheTypenameDocument, {});
    expect(res.data).toEqual({ __typename: 'Query' });
    expect(cacheControl(res)).toBe(PUBLIC);
  });

  it('does not store the same public query when it carries a token', async () => {
    const res = await hub.request(CachePublicDirectoryDocument, {}, STAFF);
    expect(res.errors).toBeUndefined();
    expect(cacheControl(res)).toBe('no-store');
    const applicant = await hub.request(CachePublicDirectoryDocument, {}, { role: 'APPLICANT' });
    expect(cacheControl(applicant)).toBe('no-store');
  });

  it('does not store a mutation, even an anonymous one without errors', async () => {
    const res = await hub.request(CacheMutationTypenameDocument, {});
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ __typename: 'Mutation' });
    expect(cacheControl(res)).toBe('no-store');
  });

  it('does not store a personal field (me), alone, beside public fields or behind a fragment', async () => {
    for (const document of [CacheMeDocument, CacheMixedDocument, CacheThroughFragmentDocument]) {
      const res = await hub.request(document, {});
      expect(res.errors).toBeUndefined();
      expect(cacheControl(res)).toBe('no-store');
    }
  });

  it('does not store an office field, for the office or for a refused visitor', async () => {
    const office = await hub.request(CacheOfficeMembershipsDocument, {}, STAFF);
    expect(office.errors).toBeUndefined();
    expect(cacheControl(office)).toBe('no-store');
    const visitor = await hub.request(CacheOfficeMembershipsDocument, {});
    expect(visitor.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(cacheControl(visitor)).toBe('no-store');
  });

  it('does not store a response with errors, even of a public field', async () => {
    const res = await hub.request(CachePartnerDocument, { id: 'not-an-id' });
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(cacheControl(res)).toBe('no-store');
  });

  it('does not store a request that never reaches an operation (syntax or validation errors)', async () => {
    const syntax = await hub.raw({ query: '{ partners(' });
    expect(syntax.status).toBe(400);
    expect(cacheControl(syntax)).toBe('no-store');
    const unknown = await hub.raw({ query: '{ noSuchField }' });
    expect(cacheControl(unknown)).toBe('no-store');
  });
});

describe('the cache decision', () => {
  const operation = (source: string) => {
    const document = parse(source);
    const op = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
    return { operation: op.operation, rootFields: rootFieldNames(op, document) };
  };

  it('finds root fields through named and inline fragments, without looping on a cycle', () => {
    const { rootFields } = operation('query Q { a ...F ... on Query { b } } fragment F on Query { c ...F }');
    expect([...rootFields].sort()).toEqual(['a', 'b', 'c']);
  });

  it('is public only when every condition holds', () => {
    registerPublicQueryField('cacheTestPublicField');
    const base = { authorization: false, hasErrors: false, ...operation('{ cacheTestPublicField __typename }') };
    expect(cacheControlValue(base, 60)).toBe('public, max-age=60');
    expect(cacheControlValue({ ...base, authorization: true }, 60)).toBe('no-store');
    expect(cacheControlValue({ ...base, hasErrors: true }, 60)).toBe('no-store');
    expect(cacheControlValue({ ...base, operation: OperationTypeNode.MUTATION }, 60)).toBe('no-store');
    expect(cacheControlValue({ ...base, incremental: true }, 60)).toBe('no-store');
    expect(cacheControlValue({ ...base, operation: undefined, rootFields: undefined }, 60)).toBe('no-store');
    expect(cacheControlValue({ ...base, ...operation('{ cacheTestPublicField cacheTestOtherField }') }, 60)).toBe('no-store');
  });
});
