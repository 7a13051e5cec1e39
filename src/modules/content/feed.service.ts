import { createHash } from 'node:crypto';
import { raw, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Feed } from 'feed';
import {
  ICalCalendar,
  ICalCalendarMethod,
  ICalEventStatus,
  type ICalTemporalInstantStub,
  type ICalTemporalPlainDateTimeStub,
  type ICalTemporalZonedDateTimeStub,
} from 'ical-generator';
import { DomainError } from '../../platform/errors/domain-error';
import type { Locale } from '../../platform/graphql/context';
import { pickLocale } from '../../platform/graphql/localised-text';
import { parseGlobalId } from '../../platform/graphql/relay';
import {
  Announcement,
  AnnouncementKind,
  ContentCategory,
  ContentEvent,
  EventKind,
  type ContentItem,
  type Localised,
} from './content.entity';
import { liveWhere } from './content.visibility';

/**
 * The website's feeds: announcements as RSS 2.0, Atom 1.0 and JSON Feed, events as iCalendar. Feeds are public
 * documents: they hold only live content (the visibility rule's `liveWhere`), whoever asks, and each is read with one
 * SQL statement (a second only to tell an unknown category from an empty one).
 */

export const ANNOUNCEMENTS_IN_FEED = 50;
export const EVENTS_IN_CALENDAR = 500;
/** Events that ended this long ago are still in the calendar (recent as well as upcoming). */
export const RECENT_EVENTS_MS = 30 * 86_400_000;

const AUTHOR = 'International Relations Office';
const TITLES = {
  announcements: { tr: 'Uluslararası İlişkiler Ofisi Duyuruları', en: 'International Relations Office Announcements' },
  events: { tr: 'Uluslararası İlişkiler Ofisi Etkinlikleri', en: 'International Relations Office Events' },
} satisfies Record<string, Record<Locale, string>>;
const DESCRIPTIONS = {
  announcements: {
    tr: 'Uluslararası İlişkiler Ofisinin haberleri, çağrıları ve duyuruları',
    en: 'News, calls and notices of the International Relations Office',
  },
  events: {
    tr: 'Uluslararası İlişkiler Ofisinin yaklaşan ve yakın zamandaki etkinlikleri',
    en: 'Upcoming and recent events of the International Relations Office',
  },
} satisfies Record<string, Record<Locale, string>>;

export type AnnouncementFormat = 'rss' | 'atom' | 'json';

export const FEED_CONTENT_TYPES: Record<AnnouncementFormat | 'ics', string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
  ics: 'text/calendar; charset=utf-8',
};

export interface FeedFilter {
  /** The locale asked for; items without it fall back to the default locale, then to any. */
  locale: Locale;
  category?: string;
  tag?: string;
  /** An AnnouncementKind or EventKind, already checked. */
  kind?: string;
}

/** Where links point: the website (SITE_URL, else the hub) and the hub itself (for the feeds' own addresses). */
export interface FeedLinks {
  site: string;
  hub: string;
  defaultLocale: Locale;
}

export interface RenderedFeed {
  body: string;
  contentType: string;
  /** The newest updated_at among the items (none for an empty feed). */
  lastModified?: Date;
  /** A strong validator: a hash of the body. */
  etag: string;
}

export const FeedErrors = {
  invalidParameter: (field: string, message: string, reason = 'INVALID_PARAMETER') =>
    new DomainError('BAD_USER_INPUT', reason, message, { field }),
  unknownCategory: (key: string) =>
    new DomainError('BAD_USER_INPUT', 'UNKNOWN_CATEGORY', `No content category "${key}"`, { field: 'category', key }),
  eventNotFound: (id: string) => new DomainError('NOT_FOUND', 'EVENT_NOT_FOUND', `No published event ${id}`, { field: 'id', id }),
};

export const ANNOUNCEMENT_KINDS: readonly string[] = Object.values(AnnouncementKind);
export const EVENT_KINDS: readonly string[] = Object.values(EventKind);

// --- Reading ------------------------------------------------------------------------------------------------------

function filterWhere(filter: FeedFilter): FilterQuery<ContentItem>[] {
  const where: FilterQuery<ContentItem>[] = [];
  if (filter.kind) where.push({ kind: filter.kind });
  if (filter.tag) where.push({ tags: { $contains: [filter.tag] } });
  if (filter.category) where.push({ category: { key: filter.category } });
  return where;
}

/** An empty result under a category filter: is the category unknown (400) or just empty? */
async function assertCategoryExists(em: EntityManager, filter: FeedFilter): Promise<void> {
  if (filter.category && (await em.count(ContentCategory, { key: filter.category })) === 0) {
    throw FeedErrors.unknownCategory(filter.category);
  }
}

/** The newest live announcements, newest first by when they went (or are due to go) live. One SQL statement. */
export async function liveAnnouncements(em: EntityManager, filter: FeedFilter, now = new Date()): Promise<Announcement[]> {
  const items = await em.find(
    Announcement,
    { $and: [liveWhere(now), ...filterWhere(filter)] } as FilterQuery<Announcement>,
    {
      populate: ['category'],
      orderBy: [
        { [raw((alias) => `coalesce(${alias}.publish_at, ${alias}.published_at, ${alias}.created_at)`)]: 'desc' },
        { id: 'desc' },
      ],
      limit: ANNOUNCEMENTS_IN_FEED,
    },
  );
  if (items.length === 0) await assertCategoryExists(em, filter);
  return items;
}

/** Live events that end no earlier than 30 days ago, soonest first. One SQL statement. */
export async function liveEvents(em: EntityManager, filter: FeedFilter, now = new Date()): Promise<ContentEvent[]> {
  const since = new Date(now.getTime() - RECENT_EVENTS_MS);
  const items = await em.find(
    ContentEvent,
    {
      $and: [
        liveWhere(now),
        { $or: [{ endsAt: { $gte: since } }, { endsAt: null, startsAt: { $gte: since } }] },
        ...filterWhere(filter),
      ],
    } as FilterQuery<ContentEvent>,
    { populate: ['category'], orderBy: [{ startsAt: 'asc' }, { id: 'asc' }], limit: EVENTS_IN_CALENDAR },
  );
  if (items.length === 0) await assertCategoryExists(em, filter);
  return items;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One live event by uuid or by its GraphQL global ID; anything else (drafts, archived, unknown, not an event) is 404. */
export async function liveEvent(em: EntityManager, idOrGlobalId: string, now = new Date()): Promise<ContentEvent> {
  let id: string | undefined = UUID.test(idOrGlobalId) ? idOrGlobalId.toLowerCase() : undefined;
  if (!id) {
    try {
      const parsed = parseGlobalId(idOrGlobalId);
      if (parsed.type === 'Event') id = parsed.id;
    } catch {
      // not an ID at all: not found
    }
  }
  const event = id
    ? await em.findOne(ContentEvent, { $and: [liveWhere(now), { id }] } as FilterQuery<ContentEvent>, { populate: ['category'] })
    : null;
  if (!event) throw FeedErrors.eventNotFound(idOrGlobalId.slice(0, 100));
  return event;
}

// --- Rendering ----------------------------------------------------------------------------------------------------

/** The locale an item is served in: the one asked for when it has a title in it, else the default, else any. */
function servedLocale(item: ContentItem, wanted: Locale, fallback: Locale): Locale {
  if (item.title[wanted]) return wanted;
  if (item.title[fallback]) return fallback;
  return (Object.keys(item.title).find((k) => k === 'tr' || k === 'en') as Locale | undefined) ?? wanted;
}

function text(value: Localised | null | undefined, locale: Locale, fallback: Locale): string {
  return pickLocale(value ?? undefined, locale, fallback);
}

function itemLink(links: FeedLinks, section: 'announcements' | 'events', item: ContentItem, locale: Locale): string {
  const slug = text(item.slug, locale, links.defaultLocale) || item.id;
  return `${links.site}/${locale}/${section}/${encodeURIComponent(slug)}`;
}

function newest(items: ContentItem[]): Date | undefined {
  let max: Date | undefined;
  for (const item of items) if (!max || item.updatedAt > max) max = item.updatedAt;
  return max;
}

function filterQueryString(filter: FeedFilter): string {
  const params = new URLSearchParams({ locale: filter.locale });
  if (filter.category) params.set('category', filter.category);
  if (filter.tag) params.set('tag', filter.tag);
  if (filter.kind) params.set('kind', filter.kind);
  return params.toString();
}

export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

const publishedDate = (item: ContentItem): Date => item.publishAt ?? item.publishedAt ?? item.createdAt;

/** RSS 2.0, Atom 1.0 or JSON Feed of announcements; the body is the same for the same items (no "now" in it). */
export function renderAnnouncements(items: Announcement[], format: AnnouncementFormat, filter: FeedFilter, links: FeedLinks): RenderedFeed {
  const { locale } = filter;
  const fallback = links.defaultLocale;
  const lastModified = newest(items);
  const query = filterQueryString(filter);
  const self = (ext: AnnouncementFormat) => `${links.hub}/feeds/announcements.${ext}?${query}`;
  const feed = new Feed({
    id: self('atom'),
    title: TITLES.announcements[locale],
    description: DESCRIPTIONS.announcements[locale],
    link: `${links.site}/${locale}/announcements`,
    language: locale,
    updated: lastModified ?? new Date(0),
    generator: 'iro-hub',
    copyright: AUTHOR,
    author: { name: AUTHOR, link: links.site },
    feedLinks: { rss: self('rss'), atom: self('atom'), json: self('json') },
  });
  for (const item of items) {
    const served = servedLocale(item, locale, fallback);
    const category = item.category?.getEntity();
    const date = publishedDate(item);
    const summary = text(item.summary, served, fallback);
    const html = text(item.bodyHtml, served, fallback);
    feed.addItem({
      id: `urn:uuid:${item.id}`,
      guid: `urn:uuid:${item.id}`,
      title: text(item.title, served, fallback),
      link: itemLink(links, 'announcements', item, served),
      date,
      published: date,
      description: summary || undefined,
      // The HTML sanitised when the item was saved, never the Markdown rendered again.
      content: html || undefined,
      category: [
        ...(category ? [{ name: text(category.name, served, fallback) || category.key, term: category.key }] : []),
        ...item.tags.map((tag) => ({ name: tag, term: tag })),
      ],
      author: [{ name: AUTHOR, link: links.site }],
    });
  }
  const body = format === 'rss' ? feed.rss2() : format === 'atom' ? feed.atom1() : feed.json1();
  return { body, contentType: FEED_CONTENT_TYPES[format], lastModified, etag: etagOf(body) };
}

/** An iCalendar of events, each in its own time zone (with a VTIMEZONE for every zone used). */
export function renderCalendar(items: ContentEvent[], filter: FeedFilter, links: FeedLinks, uidHost: string): RenderedFeed {
  const { locale } = filter;
  const fallback = links.defaultLocale;
  const zones = new TimeZones(items);
  const calendar = new ICalCalendar({
    name: TITLES.events[locale],
    description: DESCRIPTIONS.events[locale],
    prodId: { company: AUTHOR, product: 'iro-hub', language: locale.toUpperCase() },
    method: ICalCalendarMethod.PUBLISH,
    // No calendar-wide zone: DTSTAMP and LAST-MODIFIED stay in UTC; each event names its own zone.
    timezone: { name: null, generator: (tz) => zones.vtimezone(tz) },
  });
  for (const item of items) {
    const served = servedLocale(item, locale, fallback);
    const tz = validTimeZone(item.timeZone);
    const start = item.startsAt ?? item.createdAt;
    const end = item.endsAt ?? start;
    const category = item.category?.getEntity();
    calendar.createEvent({
      id: `${item.id}@${uidHost}`,
      sequence: item.version,
      start: tz ? zonedDateTime(start, tz) : start,
      end: tz ? zonedDateTime(end, tz) : end,
      timezone: tz ?? null,
      summary: text(item.title, served, fallback),
      description: text(item.summary, served, fallback) || null,
      location: text(item.venue, served, fallback) || item.onlineUrl || null,
      url: itemLink(links, 'events', item, served),
      // The item's own times, not "now": the same events give the same body (and ETag).
      stamp: item.updatedAt,
      lastModified: item.updatedAt,
      status: ICalEventStatus.CONFIRMED,
      categories: category ? [{ name: text(category.name, served, fallback) || category.key }] : [],
    });
  }
  const body = calendar.toString();
  return { body, contentType: FEED_CONTENT_TYPES.ics, lastModified: newest(items), etag: etagOf(body) };
}

// --- Time zones -----------------------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(tz, f);
  }
  return f;
}

export function validTimeZone(tz: string | null | undefined): string | undefined {
  if (!tz) return undefined;
  try {
    formatter(tz);
    return tz;
  } catch {
    return undefined;
  }
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function wallClock(instant: number, tz: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** The zone's UTC offset at an instant, in minutes. */
function offsetAt(instant: number, tz: string): number {
  const w = wallClock(instant, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const icsLocal = (w: WallClock) => `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;

/**
 * ical-generator formats a native Date with the server's own zone when an event has a TZID; a Temporal-shaped value
 * carries the wall-clock time in the event's zone instead.
 */
function zonedDateTime(at: Date, tz: string): ICalTemporalZonedDateTimeStub {
  const w = wallClock(at.getTime(), tz);
  const iso = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
  const instant: ICalTemporalInstantStub = {
    epochMilliseconds: at.getTime(),
    toJSON: () => at.toISOString(),
    toString: () => at.toISOString(),
    toZonedDateTimeISO: (zone: string) => zonedDateTime(at, zone),
  };
  const plain: ICalTemporalPlainDateTimeStub = {
    ...w,
    toJSON: () => iso,
    toString: () => iso,
    toPlainDate: () => ({ year: w.year, month: w.month, day: w.day, toJSON: () => iso.slice(0, 10), toString: () => iso.slice(0, 10) }),
    toZonedDateTime: (zone: string) => zonedDateTime(at, zone),
  };
  return {
    ...w,
    timeZoneId: tz,
    toInstant: () => instant,
    toJSON: () => `${iso}[${tz}]`,
    toString: () => `${iso}[${tz}]`,
    toPlainDateTime: () => plain,
    withTimeZone: (zone: string) => zonedDateTime(at, zone),
  };
}

const DAY = 86_400_000;
const YEAR = 366 * DAY;

/**
 * VTIMEZONE components for the zones the events use (RFC 5545 wants one for every TZID), from the runtime's own zone
 * data: each UTC-offset change from a year before the first event to a year after the last one, as its own
 * observance with the wall-clock time it happens at.
 */
class TimeZones {
  private readonly from: number;
  private readonly to: number;

  constructor(items: ContentEvent[]) {
    const times = items.flatMap((i) => [i.startsAt?.getTime(), i.endsAt?.getTime()]).filter((t): t is number => t !== undefined);
    const first = times.length ? Math.min(...times) : Date.now();
    const last = times.length ? Math.max(...times) : Date.now();
    this.from = Math.floor((first - YEAR) / 60_000) * 60_000;
    // At most twenty years of changes, whatever the data says.
    this.to = Math.min(last + YEAR, this.from + 20 * YEAR);
  }

  vtimezone(tz: string): string | null {
    if (!validTimeZone(tz)) return null;
    const changes: { at: number; before: number; after: number }[] = [];
    let previous = offsetAt(this.from, tz);
    for (let t = this.from + DAY; t <= this.to + DAY; t += DAY) {
      const offset = offsetAt(t, tz);
      if (offset === previous) continue;
      // The first minute with the new offset.
      let lo = t - DAY;
      let hi = t;
      while (hi - lo > 60_000) {
        const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
        if (offsetAt(mid, tz) === previous) lo = mid;
        else hi = mid;
      }
      changes.push({ at: hi, before: previous, after: offset });
      previous = offset;
    }
    const initial = offsetAt(this.from, tz);
    const utcOffset = (minutes: number) => `${minutes < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(minutes) / 60))}${pad(Math.abs(minutes) % 60)}`;
    const observance = (daylight: boolean, start: string, before: number, after: number) =>
      [
        `BEGIN:${daylight ? 'DAYLIGHT' : 'STANDARD'}`,
        `DTSTART:${start}`,
        `TZOFFSETFROM:${utcOffset(before)}`,
        `TZOFFSETTO:${utcOffset(after)}`,
        `END:${daylight ? 'DAYLIGHT' : 'STANDARD'}`,
      ].join('\r\n');
    const lines = [
      'BEGIN:VTIMEZONE',
      `TZID:${tz}`,
      observance(changes.length > 0 && changes[0].after < initial, icsLocal(wallClock(this.from, tz)), initial, initial),
      ...changes.map((c) => {
        // DTSTART is the wall-clock time the change happens at, read in the offset before it.
        const local = new Date(c.at + c.before * 60_000);
        const start = icsLocal({
          year: local.getUTCFullYear(),
          month: local.getUTCMonth() + 1,
          day: local.getUTCDate(),
          hour: local.getUTCHours(),
          minute: local.getUTCMinutes(),
          second: 0,
        });
        return observance(c.after > c.before, start, c.before, c.after);
      }),
      'END:VTIMEZONE',
    ];
    return lines.join('\r\n');
  }
}
