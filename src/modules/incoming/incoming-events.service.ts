/**
 * Live status changes of incoming mobilities and the catch-up after a reconnect, exactly as outgoing applications'
 * (src/platform/events/status-events.ts): the office hears every one, the host unit's coordinators (and those above) theirs,
 * the nominee their own once they claimed the nomination.
 */
import type { DeliveredEvent } from '../../platform/events/outbox';
import { DomainError, unauthenticated } from '../../platform/errors/domain-error';
import { eventCursor, followStatusEvents, statusEventsAfter, type StoredStatusEvent } from '../../platform/events/status-events';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId, toGlobalId } from '../../platform/graphql/relay';
import type { MobilityType } from '../agreements/agreement.entity';
import type { IncomingMobility, IncomingStatus } from './incoming-mobility.entity';
import { canReadIncoming, getIncoming, INCOMING_EVENTS, INCOMING_TYPE } from './incoming-mobility.service';
import { incomingById } from './incoming.loaders';

export interface IncomingEventView {
  cursor: string;
  mobilityId: string;
  number: string;
  academicYear: string;
  mobilityType: MobilityType;
  from: IncomingStatus | null;
  to: IncomingStatus;
  reason: string | null;
  at: Date;
  /** Read afresh when selected, with the subscriber's own access. */
  mobilityUuid: string;
}

/** Asking for one mobility one may not read is refused at once (FORBIDDEN), not answered with silence. */
export async function followIncomingChanges(
  ctx: RequestContext,
  args: { mobilityId?: string | null; academicYear?: string | null },
): Promise<AsyncIterableIterator<DeliveredEvent>> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const mobilityId = args.mobilityId ? fromGlobalId(args.mobilityId, INCOMING_TYPE, 'mobilityId') : undefined;
  if (mobilityId) {
    const mobility = await ctx.loader(incomingById).load(mobilityId);
    if (!mobility || !(await canReadIncoming(ctx, mobility))) {
      throw new DomainError('FORBIDDEN', 'FORBIDDEN', 'You may follow only incoming mobilities you may read', { field: 'mobilityId' });
    }
  }
  return followStatusEvents(ctx, { type: INCOMING_EVENTS.statusChanged, aggregateId: mobilityId, payload: { academicYear: args.academicYear ?? undefined } });
}

export function incomingEventView(event: StoredStatusEvent): IncomingEventView {
  const p = event.payload;
  return {
    cursor: eventCursor(event),
    mobilityId: toGlobalId(INCOMING_TYPE, event.aggregateId),
    mobilityUuid: event.aggregateId,
    number: p.number as string,
    academicYear: p.academicYear as string,
    mobilityType: p.mobilityType as MobilityType,
    from: (p.from as IncomingStatus | null) ?? null,
    to: p.to as IncomingStatus,
    reason: (p.reason as string | undefined) ?? null,
    at: event.occurredAt,
  };
}

export function mobilityOfEvent(ctx: RequestContext, view: IncomingEventView): Promise<IncomingMobility | null> {
  return getIncoming(ctx, view.mobilityUuid);
}

/** The status changes after `after` the viewer may see (the subscription's audience), oldest first, in commit-safe order. */
export async function incomingEventsAfter(
  ctx: RequestContext,
  args: { after?: string | null; academicYear?: string | null; mobilityId?: string | null; first?: number | null },
): Promise<{ events: IncomingEventView[]; endCursor: string | null; hasMore: boolean; complete: boolean }> {
  const page = await statusEventsAfter(
    ctx,
    {
      type: INCOMING_EVENTS.statusChanged,
      aggregateId: args.mobilityId ? fromGlobalId(args.mobilityId, INCOMING_TYPE, 'mobilityId') : undefined,
      payload: { academicYear: args.academicYear ?? undefined },
    },
    args,
  );
  return { ...page, events: page.events.map(incomingEventView) };
}
