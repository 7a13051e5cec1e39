import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { notFound, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { mergeLocalised } from '../../platform/graphql/localised-text';
import { fromGlobalId } from '../../platform/graphql/relay';
import { AdmissionApplication, AdmissionExam, AdmissionExamKind, type ConversionPointRow } from './admission.entity';
import { AdmissionErrors } from './admission.errors';
import type { CreateAdmissionExamInput, UpdateAdmissionExamInput } from './admission.inputs';
import { conversionProblem } from './admission.rules';

export const EXAM_TYPE = 'AdmissionExam';

export const EXAM_EVENTS = { changed: 'admissionExam.changed' };

const OFFICE_WORK = 'Admission exams and their conversion are the office’s data';

/** Every exam, by code; inactive ones only when asked. Public: scales and conversions are published with the calls. */
export function listExams(ctx: RequestContext, args: { kind?: AdmissionExamKind | null; includeInactive?: boolean | null }): Promise<AdmissionExam[]> {
  return ctx.em.find(
    AdmissionExam,
    { ...(args.kind ? { kind: args.kind } : {}), ...(args.includeInactive ? {} : { active: true }) },
    { orderBy: { kind: 'asc', code: 'asc' } },
  );
}

export function getExam(ctx: RequestContext, id: string): Promise<AdmissionExam | null> {
  return ctx.em.findOne(AdmissionExam, { id });
}

function checkExam(exam: { code: string; scaleMin: number; scaleMax: number; higherIsBetter: boolean; conversionTable: ConversionPointRow[] }): void {
  const problem = conversionProblem(exam);
  if (problem) throw AdmissionErrors.invalidScale(problem.field, problem.message);
}

export async function createExam(ctx: RequestContext, input: CreateAdmissionExamInput): Promise<AdmissionExam> {
  assertOffice(ctx, OFFICE_WORK);
  const conversionTable = (input.conversionTable ?? []).map((p) => ({ score: p.score, converted: p.converted }));
  const higherIsBetter = input.higherIsBetter ?? true;
  checkExam({ code: input.code, scaleMin: input.scaleMin, scaleMax: input.scaleMax, higherIsBetter, conversionTable });
  if (input.kind === AdmissionExamKind.LANGUAGE && !input.language) throw AdmissionErrors.languageRequired();
  const name = mergeLocalised({}, input.name as never);
  return ctx.transaction(async (tx) => {
    if (await tx.em.findOne(AdmissionExam, { code: input.code }, { fields: ['id'] })) throw AdmissionErrors.examCodeTaken(input.code);
    const exam = tx.em.create(AdmissionExam, {
      code: input.code,
      name,
      kind: input.kind,
      language: input.kind === AdmissionExamKind.LANGUAGE ? input.language : undefined,
      scaleMin: input.scaleMin,
      scaleMax: input.scaleMax,
      higherIsBetter,
      conversionTable,
      notes: input.notes?.trim() || undefined,
    } as never);
    try {
      await tx.em.flush();
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw AdmissionErrors.examCodeTaken(input.code);
      throw e;
    }
    tx.emit({ type: EXAM_EVENTS.changed, aggregateType: EXAM_TYPE, aggregateId: exam.id, aggregateVersion: exam.version, payload: { code: exam.code } });
    return exam;
  });
}

export async function updateExam(ctx: RequestContext, input: UpdateAdmissionExamInput): Promise<AdmissionExam> {
  assertOffice(ctx, OFFICE_WORK);
  const id = fromGlobalId(input.id, EXAM_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const exam = await tx.em.findOne(AdmissionExam, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!exam) throw notFound(EXAM_TYPE, input.id);
    if (exam.version !== input.version) throw versionConflict(EXAM_TYPE, input.version, exam.version);
    const scaleChanges =
      (input.scaleMin !== undefined && input.scaleMin !== null && input.scaleMin !== exam.scaleMin) ||
      (input.scaleMax !== undefined && input.scaleMax !== null && input.scaleMax !== exam.scaleMax) ||
      (input.higherIsBetter !== undefined && input.higherIsBetter !== null && input.higherIsBetter !== exam.higherIsBetter);
    if (scaleChanges) {
      const used = await tx.em.count(AdmissionApplication, { $or: [{ examCode: exam.code }, { languageCertificateCode: exam.code }] });
      if (used > 0) throw AdmissionErrors.examInUse(exam.code);
    }
    const next = {
      code: exam.code,
      scaleMin: input.scaleMin ?? exam.scaleMin,
      scaleMax: input.scaleMax ?? exam.scaleMax,
      higherIsBetter: input.higherIsBetter ?? exam.higherIsBetter,
      conversionTable: input.conversionTable ? input.conversionTable.map((p) => ({ score: p.score, converted: p.converted })) : exam.conversionTable,
    };
    checkExam(next);
    Object.assign(exam, next);
    if (input.name) exam.name = mergeLocalised(exam.name, input.name as never);
    if (input.active !== undefined && input.active !== null) exam.active = input.active;
    if (input.notes !== undefined) exam.notes = input.notes?.trim() || undefined;
    await tx.em.flush();
    tx.emit({ type: EXAM_EVENTS.changed, aggregateType: EXAM_TYPE, aggregateId: exam.id, aggregateVersion: exam.version, payload: { code: exam.code } });
    return exam;
  });
}

export interface ExamSeed {
  code: string;
  name: { tr?: string; en?: string };
  kind: keyof typeof AdmissionExamKind;
  language?: string;
  scaleMin: number;
  scaleMax: number;
  higherIsBetter?: boolean;
  conversionTable?: ConversionPointRow[];
  notes?: string;
}

/** Adds the exams of a seed file that are not there yet (by code); checks each like the office's input. */
export async function seedExams(em: EntityManager, exams: ExamSeed[]): Promise<number> {
  let added = 0;
  await em.transactional(async (tx) => {
    const known = new Set((await tx.find(AdmissionExam, {})).map((e) => e.code));
    for (const e of exams) {
      if (known.has(e.code)) continue;
      const row = { code: e.code, scaleMin: e.scaleMin, scaleMax: e.scaleMax, higherIsBetter: e.higherIsBetter ?? true, conversionTable: e.conversionTable ?? [] };
      const problem = conversionProblem(row);
      if (problem) throw new Error(`admission exam ${e.code}: ${problem.field}: ${problem.message}`);
      tx.create(AdmissionExam, { ...row, name: e.name, kind: e.kind, language: e.language, notes: e.notes } as never);
      added++;
    }
  });
  return added;
}
