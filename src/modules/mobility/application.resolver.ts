import { Arg, Args, Authorized, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { DeliveredEvent } from '../../platform/events/outbox';
import type { RequestContext } from '../../platform/graphql/context';
import { LocalisedText } from '../../platform/graphql/localised-text';
import { ConnectionType, fromGlobalId, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { unitById } from '../institutions/institution.loaders';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import {
  applicationEventsAfter,
  applicationEventView,
  applicationOfEvent,
  followApplicationChanges,
  type ApplicationEventView,
} from './application-events.service';
import { MAX_EVENTS_PAGE } from '../../platform/events/status-events';
import { ApplicationPreference, ApplicationStatus, ApplicationStatusChange, MobilityApplication } from './application.entity';
import {
  actorShownTo,
  APPLICATION_TYPE,
  changeApplicationStatus,
  createApplication,
  getApplication,
  listApplications,
  myApplications,
  officeNoteOf,
  setOfficeNote,
  submitApplication,
  updateApplication,
  waiveApplication,
  withdrawApplication,
} from './application.service';
import { CallPlace, MobilityCall } from './call.entity';
import { getCall } from './call.service';
import { mobilityDashboard, type MobilityDashboardView } from './dashboard.service';
import {
  ApplicationDocument,
  ChangeApplicationStatusInput,
  CreateMobilityApplicationInput,
  DeclaredFact,
  LeaveApplicationInput,
  MobilityApplicationListArgs,
  UpdateMobilityApplicationInput,
} from './mobility.inputs';
import { accountBySubject, historyByApplication, placeById, preferencesByApplication } from './mobility.loaders';
import type { EligibilityIssue, ScoreLine } from './selection.rules';
import { OFFICE_ROLES } from '../../platform/auth/viewer';

const MobilityApplicationConnection = ConnectionType(MobilityApplication, 'MobilityApplication');

@ObjectType({ description: 'Who applied. Personal data: the applicant, their coordinators and the office.' })
class ApplicantProfile {
  @Field()
  subject!: string;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;
}

@ObjectType('EligibilityIssue', { description: 'Why an application is not eligible.' })
class EligibilityIssueView {
  @Field()
  code!: string;

  @Field()
  message!: string;

  @Field(() => String, { nullable: true })
  field?: string;
}

@ObjectType('ScoreLine', { description: 'One criterion of a score: what went in and the points it gave.' })
class ScoreLineView {
  @Field()
  criterion!: string;

  @Field(() => LocalisedText)
  label!: LocalisedText;

  @Field()
  input!: string;

  @Field(() => Float)
  points!: number;
}

@ObjectType({ description: 'A status change of an application, with the cursor to resume from.' })
class ApplicationStatusEvent {
  @Field({ description: 'Monotonic position: pass it to applicationEvents(after:) to catch up after a reconnect.' })
  cursor!: string;

  @Field(() => ID)
  applicationId!: string;

  @Field()
  number!: string;

  @Field(() => ID)
  callId!: string;

  @Field(() => ApplicationStatus, { nullable: true, description: 'Null when the application was created.' })
  from!: ApplicationStatus | null;

  @Field(() => ApplicationStatus)
  to!: ApplicationStatus;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field()
  at!: Date;

  applicationUuid!: string;
}

@ObjectType()
class ApplicationEventPage {
  @Field(() => [ApplicationStatusEvent])
  events!: ApplicationEventView[];

  @Field(() => String, { nullable: true, description: 'Where to resume next time (the last event, or the cursor given).' })
  endCursor!: string | null;

  @Field()
  hasMore!: boolean;

  @Field({
    description:
      'False when events after your cursor may have been pruned (the hub keeps OUTBOX_RETENTION_DAYS of them): reload the applications instead of relying on the events.',
  })
  complete!: boolean;
}

@ObjectType()
class CountByStatus {
  @Field(() => ApplicationStatus)
  status!: ApplicationStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
class CountByCall {
  @Field(() => MobilityCall, { nullable: true })
  call!: MobilityCall | null;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
class CountByUnit {
  @Field(() => OrganisationalUnit, { nullable: true })
  unit!: OrganisationalUnit | null;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
class CountByCountry {
  @Field()
  country!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
class PlaceLeft {
  @Field(() => CallPlace, { nullable: true })
  place!: CallPlace | null;

  @Field(() => Int)
  capacity!: number;

  @Field(() => Int)
  taken!: number;

  @Field(() => Int)
  left!: number;
}

@ObjectType({ description: 'Applications counted for the office (coordinators: their units). Drafts are not counted.' })
class MobilityDashboard {
  @Field(() => [CountByStatus])
  byStatus!: CountByStatus[];

  @Field(() => [CountByCall])
  byCall!: CountByCall[];

  @Field(() => [CountByUnit])
  byUnit!: CountByUnit[];

  @Field(() => [CountByCountry], { description: 'By destination: the place held, else the first preference.' })
  byCountry!: CountByCountry[];

  @Field(() => [PlaceLeft], { description: 'Per destination of the call asked for (empty without callId).' })
  placesLeft!: PlaceLeft[];
}

@Resolver(() => MobilityApplication)
export class MobilityApplicationResolver {
  @Authorized()
  @Query(() => MobilityApplicationConnection, { description: 'Applications: the office sees all, coordinators their units’, applicants their own.' })
  mobilityApplications(@Args() args: MobilityApplicationListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<MobilityApplication>> {
    return listApplications(ctx, args);
  }

  @Authorized()
  @Query(() => [MobilityApplication], { description: 'Your own applications, newest first.' })
  myMobilityApplications(@Ctx() ctx: RequestContext): Promise<MobilityApplication[]> {
    return myApplications(ctx);
  }

  @Query(() => MobilityApplication, { nullable: true, description: 'Null when it does not exist or you may not read it.' })
  mobilityApplication(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<MobilityApplication | null> {
    return getApplication(ctx, fromGlobalId(id, APPLICATION_TYPE));
  }

  @Authorized()
  @Query(() => ApplicationEventPage, { description: 'Status changes after a cursor, oldest first, with the audience of applicationStatusChanged.' })
  applicationEvents(
    @Ctx() ctx: RequestContext,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('callId', () => ID, { nullable: true }) callId?: string,
    @Arg('applicationId', () => ID, { nullable: true }) applicationId?: string,
    @Arg('first', () => Int, { nullable: true, description: `1 to ${MAX_EVENTS_PAGE} (default 100).` }) first?: number,
  ) {
    return applicationEventsAfter(ctx, { after, callId, applicationId, first });
  }

  @Authorized('COORDINATOR', ...OFFICE_ROLES)
  @Query(() => MobilityDashboard)
  mobilityDashboard(
    @Ctx() ctx: RequestContext,
    @Arg('callId', () => ID, { nullable: true }) callId?: string,
    @Arg('academicYear', () => String, { nullable: true }) academicYear?: string,
  ): Promise<MobilityDashboardView> {
    return mobilityDashboard(ctx, { callId, academicYear });
  }

  @Authorized()
  @Mutation(() => MobilityApplication, { description: 'A new draft application to an open call, as yourself.' })
  createMobilityApplication(@Arg('input') input: CreateMobilityApplicationInput, @Ctx() ctx: RequestContext): Promise<MobilityApplication> {
    return createApplication(ctx, input);
  }

  @Authorized()
  @Mutation(() => MobilityApplication, { description: 'Changes your draft while the call is open.' })
  updateMobilityApplication(@Arg('input') input: UpdateMobilityApplicationInput, @Ctx() ctx: RequestContext): Promise<MobilityApplication> {
    return updateApplication(ctx, input);
  }

  @Authorized()
  @Mutation(() => MobilityApplication, { description: 'Submits your draft; no edits afterwards.' })
  submitMobilityApplication(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<MobilityApplication> {
    return submitApplication(ctx, id, version);
  }

  @Authorized()
  @Mutation(() => MobilityApplication, { description: 'Waiver (feragat) of a selected or reserve place before the deadline; the next reserve moves up.' })
  waiveMobilityApplication(@Arg('input') input: LeaveApplicationInput, @Ctx() ctx: RequestContext): Promise<MobilityApplication> {
    return waiveApplication(ctx, input);
  }

  @Authorized()
  @Mutation(() => MobilityApplication, { description: 'Withdraws your application. After selection and the waiver deadline it counts against later applications.' })
  withdrawMobilityApplication(@Arg('input') input: LeaveApplicationInput, @Ctx() ctx: RequestContext): Promise<MobilityApplication> {
    return withdrawApplication(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityApplication, { description: 'The office’s steps: appeal decisions, nomination, the host’s answer, cancellation (with a reason).' })
  changeMobilityApplicationStatus(@Arg('input') input: ChangeApplicationStatusInput, @Ctx() ctx: RequestContext): Promise<MobilityApplication> {
    return changeApplicationStatus(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityApplication)
  setMobilityApplicationOfficeNote(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<MobilityApplication> {
    return setOfficeNote(ctx, id, version, note);
  }

  @Subscription(() => ApplicationStatusEvent, {
    description:
      'Status changes as they happen. Applicants hear about their own applications, coordinators about their units’, the office about all; asking for an application you may not read is refused.',
    subscribe: ({ context, args }) => followApplicationChanges(context as RequestContext, args as { applicationId?: string; callId?: string }),
  })
  applicationStatusChanged(
    @Root() event: DeliveredEvent,
    @Ctx() ctx: RequestContext,
    @Arg('applicationId', () => ID, { nullable: true }) _applicationId?: string,
    @Arg('callId', () => ID, { nullable: true }) _callId?: string,
  ): ApplicationEventView {
    ctx.refresh();
    return applicationEventView(event);
  }

  @FieldResolver(() => ID)
  id(@Root() application: MobilityApplication): string {
    return toGlobalId(APPLICATION_TYPE, application.id);
  }

  @FieldResolver(() => MobilityCall)
  async call(@Root() application: MobilityApplication, @Ctx() ctx: RequestContext): Promise<MobilityCall | null> {
    return getCall(ctx, application.call.id);
  }

  @FieldResolver(() => ApplicantProfile)
  async applicant(@Root() application: MobilityApplication, @Ctx() ctx: RequestContext): Promise<ApplicantProfile> {
    const account = await ctx.loader(accountBySubject).load(application.applicantSubject);
    return { subject: application.applicantSubject, displayName: account?.displayName ?? null, email: account?.email ?? null };
  }

  @FieldResolver(() => OrganisationalUnit)
  async unit(@Root() application: MobilityApplication, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit> {
    return (await ctx.loader(unitById).load(application.unit.id))!;
  }

  @FieldResolver(() => [DeclaredFact])
  declaredFacts(@Root() application: MobilityApplication): DeclaredFact[] {
    return application.declaredFacts;
  }

  @FieldResolver(() => [ApplicationDocument])
  documents(@Root() application: MobilityApplication): ApplicationDocument[] {
    return application.documents;
  }

  @FieldResolver(() => [ApplicationPreference], { description: 'Ranked destination choices, first choice first.' })
  preferences(@Root() application: MobilityApplication, @Ctx() ctx: RequestContext): Promise<ApplicationPreference[]> {
    return ctx.loader(preferencesByApplication).load(application.id);
  }

  @FieldResolver(() => [EligibilityIssueView], { description: 'Why it is not eligible (empty when eligible or not yet checked).' })
  eligibilityIssues(@Root() application: MobilityApplication): EligibilityIssue[] {
    return application.eligibilityIssues;
  }

  @FieldResolver(() => [ScoreLineView], { description: 'Each criterion of the score: its input and its points.' })
  scoreBreakdown(@Root() application: MobilityApplication): ScoreLine[] {
    return application.scoreBreakdown;
  }

  @FieldResolver(() => CallPlace, { nullable: true, description: 'The destination placed at (selected, nominated or accepted).' })
  placedAt(@Root() application: MobilityApplication, @Ctx() ctx: RequestContext): Promise<CallPlace | null> | null {
    return application.placedAt ? ctx.loader(placeById).load(application.placedAt.id) : null;
  }

  @FieldResolver(() => [ApplicationStatusChange], { description: 'Every step: from, to, who, when and why.' })
  history(@Root() application: MobilityApplication, @Ctx() ctx: RequestContext): Promise<ApplicationStatusChange[]> {
    return ctx.loader(historyByApplication).load(application.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The office’s own note (STAFF, ADMIN; null for others).' })
  officeNote(@Root() application: MobilityApplication, @Ctx() ctx: RequestContext): string | null {
    return officeNoteOf(ctx, application);
  }
}

@Resolver(() => ApplicationPreference)
export class ApplicationPreferenceResolver {
  @FieldResolver(() => CallPlace)
  async place(@Root() preference: ApplicationPreference, @Ctx() ctx: RequestContext): Promise<CallPlace> {
    return (await ctx.loader(placeById).load(preference.place.id))!;
  }
}

@Resolver(() => ApplicationStatusChange)
export class ApplicationStatusChangeResolver {
  @FieldResolver(() => String, { nullable: true, description: 'Who took the step; applicants see "office" for the office’s steps.' })
  actor(@Root() change: ApplicationStatusChange, @Ctx() ctx: RequestContext): string | null {
    return actorShownTo(ctx, change.actor);
  }
}

@Resolver(() => ApplicationStatusEvent)
export class ApplicationStatusEventResolver {
  @FieldResolver(() => MobilityApplication, { nullable: true, description: 'The application now, as you may see it.' })
  application(@Root() event: ApplicationEventView, @Ctx() ctx: RequestContext): Promise<MobilityApplication | null> {
    return applicationOfEvent(ctx, event);
  }
}

@Resolver(() => MobilityDashboard)
export class MobilityDashboardResolver {
  @FieldResolver(() => [CountByCall])
  async byCall(@Root() view: MobilityDashboardView, @Ctx() ctx: RequestContext): Promise<CountByCall[]> {
    return Promise.all(view.byCall.map(async (c) => ({ call: await getCall(ctx, c.callId), count: c.count })));
  }

  @FieldResolver(() => [CountByUnit])
  async byUnit(@Root() view: MobilityDashboardView, @Ctx() ctx: RequestContext): Promise<CountByUnit[]> {
    return Promise.all(view.byUnit.map(async (u) => ({ unit: await ctx.loader(unitById).load(u.unitId), count: u.count })));
  }

  @FieldResolver(() => [PlaceLeft])
  async placesLeft(@Root() view: MobilityDashboardView, @Ctx() ctx: RequestContext): Promise<PlaceLeft[]> {
    return Promise.all(view.placesLeft.map(async (p) => ({ ...p, place: await ctx.loader(placeById).load(p.placeId) })));
  }
}
