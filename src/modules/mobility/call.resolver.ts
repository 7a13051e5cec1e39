import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context';
import { LocaleCode, LocalisedText, pickLocale } from '../../platform/graphql/localised-text';
import { ConnectionType, fromGlobalId, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { ContentItem } from '../content/content.entity';
import { Institution } from '../institutions/institution.entity';
import { institutionById, unitById } from '../institutions/institution.loaders';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { ApplicationStatus } from './application.entity';
import { CallPlace, CallQuota, MobilityCall } from './call.entity';
import {
  announcementOf,
  CALL_TYPE,
  createCall,
  generatePlaces,
  getCall,
  isOpen,
  listCalls,
  PLACE_TYPE,
  publishCall,
  setPlaceCapacity,
  setQuotas,
  updateCall,
} from './call.service';
import { CallQuotaInput, CreateMobilityCallInput, MobilityCallListArgs, UpdateMobilityCallInput } from './mobility.inputs';
import { placesByCall, placesTakenByCall, programmeById, quotasByCall } from './mobility.loaders';
import { MobilityProgramme } from './programme.entity';
import { evaluateCall, publishResults, runPlacement, selectionResults, type SelectionSummary } from './selection.service';
import { OFFICE_ROLES } from '../../platform/auth/viewer';

const MobilityCallConnection = ConnectionType(MobilityCall, 'MobilityCall');

@ObjectType()
class StatusCount {
  @Field(() => ApplicationStatus)
  status!: ApplicationStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'A selection step done: the call and its applications counted by status.' })
class SelectionStepResult {
  @Field(() => MobilityCall)
  call!: MobilityCall;

  @Field(() => [StatusCount])
  counts!: StatusCount[];
}

@ObjectType({ description: 'One line of the anonymised results: no names, only the application number.' })
class SelectionResultEntry {
  @Field()
  number!: string;

  @Field(() => Number, { nullable: true })
  score!: number | null;

  @Field(() => ApplicationStatus)
  outcome!: ApplicationStatus;

  @Field(() => Int, { nullable: true, description: 'Rank within its quota group.' })
  rank!: number | null;

  @Field(() => Int, { nullable: true })
  reserveRank!: number | null;

  @Field()
  zeroGrant!: boolean;

  @Field(() => String, { nullable: true, description: 'The partner placed at.' })
  partnerName!: string | null;

  @Field(() => String, { nullable: true })
  country!: string | null;
}

@Resolver(() => MobilityCall)
export class MobilityCallResolver {
  @Query(() => MobilityCallConnection, { description: 'Calls, newest first. Public: published calls; the office sees drafts too.' })
  mobilityCalls(@Args() args: MobilityCallListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<MobilityCall>> {
    return listCalls(ctx, args);
  }

  @Query(() => MobilityCall, { nullable: true })
  mobilityCall(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<MobilityCall | null> {
    return getCall(ctx, fromGlobalId(id, CALL_TYPE));
  }

  @Query(() => [SelectionResultEntry], { description: 'The anonymised results of a call, once the office has published them. Public.' })
  selectionResults(@Arg('callId', () => ID) callId: string, @Ctx() ctx: RequestContext): Promise<SelectionResultEntry[]> {
    return selectionResults(ctx, callId);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityCall, { description: 'A new call, as a draft.' })
  createMobilityCall(@Arg('input') input: CreateMobilityCallInput, @Ctx() ctx: RequestContext): Promise<MobilityCall> {
    return createCall(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityCall)
  updateMobilityCall(@Arg('input') input: UpdateMobilityCallInput, @Ctx() ctx: RequestContext): Promise<MobilityCall> {
    return updateCall(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityCall, { description: 'Makes a draft call public (its programme needs rules for the year).' })
  publishMobilityCall(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<MobilityCall> {
    return publishCall(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityCall, { description: "Replaces the call's quotas per faculty or department (its ranking groups)." })
  setCallQuotas(
    @Arg('callId', () => ID) callId: string,
    @Arg('version', () => Int) version: number,
    @Arg('quotas', () => [CallQuotaInput]) quotas: CallQuotaInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<MobilityCall> {
    return setQuotas(ctx, callId, version, quotas);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityCall, { description: "Adds the call's places from the outgoing cooperation conditions of agreements in effect." })
  generateCallPlaces(@Arg('callId', () => ID) callId: string, @Ctx() ctx: RequestContext): Promise<MobilityCall> {
    return generatePlaces(ctx, callId);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => CallPlace)
  setCallPlaceCapacity(@Arg('placeId', () => ID) placeId: string, @Arg('capacity', () => Int) capacity: number, @Ctx() ctx: RequestContext): Promise<CallPlace> {
    return setPlaceCapacity(ctx, placeId, capacity);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => SelectionStepResult, { description: 'After the call closes: eligibility with reasons, then scores with their breakdown.' })
  evaluateMobilityCall(@Arg('callId', () => ID) callId: string, @Ctx() ctx: RequestContext): Promise<SelectionSummary> {
    return evaluateCall(ctx, callId);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => SelectionStepResult, { description: 'Ranking within the quotas and placement by preference: primary and reserve lists.' })
  runMobilityPlacement(@Arg('callId', () => ID) callId: string, @Ctx() ctx: RequestContext): Promise<SelectionSummary> {
    return runPlacement(ctx, callId);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityCall, { description: 'Publishes the anonymised results (selectionResults) on the website.' })
  publishSelectionResults(@Arg('callId', () => ID) callId: string, @Ctx() ctx: RequestContext): Promise<MobilityCall> {
    return publishResults(ctx, callId);
  }

  @FieldResolver(() => ID)
  id(@Root() call: MobilityCall): string {
    return toGlobalId(CALL_TYPE, call.id);
  }

  @FieldResolver(() => MobilityProgramme)
  async programme(@Root() call: MobilityCall, @Ctx() ctx: RequestContext): Promise<MobilityProgramme> {
    return (await ctx.loader(programmeById).load(call.programme.id))!;
  }

  @FieldResolver(() => String)
  title(@Root() call: MobilityCall, @Ctx() ctx: RequestContext, @Arg('locale', () => LocaleCode, { nullable: true }) locale?: LocaleCode): string {
    return pickLocale(call.title, locale ?? ctx.locale, ctx.config.defaultLocale);
  }

  @FieldResolver(() => LocalisedText)
  titleTranslations(@Root() call: MobilityCall): LocalisedText {
    return call.title;
  }

  @FieldResolver(() => Boolean, { description: 'Taking applications now.' })
  isOpen(@Root() call: MobilityCall): boolean {
    return isOpen(call);
  }

  @FieldResolver(() => ContentItem, { nullable: true, description: 'The website announcement of the call, if one names it.' })
  announcement(@Root() call: MobilityCall, @Ctx() ctx: RequestContext): Promise<ContentItem | null> {
    return announcementOf(ctx, call);
  }

  @FieldResolver(() => [CallQuota])
  quotas(@Root() call: MobilityCall, @Ctx() ctx: RequestContext): Promise<CallQuota[]> {
    return ctx.loader(quotasByCall).load(call.id);
  }

  @FieldResolver(() => [CallPlace], { description: 'The destinations applicants choose from.' })
  places(@Root() call: MobilityCall, @Ctx() ctx: RequestContext): Promise<CallPlace[]> {
    return ctx.loader(placesByCall).load(call.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The National Agency grant agreement number (office only; null for others).' })
  grantContractNumber(@Root() call: MobilityCall, @Ctx() ctx: RequestContext): string | null {
    return ctx.viewer.isOffice ? (call.grantContractNumber ?? null) : null;
  }
}

@Resolver(() => CallQuota)
export class CallQuotaResolver {
  @FieldResolver(() => OrganisationalUnit)
  async unit(@Root() quota: CallQuota, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit> {
    return (await ctx.loader(unitById).load(quota.unit.id))!;
  }
}

@Resolver(() => CallPlace)
export class CallPlaceResolver {
  @FieldResolver(() => ID)
  id(@Root() place: CallPlace): string {
    return toGlobalId(PLACE_TYPE, place.id);
  }

  @FieldResolver(() => Institution)
  async partner(@Root() place: CallPlace, @Ctx() ctx: RequestContext): Promise<Institution> {
    return (await ctx.loader(institutionById).load(place.partner.id))!;
  }

  @FieldResolver(() => OrganisationalUnit, { nullable: true, description: 'Only applicants of this unit (or below) may choose the place.' })
  async sendingUnit(@Root() place: CallPlace, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit | null> {
    return place.sendingUnit ? ctx.loader(unitById).load(place.sendingUnit.id) : null;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Applicants holding the place (office and coordinators; null for others).' })
  async taken(@Root() place: CallPlace, @Ctx() ctx: RequestContext): Promise<number | null> {
    if (!ctx.viewer.isOffice && !ctx.viewer.has('COORDINATOR')) return null;
    return (await ctx.loader(placesTakenByCall).load(place.call.id)).get(place.id) ?? 0;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Places left (office and coordinators; null for others).' })
  async left(@Root() place: CallPlace, @Ctx() ctx: RequestContext): Promise<number | null> {
    const taken = await this.taken(place, ctx);
    return taken === null ? null : Math.max(0, place.capacity - taken);
  }
}
