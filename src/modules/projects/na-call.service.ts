/** National Agency calls for proposals: the office records them; coordinators read them (they ask for quotas against them). */
import type { FilterQuery } from '@mikro-orm/core';
import { assertOffice } from '../../platform/auth/office';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId } from '../../platform/graphql/relay';
import { GrantContract, NaCall, NaProposal, type NaAction } from './project.entity';
import { assertOfficeOrCoordinator, lockAt, NA_CALL_TYPE, PROJECT_EVENTS, PROJECTS_ARE_THE_OFFICES, text } from './projects.common';
import { ProjectErrors } from './projects.errors';
import type { CreateNaCallInput, UpdateNaCallInput } from './projects.inputs';
import { naCallById } from './projects.loaders';

export async function listNaCalls(ctx: RequestContext, filter: { year?: number | null; action?: NaAction | null }): Promise<NaCall[]> {
  assertOfficeOrCoordinator(ctx);
  const where: FilterQuery<NaCall> = {};
  if (filter.year != null) where.year = filter.year;
  if (filter.action) where.action = filter.action;
  return ctx.em.find(NaCall, where, { orderBy: { deadline: 'asc', id: 'asc' }, limit: 500 });
}

/** null for anyone but the office and coordinators (node(id) reveals nothing). */
export async function getNaCall(ctx: RequestContext, id: string): Promise<NaCall | null> {
  if (!ctx.viewer.isOffice && !ctx.viewer.has('COORDINATOR')) return null;
  return ctx.loader(naCallById).load(id);
}

export async function createNaCall(ctx: RequestContext, input: CreateNaCallInput): Promise<NaCall> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  return ctx.transaction(async (tx) => {
    const call = tx.em.create(NaCall, {
      action: input.action,
      title: input.title.trim(),
      year: input.year,
      deadline: input.deadline,
      documents: (input.documents ?? []).map((d) => ({ title: d.title.trim(), url: d.url.trim() })),
      link: text(input.link),
      notes: text(input.notes),
    } as never);
    await tx.em.flush();
    tx.emit({ type: PROJECT_EVENTS.naCallCreated, aggregateType: NA_CALL_TYPE, aggregateId: call.id, aggregateVersion: call.version, payload: { action: call.action, year: call.year } });
    return call;
  });
}

export async function updateNaCall(ctx: RequestContext, input: UpdateNaCallInput): Promise<NaCall> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const id = fromGlobalId(input.id, NA_CALL_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const call = await lockAt(tx.em, NaCall, NA_CALL_TYPE, id, input.id, input.version);
    const changed: string[] = [];
    const set = <K extends keyof NaCall>(field: K, value: NaCall[K] | undefined, same = (a: unknown, b: unknown) => a === b) => {
      if (value === undefined || same(call[field], value)) return;
      call[field] = value as NaCall[K];
      changed.push(field as string);
    };
    set('action', input.action ?? undefined);
    set('title', input.title?.trim());
    set('year', input.year ?? undefined);
    set('deadline', input.deadline ?? undefined, (a, b) => (a as Date).getTime() === (b as Date).getTime());
    if (input.documents) set('documents', input.documents.map((d) => ({ title: d.title.trim(), url: d.url.trim() })), (a, b) => JSON.stringify(a) === JSON.stringify(b));
    if (input.link !== undefined) set('link', (text(input.link) ?? null) as never, (a, b) => (a ?? null) === (b ?? null));
    if (input.notes !== undefined) set('notes', (text(input.notes) ?? null) as never, (a, b) => (a ?? null) === (b ?? null));
    if (changed.length === 0) return call;
    await tx.em.flush();
    tx.emit({ type: PROJECT_EVENTS.naCallUpdated, aggregateType: NA_CALL_TYPE, aggregateId: call.id, aggregateVersion: call.version, payload: { changed } });
    return call;
  });
}

/** A call recorded by mistake; one with a proposal or a contract stays (NA_CALL_HAS_PROPOSAL). */
export async function deleteNaCall(ctx: RequestContext, globalId: string, version: number): Promise<string> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const id = fromGlobalId(globalId, NA_CALL_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const call = await lockAt(tx.em, NaCall, NA_CALL_TYPE, id, globalId, version);
    if ((await tx.em.count(NaProposal, { naCall: id })) + (await tx.em.count(GrantContract, { naCall: id })) > 0) throw ProjectErrors.naCallHasProposal();
    tx.em.remove(call);
    await tx.em.flush();
    tx.emit({ type: PROJECT_EVENTS.naCallDeleted, aggregateType: NA_CALL_TYPE, aggregateId: id, payload: {} });
    return globalId;
  });
}
