import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { findPage } from '../../platform/db/pagination';
import { invalidInput, notFound, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext, Transaction } from '../../platform/graphql/context';
import { mergeLocalised } from '../../platform/graphql/localised-text';
import { fromGlobalId, pageRequest, type ConnectionShape } from '../../platform/graphql/relay';
import { descendantUnitIds } from '../agreements/agreement.service';
import { requireHomeInstitution } from '../institutions/institution.service';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { UNIT_TYPE } from '../institutions/organisational-unit.service';
import { AdmissionApplication, AdmissionCall, AdmissionCallStatus as C, AdmissionExam, AdmissionExamKind, type AcceptedExamRow } from './admission.entity';
import { AdmissionErrors } from './admission.errors';
import type { AdmissionCallListArgs, AdmissionExamRequirementInput, CreateAdmissionCallInput, UpdateAdmissionCallInput } from './admission.inputs';
import { admissionCallById } from './admission.loaders';
import { inScale } from './admission.rules';

export const ADMISSION_CALL_TYPE = 'AdmissionCall';

export const CALL_EVENTS = { changed: 'admissionCall.changed' };

const OFFICE_WORK = 'Admission calls are managed by the office';

/** Fields that decide how applications are judged: fixed once the call has applications. */
const STRUCTURAL = ['languageOfInstruction', 'requiredDocuments', 'acceptedExams', 'languageCertificates', 'preparationYear'] as const;

// --- Reads ----------------------------------------------------------------------------------------------------------------

export function isCallOpen(call: AdmissionCall, now = new Date()): boolean {
  return call.status === C.OPEN && call.opensAt <= now && now < call.closesAt;
}

/** A call's window as an applicant meets it: not yet open, or closed, is a CONFLICT naming the date. */
export function assertWindowOpen(call: AdmissionCall, now = new Date()): void {
  if (call.status === C.DRAFT || (call.status === C.OPEN && now < call.opensAt)) throw AdmissionErrors.callNotOpen(call.opensAt);
  if (call.status !== C.OPEN || now >= call.closesAt) throw AdmissionErrors.callClosed(call.closesAt);
}

/** A call by uuid; drafts are the office's (null for anyone else). */
export async function getCall(ctx: RequestContext, id: string): Promise<AdmissionCall | null> {
  const call = await ctx.loader(admissionCallById).load(id);
  if (!call || (call.status === C.DRAFT && !ctx.viewer.isOffice)) return null;
  return call;
}

export async function listCalls(ctx: RequestContext, args: AdmissionCallListArgs): Promise<ConnectionShape<AdmissionCall>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const filter = args.filter;
  const where: FilterQuery<AdmissionCall>[] = [];
  if (!ctx.viewer.isOffice) where.push({ status: { $ne: C.DRAFT } });
  if (filter?.statuses?.length) where.push({ status: { $in: filter.statuses } });
  if (filter?.academicYear) where.push({ academicYear: filter.academicYear });
  if (filter?.unitId) where.push({ unit: { $in: await descendantUnitIds(ctx.em, [fromGlobalId(filter.unitId, UNIT_TYPE, 'filter.unitId')]) } });
  return findPage(ctx.em, AdmissionCall, where.length ? { $and: where } : {}, [
    { field: 'opensAt', direction: 'desc' },
    { field: 'id', direction: 'asc' },
  ], page);
}

// --- Changes ----------------------------------------------------------------------------------------------------------------

export async function createCall(ctx: RequestContext, input: CreateAdmissionCallInput): Promise<AdmissionCall> {
  assertOffice(ctx, OFFICE_WORK);
  const unitId = fromGlobalId(input.unitId, UNIT_TYPE, 'unitId');
  for (const field of ['quota', 'languageOfInstruction', 'acceptedExams', 'programmeName', 'opensAt', 'closesAt', 'enrolmentDeadline'] as const) {
    if (input[field] === undefined || input[field] === null) throw invalidInput(field, `${field} is required`, 'REQUIRED');
  }
  const programmeName = mergeLocalised({}, input.programmeName as never);
  if (!Object.keys(programmeName).length) throw invalidInput('programmeName', 'Name the programme in at least one language', 'REQUIRED');
  checkWindow(input.opensAt!, input.closesAt!, input.enrolmentDeadline!);
  return ctx.transaction(async (tx) => {
    const unit = await homeUnit(tx.em, unitId);
    const acceptedExams = await requirements(tx.em, input.acceptedExams!, 'acceptedExams', AdmissionExamKind.ENTRANCE);
    const languageCertificates = await requirements(tx.em, input.languageCertificates ?? [], 'languageCertificates', AdmissionExamKind.LANGUAGE, input.languageOfInstruction!);
    const call = tx.em.create(AdmissionCall, {
      academicYear: input.academicYear,
      unit,
      programmeName,
      quota: input.quota!,
      languageOfInstruction: input.languageOfInstruction!,
      requiredDocuments: documentCodes(input.requiredDocuments ?? []),
      acceptedExams,
      languageCertificates,
      preparationYear: input.preparationYear ?? false,
      opensAt: input.opensAt!,
      closesAt: input.closesAt!,
      enrolmentDeadline: input.enrolmentDeadline!,
    } as never);
    await tx.em.flush();
    announce(tx, call, { created: true });
    return call;
  });
}

export async function updateCall(ctx: RequestContext, input: UpdateAdmissionCallInput, onDeadlineChanged?: (tx: Transaction, call: AdmissionCall) => Promise<void>): Promise<AdmissionCall> {
  assertOffice(ctx, OFFICE_WORK);
  const id = fromGlobalId(input.id, ADMISSION_CALL_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const call = await lockCall(tx.em, id, input.id, input.version);
    const changed: string[] = [];
    const published = call.status === C.RESULTS_PUBLISHED;
    const structural = STRUCTURAL.filter((f) => input[f] !== undefined && input[f] !== null);
    if (structural.length) {
      if (call.applicationCount > 0 || (await tx.em.count(AdmissionApplication, { call: call.id })) > 0) throw AdmissionErrors.callHasApplications(structural[0]);
    }
    const language = input.languageOfInstruction ?? call.languageOfInstruction;
    if (input.languageOfInstruction && input.languageOfInstruction !== call.languageOfInstruction) {
      call.languageOfInstruction = input.languageOfInstruction;
      changed.push('languageOfInstruction');
    }
    if (input.requiredDocuments) {
      call.requiredDocuments = documentCodes(input.requiredDocuments);
      changed.push('requiredDocuments');
    }
    if (input.acceptedExams) {
      call.acceptedExams = await requirements(tx.em, input.acceptedExams, 'acceptedExams', AdmissionExamKind.ENTRANCE);
      changed.push('acceptedExams');
    }
    if (input.languageCertificates || (input.languageOfInstruction && !input.languageCertificates)) {
      // A new language of instruction checks the certificates kept against it.
      const given = input.languageCertificates ?? call.languageCertificates.map((c) => ({ examCode: c.examCode, minimumScore: c.minimumScore }));
      call.languageCertificates = await requirements(tx.em, given, 'languageCertificates', AdmissionExamKind.LANGUAGE, language);
      changed.push('languageCertificates');
    }
    if (input.preparationYear !== undefined && input.preparationYear !== null) {
      call.preparationYear = input.preparationYear;
      changed.push('preparationYear');
    }
    if (input.quota !== undefined && input.quota !== null && input.quota !== call.quota) {
      if (published) throw AdmissionErrors.resultsPublished('quota');
      call.quota = input.quota;
      changed.push('quota');
    }
    if (input.programmeName) {
      const name = mergeLocalised(call.programmeName, input.programmeName as never);
      if (!Object.keys(name).length) throw invalidInput('programmeName', 'Name the programme in at least one language', 'REQUIRED');
      call.programmeName = name;
      changed.push('programmeName');
    }
    const opensAt = input.opensAt ?? call.opensAt;
    const closesAt = input.closesAt ?? call.closesAt;
    const deadline = input.enrolmentDeadline ?? call.enrolmentDeadline;
    if (input.opensAt || input.closesAt) {
      if (published || call.status === C.CLOSED) throw invalidInput(input.opensAt ? 'opensAt' : 'closesAt', 'The application window of a closed call no longer changes', 'CALL_CLOSED');
    }
    if (input.opensAt || input.closesAt || input.enrolmentDeadline) checkWindow(opensAt, closesAt, deadline);
    const deadlineChanged = !!input.enrolmentDeadline && input.enrolmentDeadline.getTime() !== call.enrolmentDeadline.getTime();
    if (input.opensAt) call.opensAt = opensAt;
    if (input.closesAt) call.closesAt = closesAt;
    if (input.enrolmentDeadline) call.enrolmentDeadline = deadline;
    if (input.opensAt || input.closesAt) changed.push('window');
    if (deadlineChanged) changed.push('enrolmentDeadline');
    await tx.em.flush();
    if (changed.length) announce(tx, call, { changed });
    // A later enrolment deadline may give places freed meanwhile to the waitlist again.
    if (deadlineChanged && onDeadlineChanged) await onDeadlineChanged(tx, call);
    return call;
  });
}

/** DRAFT → OPEN: public from now on, taking applications within its window. */
export async function publishCall(ctx: RequestContext, globalId: string, version: number): Promise<AdmissionCall> {
  return moveCall(ctx, globalId, version, C.OPEN, (call) => {
    if (call.status !== C.DRAFT) throw AdmissionErrors.invalidCallTransition(call.status, C.OPEN);
    call.publishedAt = new Date();
  });
}

/** OPEN → CLOSED, once the window has ended (an early close would cut applicants off without notice). */
export async function closeCall(ctx: RequestContext, globalId: string, version: number): Promise<AdmissionCall> {
  return moveCall(ctx, globalId, version, C.CLOSED, (call) => {
    if (call.status !== C.OPEN) throw AdmissionErrors.invalidCallTransition(call.status, C.CLOSED);
    if (new Date() < call.closesAt) throw AdmissionErrors.callStillOpen(call.closesAt);
    call.closedAt = new Date();
  });
}

async function moveCall(ctx: RequestContext, globalId: string, version: number, to: C, check: (call: AdmissionCall) => void): Promise<AdmissionCall> {
  assertOffice(ctx, OFFICE_WORK);
  const id = fromGlobalId(globalId, ADMISSION_CALL_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const call = await lockCall(tx.em, id, globalId, version);
    const from = call.status;
    check(call);
    call.status = to;
    await tx.em.flush();
    announce(tx, call, { from, to });
    return call;
  });
}

// --- Helpers ------------------------------------------------------------------------------------------------------------------

export function announce(tx: Transaction, call: AdmissionCall, payload: Record<string, unknown>): void {
  tx.emit({ type: CALL_EVENTS.changed, aggregateType: ADMISSION_CALL_TYPE, aggregateId: call.id, aggregateVersion: call.version, payload: { status: call.status, ...payload } });
}

/** Locked: a concurrent change waits here and then sees the new version, instead of overwriting it. */
export async function lockCall(em: EntityManager, id: string, globalId: string, version?: number): Promise<AdmissionCall> {
  const call = await em.findOne(AdmissionCall, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!call) throw notFound(ADMISSION_CALL_TYPE, globalId);
  if (version !== undefined && call.version !== version) throw versionConflict(ADMISSION_CALL_TYPE, version, call.version);
  return call;
}

function checkWindow(opensAt: Date, closesAt: Date, deadline: Date): void {
  if (!(closesAt > opensAt)) throw AdmissionErrors.invalidWindow('closesAt', 'closesAt must be after opensAt');
  if (!(deadline > closesAt)) throw AdmissionErrors.invalidWindow('enrolmentDeadline', 'The enrolment deadline must be after the call closes');
}

function documentCodes(codes: string[]): string[] {
  codes.forEach((code, i) => {
    if (codes.indexOf(code) !== i) throw AdmissionErrors.duplicateDocument(`requiredDocuments[${i}]`, code);
  });
  return [...codes];
}

async function homeUnit(em: EntityManager, unitId: string): Promise<OrganisationalUnit> {
  const home = await requireHomeInstitution(em);
  const unit = await em.findOne(OrganisationalUnit, { id: unitId, institution: home.id });
  if (!unit) throw AdmissionErrors.unitNotHome('unitId');
  return unit;
}

/** Checks a call's exam list against the exams table: known, active, of the right kind (and language), minimum in scale. */
async function requirements(
  em: EntityManager,
  given: readonly AdmissionExamRequirementInput[],
  field: string,
  kind: AdmissionExamKind,
  language?: string,
): Promise<AcceptedExamRow[]> {
  const exams = new Map((await em.find(AdmissionExam, { code: { $in: given.map((g) => g.examCode) } })).map((e) => [e.code, e]));
  return given.map((g, i) => {
    const at = `${field}[${i}]`;
    if (given.findIndex((o) => o.examCode === g.examCode) !== i) throw AdmissionErrors.duplicateExam(`${at}.examCode`, g.examCode);
    const exam = exams.get(g.examCode);
    if (!exam) throw AdmissionErrors.examNotFound(`${at}.examCode`, g.examCode);
    if (exam.kind !== kind) throw AdmissionErrors.examKindMismatch(`${at}.examCode`, g.examCode, kind);
    if (!exam.active) throw AdmissionErrors.examInactive(`${at}.examCode`, g.examCode);
    if (kind === AdmissionExamKind.LANGUAGE && exam.language !== language) throw AdmissionErrors.languageMismatch(`${at}.examCode`, g.examCode, exam.language, language!);
    if (!inScale(exam, g.minimumScore)) throw AdmissionErrors.minimumOutOfScale(`${at}.minimumScore`, g.examCode, exam.scaleMin, exam.scaleMax);
    return { examCode: g.examCode, minimumScore: g.minimumScore };
  });
}
