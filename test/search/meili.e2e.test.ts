/**
 * Meilisearch against the real server (the bundled binary, started once per run by test/support/global-setup.ts):
 * the index settings, documents following changes made through GraphQL (create, archive, unpublish, merge,
 * delete), and Turkish letters, diacritics and typos. Each hub here has an index of its own.
 */
import { Meilisearch } from 'meilisearch';
import { meiliClient, meiliOptions } from '../../src/modules/search/meili.index';
import { MeiliEngine } from '../../src/modules/search/meili.engine';
import { MEILI_CONSUMER } from '../../src/modules/search/meili.sink';
import type { SearchRequest } from '../../src/modules/search/search.types';
import { fromGlobalId, parseGlobalId } from '../../src/platform/graphql/relay';
import {
  ArchiveContentDocument,
  CreateContentDocument,
  DeleteContentDocument,
  DirectoryCreateInstitutionDocument,
  DirectoryMergeDocument,
  DirectoryUpdateInstitutionDocument,
  PublishContentDocument,
  ReturnContentToDraftDocument,
  type CreateContentInput,
} from '../generated/graphql';
import { meiliDoc } from './meili.support';
import { haveMeili, itMeili, meiliEnv, meiliSkipReason, startTestHub, waitFor, type GraphQLResponse, type Identity, type TestHub } from '../support/hub';

const STAFF: Identity = { role: 'STAFF', sub: 'meili-staff' };
/** A made-up word only this file's records contain. */
const WORD = `kuzgun${Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 5)}`;
const suite = `Meilisearch engine and index${haveMeili ? '' : ` (skipped: ${meiliSkipReason})`}`;

let hub: TestHub;
let client: Meilisearch;
let engine: MeiliEngine;
let index: string;

function ok<T>(res: GraphQLResponse<T>): T {
  if (res.errors?.length) throw new Error(JSON.stringify(res.errors));
  return res.data!;
}

const doc = (uid: string) => meiliDoc(client, index, uid);

async function indexed(uid: string, ms = 20_000, what = uid) {
  let found: Record<string, unknown> | null = null;
  await waitFor(async () => (found = await doc(uid)) !== null, ms, `${what} in Meilisearch`);
  return found!;
}

async function removed(uid: string, ms = 20_000) {
  await waitFor(async () => (await doc(uid)) === null, ms, `${uid} removed from Meilisearch`);
}

async function indexedWhere(uid: string, check: (d: Record<string, unknown>) => boolean, ms = 20_000) {
  let last: Record<string, unknown> | null = null;
  await waitFor(async () => !!(last = await doc(uid)) && check(last), ms, `${uid} updated in Meilisearch (last: ${JSON.stringify(last)})`);
  return last!;
}

function request(query: string, more: Partial<SearchRequest> = {}): SearchRequest {
  return {
    query,
    types: ['INSTITUTION', 'ANNOUNCEMENT', 'EVENT', 'PAGE', 'DOCUMENT', 'PROMOTIONAL_MATERIAL', 'AGREEMENT'],
    office: true,
    now: new Date(),
    filter: {},
    locale: 'tr',
    offset: 0,
    limit: 20,
    facets: false,
    ...more,
  };
}

async function hitIds(query: string, more: Partial<SearchRequest> = {}) {
  return (await engine.search(request(query, more))).hits.map((h) => h.id);
}

async function createInstitution(officialName: string, more: Record<string, unknown> = {}) {
  const created = ok(
    await hub.request(DirectoryCreateInstitutionDocument, { input: { officialName, country: 'TR', kind: 'HEI', ...more } } as never, STAFF),
  ).createInstitution;
  return { ...created, uuid: fromGlobalId(created.id, 'Institution') };
}

async function createContent(input: CreateContentInput) {
  const item = ok(await hub.request(CreateContentDocument, { input }, STAFF)).createContent;
  return { ...item, uuid: contentUuid(item.id) };
}

/** Content global ids carry their GraphQL type (Announcement, Event, ...). */
const contentUuid = (globalId: string) => parseGlobalId(globalId).id;

beforeAll(async () => {
  if (!haveMeili) return;
  hub = await startTestHub(meiliEnv());
  const options = meiliOptions(hub.hub.config)!;
  index = options.index;
  client = meiliClient(options);
  engine = new MeiliEngine(options);
}, 60_000);

afterAll(async () => {
  if (!haveMeili) return;
  await hub?.close();
  await client?.deleteIndexIfExists(index);
});

describe(suite, () => {
  itMeili('the hub searches with Meilisearch on an index of its own, with the settings applied', async () => {
    expect(hub.hub.config.search.meiliUrl).toBe(process.env.TEST_MEILI_URL);
    expect(index).toMatch(/^hub_w\d+_[a-z0-9]+$/);
    await engine.prepare();
    const settings = await client.index(index).getSettings();
    expect(settings.searchableAttributes).toEqual(['title_tr', 'title_en', 'keywords', 'folded', 'text_tr', 'text_en', 'city']);
    expect([...(settings.filterableAttributes ?? [])].sort()).toEqual(
      ['category', 'country', 'iscedBroadFields', 'languages', 'public', 'publishAt', 'type', 'unpublishAt'].sort(),
    );
    expect(settings.sortableAttributes).toEqual(['displayAt']);
    expect(settings.localizedAttributes).toEqual([
      { attributePatterns: ['*_tr'], locales: ['tur'] },
      { attributePatterns: ['*_en'], locales: ['eng'] },
    ]);
    expect(settings.synonyms?.uni).toEqual(expect.arrayContaining(['university', 'üniversite', 'universität', 'université']));
    expect(settings.synonyms?.['üniversite']).toEqual(expect.arrayContaining(['uni', 'university']));
    expect(settings.synonyms?.tech).toEqual(expect.arrayContaining(['technical', 'teknik']));
    expect(settings.typoTolerance).toMatchObject({ enabled: true, disableOnAttributes: ['keywords'], minWordSizeForTypos: { oneTypo: 5, twoTypos: 9 } });
    expect(settings.faceting?.maxValuesPerFacet).toBe(200);
    expect(settings.pagination?.maxTotalHits).toBe(5000);
    const primaryKey = (await client.getRawIndex(index)).primaryKey;
    expect(primaryKey).toBe('uid');
    // Applying them again is a no-op.
    await engine.prepare();
    expect(await client.index(index).getSettings()).toEqual(settings);
  });

  itMeili('an institution created through GraphQL is in Meilisearch once the worker has run, and follows its updates', async () => {
    const inst = await createInstitution(`Kuzey Deniz ${WORD} Üniversitesi`, { city: 'Trabzon', erasmusCode: `TR TRABZON${Math.floor(Math.random() * 90 + 10)}` });
    const d = await indexed(`INSTITUTION-${inst.uuid}`);
    expect(d).toMatchObject({ type: 'INSTITUTION', id: inst.uuid, title_tr: `Kuzey Deniz ${WORD} Üniversitesi`, country: 'TR', city: 'Trabzon' });
    // Only the office finds a non-partner institution.
    expect(await hitIds(WORD, { types: ['INSTITUTION'] })).toContain(inst.uuid);
    expect(await hitIds(WORD, { types: ['INSTITUTION'], office: false })).not.toContain(inst.uuid);
    const res = await engine.search(request(`kuzey deniz ${WORD}`, { types: ['INSTITUTION'], facets: true }));
    expect(res.engine).toBe('meilisearch');
    expect(res.hits[0]).toMatchObject({ type: 'INSTITUTION', id: inst.uuid });
    expect(res.hits[0].score).toBeGreaterThan(0.5);
    expect(res.hits[0].highlights).toContainEqual({ field: 'title', snippet: `<mark>Kuzey</mark> <mark>Deniz</mark> <mark>${WORD}</mark> Üniversitesi` });
    expect(res.facets?.types).toEqual([{ value: 'INSTITUTION', count: res.total }]);
    expect(res.facets?.countries).toContainEqual({ value: 'TR', count: expect.any(Number) });

    ok(await hub.request(DirectoryUpdateInstitutionDocument, { input: { id: inst.id, version: inst.version, city: 'Rize', otherNames: [`${WORD} Karadeniz`] } }, STAFF));
    await indexedWhere(`INSTITUTION-${inst.uuid}`, (x) => x.city === 'Rize');
    expect(await hitIds(`karadeniz ${WORD}`, { types: ['INSTITUTION'] })).toEqual([inst.uuid]);
  });

  itMeili('archiving content removes its document; unpublishing hides it from the public', async () => {
    const item = await createContent({
      type: 'ANNOUNCEMENT',
      title: { tr: `${WORD} değişim programı duyurusu`, en: `${WORD} exchange programme notice` },
      summary: { tr: 'Başvurular <b>15 Mart</b>’a kadar & sonrası kapalı.', en: 'Applications until 15 March.' },
      announcement: { kind: 'NEWS' },
    });
    const uid = `ANNOUNCEMENT-${item.uuid}`;
    // A draft is indexed for the office only.
    expect(await indexed(uid)).toMatchObject({ public: false });
    expect(await hitIds(WORD, { types: ['ANNOUNCEMENT'] })).toContain(item.uuid);
    expect(await hitIds(WORD, { types: ['ANNOUNCEMENT'], office: false })).toEqual([]);

    const published = ok(await hub.request(PublishContentDocument, { id: item.id, version: item.version }, STAFF)).publishContent;
    await indexedWhere(uid, (d) => d.public === true);
    const pub = await engine.search(request(`${WORD} degisim`, { types: ['ANNOUNCEMENT'], office: false }));
    expect(pub.hits.map((h) => h.id)).toEqual([item.uuid]);
    // Highlights are HTML: the text escaped, only the marks left as tags.
    expect(pub.hits[0].highlights[0]).toEqual({ field: 'title', snippet: `<mark>${WORD}</mark> <mark>değişim</mark> programı duyurusu` });
    const text = await engine.search(request('mart', { types: ['ANNOUNCEMENT'], office: false }));
    const mine = text.hits.find((h) => h.id === item.uuid);
    expect(mine?.highlights).toContainEqual({ field: 'text', snippet: 'Başvurular &lt;b&gt;15 <mark>Mart</mark>&lt;/b&gt;’a kadar &amp; sonrası kapalı.' });
    // In English the English title comes first.
    const en = await engine.search(request(WORD, { types: ['ANNOUNCEMENT'], office: false, locale: 'en' }));
    expect(en.hits[0].highlights[0]).toEqual({ field: 'title', snippet: `<mark>${WORD}</mark> exchange programme notice` });

    // Unpublishing (back to draft): still found by the office, no longer by the public.
    const draft = ok(await hub.request(ReturnContentToDraftDocument, { id: item.id, version: published.version, note: 'fix' }, STAFF)).returnContentToDraft;
    await indexedWhere(uid, (d) => d.public === false);
    expect(await hitIds(WORD, { types: ['ANNOUNCEMENT'], office: false })).toEqual([]);
    expect(await hitIds(WORD, { types: ['ANNOUNCEMENT'] })).toEqual([item.uuid]);

    // Archiving removes the document.
    ok(await hub.request(ArchiveContentDocument, { id: item.id, version: draft.version }, STAFF));
    await removed(uid);
    expect(await hitIds(WORD, { types: ['ANNOUNCEMENT'] })).toEqual([]);
  });

  itMeili('deleting a never-published draft removes its document', async () => {
    const draft = await createContent({ type: 'PAGE', title: { tr: `${WORD} taslak sayfa`, en: `${WORD} draft page` }, page: {} });
    await indexed(`PAGE-${draft.uuid}`);
    ok(await hub.request(DeleteContentDocument, { id: draft.id, version: draft.version }, STAFF));
    await removed(`PAGE-${draft.uuid}`, 10_000);
  });

  itMeili('merging institutions removes the duplicate and indexes the merged names on the kept one', async () => {
    const keep = await createInstitution(`Batı Yakası ${WORD} Üniversitesi`, { city: 'Mersin' });
    const dup = await createInstitution(`Bati Yakasi ${WORD} University`, { city: 'Mersin' });
    await indexed(`INSTITUTION-${keep.uuid}`);
    await indexed(`INSTITUTION-${dup.uuid}`);
    ok(await hub.request(DirectoryMergeDocument, { keepId: keep.id, duplicateId: dup.id }, STAFF));
    await removed(`INSTITUTION-${dup.uuid}`);
    const kept = await indexedWhere(`INSTITUTION-${keep.uuid}`, (d) => String(d.text_tr ?? '').includes('University'));
    expect(kept.text_tr).toContain(`Bati Yakasi ${WORD} University`);
    expect(await hitIds(`${WORD} university`, { types: ['INSTITUTION'] })).toContain(keep.uuid);
  });

  itMeili('Turkish letters, case, diacritics and typos find their targets (via folded where Meilisearch does not fold)', async () => {
    const names: Record<string, string> = {
      istanbul: `İstanbul Kıyı ${WORD} Üniversitesi`,
      sisli: `Şişli Dağlıca ${WORD} Enstitüsü`,
      camlica: `Çamlıca Gölbaşı ${WORD} Akademisi`,
      uskudar: `Üsküdar Işıklı ${WORD} Koleji`,
      strasbourg: `Université de ${WORD} Strasbourg`,
      humboldt: `Humboldt-Universität ${WORD}`,
      lodz: `Politechnika Łódzka ${WORD}`,
    };
    const ids: Record<string, string> = {};
    for (const [key, name] of Object.entries(names)) {
      ids[key] = (await createInstitution(name, { country: key === 'strasbourg' ? 'FR' : key === 'humboldt' ? 'DE' : key === 'lodz' ? 'PL' : 'TR' })).uuid;
    }
    for (const id of Object.values(ids)) await indexed(`INSTITUTION-${id}`);
    const cases: [string, keyof typeof names][] = [
      [`İstanbul ${WORD}`, 'istanbul'],
      [`istanbul ${WORD}`, 'istanbul'],
      [`ISTANBUL ${WORD}`, 'istanbul'],
      [`İSTANBUL KIYI ${WORD}`, 'istanbul'],
      [`kiyi ${WORD}`, 'istanbul'],
      [`kıyı ${WORD}`, 'istanbul'],
      [`sisli daglica ${WORD}`, 'sisli'],
      [`ŞİŞLİ DAĞLICA ${WORD}`, 'sisli'],
      [`camlica golbasi ${WORD}`, 'camlica'],
      [`Çamlıca Gölbaşı ${WORD}`, 'camlica'],
      [`uskudar isikli ${WORD}`, 'uskudar'],
      [`USKUDAR ISIKLI ${WORD}`, 'uskudar'],
      [`universite ${WORD} strasbourg`, 'strasbourg'],
      [`UNIVERSITÉ ${WORD} STRASBOURG`, 'strasbourg'],
      [`humbolt ${WORD}`, 'humboldt'],
      [`humboldt universitat ${WORD}`, 'humboldt'],
      [`lodzka ${WORD}`, 'lodz'],
      [`politechnika lodzka ${WORD}`, 'lodz'],
      // Synonyms: uni / university / üniversite; tech / teknik.
      [`${WORD} university istanbul`, 'istanbul'],
      [`${WORD} institute sisli`, 'sisli'],
    ];
    const misses: string[] = [];
    for (const [query, key] of cases) {
      const hits = await hitIds(query, { types: ['INSTITUTION'] });
      if (hits[0] !== ids[key]) misses.push(`${query} → ${hits.slice(0, 3).join(', ') || 'nothing'} (expected ${names[key]})`);
    }
    expect(misses).toEqual([]);
    // Université and universite find the same (with the synonym üniversitesi, the Turkish ones as well).
    const accented = await hitIds(`Université ${WORD}`, { types: ['INSTITUTION'] });
    expect(accented).toContain(ids.strasbourg);
    expect(await hitIds(`universite ${WORD}`, { types: ['INSTITUTION'] })).toEqual(accented);
  });

  itMeili('filters: the public window, facet choices and permitted types', async () => {
    const soon = new Date(Date.now() + 3600_000).toISOString();
    const item = await createContent({ type: 'EVENT', title: { tr: `${WORD} yaz okulu`, en: `${WORD} summer school` }, event: eventDetails() });
    ok(await hub.request(PublishContentDocument, { id: item.id, version: item.version, publishAt: soon }, STAFF));
    const uid = `EVENT-${item.uuid}`;
    const d = await indexedWhere(uid, (x) => x.public === true && Number(x.publishAt) > Date.now() / 1000);
    // Scheduled: public but not yet in its window.
    expect(await hitIds(`${WORD} summer`, { types: ['EVENT'], office: false })).toEqual([]);
    expect(await hitIds(`${WORD} summer`, { types: ['EVENT'], office: false, now: new Date((Number(d.publishAt) + 1) * 1000) })).toEqual([item.uuid]);
    expect(await hitIds(`${WORD} summer`, { types: ['EVENT'] })).toEqual([item.uuid]);
    // Types not asked for are never returned.
    expect(await hitIds(`${WORD} summer`, { types: ['ANNOUNCEMENT', 'INSTITUTION'] })).toEqual([]);
    // Facet choices as IN filters.
    expect(await hitIds(`${WORD} summer`, { types: ['EVENT'], filter: { languages: ['en'] } })).toEqual([item.uuid]);
    expect(await hitIds(`${WORD} summer`, { types: ['EVENT'], filter: { languages: ['de'] } })).toEqual([]);
    expect(await hitIds(`${WORD} summer`, { types: ['EVENT'], filter: { countries: ['TR'] } })).toEqual([]);
    const idsOnly = await engine.search(request(`${WORD} summer`, { types: ['EVENT'], idsOnly: true }));
    expect(idsOnly.hits).toEqual([{ type: 'EVENT', id: item.uuid, score: expect.any(Number), highlights: [] }]);
  });

  itMeili('the consumer keeps its cursor under the name search.meilisearch', async () => {
    const [row] = await hub.hub.orm.em.fork().execute<{ name: string }[]>(`select name from outbox_consumer where name = ?`, [MEILI_CONSUMER]);
    expect(row?.name).toBe('search.meilisearch');
  });
});

function eventDetails() {
  const start = new Date(Date.now() + 30 * 86400_000);
  return {
    kind: 'INFO_SESSION',
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 3 * 3600_000).toISOString(),
    timeZone: 'Europe/Istanbul',
    organiserKind: 'OFFICE',
  } as never;
}
