import {
  SearchArchiveContentDocument,
  SearchCreateContentDocument,
  SearchCreateInstitutionDocument,
  SearchEventListDocument,
  SearchHubDocument,
  SearchPartnerListDocument,
  SearchPublishContentDocument,
  type CreateContentInput,
  type SearchHubQuery,
  type SearchHubQueryVariables,
} from '../generated/graphql';
import { startTestHub, waitFor, type Identity, type TestHub } from '../support/hub';

/**
 * The search API on the engine every hub has (PostgreSQL; the Meilisearch engine has its own suites): what each
 * role finds, facets, paging, the `query` argument of lists, and the fallback when Meilisearch cannot be reached.
 */
let hub: TestHub;
const STAFF: Identity = { role: 'STAFF', sub: 'search-staff' };
const APPLICANT: Identity = { role: 'APPLICANT', sub: 'search-applicant' };
const COORDINATOR: Identity = { role: 'COORDINATOR', sub: 'search-coordinator', units: ['00000000-0000-4000-8000-000000000001'] };
const NOT_OFFICE: [string, Identity | undefined][] = [
  ['a visitor', undefined],
  ['an applicant', APPLICANT],
  ['a coordinator', COORDINATOR],
];
/**
 * Made-up words only this file's records contain, so other tests' records never match. They share no letters'
 * sequences with each other, or typo tolerance (trigram similarity) would let one find the other.
 */
const word = () =>
  Array.from({ length: 9 }, () => 'bcdfghjklmnpqrstvwxz'[Math.floor(Math.random() * 20)]).join('');
const WORD = word();
const LIVE = word();
const DRAFT = word();
const LATER = word();

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

async function search(variables: SearchHubQueryVariables, as?: Identity) {
  const res = await hub.request(SearchHubDocument, variables, as);
  return res;
}

async function found(variables: SearchHubQueryVariables, as?: Identity): Promise<SearchHubQuery['search']> {
  const res = await search(variables, as);
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  return res.data!.search;
}

const titles = (result: SearchHubQuery['search']) =>
  result.nodes.map((n) => ('title' in n.node ? n.node.title : 'name' in n.node ? n.node.name : '')).sort();

async function content(input: CreateContentInput, publish: boolean | string = true) {
  const created = await hub.request(SearchCreateContentDocument, { input }, STAFF);
  expect(created.errors).toBeUndefined();
  let item = created.data!.createContent;
  if (publish) {
    const published = await hub.request(
      SearchPublishContentDocument,
      { id: item.id, version: item.version, publishAt: typeof publish === 'string' ? publish : undefined },
      STAFF,
    );
    expect(published.errors).toBeUndefined();
    item = published.data!.publishContent;
  }
  return item;
}

const announcement = (title: string, body: string): CreateContentInput => ({
  type: 'ANNOUNCEMENT',
  title: { tr: title, en: `${title} (en)` },
  body: { tr: body },
  announcement: { kind: 'NEWS' },
});

/** Waits until the outbox worker has written the documents (a search by the office finds `count` of them). */
async function indexed(query: string, count: number) {
  await waitFor(async () => (await found({ query }, STAFF)).totalCount === count, 10_000, `${count} documents for "${query}"`);
}

/**
 * Indexed as published: content is indexed once as a draft (the office finds it) and again when published, so a test
 * of what visitors see waits for the second.
 */
async function indexedPublicly(query: string, count: number) {
  await waitFor(async () => (await found({ query })).totalCount === count, 10_000, `${count} published documents for "${query}"`);
}

describe('what each role finds', () => {
  let live: { id: string; version: number };
  let draft: { id: string; version: number };
  let scheduled: { id: string; version: number };

  beforeAll(async () => {
    live = await content(announcement(`Zeytinyağı Günü ${WORD}`, `Hasat şenliği ${LIVE}`));
    draft = await content(announcement(`Taslak ${WORD}`, `Henüz yayımlanmadı ${DRAFT}`), false);
    scheduled = await content(announcement(`İleride ${WORD}`, `Sonra yayımlanacak ${LATER}`), new Date(Date.now() + 86_400_000).toISOString());
    await indexed(WORD, 3);
  });

  it('finds a published announcement by a word of its body for everyone, with its type and a highlighted snippet', async () => {
    for (const [, who] of [...NOT_OFFICE, ['staff', STAFF] as [string, Identity]]) {
      const result = await found({ query: `${LIVE}` }, who);
      expect(result.nodes).toHaveLength(1);
      expect(result.nodes[0]).toMatchObject({ type: 'ANNOUNCEMENT', node: { __typename: 'Announcement', id: live.id } });
      expect(result.nodes[0].highlights.map((h) => h.snippet).join(' ')).toContain('<mark>');
      expect(result.engine).toBe('postgres');
    }
  });

  it.each(NOT_OFFICE)('never lets %s find a draft or an item scheduled for later, which the office finds', async (_who, as) => {
    expect(titles(await found({ query: WORD }, as))).toEqual([`Zeytinyağı Günü ${WORD}`]);
    expect((await found({ query: `${DRAFT}` }, as)).totalCount).toBe(0);
    expect((await found({ query: `${LATER}` }, as)).totalCount).toBe(0);
    const office = await found({ query: WORD }, STAFF);
    expect(office.nodes.map((n) => (n.node as { id: string }).id).sort()).toEqual([live.id, draft.id, scheduled.id].sort());
  });

  it('counts facets by type with the viewer’s own visibility', async () => {
    expect((await found({ query: WORD })).facets.types).toEqual([{ value: 'ANNOUNCEMENT', count: 1 }]);
    expect((await found({ query: WORD }, STAFF)).facets.types).toEqual([{ value: 'ANNOUNCEMENT', count: 3 }]);
  });

  it('forgets an archived item for everyone, the office included', async () => {
    const gone = word();
    const extra = await content(announcement(`Arşivlenecek ${gone}`, 'x'));
    await indexed(gone, 1);
    const archived = await hub.request(SearchArchiveContentDocument, { id: extra.id, version: extra.version }, STAFF);
    expect(archived.errors).toBeUndefined();
    await indexed(gone, 0);
    expect((await found({ query: gone })).totalCount).toBe(0);
  });

  it('matches Turkish letters typed without their marks and in capitals', async () => {
    for (const query of [`zeytinyagi gunu ${WORD}`, `ZEYTİNYAĞI ${WORD}`, `Zeytinyagı ${WORD}`]) {
      expect(titles(await found({ query }))).toEqual([`Zeytinyağı Günü ${WORD}`]);
    }
  });
});

describe('office-only records', () => {
  it.each(NOT_OFFICE)('refuses agreements to %s (FORBIDDEN TYPE_NOT_SEARCHABLE) and leaves them out by default', async (_who, as) => {
    const asked = await search({ query: 'ORU-ERA-0001', types: ['AGREEMENT'] }, as);
    expect(asked.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'TYPE_NOT_SEARCHABLE' });
    const all = await found({ query: 'ORU-ERA-0001' }, as);
    expect(all.nodes.filter((n) => n.type === 'AGREEMENT')).toEqual([]);
  });

  it('lets the office find an agreement by its reference', async () => {
    await waitFor(async () => (await found({ query: 'ORU-ERA-0001', types: ['AGREEMENT'] }, STAFF)).totalCount > 0, 15_000, 'the seeded agreements indexed');
    const result = await found({ query: 'ORU-ERA-0001', types: ['AGREEMENT'] }, STAFF);
    expect(result.nodes[0]).toMatchObject({ type: 'AGREEMENT', node: { __typename: 'Agreement', title: expect.stringContaining('Vorarlberg') } });
  });

  it('lets the public find partners, and only the office an institution that is no partner', async () => {
    const name = `Zeytin Akademisi ${WORD}`;
    const created = await hub.request(SearchCreateInstitutionDocument, { input: { officialName: name, country: 'GR' } }, STAFF);
    expect(created.errors).toBeUndefined();
    await indexed(`akademisi ${WORD}`, 1);
    expect((await found({ query: `akademisi ${WORD}` })).totalCount).toBe(0);
    await waitFor(async () => (await found({ query: 'Vorarlberg' })).totalCount > 0, 15_000, 'the seeded partners indexed');
    expect((await found({ query: 'vorarlberg', types: ['INSTITUTION'] })).nodes[0].node).toMatchObject({ __typename: 'Institution', country: 'AT' });
  });
});

describe('paging, limits and lists', () => {
  it('pages with after cursors without repeating a hit', async () => {
    const paged = word();
    for (let i = 0; i < 5; i++) await content(announcement(`Sayfa ${i} ${paged}`, 'x'));
    // Publishing re-indexes each with its display time, which moves it in the order: a page taken meanwhile could repeat a hit.
    await indexedPublicly(paged, 5);
    const first = await found({ query: paged, first: 3 });
    expect(first.nodes).toHaveLength(3);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await found({ query: paged, first: 3, after: first.pageInfo.endCursor });
    expect(second.nodes).toHaveLength(2);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(new Set([...titles(first), ...titles(second)]).size).toBe(5);
    expect((await search({ query: paged, after: 'garbage' })).errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
  });

  it('refuses an empty query (QUERY_REQUIRED) and one longer than 200 characters (QUERY_TOO_LONG)', async () => {
    const empty = await search({ query: '   ' });
    expect(empty.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_REQUIRED', field: 'query' });
    const res = await search({ query: 'a'.repeat(201) });
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'QUERY_TOO_LONG', field: 'query' });
  });

  it('narrows the events list and the partner list with `query`', async () => {
    const tasting = word();
    const start = new Date(Date.now() + 7 * 86_400_000);
    await content({
      type: 'EVENT',
      title: { tr: `Tadım ${tasting}` },
      event: {
        kind: 'WORKSHOP',
        startsAt: start.toISOString(),
        endsAt: new Date(start.getTime() + 3_600_000).toISOString(),
        timeZone: 'Europe/Istanbul',
        organiserKind: 'OFFICE',
      },
    });
    await indexedPublicly(tasting, 1);
    const events = await hub.request(SearchEventListDocument, { query: tasting });
    expect(events.data!.events.nodes.map((e) => e.title)).toEqual([`Tadım ${tasting}`]);
    const partners = await hub.request(SearchPartnerListDocument, { query: 'vorarlbrg' });
    expect(partners.errors).toBeUndefined();
    expect(partners.data!.partners.nodes.map((p) => p.name).join()).toMatch(/Vorarlberg/i);
  });
});

describe('when Meilisearch cannot be reached', () => {
  it('answers from PostgreSQL and says so in the response extensions', async () => {
    const broken = await startTestHub({ MEILI_URL: 'http://127.0.0.1:9', MEILI_API_KEY: 'x'.repeat(16), MEILI_TIMEOUT_MS: '300' });
    try {
      await waitFor(async () => ((await broken.request(SearchHubDocument, { query: 'vorarlberg' })).data?.search.totalCount ?? 0) > 0, 15_000, 'the fallback answer');
      const res = await broken.request(SearchHubDocument, { query: 'vorarlberg' });
      expect(res.errors).toBeUndefined();
      expect(res.data!.search.engine).toBe('postgres');
      expect(res.extensions).toMatchObject({ search: { engine: 'postgres', fallback: true } });
    } finally {
      await broken.close();
    }
  });
});
