import type { DeliveredEvent } from '../../platform/events/outbox';
import type { RequestContext } from '../../platform/graphql/context';
import type { ContentStatus, ContentType } from './content.entity';
import { CONTENT_EVENTS, contentGlobalId, getContent } from './content.service';
import { seesUnpublished } from './content.visibility';

export type ContentChangeKind = 'CREATED' | 'UPDATED' | 'STATUS_CHANGED' | 'PUBLISHED' | 'ARCHIVED';

const EVENT_OF: Record<ContentChangeKind, string> = {
  CREATED: CONTENT_EVENTS.created,
  UPDATED: CONTENT_EVENTS.updated,
  STATUS_CHANGED: CONTENT_EVENTS.statusChanged,
  PUBLISHED: CONTENT_EVENTS.published,
  ARCHIVED: CONTENT_EVENTS.archived,
};
const KIND_OF = new Map(Object.entries(EVENT_OF).map(([kind, type]) => [type, kind as ContentChangeKind]));

/**
 * Live content changes for a subscriber. The office hears everything; anyone else only about items that are or were
 * on the website (the `public` flag the change recorded), so drafts never leak through the subscription.
 */
export function followContentChanges(
  ctx: RequestContext,
  types: ContentType[] | undefined,
  changes: ContentChangeKind[] | undefined,
): AsyncIterableIterator<DeliveredEvent> {
  const wanted = new Set((changes?.length ? changes : (Object.keys(EVENT_OF) as ContentChangeKind[])).map((k) => EVENT_OF[k]));
  const office = seesUnpublished(ctx.viewer);
  return ctx.follow(
    (event) =>
      event.aggregateType === 'Content' &&
      wanted.has(event.type) &&
      (!types?.length || types.includes(event.payload.contentType as ContentType)) &&
      (office || event.payload.public === true),
  );
}

/** One change as the subscriber sees it, the item read afresh with the subscriber's own visibility. */
export async function contentChangeView(ctx: RequestContext, event: DeliveredEvent) {
  ctx.refresh();
  const type = event.payload.contentType as ContentType;
  return {
    change: KIND_OF.get(event.type)!,
    contentId: contentGlobalId({ type, id: event.aggregateId }),
    type,
    content: await getContent(ctx, event.aggregateId),
    from: (event.payload.from as ContentStatus | undefined) ?? null,
    to: (event.payload.to as ContentStatus | undefined) ?? null,
    version: event.aggregateVersion,
    actor: seesUnpublished(ctx.viewer) ? event.actor : null,
    occurredAt: event.occurredAt,
  };
}
