/**
 * The host's transcript of records and its conversion to the home scale: conversion tables per partner and/or field
 * (EGRACONS-style distributions or a direct mapping; the rule is in grade-conversion.rules.ts), and the transcript of a
 * mobility, each passing grade converted by the table that applies.
 */
import DataLoader from 'dataloader';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { notFound, versionConflict } from '../../platform/errors/domain-error';
import { defineLoader, type RequestContext } from '../../platform/graphql/context';
import { fromGlobalId, toGlobalId } from '../../platform/graphql/relay';
import { Institution } from '../institutions/institution.entity';
import { INSTITUTION_TYPE } from '../institutions/institution.service';
import { ApplicationStatus as S, MobilityApplication } from './application.entity';
import { CallPlace } from './call.entity';
import { chooseTable, convertResult, fieldCandidates, isConversionFailure, normaliseGrade, scaleIssues, type TableMatch } from './grade-conversion.rules';
import { LaTable, type LaComponentRow } from './learning-agreement.entity';
import { agreedComponents } from './learning-agreement.service';
import { ReturnDocument, ReturnDocumentKind } from './return-document.entity';
import { TrackingErrors } from './tracking.errors';
import { lockReadable } from './tracking.service';
import { GradeConversionTable, TranscriptEntry } from './transcript.entity';
import type { RecordTranscriptInput, SetGradeConversionTableInput } from './transcript.inputs';

export const GRADE_TABLE_TYPE = 'GradeConversionTable';

// --- Conversion tables -----------------------------------------------------------------------------------------------------

export async function setGradeConversionTable(ctx: RequestContext, input: SetGradeConversionTableInput): Promise<GradeConversionTable> {
  assertOffice(ctx, 'Grade conversion tables are the office’s');
  const id = input.id ? fromGlobalId(input.id, GRADE_TABLE_TYPE, 'id') : null;
  const partnerId = input.partnerId ? fromGlobalId(input.partnerId, INSTITUTION_TYPE, 'partnerId') : null;
  const hostScale = input.hostScale.map((g) => ({ grade: g.grade.trim(), percent: g.percent }));
  const homeScale = input.homeScale.map((g) => ({ grade: g.grade.trim(), percent: g.percent }));
  const mapping = (input.mapping ?? []).map((m) => ({ hostGrade: m.hostGrade.trim(), homeGrade: m.homeGrade.trim() }));
  // Validation first: nothing is written for a bad table.
  for (const [name, scale] of [['hostScale', hostScale], ['homeScale', homeScale]] as const) {
    const [issue] = scaleIssues(scale);
    if (issue) throw TrackingErrors.invalidScale(`${name}${issue.path}`, issue.message);
  }
  const distributions = hostScale.length > 0 && homeScale.length > 0;
  if (!distributions && mapping.length === 0) throw TrackingErrors.noConversionRule();
  if (hostScale.length === 0 !== (homeScale.length === 0)) {
    throw TrackingErrors.invalidScale(hostScale.length ? 'homeScale' : 'hostScale', 'Give both grade distributions, or neither (a mapping only)');
  }
  const homeGrades = new Set(homeScale.map((g) => normaliseGrade(g.grade)));
  const seen = new Set<string>();
  mapping.forEach((m, i) => {
    const key = normaliseGrade(m.hostGrade);
    if (seen.has(key)) throw TrackingErrors.invalidMapping(`mapping[${i}].hostGrade`, `The host grade ${m.hostGrade} is mapped twice`);
    seen.add(key);
    if (homeGrades.size && !homeGrades.has(normaliseGrade(m.homeGrade))) {
      throw TrackingErrors.invalidMapping(`mapping[${i}].homeGrade`, `${m.homeGrade} is not a grade of the home scale`);
    }
  });
  return ctx.transaction(async (tx) => {
    if (partnerId) {
      const partner = await tx.em.findOne(Institution, { id: partnerId });
      if (!partner || partner.isHome) throw TrackingErrors.notAPartner('partnerId');
    }
    // The scope is checked before a new table is created (a query would flush it and find the new row itself).
    const isced = input.iscedCode ?? null;
    const clash = await tx.em.findOne(GradeConversionTable, { partner: partnerId, iscedCode: isced, ...(id ? { id: { $ne: id } } : {}) }, { fields: ['id'] });
    if (clash) throw TrackingErrors.conversionTableExists(toGlobalId(GRADE_TABLE_TYPE, clash.id));
    let table: GradeConversionTable;
    if (id) {
      const found = await tx.em.findOne(GradeConversionTable, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!found) throw notFound(GRADE_TABLE_TYPE, input.id!);
      if (input.version === undefined || input.version === null || found.version !== input.version) {
        throw versionConflict(GRADE_TABLE_TYPE, input.version ?? 0, found.version);
      }
      table = found;
    } else {
      table = tx.em.create(GradeConversionTable, { name: input.name } as never);
    }
    table.name = input.name.trim();
    // null (not undefined) so that a replaced table's scope can widen to every partner or field.
    table.partner = (partnerId ? tx.em.getReference(Institution, partnerId) : null) as never;
    table.iscedCode = isced as never;
    table.hostScale = hostScale;
    table.homeScale = homeScale;
    table.mapping = Object.fromEntries(mapping.map((m) => [m.hostGrade, m.homeGrade]));
    try {
      await tx.em.flush();
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw TrackingErrors.conversionTableExists('');
      throw e;
    }
    return table;
  });
}

export async function listGradeConversionTables(ctx: RequestContext, partnerGlobalId?: string | null): Promise<GradeConversionTable[]> {
  assertOffice(ctx, 'Grade conversion tables are the office’s');
  const where = partnerGlobalId ? { partner: fromGlobalId(partnerGlobalId, INSTITUTION_TYPE, 'partnerId') } : {};
  return ctx.em.find(GradeConversionTable, where, { orderBy: { name: 'asc', id: 'asc' } });
}

/** node(id): the office only, like the list. */
export async function getGradeConversionTable(ctx: RequestContext, id: string): Promise<GradeConversionTable | null> {
  if (!ctx.viewer.isOffice) return null;
  return ctx.loader(conversionTableById).load(id);
}

/**
 * The table for a mobility: by its host (the place's partner) and its field (the applicant's ISCED field, else the
 * place's first), in the order of `chooseTable` — partner + field, partner, field, default.
 */
export async function tableForMobility(em: EntityManager, application: MobilityApplication): Promise<{ table: GradeConversionTable; match: TableMatch } | null> {
  const place = application.placedAt ? await em.findOne(CallPlace, { id: application.placedAt.id }) : null;
  const partnerId = place?.partner.id ?? null;
  const field = application.fieldOfStudy ?? place?.iscedCodes[0] ?? null;
  const fields = fieldCandidates(field);
  const tables = await em.find(GradeConversionTable, {
    $and: [
      { $or: [{ partner: null }, ...(partnerId ? [{ partner: partnerId }] : [])] },
      { $or: [{ iscedCode: null }, ...(fields.length ? [{ iscedCode: { $in: fields } }] : [])] },
    ],
  });
  const scoped = tables.map((t) => ({ id: t.id, partnerId: t.partner?.id ?? null, iscedCode: t.iscedCode ?? null, entity: t }));
  const chosen = chooseTable(scoped, partnerId, field);
  return chosen ? { table: chosen.table.entity, match: chosen.match } : null;
}

// --- Transcript --------------------------------------------------------------------------------------------------------------

const TRANSCRIPT_OPEN: readonly S[] = [S.LIVE, S.COMPLETED];

/** A component id as sent: the stable id itself, or a global ID wrapping it. */
export function findComponent(components: readonly LaComponentRow[], sent: string, table: LaTable): LaComponentRow | undefined {
  const direct = components.find((c) => c.id === sent && c.table === table);
  if (direct) return direct;
  const decoded = Buffer.from(sent, 'base64url').toString('utf8');
  const sep = decoded.indexOf(':');
  const inner = sep > 0 ? decoded.slice(sep + 1) : null;
  return inner ? components.find((c) => c.id === inner && c.table === table) : undefined;
}

/**
 * Replaces the transcript of a live or completed mobility (office). Each passing grade is converted by the table that
 * applies (an unknown grade refuses the whole transcript, naming the line); failed courses get no home grade. The
 * transcript-of-records return document counts as received.
 */
export async function recordTranscript(ctx: RequestContext, input: RecordTranscriptInput): Promise<MobilityApplication> {
  assertOffice(ctx, 'Recording a transcript is the office’s work');
  return ctx.transaction(async (tx) => {
    const application = await lockReadable(tx, ctx, input.applicationId);
    if (!TRANSCRIPT_OPEN.includes(application.status)) throw TrackingErrors.transcriptNotOpen(application.status);
    const named = input.entries.filter((e) => e.componentId);
    const components = named.length ? await agreedComponents(tx.em, application.id) : null;
    const componentIds = input.entries.map((e, i) => {
      if (!e.componentId) return undefined;
      const found = components ? findComponent(components, e.componentId, LaTable.A) : undefined;
      if (!found) throw TrackingErrors.unknownComponent(`entries[${i}].componentId`, e.componentId, 'A');
      return found.id;
    });
    const chosen = input.entries.some((e) => e.passed) ? await tableForMobility(tx.em, application) : null;
    if (input.entries.some((e) => e.passed) && !chosen) throw TrackingErrors.noConversionTable();
    const lines = input.entries.map((e, i) => {
      const result = chosen ? convertResult(chosen.table, e.hostGrade, e.passed) : null;
      if (result && isConversionFailure(result)) throw TrackingErrors.unknownHostGrade(`entries[${i}].hostGrade`, e.hostGrade, result.known, chosen!.table.name);
      return {
        application,
        componentId: componentIds[i],
        courseCode: e.courseCode?.trim() || undefined,
        courseTitle: e.courseTitle.trim(),
        ects: e.ects,
        hostGrade: e.hostGrade.trim(),
        passed: e.passed,
        homeGrade: result?.homeGrade,
        conversionTable: result ? chosen!.table : undefined,
      };
    });
    await tx.em.nativeDelete(TranscriptEntry, { application: application.id });
    for (const line of lines) tx.em.create(TranscriptEntry, line as never);
    const document = await tx.em.findOne(ReturnDocument, { application: application.id, kind: ReturnDocumentKind.TRANSCRIPT_OF_RECORDS });
    if (document && !document.receivedAt) document.receivedAt = new Date();
    await tx.em.flush();
    return application;
  });
}

// --- Loaders -----------------------------------------------------------------------------------------------------------------

export const transcriptByApplication = defineLoader('trkTranscriptByApplication', (ctx) =>
  new DataLoader<string, TranscriptEntry[]>(async (ids) => {
    const rows = await ctx.em.find(TranscriptEntry, { application: { $in: [...ids] } }, { orderBy: { courseCode: 'asc', courseTitle: 'asc', id: 'asc' } });
    const map = new Map<string, TranscriptEntry[]>();
    for (const r of rows) map.set(r.application.id, [...(map.get(r.application.id) ?? []), r]);
    return ids.map((id) => map.get(id) ?? []);
  }),
);

export const conversionTableById = defineLoader('trkConversionTableById', (ctx) =>
  new DataLoader<string, GradeConversionTable | null>(async (ids) => {
    const rows = await ctx.em.find(GradeConversionTable, { id: { $in: [...ids] } });
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }),
);
