/**
 * Relevance on the real directory: both reference files fully imported (10,251 world universities + 5,912 ECHE
 * holders), a partner agreement, a few content items in Turkish and English; every document built as the outbox
 * worker builds them and written to each engine's store. The same table of queries runs against the PostgreSQL
 * engine and, when this run has a Meilisearch server, the Meilisearch engine (reported as skipped otherwise).
 *
 * Every expected answer was checked against seeds/reference/*.json (by Erasmus code, or by city).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { seedAgreements, type AgreementSeed } from '../../src/modules/agreements/agreement.seed';
import { SEEDS_DIR } from '../../src/modules';
import { importPartners, parseImportText } from '../../src/modules/institutions/institution-import.service';
import { Institution } from '../../src/modules/institutions/institution.entity';
import { foldText } from '../../src/modules/institutions/institution-identifiers';
import { MeiliEngine } from '../../src/modules/search/meili.engine';
import { MeiliSink } from '../../src/modules/search/meili.sink';
import { PgEngine } from '../../src/modules/search/pg.engine';
import { PgSink } from '../../src/modules/search/pg.sink';
import { allSearchRefs, buildSearchDocuments } from '../../src/modules/search/search.documents';
import { SEARCH_TYPES, type SearchDocument, type SearchEngine, type SearchRequest, type SearchResult } from '../../src/modules/search/search.types';
import { sqlArray } from '../../src/platform/db/sql-array';
import { runWithSqlScope } from '../../src/platform/db/sql-counter';
import { dedicatedDatabaseUrl, haveMeili, meiliEnv, meiliSkipReason, startTestHub, type TestHub } from '../support/hub';

// --- The cases ----------------------------------------------------------------------------------------------------

interface Case {
  query: string;
  /** The institution by Erasmus code (any spacing), or `city:<name>`: each of the top 3 is in that city. */
  expect: string;
  /** 1: must be the first hit (exact names and codes); 3: among the first three. */
  top: 1 | 3;
  why: string;
}

const CASES: Case[] = [
  { query: 'Boğaziçi Üniversitesi', expect: 'TR ISTANBU01', top: 1, why: 'exact Turkish name' },
  { query: 'BOĞAZİÇİ ÜNİVERSİTESİ', expect: 'TR ISTANBU01', top: 1, why: 'Turkish capitals İ, Ğ, Ç, Ü' },
  { query: 'bogazici', expect: 'TR ISTANBU01', top: 3, why: 'partial name, no diacritics' },
  { query: 'bogazci', expect: 'TR ISTANBU01', top: 3, why: 'typo (a letter missing)' },
  { query: 'İSTANBUL TEKNİK', expect: 'TR ISTANBU04', top: 3, why: 'Turkish upper case with dotted İ' },
  { query: 'istanbul teknik', expect: 'TR ISTANBU04', top: 3, why: 'lower case, no diacritics' },
  { query: 'Istanbul Technical University', expect: 'TR ISTANBU04', top: 1, why: 'exact English name' },
  { query: 'cukurova', expect: 'TR ADANA01', top: 3, why: 'ç and ü typed as c and u' },
  { query: 'Çukurova', expect: 'TR ADANA01', top: 3, why: 'with Ç' },
  { query: 'çukurova üniversitesi', expect: 'TR ADANA01', top: 3, why: 'Turkish name of an institution listed in English' },
  { query: 'ışık', expect: 'TR ISTANBU14', top: 3, why: 'dotless ı and ş' },
  { query: 'ISIK', expect: 'TR ISTANBU14', top: 3, why: 'capital I without dot' },
  { query: 'hacettepe', expect: 'TR ANKARA03', top: 3, why: 'partial name' },
  { query: 'middle east technical', expect: 'TR ANKARA04', top: 3, why: 'partial English name' },
  { query: 'humbolt', expect: 'D  BERLIN13', top: 3, why: 'typo (d missing)' },
  { query: 'humboldt universitat berlin', expect: 'D  BERLIN13', top: 1, why: 'umlaut typed without dots' },
  { query: 'univrsity of oslo', expect: 'N  OSLO01', top: 3, why: 'typo in a long word' },
  { query: 'universite de strasbourg', expect: 'F  STRASBO48', top: 1, why: 'French accent missing' },
  { query: 'Université de Strasbourg', expect: 'F  STRASBO48', top: 1, why: 'exact name with accent' },
  { query: 'universität wien', expect: 'A  WIEN01', top: 3, why: 'German name with umlaut' },
  { query: 'sorbonne universite', expect: 'F  PARIS468', top: 3, why: 'partial name, accent missing' },
  { query: 'lodzka', expect: 'PL LODZ02', top: 3, why: 'Polish ł (not decomposable) typed as l' },
  { query: 'Politechnika Łódzka', expect: 'PL LODZ02', top: 1, why: 'exact Polish name with Ł and ó' },
  { query: 'TR ISTANBU01', expect: 'TR ISTANBU01', top: 1, why: 'Erasmus code as written' },
  { query: 'TRISTANBU01', expect: 'TR ISTANBU01', top: 1, why: 'Erasmus code without spaces' },
  { query: 'tr istanbu01', expect: 'TR ISTANBU01', top: 1, why: 'Erasmus code in lower case' },
  { query: 'd berlin01', expect: 'D  BERLIN01', top: 1, why: 'Erasmus code with one space instead of two' },
  { query: 'DBERLIN01', expect: 'D  BERLIN01', top: 1, why: 'Erasmus code without spaces' },
  { query: 'Jagiellonian', expect: 'PL KRAKOW01', top: 3, why: 'one word of the name' },
  { query: 'karlsruher institut', expect: 'D  KARLSRU01', top: 3, why: 'start of the name' },
  { query: 'bocconi', expect: 'I  MILANO04', top: 3, why: 'one word of the name' },
  { query: 'ege üniversitesi', expect: 'TR IZMIR02', top: 3, why: 'short name plus a common word' },
  { query: 'Leuven', expect: 'B  LEUVEN01', top: 3, why: 'city name' },
  { query: 'Kraków', expect: 'city:Krakow', top: 3, why: 'city name with ó' },
  { query: 'krakow', expect: 'city:Krakow', top: 3, why: 'city name without diacritics' },
  { query: 'münchen', expect: 'city:Munchen', top: 3, why: 'city name with ü' },
];

// --- Content and visibility fixtures --------------------------------------------------------------------------------

const DAY = 86_400_000;
const content = {
  published: randomUUID(),
  draft: randomUUID(),
  scheduled: randomUUID(),
  expired: randomUUID(),
  page: randomUUID(),
};

async function insertContent(em: EntityManager): Promise<void> {
  const now = Date.now();
  // Words no demo item (nor another test) uses, so that the expected item is the only match.
  const rows: [string, string, string, Record<string, string>, Record<string, string>, Date | null, Date | null][] = [
    [
      content.published,
      'ANNOUNCEMENT',
      'PUBLISHED',
      { tr: 'Kapadokya Yaz Kampı Başvuruları Açıldı', en: 'Cappadocia summer camp: applications are open' },
      {
        tr: 'Katılımcılar bir zeytinyağı atölyesine ve çömlekçilik kursuna katılacak. Başvurular Uluslararası İlişkiler Ofisine.',
        en: 'Participants join an olive oil workshop and a pottery course. Apply to the International Relations Office.',
      },
      null,
      null,
    ],
    [content.draft, 'ANNOUNCEMENT', 'DRAFT', { tr: 'Karadeniz kış okulu taslak programı', en: 'Black Sea winter school draft programme' }, { tr: 'Henüz yayımlanmadı.', en: 'Not published yet.' }, null, null],
    [
      content.scheduled,
      'ANNOUNCEMENT',
      'PUBLISHED',
      { tr: 'Fırtına Vadisi burs sonuçları', en: 'Firtina Valley scholarship results' },
      { tr: 'Sonuçlar gelecek hafta.', en: 'Results next week.' },
      new Date(now + 7 * DAY),
      null,
    ],
    [
      content.expired,
      'ANNOUNCEMENT',
      'PUBLISHED',
      { tr: 'Geçmiş ebru sanatı atölyesi', en: 'Past marbling art workshop' },
      { tr: 'Etkinlik sona erdi.', en: 'The event is over.' },
      new Date(now - 30 * DAY),
      new Date(now - DAY),
    ],
    [
      content.page,
      'PAGE',
      'PUBLISHED',
      { tr: 'Sıcak hava balonu gezisi hakkında sorular', en: 'Questions about the hot air balloon trip' },
      { tr: 'Gezi öncesi sağlık beyanı gerekir. Çift kişilik sepetler.', en: 'A health declaration is needed before the trip. Baskets for two.' },
      null,
      null,
    ],
  ];
  for (const [id, type, status, title, body, publishAt, unpublishAt] of rows) {
    await em.execute(
      `insert into content_item (id, type, kind, status, title, body, body_html, slug, publish_at, unpublish_at, published_at, display_at)
       values (?, ?, ?, ?, ?::jsonb, ?::jsonb, '{}'::jsonb, '{}'::jsonb, ?, ?, ?, now())`,
      [
        id,
        type,
        type === 'ANNOUNCEMENT' ? 'NEWS' : null,
        status,
        JSON.stringify(title),
        JSON.stringify(body),
        publishAt,
        unpublishAt,
        status === 'PUBLISHED' ? new Date(now - DAY) : null,
      ],
    );
  }
}

// --- Setup ----------------------------------------------------------------------------------------------------------

let hub: TestHub;
let em: EntityManager;
let pg: PgEngine;
let meili: MeiliEngine | undefined;
let documentCount = 0;
const timings: Record<string, string> = {};

beforeAll(async () => {
  const t0 = Date.now();
  // The whole reference directory goes into a database of its own (the workers' keep the small demo directory).
  hub = await startTestHub({ DATABASE_URL: dedicatedDatabaseUrl('full') });
  em = hub.hub.orm.em.fork() as EntityManager;
  const demo = path.join(SEEDS_DIR, 'demo');
  // The test hub loaded the demo data set (home university, some partners, content) into its empty database.
  expect(await em.count(Institution, { isHome: true })).toBe(1);
  for (const file of ['world-universities.json', 'eche-holders.json']) {
    await importPartners(em.fork() as EntityManager, parseImportText(readFileSync(path.join(SEEDS_DIR, 'reference', file), 'utf8')));
  }
  timings.import = `${Date.now() - t0} ms`;
  // Boğaziçi becomes a partner (public); an agreement is an office-only document.
  const [template] = (JSON.parse(readFileSync(path.join(demo, 'agreements.json'), 'utf8')) as { agreements: AgreementSeed[] }).agreements;
  await em.fork().transactional((tx) =>
    seedAgreements(tx as EntityManager, [
      { ...template, status: 'IN_EFFECT', partnerErasmusCode: 'TR ISTANBU01', reference: 'REL-IIA-0001', title: 'Boğaziçi Üniversitesi – Erasmus+ IIA' },
    ]),
  );
  await insertContent(em);

  const t1 = Date.now();
  const docs: SearchDocument[] = [];
  for await (const refs of allSearchRefs(em.fork() as EntityManager)) docs.push(...(await buildSearchDocuments(em.fork() as EntityManager, refs)).upserts);
  documentCount = docs.length;
  timings.build = `${Date.now() - t1} ms`;
  const t2 = Date.now();
  await new PgSink(em).rebuild(em, (async function* () {
    for (let i = 0; i < docs.length; i += 1000) yield docs.slice(i, i + 1000);
  })());
  timings.postgres = `${Date.now() - t2} ms`;
  pg = new PgEngine(hub.hub.orm.em as EntityManager);

  if (haveMeili) {
    const t3 = Date.now();
    const env = meiliEnv();
    const options = { url: env.MEILI_URL, apiKey: env.MEILI_API_KEY, index: env.MEILI_INDEX, timeoutMs: 10_000, taskTimeoutMs: 180_000 };
    await new MeiliSink(options).apply(docs, []);
    meili = new MeiliEngine(options);
    timings.meilisearch = `${Date.now() - t3} ms`;
  }
}, 300_000);

afterAll(async () => {
  if (meili) await meili.client.deleteIndex(meili.options.index).catch(() => undefined);
  if (em) {
    // Other test files share this worker's database: take this file's agreement and content away again.
    const agreements = await em.execute<{ id: string }[]>(`select id::text as id from agreement where reference = 'REL-IIA-0001'`);
    const boun = await em.execute<{ id: string }[]>(`select id::text as id from institution where erasmus_code = 'TR ISTANBU01'`);
    await em.execute(`delete from content_item where id = any(?::uuid[])`, [sqlArray(Object.values(content))]);
    await em.execute(`delete from agreement where reference = 'REL-IIA-0001'`);
    const { upserts, removals } = await buildSearchDocuments(em, [
      ...Object.entries(content).map(([key, id]) => ({ type: key === 'page' ? ('PAGE' as const) : ('ANNOUNCEMENT' as const), id })),
      ...agreements.map((a) => ({ type: 'AGREEMENT' as const, id: a.id })),
      ...boun.map((i) => ({ type: 'INSTITUTION' as const, id: i.id })),
    ]);
    await new PgSink(em).apply(upserts, removals);
  }
  await hub?.close();
  console.log(
    `[relevance] ${documentCount} documents; timings ${JSON.stringify(timings)}\n` +
      Object.entries(figures)
        .map(([engine, f]) => `${engine}: top 1 ${f.top1}/${f.cases}, top 3 ${f.top3}/${f.cases}, required ${f.passed}/${f.cases}`)
        .join('\n'),
  );
});

const request = (query: string, over: Partial<SearchRequest> = {}): SearchRequest => ({
  query,
  types: ['INSTITUTION'],
  office: true,
  now: new Date(),
  filter: {},
  locale: 'en',
  offset: 0,
  limit: 10,
  facets: false,
  ...over,
});

interface DocRow {
  uid: string;
  id: string;
  keywords: string[];
  city: string | null;
}

/** The stored documents of a result's hits, in hit order. */
async function docsOf(result: SearchResult): Promise<DocRow[]> {
  const uids = result.hits.map((h) => `${h.type}-${h.id}`);
  if (!uids.length) return [];
  const rows = await em.execute<DocRow[]>(`select uid, id::text as id, keywords, city from search_document where uid = any(?::text[])`, [`{${uids.join(',')}}`]);
  return uids.map((uid) => rows.find((r) => r.uid === uid)!);
}

const compact = (s: string) => foldText(s).replace(/ /g, '');

function matches(doc: DocRow, expect: string): boolean {
  if (expect.startsWith('city:')) return !!doc.city && compact(doc.city) === compact(expect.slice(5));
  return doc.keywords.some((k) => compact(k) === compact(expect));
}

const figures: Record<string, { cases: number; top1: number; top3: number; passed: number }> = {};

// --- The engines ----------------------------------------------------------------------------------------------------

const ENGINES: { name: string; available: boolean; engine: () => SearchEngine }[] = [
  { name: 'postgres', available: true, engine: () => pg },
  { name: 'meilisearch', available: haveMeili, engine: () => meili! },
];

describe.each(ENGINES)('$name engine', ({ name, available, engine }) => {
  const test = available ? it : it.skip;
  const suffix = available ? '' : ` (skipped: ${meiliSkipReason})`;
  figures[name] ??= { cases: 0, top1: 0, top3: 0, passed: 0 };

  describe('relevance on the full directory', () => {
    test.each(CASES)(`$query → $expect in the top $top ($why)${suffix}`, async ({ query, expect: expected, top }) => {
      const result = await engine().search(request(query));
      const docs = await docsOf(result);
      const f = figures[name];
      f.cases++;
      const city = expected.startsWith('city:');
      // A city: each of the first three hits is there; an institution: its rank.
      const rank = city ? (docs.length >= 3 && docs.slice(0, 3).every((d) => matches(d, expected)) ? 1 : -1) : docs.findIndex((d) => matches(d, expected));
      if (rank === 0 || (city && rank === 1)) f.top1++;
      if (rank >= 0 && rank < 3) f.top3++;
      const ok = rank >= 0 && rank < top;
      if (ok) f.passed++;
      // Compared as one object so that a failure shows the rank and the first three hits.
      const seen = { query, rank: rank < 0 ? 'not found' : rank + 1, firstThree: docs.slice(0, 3).map((d) => d.keywords[0] ?? d.uid) };
      expect({ ...seen, within: ok }).toEqual({ ...seen, within: true });
      expect(result.engine).toBe(name);
      // Scores are normalised.
      for (const h of result.hits) if (h.score !== null) expect(h.score).toBeGreaterThanOrEqual(0), expect(h.score).toBeLessThanOrEqual(1);
    });
  });

  describe('content, visibility and types', () => {
    const all = (office: boolean, query: string, locale: 'tr' | 'en' = 'tr') =>
      engine().search(request(query, { office, types: [...SEARCH_TYPES], locale }));
    const ids = (r: SearchResult) => r.hits.map((h) => h.id);

    test(`content is found by words of its Turkish and English title, with or without Turkish letters${suffix}`, async () => {
      for (const [q, locale] of [
        ['kapadokya yaz kampı', 'tr'],
        ['kapadokya yaz kampi', 'tr'],
        ['KAPADOKYA YAZ KAMPI', 'tr'],
        ['cappadocia summer camp', 'en'],
      ] as const) {
        const r = await all(false, q, locale);
        expect({ q, first: r.hits[0]?.id, type: r.hits[0]?.type }).toEqual({ q, first: content.published, type: 'ANNOUNCEMENT' });
      }
      expect(ids(await all(false, 'sıcak hava balonu'))[0]).toBe(content.page);
      expect(ids(await all(false, 'hot air balloon', 'en'))[0]).toBe(content.page);
    });

    test(`content is found by words of its body in both languages${suffix}`, async () => {
      expect(ids(await all(false, 'zeytinyağı atölyesi'))).toContain(content.published);
      expect(ids(await all(false, 'zeytinyagi'))).toContain(content.published);
      expect(ids(await all(false, 'olive oil workshop', 'en'))).toContain(content.published);
      expect(ids(await all(false, 'sağlık beyanı'))).toContain(content.page);
      expect(ids(await all(false, 'health declaration', 'en'))).toContain(content.page);
    });

    test(`highlights mark the matched words in the viewer's language${suffix}`, async () => {
      const tr = await all(false, 'kapadokya yaz kampi', 'tr');
      const title = tr.hits[0].highlights.find((h) => h.field === 'title');
      expect(title?.snippet).toMatch(/<mark>Kapadokya<\/mark> <mark>Yaz<\/mark> <mark>Kampı<\/mark>/);
      const en = await all(false, 'pottery', 'en');
      expect(en.hits[0].highlights.find((h) => h.field === 'text')?.snippet).toMatch(/<mark>pottery<\/mark>/);
    });

    test(`a draft, a scheduled and an expired item are never found by the public, but are by the office${suffix}`, async () => {
      for (const [q, id] of [
        ['karadeniz kış okulu', content.draft],
        ['fırtına vadisi burs', content.scheduled],
        ['firtina valley scholarship', content.scheduled],
        ['ebru sanatı', content.expired],
        ['marbling workshop', content.expired],
      ] as const) {
        expect({ q, found: ids(await all(false, q)).includes(id) }).toEqual({ q, found: false });
        expect({ q, found: ids(await all(true, q)).includes(id) }).toEqual({ q, found: true });
      }
    });

    test(`the public finds partners and the home university, not the rest of the directory; the office finds all${suffix}`, async () => {
      const boun = await all(false, 'bogazici');
      expect(boun.hits.filter((h) => h.type === 'INSTITUTION')).toHaveLength(1);
      expect((await all(false, 'ornek universitesi')).hits.some((h) => h.type === 'INSTITUTION')).toBe(true);
      // Humboldt-Universität has no agreement with the (demo) home university.
      expect((await all(false, 'humboldt universitat berlin')).hits).toHaveLength(0);
      expect((await all(true, 'humboldt universitat berlin')).hits.length).toBeGreaterThan(0);
    });

    test(`agreements are found only by the office${suffix}`, async () => {
      const office = await engine().search(request('REL-IIA-0001', { types: ['AGREEMENT'] }));
      expect(office.hits.map((h) => h.type)).toEqual(['AGREEMENT']);
      const byTitle = await engine().search(request('bogazici erasmus iia', { types: [...SEARCH_TYPES] }));
      expect(byTitle.hits.some((h) => h.type === 'AGREEMENT')).toBe(true);
      const visitor = await engine().search(request('REL-IIA-0001', { types: ['AGREEMENT'], office: false }));
      expect(visitor.hits).toHaveLength(0);
      expect(visitor.total).toBe(0);
    });

    test(`facets count the matches by type and country; filters narrow them${suffix}`, async () => {
      const r = await engine().search(request('istanbul', { facets: true, limit: 5 }));
      expect(r.facets?.types).toEqual([{ value: 'INSTITUTION', count: r.total }]);
      expect(r.facets?.countries[0]).toEqual({ value: 'TR', count: expect.any(Number) });
      const tr = r.facets!.countries[0].count;
      const filtered = await engine().search(request('istanbul', { facets: true, filter: { countries: ['TR'] } }));
      expect(filtered.total).toBe(tr);
      expect(filtered.facets?.countries).toEqual([{ value: 'TR', count: tr }]);
      // Paging: the second page continues the first.
      const first = await engine().search(request('istanbul', { limit: 4 }));
      const second = await engine().search(request('istanbul', { limit: 4, offset: 4 }));
      expect(second.total).toBe(first.total);
      expect(new Set([...ids(first), ...ids(second)]).size).toBe(8);
    });
  });
});

// --- PostgreSQL only: statements per search and per sink batch ------------------------------------------------------

describe('PostgreSQL engine and sink: a constant number of statements', () => {
  async function counted<T>(fn: () => Promise<T>): Promise<{ value: T; statements: number }> {
    const scope = { requestId: 'relevance', statements: 0 };
    const value = await runWithSqlScope(scope, fn);
    return { value, statements: scope.statements };
  }

  it('one statement for hits and total, one more for facets, whatever the number of matches', async () => {
    for (const query of ['bogazici', 'university', 'TR ISTANBU01', 'univrsity of oslo']) {
      const started = Date.now();
      const plain = await counted(() => pg.search(request(query, { limit: 20 })));
      timings[`pg "${query}"`] = `${Date.now() - started} ms`;
      expect({ query, statements: plain.statements }).toEqual({ query, statements: 1 });
      const faceted = await counted(() => pg.search(request(query, { limit: 20, facets: true, office: false, types: [...SEARCH_TYPES] })));
      expect({ query, statements: faceted.statements }).toEqual({ query, statements: 2 });
    }
    // A page beyond the last hit still knows the total: one count more (never more than three in all).
    const beyond = await counted(() => pg.search(request('bogazici', { offset: 50 })));
    expect(beyond.value.hits).toEqual([]);
    expect(beyond.value.total).toBe(1);
    expect(beyond.statements).toBe(2);
  });

  it('the sink writes a batch with one statement and removes with one more', async () => {
    const doc = (i: number): SearchDocument => ({
      uid: `PAGE-${randomUUID()}`,
      type: 'PAGE',
      id: randomUUID(),
      title_tr: `Deneme sayfası ${i}`,
      title_en: `Test page ${i}`,
      text_tr: null,
      text_en: null,
      folded: foldText(`Deneme sayfası ${i} Test page ${i}`),
      keywords: [],
      country: null,
      city: null,
      category: null,
      iscedBroadFields: [],
      languages: ['tr', 'en'],
      public: false,
      publishAt: 0,
      unpublishAt: 32_503_680_000,
      displayAt: 0,
    });
    const docs = Array.from({ length: 5 }, (_, i) => doc(i));
    const sink = new PgSink(hub.hub.orm.em as EntityManager, 2);
    const write = await counted(() => sink.apply(docs, []));
    // 3 batches of at most 2, in one transaction (begin, commit).
    expect(write.statements).toBe(3 + 2);
    const single = await counted(() => sink.apply(docs.slice(0, 1), []));
    expect(single.statements).toBe(1);
    const remove = await counted(() => sink.apply([], docs.map((d) => d.uid)));
    expect(remove.statements).toBe(1);
    const [{ count }] = await em.execute<{ count: number }[]>(`select count(*)::int as count from search_document where uid = any(?::text[])`, [
      `{${docs.map((d) => d.uid).join(',')}}`,
    ]);
    expect(count).toBe(0);
  });
});
