import { LockMode, type FilterQuery } from '@mikro-orm/core';
import { forbidden, notFound, unauthenticated, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext, Transaction } from '../../platform/graphql/context';
import { fromGlobalId } from '../../platform/graphql/relay';
import { descendantUnitIds } from '../agreements/agreement.service';
import { fetchLineages, unitLineage } from '../institutions/institution.loaders';
import { IncomingMobility, IncomingStatus as S, IncomingStatusChange } from './incoming-mobility.entity';
import { IncomingErrors } from './incoming.errors';
import { incomingById } from './incoming.loaders';
import { allowedSteps, canStep, type IncomingActor } from './incoming.transitions';

/**
 * The core every incoming service builds on: who may read and act on an incoming mobility, locking, and status steps
 * recorded and announced exactly as outgoing applications' are (same audience rule, same live stream and catch-up, see
 * src/platform/events/status-events.ts).
 */

export const INCOMING_TYPE = 'IncomingMobility';

export const INCOMING_EVENTS = {
  statusChanged: 'incomingMobility.statusChanged',
  updated: 'incomingMobility.updated',
};

/** Row scope: the office sees all; a coordinator their units' (and sub-units') guests; a nominee their own. */
export async function incomingScope(ctx: RequestContext): Promise<FilterQuery<IncomingMobility> | undefined> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (ctx.viewer.isOffice) return undefined;
  const own: FilterQuery<IncomingMobility> = { nomineeSubject: ctx.viewer.subject! };
  if (!ctx.viewer.has('COORDINATOR')) return own;
  const units = await descendantUnitIds(ctx.em, [...ctx.viewer.units]);
  return { $or: [own, { hostUnit: { $in: units } }] };
}

/** True for the office and for coordinators of the host unit or a unit above it: the host side. */
export async function isHost(ctx: RequestContext, mobility: IncomingMobility): Promise<boolean> {
  if (ctx.viewer.isOffice) return true;
  if (!ctx.viewer.has('COORDINATOR')) return false;
  return ctx.viewer.coordinates(await ctx.loader(unitLineage).load(mobility.hostUnit.id));
}

export async function canReadIncoming(ctx: RequestContext, mobility: IncomingMobility): Promise<boolean> {
  if (!ctx.viewer.authenticated) return false;
  if (mobility.nomineeSubject && mobility.nomineeSubject === ctx.viewer.subject) return true;
  return isHost(ctx, mobility);
}

/** By uuid, or null when it does not exist or the viewer may not read it (node(id) reveals nothing). */
export async function getIncoming(ctx: RequestContext, id: string): Promise<IncomingMobility | null> {
  const mobility = await ctx.loader(incomingById).load(id);
  return mobility && (await canReadIncoming(ctx, mobility)) ? mobility : null;
}

/**
 * Runs `fn` on the locked, version-checked mobility in a transaction, as `actor`: the host side (office or the host
 * unit's coordinators) or the nominee. Someone who may not read it gets NOT_FOUND; a reader on the wrong side FORBIDDEN.
 */
export async function withIncoming<T>(
  ctx: RequestContext,
  globalId: string,
  version: number | null,
  actor: IncomingActor,
  fn: (tx: Transaction, mobility: IncomingMobility) => Promise<T>,
): Promise<T> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const id = fromGlobalId(globalId, INCOMING_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const mobility = await tx.em.findOne(IncomingMobility, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!mobility || !(await canReadIncoming(ctx, mobility))) throw notFound(INCOMING_TYPE, globalId);
    const allowed = actor === 'HOST' ? await isHost(ctx, mobility) : mobility.nomineeSubject === ctx.viewer.subject;
    if (!allowed) throw forbidden(actor === 'HOST' ? 'Only the office or the host unit’s coordinators take this step' : 'Only the nominee takes this step');
    if (version !== null && mobility.version !== version) throw versionConflict(INCOMING_TYPE, version, mobility.version);
    return fn(tx, mobility);
  });
}

/** Moves the mobility one step as `actor`, records it in the history and announces it in the same transaction. */
export async function incomingStep(
  tx: Transaction,
  ctx: RequestContext,
  mobility: IncomingMobility,
  to: S,
  actor: IncomingActor,
  reason?: string,
): Promise<void> {
  const from = mobility.status;
  if (!canStep(from, to, actor, ctx.viewer.isOffice)) throw IncomingErrors.invalidTransition(from, to, allowedSteps(from, actor, ctx.viewer.isOffice));
  mobility.status = to;
  recordIncomingStep(tx, mobility, from, to, ctx.viewer.subject, reason);
  await tx.em.flush();
  await announceIncoming(tx, mobility, { from, to, ...(reason ? { reason } : {}) }, INCOMING_EVENTS.statusChanged);
}

/** The first history line (nomination: from nothing to NOMINATED). */
export function recordIncomingStep(tx: Transaction, mobility: IncomingMobility, from: S | null, to: S, who: string | null | undefined, reason?: string): void {
  tx.em.create(IncomingStatusChange, { mobility, from: from ?? undefined, to, actor: who ?? undefined, reason, at: new Date() } as never);
}

/**
 * Announces a status change (`payload` has from/to/reason) or an update (`payload` says what changed, never personal
 * data), scoped to the host unit's lineage and the nominee, like outgoing applications' events.
 */
export async function announceIncoming(tx: Transaction, mobility: IncomingMobility, payload: Record<string, unknown>, type = INCOMING_EVENTS.updated): Promise<void> {
  const [lineage] = await fetchLineages(tx.em, [mobility.hostUnit.id]);
  tx.emit({
    type,
    aggregateType: INCOMING_TYPE,
    aggregateId: mobility.id,
    aggregateVersion: mobility.version,
    scopeUnitIds: lineage,
    payload: {
      applicantSubject: mobility.nomineeSubject ?? null,
      academicYear: mobility.academicYear,
      number: mobility.number,
      mobilityType: mobility.mobilityType,
      ...payload,
    },
  });
}
