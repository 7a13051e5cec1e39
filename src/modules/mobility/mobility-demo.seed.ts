import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import type { Config } from '../../config/config';
import { Viewer, type Role } from '../../platform/auth/viewer';
import { recordEvent, type HubEvents } from '../../platform/events/outbox';
import { RequestContext } from '../../platform/graphql/context';
import { toGlobalId } from '../../platform/graphql/relay';
import type { Logger } from '../../platform/logging/logger';
import { UserAccount } from '../accounts/user-account.entity';
import type { MobilityType } from '../agreements/agreement.entity';
import { seedAgreements, type AgreementSeed } from '../agreements/agreement.seed';
import { ContentItem, ContentType } from '../content/content.entity';
import { fetchLineages } from '../institutions/institution.loaders';
import { canonicalErasmusCode } from '../institutions/institution-identifiers';
import { Institution } from '../institutions/institution.entity';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { UNIT_TYPE } from '../institutions/organisational-unit.service';
import { ApplicationStatus, EQF_OF_LEVEL, MobilityApplication, type StudyLevel } from './application.entity';
import { APPLICATION_TYPE, changeApplicationStatus, createApplication, submitApplication, waiveApplication, withdrawApplication } from './application.service';
import { CallPlace, MobilityCall } from './call.entity';
import { CALL_TYPE, createCall, generatePlaces, PLACE_TYPE, publishCall, setQuotas, updateCall } from './call.service';
import { ensureMobilityReference } from './mobility.seed';
import { MobilityProgramme, type MobilityProgrammeCode } from './programme.entity';
import { PROGRAMME_TYPE } from './programme.service';
import { evaluateCall, publishResults, runPlacement } from './selection.service';

/** seeds/demo/mobility.json: who applies, the agreements the calls need beyond agreements.json, the calls. */
export interface MobilityDemoSeed {
  applicants: { subject: string; email: string; displayName: string }[];
  agreements: AgreementSeed[];
  calls: DemoCall[];
}

interface DemoCall {
  key: string;
  programme: MobilityProgrammeCode;
  mobilityType: keyof typeof MobilityType;
  academicYear: string;
  title: { tr: string; en: string };
  /** Days from the seed time. A call that has closed is created open, applied to, then moved into the past. */
  opensInDays: number;
  closesInDays: number;
  appealEndsInDays?: number;
  waiverDeadlineInDays?: number;
  maxPreferences?: number;
  minGpa?: number;
  minLanguageScore?: number;
  requiredDocuments?: string[];
  zeroGrant?: boolean;
  reserveListSize?: number;
  quotas?: { unit: string; isced?: string; places: number; grantedPlaces?: number }[];
  /** The website announcement (content.json) about this call, by its English title. */
  announcement?: { titleEn: string };
  /** How far the office has taken a closed call. */
  selection?: 'EVALUATED' | 'PLACED' | 'PUBLISHED';
  applications: DemoApplication[];
}

interface DemoApplication {
  applicant: string;
  unit: string;
  studyLevel?: StudyLevel;
  yearOfStudy?: number;
  /** ISCED-F code; places and quotas limited to a field take only applicants of that field. */
  fieldOfStudy?: string;
  gpa?: number;
  languageExam?: string;
  languageScore?: number;
  citizenships?: string[];
  plannedMonths?: number;
  plannedDays?: number;
  acceptsZeroGrant?: boolean;
  declaredFacts?: { code: string; evidence: string[] }[];
  documents?: { code: string; reference: string }[];
  /** Partner Erasmus codes, best first. */
  preferences: string[];
  /** False leaves the application a draft. */
  submit?: boolean;
  /** Steps after the selection (or after submitting, for an open call), in order. */
  then?: { by: 'APPLICANT' | 'OFFICE'; to: ApplicationStatus; reason?: string }[];
  /** The status the application should end in; a different one is logged, as the rules or data have drifted. */
  expect?: ApplicationStatus;
}

const DAY = 86_400_000;
/** The office member the demo's office steps are recorded under (users.json). */
const OFFICE = new Viewer('demo-staff', ['STAFF'], []);

/** Request contexts for the demo's steps: the office (demo-staff), or an applicant acting as themselves. */
export interface SeedContexts {
  as: (viewer: Viewer) => RequestContext;
  office: () => RequestContext;
  applicant: (subject: string) => RequestContext;
}

export function seedContexts(em: EntityManager, config: Config, log: Logger): SeedContexts {
  const events: HubEvents = {
    record: recordEvent,
    ring() {},
    stream() {
      throw new Error('the seed does not subscribe');
    },
  };
  // A context per step, as per request: nothing cached from one step leaks into the next.
  const as = (viewer: Viewer) => new RequestContext(randomUUID(), viewer, config.defaultLocale, em, config, log, events);
  return { as, office: () => as(OFFICE), applicant: (subject) => as(new Viewer(subject, ['APPLICANT'] as Role[], [])) };
}

/**
 * The outgoing-mobility demo: calls in every phase with applications in the states a demo should show. Everything
 * goes through the services as the office and the applicants would (histories, outbox events, scores and placement
 * are real), one transaction per step like one request each.
 */
export async function seedMobilityDemo(em: EntityManager, config: Config, log: Logger, data: MobilityDemoSeed): Promise<void> {
  await ensureMobilityReference(em.fork());
  const { as, applicant } = seedContexts(em, config, log);

  await em.fork().transactional(async (tx) => {
    const known = new Set((await tx.find(UserAccount, { subject: { $in: data.applicants.map((a) => a.subject) } })).map((a) => a.subject));
    for (const a of data.applicants.filter((p) => !known.has(p.subject))) {
      tx.create(UserAccount, { subject: a.subject, email: a.email, displayName: a.displayName, roles: ['APPLICANT'], unitIds: [] } as never);
    }
    const agreements = data.agreements.map((a) => ({ ...a, partnerErasmusCode: canonicalErasmusCode(a.partnerErasmusCode) ?? a.partnerErasmusCode }));
    await seedAgreements(tx as EntityManager, agreements);
  });

  const read = em.fork();
  const home = await read.findOneOrFail(Institution, { isHome: true });
  const units = new Map((await read.find(OrganisationalUnit, { institution: home })).map((u) => [u.code, u.id]));
  const unitId = (code: string) => {
    const id = units.get(code);
    if (!id) throw new Error(`mobility demo: unknown unit code ${code}`);
    return id;
  };
  const programmes = new Map((await read.find(MobilityProgramme, {})).map((p) => [p.code, p.id]));
  const version = async (table: 'mobility_call' | 'mobility_application', id: string) =>
    (await em.fork().execute<{ version: number }[]>(`select version from ${table} where id = ?`, [id]))[0].version;

  const now = Date.now();
  const today = Date.parse(new Date(now).toISOString().slice(0, 10));
  // Windows open at 09:00 and end at 23:59 Istanbul time (UTC+3).
  const opening = (days: number) => new Date(today + days * DAY + 6 * 3_600_000);
  const closing = (days: number) => new Date(today + days * DAY + (20 * 60 + 59) * 60_000);
  const linked: { call: MobilityCall; titleEn: string }[] = [];

  for (const seed of data.calls) {
    const programmeId = programmes.get(seed.programme);
    if (!programmeId) throw new Error(`mobility demo: unknown programme ${seed.programme}`);
    const closesAt = closing(seed.closesInDays);
    const appealEndsAt = seed.appealEndsInDays === undefined ? undefined : closing(seed.appealEndsInDays);
    const waiverDeadline = seed.waiverDeadlineInDays === undefined ? undefined : closing(seed.waiverDeadlineInDays);
    const past = closesAt.getTime() <= now;
    if (!past && seed.selection) throw new Error(`mobility demo: call ${seed.key} is still open, so it cannot have been evaluated`);
    // Applications need an open window: a closed call is first open until shortly after the seed.
    const openUntil = past ? new Date(now + 3_600_000) : closesAt;
    let call = await createCall(as(OFFICE), {
      programmeId: toGlobalId(PROGRAMME_TYPE, programmeId),
      mobilityType: seed.mobilityType as MobilityType,
      academicYear: seed.academicYear,
      title: seed.title,
      opensAt: opening(seed.opensInDays),
      closesAt: openUntil,
      appealEndsAt: past ? undefined : appealEndsAt,
      waiverDeadline: past ? undefined : waiverDeadline,
      maxPreferences: seed.maxPreferences,
      minGpa: seed.minGpa,
      minLanguageScore: seed.minLanguageScore,
      requiredDocuments: seed.requiredDocuments,
      zeroGrant: seed.zeroGrant,
      reserveListSize: seed.reserveListSize,
    });
    const callGid = toGlobalId(CALL_TYPE, call.id);
    await publishCall(as(OFFICE), callGid, await version('mobility_call', call.id));
    if (seed.quotas?.length) {
      const quotas = seed.quotas.map((q) => ({ unitId: toGlobalId(UNIT_TYPE, unitId(q.unit)), isced: q.isced, places: q.places, grantedPlaces: q.grantedPlaces }));
      await setQuotas(as(OFFICE), callGid, await version('mobility_call', call.id), quotas);
    }
    await generatePlaces(as(OFFICE), callGid);
    const choose = await placeChooser(em.fork(), call.id);

    const applications = new Map<DemoApplication, string>();
    for (const a of seed.applications) {
      const unit = unitId(a.unit);
      const created = await createApplication(applicant(a.applicant), {
        callId: callGid,
        unitId: toGlobalId(UNIT_TYPE, unit),
        studyLevel: a.studyLevel,
        yearOfStudy: a.yearOfStudy,
        fieldOfStudy: a.fieldOfStudy,
        gpa: a.gpa,
        languageExam: a.languageExam,
        languageScore: a.languageScore,
        citizenships: a.citizenships,
        plannedMonths: a.plannedMonths,
        plannedDays: a.plannedDays,
        acceptsZeroGrant: a.acceptsZeroGrant,
        declaredFacts: a.declaredFacts,
        documents: a.documents,
        preferences: await Promise.all(a.preferences.map((code) => choose(code, unit, a, `${seed.key}: ${a.applicant}`))),
      });
      applications.set(a, created.id);
      if (a.submit !== false) {
        await submitApplication(applicant(a.applicant), toGlobalId(APPLICATION_TYPE, created.id), await version('mobility_application', created.id));
      }
    }

    if (past) {
      call = await updateCall(as(OFFICE), {
        id: callGid,
        version: await version('mobility_call', call.id),
        closesAt,
        appealEndsAt: appealEndsAt ?? null,
        waiverDeadline: waiverDeadline ?? null,
      });
    }
    if (seed.selection) await evaluateCall(as(OFFICE), callGid);
    if (seed.selection === 'PLACED' || seed.selection === 'PUBLISHED') await runPlacement(as(OFFICE), callGid);
    if (seed.selection === 'PUBLISHED') await publishResults(as(OFFICE), callGid);

    for (const [a, id] of applications) {
      for (const step of a.then ?? []) {
        const input = { id: toGlobalId(APPLICATION_TYPE, id), version: await version('mobility_application', id), reason: step.reason };
        if (step.by === 'OFFICE') await changeApplicationStatus(as(OFFICE), { ...input, to: step.to });
        else if (step.to === ApplicationStatus.WAIVED) await waiveApplication(applicant(a.applicant), input);
        else if (step.to === ApplicationStatus.WITHDRAWN) await withdrawApplication(applicant(a.applicant), input);
        else throw new Error(`mobility demo: an applicant cannot move an application to ${step.to}`);
      }
    }

    const statuses = new Map((await em.fork().find(MobilityApplication, { call: call.id }, { fields: ['status'] })).map((r) => [r.id, r.status]));
    for (const [a, id] of applications) {
      if (a.expect && statuses.get(id) !== a.expect) {
        log.warn({ call: seed.key, applicant: a.applicant, expected: a.expect, actual: statuses.get(id) }, 'mobility demo: an application ended in another status than the seed data expects');
      }
    }
    if (seed.announcement) linked.push({ call, titleEn: seed.announcement.titleEn });
    if (past) await backdate(em.fork(), call.id);
  }

  await linkAnnouncements(em, linked, log);
}

/**
 * The services stamp every step with the time it ran, so a past call seeded today would show applications submitted
 * and results published today. This moves its timeline to where it belongs: applications spread over the window,
 * evaluation 3 days after closing, placement after 6, results after 7, and the later steps (waivers, nominations, the
 * host's answers, cancellations) a day apart after that, never later than yesterday.
 */
async function backdate(em: EntityManager, callId: string): Promise<void> {
  await em.transactional(async (tx) => {
    const run = (sql: string) => tx.execute(sql, [callId]);
    await run(`update mobility_call set evaluated_at = closes_at + interval '3 days', placement_run_at = closes_at + interval '6 days',
                      results_published_at = case when results_published_at is null then null else closes_at + interval '7 days' end
                where id = ? and evaluated_at is not null`);
    await run(`update mobility_application a
                  set created_at = c.opens_at + (c.closes_at - c.opens_at) * (n.pos / (n.total + 1.0)),
                      submitted_at = case when a.submitted_at is null then null
                                          else c.opens_at + (c.closes_at - c.opens_at) * (n.pos / (n.total + 1.0)) + interval '2 hours' end
                 from mobility_call c,
                      (select id, row_number() over (order by number) as pos, count(*) over () as total from mobility_application where call_id = ?) n
                where a.id = n.id and c.id = a.call_id`);
    await tx.execute(
      `with later as (
         select h.id, row_number() over (order by h.at, h.id) as pos
           from mobility_application_status_change h join mobility_application a on a.id = h.application_id
          where a.call_id = ? and h.from not in ('DRAFT', 'SUBMITTED', 'ELIGIBLE', 'SCORED'))
       update mobility_application_status_change h
          set at = case
                     when h.to = 'DRAFT' then a.created_at
                     when h.to = 'SUBMITTED' then a.submitted_at
                     when h.from in ('SUBMITTED', 'ELIGIBLE') then c.evaluated_at
                     when h.from = 'SCORED' then c.placement_run_at
                     else least(now() - interval '1 day',
                                coalesce(c.results_published_at, c.placement_run_at) + (select pos from later where later.id = h.id) * interval '1 day')
                   end
         from mobility_application a join mobility_call c on c.id = a.call_id
        where h.application_id = a.id and c.id = ?`,
      [callId, callId],
    );
  });
}

/**
 * Resolves a preference (a partner's Erasmus code) to the call's place the applicant may choose: one for their unit or
 * a unit above it (or for anyone), at their study level and in their field; the first in the call's order when several
 * fit (the same checks the application service makes).
 */
async function placeChooser(em: EntityManager, callId: string) {
  const places = await em.find(CallPlace, { call: callId }, { populate: ['partner'], orderBy: { position: 'asc' } });
  const lineages = new Map<string, string[]>();
  return async (code: string, unitId: string, applicant: Pick<DemoApplication, 'studyLevel' | 'fieldOfStudy'>, who: string): Promise<string> => {
    const { studyLevel: level, fieldOfStudy: field } = applicant;
    if (!lineages.has(unitId)) lineages.set(unitId, (await fetchLineages(em, [unitId]))[0]);
    const lineage = lineages.get(unitId)!;
    const erasmusCode = canonicalErasmusCode(code) ?? code;
    const place = places.find(
      (p) =>
        p.partner.getEntity().erasmusCode === erasmusCode &&
        (!p.sendingUnit || lineage.includes(p.sendingUnit.id)) &&
        (!level || p.eqfLevels.length === 0 || p.eqfLevels.includes(EQF_OF_LEVEL[level])) &&
        (!field || p.iscedCodes.length === 0 || p.iscedCodes.some((c) => c.startsWith(field) || field.startsWith(c))),
    );
    if (!place) throw new Error(`mobility demo: ${who} prefers ${code}, but the call has no place there they may choose`);
    return toGlobalId(PLACE_TYPE, place.id);
  };
}

/**
 * Points the website's call announcements at their calls. Written on the row, as the content API's form of the link
 * (uuid or the call's global ID) is not settled; the call side reads the stored uuid either way.
 */
async function linkAnnouncements(em: EntityManager, linked: { call: MobilityCall; titleEn: string }[], log: Logger): Promise<void> {
  if (linked.length === 0) return;
  const announcements = await em.fork().find(ContentItem, { type: ContentType.ANNOUNCEMENT }, { fields: ['id', 'title'] });
  for (const { call, titleEn } of linked) {
    const item = announcements.find((c) => c.title.en === titleEn);
    if (!item) log.warn({ titleEn }, 'mobility demo: no announcement with this title to link to its call');
    else await em.fork().nativeUpdate(ContentItem, { id: item.id }, { mobilityCallId: call.id });
  }
}
