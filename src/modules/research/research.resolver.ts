import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { IsOptional, Length } from 'class-validator';
import { OFFICE_ROLES } from '../../platform/auth/viewer';
import type { DeliveredEvent } from '../../platform/events/outbox';
import type { RequestContext } from '../../platform/graphql/context';
import { LocaleCode, LocalisedText, pickLocale } from '../../platform/graphql/localised-text';
import { ConnectionArgs, ConnectionType, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { Announcement, ContentEvent, type ContentItem } from '../content/content.entity';
import { getContent } from '../content/content.service';
import { Institution } from '../institutions/institution.entity';
import { institutionById, unitById } from '../institutions/institution.loaders';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import {
  ResearchCall,
  ResearchCallSubscription,
  ResearchProgramme,
  ResearchProject,
  ResearchRole,
  ResearchSupportNote,
  ResearchSupportRequest,
} from './research.entity';
import {
  CreateResearchCallInput,
  CreateResearchProjectInput,
  FileResearchSupportRequestInput,
  ResearchCallListArgs,
  ResearchCallSubscriptionInput,
  ResearchSupportListArgs,
  ResearchSupportNoteInput,
  UpdateResearchCallInput,
  UpdateResearchProjectInput,
} from './research.inputs';
import { researchCallById } from './research.loaders';
import {
  announceCall,
  closeCall,
  createCall,
  eventCall,
  followPublishedCalls,
  getCall,
  listCalls,
  matchedFieldsFor,
  myAlerts,
  mySubscription,
  publishCall,
  RESEARCH_CALL_TYPE,
  RESEARCH_SUBSCRIPTION_TYPE,
  subscribe,
  unsubscribe,
  updateCall,
} from './research-call.service';
import {
  addNote,
  assigneeShownTo,
  assignSupportRequest,
  completeSupportRequest,
  declineSupportRequest,
  fileSupportRequest,
  getSupportRequest,
  listSupportRequests,
  notesOf,
  SUPPORT_REQUEST_TYPE,
  withdrawSupportRequest,
} from './research-support.service';
import { createProject, getProject, listProjects, listPublicProjects, RESEARCH_PROJECT_TYPE, updateProject } from './research-project.service';
import { listTrainings } from './research-training.service';
import { fromGlobalId } from '../../platform/graphql/relay';

const ResearchCallConnection = ConnectionType(ResearchCall, 'ResearchCall');
const ResearchSupportRequestConnection = ConnectionType(ResearchSupportRequest, 'ResearchSupportRequest');
const ResearchProjectConnection = ConnectionType(ResearchProject, 'ResearchProject');

// --- Output shapes -------------------------------------------------------------------------------------------------------------

@ObjectType({ description: 'A call published that matches your subscription (live over WebSocket).' })
class ResearchCallPublishedEvent {
  @Field(() => ID)
  callId!: string;

  @Field(() => ResearchProgramme)
  programme!: ResearchProgramme;

  @Field(() => [String], { description: 'The call’s fields.' })
  fields!: string[];

  @Field(() => [String], { description: 'Your subscribed fields that matched (empty when you subscribed to every field).' })
  matchedFields!: string[];

  @Field()
  at!: Date;

  callUuid!: string;
}

@ObjectType({ description: 'A partner of a research project: an institution of the directory, its role, and whether it coordinates.' })
class ResearchProjectPartner {
  @Field(() => Institution, { nullable: true })
  institution!: Institution | null;

  @Field(() => ResearchRole)
  role!: ResearchRole;

  @Field()
  coordinator!: boolean;
}

@ObjectType({ description: 'A research project as the website lists it: public fields only.' })
class PublicResearchProject {
  @Field(() => ID)
  id!: string;

  @Field()
  acronym!: string;

  @Field()
  title!: string;

  @Field(() => ResearchProgramme)
  programme!: ResearchProgramme;

  @Field()
  startDate!: string;

  @Field()
  endDate!: string;

  partnerIds!: string[];
}

const PublicResearchProjectConnection = ConnectionType(PublicResearchProject, 'PublicResearchProject');

@ArgsType()
class ResearchProjectListArgs extends ConnectionArgs {
  @Field(() => ResearchProgramme, { nullable: true })
  @IsOptional()
  programme?: ResearchProgramme;
}

@ArgsType()
class DeclineArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field()
  @Length(3, 2000)
  reason!: string;
}

@ArgsType()
class AssignArgs {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field({ description: 'The staff member’s subject (STAFF or ADMIN).' })
  @Length(1, 200)
  staffSubject!: string;
}

const localised = (ctx: RequestContext, text: Partial<Record<'tr' | 'en', string>> | undefined, locale?: LocaleCode | null): string =>
  pickLocale(text ?? {}, (locale as 'tr' | 'en' | undefined) ?? ctx.locale, ctx.config.defaultLocale);

// --- Calls ---------------------------------------------------------------------------------------------------------------------

@Resolver(() => ResearchCall)
export class ResearchCallResolver {
  @Query(() => ResearchCallConnection, {
    description: 'Research calls, soonest last deadline first. Public: published and closed calls; the office sees drafts too.',
  })
  researchCalls(@Ctx() ctx: RequestContext, @Args() args: ResearchCallListArgs): Promise<ConnectionShape<ResearchCall>> {
    return listCalls(ctx, args);
  }

  @Query(() => ResearchCall, { nullable: true, description: 'One call; null for drafts unless you are the office.' })
  researchCall(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<ResearchCall | null> {
    return getCall(ctx, fromGlobalId(id, RESEARCH_CALL_TYPE, 'id'));
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ResearchCall)
  createResearchCall(@Ctx() ctx: RequestContext, @Arg('input') input: CreateResearchCallInput): Promise<ResearchCall> {
    return createCall(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ResearchCall, { description: 'Drafts and published calls change; closed calls do not.' })
  updateResearchCall(@Ctx() ctx: RequestContext, @Arg('input') input: UpdateResearchCallInput): Promise<ResearchCall> {
    return updateCall(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ResearchCall, { description: 'DRAFT → PUBLISHED: public, and subscribers whose fields match are told.' })
  publishResearchCall(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number): Promise<ResearchCall> {
    return publishCall(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ResearchCall, { description: 'PUBLISHED → CLOSED by hand (the daily job closes calls after their last deadline).' })
  closeResearchCall(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number): Promise<ResearchCall> {
    return closeCall(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ResearchCall, {
    description: 'Announces a published call on the website (a published CALL announcement in both languages); once only: a second time is ALREADY_ANNOUNCED.',
  })
  announceResearchCall(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number): Promise<ResearchCall> {
    return announceCall(ctx, id, version);
  }

  @FieldResolver(() => ID)
  id(@Root() call: ResearchCall): string {
    return toGlobalId(RESEARCH_CALL_TYPE, call.id);
  }

  @FieldResolver(() => String, { description: 'In the requested locale (Accept-Language otherwise), with fallback.' })
  title(@Root() call: ResearchCall, @Ctx() ctx: RequestContext, @Arg('locale', () => LocaleCode, { nullable: true }) locale?: LocaleCode): string {
    return localised(ctx, call.title, locale);
  }

  @FieldResolver(() => LocalisedText)
  titleTranslations(@Root() call: ResearchCall): LocalisedText {
    return call.title;
  }

  @FieldResolver(() => String, { description: 'Markdown, in the requested locale with fallback.' })
  description(@Root() call: ResearchCall, @Ctx() ctx: RequestContext, @Arg('locale', () => LocaleCode, { nullable: true }) locale?: LocaleCode): string {
    return localised(ctx, call.description, locale);
  }

  @FieldResolver({ description: 'Published and its last deadline ahead.' })
  isOpen(@Root() call: ResearchCall): boolean {
    return call.status === 'PUBLISHED' && call.closesAt > new Date();
  }

  @FieldResolver(() => Announcement, { nullable: true, description: 'The website announcement (when announced and visible to you).' })
  async announcement(@Root() call: ResearchCall, @Ctx() ctx: RequestContext): Promise<ContentItem | null> {
    return call.contentId ? getContent(ctx, call.contentId) : null;
  }
}

// --- Subscriptions to calls ------------------------------------------------------------------------------------------------------

@Resolver(() => ResearchCallSubscription)
export class ResearchCallSubscriptionResolver {
  @Authorized()
  @Query(() => ResearchCallSubscription, { nullable: true, description: 'Your subscription to new research calls (null: none).' })
  myResearchCallSubscription(@Ctx() ctx: RequestContext): Promise<ResearchCallSubscription | null> {
    return mySubscription(ctx);
  }

  @Authorized()
  @Query(() => ResearchCallConnection, {
    description: 'Your alerts inbox: calls published since you subscribed that match your subscription, newest first. NOT_SUBSCRIBED without one.',
  })
  myResearchCallAlerts(@Ctx() ctx: RequestContext, @Args() args: ConnectionArgs): Promise<ConnectionShape<ResearchCall>> {
    return myAlerts(ctx, args);
  }

  @Authorized()
  @Mutation(() => ResearchCallSubscription, { description: 'Subscribes you (or changes your subscription): one per person.' })
  subscribeToResearchCalls(@Ctx() ctx: RequestContext, @Arg('input') input: ResearchCallSubscriptionInput): Promise<ResearchCallSubscription> {
    return subscribe(ctx, input);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'True when a subscription was removed, false when you had none.' })
  unsubscribeFromResearchCalls(@Ctx() ctx: RequestContext): Promise<boolean> {
    return unsubscribe(ctx);
  }

  @Subscription(() => ResearchCallPublishedEvent, {
    description: 'Calls as they are published, when they match your saved subscription (fields: ISCED-F prefix or keyword; programmes). Signed-in users only.',
    subscribe: ({ context }) => followPublishedCalls(context as RequestContext),
  })
  async researchCallPublished(@Root() event: DeliveredEvent, @Ctx() ctx: RequestContext): Promise<ResearchCallPublishedEvent> {
    ctx.refresh();
    const call = eventCall(event);
    return {
      callId: toGlobalId(RESEARCH_CALL_TYPE, call.callId),
      callUuid: call.callId,
      programme: call.programme as ResearchProgramme,
      fields: call.fields,
      matchedFields: await matchedFieldsFor(ctx, call.fields),
      at: event.occurredAt,
    };
  }

  @FieldResolver(() => ID)
  id(@Root() subscription: ResearchCallSubscription): string {
    return toGlobalId(RESEARCH_SUBSCRIPTION_TYPE, subscription.id);
  }
}

@Resolver(() => ResearchCallPublishedEvent)
export class ResearchCallPublishedEventResolver {
  @FieldResolver(() => ResearchCall, { nullable: true })
  call(@Root() event: ResearchCallPublishedEvent, @Ctx() ctx: RequestContext): Promise<ResearchCall | null> {
    return getCall(ctx, event.callUuid);
  }
}

// --- Support requests ------------------------------------------------------------------------------------------------------------

@Resolver(() => ResearchSupportRequest)
export class ResearchSupportRequestResolver {
  @Authorized()
  @Query(() => ResearchSupportRequestConnection, {
    description: 'Support requests, soonest deadline first: the office sees all, coordinators their units’, researchers their own.',
  })
  researchSupportRequests(@Ctx() ctx: RequestContext, @Args() args: ResearchSupportListArgs): Promise<ConnectionShape<ResearchSupportRequest>> {
    return listSupportRequests(ctx, args);
  }

  @Authorized()
  @Query(() => ResearchSupportRequest, { nullable: true, description: 'One request; null when it is not yours to read.' })
  researchSupportRequest(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<ResearchSupportRequest | null> {
    return getSupportRequest(ctx, fromGlobalId(id, SUPPORT_REQUEST_TYPE, 'id'));
  }

  @Authorized()
  @Mutation(() => ResearchSupportRequest, { description: 'Asks the office for help with a proposal (any signed-in researcher).' })
  fileResearchSupportRequest(@Ctx() ctx: RequestContext, @Arg('input') input: FileResearchSupportRequestInput): Promise<ResearchSupportRequest> {
    return fileSupportRequest(ctx, input);
  }

  @Authorized()
  @Mutation(() => ResearchSupportRequest, { description: 'The researcher withdraws their own request.' })
  withdrawResearchSupportRequest(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number): Promise<ResearchSupportRequest> {
    return withdrawSupportRequest(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ResearchSupportRequest, { description: 'Assigns a staff member; a SUBMITTED request becomes IN_PROGRESS.' })
  assignResearchSupportRequest(@Ctx() ctx: RequestContext, @Args() args: AssignArgs): Promise<ResearchSupportRequest> {
    return assignSupportRequest(ctx, args.id, args.version, args.staffSubject);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ResearchSupportRequest)
  completeResearchSupportRequest(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number): Promise<ResearchSupportRequest> {
    return completeSupportRequest(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ResearchSupportRequest, { description: 'Declines with a reason the researcher reads.' })
  declineResearchSupportRequest(@Ctx() ctx: RequestContext, @Args() args: DeclineArgs): Promise<ResearchSupportRequest> {
    return declineSupportRequest(ctx, args.id, args.version, args.reason);
  }

  @Authorized()
  @Mutation(() => ResearchSupportNote, { description: 'The office adds internal notes or messages; the researcher adds messages to their own request.' })
  addResearchSupportNote(@Ctx() ctx: RequestContext, @Arg('input') input: ResearchSupportNoteInput): Promise<ResearchSupportNote> {
    return addNote(ctx, input);
  }

  @FieldResolver(() => ID)
  id(@Root() request: ResearchSupportRequest): string {
    return toGlobalId(SUPPORT_REQUEST_TYPE, request.id);
  }

  @FieldResolver(() => ResearchCall, { nullable: true, description: 'The followed call (see externalCall otherwise).' })
  call(@Root() request: ResearchSupportRequest, @Ctx() ctx: RequestContext): Promise<ResearchCall | null> | null {
    return request.call ? ctx.loader(researchCallById).load(request.call.id) : null;
  }

  @FieldResolver(() => OrganisationalUnit, { nullable: true })
  unit(@Root() request: ResearchSupportRequest, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit | null> | null {
    return request.unit ? ctx.loader(unitById).load(request.unit.id) : null;
  }

  @FieldResolver(() => [Institution], { description: 'Directory institutions sought as partners.' })
  async partnerInstitutions(@Root() request: ResearchSupportRequest, @Ctx() ctx: RequestContext): Promise<Institution[]> {
    const found = await ctx.loader(institutionById).loadMany(request.partnerInstitutionIds);
    return found.filter((i): i is Institution => !!i && !(i instanceof Error));
  }

  @FieldResolver(() => String, { nullable: true, description: 'Who handles it: the staff member (the researcher reads "office").' })
  assignedTo(@Root() request: ResearchSupportRequest, @Ctx() ctx: RequestContext): string | null {
    return assigneeShownTo(ctx, request);
  }

  @FieldResolver({ description: 'True when you filed it.' })
  mine(@Root() request: ResearchSupportRequest, @Ctx() ctx: RequestContext): boolean {
    return request.researcherSubject === ctx.viewer.subject;
  }

  @FieldResolver(() => [ResearchSupportNote], { description: 'Notes, oldest first: internal notes only for the office.' })
  notes(@Root() request: ResearchSupportRequest, @Ctx() ctx: RequestContext): Promise<ResearchSupportNote[]> {
    return notesOf(ctx, request);
  }
}

// --- Projects --------------------------------------------------------------------------------------------------------------------

@Resolver(() => ResearchProject)
export class ResearchProjectResolver {
  @Authorized()
  @Query(() => ResearchProjectConnection, { description: 'The office: every project; a principal investigator: their own.' })
  researchProjects(@Ctx() ctx: RequestContext, @Args() args: ResearchProjectListArgs): Promise<ConnectionShape<ResearchProject>> {
    return listProjects(ctx, args);
  }

  @Query(() => ResearchProject, { nullable: true, description: 'One project, for the office and its principal investigator (null otherwise).' })
  researchProject(@Ctx() ctx: RequestContext, @Arg('id', () => ID) id: string): Promise<ResearchProject | null> {
    return getProject(ctx, fromGlobalId(id, RESEARCH_PROJECT_TYPE, 'id'));
  }

  @Query(() => PublicResearchProjectConnection, { description: 'The website’s project list: projects the office marked public, public fields only.' })
  async publicResearchProjects(@Ctx() ctx: RequestContext, @Args() args: ResearchProjectListArgs): Promise<ConnectionShape<PublicResearchProject>> {
    const page = await listPublicProjects(ctx, args);
    const shown = (p: ResearchProject): PublicResearchProject => ({
      id: toGlobalId(RESEARCH_PROJECT_TYPE, p.id),
      acronym: p.acronym,
      title: p.title,
      programme: p.programme,
      startDate: p.startDate,
      endDate: p.endDate,
      partnerIds: p.partners.map((r) => r.institutionId),
    });
    return {
      edges: page.edges.map((e) => ({ cursor: e.cursor, node: shown(e.node) })),
      nodes: page.nodes.map(shown),
      pageInfo: page.pageInfo,
      get totalCount() {
        return page.totalCount;
      },
    };
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ResearchProject)
  createResearchProject(@Ctx() ctx: RequestContext, @Arg('input') input: CreateResearchProjectInput): Promise<ResearchProject> {
    return createProject(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ResearchProject)
  updateResearchProject(@Ctx() ctx: RequestContext, @Arg('input') input: UpdateResearchProjectInput): Promise<ResearchProject> {
    return updateProject(ctx, input);
  }

  @FieldResolver(() => ID)
  id(@Root() project: ResearchProject): string {
    return toGlobalId(RESEARCH_PROJECT_TYPE, project.id);
  }

  @FieldResolver(() => ResearchCall, { nullable: true })
  call(@Root() project: ResearchProject, @Ctx() ctx: RequestContext): Promise<ResearchCall | null> | null {
    return project.call ? ctx.loader(researchCallById).load(project.call.id) : null;
  }

  @FieldResolver(() => [ResearchProjectPartner])
  async partners(@Root() project: ResearchProject, @Ctx() ctx: RequestContext): Promise<ResearchProjectPartner[]> {
    const institutions = await ctx.loader(institutionById).loadMany(project.partners.map((p) => p.institutionId));
    return project.partners.map((p, i) => {
      const institution = institutions[i];
      return { institution: institution instanceof Error ? null : institution, role: p.role, coordinator: p.coordinator };
    });
  }

  @FieldResolver(() => String, { nullable: true, description: 'The principal investigator’s subject: office only.' })
  piSubject(@Root() project: ResearchProject, @Ctx() ctx: RequestContext): string | null {
    return ctx.viewer.isOffice ? project.piSubject : null;
  }

  @FieldResolver(() => ResearchSupportRequest, { nullable: true, description: 'The support request it came from (when you may read it).' })
  supportRequest(@Root() project: ResearchProject, @Ctx() ctx: RequestContext): Promise<ResearchSupportRequest | null> | null {
    return project.supportRequest ? getSupportRequest(ctx, project.supportRequest.id) : null;
  }
}

@Resolver(() => PublicResearchProject)
export class PublicResearchProjectResolver {
  @FieldResolver(() => [String], { description: 'Partner institutions’ names (in the requested locale).' })
  async partnerNames(@Root() project: PublicResearchProject, @Ctx() ctx: RequestContext): Promise<string[]> {
    const institutions = await ctx.loader(institutionById).loadMany(project.partnerIds);
    return institutions.flatMap((i) => (i && !(i instanceof Error) ? [pickLocale(i.name, ctx.locale, ctx.config.defaultLocale) || i.officialName] : []));
  }
}

// --- Guidance and training ---------------------------------------------------------------------------------------------------------

@Resolver()
export class ResearchTrainingResolver {
  @Query(() => [ContentEvent], {
    description:
      'Project-management trainings and info days: published events tagged `research-training`, soonest first (up to 100), with their registration details.',
  })
  researchTrainings(@Ctx() ctx: RequestContext, @Arg('upcomingOnly', { defaultValue: true }) upcomingOnly: boolean): Promise<ContentItem[]> {
    return listTrainings(ctx, upcomingOnly);
  }
}

export const researchResolverClasses = [
  ResearchCallResolver,
  ResearchCallSubscriptionResolver,
  ResearchCallPublishedEventResolver,
  ResearchSupportRequestResolver,
  ResearchProjectResolver,
  PublicResearchProjectResolver,
  ResearchTrainingResolver,
];
