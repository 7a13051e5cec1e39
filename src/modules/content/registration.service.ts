import { neutraliseFormula, spreadsheetSafe } from '../exports/csv-export';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { stringify } from 'csv-stringify/sync';
import { createHash, randomBytes } from 'node:crypto';
import { findPage } from '../../platform/db/pagination';

import type { RequestContext, Transaction } from '../../platform/graphql/context';
import { fromGlobalId, pageRequest, type ConnectionArgs, type ConnectionShape } from '../../platform/graphql/relay';
import type { CsvOptions } from '../exports/csv-export';
import { ContentItem, ContentType, type ContentEvent } from './content.entity';
import { contentById } from './content.loaders';
import { contentUuid } from './content.service';
import { isLive } from './content.visibility';
import { EventRegistration, RegistrationStatus } from './event-registration.entity';
import { RegistrationErrors } from './registration.errors';
import type { RegisterForEventInput } from './registration.inputs';
import { registrationCounts, waitlistPositions, type RegistrationCounts } from './registration.loaders';
import { checkAnswers, checkRegistrant, normaliseEmail, offersRegistration, registrationWindow } from './registration.rules';
import { assertOffice } from '../../platform/auth/office';

export const REGISTRATION_TYPE = 'EventRegistration';

export const REGISTRATION_EVENTS = {
  created: 'eventRegistration.created',
  cancelled: 'eventRegistration.cancelled',
  promoted: 'eventRegistration.promoted',
};

/** Only the cancellation token's SHA-256 is stored: a leaked table cancels nobody's registration. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

// --- Access ---------------------------------------------------------------------------------------------------------

/** Registrations are personal data: the office reads them; a participant only through their token. */
/** What the office alone does here (FORBIDDEN for anyone else). */
const OFFICE_WORK = 'Event registrations are office data';

// --- Registering ----------------------------------------------------------------------------------------------------

export interface RegistrationReceiptView {
  status: RegistrationStatus;
  position: number | null;
  cancellationToken: string;
  event: ContentEvent;
}

/** Locks the event's row: registrations and cancellations of one event take turns, so capacity is never exceeded. */
async function lockEvent(tx: Transaction, eventId: string): Promise<{ capacity: number | null } | undefined> {
  const rows = await tx.em.execute<{ capacity: number | null }[]>(`select capacity from content_item where id = ? for update`, [eventId]);
  return rows[0];
}

export async function registerForEvent(ctx: RequestContext, input: RegisterForEventInput): Promise<RegistrationReceiptView> {
  const eventId = contentUuid(input.eventId, 'eventId', ContentType.EVENT);
  const now = new Date();
  const event = await ctx.em.findOne(ContentItem, { id: eventId });
  // Drafts, archived and scheduled events do not exist for the public, nor for registrations.
  if (!event || event.type !== ContentType.EVENT || !isLive(event, now)) throw RegistrationErrors.eventNotFound(input.eventId);
  if (!offersRegistration(event)) throw RegistrationErrors.notOffered(event.organiserKind ?? 'unknown');
  const { opensAt, closesAt } = registrationWindow(event);
  if ((opensAt && now < opensAt) || now >= closesAt) throw RegistrationErrors.closed(opensAt, closesAt);
  if (input.consent !== true) throw RegistrationErrors.consentRequired();
  const { name, email, affiliation } = checkRegistrant(input);
  const answers = checkAnswers(event.registrationQuestions ?? [], input.answers ?? []);
  const emailNormalised = normaliseEmail(email);
  const token = randomBytes(32).toString('base64url');

  return ctx.transaction(async (tx) => {
    const locked = await lockEvent(tx, eventId);
    if (!locked) throw RegistrationErrors.eventNotFound(input.eventId);
    const [counts] = await tx.em.execute<{ registered: number; waitlisted: number; mine: number; last: Date | null }[]>(
      `select count(*) filter (where status = 'REGISTERED')::int as registered,
              count(*) filter (where status = 'WAITLISTED')::int as waitlisted,
              count(*) filter (where email_normalised = ?)::int as mine,
              max(registered_at) as last
         from event_registration
        where event_id = ? and status <> 'CANCELLED'`,
      [emailNormalised, eventId],
    );
    if (counts.mine > 0) throw RegistrationErrors.alreadyRegistered();
    const full = locked.capacity !== null && counts.registered >= locked.capacity;
    const status = full ? RegistrationStatus.WAITLISTED : RegistrationStatus.REGISTERED;
    // Strictly after everyone before: the waiting list's order is the order of arrival, even within a millisecond.
    const last = counts.last ? new Date(counts.last).getTime() : 0;
    const registeredAt = new Date(Math.max(Date.now(), last + 1));
    const registration = tx.em.create(EventRegistration, {
      event: eventId,
      name,
      email,
      emailNormalised,
      affiliation,
      answers,
      consentAt: registeredAt,
      status,
      cancelTokenHash: hashToken(token),
      locale: ctx.locale,
      registeredAt,
    } as never);
    try {
      await tx.em.flush();
    } catch (e) {
      // The partial unique index decides between two registrations of one address racing past the check.
      if (e instanceof UniqueConstraintViolationException) throw RegistrationErrors.alreadyRegistered();
      throw e;
    }
    tx.emit({
      type: REGISTRATION_EVENTS.created,
      aggregateType: REGISTRATION_TYPE,
      aggregateId: registration.id,
      payload: { eventId, status },
    });
    return {
      status,
      position: full ? counts.waitlisted + 1 : null,
      cancellationToken: token,
      event: event as ContentEvent,
    };
  });
}

// --- Cancelling -----------------------------------------------------------------------------------------------------

export interface CancellationView {
  status: RegistrationStatus;
  cancelledAt: Date;
  event: ContentEvent;
}

/** Cancels with the token the participant received; anyone holding it may. */
export async function cancelRegistrationByToken(ctx: RequestContext, token: string): Promise<CancellationView> {
  if (typeof token !== 'string' || token.length < 16 || token.length > 200) throw RegistrationErrors.registrationNotFound('token');
  const registration = await cancel(ctx, { tokenHash: hashToken(token.trim()) });
  const event = (await ctx.loader(contentById).load(registration.event.id)) as ContentEvent;
  return { status: registration.status, cancelledAt: registration.cancelledAt!, event };
}

export async function cancelRegistrationAsOffice(ctx: RequestContext, globalId: string): Promise<EventRegistration> {
  assertOffice(ctx, OFFICE_WORK);
  return cancel(ctx, { id: fromGlobalId(globalId, REGISTRATION_TYPE, 'id') });
}

/**
 * Marks the registration CANCELLED; when it held a place, the longest-waiting people move up into the places now
 * free (normally one), in the same transaction and under the same event lock as registrations.
 */
async function cancel(ctx: RequestContext, by: { tokenHash: string } | { id: string }): Promise<EventRegistration> {
  return ctx.transaction(async (tx) => {
    const [found] = await tx.em.execute<{ id: string; event_id: string }[]>(
      'tokenHash' in by
        ? `select id::text as id, event_id::text as event_id from event_registration where cancel_token_hash = ?`
        : `select id::text as id, event_id::text as event_id from event_registration where id = ?`,
      ['tokenHash' in by ? by.tokenHash : by.id],
    );
    if (!found) throw RegistrationErrors.registrationNotFound('tokenHash' in by ? 'token' : 'id');
    const eventId = found.event_id;
    const locked = await lockEvent(tx, eventId);
    // Read under the lock: a concurrent cancellation of the same registration has finished by now.
    const registration = await tx.em.findOneOrFail(EventRegistration, { id: found.id });
    if (registration.status === RegistrationStatus.CANCELLED) throw RegistrationErrors.alreadyCancelled();
    const wasRegistered = registration.status === RegistrationStatus.REGISTERED;
    const now = new Date();
    registration.status = RegistrationStatus.CANCELLED;
    registration.cancelledAt = now;
    let promoted: EventRegistration[] = [];
    if (wasRegistered && locked?.capacity !== null && locked?.capacity !== undefined) {
      const registered = await tx.em.count(EventRegistration, { event: eventId, status: RegistrationStatus.REGISTERED, id: { $ne: registration.id } });
      const free = locked.capacity - registered;
      if (free > 0) {
        promoted = await tx.em.find(
          EventRegistration,
          { event: eventId, status: RegistrationStatus.WAITLISTED },
          { orderBy: { registeredAt: 'asc', id: 'asc' }, limit: free },
        );
        for (const next of promoted) {
          next.status = RegistrationStatus.REGISTERED;
          next.promotedAt = now;
        }
      }
    }
    await tx.em.flush();
    tx.emit({ type: REGISTRATION_EVENTS.cancelled, aggregateType: REGISTRATION_TYPE, aggregateId: registration.id, payload: { eventId } });
    for (const next of promoted) {
      tx.emit({ type: REGISTRATION_EVENTS.promoted, aggregateType: REGISTRATION_TYPE, aggregateId: next.id, payload: { eventId } });
    }
    return registration;
  });
}

// --- Reads ----------------------------------------------------------------------------------------------------------

export async function getRegistration(ctx: RequestContext, id: string): Promise<EventRegistration | null> {
  if (!ctx.viewer.isOffice) return null;
  return ctx.em.findOne(EventRegistration, { id });
}

/** Office: an event's registrations in order of arrival, optionally only some statuses. */
export async function listRegistrations(
  ctx: RequestContext,
  event: ContentItem,
  statuses: RegistrationStatus[] | undefined | null,
  args: ConnectionArgs,
): Promise<ConnectionShape<EventRegistration>> {
  assertOffice(ctx, OFFICE_WORK);
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  return findPage(
    ctx.em,
    EventRegistration,
    statuses?.length ? { event: event.id, status: { $in: statuses } } : { event: event.id },
    [
      { field: 'registeredAt', direction: 'asc' },
      { field: 'id', direction: 'asc' },
    ],
    page,
  );
}

export function registrationCountsOf(ctx: RequestContext, event: ContentItem): Promise<RegistrationCounts> {
  return ctx.loader(registrationCounts).load(event.id);
}

export async function waitlistPositionOf(ctx: RequestContext, registration: EventRegistration): Promise<number | null> {
  if (registration.status !== RegistrationStatus.WAITLISTED) return null;
  return ctx.loader(waitlistPositions).load(registration.id);
}

export const REGISTRATION_CSV_COLUMNS = ['name', 'email', 'affiliation', 'status', 'registeredAt'] as const;

/**
 * Office: an event's registrations as CSV, in order of arrival: the fixed columns, then one column per registration
 * question (its key), booleans as true/false.
 */
export async function registrationsCsv(ctx: RequestContext, event: ContentItem, options: CsvOptions = {}): Promise<string> {
  assertOffice(ctx, OFFICE_WORK);
  const rows = await ctx.em.find(EventRegistration, { event: event.id }, { orderBy: { registeredAt: 'asc', id: 'asc' } });
  const questionKeys = (event.registrationQuestions ?? []).map((q) => q.key);
  const columns = [
    ...REGISTRATION_CSV_COLUMNS.map((key) => ({ key, header: key })),
    ...questionKeys.map((key, i) => ({ key: `answer${i}`, header: neutraliseFormula(key) })),
  ];
  return stringify(
    rows.map((r) => ({
      name: r.name,
      email: r.email,
      affiliation: r.affiliation ?? '',
      status: r.status,
      registeredAt: r.registeredAt.toISOString(),
      ...Object.fromEntries(questionKeys.map((key, i) => [`answer${i}`, r.answers[key] === undefined ? '' : String(r.answers[key])])),
    })),
    { header: true, columns, bom: options.bom ?? false, cast: spreadsheetSafe },
  );
}
