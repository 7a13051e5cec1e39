/** GraphQL of the projects module, first part: National Agency calls, quota requests and proposals. */
import { Arg, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { OFFICE_ROLES, type Role } from '../../platform/auth/viewer';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId, toGlobalId } from '../../platform/graphql/relay';
import { MobilityType } from '../agreements/agreement.entity';
import { unitById } from '../institutions/institution.loaders';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { createNaCall, deleteNaCall, getNaCall, listNaCalls, updateNaCall } from './na-call.service';
import { NaAction, NaCall, NaProposal, NaProposalLine, QuotaRequest, QuotaRequestStatus } from './project.entity';
import { NA_CALL_TYPE, PROPOSAL_TYPE, QUOTA_REQUEST_TYPE } from './projects.common';
import { ChangeNaProposalStatusInput, CreateNaCallInput, CreateNaProposalInput, SetNaProposalLinesInput, SubmitQuotaRequestInput, UpdateNaCallInput, UpdateQuotaRequestInput } from './projects.inputs';
import { naCallById, proposalByCall, proposalLines } from './projects.loaders';
import { changeProposalStatus, createProposal, getProposal, includeQuotaRequests, listProposals, setProposalLines } from './proposal.service';
import {
  quotaRequestSummary,
  setQuotaRequestStatus,
  submitQuotaRequest,
  updateQuotaRequest,
  withdrawQuotaRequest,
  visibleQuotaRequests,
  type QuotaTypeSummary,
  type QuotaUnitSummary,
} from './quota-request.service';

const OFFICE_AND_COORDINATORS: Role[] = [...OFFICE_ROLES, 'COORDINATOR'];

@Resolver(() => NaCall)
export class NaCallResolver {
  @Authorized(...OFFICE_AND_COORDINATORS)
  @Query(() => [NaCall], { description: 'National Agency calls for proposals by deadline (office; coordinators read).' })
  naCalls(
    @Ctx() ctx: RequestContext,
    @Arg('year', () => Int, { nullable: true }) year?: number,
    @Arg('action', () => NaAction, { nullable: true }) action?: NaAction,
  ): Promise<NaCall[]> {
    return listNaCalls(ctx, { year, action });
  }

  @Authorized(...OFFICE_AND_COORDINATORS)
  @Query(() => NaCall, { nullable: true })
  naCall(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<NaCall | null> {
    return getNaCall(ctx, fromGlobalId(id, NA_CALL_TYPE));
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => NaCall, { description: 'Office: record a National Agency call for proposals.' })
  createNaCall(@Arg('input') input: CreateNaCallInput, @Ctx() ctx: RequestContext): Promise<NaCall> {
    return createNaCall(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => NaCall)
  updateNaCall(@Arg('input') input: UpdateNaCallInput, @Ctx() ctx: RequestContext): Promise<NaCall> {
    return updateNaCall(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ID, { description: 'Office: delete a call recorded by mistake (not one with a proposal or contract). Returns its ID.' })
  deleteNaCall(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<string> {
    return deleteNaCall(ctx, id, version);
  }

  @FieldResolver(() => ID)
  id(@Root() call: NaCall): string {
    return toGlobalId(NA_CALL_TYPE, call.id);
  }

  @FieldResolver(() => NaProposal, { nullable: true, description: 'The proposal to this call (office only; null for coordinators).' })
  async proposal(@Root() call: NaCall, @Ctx() ctx: RequestContext): Promise<NaProposal | null> {
    if (!ctx.viewer.isOffice) return null;
    return (await ctx.loader(proposalByCall).load(call.id))[0] ?? null;
  }
}

@Resolver(() => QuotaRequest)
export class QuotaRequestResolver {
  @Authorized(...OFFICE_AND_COORDINATORS)
  @Query(() => [QuotaRequest], { description: 'Quota requests of a year: the office all, a coordinator those of their units.' })
  quotaRequests(
    @Arg('academicYear') academicYear: string,
    @Ctx() ctx: RequestContext,
    @Arg('unitId', () => ID, { nullable: true }) unitId?: string,
    @Arg('status', () => QuotaRequestStatus, { nullable: true }) status?: QuotaRequestStatus,
  ): Promise<QuotaRequest[]> {
    return visibleQuotaRequests(ctx, academicYear, { unitId, status });
  }

  @Authorized(...OFFICE_AND_COORDINATORS)
  @Query(() => QuotaRequestSummary, { description: 'The year’s requests (not declined) summed per activity type and unit: what goes into the proposal.' })
  quotaRequestSummary(@Arg('academicYear') academicYear: string, @Ctx() ctx: RequestContext): Promise<QuotaRequestSummary> {
    return quotaRequestSummary(ctx, academicYear);
  }

  @Authorized(...OFFICE_AND_COORDINATORS)
  @Mutation(() => QuotaRequest, { description: 'A unit’s request for the coming year (its coordinator, or the office).' })
  submitQuotaRequest(@Arg('input') input: SubmitQuotaRequestInput, @Ctx() ctx: RequestContext): Promise<QuotaRequest> {
    return submitQuotaRequest(ctx, input);
  }

  @Authorized(...OFFICE_AND_COORDINATORS)
  @Mutation(() => QuotaRequest, { description: 'Change a submitted request (its unit’s coordinator, or the office).' })
  updateQuotaRequest(@Arg('input') input: UpdateQuotaRequestInput, @Ctx() ctx: RequestContext): Promise<QuotaRequest> {
    return updateQuotaRequest(ctx, input);
  }

  @Authorized(...OFFICE_AND_COORDINATORS)
  @Mutation(() => ID, { description: 'Take back a submitted request. Returns its ID.' })
  withdrawQuotaRequest(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<string> {
    return withdrawQuotaRequest(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => QuotaRequest, { description: 'Office: DECLINED, or back to SUBMITTED.' })
  setQuotaRequestStatus(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('status', () => QuotaRequestStatus) status: QuotaRequestStatus,
    @Ctx() ctx: RequestContext,
  ): Promise<QuotaRequest> {
    return setQuotaRequestStatus(ctx, id, version, status);
  }

  @FieldResolver(() => ID)
  id(@Root() request: QuotaRequest): string {
    return toGlobalId(QUOTA_REQUEST_TYPE, request.id);
  }

  @FieldResolver(() => OrganisationalUnit)
  async unit(@Root() request: QuotaRequest, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit> {
    return (await ctx.loader(unitById).load(request.unit.id))!;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The proposal it was included in.' })
  proposalId(@Root() request: QuotaRequest): string | null {
    return request.proposal ? toGlobalId(PROPOSAL_TYPE, request.proposal.id) : null;
  }
}

@ObjectType({ description: 'One unit’s requests of an activity type.' })
class QuotaUnitFigures {
  unitId!: string;

  @Field(() => Int)
  requests!: number;

  @Field(() => Int)
  mobilities!: number;

  @Field(() => Int)
  months!: number;

  @Field(() => Int)
  days!: number;
}

@ObjectType({ description: 'The requests of one activity type, summed, and per unit.' })
class QuotaTypeFigures {
  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field(() => Int)
  requests!: number;

  @Field(() => Int)
  mobilities!: number;

  @Field(() => Int, { description: 'Total months (student types).' })
  months!: number;

  @Field(() => Int, { description: 'Total days (staff types).' })
  days!: number;

  @Field(() => [QuotaUnitFigures])
  units!: QuotaUnitSummary[];
}

@ObjectType()
class QuotaRequestSummary {
  @Field()
  academicYear!: string;

  @Field(() => [QuotaTypeFigures], { description: 'SMS, SMT, STA, STT order; types nobody asked for are left out.' })
  byActivityType!: QuotaTypeSummary[];
}

@Resolver(() => QuotaUnitFigures)
export class QuotaUnitFiguresResolver {
  @FieldResolver(() => OrganisationalUnit)
  async unit(@Root() figures: QuotaUnitSummary, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit> {
    return (await ctx.loader(unitById).load(figures.unitId))!;
  }
}

@Resolver(() => NaProposal)
export class NaProposalResolver {
  @Authorized(...OFFICE_ROLES)
  @Query(() => [NaProposal], { description: 'Office: the proposals, newest first.' })
  naProposals(@Ctx() ctx: RequestContext): Promise<NaProposal[]> {
    return listProposals(ctx);
  }

  @Authorized(...OFFICE_ROLES)
  @Query(() => NaProposal, { nullable: true })
  naProposal(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<NaProposal | null> {
    return getProposal(ctx, fromGlobalId(id, PROPOSAL_TYPE));
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => NaProposal, { description: 'Office: a draft proposal to a call (one per call).' })
  createNaProposal(@Arg('input') input: CreateNaProposalInput, @Ctx() ctx: RequestContext): Promise<NaProposal> {
    return createProposal(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => NaProposal, { description: 'Office: replace the draft’s lines (and notes, when given).' })
  setNaProposalLines(@Arg('input') input: SetNaProposalLinesInput, @Ctx() ctx: RequestContext): Promise<NaProposal> {
    return setProposalLines(ctx, input.proposalId, input.version, input.lines, input.notes);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => NaProposal, {
    description: 'Office: sum the year’s submitted quota requests into the draft’s lines (per activity type) and mark them INCLUDED.',
  })
  includeQuotaRequests(
    @Arg('proposalId', () => ID) proposalId: string,
    @Arg('version', () => Int) version: number,
    @Arg('academicYear') academicYear: string,
    @Ctx() ctx: RequestContext,
  ): Promise<NaProposal> {
    return includeQuotaRequests(ctx, proposalId, version, academicYear);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => NaProposal, { description: 'Office: DRAFT → SUBMITTED → APPROVED or REJECTED (with the decision date).' })
  changeNaProposalStatus(@Arg('input') input: ChangeNaProposalStatusInput, @Ctx() ctx: RequestContext): Promise<NaProposal> {
    return changeProposalStatus(ctx, input);
  }

  @FieldResolver(() => ID)
  id(@Root() proposal: NaProposal): string {
    return toGlobalId(PROPOSAL_TYPE, proposal.id);
  }

  @FieldResolver(() => NaCall)
  async naCall(@Root() proposal: NaProposal, @Ctx() ctx: RequestContext): Promise<NaCall> {
    return (await ctx.loader(naCallById).load(proposal.naCall.id))!;
  }

  @FieldResolver(() => [NaProposalLine], { description: 'Per activity type.' })
  lines(@Root() proposal: NaProposal, @Ctx() ctx: RequestContext): Promise<NaProposalLine[]> {
    return ctx.loader(proposalLines).load(proposal.id);
  }
}

@Resolver(() => NaProposalLine)
export class NaProposalLineResolver {
  @FieldResolver(() => [OrganisationalUnit], { description: 'The units whose quota requests the figures come from.' })
  async units(@Root() line: NaProposalLine, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit[]> {
    const units = await ctx.loader(unitById).loadMany(line.unitIds);
    return units.filter((u): u is OrganisationalUnit => !!u && !(u instanceof Error));
  }
}

export const proposalResolvers: Function[] = [NaCallResolver, QuotaRequestResolver, QuotaUnitFiguresResolver, NaProposalResolver, NaProposalLineResolver];
