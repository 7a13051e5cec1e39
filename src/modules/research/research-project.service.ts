import { LockMode, UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { findPage } from '../../platform/db/pagination';
import { notFound, unauthenticated, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext, Transaction } from '../../platform/graphql/context';
import { fromGlobalId, pageRequest, type ConnectionArgs, type ConnectionShape } from '../../platform/graphql/relay';
import { Institution } from '../institutions/institution.entity';
import { INSTITUTION_TYPE } from '../institutions/institution.service';
import { ResearchCall, ResearchCallStatus, ResearchProgramme, ResearchProject, ResearchRole, ResearchSupportRequest, type ProjectPartnerRow } from './research.entity';
import { ResearchErrors } from './research.errors';
import type { CreateResearchProjectInput, ResearchProjectPartnerInput, UpdateResearchProjectInput } from './research.inputs';
import { researchProjectById } from './research.loaders';
import { money } from './research.rules';
import { RESEARCH_CALL_TYPE } from './research-call.service';
import { SUPPORT_REQUEST_TYPE } from './research-support.service';

export const RESEARCH_PROJECT_TYPE = 'ResearchProject';

export const PROJECT_EVENTS = { changed: 'researchProject.changed' };

const OFFICE_WORK = 'Research projects are recorded by the office';

// --- Reads ----------------------------------------------------------------------------------------------------------------

/** The office reads every project; the principal investigator their own; anyone else nothing (null). */
export function canRead(ctx: RequestContext, project: ResearchProject): boolean {
  return ctx.viewer.isOffice || (ctx.viewer.authenticated && project.piSubject === ctx.viewer.subject);
}

export async function getProject(ctx: RequestContext, id: string): Promise<ResearchProject | null> {
  const project = await ctx.loader(researchProjectById).load(id);
  return project && canRead(ctx, project) ? project : null;
}

/** The office: every project; anyone signed in: the projects they lead. Newest start first. */
export async function listProjects(ctx: RequestContext, args: ConnectionArgs & { programme?: ResearchProgramme | null }): Promise<ConnectionShape<ResearchProject>> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const where: FilterQuery<ResearchProject>[] = [];
  if (!ctx.viewer.isOffice) where.push({ piSubject: ctx.viewer.subject! });
  if (args.programme) where.push({ programme: args.programme });
  return findPage(ctx.em, ResearchProject, where.length ? { $and: where } : {}, [
    { field: 'startDate', direction: 'desc' },
    { field: 'id', direction: 'asc' },
  ], page);
}

/** The website's list: projects the office marked public, to be shown with their public fields only. */
export async function listPublicProjects(ctx: RequestContext, args: ConnectionArgs & { programme?: ResearchProgramme | null }): Promise<ConnectionShape<ResearchProject>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const where: FilterQuery<ResearchProject> = { publicListing: true, ...(args.programme ? { programme: args.programme } : {}) };
  return findPage(ctx.em, ResearchProject, where, [
    { field: 'startDate', direction: 'desc' },
    { field: 'id', direction: 'asc' },
  ], page);
}

// --- Changes ----------------------------------------------------------------------------------------------------------------

export async function createProject(ctx: RequestContext, input: CreateResearchProjectInput): Promise<ResearchProject> {
  assertOffice(ctx, OFFICE_WORK);
  const callId = input.callId ? fromGlobalId(input.callId, RESEARCH_CALL_TYPE, 'callId') : undefined;
  const requestId = input.supportRequestId ? fromGlobalId(input.supportRequestId, SUPPORT_REQUEST_TYPE, 'supportRequestId') : undefined;
  if (input.endDate <= input.startDate) throw ResearchErrors.invalidDates();
  return ctx.transaction(async (tx) => {
    if (callId) {
      const call = await tx.em.findOne(ResearchCall, { id: callId });
      if (!call || call.status === ResearchCallStatus.DRAFT) throw notFound(RESEARCH_CALL_TYPE, input.callId!);
    }
    if (requestId) {
      if (!(await tx.em.count(ResearchSupportRequest, { id: requestId }))) throw notFound(SUPPORT_REQUEST_TYPE, input.supportRequestId!);
      if (await tx.em.count(ResearchProject, { supportRequest: requestId })) throw ResearchErrors.requestAlreadyLinked();
    }
    if (await tx.em.count(ResearchProject, { grantAgreementNumber: input.grantAgreementNumber })) throw ResearchErrors.grantNumberTaken(input.grantAgreementNumber);
    const partners = await partnerRows(tx.em, input.partners ?? [], input.ourRole);
    const project = tx.em.create(ResearchProject, {
      acronym: input.acronym.trim(),
      title: input.title.trim(),
      grantAgreementNumber: input.grantAgreementNumber,
      programme: input.programme,
      call: callId,
      topicId: input.topicId?.trim() || undefined,
      ourRole: input.ourRole,
      partners,
      startDate: input.startDate,
      endDate: input.endDate,
      budgetTotal: money(input.budgetTotal),
      ourShare: money(input.ourShare),
      currency: input.currency ?? 'EUR',
      piSubject: input.piSubject.trim(),
      piName: input.piName.trim(),
      supportRequest: requestId,
      publicListing: input.publicListing ?? false,
    } as never);
    checkBudget(project);
    try {
      await tx.em.flush();
    } catch (e) {
      if (e instanceof UniqueConstraintViolationException) throw ResearchErrors.grantNumberTaken(input.grantAgreementNumber);
      throw e;
    }
    emit(tx, project, { created: true });
    return project;
  });
}

export async function updateProject(ctx: RequestContext, input: UpdateResearchProjectInput): Promise<ResearchProject> {
  assertOffice(ctx, OFFICE_WORK);
  const id = fromGlobalId(input.id, RESEARCH_PROJECT_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const project = await tx.em.findOne(ResearchProject, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!project) throw notFound(RESEARCH_PROJECT_TYPE, input.id);
    if (project.version !== input.version) throw versionConflict(RESEARCH_PROJECT_TYPE, input.version, project.version);
    if (input.title) project.title = input.title.trim();
    if (input.startDate) project.startDate = input.startDate;
    if (input.endDate) project.endDate = input.endDate;
    if (project.endDate <= project.startDate) throw ResearchErrors.invalidDates();
    if (input.topicId !== undefined && input.topicId !== null) project.topicId = input.topicId.trim() || undefined;
    if (input.partners) project.partners = await partnerRows(tx.em, input.partners, project.ourRole);
    if (input.budgetTotal) project.budgetTotal = money(input.budgetTotal);
    if (input.ourShare) project.ourShare = money(input.ourShare);
    if (input.currency) project.currency = input.currency;
    if (input.publicListing !== undefined && input.publicListing !== null) project.publicListing = input.publicListing;
    checkBudget(project);
    await tx.em.flush();
    emit(tx, project, { updated: true });
    return project;
  });
}

// --- Rules ------------------------------------------------------------------------------------------------------------------

/** Directory institutions, each once, never the home university; one coordinator in all (the university or a partner). */
async function partnerRows(em: EntityManager, given: ResearchProjectPartnerInput[], ourRole: ResearchRole): Promise<ProjectPartnerRow[]> {
  const rows = given.map((p, i) => ({
    institutionId: fromGlobalId(p.institutionId, INSTITUTION_TYPE, `partners[${i}].institutionId`),
    role: p.role,
    coordinator: !!p.coordinator,
  }));
  rows.forEach((r, i) => {
    if (rows.findIndex((o) => o.institutionId === r.institutionId) !== i) throw ResearchErrors.duplicatePartner(`partners[${i}].institutionId`);
  });
  const coordinators = rows.filter((r) => r.coordinator).length + (ourRole === ResearchRole.COORDINATOR ? 1 : 0);
  if (coordinators > 1) throw ResearchErrors.tooManyCoordinators();
  if (!rows.length) return rows;
  const found = await em.find(Institution, { id: { $in: rows.map((r) => r.institutionId) } }, { fields: ['id', 'isHome'] });
  if (found.length !== rows.length) throw ResearchErrors.institutionsNotFound('partners');
  const home = found.find((f) => f.isHome);
  if (home) throw ResearchErrors.homeAsPartner(`partners[${rows.findIndex((r) => r.institutionId === home.id)}].institutionId`);
  return rows;
}

function checkBudget(project: ResearchProject): void {
  if (project.budgetTotal !== undefined && project.ourShare !== undefined && Number(project.ourShare) > Number(project.budgetTotal)) {
    throw ResearchErrors.invalidBudget('ourShare', 'Our share is more than the project’s total');
  }
}

function emit(tx: Transaction, project: ResearchProject, payload: Record<string, unknown>): void {
  tx.emit({ type: PROJECT_EVENTS.changed, aggregateType: RESEARCH_PROJECT_TYPE, aggregateId: project.id, aggregateVersion: project.version, payload });
}
