import type { FilterQuery } from '@mikro-orm/core';
import type { RequestContext } from '../../platform/graphql/context';
import { ContentItem, ContentType } from '../content/content.entity';
import { liveWhere } from '../content/content.visibility';

/** The tag that puts a content event on the research trainings list (info days, proposal-writing workshops …). */
export const TRAINING_TAG = 'research-training';

/**
 * Research trainings are content events (with the content module's registrations and documents): this is the list of
 * the live ones tagged `research-training`, for everyone alike (the office previews drafts in the content lists).
 */
export function listTrainings(ctx: RequestContext, upcomingOnly: boolean): Promise<ContentItem[]> {
  const now = new Date();
  const where: FilterQuery<ContentItem>[] = [liveWhere(now), { type: ContentType.EVENT, tags: { $contains: [TRAINING_TAG] } }];
  if (upcomingOnly) where.push({ endsAt: { $gte: now } });
  return ctx.em.find(ContentItem, { $and: where }, { orderBy: { startsAt: 'asc', id: 'asc' }, limit: 100 });
}
