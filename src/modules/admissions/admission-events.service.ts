import type { DeliveredEvent } from '../../platform/events/outbox';
import { DomainError, unauthenticated } from '../../platform/errors/domain-error';
import { eventCursor, followStatusEvents, statusEventsAfter, type StoredStatusEvent } from '../../platform/events/status-events';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId, toGlobalId } from '../../platform/graphql/relay';
import { AdmissionStatus } from './admission.entity';
import { admissionApplicationById } from './admission.loaders';
import { ADMISSION_EVENTS, ADMISSION_TYPE, canRead, getApplication } from './admission.service';
import { ADMISSION_CALL_TYPE } from './admission-call.service';

export interface AdmissionEventView {
  cursor: string;
  applicationId: string;
  number: string;
  callId: string;
  from: AdmissionStatus | null;
  to: AdmissionStatus;
  reason: string | null;
  at: Date;
  /** Read afresh when selected, with the subscriber's own access. */
  applicationUuid: string;
}

/**
 * Live status changes for a subscriber: the office hears all, coordinators the calls of their units, applicants their
 * own. Asking for one application one may not read is refused at once (FORBIDDEN), not answered with silence.
 */
export async function followAdmissionChanges(
  ctx: RequestContext,
  args: { applicationId?: string | null; callId?: string | null },
): Promise<AsyncIterableIterator<DeliveredEvent>> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const applicationId = args.applicationId ? fromGlobalId(args.applicationId, ADMISSION_TYPE, 'applicationId') : undefined;
  const callId = args.callId ? fromGlobalId(args.callId, ADMISSION_CALL_TYPE, 'callId') : undefined;
  if (applicationId) {
    const application = await ctx.loader(admissionApplicationById).load(applicationId);
    if (!application || !(await canRead(ctx, application))) {
      throw new DomainError('FORBIDDEN', 'FORBIDDEN', 'You may follow only applications you may read', { field: 'applicationId' });
    }
  }
  return followStatusEvents(ctx, { type: ADMISSION_EVENTS.statusChanged, aggregateId: applicationId, payload: { callId } });
}

/** An outbox row (delivered live, or read back for catch-up) as the subscriber sees it. */
export function admissionEventView(event: StoredStatusEvent): AdmissionEventView {
  const p = event.payload;
  return {
    cursor: eventCursor(event),
    applicationId: toGlobalId(ADMISSION_TYPE, event.aggregateId),
    applicationUuid: event.aggregateId,
    number: p.number as string,
    callId: toGlobalId(ADMISSION_CALL_TYPE, p.callId as string),
    from: (p.from as AdmissionStatus | null) ?? null,
    to: p.to as AdmissionStatus,
    reason: (p.reason as string | undefined) ?? null,
    at: event.occurredAt,
  };
}

export function applicationOfEvent(ctx: RequestContext, view: AdmissionEventView) {
  return getApplication(ctx, view.applicationUuid);
}

/**
 * The status changes after `after` that the viewer may see (the audience of the subscription), oldest first, in
 * commit-safe order: a client that reconnects asks with the last cursor it saw and misses nothing.
 */
export async function admissionEventsAfter(
  ctx: RequestContext,
  args: { after?: string | null; callId?: string | null; applicationId?: string | null; first?: number | null },
): Promise<{ events: AdmissionEventView[]; endCursor: string | null; hasMore: boolean; complete: boolean }> {
  const page = await statusEventsAfter(
    ctx,
    {
      type: ADMISSION_EVENTS.statusChanged,
      aggregateId: args.applicationId ? fromGlobalId(args.applicationId, ADMISSION_TYPE, 'applicationId') : undefined,
      payload: { callId: args.callId ? fromGlobalId(args.callId, ADMISSION_CALL_TYPE, 'callId') : undefined },
    },
    args,
  );
  return { ...page, events: page.events.map(admissionEventView) };
}
