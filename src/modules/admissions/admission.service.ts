import { LockMode, UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { findPage } from '../../platform/db/pagination';
import { sqlArray } from '../../platform/db/sql-array';
import { forbidden, invalidInput, notFound, unauthenticated, versionConflict } from '../../platform/errors/domain-error';
import { recordEvent } from '../../platform/events/outbox';
import type { RequestContext, Transaction } from '../../platform/graphql/context';
import { fromGlobalId, pageRequest, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { descendantUnitIds } from '../agreements/agreement.service';
import { fetchLineages, unitLineage } from '../institutions/institution.loaders';
import { today } from '../mobility/calendar-day';
import {
  AdmissionApplication,
  AdmissionCall,
  AdmissionCallStatus as C,
  AdmissionExam,
  AdmissionStatus as S,
  AdmissionStatusChange,
  type AdmissionDocumentRow,
  type ScoreComputationRow,
} from './admission.entity';
import { AdmissionErrors } from './admission.errors';
import type {
  AdmissionApplicationListArgs,
  AdmissionDocumentInput,
  AdmissionStepInput,
  CreateAdmissionApplicationInput,
  UpdateAdmissionApplicationInput,
  VerifyAdmissionDocumentInput,
} from './admission.inputs';
import { admissionApplicationById, admissionCallById } from './admission.loaders';
import { admissionFor, convertScore, freePlaces, inScale, isLanguageProficient, meetsMinimum, rankCandidates, type Candidate } from './admission.rules';
import { allowedTransitions, canTransition, EDITABLE, HOLDS_PLACE, OFFERED, type AdmissionActor } from './admission.transitions';
import { ADMISSION_CALL_TYPE, assertWindowOpen, lockCall, announce as announceCall } from './admission-call.service';

export const ADMISSION_TYPE = 'AdmissionApplication';

export const ADMISSION_EVENTS = {
  statusChanged: 'admissionApplication.statusChanged',
};

/** Reasons the evaluation gives for a rejection; a re-run before publication may revisit these (not DOCUMENTS_INCOMPLETE). */
const EVALUATION_REJECTIONS = ['BELOW_MINIMUM', 'LANGUAGE_PROFICIENCY_MISSING'];

const REASON_TEXT: Record<string, string> = {
  BELOW_MINIMUM: 'The exam score is below the minimum the call accepts',
  LANGUAGE_PROFICIENCY_MISSING: 'No proof of proficiency in the language of instruction, and the programme offers no preparation year',
  DOCUMENTS_INCOMPLETE: 'The documents were still incomplete when the call closed',
};

// --- Access ----------------------------------------------------------------------------------------------------------------

/**
 * Row scope of applications (personal data): the office sees all; a coordinator those of calls of their units and the
 * units below; everyone else only their own.
 */
async function scopeFilter(ctx: RequestContext): Promise<FilterQuery<AdmissionApplication> | undefined> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (ctx.viewer.isOffice) return undefined;
  const own: FilterQuery<AdmissionApplication> = { applicantSubject: ctx.viewer.subject! };
  if (!ctx.viewer.has('COORDINATOR')) return own;
  const units = await descendantUnitIds(ctx.em, [...ctx.viewer.units]);
  return { $or: [own, { call: { unit: { $in: units } } }] };
}

export async function canRead(ctx: RequestContext, application: AdmissionApplication): Promise<boolean> {
  if (ctx.viewer.isOffice) return true;
  if (!ctx.viewer.authenticated) return false;
  if (application.applicantSubject === ctx.viewer.subject) return true;
  if (!ctx.viewer.has('COORDINATOR')) return false;
  const call = await ctx.loader(admissionCallById).load(application.call.id);
  return !!call && ctx.viewer.coordinates(await ctx.loader(unitLineage).load(call.unit.id));
}

/** An application by uuid, or null when it does not exist or the viewer may not read it (node(id) reveals nothing). */
export async function getApplication(ctx: RequestContext, id: string): Promise<AdmissionApplication | null> {
  const application = await ctx.loader(admissionApplicationById).load(id);
  return application && (await canRead(ctx, application)) ? application : null;
}

export async function listApplications(ctx: RequestContext, args: AdmissionApplicationListArgs): Promise<ConnectionShape<AdmissionApplication>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const where: FilterQuery<AdmissionApplication>[] = [];
  const scope = await scopeFilter(ctx);
  if (scope) where.push(scope);
  const filter = args.filter;
  if (filter?.callId) where.push({ call: fromGlobalId(filter.callId, ADMISSION_CALL_TYPE, 'filter.callId') });
  if (filter?.statuses?.length) where.push({ status: { $in: filter.statuses } });
  if (filter?.nationality) where.push({ nationality: filter.nationality });
  return findPage(ctx.em, AdmissionApplication, where.length ? { $and: where } : {}, [
    { field: 'number', direction: 'asc' },
    { field: 'id', direction: 'asc' },
  ], page);
}

export function myApplications(ctx: RequestContext): Promise<AdmissionApplication[]> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return ctx.em.find(AdmissionApplication, { applicantSubject: ctx.viewer.subject! }, { orderBy: { createdAt: 'desc', id: 'asc' } });
}

/** Who took a step: the office and coordinators see it; the applicant sees their own steps, the office's as "office". */
export function actorShownTo(ctx: RequestContext, actor: string | undefined): string | null {
  if (!actor) return null;
  if (ctx.viewer.isOffice || ctx.viewer.has('COORDINATOR') || actor === ctx.viewer.subject) return actor;
  return 'office';
}

// --- The applicant's steps --------------------------------------------------------------------------------------------------

export async function createApplication(ctx: RequestContext, input: CreateAdmissionApplicationInput): Promise<AdmissionApplication> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (!ctx.viewer.has('APPLICANT')) throw AdmissionErrors.applicantOnly();
  const callId = fromGlobalId(input.callId, ADMISSION_CALL_TYPE, 'callId');
  checkBirthDate(input.birthDate);
  return ctx.transaction(async (tx) => {
    const call = await tx.em.findOne(AdmissionCall, { id: callId });
    if (!call || call.status === C.DRAFT) throw notFound(ADMISSION_CALL_TYPE, input.callId);
    assertWindowOpen(call);
    const existing = await tx.em.findOne(AdmissionApplication, { call: call.id, applicantSubject: ctx.viewer.subject! }, { fields: ['id'] });
    if (existing) throw AdmissionErrors.duplicateApplication(toGlobalId(ADMISSION_TYPE, existing.id));
    const application = tx.em.create(AdmissionApplication, {
      number: 'pending',
      call,
      applicantSubject: ctx.viewer.subject!,
      givenName: input.givenName.trim(),
      familyName: input.familyName.trim(),
      nationality: input.nationality,
      countryOfResidence: input.countryOfResidence,
      email: input.email.trim(),
      birthDate: input.birthDate,
    } as never);
    await applyScores(tx.em, application, call, input);
    if (input.documents) application.documents = mergeDocuments([], input.documents, call);
    // Numbers run per academic year across calls: locking that year's calls (in one order) makes concurrent applications take turns.
    await tx.em.execute(`select id from admission_call where academic_year = ? order by id for update`, [call.academicYear]);
    await tx.em.execute(`update admission_call set application_count = application_count + 1 where id = ?`, [call.id]);
    const prefix = `${call.academicYear.slice(0, 4)}-INT-`;
    const [{ n }] = await tx.em.execute<{ n: number }[]>(
      `select coalesce(max(cast(substring(number from ?) as int)), 0)::int + 1 as n from admission_application where number like ?`,
      [prefix.length + 1, `${prefix}%`],
    );
    application.number = `${prefix}${String(n).padStart(5, '0')}`;
    recordStep(tx, application, null, S.DRAFT, ctx.viewer.subject, undefined);
    try {
      await tx.em.flush();
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw AdmissionErrors.duplicateApplication(null);
      throw e;
    }
    await announceStep(tx, application, call, null, undefined);
    return application;
  });
}

/** Changes a draft, or an incomplete application being fixed, while the call is open. */
export async function updateApplication(ctx: RequestContext, input: UpdateAdmissionApplicationInput): Promise<AdmissionApplication> {
  return ownStep(ctx, input.id, input.version, async (tx, application, call) => {
    if (!EDITABLE.includes(application.status)) throw AdmissionErrors.notEditable(application.status);
    assertWindowOpen(call);
    if (input.birthDate) checkBirthDate(input.birthDate);
    for (const field of ['givenName', 'familyName', 'email'] as const) {
      if (input[field] !== undefined && input[field] !== null) application[field] = input[field]!.trim();
    }
    for (const field of ['nationality', 'countryOfResidence', 'birthDate'] as const) {
      if (input[field] !== undefined && input[field] !== null) application[field] = input[field]!;
    }
    await applyScores(tx.em, application, call, input);
    if (input.documents) application.documents = mergeDocuments(application.documents, input.documents, call);
    await tx.em.flush();
    return application;
  });
}

/**
 * Submits a draft, or resubmits an incomplete application after fixing it, while the call is open: the exam and every
 * required document must be there. Documents already verified and not changed stay verified.
 */
export async function submitApplication(ctx: RequestContext, globalId: string, version: number): Promise<AdmissionApplication> {
  return ownStep(ctx, globalId, version, async (tx, application, call) => {
    if (!canTransition(application.status, S.SUBMITTED, 'APPLICANT')) {
      throw AdmissionErrors.invalidTransition(application.status, S.SUBMITTED, allowedTransitions(application.status, 'APPLICANT'));
    }
    assertWindowOpen(call);
    if (!application.examCode || application.examScore === undefined || application.examScore === null) throw AdmissionErrors.examRequired();
    // The call's rules are fixed once it has applications, but the exam may have been deactivated or re-scaled since the draft.
    await applyScores(tx.em, application, call, {});
    const given = new Set(application.documents.map((d) => d.code));
    const missing = call.requiredDocuments.filter((code) => !given.has(code));
    if (missing.length) throw AdmissionErrors.documentsMissing(missing);
    const rejected = application.documents.filter((d) => d.status === 'REJECTED').map((d) => d.code);
    if (rejected.length) throw AdmissionErrors.documentsRejected(rejected);
    application.submittedAt = new Date();
    await step(tx, application, call, S.SUBMITTED, 'APPLICANT', ctx.viewer.subject);
    return application;
  });
}

/** The applicant declines an offer or a waitlist place (after the results are published); the place goes to the waitlist. */
export async function declineAdmission(ctx: RequestContext, input: AdmissionStepInput): Promise<AdmissionApplication> {
  return ownStep(ctx, input.id, input.version, async (tx, application, call) => {
    if (!canTransition(application.status, S.DECLINED, 'APPLICANT')) {
      throw AdmissionErrors.invalidTransition(application.status, S.DECLINED, allowedTransitions(application.status, 'APPLICANT'));
    }
    if (call.status !== C.RESULTS_PUBLISHED) throw AdmissionErrors.resultsNotPublished();
    await leave(tx, application, call, S.DECLINED, 'APPLICANT', ctx.viewer.subject, input.reason?.trim() || undefined);
    return application;
  });
}

export async function withdrawApplication(ctx: RequestContext, input: AdmissionStepInput): Promise<AdmissionApplication> {
  return ownStep(ctx, input.id, input.version, async (tx, application, call) => {
    await leave(tx, application, call, S.WITHDRAWN, 'APPLICANT', ctx.viewer.subject, input.reason?.trim() || undefined);
    return application;
  });
}

// --- The office's steps -----------------------------------------------------------------------------------------------------

/**
 * The office checks one required document. REJECTED (with a note) makes a submitted or verified application INCOMPLETE;
 * the last required document VERIFIED makes a submitted one DOCUMENTS_VERIFIED.
 */
export async function verifyDocument(ctx: RequestContext, input: VerifyAdmissionDocumentInput): Promise<AdmissionApplication> {
  assertOffice(ctx);
  const id = fromGlobalId(input.applicationId, ADMISSION_TYPE, 'applicationId');
  const note = input.note?.trim() || undefined;
  if (input.decision === 'REJECTED' && !note) throw AdmissionErrors.noteRequired();
  return ctx.transaction(async (tx) => {
    const application = await lockApplication(tx.em, id, input.applicationId, input.version);
    const call = await tx.em.findOneOrFail(AdmissionCall, { id: application.call.id });
    if (application.status !== S.SUBMITTED && application.status !== S.DOCUMENTS_VERIFIED) throw AdmissionErrors.notUnderVerification(application.status);
    if (!call.requiredDocuments.includes(input.code)) throw AdmissionErrors.documentNotRequired('code', input.code, call.requiredDocuments);
    const row = application.documents.find((d) => d.code === input.code);
    if (!row) throw AdmissionErrors.documentNotGiven(input.code);
    const checked: AdmissionDocumentRow = {
      code: row.code,
      reference: row.reference,
      status: input.decision,
      ...(note ? { note } : {}),
      checkedBy: ctx.viewer.subject!,
      checkedAt: new Date().toISOString(),
    };
    application.documents = application.documents.map((d) => (d.code === input.code ? checked : d));
    if (input.decision === 'REJECTED') {
      await step(tx, application, call, S.INCOMPLETE, 'OFFICE', ctx.viewer.subject, `${input.code}: ${note}`);
    } else if (application.status === S.SUBMITTED && call.requiredDocuments.every((code) => application.documents.some((d) => d.code === code && d.status === 'VERIFIED'))) {
      await step(tx, application, call, S.DOCUMENTS_VERIFIED, 'OFFICE', ctx.viewer.subject);
    } else {
      await tx.em.flush();
    }
    return application;
  });
}

/** The office confirms the enrolment of an admitted applicant, before the enrolment deadline. */
export async function confirmEnrolment(ctx: RequestContext, globalId: string, version: number): Promise<AdmissionApplication> {
  assertOffice(ctx);
  const id = fromGlobalId(globalId, ADMISSION_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const application = await lockApplication(tx.em, id, globalId, version);
    const call = await tx.em.findOneOrFail(AdmissionCall, { id: application.call.id });
    if (!canTransition(application.status, S.ENROLLED, 'OFFICE')) {
      throw AdmissionErrors.invalidTransition(application.status, S.ENROLLED, allowedTransitions(application.status, 'OFFICE'));
    }
    if (call.status !== C.RESULTS_PUBLISHED) throw AdmissionErrors.resultsNotPublished();
    if (new Date() > call.enrolmentDeadline) throw AdmissionErrors.enrolmentDeadlinePassed(call.enrolmentDeadline);
    application.enrolledAt = new Date();
    await step(tx, application, call, S.ENROLLED, 'OFFICE', ctx.viewer.subject);
    return application;
  });
}

/** The office cancels an application (with a reason); a place it held goes to the waitlist. */
export async function cancelApplication(ctx: RequestContext, input: AdmissionStepInput): Promise<AdmissionApplication> {
  assertOffice(ctx);
  const reason = input.reason?.trim();
  if (!reason) throw AdmissionErrors.reasonRequired();
  const id = fromGlobalId(input.id, ADMISSION_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const application = await lockApplication(tx.em, id, input.id, input.version);
    const call = await tx.em.findOneOrFail(AdmissionCall, { id: application.call.id });
    if (application.status === S.REJECTED && call.status === C.RESULTS_PUBLISHED) {
      throw AdmissionErrors.invalidTransition(application.status, S.CANCELLED, []);
    }
    await leave(tx, application, call, S.CANCELLED, 'OFFICE', ctx.viewer.subject, reason);
    return application;
  });
}

// --- Evaluation ----------------------------------------------------------------------------------------------------------------

export interface EvaluationSummary {
  call: AdmissionCall;
  /** Applications whose status changed in this run (0 when re-run on unchanged data). */
  changed: number;
  counts: { status: S; count: number }[];
}

/**
 * Evaluates a closed call: every application with verified documents gets its converted score (with the computation),
 * the ranking decides admission within the quota (conditional admission with a preparation year counting against it),
 * the rest are waitlisted in rank order; scores below the exam's minimum are rejected with the reason. Applications
 * still incomplete are rejected; a submitted one still waiting for verification stops the run. Re-running before the
 * results are published recomputes everything and changes only what changed (nothing, on unchanged data).
 */
export async function evaluateCall(ctx: RequestContext, callGlobalId: string): Promise<EvaluationSummary> {
  assertOffice(ctx);
  const callId = fromGlobalId(callGlobalId, ADMISSION_CALL_TYPE, 'callId');
  return ctx.transaction(async (tx) => {
    const call = await lockCall(tx.em, callId, callGlobalId);
    if (call.status === C.RESULTS_PUBLISHED) throw AdmissionErrors.resultsPublished();
    if (call.status !== C.CLOSED) throw AdmissionErrors.callNotClosed(call.status);
    const applications = await tx.em.find(AdmissionApplication, { call: call.id }, { orderBy: { number: 'asc' }, lockMode: LockMode.PESSIMISTIC_WRITE });
    const pending = applications.filter((a) => a.status === S.SUBMITTED);
    if (pending.length) throw AdmissionErrors.verificationPending(pending.map((a) => a.number));
    let changed = 0;
    for (const a of applications.filter((x) => x.status === S.INCOMPLETE)) {
      a.decisionReason = 'DOCUMENTS_INCOMPLETE';
      await step(tx, a, call, S.REJECTED, 'SYSTEM', ctx.viewer.subject, REASON_TEXT.DOCUMENTS_INCOMPLETE);
      changed++;
    }
    const candidates = applications.filter(
      (a) =>
        a.status === S.DOCUMENTS_VERIFIED ||
        a.status === S.ADMITTED ||
        a.status === S.CONDITIONALLY_ADMITTED ||
        a.status === S.WAITLISTED ||
        (a.status === S.REJECTED && EVALUATION_REJECTIONS.includes(a.decisionReason ?? '')),
    );
    const codes = [...new Set(candidates.flatMap((a) => [a.examCode!, a.languageCertificateCode].filter((c): c is string => !!c)))];
    const exams = new Map((await tx.em.find(AdmissionExam, { code: { $in: codes } })).map((e) => [e.code, e]));
    const certificates = call.languageCertificates.map((c) => ({ ...c, higherIsBetter: exams.get(c.examCode)?.higherIsBetter ?? true }));
    const computed = new Map<string, { computation: ScoreComputationRow; proficient: boolean }>();
    const pool: Candidate[] = candidates.map((a) => {
      const exam = exams.get(a.examCode!)!;
      const minimum = call.acceptedExams.find((e) => e.examCode === a.examCode)!.minimumScore;
      const conversion = convertScore(exam, a.examScore!);
      const meets = meetsMinimum(exam, a.examScore!, minimum);
      const proficient = isLanguageProficient(
        certificates,
        a.languageCertificateCode ? { code: a.languageCertificateCode, score: a.languageCertificateScore! } : null,
      );
      computed.set(a.id, {
        proficient,
        computation: {
          examCode: exam.code,
          rawScore: a.examScore!,
          scaleMin: exam.scaleMin,
          scaleMax: exam.scaleMax,
          higherIsBetter: exam.higherIsBetter,
          method: conversion.method,
          exactScore: conversion.exact,
          convertedScore: conversion.converted,
          minimumScore: minimum,
          meetsMinimum: meets,
        },
      });
      return {
        id: a.id,
        number: a.number,
        converted: conversion.converted,
        exact: conversion.exact,
        submittedAt: a.submittedAt!,
        meetsMinimum: meets,
        languageProficient: proficient,
      };
    });
    const byId = new Map(candidates.map((a) => [a.id, a]));
    for (const outcome of rankCandidates(pool, call)) {
      const a = byId.get(outcome.id)!;
      const { computation, proficient } = computed.get(a.id)!;
      a.convertedScore = computation.convertedScore;
      if (!sameComputation(a.scoreComputation, computation)) a.scoreComputation = computation;
      a.languageProficient = proficient;
      a.rank = outcome.rank ?? undefined;
      a.waitlistRank = outcome.waitlistRank ?? undefined;
      a.decisionReason = outcome.reason ?? undefined;
      const to = outcome.status as S;
      if (a.status !== to) {
        await step(tx, a, call, to, 'SYSTEM', ctx.viewer.subject, outcome.reason ? REASON_TEXT[outcome.reason] : undefined);
        changed++;
      }
    }
    if (!call.evaluatedAt || changed > 0) call.evaluatedAt = new Date();
    await tx.em.flush();
    if (changed > 0) announceCall(tx, call, { evaluated: true, changed });
    return { call, changed, counts: countByStatus(applications) };
  });
}

/** CLOSED (and evaluated) → RESULTS_PUBLISHED: outcomes are final; the applicants decline or enrol from now on. */
export async function publishResults(ctx: RequestContext, globalId: string, version: number): Promise<AdmissionCall> {
  assertOffice(ctx);
  const id = fromGlobalId(globalId, ADMISSION_CALL_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const call = await lockCall(tx.em, id, globalId, version);
    if (call.status !== C.CLOSED) throw AdmissionErrors.invalidCallTransition(call.status, C.RESULTS_PUBLISHED);
    if (!call.evaluatedAt) throw AdmissionErrors.notEvaluated();
    const unchecked = await tx.em.count(AdmissionApplication, { call: call.id, status: { $in: [S.SUBMITTED, S.DOCUMENTS_VERIFIED, S.INCOMPLETE] } });
    if (unchecked > 0) throw AdmissionErrors.notEvaluated();
    call.status = C.RESULTS_PUBLISHED;
    call.resultsPublishedAt = new Date();
    await tx.em.flush();
    announceCall(tx, call, { from: C.CLOSED, to: C.RESULTS_PUBLISHED });
    // Places freed between the evaluation and publication go to the waitlist now.
    await refillFromWaitlist(tx, call, ctx.viewer.subject);
    return call;
  });
}

export interface ResultEntry {
  number: string;
  status: S;
  convertedScore: number | null;
  rank: number | null;
  waitlistRank: number | null;
}

/** The anonymised results of a call once published: numbers, outcomes, scores and ranks, no names. Public. */
export async function publishedResults(ctx: RequestContext, callGlobalId: string): Promise<ResultEntry[]> {
  const callId = fromGlobalId(callGlobalId, ADMISSION_CALL_TYPE, 'callId');
  const call = await ctx.loader(admissionCallById).load(callId);
  if (!call || call.status !== C.RESULTS_PUBLISHED) throw AdmissionErrors.resultsNotPublished();
  const rows = await ctx.em.find(
    AdmissionApplication,
    { call: call.id, $or: [{ rank: { $ne: null } }, { decisionReason: { $ne: null } }] },
    { orderBy: { rank: 'asc', number: 'asc' } },
  );
  return rows.map((a) => ({ number: a.number, status: a.status, convertedScore: a.convertedScore ?? null, rank: a.rank ?? null, waitlistRank: a.waitlistRank ?? null }));
}

/**
 * Gives free places (quota minus admitted, conditionally admitted and enrolled) to the waitlist in its order, while
 * the enrolment deadline has not passed. Runs after every departure of an admitted applicant.
 */
export async function refillFromWaitlist(tx: Transaction, call: AdmissionCall, who: string | null | undefined, now = new Date()): Promise<number> {
  if (!call.evaluatedAt || now > call.enrolmentDeadline) return 0;
  const held = await tx.em.count(AdmissionApplication, { call: call.id, status: { $in: [...HOLDS_PLACE] } });
  let free = freePlaces(call.quota, held);
  if (free === 0) return 0;
  const waitlist = await tx.em.find(
    AdmissionApplication,
    { call: call.id, status: S.WAITLISTED },
    { orderBy: { waitlistRank: 'asc', number: 'asc' }, limit: free, lockMode: LockMode.PESSIMISTIC_WRITE },
  );
  let promoted = 0;
  for (const next of waitlist) {
    if (free-- <= 0) break;
    const position = next.waitlistRank;
    const to = admissionFor(next.languageProficient !== false, call.preparationYear) as S;
    next.waitlistRank = undefined;
    await step(tx, next, call, to, 'SYSTEM', who, `Moved up from the waitlist (position ${position}) to a freed place`);
    promoted++;
  }
  return promoted;
}

/**
 * The enrolment-deadline job: admitted applicants who did not enrol by the deadline are DECLINED with the reason, in
 * one transaction per call. Waitlisted applicants stay as they are: a later deadline set by the office gives the places
 * freed meanwhile to them (see updateAdmissionCall).
 */
export async function lapseUnenrolledAdmissions(em: EntityManager, now = new Date()): Promise<number> {
  const calls = await em.fork().find(AdmissionCall, { status: C.RESULTS_PUBLISHED, enrolmentDeadline: { $lt: now } }, { fields: ['id'] });
  let lapsed = 0;
  for (const { id } of calls) {
    lapsed += await em.fork().transactional(async (txEm) => {
      const tx: Transaction = { em: txEm as EntityManager, emit: (event) => recordEvent(txEm as EntityManager, event) };
      const call = await tx.em.findOneOrFail(AdmissionCall, { id });
      const offered = await tx.em.find(AdmissionApplication, { call: id, status: { $in: [...OFFERED] } }, { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { number: 'asc' } });
      for (const a of offered) {
        await step(tx, a, call, S.DECLINED, 'SYSTEM', 'system', `Not enrolled by the enrolment deadline (${call.enrolmentDeadline.toISOString()})`);
      }
      return offered.length;
    });
  }
  return lapsed;
}

// --- Statistics -----------------------------------------------------------------------------------------------------------------

export interface AdmissionStatisticsView {
  total: number;
  byStatus: { status: S; count: number }[];
  byCountry: { country: string; count: number }[];
  byCall: { callId: string; count: number }[];
}

/** Applications counted (drafts left out) for the office, or for a coordinator over the calls of their units. */
export async function statistics(ctx: RequestContext, args: { academicYear?: string | null; callId?: string | null }): Promise<AdmissionStatisticsView> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (!ctx.viewer.isOffice && !ctx.viewer.has('COORDINATOR')) throw forbidden('Admission statistics are for the office and coordinators');
  if (args.academicYear && !/^\d{4}\/\d{4}$/.test(args.academicYear)) throw invalidInput('academicYear', 'academic years are written 2025/2026');
  const clauses = [`a.status <> 'DRAFT'`];
  const params: unknown[] = [];
  if (!ctx.viewer.isOffice) {
    clauses.push(`c.unit_id = any(?::uuid[])`);
    params.push(sqlArray(await descendantUnitIds(ctx.em, [...ctx.viewer.units])));
  }
  if (args.academicYear) {
    clauses.push(`c.academic_year = ?`);
    params.push(args.academicYear);
  }
  if (args.callId) {
    clauses.push(`c.id = ?`);
    params.push(fromGlobalId(args.callId, ADMISSION_CALL_TYPE, 'callId'));
  }
  const rows = await ctx.em.execute<{ call_id: string; nationality: string; status: S; n: number }[]>(
    `select a.call_id::text as call_id, a.nationality, a.status, count(*)::int as n
       from admission_application a join admission_call c on c.id = a.call_id
      where ${clauses.join(' and ')}
      group by 1, 2, 3`,
    params,
  );
  const sum = <K extends string>(key: (r: (typeof rows)[number]) => K) => {
    const map = new Map<K, number>();
    for (const r of rows) map.set(key(r), (map.get(key(r)) ?? 0) + r.n);
    return [...map.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  };
  return {
    total: rows.reduce((t, r) => t + r.n, 0),
    byStatus: sum((r) => r.status).map(([status, count]) => ({ status, count })),
    byCountry: sum((r) => r.nationality).map(([country, count]) => ({ country, count })),
    byCall: sum((r) => r.call_id).map(([callId, count]) => ({ callId, count })),
  };
}

// --- Shared steps -----------------------------------------------------------------------------------------------------------------

/**
 * Moves an application one step: checks the step is allowed for `actor`, records it in the history, and announces it
 * through the outbox (scoped to the lineage of the call's unit, and to the applicant) in the same transaction.
 */
export async function step(
  tx: Transaction,
  application: AdmissionApplication,
  call: AdmissionCall,
  to: S,
  actor: AdmissionActor,
  who: string | null | undefined,
  reason?: string,
): Promise<void> {
  const from = application.status;
  if (!canTransition(from, to, actor)) throw AdmissionErrors.invalidTransition(from, to, allowedTransitions(from, actor));
  application.status = to;
  recordStep(tx, application, from, to, who, reason);
  await tx.em.flush();
  await announceStep(tx, application, call, from, reason);
}

/** Leaving (declined, withdrawn, cancelled): a place held goes to the next on the waitlist. */
async function leave(tx: Transaction, application: AdmissionApplication, call: AdmissionCall, to: S, actor: AdmissionActor, who: string | null | undefined, reason?: string) {
  const heldPlace = OFFERED.includes(application.status);
  await step(tx, application, call, to, actor, who, reason);
  if (heldPlace) await refillFromWaitlist(tx, call, who);
}

function recordStep(tx: Transaction, application: AdmissionApplication, from: S | null, to: S, who: string | null | undefined, reason: string | undefined): void {
  tx.em.create(AdmissionStatusChange, { application, from: from ?? undefined, to, actor: who ?? undefined, reason, at: stepTime() } as never);
}

let lastStep = 0;
/** Strictly increasing step times in this process, so that the history orders steps taken within one millisecond. */
function stepTime(): Date {
  lastStep = Math.max(Date.now(), lastStep + 1);
  return new Date(lastStep);
}

async function announceStep(tx: Transaction, application: AdmissionApplication, call: AdmissionCall, from: S | null, reason: string | undefined): Promise<void> {
  const [lineage] = await fetchLineages(tx.em, [call.unit.id]);
  tx.emit({
    type: ADMISSION_EVENTS.statusChanged,
    aggregateType: ADMISSION_TYPE,
    aggregateId: application.id,
    aggregateVersion: application.version,
    scopeUnitIds: lineage,
    payload: {
      applicantSubject: application.applicantSubject,
      callId: call.id,
      number: application.number,
      from,
      to: application.status,
      ...(reason ? { reason } : {}),
    },
  });
}

/** Runs an applicant's own step on a locked, version-checked application. Someone else's is NOT_FOUND (it reveals nothing). */
async function ownStep<T>(
  ctx: RequestContext,
  globalId: string,
  version: number,
  fn: (tx: Transaction, application: AdmissionApplication, call: AdmissionCall) => Promise<T>,
): Promise<T> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const id = fromGlobalId(globalId, ADMISSION_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const application = await tx.em.findOne(AdmissionApplication, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!application || application.applicantSubject !== ctx.viewer.subject) {
      if (application && (await canRead(ctx, application))) throw forbidden('Only the applicant takes this step');
      throw notFound(ADMISSION_TYPE, globalId);
    }
    if (application.version !== version) throw versionConflict(ADMISSION_TYPE, version, application.version);
    const call = await tx.em.findOneOrFail(AdmissionCall, { id: application.call.id });
    return fn(tx, application, call);
  });
}

async function lockApplication(em: EntityManager, id: string, globalId: string, version: number): Promise<AdmissionApplication> {
  const application = await em.findOne(AdmissionApplication, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!application) throw notFound(ADMISSION_TYPE, globalId);
  if (application.version !== version) throw versionConflict(ADMISSION_TYPE, version, application.version);
  return application;
}

/**
 * Writes and checks the exam and language certificate: the exam must be one the call accepts and the score within the
 * exam's scale; a certificate must be one the call lists, its score within its scale. Fields left out are checked as
 * they stand (so a resubmission sees the current exam table).
 */
async function applyScores(
  em: EntityManager,
  application: AdmissionApplication,
  call: AdmissionCall,
  input: {
    examCode?: string | null;
    examScore?: number | null;
    languageCertificate?: { code: string; score: number } | null;
  },
): Promise<void> {
  if (input.examCode !== undefined) application.examCode = input.examCode ?? undefined;
  if (input.examScore !== undefined) application.examScore = input.examScore ?? undefined;
  if (input.languageCertificate !== undefined) {
    application.languageCertificateCode = input.languageCertificate?.code;
    application.languageCertificateScore = input.languageCertificate?.score;
  }
  const hasCode = !!application.examCode;
  const hasScore = application.examScore !== undefined && application.examScore !== null;
  if (hasCode !== hasScore) throw AdmissionErrors.scoreWithoutExam(hasCode ? 'examScore' : 'examCode');
  const codes = [application.examCode, application.languageCertificateCode].filter((c): c is string => !!c);
  const exams = new Map((codes.length ? await em.find(AdmissionExam, { code: { $in: codes } }) : []).map((e) => [e.code, e]));
  if (hasCode) {
    const accepted = call.acceptedExams.map((e) => e.examCode);
    const exam = exams.get(application.examCode!);
    if (!accepted.includes(application.examCode!) || !exam) throw AdmissionErrors.examNotAccepted('examCode', application.examCode!, accepted);
    if (!inScale(exam, application.examScore!)) throw AdmissionErrors.scoreOutOfScale('examScore', exam.code, exam.scaleMin, exam.scaleMax);
  }
  if (application.languageCertificateCode) {
    const accepted = call.languageCertificates.map((e) => e.examCode);
    const exam = exams.get(application.languageCertificateCode);
    if (!accepted.includes(application.languageCertificateCode) || !exam) throw AdmissionErrors.certificateNotAccepted(application.languageCertificateCode, accepted);
    if (!inScale(exam, application.languageCertificateScore!)) {
      throw AdmissionErrors.scoreOutOfScale('languageCertificate.score', exam.code, exam.scaleMin, exam.scaleMax);
    }
  }
}

/** The applicant's documents: codes the call asks for, once each; one given again unchanged keeps its check (a rejected one must be replaced). */
function mergeDocuments(current: AdmissionDocumentRow[], given: AdmissionDocumentInput[], call: AdmissionCall): AdmissionDocumentRow[] {
  return given.map((d, i) => {
    if (!call.requiredDocuments.includes(d.code)) throw AdmissionErrors.documentNotRequired(`documents[${i}].code`, d.code, call.requiredDocuments);
    if (given.findIndex((o) => o.code === d.code) !== i) throw AdmissionErrors.duplicateDocument(`documents[${i}].code`, d.code);
    const reference = d.reference.trim();
    const kept = current.find((c) => c.code === d.code && c.reference === reference);
    return kept ?? { code: d.code, reference, status: 'PENDING' as const };
  });
}

function checkBirthDate(day: string): void {
  if (day >= today() || day < '1900-01-01') throw invalidInput('birthDate', 'birthDate must be a past date after 1900', 'INVALID_BIRTH_DATE');
}

function countByStatus(applications: AdmissionApplication[]): { status: S; count: number }[] {
  const map = new Map<S, number>();
  for (const a of applications) map.set(a.status, (map.get(a.status) ?? 0) + 1);
  return [...map.entries()].map(([status, count]) => ({ status, count })).sort((a, b) => (a.status < b.status ? -1 : 1));
}

function sameComputation(a: ScoreComputationRow | undefined | null, b: ScoreComputationRow): boolean {
  return !!a && (Object.keys(b) as (keyof ScoreComputationRow)[]).every((k) => a[k] === b[k]) && Object.keys(a).length === Object.keys(b).length;
}
