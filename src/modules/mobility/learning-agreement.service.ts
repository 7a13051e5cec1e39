/**
 * Learning agreements: the first version, change proposals, signatures and rejections, with the access rules.
 *
 * Access follows the application: whoever may read the application (the student, coordinators of the student's unit
 * and the units above it, the office) reads its learning agreement and may propose a version; anyone else gets
 * NOT_FOUND. Signing is per party: STUDENT only the student; SENDING the office or a coordinator of the student's unit;
 * RECEIVING the office, recording the partner's approval. A version is approved (and in force) once all three signed;
 * the version it replaces stays APPROVED in the history, and `approvedVersionNumber` names the one in force.
 */
import DataLoader from 'dataloader';
import { sqlArray } from '../../platform/db/sql-array';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { randomUUID } from 'node:crypto';
import { notFound, unauthenticated, versionConflict } from '../../platform/errors/domain-error';
import { defineLoader, type RequestContext, type Transaction } from '../../platform/graphql/context';
import { fromGlobalId } from '../../platform/graphql/relay';
import { fetchLineages, unitLineage } from '../institutions/institution.loaders';
import { UserAccount } from '../accounts/user-account.entity';
import { ApplicationStatus as S, MobilityApplication } from './application.entity';
import { APPLICATION_TYPE, canRead } from './application.service';
import { MobilityCall } from './call.entity';
import { HomeCourse } from './course.entity';
import { HOME_COURSE_TYPE } from './course.service';
import { buildLaXml } from './la-xml';
import {
  LaVersionKind,
  LaVersionState,
  LearningAgreement,
  LearningAgreementVersion,
  type LaComponentRow,
  LaParty,
  type LaSignatureRow,
} from './learning-agreement.entity';
import { LaErrors } from './learning-agreement.errors';
import type {
  LaComponentInput,
  ProposeLearningAgreementChangeInput,
  ProposeLearningAgreementInput,
  RejectLearningAgreementVersionInput,
  SignLearningAgreementInput,
} from './learning-agreement.inputs';
import { applyChange, checkComponent, laWarnings, type LaWarning, type MobilityFacts } from './learning-agreement.rules';
import { applicationById, callById } from './mobility.loaders';

export const LA_TYPE = 'LearningAgreement';
export const LA_EVENTS = { changed: 'learningAgreement.changed' };

/** From nomination to the end of the stay: before, there is no host; after, recognition works from what was agreed. */
const OPEN_STATUSES: readonly S[] = [S.NOMINATED, S.ACCEPTED, S.LIVE];
/** Staff mobilities (STA, STT) have a mobility agreement instead. */
const STUDENT_TYPES = ['SMS', 'SMT'];
const PARTIES: readonly LaParty[] = [LaParty.STUDENT, LaParty.SENDING, LaParty.RECEIVING];
const HUB_APP = 'IRO Hub';

// --- Loaders --------------------------------------------------------------------------------------------------------------

export const laById = defineLoader('learningAgreementById', (ctx) =>
  new DataLoader<string, LearningAgreement | null>(async (ids) => {
    const rows = await ctx.em.find(LearningAgreement, { id: { $in: [...ids] } });
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }),
);

export const laByApplication = defineLoader('learningAgreementByApplication', (ctx) =>
  new DataLoader<string, LearningAgreement | null>(async (ids) => {
    const rows = await ctx.em.find(LearningAgreement, { application: { $in: [...ids] } });
    const map = new Map(rows.map((r) => [r.application.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  }),
);

/** All versions of each learning agreement, newest first. */
export const versionsByLa = defineLoader('learningAgreementVersionsByLa', (ctx) =>
  new DataLoader<string, LearningAgreementVersion[]>(async (ids) => {
    const rows = await ctx.em.find(LearningAgreementVersion, { learningAgreement: { $in: [...ids] } }, { orderBy: { number: 'desc' } });
    const map = new Map<string, LearningAgreementVersion[]>();
    for (const row of rows) map.set(row.learningAgreement.id, [...(map.get(row.learningAgreement.id) ?? []), row]);
    return ids.map((id) => map.get(id) ?? []);
  }),
);

// --- Reads ------------------------------------------------------------------------------------------------------------------

/** A learning agreement by uuid, or null when it does not exist or the viewer may not read its application. */
export async function getLearningAgreement(ctx: RequestContext, id: string): Promise<LearningAgreement | null> {
  const la = await ctx.loader(laById).load(id);
  if (!la) return null;
  const application = await ctx.loader(applicationById).load(la.application.id);
  return application && (await canRead(ctx, application)) ? la : null;
}

/** `MobilityApplication.learningAgreement`: same audience as the application. */
export async function learningAgreementOf(ctx: RequestContext, application: MobilityApplication): Promise<LearningAgreement | null> {
  if (!(await canRead(ctx, application))) return null;
  return ctx.loader(laByApplication).load(application.id);
}

export async function applicationOf(ctx: RequestContext, la: LearningAgreement): Promise<MobilityApplication> {
  return (await ctx.loader(applicationById).load(la.application.id))!;
}

export function versionsOf(ctx: RequestContext, la: LearningAgreement): Promise<LearningAgreementVersion[]> {
  return ctx.loader(versionsByLa).load(la.id);
}

export async function approvedVersionOf(ctx: RequestContext, la: LearningAgreement): Promise<LearningAgreementVersion | null> {
  if (la.approvedVersionNumber == null) return null;
  return (await versionsOf(ctx, la)).find((v) => v.number === la.approvedVersionNumber) ?? null;
}

export async function pendingVersionOf(ctx: RequestContext, la: LearningAgreement): Promise<LearningAgreementVersion | null> {
  return (await versionsOf(ctx, la)).find((v) => v.state === LaVersionState.PROPOSED) ?? null;
}

/** A component named by a change: in this version's list, else in an earlier version of the same agreement (a deletion). */
export async function componentOfChange(ctx: RequestContext, version: LearningAgreementVersion, componentId: string): Promise<LaComponentRow | null> {
  const own = version.components.find((c) => c.id === componentId);
  if (own) return own;
  for (const v of await ctx.loader(versionsByLa).load(version.learningAgreement.id)) {
    const found = v.components.find((c) => c.id === componentId);
    if (found) return found;
  }
  return null;
}

/** The warnings of a version, from the mobility's type and planned months (batched: no statement per version). */
export async function warningsOf(ctx: RequestContext, version: LearningAgreementVersion): Promise<LaWarning[]> {
  const la = (await ctx.loader(laById).load(version.learningAgreement.id))!;
  const application = (await ctx.loader(applicationById).load(la.application.id))!;
  const call = (await ctx.loader(callById).load(application.call.id))!;
  const facts: MobilityFacts = { mobilityType: call.mobilityType, plannedMonths: application.plannedMonths };
  return laWarnings(version.components, facts);
}

/** The EWP omobility-las get response of this agreement (read in full: one document, not a list). */
export function learningAgreementXml(ctx: RequestContext, la: LearningAgreement): Promise<string> {
  return buildLaXml(ctx.em, la.id);
}

/**
 * For other areas (recognition): the components of the approved version in force, or null while nothing is approved.
 * Component ids are stable across versions.
 */
export async function agreedComponents(em: EntityManager, applicationId: string): Promise<LaComponentRow[] | null> {
  return (await agreedComponentsOf(em, [applicationId])).get(applicationId) ?? null;
}

/** The same for many applications in one statement (absent: nothing approved yet). */
async function agreedComponentsOf(em: EntityManager, applicationIds: readonly string[]): Promise<Map<string, LaComponentRow[]>> {
  const rows = await em.execute<{ application_id: string; components: unknown }[]>(
    `select la.application_id::text as application_id, v.components
       from learning_agreement la
       join learning_agreement_version v on v.learning_agreement_id = la.id and v.number = la.approved_version_number
      where la.application_id = any(?::uuid[])`,
    [sqlArray(applicationIds)],
  );
  return new Map(rows.map((r) => [r.application_id, (typeof r.components === 'string' ? JSON.parse(r.components) : r.components) as LaComponentRow[]]));
}

export const agreedComponentsByApplication = defineLoader('agreedComponentsByApplication', (ctx) =>
  new DataLoader<string, LaComponentRow[] | null>(async (ids) => {
    const byApplication = await agreedComponentsOf(ctx.em, ids);
    return ids.map((id) => byApplication.get(id) ?? null);
  }),
);

// --- Changes ---------------------------------------------------------------------------------------------------------------

/** The first version; replaces a pending first version. Refused once a first version is approved (use a change). */
export async function proposeLearningAgreement(ctx: RequestContext, input: ProposeLearningAgreementInput): Promise<LearningAgreement> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const applicationId = fromGlobalId(input.applicationId, APPLICATION_TYPE, 'applicationId');
  return ctx.transaction(async (tx) => {
    // The application's row lock makes two first proposals for one mobility take turns (the second finds the first).
    const application = await tx.em.findOne(MobilityApplication, { id: applicationId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!application || !(await canRead(ctx, application))) throw notFound(APPLICATION_TYPE, input.applicationId);
    await assertOpen(tx.em, application);
    let la = await tx.em.findOne(LearningAgreement, { application: application.id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (la && input.version != null && la.version !== input.version) throw versionConflict(LA_TYPE, input.version, la.version);
    if (la?.approvedVersionNumber != null) throw LaErrors.firstVersionApproved();
    const components = await toRows(tx.em, input.components, 'components');
    components.forEach((c, i) => checkComponent(c, `components.${i}`));
    if (!la) la = tx.em.create(LearningAgreement, { application } as never);
    la.studentLanguage = input.studentLanguage;
    la.studentCefrLevel = input.studentCefrLevel;
    await propose(tx, ctx, la, LaVersionKind.FIRST_VERSION, components, []);
    await announce(tx, la, application, 'PROPOSED');
    return la;
  });
}

/** A change to the approved version in force (A2/B2/C2); supersedes a pending proposal. */
export async function proposeLearningAgreementChange(ctx: RequestContext, input: ProposeLearningAgreementChangeInput): Promise<LearningAgreement> {
  return onLearningAgreement(ctx, input.learningAgreementId, input.version, async (tx, la, application) => {
    await assertOpen(tx.em, application);
    if (la.approvedVersionNumber == null) throw LaErrors.noApprovedVersion();
    const base = await tx.em.findOneOrFail(LearningAgreementVersion, { learningAgreement: la.id, number: la.approvedVersionNumber });
    const inserted = await toRows(tx.em, input.insert, 'insert');
    const { components, changes } = applyChange(
      base.components,
      inserted.map((row, i) => ({ ...row, reason: input.insert[i].reason, reasonText: input.insert[i].reasonText })),
      input.delete.map((d) => ({ componentId: d.componentId, reason: d.reason, reasonText: d.reasonText })),
    );
    await propose(tx, ctx, la, LaVersionKind.CHANGE_PROPOSAL, components, changes);
    await announce(tx, la, application, 'PROPOSED');
    return la;
  });
}

/** One party's signature on the pending version; the third one approves it and puts it in force. */
export async function signLearningAgreement(ctx: RequestContext, input: SignLearningAgreementInput): Promise<LearningAgreement> {
  return onLearningAgreement(ctx, input.learningAgreementId, null, async (tx, la, application) => {
    const version = await pendingVersion(tx.em, la, input.versionNumber);
    const party = input.party;
    await assertParty(ctx, application, party);
    if (version.signatures.some((s) => s.party === party)) throw LaErrors.alreadySigned(party);
    version.signatures = [...version.signatures, await signature(tx.em, ctx, application, input)];
    const approved = PARTIES.every((p) => version.signatures.some((s) => s.party === p));
    if (approved) {
      version.state = LaVersionState.APPROVED;
      version.decidedAt = new Date();
      la.approvedVersionNumber = version.number;
    }
    la.updatedAt = new Date();
    await tx.em.flush();
    await announce(tx, la, application, approved ? 'APPROVED' : 'SIGNED');
    return la;
  });
}

/** A party refuses the pending version with a comment; the approved version (if any) stays in force. */
export async function rejectLearningAgreementVersion(ctx: RequestContext, input: RejectLearningAgreementVersionInput): Promise<LearningAgreement> {
  return onLearningAgreement(ctx, input.learningAgreementId, null, async (tx, la, application) => {
    const version = await pendingVersion(tx.em, la, input.versionNumber);
    await assertParty(ctx, application, input.party);
    version.state = LaVersionState.REJECTED;
    version.rejectedBy = input.party;
    version.rejectionComment = input.comment.trim();
    version.decidedAt = new Date();
    la.updatedAt = new Date();
    await tx.em.flush();
    await announce(tx, la, application, 'REJECTED');
    return la;
  });
}

// --- Helpers ---------------------------------------------------------------------------------------------------------------

/** Runs a change on a locked learning agreement the viewer may read (NOT_FOUND otherwise), version-checked when given. */
async function onLearningAgreement<T>(
  ctx: RequestContext,
  globalId: string,
  version: number | null,
  fn: (tx: Transaction, la: LearningAgreement, application: MobilityApplication) => Promise<T>,
): Promise<T> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const id = fromGlobalId(globalId, LA_TYPE, 'learningAgreementId');
  return ctx.transaction(async (tx) => {
    const la = await tx.em.findOne(LearningAgreement, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const application = la ? await tx.em.findOne(MobilityApplication, { id: la.application.id }) : null;
    if (!la || !application || !(await canRead(ctx, application))) throw notFound(LA_TYPE, globalId);
    if (version != null && la.version !== version) throw versionConflict(LA_TYPE, version, la.version);
    return fn(tx, la, application);
  });
}

async function assertOpen(em: EntityManager, application: MobilityApplication): Promise<void> {
  if (!OPEN_STATUSES.includes(application.status)) throw LaErrors.wrongStatus(application.status);
  const call = await em.findOneOrFail(MobilityCall, { id: application.call.id });
  if (!STUDENT_TYPES.includes(call.mobilityType)) throw LaErrors.notStudentMobility(call.mobilityType);
}

/** Supersedes the pending proposal, if any, and adds the new one with the next number. */
async function propose(
  tx: Transaction,
  ctx: RequestContext,
  la: LearningAgreement,
  kind: LaVersionKind,
  components: LaComponentRow[],
  changes: LearningAgreementVersion['changes'],
): Promise<void> {
  const versions = await tx.em.find(LearningAgreementVersion, { learningAgreement: la.id });
  const now = new Date();
  for (const v of versions.filter((x) => x.state === LaVersionState.PROPOSED)) {
    v.state = LaVersionState.SUPERSEDED;
    v.decidedAt = now;
  }
  const number = Math.max(0, ...versions.map((v) => v.number)) + 1;
  tx.em.create(LearningAgreementVersion, { learningAgreement: la, number, kind, components, changes, signatures: [], proposedBy: ctx.viewer.subject!, proposedAt: now } as never);
  la.updatedAt = now;
  await tx.em.flush();
}

/** Component inputs as stored rows with fresh stable ids; Table B home courses must be active (title and code taken from them when left out). */
async function toRows(em: EntityManager, inputs: LaComponentInput[], field: string): Promise<LaComponentRow[]> {
  const courseIds = inputs.map((c, i) => (c.homeCourseId ? fromGlobalId(c.homeCourseId, HOME_COURSE_TYPE, `${field}.${i}.homeCourseId`) : null));
  const wanted = courseIds.filter((id): id is string => !!id);
  const courses = wanted.length ? await em.find(HomeCourse, { id: { $in: wanted }, active: true }) : [];
  const byId = new Map(courses.map((c) => [c.id, c]));
  return inputs.map((c, i) => {
    const courseId = courseIds[i];
    const course = courseId ? byId.get(courseId) : undefined;
    if (courseId && !course) throw LaErrors.homeCourseUnavailable(`${field}.${i}.homeCourseId`);
    return {
      id: randomUUID(),
      table: c.table,
      code: c.code?.trim() || course?.code || null,
      title: c.title?.trim() || course?.title.en || course?.title.tr || '',
      termNumber: c.termNumber ?? null,
      totalTerms: c.totalTerms ?? null,
      ects: c.ects,
      homeCourseId: courseId,
      note: c.note?.trim() || null,
    };
  });
}

async function pendingVersion(em: EntityManager, la: LearningAgreement, number: number): Promise<LearningAgreementVersion> {
  const version = await em.findOne(LearningAgreementVersion, { learningAgreement: la.id, number });
  if (!version) throw LaErrors.versionNotFound(number);
  if (version.state !== LaVersionState.PROPOSED) throw LaErrors.versionNotPending(number, version.state);
  return version;
}

/** Who may sign or reject for a party (the viewer already may read the application). */
async function assertParty(ctx: RequestContext, application: MobilityApplication, party: LaParty): Promise<void> {
  if (party === 'STUDENT') {
    if (ctx.viewer.subject !== application.applicantSubject) throw LaErrors.partyNotYours(party, 'the student');
    return;
  }
  if (ctx.viewer.isOffice) return;
  if (party === 'SENDING' && ctx.viewer.coordinates(await ctx.loader(unitLineage).load(application.unit.id))) return;
  throw LaErrors.partyNotYours(party, party === 'SENDING' ? 'the office or a coordinator of the student’s unit' : 'the office (recording the partner’s approval)');
}

async function signature(em: EntityManager, ctx: RequestContext, application: MobilityApplication, input: SignLearningAgreementInput): Promise<LaSignatureRow> {
  const at = new Date().toISOString();
  const signerApp = input.signerApp?.trim() || HUB_APP;
  if (input.party === 'STUDENT') {
    const account = await em.findOne(UserAccount, { subject: application.applicantSubject });
    return {
      party: LaParty.STUDENT,
      signerName: input.signerName?.trim() || account?.displayName || application.applicantSubject,
      signerPosition: input.signerPosition?.trim() || null,
      signerEmail: input.signerEmail ?? account?.email ?? null,
      at,
      signerApp,
    };
  }
  // EWP: an institution's signature MUST carry the signer's name, position and e-mail.
  if (!input.signerName?.trim()) throw LaErrors.signerRequired('signerName');
  if (!input.signerPosition?.trim()) throw LaErrors.signerRequired('signerPosition');
  if (!input.signerEmail) throw LaErrors.signerRequired('signerEmail');
  return { party: input.party, signerName: input.signerName.trim(), signerPosition: input.signerPosition.trim(), signerEmail: input.signerEmail, at, signerApp };
}

/** Dashboards and the student hear about every step; scoped like the application's own events. */
async function announce(tx: Transaction, la: LearningAgreement, application: MobilityApplication, action: string): Promise<void> {
  const [lineage] = await fetchLineages(tx.em, [application.unit.id]);
  tx.emit({
    type: LA_EVENTS.changed,
    aggregateType: LA_TYPE,
    aggregateId: la.id,
    aggregateVersion: la.version,
    scopeUnitIds: lineage,
    payload: { applicantSubject: application.applicantSubject, applicationId: application.id, action, approvedVersionNumber: la.approvedVersionNumber ?? null },
  });
}
