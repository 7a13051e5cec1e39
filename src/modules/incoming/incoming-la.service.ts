/**
 * Learning agreements of incoming students from the receiving side (EWP: the sending HEI proposes, the receiving HEI
 * approves or comments). The proposal is entered by the nominee for their sending institution, or by the office from the
 * partner's message; the host (office or the host unit's coordinators) answers. A new proposal supersedes a pending one;
 * answered proposals stay as history. Table A lists courses of our catalogue, Table C virtual components.
 */
import { forbidden, unauthenticated } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId } from '../../platform/graphql/relay';
import { HomeCourse } from '../mobility/course.entity';
import { HOME_COURSE_TYPE } from '../mobility/course.service';
import {
  AcademicTerm,
  IncomingLaProposal,
  IncomingMobility,
  IncomingStatus as S,
  LaDecision,
  type IncomingLaComponentRow,
} from './incoming-mobility.entity';
import { announceIncoming, INCOMING_TYPE, withIncoming } from './incoming-mobility.service';
import { incomingById } from './incoming.loaders';
import { IntakeErrors } from './intake.errors';
import { laEctsWarnings, type EctsWarning } from './nomination-matching.rules';

export interface LaComponentInput {
  table: 'A' | 'C';
  courseId?: string | null;
  title?: string | null;
  ects?: number | null;
  semester?: 'FALL' | 'SPRING' | null;
}

/** While a proposal makes sense: from the nomination until the stay ends. */
const OPEN_FOR_PROPOSALS: readonly S[] = [S.NOMINATED, S.APPLIED, S.INFO_REQUESTED, S.ACCEPTED, S.ARRIVED];

export async function proposeIncomingLa(ctx: RequestContext, input: { mobilityId: string; version: number; components: LaComponentInput[] }): Promise<IncomingMobility> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const id = fromGlobalId(input.mobilityId, INCOMING_TYPE, 'mobilityId');
  const own = (await ctx.em.count(IncomingMobility, { id, nomineeSubject: ctx.viewer.subject! })) > 0;
  return withIncoming(ctx, input.mobilityId, input.version, own ? 'NOMINEE' : 'HOST', async (tx, mobility) => {
    // The receiving side answers proposals; it enters one only as the office, from the partner's message.
    if (!own && !ctx.viewer.isOffice) throw forbidden('Proposals come from the sending side: the nominee, or the office entering the partner’s');
    if (mobility.mobilityType !== 'SMS') throw IntakeErrors.laNotForType(mobility.mobilityType);
    if (!OPEN_FOR_PROPOSALS.includes(mobility.status)) throw IntakeErrors.laNotOpen(mobility.status);
    const components = await componentRows(ctx, mobility, input.components);
    const proposals = await tx.em.find(IncomingLaProposal, { mobility: mobility.id });
    for (const p of proposals) if (p.decision === LaDecision.PENDING && !p.superseded) p.superseded = true;
    const revision = proposals.reduce((max, p) => Math.max(max, p.revision), 0) + 1;
    tx.em.create(IncomingLaProposal, { mobility, revision, components, proposedBy: ctx.viewer.subject!, proposedAt: new Date() } as never);
    mobility.updatedAt = new Date();
    await tx.em.flush();
    await announceIncoming(tx, mobility, { changed: 'learningAgreement', revision });
    return mobility;
  });
}

async function componentRows(ctx: RequestContext, mobility: IncomingMobility, inputs: LaComponentInput[]): Promise<IncomingLaComponentRow[]> {
  const courseIds = inputs.map((c, i) => (c.table === 'A' && c.courseId ? fromGlobalId(c.courseId, HOME_COURSE_TYPE, `components[${i}].courseId`) : null));
  const wanted = courseIds.filter((c): c is string => !!c);
  const courses = new Map((wanted.length ? await ctx.em.find(HomeCourse, { id: { $in: wanted }, active: true }) : []).map((c) => [c.id, c]));
  const single = mobility.term === AcademicTerm.FULL_YEAR ? null : mobility.term;
  return inputs.map((input, i) => {
    const field = `components[${i}]`;
    if (input.table === 'C') {
      if (input.courseId) throw IntakeErrors.laComponent(`${field}.courseId`, 'Table C lists virtual components, not catalogue courses');
      const title = input.title?.trim();
      if (!title) throw IntakeErrors.laComponent(`${field}.title`, 'A virtual component needs a title');
      if (input.ects == null) throw IntakeErrors.laComponent(`${field}.ects`, 'A virtual component needs its ECTS credits');
      return { table: 'C', title, ects: input.ects, ...(input.semester ? { semester: input.semester } : {}) };
    }
    const courseId = courseIds[i];
    if (!courseId) throw IntakeErrors.laComponent(`${field}.courseId`, 'Table A lists courses of our catalogue: give the course');
    if (courseIds.indexOf(courseId) !== i) throw IntakeErrors.laComponent(`${field}.courseId`, 'A course appears twice');
    const course = courses.get(courseId);
    if (!course) throw IntakeErrors.courseNotOffered(`${field}.courseId`);
    // The semester: as given, else the course's own, else the stay's (a course taught in both, in a one-term stay).
    const semester = input.semester ?? (course.semester === 'FALL' || course.semester === 'SPRING' ? course.semester : single);
    if (!semester) throw IntakeErrors.laComponent(`${field}.semester`, 'The course is taught in both semesters: say which one (full-year stay)');
    return {
      table: 'A',
      courseId: course.id,
      code: course.code,
      title: course.title.en ?? course.title.tr ?? course.code,
      ects: Number(course.ects),
      semester,
    };
  });
}

export async function answerIncomingLa(
  ctx: RequestContext,
  input: { mobilityId: string; version: number; revision: number; decision: LaDecision; comment?: string | null; signerName?: string | null; signerPosition?: string | null },
): Promise<IncomingMobility> {
  const comment = input.comment?.trim() || undefined;
  const signerName = input.signerName?.trim() || undefined;
  const signerPosition = input.signerPosition?.trim() || undefined;
  if (input.decision === LaDecision.PENDING) throw IntakeErrors.laComponent('decision', 'Answer APPROVED or COMMENTED');
  if (input.decision === LaDecision.APPROVED) {
    if (!signerName) throw IntakeErrors.signerRequired('signerName');
    if (!signerPosition) throw IntakeErrors.signerRequired('signerPosition');
  }
  if (input.decision === LaDecision.COMMENTED && !comment) throw IntakeErrors.commentRequired();
  return withIncoming(ctx, input.mobilityId, input.version, 'HOST', async (tx, mobility) => {
    const proposal = await tx.em.findOne(IncomingLaProposal, { mobility: mobility.id, revision: input.revision });
    if (!proposal) throw IntakeErrors.laProposalNotFound(input.revision);
    if (proposal.superseded) throw IntakeErrors.laSuperseded(input.revision);
    if (proposal.decision !== LaDecision.PENDING) throw IntakeErrors.laAlreadyAnswered(input.revision, proposal.decision);
    proposal.decision = input.decision;
    proposal.comment = comment;
    proposal.signerName = input.decision === LaDecision.APPROVED ? signerName : undefined;
    proposal.signerPosition = input.decision === LaDecision.APPROVED ? signerPosition : undefined;
    proposal.signerSubject = ctx.viewer.subject!;
    proposal.answeredAt = new Date();
    mobility.updatedAt = new Date();
    await tx.em.flush();
    await announceIncoming(tx, mobility, { changed: 'learningAgreement', revision: proposal.revision, decision: proposal.decision });
    return mobility;
  });
}

/** The proposal's ECTS warnings for the stay's term (see laEctsWarnings). */
export async function warningsOfProposal(ctx: RequestContext, proposal: IncomingLaProposal): Promise<EctsWarning[]> {
  const mobility = await ctx.loader(incomingById).load(proposal.mobility.id);
  return mobility ? laEctsWarnings(mobility.term, proposal.components) : [];
}
