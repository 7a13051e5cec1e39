import { LockMode, UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { findPage } from '../../platform/db/pagination';
import { forbidden, notFound, unauthenticated, versionConflict } from '../../platform/errors/domain-error';
import { assertOffice } from '../../platform/auth/office';
import type { RequestContext, Transaction } from '../../platform/graphql/context';
import { fromGlobalId, pageRequest, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { descendantUnitIds } from '../agreements/agreement.service';
import { requireHomeInstitution } from '../institutions/institution.service';
import { fetchLineages, unitLineage } from '../institutions/institution.loaders';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { UNIT_TYPE } from '../institutions/organisational-unit.service';
import {
  ApplicationPreference,
  ApplicationStatus as S,
  ApplicationStatusChange,
  EQF_OF_LEVEL,
  MobilityApplication,
  type StudyLevel,
} from './application.entity';
import { allowedTransitions, canTransition, HOLDS_PLACE, type TransitionActor } from './application.transitions';
import { CallPlace, MobilityCall } from './call.entity';
import { assertWindowOpen, CALL_TYPE, PLACE_TYPE } from './call.service';
import { MobilityErrors } from './mobility.errors';
import type {
  ChangeApplicationStatusInput,
  CreateMobilityApplicationInput,
  LeaveApplicationInput,
  MobilityApplicationListArgs,
  UpdateMobilityApplicationInput,
} from './mobility.inputs';
import { applicationById } from './mobility.loaders';
import { MobilityCategory, MobilityProgramme } from './programme.entity';
import { findRuleSet } from './programme.service';
import { promoteReserves } from './selection.service';

export const APPLICATION_TYPE = 'MobilityApplication';

export const APPLICATION_EVENTS = {
  statusChanged: 'mobilityApplication.statusChanged',
  updated: 'mobilityApplication.updated',
};

/** Office steps that must say why (they reverse a decision or end an application). */
const REASON_REQUIRED: readonly S[] = [S.CANCELLED, S.INELIGIBLE, S.ELIGIBLE, S.RESERVE, S.REJECTED, S.WITHDRAWN];

// --- Access --------------------------------------------------------------------------------------------------------------

/**
 * Row scope of applications (personal data): the office sees all; a coordinator those of their units and the units
 * below; everyone else only their own.
 */
async function scopeFilter(ctx: RequestContext): Promise<FilterQuery<MobilityApplication> | undefined> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  if (ctx.viewer.isOffice) return undefined;
  const own: FilterQuery<MobilityApplication> = { applicantSubject: ctx.viewer.subject! };
  if (!ctx.viewer.has('COORDINATOR')) return own;
  const units = await descendantUnitIds(ctx.em, [...ctx.viewer.units]);
  return { $or: [own, { unit: { $in: units } }] };
}

export async function canRead(ctx: RequestContext, application: MobilityApplication): Promise<boolean> {
  if (ctx.viewer.isOffice) return true;
  if (!ctx.viewer.authenticated) return false;
  if (application.applicantSubject === ctx.viewer.subject) return true;
  if (!ctx.viewer.has('COORDINATOR')) return false;
  return ctx.viewer.coordinates(await ctx.loader(unitLineage).load(application.unit.id));
}

/** An application by uuid, or null when it does not exist or the viewer may not read it (node(id) reveals nothing). */
export async function getApplication(ctx: RequestContext, id: string): Promise<MobilityApplication | null> {
  const application = await ctx.loader(applicationById).load(id);
  return application && (await canRead(ctx, application)) ? application : null;
}

export async function listApplications(ctx: RequestContext, args: MobilityApplicationListArgs): Promise<ConnectionShape<MobilityApplication>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const where: FilterQuery<MobilityApplication>[] = [];
  const scope = await scopeFilter(ctx);
  if (scope) where.push(scope);
  const filter = args.filter;
  if (filter?.callId) where.push({ call: fromGlobalId(filter.callId, CALL_TYPE, 'filter.callId') });
  if (filter?.statuses?.length) where.push({ status: { $in: filter.statuses } });
  if (filter?.unitId) {
    where.push({ unit: { $in: await descendantUnitIds(ctx.em, [fromGlobalId(filter.unitId, UNIT_TYPE, 'filter.unitId')]) } });
  }
  return findPage(ctx.em, MobilityApplication, where.length ? { $and: where } : {}, [
    { field: 'number', direction: 'asc' },
    { field: 'id', direction: 'asc' },
  ], page);
}

export function myApplications(ctx: RequestContext): Promise<MobilityApplication[]> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return ctx.em.find(MobilityApplication, { applicantSubject: ctx.viewer.subject! }, { orderBy: { createdAt: 'desc', id: 'asc' } });
}

/** The office note is the office's own. */
export function officeNoteOf(ctx: RequestContext, application: MobilityApplication): string | null {
  return ctx.viewer.isOffice ? (application.officeNote ?? null) : null;
}

/** Who took a step: the office and coordinators see it; the applicant sees their own steps and the office's as "office". */
export function actorShownTo(ctx: RequestContext, actor: string | undefined): string | null {
  if (!actor) return null;
  if (ctx.viewer.isOffice || ctx.viewer.has('COORDINATOR') || actor === ctx.viewer.subject) return actor;
  return 'office';
}

// --- The applicant's steps ----------------------------------------------------------------------------------------------

export async function createApplication(ctx: RequestContext, input: CreateMobilityApplicationInput): Promise<MobilityApplication> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const callId = fromGlobalId(input.callId, CALL_TYPE, 'callId');
  const unitId = fromGlobalId(input.unitId, UNIT_TYPE, 'unitId');
  return ctx.transaction(async (tx) => {
    const call = await tx.em.findOne(MobilityCall, { id: callId });
    if (!call || (call.status === 'DRAFT' && !ctx.viewer.isOffice)) throw notFound(CALL_TYPE, input.callId);
    assertWindowOpen(call);
    const programme = await tx.em.findOneOrFail(MobilityProgramme, { id: call.programme.id });
    if (!programme.enabled) throw MobilityErrors.programmeDisabled(programme.code);
    const existing = await tx.em.findOne(MobilityApplication, { call: call.id, applicantSubject: ctx.viewer.subject! }, { fields: ['id'] });
    if (existing) throw MobilityErrors.duplicateApplication(toGlobalId(APPLICATION_TYPE, existing.id));
    const unit = await homeUnit(tx.em, unitId, 'unitId');
    // Numbers are unique and run per year, programme and mobility type, so a second call of the same kind continues
    // the sequence of the first. Locking those calls' rows (in one order) makes concurrent applications take turns.
    await tx.em.execute(`select id from mobility_call where programme_id = ? and mobility_type = ? and academic_year = ? order by id for update`, [
      programme.id,
      call.mobilityType,
      call.academicYear,
    ]);
    await tx.em.execute(`update mobility_call set application_count = application_count + 1 where id = ?`, [call.id]);
    const prefix = `${call.academicYear.slice(0, 4)}-${shortCode(programme.code)}-${call.mobilityType}`;
    const [{ n }] = await tx.em.execute<{ n: number }[]>(
      `select coalesce(max(cast(substring(number from ?) as int)), 0)::int + 1 as n from mobility_application where number like ?`,
      [prefix.length + 2, `${prefix}-%`],
    );
    const application = tx.em.create(MobilityApplication, {
      number: `${prefix}-${String(n).padStart(4, '0')}`,
      call,
      applicantSubject: ctx.viewer.subject!,
      unit,
    } as never);
    await applyFields(tx, application, call, programme, input);
    recordStep(tx, application, null, S.DRAFT, ctx.viewer.subject, undefined);
    try {
      await tx.em.flush();
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw MobilityErrors.duplicateApplication(null);
      throw e;
    }
    await announceStep(tx, application, null, undefined);
    return application;
  });
}

/** Changes a draft while the call is open; a submitted application is no longer edited. */
export async function updateApplication(ctx: RequestContext, input: UpdateMobilityApplicationInput): Promise<MobilityApplication> {
  return ownStep(ctx, input.id, input.version, async (tx, application, call) => {
    if (application.status !== S.DRAFT) throw MobilityErrors.notEditable(application.status);
    assertWindowOpen(call);
    if (input.unitId) application.unit = (await homeUnit(tx.em, fromGlobalId(input.unitId, UNIT_TYPE, 'unitId'), 'unitId')) as never;
    const programme = await tx.em.findOneOrFail(MobilityProgramme, { id: call.programme.id });
    await applyFields(tx, application, call, programme, input);
    if (!input.preferences && (input.unitId || input.studyLevel !== undefined || input.fieldOfStudy !== undefined)) {
      // A new unit, study level or field may no longer fit the places chosen before: the kept preferences are checked again.
      const kept = await tx.em.find(ApplicationPreference, { application: application.id }, { orderBy: { rank: 'asc' } });
      await setPreferences(tx, application, call, kept.map((p) => toGlobalId(PLACE_TYPE, p.place.id)));
    }
    // Preferences are rows of their own: touching the application makes every update a new version, so that a
    // concurrent update sent with the same version is refused even when it changes only the preferences.
    application.updatedAt = new Date();
    await tx.em.flush();
    await announceUpdate(tx, application);
    return application;
  });
}

export async function submitApplication(ctx: RequestContext, globalId: string, version: number): Promise<MobilityApplication> {
  return ownStep(ctx, globalId, version, async (tx, application, call) => {
    assertWindowOpen(call);
    if (call.category === MobilityCategory.STUDENT) {
      if (!application.studyLevel) throw MobilityErrors.studentFieldsRequired('studyLevel');
      if (application.gpa === undefined || application.gpa === null) throw MobilityErrors.studentFieldsRequired('gpa');
    }
    const preferences = await tx.em.count(ApplicationPreference, { application: application.id });
    if (preferences === 0) throw MobilityErrors.studentFieldsRequired('preferences');
    application.submittedAt = new Date();
    await step(tx, application, S.SUBMITTED, 'APPLICANT', ctx.viewer.subject);
    return application;
  });
}

/** Waiver (feragat): a selected or reserve applicant gives up before the deadline, without penalty. */
export async function waiveApplication(ctx: RequestContext, input: LeaveApplicationInput): Promise<MobilityApplication> {
  return ownStep(ctx, input.id, input.version, async (tx, application, call) => {
    if (!canTransition(application.status, S.WAIVED, 'APPLICANT')) {
      throw MobilityErrors.invalidTransition(application.status, S.WAIVED, allowedTransitions(application.status, 'APPLICANT'));
    }
    if (call.waiverDeadline && new Date() > call.waiverDeadline) throw MobilityErrors.waiverDeadlinePassed(call.waiverDeadline);
    await leave(tx, ctx, application, call, S.WAIVED, 'APPLICANT', input.reason, false);
    return application;
  });
}

/** Withdrawal: after selection and outside the waiver period it counts against later applications. */
export async function withdrawApplication(ctx: RequestContext, input: LeaveApplicationInput): Promise<MobilityApplication> {
  return ownStep(ctx, input.id, input.version, async (tx, application, call) => {
    await leave(tx, ctx, application, call, S.WITHDRAWN, 'APPLICANT', input.reason, false);
    return application;
  });
}

// --- The office's steps ----------------------------------------------------------------------------------------------------

export async function changeApplicationStatus(ctx: RequestContext, input: ChangeApplicationStatusInput): Promise<MobilityApplication> {
  assertOffice(ctx);
  const id = fromGlobalId(input.id, APPLICATION_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const application = await lockApplication(tx.em, id, input.id, input.version);
    const call = await tx.em.findOneOrFail(MobilityCall, { id: application.call.id });
    const to = input.to;
    if (!canTransition(application.status, to, 'OFFICE')) {
      throw MobilityErrors.invalidTransition(application.status, to, allowedTransitions(application.status, 'OFFICE'));
    }
    const reason = input.reason?.trim() || undefined;
    if (REASON_REQUIRED.includes(to) && !reason) throw MobilityErrors.reasonRequired();
    if (to === S.WITHDRAWN || to === S.CANCELLED || to === S.REJECTED) {
      await leave(tx, ctx, application, call, to, 'OFFICE', reason, input.forceMajeure ?? false);
      return application;
    }
    if (to === S.ELIGIBLE) application.eligibilityIssues = [];
    if (to === S.INELIGIBLE) application.eligibilityIssues = [{ code: 'OFFICE_DECISION', message: reason! }];
    if (to === S.RESERVE) {
      // After an appeal: to the end of the reserve list.
      const [{ last }] = await tx.em.execute<{ last: number | null }[]>(
        `select max(reserve_rank)::int as last from mobility_application where call_id = ?`,
        [call.id],
      );
      application.reserveRank = (last ?? 0) + 1;
    }
    await step(tx, application, to, 'OFFICE', ctx.viewer.subject, reason);
    return application;
  });
}

export async function setOfficeNote(ctx: RequestContext, globalId: string, version: number, note: string | null): Promise<MobilityApplication> {
  assertOffice(ctx);
  const id = fromGlobalId(globalId, APPLICATION_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const application = await lockApplication(tx.em, id, globalId, version);
    application.officeNote = note?.trim() || undefined;
    await tx.em.flush();
    return application;
  });
}

// --- Shared steps ---------------------------------------------------------------------------------------------------------

/**
 * Moves an application one step: checks the step is allowed for `actor`, records it in the history, and announces it
 * through the outbox (scoped to the application's unit and its applicant) in the same transaction.
 */
export async function step(tx: Transaction, application: MobilityApplication, to: S, actor: TransitionActor, who: string | null, reason?: string): Promise<void> {
  const from = application.status;
  if (!canTransition(from, to, actor)) throw MobilityErrors.invalidTransition(from, to, allowedTransitions(from, actor));
  application.status = to;
  recordStep(tx, application, from, to, who, reason);
  await tx.em.flush();
  await announceStep(tx, application, from, reason);
}

/** Leaving (waiver, withdrawal, cancellation, host rejection): frees a held place for the next reserve. */
async function leave(
  tx: Transaction,
  ctx: RequestContext,
  application: MobilityApplication,
  call: MobilityCall,
  to: S,
  actor: TransitionActor,
  reason: string | undefined,
  forceMajeure: boolean,
): Promise<void> {
  const heldPlace = HOLDS_PLACE.includes(application.status);
  const outsideWaiver = !call.waiverDeadline || new Date() > call.waiverDeadline;
  if (to === S.WITHDRAWN && heldPlace && outsideWaiver && !forceMajeure) application.penalisedWithdrawal = true;
  await step(tx, application, to, actor, ctx.viewer.subject, reason);
  if (heldPlace && call.placementRunAt) await promoteReserves(tx, call, ctx.viewer.subject);
}

function recordStep(tx: Transaction, application: MobilityApplication, from: S | null, to: S, who: string | null | undefined, reason: string | undefined): void {
  tx.em.create(ApplicationStatusChange, { application, from: from ?? undefined, to, actor: who ?? undefined, reason, at: stepTime() } as never);
}

let lastStep = 0;
/**
 * Strictly increasing step times in this process: evaluation takes two steps (ELIGIBLE, SCORED) within one millisecond,
 * and the history is ordered by time. One application's steps are serialised by its row lock, so this suffices.
 */
function stepTime(): Date {
  lastStep = Math.max(Date.now(), lastStep + 1);
  return new Date(lastStep);
}

/** The application's unit and the units above it: who coordinates it, and whose events these are. */
async function lineageOf(tx: Transaction, application: MobilityApplication): Promise<string[]> {
  const [lineage] = await fetchLineages(tx.em, [application.unit.id]);
  return lineage;
}

/**
 * `mobilityApplication.updated`: the application (or its learning agreement, grant, dates…) changed, scoped like its
 * status events (its unit's lineage, its applicant). `changed` says what, never the personal data itself.
 */
export async function announceUpdate(tx: Transaction, application: MobilityApplication, changed: Record<string, unknown> = {}): Promise<void> {
  tx.emit({
    type: APPLICATION_EVENTS.updated,
    aggregateType: APPLICATION_TYPE,
    aggregateId: application.id,
    aggregateVersion: application.version,
    scopeUnitIds: await lineageOf(tx, application),
    payload: { applicantSubject: application.applicantSubject, callId: application.call.id, number: application.number, ...changed },
  });
}

async function announceStep(tx: Transaction, application: MobilityApplication, from: S | null, reason: string | undefined): Promise<void> {
  const lineage = await lineageOf(tx, application);
  tx.emit({
    type: APPLICATION_EVENTS.statusChanged,
    aggregateType: APPLICATION_TYPE,
    aggregateId: application.id,
    aggregateVersion: application.version,
    scopeUnitIds: lineage,
    payload: {
      applicantSubject: application.applicantSubject,
      callId: application.call.id,
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
  fn: (tx: Transaction, application: MobilityApplication, call: MobilityCall) => Promise<T>,
): Promise<T> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const id = fromGlobalId(globalId, APPLICATION_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const application = await tx.em.findOne(MobilityApplication, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!application || application.applicantSubject !== ctx.viewer.subject) {
      if (application && (await canRead(ctx, application))) throw forbidden('Only the applicant takes this step');
      throw notFound(APPLICATION_TYPE, globalId);
    }
    if (application.version !== version) throw versionConflict(APPLICATION_TYPE, version, application.version);
    const call = await tx.em.findOneOrFail(MobilityCall, { id: application.call.id });
    return fn(tx, application, call);
  });
}

/** Locked: a concurrent change waits here and then sees the new version, instead of overwriting it. */
async function lockApplication(em: EntityManager, id: string, globalId: string, version: number): Promise<MobilityApplication> {
  const application = await em.findOne(MobilityApplication, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!application) throw notFound(APPLICATION_TYPE, globalId);
  if (application.version !== version) throw versionConflict(APPLICATION_TYPE, version, application.version);
  return application;
}

async function homeUnit(em: EntityManager, unitId: string, field: string): Promise<OrganisationalUnit> {
  const home = await requireHomeInstitution(em);
  const unit = await em.findOne(OrganisationalUnit, { id: unitId, institution: home.id });
  if (!unit) throw MobilityErrors.unitNotHome(field);
  return unit;
}

/** Writes the applicant's fields and preferences, checking the preferences fit the call and the applicant. */
async function applyFields(
  tx: Transaction,
  application: MobilityApplication,
  call: MobilityCall,
  programme: MobilityProgramme,
  input: CreateMobilityApplicationInput | UpdateMobilityApplicationInput,
): Promise<void> {
  const scalar = ['studyLevel', 'yearOfStudy', 'fieldOfStudy', 'gpa', 'languageExam', 'languageScore', 'plannedMonths', 'plannedDays'] as const;
  for (const field of scalar) {
    if (input[field] !== undefined) (application as unknown as Record<string, unknown>)[field] = input[field] ?? undefined;
  }
  if (input.citizenships) application.citizenships = [...new Set(input.citizenships)];
  if (input.acceptsZeroGrant !== undefined && input.acceptsZeroGrant !== null) application.acceptsZeroGrant = input.acceptsZeroGrant;
  if (call.category === MobilityCategory.STAFF && application.studyLevel) {
    throw MobilityErrors.categoryMismatch(call.mobilityType, 'student');
  }
  if (input.declaredFacts) {
    const ruleSet = await findRuleSet(tx.em, programme.id, call.academicYear, call.category);
    const known = ruleSet?.rules.declarableFacts.map((f) => f.code) ?? [];
    input.declaredFacts.forEach((fact, i) => {
      if (!known.includes(fact.code)) throw MobilityErrors.unknownFact(`declaredFacts[${i}].code`, fact.code, known);
    });
    application.declaredFacts = input.declaredFacts.map((f) => ({ code: f.code, evidence: f.evidence.map((e) => e.trim()) }));
  }
  if (input.documents) application.documents = input.documents.map((d) => ({ code: d.code, reference: d.reference.trim() }));
  if (input.preferences) await setPreferences(tx, application, call, input.preferences);
}

async function setPreferences(tx: Transaction, application: MobilityApplication, call: MobilityCall, globalIds: string[]): Promise<void> {
  if (globalIds.length > call.maxPreferences) throw MobilityErrors.tooManyPreferences(call.maxPreferences);
  const ids = globalIds.map((g, i) => fromGlobalId(g, PLACE_TYPE, `preferences[${i}]`));
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) throw MobilityErrors.duplicatePreference(`preferences[${i}]`);
  });
  const places = await tx.em.find(CallPlace, { id: { $in: ids } });
  const byId = new Map(places.map((p) => [p.id, p]));
  const lineage = ids.length ? await lineageOf(tx, application) : [];
  ids.forEach((id, i) => {
    const place = byId.get(id);
    const field = `preferences[${i}]`;
    if (!place || place.call.id !== call.id) throw MobilityErrors.placeNotInCall(field);
    if (place.sendingUnit && !lineage.includes(place.sendingUnit.id)) throw MobilityErrors.placeNotForApplicant(field, 'it belongs to another faculty or department');
    if (application.studyLevel && place.eqfLevels.length && !place.eqfLevels.includes(EQF_OF_LEVEL[application.studyLevel as StudyLevel])) {
      throw MobilityErrors.placeNotForApplicant(field, `it is for EQF levels ${place.eqfLevels.join(', ')}`);
    }
    const study = application.fieldOfStudy;
    if (study && place.iscedCodes.length && !place.iscedCodes.some((code) => code.startsWith(study) || study.startsWith(code))) {
      throw MobilityErrors.placeNotForApplicant(field, `it is for ISCED fields ${place.iscedCodes.join(', ')}`);
    }
  });
  if (application.id) await tx.em.nativeDelete(ApplicationPreference, { application: application.id });
  ids.forEach((id, i) => tx.em.create(ApplicationPreference, { application, rank: i + 1, place: id } as never));
}

function shortCode(code: string): string {
  return code.replace('ERASMUS_', '').replace('BILATERAL', 'BIL').replace('MEVLANA', 'MEV').replace('FARABI', 'FAR');
}
