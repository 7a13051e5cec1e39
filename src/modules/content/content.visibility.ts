import type { FilterQuery } from '@mikro-orm/core';
import type { Viewer } from '../../platform/auth/viewer';
import { ContentStatus, type ContentItem } from './content.entity';

/**
 * The one rule of who sees what: the website (visitors, applicants, coordinators) sees published items inside their
 * publishAt–unpublishAt window; the office (STAFF, ADMIN) sees everything, drafts and archive included. Lists, lookups,
 * feeds, counts and subscriptions all use it.
 */
export function seesUnpublished(viewer: Viewer): boolean {
  return viewer.isOffice;
}

/** Published and inside its window at `now`. The window is checked here too, so a late job never shows too much. */
export function liveWhere(now: Date = new Date()): FilterQuery<ContentItem> {
  return {
    status: ContentStatus.PUBLISHED,
    $and: [{ $or: [{ publishAt: null }, { publishAt: { $lte: now } }] }, { $or: [{ unpublishAt: null }, { unpublishAt: { $gt: now } }] }],
  };
}

export function isLive(item: Pick<ContentItem, 'status' | 'publishAt' | 'unpublishAt'>, now: Date = new Date()): boolean {
  return (
    item.status === ContentStatus.PUBLISHED &&
    (!item.publishAt || item.publishAt <= now) &&
    (!item.unpublishAt || item.unpublishAt > now)
  );
}

/** The row filter for a viewer: nothing extra for the office, the live rule for everyone else. */
export function visibleWhere(viewer: Viewer, now: Date = new Date()): FilterQuery<ContentItem> {
  return seesUnpublished(viewer) ? {} : liveWhere(now);
}
