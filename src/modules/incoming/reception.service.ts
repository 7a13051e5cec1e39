/**
 * Reception of incoming guests: the arrival (ACCEPTED → ARRIVED) with the residence-permit decision, the orientation
 * day, the buddy, the residence permit, course registration, and the daily residence-permit reminders. Every change
 * of a mobility is announced in its transaction: steps through `incomingStep`, other changes through
 * `announceIncoming`.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError, unauthenticated } from '../../platform/errors/domain-error';
import { recordEvent, type DeliveredEvent } from '../../platform/events/outbox';
import { followStatusEvents } from '../../platform/events/status-events';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId, parseGlobalId, toGlobalId } from '../../platform/graphql/relay';
import { pickLocale } from '../../platform/graphql/localised-text';
import { byId } from '../../platform/graphql/entity-loaders';
import { MobilityType } from '../agreements/agreement.entity';
import { ContentItem, ContentType } from '../content/content.entity';
import { contentById } from '../content/content.loaders';
import { fetchLineages } from '../institutions/institution.loaders';
import { addDays, dayNumber, daysInclusive, hostToday, isDay, startOfHostDay } from '../mobility/calendar-day';
import { HomeCourse } from '../mobility/course.entity';
import { HOME_COURSE_TYPE } from '../mobility/course.service';
import { CourseChoiceStatus, IncomingCourse, IncomingMobility, IncomingStatus as S } from './incoming-mobility.entity';
import { announceIncoming, canReadIncoming, incomingStep, INCOMING_TYPE, withIncoming } from './incoming-mobility.service';
import { IncomingErrors } from './incoming.errors';
import { incomingById, incomingCourses } from './incoming.loaders';
import { allowedSteps, canStep } from './incoming.transitions';
import { ReceptionErrors } from './reception.errors';

/** A YYYY-MM-DD string that is a real calendar date, or INVALID_DATE naming the field. */
export function parseDay(value: string, field: string): string {
  const v = (value ?? '').trim();
  if (isDay(v)) return v;
  throw ReceptionErrors.invalidDate(field, value);
}

/** A day that has happened (today at the host at the latest): arrivals, departures and permits are facts. */
export function parsePastDay(value: string, field: string, now = new Date()): string {
  const day = parseDay(value, field);
  const today = hostToday(now);
  if (day > today) throw ReceptionErrors.dateInFuture(field, day, today);
  return day;
}

// --- Shared rules -------------------------------------------------------------------------------------------------------

export const STUDENT_TYPES: readonly MobilityType[] = [MobilityType.SMS, MobilityType.SMT];
export const STAFF_TYPES: readonly MobilityType[] = [MobilityType.STA, MobilityType.STT];

export function assertState(mobility: IncomingMobility, allowed: readonly S[], what: string): void {
  if (!allowed.includes(mobility.status)) throw ReceptionErrors.notInState(what, mobility.status, allowed);
}

/** The step's own check, made before anything else is validated (so a wrong state is reported as such). */
export function assertStep(ctx: RequestContext, mobility: IncomingMobility, to: S): void {
  if (!canStep(mobility.status, to, 'HOST', ctx.viewer.isOffice)) {
    throw IncomingErrors.invalidTransition(mobility.status, to, allowedSteps(mobility.status, 'HOST', ctx.viewer.isOffice));
  }
}

export function assertStudent(mobility: IncomingMobility): void {
  if (!STUDENT_TYPES.includes(mobility.mobilityType)) throw ReceptionErrors.notAStudentMobility(mobility.mobilityType);
}

export function assertStaffVisit(mobility: IncomingMobility): void {
  if (!STAFF_TYPES.includes(mobility.mobilityType)) throw ReceptionErrors.notAStaffVisit(mobility.mobilityType);
}

// --- Residence permit -------------------------------------------------------------------------------------------------

/**
 * Foreigners may stay in Türkiye up to 90 days (visa or visa exemption, Law 6458 on Foreigners and International
 * Protection); a longer stay needs a residence permit (ikamet izni). Fixed by law, not by the office.
 */
export const STAY_DAYS_WITHOUT_PERMIT = 90;

/**
 * Days after the arrival by which the office expects a guest's residence-permit application: the office's standing
 * rule (the e-ikamet appointment system asks for it within the first month), not one that changes by year or term.
 */
export const RESIDENCE_PERMIT_APPLICATION_DAYS = 30;

/** Reminders start this many days before the permit falls due (and go on daily while it is overdue). */
export const RESIDENCE_PERMIT_REMINDER_DAYS = 7;

/**
 * Whether a guest arriving on `arrivedOn` needs a residence permit, and by when: guests without Turkish citizenship
 * whose stay (arrival to planned departure, both days included) is longer than 90 days. Without a planned departure
 * the length is unknown, so the permit is required (the office can never miss one).
 */
export function residencePermitRule(citizenships: readonly string[], arrivedOn: string, plannedDeparture: string | null | undefined): { required: boolean; dueOn: string | null } {
  const turkish = citizenships.some((c) => c.toUpperCase() === 'TR');
  const long = !plannedDeparture || daysInclusive(arrivedOn, plannedDeparture) > STAY_DAYS_WITHOUT_PERMIT;
  const required = !turkish && long;
  return { required, dueOn: required ? addDays(arrivedOn, RESIDENCE_PERMIT_APPLICATION_DAYS) : null };
}

export interface ResidencePermitView {
  required: boolean;
  dueOn: string | null;
  obtainedOn: string | null;
  overdue: boolean;
}

export function residencePermitView(m: IncomingMobility, now = new Date()): ResidencePermitView | null {
  if (!m.actualArrival) return null;
  const dueOn = m.residencePermitDueOn ?? null;
  const obtainedOn = m.residencePermitObtainedOn ?? null;
  return { required: m.residencePermitRequired, dueOn, obtainedOn, overdue: m.residencePermitRequired && !obtainedOn && !!dueOn && dueOn < hostToday(now) };
}

// --- Arrival ------------------------------------------------------------------------------------------------------------

/** The host registers the arrival: ACCEPTED → ARRIVED, the actual first day, and the residence-permit decision. */
export async function registerIncomingArrival(ctx: RequestContext, input: { id: string; version: number; arrivedOn: string }): Promise<IncomingMobility> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return withIncoming(ctx, input.id, input.version, 'HOST', async (tx, m) => {
    assertStep(ctx, m, S.ARRIVED);
    const arrivedOn = parsePastDay(input.arrivedOn, 'arrivedOn');
    if (m.plannedDeparture && arrivedOn > m.plannedDeparture) throw ReceptionErrors.startAfterEnd('arrivedOn', arrivedOn, m.plannedDeparture);
    const permit = residencePermitRule(m.citizenships, arrivedOn, m.plannedDeparture);
    m.actualArrival = arrivedOn;
    m.residencePermitRequired = permit.required;
    m.residencePermitDueOn = permit.dueOn ?? undefined;
    await incomingStep(tx, ctx, m, S.ARRIVED, 'HOST', `Arrival registered: ${arrivedOn}`);
    return m;
  });
}

// --- Orientation, buddy, permit -----------------------------------------------------------------------------------------

const BEFORE_OR_DURING_STAY: readonly S[] = [S.ACCEPTED, S.ARRIVED];

export const CONTENT_EVENT_TYPE = 'Event';

/** Links the welcome day (an event of the website content) the guest is expected at; null unlinks it. */
export async function setIncomingOrientation(ctx: RequestContext, input: { id: string; version: number; eventId?: string | null }): Promise<IncomingMobility> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  let eventUuid: string | null = null;
  if (input.eventId) {
    const parsed = parseGlobalId(input.eventId, 'eventId');
    if (parsed.type !== CONTENT_EVENT_TYPE) throw ReceptionErrors.notAnEvent('eventId');
    eventUuid = parsed.id;
  }
  return withIncoming(ctx, input.id, input.version, 'HOST', async (tx, m) => {
    assertState(m, BEFORE_OR_DURING_STAY, 'Planning the orientation');
    if (eventUuid) {
      const item = await tx.em.findOne(ContentItem, { id: eventUuid });
      if (!item) throw ReceptionErrors.eventNotFound('eventId');
      if (item.type !== ContentType.EVENT) throw ReceptionErrors.notAnEvent('eventId');
    }
    m.orientationEventId = eventUuid ?? undefined;
    m.updatedAt = new Date();
    await tx.em.flush();
    await announceIncoming(tx, m, { changed: 'orientation' });
    return m;
  });
}

export async function assignIncomingBuddy(ctx: RequestContext, input: { id: string; version: number; name: string; email: string }): Promise<IncomingMobility> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const name = input.name.trim();
  const email = input.email.trim().toLowerCase();
  if (!name) throw new DomainError('BAD_USER_INPUT', 'NAME_REQUIRED', 'Give the buddy’s name', { field: 'name' });
  return withIncoming(ctx, input.id, input.version, 'HOST', async (tx, m) => {
    assertState(m, BEFORE_OR_DURING_STAY, 'Assigning a buddy');
    m.buddyName = name;
    m.buddyEmail = email;
    m.updatedAt = new Date();
    await tx.em.flush();
    await announceIncoming(tx, m, { changed: 'buddy' });
    return m;
  });
}

export async function recordResidencePermit(ctx: RequestContext, input: { id: string; version: number; obtainedOn: string }): Promise<IncomingMobility> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return withIncoming(ctx, input.id, input.version, 'HOST', async (tx, m) => {
    assertState(m, [S.ARRIVED, S.DEPARTED], 'Recording the residence permit');
    const obtainedOn = parsePastDay(input.obtainedOn, 'obtainedOn');
    m.residencePermitObtainedOn = obtainedOn;
    m.updatedAt = new Date();
    await tx.em.flush();
    await announceIncoming(tx, m, { changed: 'residencePermit' });
    return m;
  });
}

// --- Courses ------------------------------------------------------------------------------------------------------------

export const homeCourseById = byId('incomingHomeCourseById', HomeCourse);

export interface IncomingCourseLine {
  courseId: string;
  code: string;
  title: string;
  ects: number;
  status: CourseChoiceStatus;
  grade: string | null;
  ectsEarned: number | null;
}

/** The guest's courses with their catalogue data (two batched statements for any number of mobilities). */
export async function courseLines(ctx: RequestContext, mobilityId: string, only?: CourseChoiceStatus): Promise<IncomingCourseLine[]> {
  const rows = (await ctx.loader(incomingCourses).load(mobilityId)).filter((r) => !only || r.status === only);
  const courses = await ctx.loader(homeCourseById).loadMany(rows.map((r) => r.course.id));
  return rows
    .map((r, i) => {
      const c = courses[i] as HomeCourse | null;
      return {
        courseId: toGlobalId(HOME_COURSE_TYPE, r.course.id),
        code: c?.code ?? '?',
        title: c ? pickLocale(c.title, ctx.locale, ctx.config.defaultLocale) : '',
        ects: c?.ects ?? 0,
        status: r.status,
        grade: r.grade ?? null,
        ectsEarned: r.ectsEarned ?? null,
      };
    })
    .sort((a, b) => a.code.localeCompare(b.code));
}

/**
 * The host registers the guest's courses on arrival: chosen (or dropped) ones become REGISTERED, and a course of our
 * catalogue the guest had not chosen may be added; `drop` marks chosen or registered ones DROPPED (graded ones stay).
 */
export async function registerIncomingCourses(
  ctx: RequestContext,
  input: { id: string; version: number; register: string[]; drop: string[] },
): Promise<{ mobility: IncomingMobility; courses: IncomingCourseLine[] }> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const seen = new Set<string>();
  const parse = (list: string[], name: string) =>
    list.map((id, i) => {
      const field = `${name}[${i}]`;
      const uuid = fromGlobalId(id, HOME_COURSE_TYPE, field);
      if (seen.has(uuid)) throw ReceptionErrors.duplicateCourse(field, id);
      seen.add(uuid);
      return { uuid, field, id };
    });
  const register = parse(input.register ?? [], 'register');
  const drop = parse(input.drop ?? [], 'drop');
  const mobility = await withIncoming(ctx, input.id, input.version, 'HOST', async (tx, m) => {
    assertStudent(m);
    assertState(m, BEFORE_OR_DURING_STAY, 'Registering courses');
    const ids = [...seen];
    const courses = new Map((await tx.em.find(HomeCourse, { id: { $in: ids } })).map((c) => [c.id, c]));
    const rows = new Map((await tx.em.find(IncomingCourse, { mobility: m.id, course: { $in: ids } })).map((r) => [r.course.id, r]));
    for (const r of register) {
      const course = courses.get(r.uuid);
      if (!course) throw ReceptionErrors.unknownCourse(r.field, r.id);
      const row = rows.get(r.uuid);
      if (row) row.status = CourseChoiceStatus.REGISTERED;
      else if (!course.active) throw ReceptionErrors.courseInactive(r.field, course.code);
      else tx.em.create(IncomingCourse, { mobility: m, course: course.id, status: CourseChoiceStatus.REGISTERED } as never);
    }
    for (const d of drop) {
      const row = rows.get(d.uuid);
      const code = courses.get(d.uuid)?.code ?? d.id;
      if (!row) throw ReceptionErrors.courseNotChosen(d.field, code);
      if (row.grade) throw ReceptionErrors.courseGraded(d.field, code);
      row.status = CourseChoiceStatus.DROPPED;
    }
    m.updatedAt = new Date();
    await tx.em.flush();
    await announceIncoming(tx, m, { changed: 'courses' });
    return m;
  });
  return { mobility, courses: await courseLines(ctx, mobility.id) };
}

// --- Orientation as the guest sees it ---------------------------------------------------------------------------------

export interface OrientationView {
  eventId: string;
  title: string;
  startsAt: Date | null;
  endsAt: Date | null;
  venue: string | null;
}

export async function orientationOf(ctx: RequestContext, m: IncomingMobility): Promise<OrientationView | null> {
  if (!m.orientationEventId) return null;
  const item = await ctx.loader(contentById).load(m.orientationEventId);
  if (!item) return null;
  const pick = (text: Record<string, string> | null | undefined) => (text && Object.keys(text).length ? pickLocale(text, ctx.locale, ctx.config.defaultLocale) : null);
  return {
    eventId: toGlobalId(CONTENT_EVENT_TYPE, item.id),
    title: pick(item.title) ?? '',
    startsAt: item.startsAt ?? null,
    endsAt: item.endsAt ?? null,
    venue: pick(item.venue),
  };
}

// --- Residence-permit reminders -----------------------------------------------------------------------------------------

export const RECEPTION_EVENTS = {
  /** A guest's residence permit falls due within RESIDENCE_PERMIT_REMINDER_DAYS or is overdue (payload dueOn, daysLeft). */
  residencePermitDue: 'incomingMobility.residencePermitDue',
};

/**
 * The reminder job's work: every ARRIVED guest whose permit is required, not obtained and due within 7 days (or
 * overdue) gets one outbox event, scoped like the status events (host unit lineage, the guest's subject), at most
 * once per host day: the outbox itself remembers the day's reminders (kept OUTBOX_RETENTION_DAYS, well over a day).
 * One transaction; the job is a singleton schedule, so no two runs overlap. Returns how many went out.
 */
export async function remindResidencePermits(em: EntityManager, now = new Date()): Promise<number> {
  return em.transactional(async (txEm) => {
    const tx = txEm as EntityManager;
    const today = hostToday(now);
    const rows = await tx.execute<
      { id: string; number: string; nominee_subject: string | null; academic_year: string; mobility_type: string; host_unit_id: string; version: number; due_on: string }[]
    >(
      `select m.id::text as id, m.number, m.nominee_subject, m.academic_year, m.mobility_type, m.host_unit_id::text as host_unit_id, m.version,
              to_char(m.residence_permit_due_on, 'YYYY-MM-DD') as due_on
         from incoming_mobility m
        where m.status = 'ARRIVED'
          and m.residence_permit_required
          and m.residence_permit_obtained_on is null
          and m.residence_permit_due_on <= ?::date
          and not exists (select 1 from outbox_event e where e.type = ? and e.aggregate_id = m.id and e.occurred_at >= ?)
        order by m.residence_permit_due_on, m.id`,
      [addDays(today, RESIDENCE_PERMIT_REMINDER_DAYS), RECEPTION_EVENTS.residencePermitDue, startOfHostDay(today).toISOString()],
    );
    if (rows.length === 0) return 0;
    const units = [...new Set(rows.map((r) => r.host_unit_id))];
    const lineages = new Map((await fetchLineages(tx, units)).map((l, i) => [units[i], l]));
    for (const r of rows) {
      recordEvent(tx, {
        type: RECEPTION_EVENTS.residencePermitDue,
        aggregateType: INCOMING_TYPE,
        aggregateId: r.id,
        aggregateVersion: r.version,
        scopeUnitIds: lineages.get(r.host_unit_id) ?? [],
        payload: {
          applicantSubject: r.nominee_subject,
          academicYear: r.academic_year,
          number: r.number,
          mobilityType: r.mobility_type,
          dueOn: r.due_on,
          daysLeft: dayNumber(r.due_on)! - dayNumber(today)!,
        },
      });
    }
    return rows.length;
  });
}

export enum IncomingReminderKind {
  RESIDENCE_PERMIT = 'RESIDENCE_PERMIT',
}

export interface IncomingReminderView {
  mobilityId: string;
  number: string;
  kind: IncomingReminderKind;
  dueOn: string;
  daysLeft: number;
  overdue: boolean;
  at: Date;
}

/** Reminders as they go out: the office hears all, the host unit's coordinators theirs, a guest their own. */
export async function followIncomingReminders(ctx: RequestContext, args: { mobilityId?: string | null }): Promise<AsyncIterableIterator<DeliveredEvent>> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const mobilityId = args.mobilityId ? fromGlobalId(args.mobilityId, INCOMING_TYPE, 'mobilityId') : undefined;
  if (mobilityId) {
    const m = await ctx.loader(incomingById).load(mobilityId);
    if (!m || !(await canReadIncoming(ctx, m))) {
      throw new DomainError('FORBIDDEN', 'FORBIDDEN', 'You may follow only incoming mobilities you may read', { field: 'mobilityId' });
    }
  }
  return followStatusEvents(ctx, { type: RECEPTION_EVENTS.residencePermitDue, aggregateId: mobilityId });
}

export function incomingReminderView(event: DeliveredEvent): IncomingReminderView {
  const p = event.payload;
  const daysLeft = p.daysLeft as number;
  return {
    mobilityId: toGlobalId(INCOMING_TYPE, event.aggregateId),
    number: p.number as string,
    kind: IncomingReminderKind.RESIDENCE_PERMIT,
    dueOn: p.dueOn as string,
    daysLeft,
    overdue: daysLeft < 0,
    at: event.occurredAt,
  };
}
