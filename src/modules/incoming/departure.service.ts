/**
 * The end of a guest's stay: the host confirms the departure (ARRIVED → DEPARTED, the certificate of attendance), grades
 * the registered courses on our scale and issues the transcript of records (students, DEPARTED → COMPLETED), or
 * completes a staff visit with its programme. What the guest and the sending institution receive is built here.
 */
import DataLoader from 'dataloader';
import { unauthenticated } from '../../platform/errors/domain-error';
import { defineLoader, type RequestContext } from '../../platform/graphql/context';
import { pickLocale } from '../../platform/graphql/localised-text';
import { fromGlobalId, toGlobalId } from '../../platform/graphql/relay';
import { MobilityType } from '../agreements/agreement.entity';
import { Institution } from '../institutions/institution.entity';
import { institutionById, unitById } from '../institutions/institution.loaders';
import { daysInclusive } from '../mobility/calendar-day';
import { HOME_COURSE_TYPE } from '../mobility/course.service';
import { endHousingAt } from './housing.service';
import { CourseChoiceStatus, IncomingCourse, IncomingMobility, IncomingStatus as S, type AcademicTerm } from './incoming-mobility.entity';
import { announceIncoming, incomingStep, INCOMING_TYPE, isHost, withIncoming } from './incoming-mobility.service';
import { ReceptionErrors } from './reception.errors';
import { assertState, assertStaffVisit, assertStep, assertStudent, courseLines, parsePastDay, type IncomingCourseLine } from './reception.service';

// --- The home grade scale -----------------------------------------------------------------------------------------------

export interface HomeGrade {
  grade: string;
  /** Grade points out of 4.00. */
  points: number;
  passed: boolean;
}

/**
 * The university's letter grades (the Turkish 4.00 scale of the undergraduate regulations): AA … DD pass, FD and FF
 * fail. The one place the incoming side reads it from (the outgoing conversion tables carry their own home scale).
 */
export const HOME_GRADE_SCALE: readonly HomeGrade[] = [
  { grade: 'AA', points: 4.0, passed: true },
  { grade: 'BA', points: 3.5, passed: true },
  { grade: 'BB', points: 3.0, passed: true },
  { grade: 'CB', points: 2.5, passed: true },
  { grade: 'CC', points: 2.0, passed: true },
  { grade: 'DC', points: 1.5, passed: true },
  { grade: 'DD', points: 1.0, passed: true },
  { grade: 'FD', points: 0.5, passed: false },
  { grade: 'FF', points: 0.0, passed: false },
];
const GRADES = new Map(HOME_GRADE_SCALE.map((g) => [g.grade, g]));

// --- Departure ----------------------------------------------------------------------------------------------------------

/**
 * The host confirms the departure: ARRIVED → DEPARTED with the actual last day (not before the arrival, not in the
 * future) and who confirmed the attendance when; beds booked after the last day are given back.
 */
export async function confirmIncomingDeparture(ctx: RequestContext, input: { id: string; version: number; departedOn: string }): Promise<IncomingMobility> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return withIncoming(ctx, input.id, input.version, 'HOST', async (tx, m) => {
    assertStep(ctx, m, S.DEPARTED);
    const departedOn = parsePastDay(input.departedOn, 'departedOn');
    if (!m.actualArrival) throw ReceptionErrors.noArrival();
    if (departedOn < m.actualArrival) throw ReceptionErrors.startAfterEnd('departedOn', m.actualArrival, departedOn);
    m.actualDeparture = departedOn;
    m.attendanceConfirmedAt = new Date();
    m.attendanceConfirmedBy = ctx.viewer.subject ?? undefined;
    await endHousingAt(tx, m.id, departedOn);
    await incomingStep(tx, ctx, m, S.DEPARTED, 'HOST', `Departure confirmed: ${departedOn}`);
    return m;
  });
}

// --- Grades and the transcript ------------------------------------------------------------------------------------------

/**
 * Grades registered courses on the home scale (host; while the guest is here or after the departure, until the
 * transcript is issued). ECTS earned: the course's credits when passed, 0 when failed. A later grade replaces one.
 */
export async function gradeIncomingCourses(
  ctx: RequestContext,
  input: { id: string; version: number; grades: { courseId: string; grade: string }[] },
): Promise<IncomingMobility> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const seen = new Set<string>();
  const grades = input.grades.map((g, i) => {
    const uuid = fromGlobalId(g.courseId, HOME_COURSE_TYPE, `grades[${i}].courseId`);
    if (seen.has(uuid)) throw ReceptionErrors.duplicateCourse(`grades[${i}].courseId`, g.courseId);
    seen.add(uuid);
    const grade = g.grade.trim().toUpperCase();
    const scale = GRADES.get(grade);
    if (!scale) throw ReceptionErrors.unknownGrade(`grades[${i}].grade`, g.grade, HOME_GRADE_SCALE.map((x) => x.grade));
    return { uuid, scale, index: i, id: g.courseId };
  });
  return withIncoming(ctx, input.id, input.version, 'HOST', async (tx, m) => {
    assertStudent(m);
    if (m.transcriptIssuedAt || m.status === S.COMPLETED) throw ReceptionErrors.gradingClosed();
    assertState(m, [S.ARRIVED, S.DEPARTED], 'Grading');
    const rows = new Map((await tx.em.find(IncomingCourse, { mobility: m.id, course: { $in: [...seen] } }, { populate: ['course'] })).map((r) => [r.course.id, r]));
    const now = new Date();
    for (const g of grades) {
      const row = rows.get(g.uuid);
      if (!row || row.status !== CourseChoiceStatus.REGISTERED) {
        throw ReceptionErrors.courseNotRegistered(`grades[${g.index}].courseId`, row?.course.getEntity().code ?? g.id);
      }
      row.grade = g.scale.grade;
      row.ectsEarned = g.scale.passed ? row.course.getEntity().ects : 0;
      row.gradedAt = now;
    }
    m.updatedAt = now;
    await tx.em.flush();
    await announceIncoming(tx, m, { changed: 'grades' });
    return m;
  });
}

/**
 * Issues the transcript of records (host, student guests): every registered course graded, else TRANSCRIPT_INCOMPLETE
 * listing the missing ones; DEPARTED → COMPLETED.
 */
export async function issueIncomingTranscript(ctx: RequestContext, input: { id: string; version: number }): Promise<IncomingMobility> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return withIncoming(ctx, input.id, input.version, 'HOST', async (tx, m) => {
    assertStudent(m);
    assertStep(ctx, m, S.COMPLETED);
    const registered = await tx.em.find(IncomingCourse, { mobility: m.id, status: CourseChoiceStatus.REGISTERED }, { populate: ['course'] });
    if (registered.length === 0) throw ReceptionErrors.noRegisteredCourses();
    const missing = registered.filter((r) => !r.grade).map((r) => r.course.getEntity().code).sort();
    if (missing.length) throw ReceptionErrors.transcriptIncomplete(missing);
    m.transcriptIssuedAt = new Date();
    await incomingStep(tx, ctx, m, S.COMPLETED, 'HOST', 'Transcript of records issued');
    return m;
  });
}

/** The issued transcript went to the sending institution (once). */
export async function markIncomingTranscriptSent(ctx: RequestContext, input: { id: string; version: number }): Promise<IncomingMobility> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return withIncoming(ctx, input.id, input.version, 'HOST', async (tx, m) => {
    if (!m.transcriptIssuedAt) throw ReceptionErrors.transcriptNotIssued();
    if (m.transcriptSentToPartnerAt) throw ReceptionErrors.transcriptAlreadySent(m.transcriptSentToPartnerAt);
    m.transcriptSentToPartnerAt = new Date();
    await tx.em.flush();
    await announceIncoming(tx, m, { changed: 'transcriptSent' });
    return m;
  });
}

// --- Staff visits -------------------------------------------------------------------------------------------------------

/** Erasmus+ teaching staff (STA): at least 8 teaching hours per week, or per shorter stay (Programme Guide). */
export const STA_TEACHING_HOURS_PER_WEEK = 8;

export interface StaffVisitView {
  programme: string | null;
  teachingHours: number | null;
  /** Days of the visit: actual dates once both are known, else planned; null without dates. */
  days: number | null;
  minimumTeachingHours: number | null;
  belowTeachingMinimum: boolean;
  warning: string | null;
}

/**
 * The teaching minimum of a teaching visit: 8 hours for a week or less, proportionally more for a longer stay (an
 * incomplete week counts pro rata). Warned about, never refused: the office decides with the partner.
 */
export function staffVisitView(m: IncomingMobility): StaffVisitView | null {
  if (m.mobilityType !== MobilityType.STA && m.mobilityType !== MobilityType.STT) return null;
  const [start, end] = m.actualArrival && m.actualDeparture ? [m.actualArrival, m.actualDeparture] : [m.plannedArrival, m.plannedDeparture];
  const days = start && end && start <= end ? daysInclusive(start, end) : null;
  let minimum: number | null = null;
  if (m.mobilityType === MobilityType.STA) {
    minimum = Math.round(STA_TEACHING_HOURS_PER_WEEK * Math.max(1, (days ?? 7) / 7) * 10) / 10;
  }
  const hours = m.teachingHours ?? null;
  const below = minimum !== null && (hours ?? 0) < minimum;
  return {
    programme: m.visitProgramme ?? null,
    teachingHours: hours,
    days,
    minimumTeachingHours: minimum,
    belowTeachingMinimum: below,
    warning: below
      ? `A teaching visit of ${days ?? 'up to 7'} days needs at least ${minimum} teaching hours (${STA_TEACHING_HOURS_PER_WEEK} per week); ${hours ?? 0} recorded`
      : null,
  };
}

export async function setStaffVisitProgramme(
  ctx: RequestContext,
  input: { id: string; version: number; programme: string; teachingHours?: number | null },
): Promise<IncomingMobility> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const programme = input.programme.trim();
  return withIncoming(ctx, input.id, input.version, 'HOST', async (tx, m) => {
    assertStaffVisit(m);
    assertState(m, [S.ACCEPTED, S.ARRIVED, S.DEPARTED], 'Agreeing the visit programme');
    m.visitProgramme = programme;
    m.teachingHours = input.teachingHours ?? undefined;
    m.updatedAt = new Date();
    await tx.em.flush();
    await announceIncoming(tx, m, { changed: 'visitProgramme' });
    return m;
  });
}

/** A staff visit ends with its certificate of attendance: DEPARTED → COMPLETED, once its programme is on record. */
export async function completeIncomingStaffVisit(ctx: RequestContext, input: { id: string; version: number }): Promise<IncomingMobility> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return withIncoming(ctx, input.id, input.version, 'HOST', async (tx, m) => {
    assertStaffVisit(m);
    assertStep(ctx, m, S.COMPLETED);
    if (!m.visitProgramme) throw ReceptionErrors.programmeRequired();
    await incomingStep(tx, ctx, m, S.COMPLETED, 'HOST', 'Staff visit completed');
    return m;
  });
}

// --- Documents ----------------------------------------------------------------------------------------------------------

export interface InstitutionLine {
  name: string;
  erasmusCode: string | null;
  country: string;
}

export interface TranscriptView {
  mobilityId: string;
  number: string;
  issued: boolean;
  issuedAt: Date | null;
  sentToPartnerAt: Date | null;
  givenNames: string;
  familyName: string;
  birthDate: string | null;
  sendingInstitution: InstitutionLine | null;
  sendingUnitName: string | null;
  hostInstitution: InstitutionLine | null;
  hostUnit: string | null;
  academicYear: string;
  term: AcademicTerm;
  arrival: string | null;
  departure: string | null;
  courses: IncomingCourseLine[];
  totalCourses: number;
  ectsRegistered: number;
  ectsEarned: number;
  /** ECTS-weighted grade points of the graded courses, out of 4.00. */
  gradePointAverage: number | null;
  gradeScale: readonly HomeGrade[];
}

export interface CertificateView {
  mobilityId: string;
  number: string;
  mobilityType: MobilityType;
  givenNames: string;
  familyName: string;
  sendingInstitution: InstitutionLine | null;
  hostInstitution: InstitutionLine | null;
  hostUnit: string | null;
  arrival: string;
  departure: string;
  days: number;
  confirmedAt: Date;
  confirmedBy: string | null;
  programme: string | null;
  teachingHours: number | null;
}

/** The home institution (one row for the operation). */
const homeInstitution = defineLoader('incomingHomeInstitution', (ctx) =>
  new DataLoader<'home', Institution | null>(async (keys) => {
    const home = await ctx.em.findOne(Institution, { isHome: true });
    return keys.map(() => home);
  }),
);

async function institutionLine(ctx: RequestContext, institution: Institution | null): Promise<InstitutionLine | null> {
  if (!institution) return null;
  return { name: pickLocale(institution.name, ctx.locale, ctx.config.defaultLocale) || institution.officialName, erasmusCode: institution.erasmusCode ?? null, country: institution.country };
}

async function parties(ctx: RequestContext, m: IncomingMobility) {
  const [sending, home, unit] = await Promise.all([
    ctx.loader(institutionById).load(m.sendingInstitution.id),
    ctx.loader(homeInstitution).load('home'),
    ctx.loader(unitById).load(m.hostUnit.id),
  ]);
  return {
    sendingInstitution: await institutionLine(ctx, sending),
    hostInstitution: await institutionLine(ctx, home),
    hostUnit: unit ? pickLocale(unit.name, ctx.locale, ctx.config.defaultLocale) : null,
  };
}

/**
 * The transcript of records of a student guest: for the host side always (a draft until issued), for the guest once
 * issued; null otherwise (and for staff visits). The caller has established that the viewer may read the mobility.
 */
export async function transcriptOf(ctx: RequestContext, m: IncomingMobility): Promise<TranscriptView | null> {
  if (m.mobilityType !== MobilityType.SMS && m.mobilityType !== MobilityType.SMT) return null;
  if (!m.transcriptIssuedAt && !(await isHost(ctx, m))) return null;
  const [courses, who] = await Promise.all([courseLines(ctx, m.id, CourseChoiceStatus.REGISTERED), parties(ctx, m)]);
  const graded = courses.filter((c) => c.grade);
  const gradedEcts = graded.reduce((s, c) => s + c.ects, 0);
  const points = graded.reduce((s, c) => s + (GRADES.get(c.grade!)?.points ?? 0) * c.ects, 0);
  return {
    mobilityId: toGlobalId(INCOMING_TYPE, m.id),
    number: m.number,
    issued: !!m.transcriptIssuedAt,
    issuedAt: m.transcriptIssuedAt ?? null,
    sentToPartnerAt: m.transcriptSentToPartnerAt ?? null,
    givenNames: m.givenNames,
    familyName: m.familyName,
    birthDate: m.birthDate ?? null,
    ...who,
    sendingUnitName: m.sendingUnitName ?? null,
    academicYear: m.academicYear,
    term: m.term,
    arrival: m.actualArrival ?? null,
    departure: m.actualDeparture ?? null,
    courses,
    totalCourses: courses.length,
    ectsRegistered: round1(courses.reduce((s, c) => s + c.ects, 0)),
    ectsEarned: round1(courses.reduce((s, c) => s + (c.ectsEarned ?? 0), 0)),
    gradePointAverage: gradedEcts > 0 ? Math.round((points / gradedEcts) * 100) / 100 : null,
    gradeScale: HOME_GRADE_SCALE,
  };
}

/** The certificate of attendance, once the host confirmed the departure (host side and the guest). */
export async function certificateOf(ctx: RequestContext, m: IncomingMobility): Promise<CertificateView | null> {
  if (!m.attendanceConfirmedAt || !m.actualArrival || !m.actualDeparture) return null;
  const who = await parties(ctx, m);
  return {
    mobilityId: toGlobalId(INCOMING_TYPE, m.id),
    number: m.number,
    mobilityType: m.mobilityType,
    givenNames: m.givenNames,
    familyName: m.familyName,
    ...who,
    arrival: m.actualArrival,
    departure: m.actualDeparture,
    days: daysInclusive(m.actualArrival, m.actualDeparture),
    confirmedAt: m.attendanceConfirmedAt,
    confirmedBy: m.attendanceConfirmedBy ?? null,
    programme: m.visitProgramme ?? null,
    teachingHours: m.teachingHours ?? null,
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

