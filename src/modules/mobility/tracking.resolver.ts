/** GraphQL of this part of the mobility module (registered by mobility.module.ts): tracking, transcripts, recognition. */
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { DeliveredEvent } from '../../platform/events/outbox';
import type { RequestContext } from '../../platform/graphql/context';
import { ConnectionArgs, ConnectionType, type ConnectionShape } from '../../platform/graphql/relay';
import { MobilityApplication } from './application.entity';
import { getApplication } from './application.service';
import { GrantBasis } from './grant.entity';
import { callById } from './mobility.loaders';
import { recognitionResolvers } from './recognition.resolver';
import { ReturnDocument, ReturnDocumentKind } from './return-document.entity';
import { ConfirmArrivalInput, ConfirmDepartureInput, RecordReturnDocumentInput, SetMobilityDatesInput } from './tracking.inputs';
import {
  confirmArrival,
  confirmDeparture,
  durationCheckOf,
  followReminders,
  isOverdue,
  overdueReturnDocuments,
  rateTableByKey,
  recordReturnDocument,
  reminderView,
  returnDocumentsByApplication,
  setMobilityDates,
  type DurationCheckView,
  type ReminderView,
} from './tracking.service';
import { transcriptResolvers } from './transcript.resolver';
import { OFFICE_ROLES } from '../../platform/auth/viewer';
import { grantByApplication } from './grant.service';


@ObjectType({ description: 'The duration of a mobility against the minimum of its type and against its computed grant.' })
class DurationCheck {
  @Field(() => GrantBasis, { description: 'ACTUAL once both actual dates are confirmed, PLANNED before.' })
  basis!: GrantBasis;

  @Field(() => Int, { nullable: true, description: 'Planned days, first and last included.' })
  plannedDays!: number | null;

  @Field(() => Int, { nullable: true, description: 'Actual days (both actual dates confirmed), first and last included.' })
  actualDays!: number | null;

  @Field(() => Int, { description: 'The days of the basis.' })
  days!: number;

  @Field({ description: 'A long mobility (students: planned for at least the rate table’s longMobilityMinDays).' })
  longMobility!: boolean;

  @Field(() => Int, { description: 'The shortest mobility of the type: the rate table’s minimumDays, else the Programme Guide’s.' })
  minimumDays!: number;

  @Field({ description: 'True when minimumDays came from the call’s grant rate table.' })
  minimumFromRateTable!: boolean;

  @Field()
  belowMinimum!: boolean;

  @Field(() => Int, { nullable: true, description: 'Whole months of the computed grant (null without a grant).' })
  grantMonths!: number | null;

  @Field(() => Int, { nullable: true, description: 'Days of the computed grant beyond its months (daily-rate grants: all days).' })
  grantDays!: number | null;

  @Field({ description: 'The computed grant’s duration is not that of the dates: the office recomputes the grant.' })
  differsFromGrant!: boolean;
}

@ObjectType({ description: 'An overdue return document was reminded.' })
class ReturnDocumentReminder {
  @Field(() => ID)
  applicationId!: string;

  @Field()
  number!: string;

  @Field(() => ReturnDocumentKind)
  kind!: ReturnDocumentKind;

  @Field({ description: 'YYYY-MM-DD' })
  dueOn!: string;

  @Field()
  at!: Date;
}

const ReturnDocumentConnection = ConnectionType(ReturnDocument, 'ReturnDocument');

@Resolver(() => MobilityApplication)
export class TrackingResolver {
  @Authorized()
  @Mutation(() => MobilityApplication, {
    description: 'Planned first and last day (office, the unit’s coordinator; the student their own while nominated or accepted).',
  })
  setMobilityDates(@Arg('input') input: SetMobilityDatesInput, @Ctx() ctx: RequestContext): Promise<MobilityApplication> {
    return setMobilityDates(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityApplication, { description: 'The host confirmed the arrival: ACCEPTED → LIVE; the return documents become due.' })
  confirmArrival(@Arg('input') input: ConfirmArrivalInput, @Ctx() ctx: RequestContext): Promise<MobilityApplication> {
    return confirmArrival(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityApplication, { description: 'The host’s certificate of attendance: the actual last day, LIVE → COMPLETED.' })
  confirmDeparture(@Arg('input') input: ConfirmDepartureInput, @Ctx() ctx: RequestContext): Promise<MobilityApplication> {
    return confirmDeparture(ctx, input);
  }

  @Authorized()
  @Mutation(() => ReturnDocument, { description: 'A return document arrived (office; the student their own participant report and language assessment).' })
  recordReturnDocument(@Arg('input') input: RecordReturnDocumentInput, @Ctx() ctx: RequestContext): Promise<ReturnDocument> {
    return recordReturnDocument(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Query(() => ReturnDocumentConnection, { description: 'Return documents past their due date and not received, oldest due first (office).' })
  overdueReturnDocuments(@Args() args: ConnectionArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<ReturnDocument>> {
    return overdueReturnDocuments(ctx, args);
  }

  @Subscription(() => ReturnDocumentReminder, {
    description: 'Overdue reminders as the daily job sends them: students hear their own, coordinators their units’, the office all.',
    subscribe: ({ context }) => followReminders(context as RequestContext),
  })
  returnDocumentReminders(@Root() event: DeliveredEvent): ReminderView {
    return reminderView(event);
  }

  @FieldResolver(() => DurationCheck, { nullable: true, description: 'Null until dates are set.' })
  async durationCheck(@Root() application: MobilityApplication, @Ctx() ctx: RequestContext): Promise<DurationCheckView | null> {
    const call = await ctx.loader(callById).load(application.call.id);
    if (!call) return null;
    const [rateTable, grant] = await Promise.all([
      ctx.loader(rateTableByKey).load(`${call.programme.id}|${call.academicYear}`),
      ctx.loader(grantByApplication).load(application.id),
    ]);
    return durationCheckOf(application, call.mobilityType, rateTable?.rates ?? null, grant);
  }

  @FieldResolver(() => [ReturnDocument], { description: 'The documents the mobility hands in (from the confirmed arrival on), by due date.' })
  returnDocuments(@Root() application: MobilityApplication, @Ctx() ctx: RequestContext): Promise<ReturnDocument[]> {
    return ctx.loader(returnDocumentsByApplication).load(application.id);
  }
}

@Resolver(() => ReturnDocument)
export class ReturnDocumentResolver {
  @FieldResolver(() => Boolean, { description: 'Past its due date and not received.' })
  overdue(@Root() document: ReturnDocument): boolean {
    return isOverdue(document);
  }

  @FieldResolver(() => MobilityApplication, { nullable: true })
  application(@Root() document: ReturnDocument, @Ctx() ctx: RequestContext): Promise<MobilityApplication | null> {
    return getApplication(ctx, document.application.id);
  }
}

export const trackingResolvers: Function[] = [TrackingResolver, ReturnDocumentResolver, ...transcriptResolvers, ...recognitionResolvers];
