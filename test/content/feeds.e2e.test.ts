import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { CountingOrmLogger } from '../../src/platform/db/sql-counter';
import {
  FeedArchiveContentDocument,
  FeedContentHtmlDocument,
  FeedCreateContentDocument,
  FeedPublishContentDocument,
  type CreateContentInput,
} from '../generated/graphql';
import { sleep, startTestHub, type Identity, type TestHub } from '../support/hub';

let hub: TestHub;
const STAFF: Identity = { role: 'STAFF' };
const MAX_AGE = 120;
/** Every item of this file carries this tag, and the feeds are read filtered by it: other files share the database. */
const TAG = `feeds-${Math.random().toString(36).slice(2, 10)}`;

beforeAll(async () => {
  hub = await startTestHub({ CONTENT_CACHE_MAX_AGE: String(MAX_AGE) });
});
afterAll(() => hub.close());

const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
const unique = (what: string) => `${what} ${Math.random().toString(36).slice(2, 8).toUpperCase()}`;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

async function create(input: CreateContentInput) {
  const res = await hub.request(FeedCreateContentDocument, { input: { ...input, tags: [TAG, ...(input.tags ?? [])] } }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.createContent;
}

async function publish(item: { id: string; version: number }, window: { publishAt?: string; unpublishAt?: string } = {}) {
  const res = await hub.request(FeedPublishContentDocument, { id: item.id, version: item.version, ...window }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.publishContent;
}

async function archive(item: { id: string; version: number }) {
  const res = await hub.request(FeedArchiveContentDocument, { id: item.id, version: item.version }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.archiveContent;
}

async function announcement(title: CreateContentInput['title'], more: Partial<CreateContentInput> = {}) {
  return create({
    type: 'ANNOUNCEMENT',
    title,
    summary: { tr: 'Kısa özet', en: 'A short summary' },
    body: { tr: 'Merhaba **dünya**', en: 'Hello **world** <script>alert(1)</script>' },
    announcement: { kind: 'NEWS' },
    ...more,
  });
}

async function event(title: string, startsAt: string, endsAt: string, timeZone: string, more: Partial<CreateContentInput> = {}) {
  return create({
    type: 'EVENT',
    title: { tr: `${title} (tr)`, en: title },
    summary: { tr: 'Etkinlik özeti', en: 'What the event is about' },
    event: { kind: 'INFO_SESSION', startsAt, endsAt, timeZone, organiserKind: 'OFFICE', venue: { tr: 'Rektörlük Salonu', en: 'Rectorate Hall' } },
    ...more,
  });
}

async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${hub.origin}${path}`, { headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  isArray: (name) => ['item', 'entry', 'category', 'link'].includes(name),
});

interface RssItem {
  title: string;
  link: string[];
  guid: { '#text': string };
  description?: string;
  'content:encoded'?: string;
  category?: string[];
}
interface AtomEntry {
  title: { '#text': string };
  id: string;
  link: { '@_href': string }[];
  content?: { '#text': string };
  published: string;
}

async function rss(query: string) {
  const res = await get(`/feeds/announcements.rss?${query}`);
  expect(res.status).toBe(200);
  expect(XMLValidator.validate(res.text)).toBe(true);
  const doc = xml.parse(res.text) as { rss: { channel: { title: string; language: string; item?: RssItem[] } } };
  return { ...res, channel: doc.rss.channel, items: doc.rss.channel.item ?? [] };
}

async function atom(query: string) {
  const res = await get(`/feeds/announcements.atom?${query}`);
  expect(res.status).toBe(200);
  expect(XMLValidator.validate(res.text)).toBe(true);
  const doc = xml.parse(res.text) as { feed: { title: string; entry?: AtomEntry[] } };
  return { ...res, entries: doc.feed.entry ?? [] };
}

/** The calendar's lines, unfolded (RFC 5545 folds long lines with CRLF and a space). */
const icsLines = (text: string) => text.replace(/\r\n[ \t]/g, '').split('\r\n');
/** Each VEVENT as a map of its properties (name with parameters → value). */
function vevents(text: string): Map<string, string>[] {
  const events: Map<string, string>[] = [];
  let current: Map<string, string> | undefined;
  for (const line of icsLines(text)) {
    if (line === 'BEGIN:VEVENT') current = new Map();
    else if (line === 'END:VEVENT') {
      events.push(current!);
      current = undefined;
    } else if (current) {
      const colon = line.indexOf(':');
      current.set(line.slice(0, colon), line.slice(colon + 1));
    }
  }
  return events;
}

async function storedHtml(id: string, locale: 'tr' | 'en') {
  const res = await hub.request(FeedContentHtmlDocument, { id, locale }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.content!;
}

describe('announcement feeds', () => {
  let live: { id: string; slugs: { tr?: string | null; en?: string | null } };
  let newer: { id: string };
  const titles = {
    live: unique('Erasmus call is open'),
    newer: unique('Exchange fair'),
    draft: unique('Draft notice'),
    scheduled: unique('Scheduled notice'),
    archived: unique('Archived notice'),
    expired: unique('Expired notice'),
  };

  beforeAll(async () => {
    const t = (en: string) => ({ tr: `${en} (tr)`, en });
    const l = await announcement(t(titles.live), { announcement: { kind: 'CALL' } });
    await publish(l);
    live = l;
    newer = await announcement(t(titles.newer));
    await publish(newer as { id: string; version: number });
    await announcement(t(titles.draft));
    await publish(await announcement(t(titles.scheduled)), { publishAt: inDays(2) });
    const archived = await publish(await announcement(t(titles.archived)));
    await archive(archived);
    const expiring = await publish(await announcement(t(titles.expired)), { unpublishAt: new Date(Date.now() + 1500).toISOString() });
    expect(expiring.status).toBe('PUBLISHED');
    await sleep(1600);
  });

  it('lists published announcements in RSS 2.0, newest first, with the sanitised HTML of the asked locale, and not drafts, scheduled, archived or expired ones', async () => {
    const feed = await rss(`locale=en&tag=${TAG}`);
    expect(feed.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    expect(feed.channel.title).toBe('International Relations Office Announcements');
    expect(feed.channel.language).toBe('en');
    expect(feed.items.map((i) => i.title)).toEqual([titles.newer, titles.live]);

    const item = feed.items[1];
    const stored = await storedHtml(live.id, 'en');
    expect(item['content:encoded']).toBe(stored.bodyHtml);
    expect(item['content:encoded']).toContain('<strong>world</strong>');
    expect(item['content:encoded']).not.toContain('<script');
    expect(item.description).toBe('A short summary');
    expect(item.guid['#text']).toBe(`urn:uuid:${uuidOf(live.id)}`);
    expect(item.link[0]).toBe(`${hub.origin}/en/announcements/${live.slugs.en}`);
    expect(item.category).toContain(TAG);
  });

  it('lists the same announcements in Atom 1.0 and JSON Feed', async () => {
    const feed = await atom(`locale=en&tag=${TAG}`);
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(feed.entries.map((e) => e.title['#text'])).toEqual([titles.newer, titles.live]);
    const entry = feed.entries[1];
    expect(entry.id).toBe(`urn:uuid:${uuidOf(live.id)}`);
    expect(entry.link[0]['@_href']).toBe(`${hub.origin}/en/announcements/${live.slugs.en}`);
    expect(entry.content?.['#text']).toBe((await storedHtml(live.id, 'en')).bodyHtml);

    const json = await get(`/feeds/announcements.json?locale=en&tag=${TAG}`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const parsed = JSON.parse(json.text) as { items: { id: string; title: string; content_html: string }[] };
    expect(parsed.items.map((i) => i.title)).toEqual([titles.newer, titles.live]);
    expect(parsed.items[1].content_html).toContain('<strong>world</strong>');
  });

  it('serves the default locale (Turkish) when no locale is asked, with Turkish links', async () => {
    const feed = await rss(`tag=${TAG}`);
    expect(feed.channel.title).toBe('Uluslararası İlişkiler Ofisi Duyuruları');
    expect(feed.items.map((i) => i.title)).toEqual([`${titles.newer} (tr)`, `${titles.live} (tr)`]);
    const item = feed.items[1];
    expect(item['content:encoded']).toBe((await storedHtml(live.id, 'tr')).bodyHtml);
    expect(item['content:encoded']).toContain('<strong>dünya</strong>');
    expect(item.link[0]).toBe(`${hub.origin}/tr/announcements/${live.slugs.tr}`);
  });

  it('falls back to the default locale for an item without the asked translation', async () => {
    const tag = `${TAG}-tr-only`;
    const title = unique('Yalnızca Türkçe duyuru');
    const item = await announcement({ tr: title }, { summary: { tr: 'Türkçe özet' }, body: { tr: 'Sadece _Türkçe_' }, tags: [tag] });
    await publish(item);
    const feed = await rss(`locale=en&tag=${tag}`);
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0].title).toBe(title);
    expect(feed.items[0].description).toBe('Türkçe özet');
    expect(feed.items[0]['content:encoded']).toBe((await storedHtml(item.id, 'tr')).bodyHtml);
    expect(feed.items[0]['content:encoded']).toContain('<em>Türkçe</em>');
    // The link goes to the page in the language the item is in.
    expect(feed.items[0].link[0]).toBe(`${hub.origin}/tr/announcements/${item.slugs.tr}`);
  });

  it('filters by kind and by tag', async () => {
    const calls = await rss(`locale=en&tag=${TAG}&kind=CALL`);
    expect(calls.items.map((i) => i.title)).toEqual([titles.live]);
    const none = await rss(`locale=en&tag=${TAG}-nothing-carries-this`);
    expect(none.items).toEqual([]);
  });

  it('refuses a kind, locale or category it does not know with 400 and a reason, and caches no error', async () => {
    for (const [query, field, reason] of [
      ['kind=GOSSIP', 'kind', 'UNKNOWN_KIND'],
      ['kind=INFO_SESSION', 'kind', 'UNKNOWN_KIND'],
      ['locale=de', 'locale', 'UNKNOWN_LOCALE'],
      ['category=no-such-category-here', 'category', 'UNKNOWN_CATEGORY'],
      ['locale=en&locale=tr', 'locale', 'INVALID_PARAMETER'],
    ]) {
      const res = await get(`/feeds/announcements.rss?${query}`);
      expect(res.status).toBe(400);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'BAD_USER_INPUT', reason, field } });
    }
    const ics = await get('/feeds/events.ics?kind=NEWS');
    expect(ics.status).toBe(400);
    expect(JSON.parse(ics.text)).toMatchObject({ error: { reason: 'UNKNOWN_KIND', field: 'kind' } });
  });

  it('answers a matching If-None-Match with 304, and carries public Cache-Control, ETag, Last-Modified and an open CORS header', async () => {
    const first = await get(`/feeds/announcements.atom?locale=en&tag=${TAG}`);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe(`public, max-age=${MAX_AGE}`);
    expect(first.headers.get('access-control-allow-origin')).toBe('*');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(new Date(first.headers.get('last-modified')!).getTime()).toBeGreaterThan(Date.now() - 600_000);

    const again = await get(`/feeds/announcements.atom?locale=en&tag=${TAG}`);
    expect(again.headers.get('etag')).toBe(etag);
    const notModified = await get(`/feeds/announcements.atom?locale=en&tag=${TAG}`, { 'if-none-match': etag });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    expect(notModified.headers.get('etag')).toBe(etag);
    expect(notModified.headers.get('cache-control')).toBe(`public, max-age=${MAX_AGE}`);
    const weak = await get(`/feeds/announcements.atom?locale=en&tag=${TAG}`, { 'if-none-match': `"other", W/${etag}` });
    expect(weak.status).toBe(304);
    const stale = await get(`/feeds/announcements.atom?locale=en&tag=${TAG}`, { 'if-none-match': '"something-else"' });
    expect(stale.status).toBe(200);
    // Another locale is another document.
    const turkish = await get(`/feeds/announcements.atom?locale=tr&tag=${TAG}`, { 'if-none-match': etag });
    expect(turkish.status).toBe(200);
  });

  it('is the same public document with any token, even an invalid one', async () => {
    const anonymous = await get(`/feeds/announcements.rss?locale=en&tag=${TAG}`);
    const staff = await get(`/feeds/announcements.rss?locale=en&tag=${TAG}`, { authorization: `Bearer ${await hub.token(STAFF)}` });
    const broken = await get(`/feeds/announcements.rss?locale=en&tag=${TAG}`, { authorization: 'Bearer not-a-token' });
    expect(staff.status).toBe(200);
    expect(broken.status).toBe(200);
    expect(staff.text).toBe(anonymous.text);
    expect(broken.text).toBe(anonymous.text);
    expect(staff.text).not.toContain(titles.draft);
  });
});

describe('event calendar', () => {
  const tag = `${TAG}-events`;
  let istanbul: { id: string };
  let newYork: { id: string };
  let recent: { id: string };
  let draft: { id: string };

  beforeAll(async () => {
    const more = { tags: [tag] };
    istanbul = await publish(await event('Erasmus info day', '2030-07-01T09:00:00Z', '2030-07-01T11:30:00Z', 'Europe/Istanbul', more));
    newYork = await publish(
      await event('Partner visit', '2030-07-02T14:00:00Z', '2030-07-02T16:00:00Z', 'America/New_York', {
        ...more,
        event: { kind: 'MEETING', startsAt: '2030-07-02T14:00:00Z', endsAt: '2030-07-02T16:00:00Z', timeZone: 'America/New_York', organiserKind: 'OFFICE', onlineUrl: 'https://meet.example.org/partner' },
      }),
    );
    recent = await publish(await event('Orientation last week', inDays(-8), inDays(-7), 'Europe/Istanbul', more));
    await publish(await event('Orientation long ago', inDays(-41), inDays(-40), 'Europe/Istanbul', more));
    draft = await event('Draft workshop', '2030-07-03T09:00:00Z', '2030-07-03T10:00:00Z', 'Europe/Istanbul', more);
    const archived = await publish(await event('Archived seminar', '2030-07-04T09:00:00Z', '2030-07-04T10:00:00Z', 'Europe/Istanbul', more));
    await archive(archived);
  });

  it('has one VEVENT per live event (upcoming and of the last 30 days), each with a stable UID and its own time zone', async () => {
    const res = await get(`/feeds/events.ics?locale=en&tag=${tag}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe(`public, max-age=${MAX_AGE}`);
    expect(res.text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(res.text.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
    const lines = icsLines(res.text);
    expect(lines).toContain('X-WR-CALNAME:International Relations Office Events');
    expect(lines).toContain('TZID:Europe/Istanbul');
    expect(lines).toContain('TZID:America/New_York');

    const events = vevents(res.text);
    expect(events.map((e) => e.get('SUMMARY'))).toEqual(['Orientation last week', 'Erasmus info day', 'Partner visit']);
    const [last, first, second] = events;
    expect(first.get('UID')).toBe(`${uuidOf(istanbul.id)}@127.0.0.1`);
    expect(first.get('DTSTART;TZID=Europe/Istanbul')).toBe('20300701T120000');
    expect(first.get('DTEND;TZID=Europe/Istanbul')).toBe('20300701T143000');
    expect(first.get('LOCATION')).toBe('Rectorate Hall');
    expect(first.get('DESCRIPTION')).toBe('What the event is about');
    expect(first.get('STATUS')).toBe('CONFIRMED');
    expect(first.get('LAST-MODIFIED')).toMatch(/^\d{8}T\d{6}Z$/);
    expect(first.get('URL;VALUE=URI')).toMatch(new RegExp(`^${hub.origin}/en/events/`));
    // New York keeps summer time in July: 14:00 UTC is 10:00 there.
    expect(second.get('UID')).toBe(`${uuidOf(newYork.id)}@127.0.0.1`);
    expect(second.get('DTSTART;TZID=America/New_York')).toBe('20300702T100000');
    expect(second.get('LOCATION')).toBe('https://meet.example.org/partner');
    expect(last.get('UID')).toBe(`${uuidOf(recent.id)}@127.0.0.1`);

    const turkish = icsLines((await get(`/feeds/events.ics?tag=${tag}`)).text);
    expect(turkish).toContain('X-WR-CALNAME:Uluslararası İlişkiler Ofisi Etkinlikleri');
    expect(turkish).toContain('SUMMARY:Erasmus info day (tr)');
  });

  it('gives one live event as its own calendar, by ID, and 404 for a draft', async () => {
    for (const id of [istanbul.id, uuidOf(istanbul.id)]) {
      const res = await get(`/feeds/events/${id}.ics?locale=en`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
      const events = vevents(res.text);
      expect(events).toHaveLength(1);
      expect(events[0].get('UID')).toBe(`${uuidOf(istanbul.id)}@127.0.0.1`);
      expect(events[0].get('DTSTART;TZID=Europe/Istanbul')).toBe('20300701T120000');
    }
    for (const id of [draft.id, uuidOf(draft.id), 'not-an-id']) {
      const res = await get(`/feeds/events/${id}.ics`);
      expect(res.status).toBe(404);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'NOT_FOUND', reason: 'EVENT_NOT_FOUND' } });
    }
  });

  it('answers 304 to a matching If-None-Match for the calendar', async () => {
    const first = await get(`/feeds/events.ics?locale=en&tag=${tag}`);
    const etag = first.headers.get('etag')!;
    expect(first.headers.get('last-modified')).toBeTruthy();
    const again = await get(`/feeds/events.ics?locale=en&tag=${tag}`, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.headers.get('cache-control')).toBe(`public, max-age=${MAX_AGE}`);
  });
});

describe('feed reads', () => {
  it('read content with one SQL statement, however many items a feed holds', async () => {
    const spy = jest.spyOn(CountingOrmLogger.prototype, 'logQuery');
    try {
      for (const path of [`/feeds/announcements.rss?tag=${TAG}`, '/feeds/announcements.atom', `/feeds/events.ics?tag=${TAG}-events`, '/feeds/events.ics']) {
        spy.mockClear();
        const res = await get(path);
        expect(res.status).toBe(200);
        const reads = spy.mock.calls.map(([context]) => context.query).filter((query) => /content_(item|category)/.test(query));
        expect(reads).toHaveLength(1);
        expect(res.text).toMatch(/<item>|<entry>|BEGIN:VEVENT/);
      }
    } finally {
      spy.mockRestore();
    }
  });
});
