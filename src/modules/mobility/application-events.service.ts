import type { DeliveredEvent } from '../../platform/events/outbox';
import { DomainError, unauthenticated } from '../../platform/errors/domain-error';
import { eventCursor, followStatusEvents, statusEventsAfter, type StoredStatusEvent } from '../../platform/events/status-events';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId, toGlobalId } from '../../platform/graphql/relay';
import { ApplicationStatus } from './application.entity';
import { APPLICATION_EVENTS, APPLICATION_TYPE, canRead, getApplication } from './application.service';
import { CALL_TYPE } from './call.service';
import { applicationById } from './mobility.loaders';

export interface ApplicationEventView {
  cursor: string;
  applicationId: string;
  number: string;
  callId: string;
  from: ApplicationStatus | null;
  to: ApplicationStatus;
  reason: string | null;
  at: Date;
  /** Read afresh when selected, with the subscriber's own access. */
  applicationUuid: string;
}

/**
 * Live status changes for a subscriber. Asking for one application one may not read is refused at once (FORBIDDEN),
 * not answered with silence.
 */
export async function followApplicationChanges(
  ctx: RequestContext,
  args: { applicationId?: string | null; callId?: string | null },
): Promise<AsyncIterableIterator<DeliveredEvent>> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const applicationId = args.applicationId ? fromGlobalId(args.applicationId, APPLICATION_TYPE, 'applicationId') : undefined;
  const callId = args.callId ? fromGlobalId(args.callId, CALL_TYPE, 'callId') : undefined;
  if (applicationId) {
    const application = await ctx.loader(applicationById).load(applicationId);
    if (!application || !(await canRead(ctx, application))) {
      throw new DomainError('FORBIDDEN', 'FORBIDDEN', 'You may follow only applications you may read', { field: 'applicationId' });
    }
  }
  return followStatusEvents(ctx, { type: APPLICATION_EVENTS.statusChanged, aggregateId: applicationId, payload: { callId } });
}

/** An outbox row (delivered live, or read back for catch-up) as the subscriber sees it. */
export function applicationEventView(event: StoredStatusEvent): ApplicationEventView {
  const p = event.payload;
  return {
    cursor: eventCursor(event),
    applicationId: toGlobalId(APPLICATION_TYPE, event.aggregateId),
    applicationUuid: event.aggregateId,
    number: p.number as string,
    callId: toGlobalId(CALL_TYPE, p.callId as string),
    from: (p.from as ApplicationStatus | null) ?? null,
    to: p.to as ApplicationStatus,
    reason: (p.reason as string | undefined) ?? null,
    at: event.occurredAt,
  };
}

export function applicationOfEvent(ctx: RequestContext, view: ApplicationEventView) {
  return getApplication(ctx, view.applicationUuid);
}

/**
 * The status changes after `after` that the viewer may see (the same audience as the subscription), oldest first: a
 * dashboard that reconnects asks with the last cursor it saw and misses nothing. Read in commit-safe order.
 */
export async function applicationEventsAfter(
  ctx: RequestContext,
  args: { after?: string | null; callId?: string | null; applicationId?: string | null; first?: number | null },
): Promise<{ events: ApplicationEventView[]; endCursor: string | null; hasMore: boolean; complete: boolean }> {
  const page = await statusEventsAfter(
    ctx,
    {
      type: APPLICATION_EVENTS.statusChanged,
      aggregateId: args.applicationId ? fromGlobalId(args.applicationId, APPLICATION_TYPE, 'applicationId') : undefined,
      payload: { callId: args.callId ? fromGlobalId(args.callId, CALL_TYPE, 'callId') : undefined },
    },
    args,
  );
  return { ...page, events: page.events.map(applicationEventView) };
}
