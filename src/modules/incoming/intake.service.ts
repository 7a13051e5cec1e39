/**
 * The nominee's application (on the hub, after claiming the nomination), the host's decision (office or the host unit's
 * coordinators), withdrawal and cancellation, the acceptance letter, the office's note, and the lists.
 */
import type { FilterQuery } from '@mikro-orm/core';
import { assertOffice } from '../../platform/auth/office';
import { findPage } from '../../platform/db/pagination';
import { unauthenticated } from '../../platform/errors/domain-error';
import type { RequestContext, Transaction } from '../../platform/graphql/context';
import { fromGlobalId, pageRequest, type ConnectionShape } from '../../platform/graphql/relay';
import type { MobilityType } from '../agreements/agreement.entity';
import { descendantUnitIds } from '../agreements/agreement.service';
import { institutionById, unitById } from '../institutions/institution.loaders';
import { requireHomeInstitution } from '../institutions/institution.service';
import { UNIT_TYPE } from '../institutions/organisational-unit.service';
import type { ApplicationDocumentRow } from '../mobility/application.entity';
import { HomeCourse } from '../mobility/course.entity';
import { HOME_COURSE_TYPE } from '../mobility/course.service';
import { hostToday, isDay } from '../mobility/calendar-day';
import {
  AcademicTerm,
  CourseChoiceStatus,
  IncomingCourse,
  IncomingDeadline,
  IncomingMobility,
  IncomingStatus as S,
} from './incoming-mobility.entity';
import { announceIncoming, INCOMING_TYPE, incomingScope, incomingStep, isHost, withIncoming } from './incoming-mobility.service';
import { IncomingErrors } from './incoming.errors';
import { allowedSteps } from './incoming.transitions';
import { IntakeErrors } from './intake.errors';
import { deadlineFor, isStaffType } from './nomination-matching.rules';

// --- Reading ---------------------------------------------------------------------------------------------------------

export interface IncomingListFilter {
  academicYear?: string | null;
  statuses?: S[] | null;
  hostUnitId?: string | null;
  sendingInstitutionId?: string | null;
  mobilityTypes?: MobilityType[] | null;
  flaggedOnly?: boolean | null;
}

export async function listIncoming(ctx: RequestContext, filter: IncomingListFilter | undefined | null, args: { first?: number; after?: string }): Promise<ConnectionShape<IncomingMobility>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const where: FilterQuery<IncomingMobility>[] = [];
  const scope = await incomingScope(ctx);
  if (scope) where.push(scope);
  if (filter?.academicYear) where.push({ academicYear: filter.academicYear });
  if (filter?.statuses?.length) where.push({ status: { $in: filter.statuses } });
  if (filter?.mobilityTypes?.length) where.push({ mobilityType: { $in: filter.mobilityTypes } });
  if (filter?.hostUnitId) {
    where.push({ hostUnit: { $in: await descendantUnitIds(ctx.em, [fromGlobalId(filter.hostUnitId, UNIT_TYPE, 'filter.hostUnitId')]) } });
  }
  if (filter?.sendingInstitutionId) where.push({ sendingInstitution: fromGlobalId(filter.sendingInstitutionId, 'Institution', 'filter.sendingInstitutionId') });
  // Flagged: issues the office has not acknowledged yet (what still needs a look).
  // (jsonb compared with '[]': a plain filter, usable for the page and its count alike.)
  if (filter?.flaggedOnly) where.push({ nominationIssues: { $ne: [] }, issuesAcknowledgedAt: null } as unknown as FilterQuery<IncomingMobility>);
  return findPage(ctx.em, IncomingMobility, where.length ? { $and: where } : {}, [
    { field: 'number', direction: 'asc' },
    { field: 'id', direction: 'asc' },
  ], page);
}

export function myIncoming(ctx: RequestContext): Promise<IncomingMobility[]> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return ctx.em.find(IncomingMobility, { nomineeSubject: ctx.viewer.subject! }, { orderBy: { createdAt: 'desc', id: 'asc' } });
}

/** The steps the viewer may take now (as nominee, as host, or both). */
export async function viewerSteps(ctx: RequestContext, mobility: IncomingMobility): Promise<S[]> {
  const steps = new Set<S>();
  if (mobility.nomineeSubject && mobility.nomineeSubject === ctx.viewer.subject) allowedSteps(mobility.status, 'NOMINEE', false).forEach((s) => steps.add(s));
  if (await isHost(ctx, mobility)) {
    allowedSteps(mobility.status, 'HOST', ctx.viewer.isOffice)
      // Students are accepted on their application, not from the nomination.
      .filter((s) => !(s === S.ACCEPTED && mobility.status === S.NOMINATED && !isStaffType(mobility.mobilityType)))
      .forEach((s) => steps.add(s));
  }
  return [...steps];
}

export function officeNoteOf(ctx: RequestContext, mobility: IncomingMobility): string | null {
  return ctx.viewer.isOffice ? (mobility.officeNote ?? null) : null;
}

// --- The nominee's application -----------------------------------------------------------------------------------------

export interface ApplicationChanges {
  id: string;
  version: number;
  givenNames?: string | null;
  familyName?: string | null;
  birthDate?: string | null;
  citizenships?: string[] | null;
  documents?: ApplicationDocumentRow[] | null;
  courseIds?: string[] | null;
  accommodationRequested?: boolean | null;
  accommodationNote?: string | null;
  plannedArrival?: string | null;
  plannedDeparture?: string | null;
  arrivalNote?: string | null;
}

const EDITABLE: readonly S[] = [S.NOMINATED, S.INFO_REQUESTED];

/** The nominee completes or corrects the application while nominated, or when the host asked for more information. */
export async function updateIncomingApplication(ctx: RequestContext, input: ApplicationChanges): Promise<IncomingMobility> {
  return withIncoming(ctx, input.id, input.version, 'NOMINEE', async (tx, mobility) => {
    if (!EDITABLE.includes(mobility.status)) throw IntakeErrors.notEditable(mobility.status);
    if (input.givenNames != null) mobility.givenNames = input.givenNames.trim();
    if (input.familyName != null) mobility.familyName = input.familyName.trim();
    if (input.birthDate !== undefined) mobility.birthDate = input.birthDate ?? undefined;
    if (input.citizenships != null) mobility.citizenships = [...new Set(input.citizenships)];
    if (input.documents != null) mobility.documents = input.documents.map((d) => ({ code: d.code, reference: d.reference.trim() }));
    if (input.accommodationRequested != null) mobility.accommodationRequested = input.accommodationRequested;
    if (input.accommodationNote !== undefined) mobility.accommodationNote = input.accommodationNote?.trim() || undefined;
    if (input.plannedArrival !== undefined) mobility.plannedArrival = input.plannedArrival ?? undefined;
    if (input.plannedDeparture !== undefined) mobility.plannedDeparture = input.plannedDeparture ?? undefined;
    if (input.arrivalNote !== undefined) mobility.arrivalNote = input.arrivalNote?.trim() || undefined;
    for (const field of ['birthDate', 'plannedArrival', 'plannedDeparture'] as const) {
      const day = mobility[field];
      if (day && !isDay(day)) throw IntakeErrors.invalidDates(field, `${field} is not a date (YYYY-MM-DD)`);
    }
    if (mobility.plannedArrival && mobility.plannedDeparture && mobility.plannedDeparture < mobility.plannedArrival) {
      throw IntakeErrors.invalidDates('plannedDeparture', 'The planned departure is before the planned arrival');
    }
    if (input.courseIds != null) await chooseCourses(tx, mobility, input.courseIds);
    // Course choices are rows of their own: touching the mobility makes every update a new version.
    mobility.updatedAt = new Date();
    await tx.em.flush();
    await announceIncoming(tx, mobility, { changed: 'application' });
    return mobility;
  });
}

/** Replaces the chosen courses with active courses of our catalogue (IncomingCourse rows, CHOSEN). */
async function chooseCourses(tx: Transaction, mobility: IncomingMobility, globalIds: string[]): Promise<void> {
  const ids = globalIds.map((g, i) => fromGlobalId(g, HOME_COURSE_TYPE, `courseIds[${i}]`));
  ids.forEach((id, i) => {
    if (ids.indexOf(id) !== i) throw IntakeErrors.duplicateCourse(`courseIds[${i}]`);
  });
  const courses = ids.length ? await tx.em.find(HomeCourse, { id: { $in: ids }, active: true }) : [];
  const offered = new Set(courses.map((c) => c.id));
  ids.forEach((id, i) => {
    if (!offered.has(id)) throw IntakeErrors.courseNotOffered(`courseIds[${i}]`);
  });
  const existing = await tx.em.find(IncomingCourse, { mobility: mobility.id });
  for (const row of existing) if (!ids.includes(row.course.id)) tx.em.remove(row);
  const kept = new Set(existing.map((r) => r.course.id));
  for (const id of ids) if (!kept.has(id)) tx.em.create(IncomingCourse, { mobility, course: id, status: CourseChoiceStatus.CHOSEN } as never);
}

/**
 * Submits the application (→ APPLIED). The first submission is due by the factsheet's application deadline; an answer
 * to the host's request for information is taken after it (the host asked for it).
 */
export async function submitIncomingApplication(ctx: RequestContext, globalId: string, version: number): Promise<IncomingMobility> {
  return withIncoming(ctx, globalId, version, 'NOMINEE', async (tx, mobility) => {
    if (!EDITABLE.includes(mobility.status)) throw IntakeErrors.notEditable(mobility.status);
    if (mobility.status === S.NOMINATED) {
      const deadline = deadlineFor(await tx.em.find(IncomingDeadline, { academicYear: mobility.academicYear }), mobility.term);
      if (deadline && hostToday() > deadline.applicationDeadline) throw IntakeErrors.applicationDeadlinePassed(deadline.applicationDeadline);
    }
    if (!mobility.plannedArrival) throw IntakeErrors.applicationIncomplete('plannedArrival', 'Give the planned arrival date');
    if (!mobility.plannedDeparture) throw IntakeErrors.applicationIncomplete('plannedDeparture', 'Give the planned departure date');
    if (mobility.mobilityType === 'SMS' && (await tx.em.count(IncomingCourse, { mobility: mobility.id })) === 0) {
      throw IntakeErrors.applicationIncomplete('courseIds', 'Choose the courses you plan to take');
    }
    mobility.submittedAt = new Date();
    await incomingStep(tx, ctx, mobility, S.APPLIED, 'NOMINEE');
    return mobility;
  });
}

// --- The host's decision ---------------------------------------------------------------------------------------------

export type Decision = 'ACCEPT' | 'REJECT' | 'REQUEST_INFO';

/**
 * ACCEPT, REJECT (why) or REQUEST_INFO (what is needed), by the office or the host unit's coordinators. A nomination
 * with issues is accepted only after the office acknowledged them; students are accepted on their application, staff
 * visits also straight from the nomination.
 */
export async function decideIncoming(ctx: RequestContext, input: { id: string; version: number; decision: Decision; note?: string | null }): Promise<IncomingMobility> {
  const note = input.note?.trim() || undefined;
  if (input.decision !== 'ACCEPT' && !note) throw IntakeErrors.noteRequired(input.decision);
  return withIncoming(ctx, input.id, input.version, 'HOST', async (tx, mobility) => {
    if (input.decision === 'REQUEST_INFO') {
      mobility.decisionNote = note;
      await incomingStep(tx, ctx, mobility, S.INFO_REQUESTED, 'HOST', note);
      return mobility;
    }
    if (input.decision === 'ACCEPT') {
      if (mobility.status === S.NOMINATED && !isStaffType(mobility.mobilityType)) throw IntakeErrors.studentMustApply();
      if (mobility.nominationIssues.length && !mobility.issuesAcknowledgedAt) throw IntakeErrors.issuesNotAcknowledged(mobility.nominationIssues.map((i) => i.code));
    }
    mobility.decisionNote = note;
    mobility.decidedAt = new Date();
    mobility.decidedBy = ctx.viewer.subject!;
    await incomingStep(tx, ctx, mobility, input.decision === 'ACCEPT' ? S.ACCEPTED : S.REJECTED, 'HOST', note);
    return mobility;
  });
}

/** The nominee (or the host, on the partner's word) withdraws; a reason is kept when given, required from the host. */
export async function withdrawIncoming(ctx: RequestContext, globalId: string, version: number, reason: string | null | undefined): Promise<IncomingMobility> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const id = fromGlobalId(globalId, INCOMING_TYPE, 'id');
  const own = await ctx.em.count(IncomingMobility, { id, nomineeSubject: ctx.viewer.subject! });
  const why = reason?.trim() || undefined;
  if (!own && !why) throw IncomingErrors.reasonRequired();
  return withIncoming(ctx, globalId, version, own ? 'NOMINEE' : 'HOST', async (tx, mobility) => {
    await incomingStep(tx, ctx, mobility, S.WITHDRAWN, own ? 'NOMINEE' : 'HOST', why);
    return mobility;
  });
}

export async function cancelIncoming(ctx: RequestContext, globalId: string, version: number, reason: string): Promise<IncomingMobility> {
  assertOffice(ctx, 'Cancelling an incoming mobility is the office’s work');
  const why = reason.trim();
  if (!why) throw IncomingErrors.reasonRequired();
  return withIncoming(ctx, globalId, version, 'HOST', async (tx, mobility) => {
    await incomingStep(tx, ctx, mobility, S.CANCELLED, 'HOST', why);
    return mobility;
  });
}

export async function setIncomingOfficeNote(ctx: RequestContext, globalId: string, version: number, note: string | null | undefined): Promise<IncomingMobility> {
  assertOffice(ctx, 'The office note is the office’s');
  return withIncoming(ctx, globalId, version, 'HOST', async (tx, mobility) => {
    mobility.officeNote = note?.trim() || undefined;
    await tx.em.flush();
    return mobility;
  });
}

// --- Acceptance letter -----------------------------------------------------------------------------------------------

/** States in which the acceptance stands (the letter can be printed again during and after the stay). */
const LETTER_STATES: readonly S[] = [S.ACCEPTED, S.ARRIVED, S.DEPARTED, S.COMPLETED];

export interface AcceptanceLetterView {
  number: string;
  nomineeName: string;
  birthDate: string | null;
  hostInstitution: string;
  hostUnit: string;
  sendingInstitution: string;
  sendingInstitutionErasmusCode: string | null;
  sendingUnitName: string | null;
  mobilityType: MobilityType;
  academicYear: string;
  term: AcademicTerm;
  plannedArrival: string | null;
  plannedDeparture: string | null;
  decidedAt: Date;
  decidedBy: string | null;
}

/** The letter's data for the host side and the nominee once accepted; null for anyone else. */
export async function acceptanceLetter(ctx: RequestContext, mobility: IncomingMobility | null): Promise<AcceptanceLetterView | null> {
  if (!mobility) return null;
  if (!LETTER_STATES.includes(mobility.status)) throw IntakeErrors.notAccepted(mobility.status);
  const [sending, unit, home] = await Promise.all([
    ctx.loader(institutionById).load(mobility.sendingInstitution.id),
    ctx.loader(unitById).load(mobility.hostUnit.id),
    requireHomeInstitution(ctx.em),
  ]);
  const locale = ctx.locale;
  const name = (n: { tr?: string; en?: string }, fallback: string) => n[locale] ?? n.en ?? n.tr ?? fallback;
  return {
    number: mobility.number,
    nomineeName: `${mobility.givenNames} ${mobility.familyName}`,
    birthDate: mobility.birthDate ?? null,
    hostInstitution: name(home.name, home.officialName),
    hostUnit: unit ? name(unit.name, unit.code) : '',
    sendingInstitution: sending ? name(sending.name, sending.officialName) : '',
    sendingInstitutionErasmusCode: sending?.erasmusCode ?? null,
    sendingUnitName: mobility.sendingUnitName ?? null,
    mobilityType: mobility.mobilityType,
    academicYear: mobility.academicYear,
    term: mobility.term,
    plannedArrival: mobility.plannedArrival ?? null,
    plannedDeparture: mobility.plannedDeparture ?? null,
    decidedAt: mobility.decidedAt!,
    // The nominee sees that the office decided; the host side sees who.
    decidedBy: (await isHost(ctx, mobility)) ? (mobility.decidedBy ?? null) : 'International Relations Office',
  };
}
