/**
 * Quota requests: what each faculty or department asks for the coming year, per activity type. The unit's
 * coordinators (a faculty's covers its departments) enter and change their units' requests while SUBMITTED; the office
 * enters any and declines; includeQuotaRequests (proposal.service.ts) marks them INCLUDED.
 */
import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import { assertOffice } from '../../platform/auth/office';
import { forbidden, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId, toGlobalId } from '../../platform/graphql/relay';
import { MobilityType } from '../agreements/agreement.entity';
import { Institution } from '../institutions/institution.entity';
import { fetchLineages, unitLineage } from '../institutions/institution.loaders';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { UNIT_TYPE } from '../institutions/organisational-unit.service';
import { QuotaRequest, QuotaRequestStatus } from './project.entity';
import { validAcademicYear, assertOfficeOrCoordinator, lockAt, PROJECT_EVENTS, PROJECTS_ARE_THE_OFFICES, QUOTA_REQUEST_TYPE, text } from './projects.common';
import { ProjectErrors } from './projects.errors';
import type { SubmitQuotaRequestInput, UpdateQuotaRequestInput } from './projects.inputs';

const STUDENT_TYPES: readonly MobilityType[] = [MobilityType.SMS, MobilityType.SMT];

/** Students are counted in months, staff in days: the other figure is refused rather than silently dropped. */
function checkDuration(type: MobilityType, months: number | null | undefined, days: number | null | undefined): void {
  const student = STUDENT_TYPES.includes(type);
  if (student && days != null) throw ProjectErrors.durationMismatch('days', `${type} is student mobility: give months, not days`);
  if (!student && months != null) throw ProjectErrors.durationMismatch('months', `${type} is staff mobility: give days, not months`);
}

/** The office, or a coordinator of the unit or of a unit above it. */
async function mayEnterFor(ctx: RequestContext, unitId: string): Promise<boolean> {
  return ctx.viewer.isOffice || ctx.viewer.coordinates(await ctx.loader(unitLineage).load(unitId));
}

async function assertMayEnterFor(ctx: RequestContext, unitId: string): Promise<void> {
  assertOfficeOrCoordinator(ctx);
  if (!(await mayEnterFor(ctx, unitId))) throw forbidden('You coordinate neither this unit nor a unit above it');
}

function announce(ctx: RequestContext, type: string, request: QuotaRequest, lineage: string[], payload: Record<string, unknown> = {}) {
  return { type, aggregateType: QUOTA_REQUEST_TYPE, aggregateId: request.id, aggregateVersion: request.version, scopeUnitIds: lineage, payload: { academicYear: request.academicYear, mobilityType: request.mobilityType, ...payload } };
}

export async function submitQuotaRequest(ctx: RequestContext, input: SubmitQuotaRequestInput): Promise<QuotaRequest> {
  assertOfficeOrCoordinator(ctx);
  const unitId = fromGlobalId(input.unitId, UNIT_TYPE, 'unitId');
  const academicYear = validAcademicYear(input.academicYear);
  checkDuration(input.mobilityType, input.months, input.days);
  return ctx.transaction(async (tx) => {
    const unit = await tx.em.findOne(OrganisationalUnit, { id: unitId }, { populate: ['institution'] });
    if (!unit) throw ProjectErrors.unitNotFound('unitId', input.unitId);
    await assertMayEnterFor(ctx, unitId);
    if (!(unit.institution.getEntity() as Institution).isHome) throw ProjectErrors.notAHomeUnit('unitId');
    const existing = await tx.em.findOne(QuotaRequest, { unit: unitId, academicYear, mobilityType: input.mobilityType });
    if (existing) throw ProjectErrors.quotaRequestExists(toGlobalId(QUOTA_REQUEST_TYPE, existing.id));
    const request = tx.em.create(QuotaRequest, {
      unit: unitId,
      academicYear,
      mobilityType: input.mobilityType,
      mobilities: input.mobilities,
      months: input.months ?? undefined,
      days: input.days ?? undefined,
      note: text(input.note),
      requestedBy: ctx.viewer.subject ?? undefined,
    } as never);
    try {
      await tx.em.flush();
    } catch (e) {
      // Two people entering the unit's request at once: the unique index decides.
      if (e instanceof UniqueConstraintViolationException) throw ProjectErrors.quotaRequestExists(null);
      throw e;
    }
    tx.emit(announce(ctx, PROJECT_EVENTS.quotaRequestSubmitted, request, await ctx.loader(unitLineage).load(unitId), { mobilities: request.mobilities }));
    return request;
  });
}

export async function updateQuotaRequest(ctx: RequestContext, input: UpdateQuotaRequestInput): Promise<QuotaRequest> {
  assertOfficeOrCoordinator(ctx);
  const id = fromGlobalId(input.id, QUOTA_REQUEST_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const request = await lockAt(tx.em, QuotaRequest, QUOTA_REQUEST_TYPE, id, input.id, undefined);
    await assertMayEnterFor(ctx, request.unit.id);
    if (request.version !== input.version) throw versionConflict(QUOTA_REQUEST_TYPE, input.version, request.version);
    if (request.status !== QuotaRequestStatus.SUBMITTED) throw ProjectErrors.quotaRequestLocked(request.status);
    const months = input.months === undefined ? request.months : (input.months ?? undefined);
    const days = input.days === undefined ? request.days : (input.days ?? undefined);
    checkDuration(request.mobilityType, months, days);
    const changed: string[] = [];
    if (input.mobilities != null && input.mobilities !== request.mobilities) (request.mobilities = input.mobilities), changed.push('mobilities');
    if ((months ?? null) !== (request.months ?? null)) (request.months = months ?? (null as never)), changed.push('months');
    if ((days ?? null) !== (request.days ?? null)) (request.days = days ?? (null as never)), changed.push('days');
    if (input.note !== undefined && (text(input.note) ?? null) !== (request.note ?? null)) (request.note = text(input.note) ?? (null as never)), changed.push('note');
    if (changed.length === 0) return request;
    await tx.em.flush();
    tx.emit(announce(ctx, PROJECT_EVENTS.quotaRequestUpdated, request, await ctx.loader(unitLineage).load(request.unit.id), { changed }));
    return request;
  });
}

/** A submitted request taken back by its unit or the office. */
export async function withdrawQuotaRequest(ctx: RequestContext, globalId: string, version: number): Promise<string> {
  assertOfficeOrCoordinator(ctx);
  const id = fromGlobalId(globalId, QUOTA_REQUEST_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const request = await lockAt(tx.em, QuotaRequest, QUOTA_REQUEST_TYPE, id, globalId, undefined);
    await assertMayEnterFor(ctx, request.unit.id);
    if (request.version !== version) throw versionConflict(QUOTA_REQUEST_TYPE, version, request.version);
    if (request.status !== QuotaRequestStatus.SUBMITTED) throw ProjectErrors.quotaRequestLocked(request.status);
    const lineage = await ctx.loader(unitLineage).load(request.unit.id);
    tx.em.remove(request);
    await tx.em.flush();
    tx.emit({ ...announce(ctx, PROJECT_EVENTS.quotaRequestWithdrawn, request, lineage), aggregateVersion: undefined });
    return globalId;
  });
}

/** Office: decline a request, or take a declined one back to SUBMITTED. INCLUDED is set by includeQuotaRequests only. */
export async function setQuotaRequestStatus(ctx: RequestContext, globalId: string, version: number, to: QuotaRequestStatus): Promise<QuotaRequest> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const id = fromGlobalId(globalId, QUOTA_REQUEST_TYPE, 'id');
  const steps: Record<QuotaRequestStatus, QuotaRequestStatus[]> = {
    SUBMITTED: [QuotaRequestStatus.DECLINED],
    DECLINED: [QuotaRequestStatus.SUBMITTED],
    INCLUDED: [],
  };
  return ctx.transaction(async (tx) => {
    const request = await lockAt(tx.em, QuotaRequest, QUOTA_REQUEST_TYPE, id, globalId, version);
    const from = request.status;
    if (from === to) return request;
    if (!steps[from].includes(to)) throw ProjectErrors.invalidTransition('quota request', from, to, steps[from]);
    request.status = to;
    await tx.em.flush();
    tx.emit(announce(ctx, PROJECT_EVENTS.quotaRequestStatusChanged, request, await ctx.loader(unitLineage).load(request.unit.id), { from, to }));
    return request;
  });
}

/**
 * The requests of a year the viewer may read: the office all, a coordinator those of their units (and the units
 * below). Two statements: the rows, and the units' lineages for the coordinator's filter.
 */
export async function visibleQuotaRequests(
  ctx: RequestContext,
  rawYear: string,
  filter: { unitId?: string | null; status?: QuotaRequestStatus | null } = {},
): Promise<QuotaRequest[]> {
  assertOfficeOrCoordinator(ctx);
  const academicYear = validAcademicYear(rawYear);
  const where: FilterQuery<QuotaRequest> = { academicYear };
  if (filter.unitId) where.unit = fromGlobalId(filter.unitId, UNIT_TYPE, 'unitId');
  if (filter.status) where.status = filter.status;
  const rows = await ctx.em.find(QuotaRequest, where, { orderBy: { mobilityType: 'asc', createdAt: 'asc', id: 'asc' } });
  if (ctx.viewer.isOffice || rows.length === 0) return rows;
  const units = [...new Set(rows.map((r) => r.unit.id))];
  const lineages = new Map((await fetchLineages(ctx.em, units)).map((l, i) => [units[i], l]));
  return rows.filter((r) => ctx.viewer.coordinates(lineages.get(r.unit.id) ?? []));
}

export interface QuotaFigures {
  requests: number;
  mobilities: number;
  months: number;
  days: number;
}
export interface QuotaUnitSummary extends QuotaFigures {
  unitId: string;
}
export interface QuotaTypeSummary extends QuotaFigures {
  mobilityType: MobilityType;
  units: QuotaUnitSummary[];
}

/** Sums of requests per activity type (SMS, SMT, STA, STT order) and, within each, per unit. */
export function summarise(requests: readonly QuotaRequest[]): QuotaTypeSummary[] {
  const order = [MobilityType.SMS, MobilityType.SMT, MobilityType.STA, MobilityType.STT];
  const add = (into: QuotaFigures, r: QuotaRequest) => {
    into.requests += 1;
    into.mobilities += r.mobilities;
    into.months += r.months ?? 0;
    into.days += r.days ?? 0;
  };
  return order.flatMap((type) => {
    const ofType = requests.filter((r) => r.mobilityType === type);
    if (!ofType.length) return [];
    const summary: QuotaTypeSummary = { mobilityType: type, requests: 0, mobilities: 0, months: 0, days: 0, units: [] };
    const byUnit = new Map<string, QuotaUnitSummary>();
    for (const r of ofType) {
      add(summary, r);
      let unit = byUnit.get(r.unit.id);
      if (!unit) byUnit.set(r.unit.id, (unit = { unitId: r.unit.id, requests: 0, mobilities: 0, months: 0, days: 0 }));
      add(unit, r);
    }
    summary.units = [...byUnit.values()];
    return [summary];
  });
}

/** What goes into the proposal: the year's requests that are not declined, summed (a coordinator: their units' only). */
export async function quotaRequestSummary(ctx: RequestContext, academicYear: string): Promise<{ academicYear: string; byActivityType: QuotaTypeSummary[] }> {
  const rows = await visibleQuotaRequests(ctx, academicYear);
  return { academicYear, byActivityType: summarise(rows.filter((r) => r.status !== QuotaRequestStatus.DECLINED)) };
}

/** One request for node(id): the office, or a coordinator of its unit (or a unit above); null for anyone else. */
export async function getQuotaRequest(ctx: RequestContext, id: string): Promise<QuotaRequest | null> {
  if (!ctx.viewer.isOffice && !ctx.viewer.has('COORDINATOR')) return null;
  const request = await ctx.em.findOne(QuotaRequest, { id });
  return request && (await mayEnterFor(ctx, request.unit.id)) ? request : null;
}
