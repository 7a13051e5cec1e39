import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { findPage } from '../../platform/db/pagination';
import { forbidden, notFound, unauthenticated, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext, Transaction } from '../../platform/graphql/context';
import type { DeliveredEvent } from '../../platform/events/outbox';
import { fromGlobalId, pageRequest, toGlobalId, type ConnectionArgs, type ConnectionShape } from '../../platform/graphql/relay';
import type { LocalisedTextData } from './institution.entity';
import { InstitutionErrors } from './institution.errors';
import { fetchLineages, unitById, unitLineage } from './institution.loaders';
import { Institution } from './institution.entity';
import { requireHomeInstitution } from './institution.service';
import { OrganisationalUnit } from './organisational-unit.entity';
import type { AddOrganisationalUnitInput, UnitFilter, UnitOrder, UpdateOrganisationalUnitInput } from './organisational-unit.inputs';

export const UNIT_TYPE = 'OrganisationalUnit';
export const MAX_UNIT_DEPTH = 5;

export type UnitChangeKind = 'ADDED' | 'UPDATED' | 'REMOVED';
export const UNIT_EVENT_TYPES: Record<UnitChangeKind, string> = {
  ADDED: 'organisationalUnit.added',
  UPDATED: 'organisationalUnit.updated',
  REMOVED: 'organisationalUnit.removed',
};
const KIND_BY_TYPE = new Map(Object.entries(UNIT_EVENT_TYPES).map(([kind, type]) => [type, kind as UnitChangeKind]));

export interface UnitChangeView {
  change: UnitChangeKind;
  unitId: string;
  unit: OrganisationalUnit | null;
  version: number | null;
  actor: string | null;
  occurredAt: Date;
}

/** Live unit changes the viewer is entitled to: the office sees all, a coordinator those within their units. */
export function followUnitChanges(ctx: RequestContext, changes: UnitChangeKind[] | undefined): AsyncIterableIterator<DeliveredEvent> {
  const wanted = new Set((changes?.length ? changes : (Object.keys(UNIT_EVENT_TYPES) as UnitChangeKind[])).map((k) => UNIT_EVENT_TYPES[k]));
  return ctx.follow((event) => wanted.has(event.type) && (ctx.viewer.isOffice || ctx.viewer.coordinates(event.scopeUnitIds)));
}

/** One delivered event as the subscriber sees it, the unit read afresh (nothing cached for an earlier event). */
export async function unitChangeView(ctx: RequestContext, event: DeliveredEvent): Promise<UnitChangeView> {
  ctx.refresh();
  const change = KIND_BY_TYPE.get(event.type)!;
  return {
    change,
    unitId: toGlobalId(UNIT_TYPE, event.aggregateId),
    unit: change === 'REMOVED' ? null : await getUnit(ctx, event.aggregateId, true),
    version: event.aggregateVersion,
    actor: ctx.viewer.isOffice ? event.actor : null,
    occurredAt: event.occurredAt,
  };
}

/** Units are public (the website lists faculties and departments); only `internalNote` is restricted. */
export async function listUnits(
  ctx: RequestContext,
  filter: UnitFilter | undefined,
  order: UnitOrder | undefined,
  args: ConnectionArgs,
): Promise<ConnectionShape<OrganisationalUnit>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const where: FilterQuery<OrganisationalUnit>[] = [{ institution: { isHome: true } }];
  if (filter?.kinds?.length) where.push({ kind: { $in: filter.kinds } });
  if (filter?.parentId) where.push({ parent: fromGlobalId(filter.parentId, UNIT_TYPE, 'filter.parentId') });
  if (filter?.topLevel) where.push({ parent: null });
  if (filter?.search) {
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push({ $or: [{ code: { $ilike: like } }, { name: { tr: { $ilike: like } } }, { name: { en: { $ilike: like } } }] });
  }
  const field = order?.field ?? 'code';
  return findPage(ctx.em, OrganisationalUnit, { $and: where }, [
    { field, direction: order?.direction ?? 'asc' },
    { field: 'id', direction: order?.direction ?? 'asc' },
  ], page);
}

export async function getUnit(ctx: RequestContext, globalOrUuid: string, isUuid = false): Promise<OrganisationalUnit | null> {
  const id = isUuid ? globalOrUuid : fromGlobalId(globalOrUuid, UNIT_TYPE);
  return ctx.loader(unitById).load(id);
}

/** Row-dependent field rule: the office, or a coordinator of this unit or of a unit above it. */
export async function readInternalNote(ctx: RequestContext, unit: OrganisationalUnit): Promise<string | null> {
  if (!ctx.viewer.authenticated) throw unauthenticated('Sign in to read internal notes');
  const allowed =
    ctx.viewer.isOffice ||
    (ctx.viewer.has('COORDINATOR') && ctx.viewer.coordinates(await ctx.loader(unitLineage).load(unit.id)));
  if (!allowed) throw forbidden("Only the office and the unit's coordinators can read its internal note");
  return unit.internalNote ?? null;
}

export async function addUnit(ctx: RequestContext, input: AddOrganisationalUnitInput): Promise<OrganisationalUnit> {
  const name = cleanName(input.name);
  const parentId = input.parentId ? fromGlobalId(input.parentId, UNIT_TYPE, 'input.parentId') : undefined;
  const institutionId = input.institutionId ? fromGlobalId(input.institutionId, 'Institution', 'input.institutionId') : undefined;
  return ctx.transaction(async (tx) => {
    // The home university's units by default; a partner's faculties and departments when named.
    const home = institutionId ? await tx.em.findOne(Institution, { id: institutionId }) : await requireHomeInstitution(tx.em);
    if (!home) throw notFound('Institution', input.institutionId!);
    let lineage: string[] = [];
    if (parentId) {
      const parent = await tx.em.findOne(OrganisationalUnit, { id: parentId, institution: home });
      if (!parent) throw InstitutionErrors.parentNotFound();
      [lineage] = await fetchLineages(tx.em, [parentId]);
      if (lineage.length >= MAX_UNIT_DEPTH) throw InstitutionErrors.treeTooDeep(MAX_UNIT_DEPTH);
    }
    if (await tx.em.count(OrganisationalUnit, { institution: home, code: input.code })) {
      throw InstitutionErrors.unitCodeTaken(input.code);
    }
    const unit = tx.em.create(OrganisationalUnit, {
      institution: home,
      parent: parentId ?? null,
      kind: input.kind,
      code: input.code,
      name,
      email: input.email,
      website: input.website,
      internalNote: input.internalNote,
    } as never);
    await flushMapped(tx.em, input.code);
    emitUnitEvent(tx, 'ADDED', unit, [unit.id, ...lineage]);
    return unit;
  });
}

export async function updateUnit(ctx: RequestContext, input: UpdateOrganisationalUnitInput): Promise<OrganisationalUnit> {
  const id = fromGlobalId(input.id, UNIT_TYPE, 'input.id');
  const newParentId = input.parentId ? fromGlobalId(input.parentId, UNIT_TYPE, 'input.parentId') : undefined;
  return ctx.transaction(async (tx) => {
    const unit = await tx.em.findOne(OrganisationalUnit, { id });
    if (!unit) throw notFound(UNIT_TYPE, input.id);
    const [lineage] = await fetchLineages(tx.em, [id]);
    if (!ctx.viewer.isOffice) {
      // A coordinator may keep their own units' details up to date, not restructure the tree.
      if (!ctx.viewer.coordinates(lineage)) throw forbidden('You coordinate neither this unit nor a unit above it');
      for (const field of ['kind', 'code', 'parentId', 'moveToTop'] as const) {
        if (input[field] !== undefined && input[field] !== null) throw InstitutionErrors.coordinatorFieldForbidden(field);
      }
    }
    if (unit.version !== input.version) throw versionConflict(UNIT_TYPE, input.version, unit.version);

    if (input.code && input.code !== unit.code) {
      if (await tx.em.count(OrganisationalUnit, { institution: unit.institution, code: input.code })) {
        throw InstitutionErrors.unitCodeTaken(input.code);
      }
      unit.code = input.code;
    }
    if (input.kind) unit.kind = input.kind;
    if (input.name) unit.name = cleanName({ ...unit.name, ...withoutNulls(input.name) });
    if (input.email !== undefined) unit.email = input.email ?? undefined;
    if (input.website !== undefined) unit.website = input.website ?? undefined;
    if (input.internalNote !== undefined) unit.internalNote = input.internalNote ?? undefined;
    let scope = lineage;
    if (input.moveToTop) {
      unit.parent = undefined;
      scope = [id];
    } else if (newParentId) {
      const [parentLineage] = await fetchLineages(tx.em, [newParentId]);
      if (parentLineage.length === 0) throw InstitutionErrors.parentNotFound();
      if (parentLineage.includes(id)) throw InstitutionErrors.parentCycle();
      if (parentLineage.length + (await subtreeHeight(tx.em, id)) > MAX_UNIT_DEPTH) {
        throw InstitutionErrors.treeTooDeep(MAX_UNIT_DEPTH);
      }
      unit.parent = tx.em.getReference(OrganisationalUnit, newParentId) as never;
      scope = [id, ...parentLineage];
    }
    await flushMapped(tx.em, input.code ?? unit.code);
    // Both the old and the new place in the tree learn about a move.
    emitUnitEvent(tx, 'UPDATED', unit, [...new Set([...lineage, ...scope])]);
    return unit;
  });
}

export async function removeUnit(ctx: RequestContext, globalId: string, version: number): Promise<string> {
  const id = fromGlobalId(globalId, UNIT_TYPE);
  return ctx.transaction(async (tx) => {
    const unit = await tx.em.findOne(OrganisationalUnit, { id });
    if (!unit) throw notFound(UNIT_TYPE, globalId);
    if (unit.version !== version) throw versionConflict(UNIT_TYPE, version, unit.version);
    const children = await tx.em.count(OrganisationalUnit, { parent: id });
    if (children > 0) throw InstitutionErrors.unitHasChildren(children);
    const [lineage] = await fetchLineages(tx.em, [id]);
    emitUnitEvent(tx, 'REMOVED', unit, lineage);
    tx.em.remove(unit);
    return globalId;
  });
}

function emitUnitEvent(tx: Transaction, kind: UnitChangeKind, unit: OrganisationalUnit, scopeUnitIds: string[]) {
  tx.emit({
    type: UNIT_EVENT_TYPES[kind],
    aggregateType: UNIT_TYPE,
    aggregateId: unit.id,
    aggregateVersion: unit.version,
    scopeUnitIds,
    payload: { code: unit.code },
  });
}

async function flushMapped(em: EntityManager, code: string): Promise<void> {
  try {
    await em.flush();
  } catch (e) {
    // Two offices adding the same code at once: the unique index decides.
    if (e instanceof UniqueConstraintViolationException) throw InstitutionErrors.unitCodeTaken(code);
    throw e;
  }
}

async function subtreeHeight(em: EntityManager, id: string): Promise<number> {
  const [row] = await em.execute<{ height: number }[]>(
    `with recursive sub(id, depth) as (
       select id, 1 from organisational_unit where id = ?
       union all
       select c.id, s.depth + 1 from sub s join organisational_unit c on c.parent_id = s.id where s.depth < 20)
     select max(depth)::int as height from sub`,
    [id],
  );
  return row?.height ?? 1;
}

function withoutNulls(text: { tr?: string | null; en?: string | null }): LocalisedTextData {
  return Object.fromEntries(Object.entries(text).filter(([, v]) => v !== null && v !== undefined)) as LocalisedTextData;
}

function cleanName(text: { tr?: string | null; en?: string | null }): LocalisedTextData {
  const name: LocalisedTextData = {};
  if (text.tr?.trim()) name.tr = text.tr.trim();
  if (text.en?.trim()) name.en = text.en.trim();
  if (!name.tr && !name.en) throw InstitutionErrors.nameRequired();
  return name;
}
