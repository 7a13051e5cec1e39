/**
 * The incoming-intake demo: nominations from partners whose demo agreements send students (and staff) to us, taken
 * through the services as the office and the nominees would (matching, numbers, histories, status events are real):
 * one waiting to be claimed, one applied, one with information requested, one accepted with a learning agreement
 * proposal, one rejected, one flagged (below the agreement's language level), and a staff visit accepted from the
 * nomination. Then the factsheet's deadlines of the current and the next academic year (set last, so that the demo
 * does not depend on the day it is loaded).
 *
 * Call after the agreements and the course catalogue are seeded:
 *   await seedIncomingIntakeDemo(em.fork(), seedContexts(em.fork(), config, log));
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Viewer, type Role } from '../../platform/auth/viewer';
import { toGlobalId } from '../../platform/graphql/relay';
import { UserAccount } from '../accounts/user-account.entity';
import { AgreementKind, AgreementStatus, CooperationCondition, MobilityType } from '../agreements/agreement.entity';
import { Institution } from '../institutions/institution.entity';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { StudyLevel } from '../mobility/application.entity';
import { HomeCourse } from '../mobility/course.entity';
import type { SeedContexts } from '../mobility/mobility-demo.seed';
import { AcademicTerm, IncomingMobility, NominationSource } from './incoming-mobility.entity';
import { INCOMING_TYPE } from './incoming-mobility.service';
import { proposeIncomingLa } from './incoming-la.service';
import { decideIncoming, submitIncomingApplication, updateIncomingApplication } from './intake.service';
import { academicYearOf } from '../agreements/academic-year';
import { nominate, setDeadline } from './nomination.service';

const OFFICE = new Viewer('demo-staff', ['STAFF'], []);

type Stage = 'NOMINATED' | 'APPLIED' | 'INFO_REQUESTED' | 'ACCEPTED' | 'REJECTED' | 'FLAGGED';

const NOMINEES: { stage: Stage; givenNames: string; familyName: string }[] = [
  { stage: 'NOMINATED', givenNames: 'Anna', familyName: 'Gruber' },
  { stage: 'APPLIED', givenNames: 'Lukas', familyName: 'Hofer' },
  { stage: 'INFO_REQUESTED', givenNames: 'Elira', familyName: 'Hoxha' },
  { stage: 'ACCEPTED', givenNames: 'Sofia', familyName: 'Berger' },
  { stage: 'REJECTED', givenNames: 'Arben', familyName: 'Krasniqi' },
  { stage: 'FLAGGED', givenNames: 'Jonas', familyName: 'Wagner' },
];

/** This academic year's guests (the reception demo houses them, registers arrivals and departures, issues transcripts). */
const CURRENT_GUESTS = [
  { givenNames: 'Camille', familyName: 'Laurent' },
  { givenNames: 'Mateusz', familyName: 'Kowalski' },
  { givenNames: 'Giulia', familyName: 'Romano' },
  { givenNames: 'Pieter', familyName: 'de Vries' },
];

const nextYear = (year: string) => `${Number(year.slice(0, 4)) + 1}/${Number(year.slice(0, 4)) + 2}`;
const ascii = (s: string) => s.normalize('NFD').replace(/[^a-zA-Z]/g, '').toLowerCase();

export async function seedIncomingIntakeDemo(em: EntityManager, contexts: SeedContexts): Promise<{ nominations: number }> {
  const { as, office } = contexts;
  const current = academicYearOf(new Date());
  const next = nextYear(current);
  const startYear = Number(next.slice(0, 4));

  const home = await em.findOne(Institution, { isHome: true });
  if (!home) return { nominations: 0 };
  const conditions = await em.find(
    CooperationCondition,
    {
      receivingInstitution: home.id,
      agreement: { status: AgreementStatus.IN_EFFECT, firstAcademicYear: { $lte: next }, lastAcademicYear: { $gte: next } },
      firstAcademicYear: { $lte: next },
      lastAcademicYear: { $gte: next },
    },
    { populate: ['agreement', 'sendingInstitution', 'receivingUnit'], orderBy: { agreement: { reference: 'asc' }, position: 'asc' } },
  );
  // The demo coordinator coordinates the Faculty of Engineering: its departments' guests come first.
  const eng = await em.findOne(OrganisationalUnit, { institution: home.id, code: 'ENG' });
  const underEng = (c: CooperationCondition) => c.receivingUnit?.getEntity().parent?.id === eng?.id;
  // Erasmus+ partners first, then the Faculty of Engineering's departments; one nomination per partner.
  const rank = (c: CooperationCondition) => (c.agreement.getEntity().kind === AgreementKind.ERASMUS_IIA ? 0 : 2) + (underEng(c) ? 0 : 1);
  const study = conditions.filter((c) => c.mobilityType === MobilityType.SMS && c.receivingUnit).sort((a, b) => rank(a) - rank(b));
  const partners = new Set<string>();
  const chosen: CooperationCondition[] = [];
  for (const c of study) {
    if (chosen.length === NOMINEES.length) break;
    if (partners.has(c.sendingInstitution.id)) continue;
    partners.add(c.sendingInstitution.id);
    chosen.push(c);
  }
  const staffCondition = conditions.find((c) => c.mobilityType === MobilityType.STT && !partners.has(c.sendingInstitution.id));

  // Accounts for the nominees who applied, so that the demo can sign in as them (npm run token -- --user ...).
  const accounts = NOMINEES.slice(0, chosen.length).map((n, i) => ({
    subject: n.stage === 'NOMINATED' ? null : `demo-incoming-${i + 1}`,
    email: `${ascii(n.givenNames)}.${ascii(n.familyName)}@student.example.eu`,
    displayName: `${n.givenNames} ${n.familyName}`,
  }));
  await em.fork().transactional(async (tx) => {
    const known = new Set((await tx.find(UserAccount, { subject: { $in: accounts.flatMap((a) => (a.subject ? [a.subject] : [])) } })).map((a) => a.subject));
    for (const a of accounts) {
      if (a.subject && !known.has(a.subject)) tx.create(UserAccount, { subject: a.subject, email: a.email, displayName: a.displayName, roles: ['APPLICANT'], unitIds: [] } as never);
    }
  });

  let created = 0;
  for (const [i, condition] of chosen.entries()) {
    const who = NOMINEES[i];
    const account = accounts[i];
    const language = condition.languages[0];
    const hostUnit = condition.receivingUnit!.id;
    const courses = await courseChoice(em, hostUnit);
    const { mobility } = await nominate(office(), {
      source: i % 2 === 0 ? NominationSource.STAFF_ENTRY : NominationSource.EWP,
      sendingInstitutionId: condition.sendingInstitution.id,
      sendingUnitName: 'International Office',
      agreementId: condition.agreement.id,
      mobilityType: MobilityType.SMS,
      academicYear: next,
      term: AcademicTerm.FALL,
      studyLevel: condition.eqfLevels.includes(6) || !condition.eqfLevels.length ? StudyLevel.BACHELOR : StudyLevel.MASTER,
      iscedCode: condition.iscedCodes[0] ?? null,
      languageCode: language?.language ?? 'en',
      // The flagged one is below the agreement's language level.
      languageLevel: who.stage === 'FLAGGED' ? 'A2' : (language?.cefr ?? 'B2'),
      hostUnitId: hostUnit,
      givenNames: who.givenNames,
      familyName: who.familyName,
      email: account.email,
      birthDate: `${startYear - 21}-0${(i % 9) + 1}-1${i % 9}`,
      citizenships: [condition.sendingInstitution.getEntity().country],
      nomineeSubject: account.subject,
    });
    created++;
    if (who.stage === 'NOMINATED' || who.stage === 'FLAGGED') continue;

    const id = toGlobalId(INCOMING_TYPE, mobility.id);
    // A context per step, as per request: nothing cached from one step is served to the next.
    const nominee = () => as(new Viewer(account.subject!, ['APPLICANT'] as Role[], []));
    let m: IncomingMobility = await updateIncomingApplication(nominee(), {
      id,
      version: mobility.version,
      documents: [
        { code: 'TRANSCRIPT', reference: `https://files.example.eu/${ascii(who.familyName)}-transcript.pdf` },
        { code: 'LANGUAGE_CERTIFICATE', reference: `https://files.example.eu/${ascii(who.familyName)}-language.pdf` },
      ],
      courseIds: courses.map((c) => toGlobalId('HomeCourse', c.id)),
      accommodationRequested: i % 2 === 1,
      accommodationNote: i % 2 === 1 ? 'A room in the university dormitory, please' : null,
      plannedArrival: `${startYear}-09-${20 + (i % 5)}`,
      plannedDeparture: `${startYear + 1}-01-31`,
    });
    m = await submitIncomingApplication(nominee(), id, m.version);
    if (who.stage === 'INFO_REQUESTED') {
      await decideIncoming(office(), { id, version: m.version, decision: 'REQUEST_INFO', note: 'Please upload your transcript of records with the grades of the last semester.' });
    } else if (who.stage === 'REJECTED') {
      await decideIncoming(office(), { id, version: m.version, decision: 'REJECT', note: 'The courses chosen are not offered in English in the fall semester.' });
    } else if (who.stage === 'ACCEPTED') {
      m = await decideIncoming(office(), { id, version: m.version, decision: 'ACCEPT' });
      await proposeIncomingLa(nominee(), { mobilityId: id, version: m.version, components: courses.map((c) => ({ table: 'A' as const, courseId: toGlobalId('HomeCourse', c.id) })) });
    }
  }

  // Guests of this academic year, accepted last spring: the reception demo takes them through arrival and departure.
  const guestConditions = study.filter(
    (c) => !partners.has(c.sendingInstitution.id) && c.firstAcademicYear <= current && c.agreement.getEntity().firstAcademicYear! <= current,
  );
  for (const [k, guest] of CURRENT_GUESTS.entries()) {
    const condition = guestConditions[k];
    if (!condition) break;
    partners.add(condition.sendingInstitution.id);
    const subject = `demo-incoming-guest-${k + 1}`;
    const email = `${ascii(guest.givenNames)}.${ascii(guest.familyName)}@student.example.eu`;
    await em.fork().transactional(async (tx) => {
      if (!(await tx.count(UserAccount, { subject }))) {
        tx.create(UserAccount, { subject, email, displayName: `${guest.givenNames} ${guest.familyName}`, roles: ['APPLICANT'], unitIds: [] } as never);
      }
    });
    const language = condition.languages[0];
    const courses = await courseChoice(em, condition.receivingUnit!.id);
    const { mobility } = await nominate(office(), {
      source: NominationSource.EWP,
      sendingInstitutionId: condition.sendingInstitution.id,
      sendingUnitName: 'International Office',
      agreementId: condition.agreement.id,
      mobilityType: MobilityType.SMS,
      academicYear: current,
      term: AcademicTerm.FALL,
      studyLevel: condition.eqfLevels.includes(6) || !condition.eqfLevels.length ? StudyLevel.BACHELOR : StudyLevel.MASTER,
      iscedCode: condition.iscedCodes[0] ?? null,
      languageCode: language?.language ?? 'en',
      languageLevel: language?.cefr ?? 'B2',
      hostUnitId: condition.receivingUnit!.id,
      givenNames: guest.givenNames,
      familyName: guest.familyName,
      email,
      birthDate: `${startYear - 22}-0${k + 3}-1${k + 1}`,
      citizenships: [condition.sendingInstitution.getEntity().country],
      nomineeSubject: subject,
    });
    const id = toGlobalId(INCOMING_TYPE, mobility.id);
    const nominee = () => as(new Viewer(subject, ['APPLICANT'] as Role[], []));
    let m = await updateIncomingApplication(nominee(), {
      id,
      version: mobility.version,
      documents: [{ code: 'TRANSCRIPT', reference: `https://files.example.eu/${ascii(guest.familyName)}-transcript.pdf` }],
      courseIds: courses.map((c) => toGlobalId('HomeCourse', c.id)),
      accommodationRequested: true,
      plannedArrival: `${startYear - 1}-09-${15 + k}`,
      plannedDeparture: `${startYear}-01-31`,
    });
    m = await submitIncomingApplication(nominee(), id, m.version);
    await decideIncoming(office(), { id, version: m.version, decision: 'ACCEPT' });
    created++;
  }

  if (staffCondition) {
    const { mobility } = await nominate(office(), {
      source: NominationSource.STAFF_ENTRY,
      sendingInstitutionId: staffCondition.sendingInstitution.id,
      sendingUnitName: 'Human Resources',
      agreementId: staffCondition.agreement.id,
      mobilityType: MobilityType.STT,
      academicYear: next,
      term: AcademicTerm.SPRING,
      hostUnitId: staffCondition.receivingUnit?.id ?? (await em.findOneOrFail(OrganisationalUnit, { institution: home.id, code: 'IRO' })).id,
      givenNames: 'Maria',
      familyName: 'Novak',
      email: 'maria.novak@staff.example.eu',
      citizenships: [staffCondition.sendingInstitution.getEntity().country],
      plannedArrival: `${startYear + 1}-04-13`,
      plannedDeparture: `${startYear + 1}-04-17`,
    });
    // Staff visits are accepted from the nomination.
    await decideIncoming(office(), { id: toGlobalId(INCOMING_TYPE, mobility.id), version: mobility.version, decision: 'ACCEPT' });
    created++;
  }

  // The factsheet: fall nominations by 15 May and applications by 15 June; spring by 15 October and 15 November.
  for (const year of [current, next]) {
    const y = Number(year.slice(0, 4));
    await setDeadline(office(), { academicYear: year, term: AcademicTerm.FALL, nominationDeadline: `${y}-05-15`, applicationDeadline: `${y}-06-15` });
    await setDeadline(office(), { academicYear: year, term: AcademicTerm.SPRING, nominationDeadline: `${y}-10-15`, applicationDeadline: `${y}-11-15` });
  }
  return { nominations: created };
}

/** Two or three active fall courses of the host unit (or of the whole catalogue when it has none). */
async function courseChoice(em: EntityManager, unitId: string): Promise<HomeCourse[]> {
  const own = await em.find(HomeCourse, { unit: unitId, active: true, semester: { $in: ['FALL', 'BOTH'] } }, { orderBy: { code: 'asc' }, limit: 3 });
  return own.length ? own : em.find(HomeCourse, { active: true, semester: { $in: ['FALL', 'BOTH'] } }, { orderBy: { code: 'asc' }, limit: 3 });
}
