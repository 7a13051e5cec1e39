import type { Express, Request, Response } from 'express';
import type { Locale } from '../../platform/graphql/context';
import { route, type HttpRoutes } from '../../platform/http/routes';
import {
  ANNOUNCEMENT_KINDS,
  EVENT_KINDS,
  FeedErrors,
  liveAnnouncements,
  liveEvent,
  liveEvents,
  renderAnnouncements,
  renderCalendar,
  type AnnouncementFormat,
  type FeedFilter,
  type FeedLinks,
  type RenderedFeed,
} from './feed.service';

/**
 * The website's feeds, at addresses it can link to:
 *   GET /feeds/announcements.rss | .atom | .json   newest 50 live announcements
 *   GET /feeds/events.ics                          live events, upcoming and of the last 30 days
 *   GET /feeds/events/:id.ics                      one live event ("add to calendar"); 404 otherwise
 * Query: locale=tr|en (default DEFAULT_LOCALE), category=<key>, tag=<tag>, kind=<AnnouncementKind|EventKind>.
 * Public documents: the same for everyone (any token is ignored), cacheable, with an ETag answered by 304.
 */
export function mountFeedRoutes(app: Express, routes: HttpRoutes): void {
  const { log } = routes;
  for (const format of ['rss', 'atom', 'json'] as const) {
    app.get(`/feeds/announcements.${format}`, route(log, (req, res) => announcements(routes, req, res, format)));
  }
  app.get('/feeds/events.ics', route(log, (req, res) => events(routes, req, res)));
  app.get('/feeds/events/:id.ics', route(log, (req, res) => oneEvent(routes, req, res)));
}

async function announcements(routes: HttpRoutes, req: Request, res: Response, format: AnnouncementFormat): Promise<void> {
  const filter = feedFilter(req, routes, ANNOUNCEMENT_KINDS);
  const ctx = await publicContext(routes, req);
  const items = await liveAnnouncements(ctx.em, filter);
  send(req, res, routes, renderAnnouncements(items, format, filter, links(routes, req)));
}

async function events(routes: HttpRoutes, req: Request, res: Response): Promise<void> {
  const filter = feedFilter(req, routes, EVENT_KINDS);
  const ctx = await publicContext(routes, req);
  const items = await liveEvents(ctx.em, filter);
  send(req, res, routes, renderCalendar(items, filter, links(routes, req), uidHost(routes, req)));
}

async function oneEvent(routes: HttpRoutes, req: Request, res: Response): Promise<void> {
  const filter = feedFilter(req, routes, []);
  const ctx = await publicContext(routes, req);
  const event = await liveEvent(ctx.em, String(req.params.id));
  send(req, res, routes, renderCalendar([event], filter, links(routes, req), uidHost(routes, req)));
}

/**
 * The request context of an anonymous visitor: feeds are public documents, so a token (even an expired one a client
 * keeps sending) neither widens nor refuses them. Only the request id is kept, for the logs.
 */
function publicContext(routes: HttpRoutes, req: Request) {
  const requestId = req.headers['x-request-id'];
  return routes.contextFor({ headers: typeof requestId === 'string' ? { 'x-request-id': requestId } : {}, query: {} } as unknown as Request);
}

function links(routes: HttpRoutes, req: Request): FeedLinks {
  const hub = routes.baseUrl(req);
  return { site: routes.config.siteUrl ?? hub, hub, defaultLocale: routes.config.defaultLocale };
}

/** The host in event UIDs (`<uuid>@<host>`): the website's, else the hub's. */
function uidHost(routes: HttpRoutes, req: Request): string {
  try {
    return new URL(routes.config.siteUrl ?? routes.baseUrl(req)).hostname;
  } catch {
    return 'localhost';
  }
}

/** One query parameter, given at most once. */
function param(req: Request, name: string): string | undefined {
  const value = (req.query as Record<string, unknown>)[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw FeedErrors.invalidParameter(name, `Give ${name} at most once`);
  return value;
}

function feedFilter(req: Request, routes: HttpRoutes, kinds: readonly string[]): FeedFilter {
  const locale = param(req, 'locale') ?? routes.config.defaultLocale;
  if (locale !== 'tr' && locale !== 'en') throw FeedErrors.invalidParameter('locale', 'locale is tr or en', 'UNKNOWN_LOCALE');
  const kind = param(req, 'kind')?.toUpperCase();
  if (kind !== undefined && !kinds.includes(kind)) {
    throw FeedErrors.invalidParameter('kind', kinds.length ? `kind is one of ${kinds.join(', ')}` : 'This feed takes no kind', 'UNKNOWN_KIND');
  }
  const category = param(req, 'category');
  if (category !== undefined && !/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(category)) {
    throw FeedErrors.invalidParameter('category', 'category is a category key (letters, digits, - and _)', 'UNKNOWN_CATEGORY');
  }
  const tag = param(req, 'tag');
  if (tag !== undefined && (tag.trim().length === 0 || tag.length > 40)) {
    throw FeedErrors.invalidParameter('tag', 'A tag is 1–40 characters', 'INVALID_TAG');
  }
  return { locale: locale as Locale, kind, category, tag };
}

/** Whether the client's If-None-Match names this ETag (weak comparison, as RFC 9110 asks for GET). */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/**
 * Sends a feed with its validators and public caching. Only If-None-Match is answered with 304: an item leaving its
 * publishing window changes the body without a newer updated_at, so Last-Modified is information, not a validator.
 */
function send(req: Request, res: Response, routes: HttpRoutes, feed: RenderedFeed): void {
  res.setHeader('Cache-Control', `public, max-age=${routes.config.content.cacheMaxAge}`);
  // Feeds are public documents chosen by URL (?locale=), never by headers: any website may read them from a browser.
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('ETag', feed.etag);
  if (feed.lastModified) res.setHeader('Last-Modified', feed.lastModified.toUTCString());
  if (matches(req.headers['if-none-match'], feed.etag)) {
    res.status(304).end();
    return;
  }
  res.status(200);
  res.setHeader('Content-Type', feed.contentType);
  res.setHeader('Content-Length', Buffer.byteLength(feed.body));
  res.end(feed.body);
}
