/**
 * Tracking of a mobility after the host accepted it: planned dates, the confirmed arrival (ACCEPTED → LIVE) and
 * departure (LIVE → COMPLETED, the host's certificate of attendance), the duration check, the return documents and
 * their overdue reminders. Every status change goes through `step()`, so the status events continue.
 */
import DataLoader from 'dataloader';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { findPage } from '../../platform/db/pagination';
import { sqlArray } from '../../platform/db/sql-array';
import { invalidInput, notFound, unauthenticated, versionConflict } from '../../platform/errors/domain-error';
import { recordEvent, type DeliveredEvent } from '../../platform/events/outbox';
import { defineLoader, type RequestContext, type Transaction } from '../../platform/graphql/context';
import { fromGlobalId, pageRequest, toGlobalId, type ConnectionArgs, type ConnectionShape } from '../../platform/graphql/relay';
import { MobilityType } from '../agreements/agreement.entity';
import { fetchLineages, unitLineage } from '../institutions/institution.loaders';
import { ApplicationStatus as S, MobilityApplication } from './application.entity';
import { announceUpdate, APPLICATION_TYPE, canRead, step } from './application.service';
import { allowedTransitions, canTransition, sqlStates } from './application.transitions';
import { MobilityCall } from './call.entity';
import { GrantBasis, GrantRateTable, MobilityGrant } from './grant.entity';
import { erasmusDuration, type GrantRates } from './grant.rules';
import { MobilityErrors } from './mobility.errors';
import { ReturnDocument, ReturnDocumentKind as K } from './return-document.entity';
import { TrackingErrors } from './tracking.errors';
import type { ConfirmArrivalInput, ConfirmDepartureInput, RecordReturnDocumentInput, SetMobilityDatesInput } from './tracking.inputs';
import { addDays, DAY_MS, daysInclusive, isDay, today } from './calendar-day';

export const TRACKING_EVENTS = {
  /** An overdue return document was reminded (payload applicantSubject, number, kind, dueOn). */
  reminder: 'mobilityApplication.reminder',
};

// --- Calendar days ---------------------------------------------------------------------------------------------------

/** A YYYY-MM-DD string that is a real calendar date (no 2027-02-30), or INVALID_DATE naming the field. */
export function parseDay(value: string, field: string): string {
  const v = (value ?? '').trim();
  if (isDay(v)) return v;
  throw TrackingErrors.invalidDate(field, value);
}

// --- Return documents ---------------------------------------------------------------------------------------------------

/**
 * The documents a mobility hands in, by mobility type, and when each falls due relative to the PLANNED last day.
 * From the Erasmus+ grant agreement between the institution and the participant (Annex I and its general conditions)
 * and the learning agreement's commitments: the host's certificate of attendance confirming the dates at departure;
 * the EU participant report (online survey) and the OLS language assessment within 30 days of the end; the
 * transcript of records (studies) or the traineeship certificate within 5 weeks of the end. Staff (STA, STT) hand in
 * the certificate of attendance and the participant report. The one place these lists and offsets live.
 */
export const RETURN_DOCUMENTS: Record<MobilityType, { kind: K; daysAfterEnd: number }[]> = {
  SMS: [
    { kind: K.CERTIFICATE_OF_ATTENDANCE, daysAfterEnd: 0 },
    { kind: K.PARTICIPANT_REPORT, daysAfterEnd: 30 },
    { kind: K.LANGUAGE_ASSESSMENT, daysAfterEnd: 30 },
    { kind: K.TRANSCRIPT_OF_RECORDS, daysAfterEnd: 35 },
  ],
  SMT: [
    { kind: K.CERTIFICATE_OF_ATTENDANCE, daysAfterEnd: 0 },
    { kind: K.PARTICIPANT_REPORT, daysAfterEnd: 30 },
    { kind: K.LANGUAGE_ASSESSMENT, daysAfterEnd: 30 },
    { kind: K.TRAINEESHIP_CERTIFICATE, daysAfterEnd: 35 },
  ],
  STA: [
    { kind: K.CERTIFICATE_OF_ATTENDANCE, daysAfterEnd: 0 },
    { kind: K.PARTICIPANT_REPORT, daysAfterEnd: 30 },
  ],
  STT: [
    { kind: K.CERTIFICATE_OF_ATTENDANCE, daysAfterEnd: 0 },
    { kind: K.PARTICIPANT_REPORT, daysAfterEnd: 30 },
  ],
};

/** What a student records themself (the office records the rest). */
export const STUDENT_RECORDED: readonly K[] = [K.PARTICIPANT_REPORT, K.LANGUAGE_ASSESSMENT];

/** Reminded again at most this often. */
export const REMINDER_INTERVAL_DAYS = 7;

export function dueOn(mobilityType: MobilityType, kind: K, plannedEnd: string): string | undefined {
  const rule = RETURN_DOCUMENTS[mobilityType]?.find((r) => r.kind === kind);
  return rule ? addDays(plannedEnd, rule.daysAfterEnd) : undefined;
}

export function isOverdue(document: ReturnDocument, now = new Date()): boolean {
  return !document.receivedAt && !!document.dueOn && document.dueOn < today(now);
}

// --- Access ----------------------------------------------------------------------------------------------------------------

/** The office, or a coordinator of the application's unit (or a unit above it). */
export async function isOfficeOrUnitCoordinator(ctx: RequestContext, application: MobilityApplication): Promise<boolean> {
  if (ctx.viewer.isOffice) return true;
  if (!ctx.viewer.has('COORDINATOR')) return false;
  return ctx.viewer.coordinates(await ctx.loader(unitLineage).load(application.unit.id));
}

/**
 * The application locked for a change, version-checked when a version is given. One the viewer may not read is
 * NOT_FOUND (it reveals nothing).
 */
export async function lockReadable(tx: Transaction, ctx: RequestContext, globalId: string, version?: number | null): Promise<MobilityApplication> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const id = fromGlobalId(globalId, APPLICATION_TYPE, 'applicationId');
  const application = await tx.em.findOne(MobilityApplication, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!application || !(await canRead(ctx, application))) throw notFound(APPLICATION_TYPE, globalId);
  if (version !== undefined && version !== null && application.version !== version) throw versionConflict(APPLICATION_TYPE, version, application.version);
  return application;
}

// --- Dates -----------------------------------------------------------------------------------------------------------------

/** Where the office or a coordinator may (re)plan the dates; the student proposes theirs while nominated or accepted. */
const PLANNABLE_BY_STAFF: readonly S[] = [S.SELECTED, S.NOMINATED, S.ACCEPTED, S.LIVE];
const PLANNABLE_BY_STUDENT: readonly S[] = [S.NOMINATED, S.ACCEPTED];

export async function setMobilityDates(ctx: RequestContext, input: SetMobilityDatesInput): Promise<MobilityApplication> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const start = parseDay(input.plannedStart, 'plannedStart');
  const end = parseDay(input.plannedEnd, 'plannedEnd');
  if (start > end) throw TrackingErrors.startAfterEnd('plannedEnd', start, end);
  return ctx.transaction(async (tx) => {
    const application = await lockReadable(tx, ctx, input.applicationId, input.version);
    const staff = await isOfficeOrUnitCoordinator(ctx, application);
    const own = application.applicantSubject === ctx.viewer.subject;
    if (!staff && !own) throw TrackingErrors.onlyOffice('Planning the dates');
    const allowed = staff ? PLANNABLE_BY_STAFF : PLANNABLE_BY_STUDENT;
    if (!allowed.includes(application.status)) throw TrackingErrors.datesLocked(application.status, [...allowed]);
    application.plannedStart = start;
    application.plannedEnd = end;
    // Documents already required (a live mobility extended or shortened) fall due relative to the new end.
    const call = await tx.em.findOneOrFail(MobilityCall, { id: application.call.id });
    const documents = await tx.em.find(ReturnDocument, { application: application.id, receivedAt: null });
    for (const d of documents) d.dueOn = dueOn(call.mobilityType, d.kind, end) ?? d.dueOn;
    application.updatedAt = new Date();
    await tx.em.flush();
    await announceUpdate(tx, application);
    return application;
  });
}

/** The host confirmed the arrival: ACCEPTED → LIVE, and the return documents of the mobility type become due. */
export async function confirmArrival(ctx: RequestContext, input: ConfirmArrivalInput): Promise<MobilityApplication> {
  assertOffice(ctx, 'Confirming an arrival is the office’s work');
  const actualStart = parseDay(input.actualStart, 'actualStart');
  return ctx.transaction(async (tx) => {
    const application = await lockReadable(tx, ctx, input.applicationId, input.version);
    if (!canTransition(application.status, S.LIVE, 'OFFICE')) {
      throw MobilityErrors.invalidTransition(application.status, S.LIVE, allowedTransitions(application.status, 'OFFICE'));
    }
    if (!application.plannedStart || !application.plannedEnd) throw TrackingErrors.plannedDatesRequired();
    if (actualStart > application.plannedEnd) throw TrackingErrors.startAfterEnd('actualStart', actualStart, application.plannedEnd);
    application.actualStart = actualStart;
    const call = await tx.em.findOneOrFail(MobilityCall, { id: application.call.id });
    const existing = new Set((await tx.em.find(ReturnDocument, { application: application.id })).map((d) => d.kind));
    for (const rule of RETURN_DOCUMENTS[call.mobilityType] ?? []) {
      if (existing.has(rule.kind)) continue;
      tx.em.create(ReturnDocument, { application, kind: rule.kind, dueOn: addDays(application.plannedEnd, rule.daysAfterEnd) } as never);
    }
    await step(tx, application, S.LIVE, 'OFFICE', ctx.viewer.subject, `Arrival confirmed by the host: ${actualStart}`);
    return application;
  });
}

/**
 * The host's certificate of attendance: the actual last day, the certificate received, LIVE → COMPLETED.
 */
export async function confirmDeparture(ctx: RequestContext, input: ConfirmDepartureInput): Promise<MobilityApplication> {
  assertOffice(ctx, 'Confirming a departure is the office’s work');
  const actualEnd = parseDay(input.actualEnd, 'actualEnd');
  const reference = input.certificateReference.trim();
  if (!reference) throw invalidInput('certificateReference', 'Give the reference of the certificate of attendance', 'REFERENCE_REQUIRED');
  return ctx.transaction(async (tx) => {
    const application = await lockReadable(tx, ctx, input.applicationId, input.version);
    if (!canTransition(application.status, S.COMPLETED, 'OFFICE')) {
      throw MobilityErrors.invalidTransition(application.status, S.COMPLETED, allowedTransitions(application.status, 'OFFICE'));
    }
    if (!application.actualStart) throw TrackingErrors.noArrival();
    if (application.actualStart > actualEnd) throw TrackingErrors.startAfterEnd('actualEnd', application.actualStart, actualEnd);
    const now = new Date();
    application.actualEnd = actualEnd;
    application.attendanceConfirmedAt = now;
    application.attendanceConfirmedBy = ctx.viewer.subject ?? undefined;
    const certificate = await tx.em.findOne(ReturnDocument, { application: application.id, kind: K.CERTIFICATE_OF_ATTENDANCE });
    if (certificate) {
      certificate.receivedAt = now;
      certificate.reference = reference;
    } else {
      tx.em.create(ReturnDocument, { application, kind: K.CERTIFICATE_OF_ATTENDANCE, dueOn: application.plannedEnd, receivedAt: now, reference } as never);
    }
    await step(tx, application, S.COMPLETED, 'OFFICE', ctx.viewer.subject, `Certificate of attendance ${reference}: ${application.actualStart} to ${actualEnd}`);
    return application;
  });
}

// --- Return documents ------------------------------------------------------------------------------------------------------

export async function recordReturnDocument(ctx: RequestContext, input: RecordReturnDocumentInput): Promise<ReturnDocument> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const reference = input.reference?.trim() || undefined;
  return ctx.transaction(async (tx) => {
    const application = await lockReadable(tx, ctx, input.applicationId);
    const own = application.applicantSubject === ctx.viewer.subject;
    if (!ctx.viewer.isOffice && !(own && STUDENT_RECORDED.includes(input.kind))) throw TrackingErrors.notOwnDocument(input.kind);
    const document = await tx.em.findOne(ReturnDocument, { application: application.id, kind: input.kind });
    if (!document) throw TrackingErrors.documentNotRequired(input.kind);
    document.receivedAt = new Date();
    if (reference) document.reference = reference;
    await tx.em.flush();
    return document;
  });
}

export async function overdueReturnDocuments(ctx: RequestContext, args: ConnectionArgs): Promise<ConnectionShape<ReturnDocument>> {
  assertOffice(ctx, 'The overdue documents list is the office’s');
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  return findPage(ctx.em, ReturnDocument, { receivedAt: null, dueOn: { $lt: today() }, application: { status: { $nin: [S.CANCELLED, S.WITHDRAWN] } } }, [
    { field: 'dueOn', direction: 'asc' },
    { field: 'id', direction: 'asc' },
  ], page);
}

/** Mobilities whose documents are chased (not those cancelled or withdrawn). */
const CHASED: readonly S[] = [S.LIVE, S.COMPLETED, S.RECOGNISED];

/**
 * The reminder job's work: every overdue document not received and not reminded in the last REMINDER_INTERVAL_DAYS
 * gets `lastRemindedAt` and one outbox event, scoped to the application's unit lineage (like its status events) and
 * naming its applicant. One transaction; rows another runner is reminding are skipped. Returns how many went out.
 */
export async function remindOverdueReturnDocuments(em: EntityManager, now = new Date()): Promise<number> {
  return em.transactional(async (txEm) => {
    const tx = txEm as EntityManager;
    const cutoff = new Date(now.getTime() - REMINDER_INTERVAL_DAYS * DAY_MS);
    const rows = await tx.execute<{ id: string; kind: string; due_on: string; application_id: string; number: string; applicant_subject: string; unit_id: string; version: number }[]>(
      `select d.id::text as id, d.kind, to_char(d.due_on, 'YYYY-MM-DD') as due_on, a.id::text as application_id, a.number,
              a.applicant_subject, a.unit_id::text as unit_id, a.version
         from mobility_return_document d
         join mobility_application a on a.id = d.application_id
        where d.received_at is null
          and d.due_on < ?::date
          and (d.last_reminded_at is null or d.last_reminded_at <= ?)
          and a.status in (${sqlStates(CHASED)})
        order by d.due_on, d.id
        for update of d skip locked`,
      [today(now), cutoff.toISOString()],
    );
    if (rows.length === 0) return 0;
    await tx.execute(`update mobility_return_document set last_reminded_at = ? where id = any(?::uuid[])`, [now.toISOString(), sqlArray(rows.map((r) => r.id))]);
    const units = [...new Set(rows.map((r) => r.unit_id))];
    const lineages = new Map((await fetchLineages(tx, units)).map((l, i) => [units[i], l]));
    for (const r of rows) {
      recordEvent(tx, {
        type: TRACKING_EVENTS.reminder,
        aggregateType: APPLICATION_TYPE,
        aggregateId: r.application_id,
        aggregateVersion: r.version,
        scopeUnitIds: lineages.get(r.unit_id) ?? [],
        payload: { applicantSubject: r.applicant_subject, number: r.number, kind: r.kind, dueOn: r.due_on },
      });
    }
    return rows.length;
  });
}

export interface ReminderView {
  applicationId: string;
  number: string;
  kind: K;
  dueOn: string;
  at: Date;
}

/** Reminders as they go out: the office hears all, coordinators their units', a student their own. */
export function followReminders(ctx: RequestContext): AsyncIterableIterator<DeliveredEvent> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const office = ctx.viewer.isOffice;
  const subject = ctx.viewer.subject;
  return ctx.follow(
    (event) =>
      event.type === TRACKING_EVENTS.reminder && (office || event.payload.applicantSubject === subject || ctx.viewer.coordinates(event.scopeUnitIds)),
  );
}

export function reminderView(event: DeliveredEvent): ReminderView {
  const p = event.payload;
  return {
    applicationId: toGlobalId(APPLICATION_TYPE, event.aggregateId),
    number: p.number as string,
    kind: p.kind as K,
    dueOn: p.dueOn as string,
    at: event.occurredAt,
  };
}

// --- Duration check -----------------------------------------------------------------------------------------------------

/**
 * The shortest mobility of each type when the call's rate table does not say (Erasmus+ Programme Guide 2024: long
 * student mobility 2 months, short physical student mobility 5 days, staff 2 days).
 */
export const DEFAULT_MINIMUM_DAYS: Record<MobilityType, { short: number; long: number | null }> = {
  SMS: { short: 5, long: 60 },
  SMT: { short: 5, long: 60 },
  STA: { short: 2, long: null },
  STT: { short: 2, long: null },
};
export const DEFAULT_LONG_MOBILITY_MIN_DAYS = 60;

export interface DurationCheckView {
  basis: GrantBasis;
  plannedDays: number | null;
  actualDays: number | null;
  /** Of the basis. */
  days: number;
  longMobility: boolean;
  minimumDays: number;
  minimumFromRateTable: boolean;
  belowMinimum: boolean;
  grantMonths: number | null;
  grantDays: number | null;
  differsFromGrant: boolean;
}

/**
 * The duration against the minimum of the mobility type and the computed grant. The actual dates decide once both are
 * confirmed, the planned ones before. A student mobility is long when its planned duration (else its duration) reaches
 * the rate table's `longMobilityMinDays`; the minimum is then the type's long minimum, else its short one. The grant
 * differs when its months and days (daily-rate grants: days) are not those of the dates the check uses, counted by the
 * grants area's `erasmusDuration` (the Erasmus+ duration calculator).
 */
export function durationCheckOf(
  application: Pick<MobilityApplication, 'plannedStart' | 'plannedEnd' | 'actualStart' | 'actualEnd'>,
  mobilityType: MobilityType,
  rates: GrantRates | null,
  grant: Pick<MobilityGrant, 'months' | 'days'> | null,
): DurationCheckView | null {
  const planned = application.plannedStart && application.plannedEnd ? daysInclusive(application.plannedStart, application.plannedEnd) : null;
  const actual = application.actualStart && application.actualEnd ? daysInclusive(application.actualStart, application.actualEnd) : null;
  const basis = actual !== null ? GrantBasis.ACTUAL : GrantBasis.PLANNED;
  const days = actual ?? planned;
  if (days === null) return null;
  const [start, end] = basis === GrantBasis.ACTUAL ? [application.actualStart!, application.actualEnd!] : [application.plannedStart!, application.plannedEnd!];
  const fromTable = rates?.minimumDays?.find((m) => m.mobilityType === mobilityType);
  const minimum = fromTable ? { short: fromTable.short, long: fromTable.long ?? null } : DEFAULT_MINIMUM_DAYS[mobilityType];
  const longFrom = rates?.longMobilityMinDays ?? DEFAULT_LONG_MOBILITY_MIN_DAYS;
  const longMobility = minimum.long !== null && (planned ?? days) >= longFrom;
  const minimumDays = longMobility ? minimum.long! : minimum.short;
  let differsFromGrant = false;
  if (grant) {
    if (grant.months > 0) {
      const d = erasmusDuration(start, end);
      differsFromGrant = d.months !== grant.months || d.days !== grant.days;
    } else {
      differsFromGrant = grant.days !== days;
    }
  }
  return {
    basis,
    plannedDays: planned,
    actualDays: actual,
    days,
    longMobility,
    minimumDays,
    minimumFromRateTable: !!fromTable,
    belowMinimum: days < minimumDays,
    grantMonths: grant ? grant.months : null,
    grantDays: grant ? grant.days : null,
    differsFromGrant,
  };
}

// --- Loaders (one statement per batch) ---------------------------------------------------------------------------------------

export const returnDocumentsByApplication = defineLoader('trkReturnDocumentsByApplication', (ctx) =>
  new DataLoader<string, ReturnDocument[]>(async (ids) => {
    const rows = await ctx.em.find(ReturnDocument, { application: { $in: [...ids] } }, { orderBy: { dueOn: 'asc', kind: 'asc' } });
    const map = new Map<string, ReturnDocument[]>();
    for (const r of rows) map.set(r.application.id, [...(map.get(r.application.id) ?? []), r]);
    return ids.map((id) => map.get(id) ?? []);
  }),
);

/** A programme's rate table for a year, keyed `programmeId|academicYear`. */
export const rateTableByKey = defineLoader('trkRateTableByKey', (ctx) =>
  new DataLoader<string, GrantRateTable | null>(async (keys) => {
    const parsed = keys.map((k) => k.split('|') as [string, string]);
    const rows = await ctx.em.find(GrantRateTable, { $or: parsed.map(([programme, academicYear]) => ({ programme, academicYear })) });
    const map = new Map(rows.map((r) => [`${r.programme.id}|${r.academicYear}`, r]));
    return keys.map((k) => map.get(k) ?? null);
  }),
);
