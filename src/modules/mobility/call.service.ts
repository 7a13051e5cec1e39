import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound, versionConflict } from '../../platform/errors/domain-error';
import { assertOffice } from '../../platform/auth/office';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId, pageRequest, type ConnectionShape } from '../../platform/graphql/relay';
import { findPage } from '../../platform/db/pagination';
import { sqlArray } from '../../platform/db/sql-array';
import { MobilityType } from '../agreements/agreement.entity';
import { ContentItem } from '../content/content.entity';
import { getContent } from '../content/content.service';
import { requireHomeInstitution } from '../institutions/institution.service';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { UNIT_TYPE } from '../institutions/organisational-unit.service';
import { CallPlace, CallQuota, CallStatus, MobilityCall } from './call.entity';
import { MobilityErrors } from './mobility.errors';
import type { CallQuotaInput, CreateMobilityCallInput, MobilityCallListArgs, UpdateMobilityCallInput } from './mobility.inputs';
import { callById } from './mobility.loaders';
import { MobilityCategory, MobilityProgramme } from './programme.entity';
import { findRuleSet, PROGRAMME_TYPE } from './programme.service';
import { mergeLocalised } from '../../platform/graphql/localised-text';
import { sqlStates, TAKES_PLACE } from './application.transitions';

export const CALL_TYPE = 'MobilityCall';
export const PLACE_TYPE = 'CallPlace';

export const CALL_EVENTS = {
  created: 'mobilityCall.created',
  updated: 'mobilityCall.updated',
  published: 'mobilityCall.published',
  placesGenerated: 'mobilityCall.placesGenerated',
  quotasSet: 'mobilityCall.quotasSet',
};

export function categoryOf(type: MobilityType): MobilityCategory {
  return type === MobilityType.SMS || type === MobilityType.SMT ? MobilityCategory.STUDENT : MobilityCategory.STAFF;
}

export function isOpen(call: MobilityCall, now = new Date()): boolean {
  return call.status === CallStatus.PUBLISHED && call.opensAt <= now && now < call.closesAt;
}

/** A call's window as an applicant meets it: not yet open, or closed, is a CONFLICT naming the date. */
export function assertWindowOpen(call: MobilityCall, now = new Date()): void {
  if (call.status !== CallStatus.PUBLISHED || now < call.opensAt) throw MobilityErrors.callNotOpen(call.opensAt);
  if (now >= call.closesAt) throw MobilityErrors.callClosed(call.closesAt);
}

// --- Reads -------------------------------------------------------------------------------------------------------------

export async function listCalls(ctx: RequestContext, args: MobilityCallListArgs): Promise<ConnectionShape<MobilityCall>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const filter = args.filter;
  const where: FilterQuery<MobilityCall>[] = [];
  if (!ctx.viewer.isOffice) where.push({ status: CallStatus.PUBLISHED });
  else if (filter?.statuses?.length) where.push({ status: { $in: filter.statuses } });
  if (filter?.academicYear) where.push({ academicYear: filter.academicYear });
  if (filter?.programmeIds?.length) {
    where.push({ programme: { $in: filter.programmeIds.map((id, i) => fromGlobalId(id, PROGRAMME_TYPE, `filter.programmeIds[${i}]`)) } });
  }
  if (filter?.mobilityTypes?.length) where.push({ mobilityType: { $in: filter.mobilityTypes } });
  if (filter?.openNow) {
    const now = new Date();
    where.push({ status: CallStatus.PUBLISHED, opensAt: { $lte: now }, closesAt: { $gt: now } });
  }
  return findPage(ctx.em, MobilityCall, where.length ? { $and: where } : {}, [
    { field: 'opensAt', direction: 'desc' },
    { field: 'id', direction: 'desc' },
  ], page);
}

/** A call by uuid; drafts only for the office. */
export async function getCall(ctx: RequestContext, id: string): Promise<MobilityCall | null> {
  const call = await ctx.loader(callById).load(id);
  if (!call || (call.status === CallStatus.DRAFT && !ctx.viewer.isOffice)) return null;
  return call;
}

/** The website announcement of a call: an announcement whose mobilityCallId names it, as the viewer may see it. */
export async function announcementOf(ctx: RequestContext, call: MobilityCall): Promise<ContentItem | null> {
  const candidates = await ctx.em.find(ContentItem, { mobilityCallId: call.id }, { orderBy: { displayAt: 'desc' }, fields: ['id'] });
  for (const candidate of candidates) {
    const visible = await getContent(ctx, candidate.id);
    if (visible) return visible;
  }
  return null;
}

// --- Changes -----------------------------------------------------------------------------------------------------------

export async function createCall(ctx: RequestContext, input: CreateMobilityCallInput): Promise<MobilityCall> {
  assertOffice(ctx);
  const programmeId = fromGlobalId(input.programmeId, PROGRAMME_TYPE, 'programmeId');
  assertWindow(input.opensAt, input.closesAt, input.appealEndsAt, input.waiverDeadline);
  return ctx.transaction(async (tx) => {
    const programme = await tx.em.findOne(MobilityProgramme, { id: programmeId });
    if (!programme) throw notFound(PROGRAMME_TYPE, input.programmeId);
    if (!programme.enabled) throw MobilityErrors.programmeDisabled(programme.code);
    const call = tx.em.create(MobilityCall, {
      programme,
      mobilityType: input.mobilityType,
      category: categoryOf(input.mobilityType),
      academicYear: input.academicYear,
      title: mergeLocalised({}, input.title),
      opensAt: input.opensAt,
      closesAt: input.closesAt,
      appealEndsAt: input.appealEndsAt ?? undefined,
      waiverDeadline: input.waiverDeadline ?? undefined,
      maxPreferences: input.maxPreferences ?? 3,
      minGpa: input.minGpa ?? undefined,
      minLanguageScore: input.minLanguageScore ?? undefined,
      requiredDocuments: input.requiredDocuments ?? [],
      zeroGrant: input.zeroGrant ?? false,
      reserveListSize: input.reserveListSize ?? undefined,
      grantContractNumber: input.grantContractNumber ?? undefined,
    } as never);
    await tx.em.flush();
    tx.emit({ type: CALL_EVENTS.created, aggregateType: CALL_TYPE, aggregateId: call.id, aggregateVersion: call.version, payload: { programme: programme.code } });
    return call;
  });
}

const CALL_FIELDS = [
  'opensAt', 'closesAt', 'appealEndsAt', 'waiverDeadline', 'maxPreferences', 'minGpa', 'minLanguageScore', 'requiredDocuments', 'zeroGrant', 'reserveListSize',
  'grantContractNumber',
] as const;
/** Changing these after applications arrived would change the rules under the applicants' feet. */
const FIXED_ONCE_APPLIED = new Set<string>(['maxPreferences', 'minGpa', 'minLanguageScore', 'requiredDocuments']);

export async function updateCall(ctx: RequestContext, input: UpdateMobilityCallInput): Promise<MobilityCall> {
  assertOffice(ctx);
  const id = fromGlobalId(input.id, CALL_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const call = await lockCall(tx.em, id, input.id, input.version);
    const changed: string[] = [];
    if (input.title) {
      call.title = mergeLocalised(call.title, input.title);
      changed.push('title');
    }
    for (const field of CALL_FIELDS) {
      const given = input[field];
      if (given === undefined) continue;
      const value = given ?? undefined;
      if (sameValue(call[field], value)) continue;
      if ((field === 'opensAt' || field === 'closesAt') && value === undefined) continue;
      if (FIXED_ONCE_APPLIED.has(field) && call.applicationCount > 0) throw MobilityErrors.callHasApplications(field);
      (call as unknown as Record<string, unknown>)[field] = value;
      changed.push(field);
    }
    assertWindow(call.opensAt, call.closesAt, call.appealEndsAt, call.waiverDeadline);
    if (changed.length === 0) return call;
    await tx.em.flush();
    tx.emit({ type: CALL_EVENTS.updated, aggregateType: CALL_TYPE, aggregateId: call.id, aggregateVersion: call.version, payload: { changed } });
    return call;
  });
}

/** Makes a draft call public. Its programme must be enabled and have rules for the year. */
export async function publishCall(ctx: RequestContext, globalId: string, version: number): Promise<MobilityCall> {
  assertOffice(ctx);
  const id = fromGlobalId(globalId, CALL_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const call = await lockCall(tx.em, id, globalId, version);
    if (call.status === CallStatus.PUBLISHED) return call;
    const programme = await tx.em.findOneOrFail(MobilityProgramme, { id: call.programme.id });
    if (!programme.enabled) throw MobilityErrors.programmeDisabled(programme.code);
    if (!(await findRuleSet(tx.em, programme.id, call.academicYear, call.category))) {
      throw MobilityErrors.noRuleSet(programme.code, call.academicYear, call.category);
    }
    call.status = CallStatus.PUBLISHED;
    await tx.em.flush();
    tx.emit({ type: CALL_EVENTS.published, aggregateType: CALL_TYPE, aggregateId: call.id, aggregateVersion: call.version, payload: {} });
    return call;
  });
}

/** Replaces a call's quotas (its ranking groups). Units must be the home institution's. */
export async function setQuotas(ctx: RequestContext, globalId: string, version: number, quotas: CallQuotaInput[]): Promise<MobilityCall> {
  assertOffice(ctx);
  const id = fromGlobalId(globalId, CALL_TYPE, 'callId');
  const unitIds = quotas.map((q, i) => fromGlobalId(q.unitId, UNIT_TYPE, `quotas[${i}].unitId`));
  const keys = quotas.map((q, i) => `${unitIds[i]}|${q.isced ?? ''}`);
  keys.forEach((key, i) => {
    if (keys.indexOf(key) !== i) throw MobilityErrors.duplicateQuota(`quotas[${i}]`);
  });
  return ctx.transaction(async (tx) => {
    const call = await lockCall(tx.em, id, globalId, version);
    if (call.placementRunAt) throw MobilityErrors.selectionAlreadyRun();
    const home = await requireHomeInstitution(tx.em);
    const units = await tx.em.find(OrganisationalUnit, { id: { $in: unitIds }, institution: home.id });
    const known = new Set(units.map((u) => u.id));
    unitIds.forEach((u, i) => {
      if (!known.has(u)) throw MobilityErrors.unitNotHome(`quotas[${i}].unitId`);
    });
    await tx.em.nativeDelete(CallQuota, { call: call.id });
    quotas.forEach((q, i) =>
      tx.em.create(CallQuota, { call, unit: unitIds[i], isced: q.isced ?? undefined, places: q.places, grantedPlaces: q.grantedPlaces ?? undefined } as never),
    );
    call.updatedAt = new Date();
    await tx.em.flush();
    tx.emit({ type: CALL_EVENTS.quotasSet, aggregateType: CALL_TYPE, aggregateId: call.id, aggregateVersion: call.version, payload: { quotas: quotas.length } });
    return call;
  });
}

/**
 * Adds a place for every outgoing cooperation condition that fits the call: an agreement of the programme's kinds in
 * effect, the call's mobility type, covering its academic year, to a destination the programme covers. Places already
 * there are kept (with any capacity the office changed), so running it again only adds what is new.
 */
export async function generatePlaces(ctx: RequestContext, globalId: string): Promise<MobilityCall> {
  assertOffice(ctx);
  const id = fromGlobalId(globalId, CALL_TYPE, 'callId');
  return ctx.transaction(async (tx) => {
    const call = await tx.em.findOne(MobilityCall, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!call) throw notFound(CALL_TYPE, globalId);
    if (call.placementRunAt) throw MobilityErrors.selectionAlreadyRun();
    const programme = await tx.em.findOneOrFail(MobilityProgramme, { id: call.programme.id });
    const home = await requireHomeInstitution(tx.em);
    const inserted = await tx.em.execute<{ id: string }[]>(
      `insert into mobility_call_place (id, call_id, condition_id, partner_id, country, sending_unit_id, isced_codes, eqf_levels, capacity, position)
       select gen_random_uuid(), ?, c.id, c.receiving_institution_id, i.country, c.sending_unit_id, c.isced_codes, c.eqf_levels, c.mobilities_per_year,
              row_number() over (order by i.country, i.official_name, c.position, c.id)
                + coalesce((select max(position) from mobility_call_place where call_id = ?), 0)
         from cooperation_condition c
         join agreement a on a.id = c.agreement_id
         join institution i on i.id = c.receiving_institution_id
        where c.sending_institution_id = ?
          and c.mobility_type = ?
          and a.status = 'IN_EFFECT'
          and a.kind = any(?::text[])
          and c.first_academic_year <= ? and c.last_academic_year >= ?
          and c.mobilities_per_year > 0
          and (cardinality(?::text[]) = 0 or i.country = any(?::text[]))
          and not (i.country = any(?::text[]))
          and not exists (select 1 from mobility_call_place p where p.call_id = ? and p.condition_id = c.id)
       returning id::text as id`,
      [
        call.id, call.id, home.id, call.mobilityType, sqlArray(programme.agreementKinds), call.academicYear, call.academicYear,
        sqlArray(programme.countriesIncluded), sqlArray(programme.countriesIncluded), sqlArray(programme.countriesExcluded), call.id,
      ],
    );
    call.updatedAt = new Date();
    await tx.em.flush();
    tx.emit({ type: CALL_EVENTS.placesGenerated, aggregateType: CALL_TYPE, aggregateId: call.id, aggregateVersion: call.version, payload: { added: inserted.length } });
    return call;
  });
}

export async function setPlaceCapacity(ctx: RequestContext, placeGlobalId: string, capacity: number): Promise<CallPlace> {
  assertOffice(ctx);
  if (!Number.isInteger(capacity) || capacity < 0 || capacity > 10_000) throw MobilityErrors.invalidCapacity('capacity must be between 0 and 10000');
  const id = fromGlobalId(placeGlobalId, PLACE_TYPE, 'placeId');
  return ctx.transaction(async (tx) => {
    const place = await tx.em.findOne(CallPlace, { id }, { populate: ['call'] });
    if (!place) throw notFound(PLACE_TYPE, placeGlobalId);
    const call = await tx.em.findOneOrFail(MobilityCall, { id: place.call.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (call.placementRunAt) {
      const [{ taken }] = await tx.em.execute<{ taken: number }[]>(
        `select count(*)::int as taken from mobility_application where placed_at_id = ? and status in (${sqlStates(TAKES_PLACE)})`,
        [place.id],
      );
      if (capacity < taken) throw MobilityErrors.invalidCapacity(`The place is held by ${taken} applicant(s); the capacity cannot go below that`);
    }
    place.capacity = capacity;
    call.updatedAt = new Date();
    await tx.em.flush();
    tx.emit({ type: CALL_EVENTS.updated, aggregateType: CALL_TYPE, aggregateId: call.id, aggregateVersion: call.version, payload: { changed: ['places'], placeId: place.id } });
    return place;
  });
}

export async function lockCall(em: EntityManager, id: string, globalId: string, version?: number): Promise<MobilityCall> {
  const call = await em.findOne(MobilityCall, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!call) throw notFound(CALL_TYPE, globalId);
  if (version !== undefined && call.version !== version) throw versionConflict(CALL_TYPE, version, call.version);
  return call;
}


function assertWindow(opensAt: Date, closesAt: Date, appealEndsAt?: Date | null, waiverDeadline?: Date | null): void {
  if (!(opensAt < closesAt)) throw MobilityErrors.invalidWindow('closesAt', 'closesAt must be after opensAt');
  if (appealEndsAt && appealEndsAt < closesAt) throw MobilityErrors.invalidWindow('appealEndsAt', 'The appeal period ends after the call closes');
  if (waiverDeadline && waiverDeadline < closesAt) throw MobilityErrors.invalidWindow('waiverDeadline', 'The waiver deadline falls after the call closes');
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => v === b[i]);
  return (a ?? undefined) === (b ?? undefined);
}
