import { Arg, Args, Authorized, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { DeliveredEvent } from '../../platform/events/outbox';
import type { RequestContext } from '../../platform/graphql/context';
import { ConnectionArgs, ConnectionType, fromGlobalId, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { Institution } from '../institutions/institution.entity';
import { institutionById, unitById } from '../institutions/institution.loaders';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { Agreement, AgreementPartner, AgreementRevision, AgreementStatus, CooperationCondition } from './agreement.entity';
import {
  AgreementFilter,
  AgreementOrder,
  CreateAgreementInput,
  QuotaGrouping,
  SignAgreementInput,
  UpdateAgreementInput,
} from './agreement.inputs';
import { conditionsByAgreement, partnersByAgreement } from './agreement.loaders';
import {
  AGREEMENT_TYPE,
  changeAgreementStatus,
  compareWithRevision,
  createAgreement,
  followAgreementStatus,
  getAgreement,
  listAgreements,
  quotaTotals,
  revisionsOf,
  signAgreement,
  statusChangeView,
  updateAgreement,
  type FieldChange,
} from './agreement.service';
import { OFFICE_ROLES } from '../../platform/auth/viewer';

const AgreementConnection = ConnectionType(Agreement, 'Agreement');
const READERS = ['STAFF', 'ADMIN', 'COORDINATOR'] as const;

@ObjectType({ description: 'One field that differs between two versions of an agreement; values as JSON.' })
class AgreementFieldChange {
  @Field({ description: 'Field path, e.g. "title" or "conditions.0.mobilitiesPerYear".' })
  path!: string;

  @Field(() => String, { nullable: true })
  from!: string | null;

  @Field(() => String, { nullable: true })
  to!: string | null;
}

const asJson = (changes: FieldChange[]): AgreementFieldChange[] =>
  changes.map((c) => ({ path: c.path, from: c.from === null ? null : JSON.stringify(c.from), to: c.to === null ? null : JSON.stringify(c.to) }));

@ObjectType({ description: 'Quota totals of agreements in effect for one academic year.' })
class QuotaTotal {
  @Field({ description: 'Partner ID, ISCED code or mobility type.' })
  key!: string;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => Int)
  mobilities!: number;

  @Field(() => Float)
  months!: number;

  @Field(() => Int)
  days!: number;

  @Field(() => Int)
  agreements!: number;
}

@ObjectType({ description: 'An agreement moved from one status to another.' })
class AgreementStatusChanged {
  @Field(() => ID)
  agreementId!: string;

  @Field(() => AgreementStatus)
  from!: AgreementStatus;

  @Field(() => AgreementStatus)
  to!: AgreementStatus;

  @Field(() => Int, { nullable: true })
  version!: number | null;

  @Field(() => String, { nullable: true })
  actor!: string | null;

  @Field()
  occurredAt!: Date;

  @Field(() => Agreement, { nullable: true })
  agreement!: Agreement | null;
}

@Resolver(() => Agreement)
export class AgreementResolver {
  @Authorized(...READERS)
  @Query(() => AgreementConnection, { description: 'Office: all agreements. Coordinators: those of their units and university-wide ones.' })
  agreements(
    @Ctx() ctx: RequestContext,
    @Args() page: ConnectionArgs,
    @Arg('filter', () => AgreementFilter, { nullable: true }) filter?: AgreementFilter,
    @Arg('orderBy', () => AgreementOrder, { nullable: true }) orderBy?: AgreementOrder,
  ): Promise<ConnectionShape<Agreement>> {
    return listAgreements(ctx, filter, orderBy, page);
  }

  @Authorized(...READERS)
  @Query(() => Agreement, { nullable: true })
  agreement(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Agreement | null> {
    return getAgreement(ctx, fromGlobalId(id, AGREEMENT_TYPE));
  }

  @Authorized(...OFFICE_ROLES)
  @Query(() => [QuotaTotal], { description: 'Office: mobility quotas of agreements in effect for an academic year, grouped.' })
  agreementQuotaTotals(
    @Arg('academicYear') academicYear: string,
    @Arg('groupBy', () => QuotaGrouping) groupBy: QuotaGrouping,
    @Ctx() ctx: RequestContext,
  ): Promise<QuotaTotal[]> {
    return quotaTotals(ctx, academicYear, groupBy);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => Agreement)
  createAgreement(@Arg('input') input: CreateAgreementInput, @Ctx() ctx: RequestContext): Promise<Agreement> {
    return createAgreement(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => Agreement, { description: 'Edit a draft or an agreement in negotiation (editing one signed by one side withdraws that signature).' })
  updateAgreement(@Arg('input') input: UpdateAgreementInput, @Ctx() ctx: RequestContext): Promise<Agreement> {
    return updateAgreement(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => Agreement, { description: 'Move to IN_NEGOTIATION, back to DRAFT, EXPIRED or TERMINATED; signing uses signAgreement.' })
  changeAgreementStatus(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('status', () => AgreementStatus) status: AgreementStatus,
    @Ctx() ctx: RequestContext,
  ): Promise<Agreement> {
    return changeAgreementStatus(ctx, id, version, status);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => Agreement, { description: 'Record one side’s signature: SIGNED_BY_ONE, then IN_EFFECT once both have signed.' })
  signAgreement(@Arg('input') input: SignAgreementInput, @Ctx() ctx: RequestContext): Promise<Agreement> {
    return signAgreement(ctx, input);
  }

  @Authorized(...READERS)
  @Subscription(() => AgreementStatusChanged, {
    description: 'Agreement status changes, for dashboards (coordinators: their units and university-wide agreements).',
    subscribe: ({ context }) => followAgreementStatus(context as RequestContext),
  })
  agreementStatusChanged(@Root() event: DeliveredEvent, @Ctx() ctx: RequestContext): Promise<AgreementStatusChanged> {
    return statusChangeView(ctx, event);
  }

  @FieldResolver(() => ID)
  id(@Root() agreement: Agreement): string {
    return toGlobalId(AGREEMENT_TYPE, agreement.id);
  }

  @FieldResolver(() => OrganisationalUnit, { nullable: true })
  homeUnit(@Root() agreement: Agreement, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit | null> | null {
    return agreement.homeUnit ? ctx.loader(unitById).load(agreement.homeUnit.id) : null;
  }

  @FieldResolver(() => [AgreementPartner])
  partners(@Root() agreement: Agreement, @Ctx() ctx: RequestContext): Promise<AgreementPartner[]> {
    return ctx.loader(partnersByAgreement).load(agreement.id);
  }

  @FieldResolver(() => [CooperationCondition], { complexity: ({ childComplexity }) => 1 + 10 * childComplexity })
  conditions(@Root() agreement: Agreement, @Ctx() ctx: RequestContext): Promise<CooperationCondition[]> {
    return ctx.loader(conditionsByAgreement).load(agreement.id);
  }

  @Authorized(...OFFICE_ROLES)
  @FieldResolver(() => String, { nullable: true, description: 'Office-internal note.' })
  internalNote(@Root() agreement: Agreement): string | null {
    return agreement.internalNote ?? null;
  }

  @FieldResolver(() => [AgreementRevision], { description: 'Every version, newest first.', complexity: 20 })
  revisions(@Root() agreement: Agreement, @Ctx() ctx: RequestContext): Promise<AgreementRevision[]> {
    return revisionsOf(ctx, agreement);
  }

  @FieldResolver(() => [AgreementFieldChange], { description: 'What changed between revision `version` and now.', complexity: 20 })
  async changesSince(
    @Root() agreement: Agreement,
    @Arg('version', () => Int) version: number,
    @Ctx() ctx: RequestContext,
  ): Promise<AgreementFieldChange[]> {
    return asJson(await compareWithRevision(ctx, agreement, version));
  }
}

@Resolver(() => AgreementPartner)
export class AgreementPartyResolver {
  @FieldResolver(() => Institution)
  async institution(@Root() party: AgreementPartner, @Ctx() ctx: RequestContext): Promise<Institution> {
    return (await ctx.loader(institutionById).load(party.institution.id))!;
  }

  @FieldResolver(() => OrganisationalUnit, { nullable: true })
  unit(@Root() party: AgreementPartner, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit | null> | null {
    return party.unit ? ctx.loader(unitById).load(party.unit.id) : null;
  }
}

@Resolver(() => CooperationCondition)
export class CooperationConditionResolver {
  @FieldResolver(() => Institution)
  async sendingInstitution(@Root() c: CooperationCondition, @Ctx() ctx: RequestContext): Promise<Institution> {
    return (await ctx.loader(institutionById).load(c.sendingInstitution.id))!;
  }

  @FieldResolver(() => OrganisationalUnit, { nullable: true })
  sendingUnit(@Root() c: CooperationCondition, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit | null> | null {
    return c.sendingUnit ? ctx.loader(unitById).load(c.sendingUnit.id) : null;
  }

  @FieldResolver(() => Institution)
  async receivingInstitution(@Root() c: CooperationCondition, @Ctx() ctx: RequestContext): Promise<Institution> {
    return (await ctx.loader(institutionById).load(c.receivingInstitution.id))!;
  }

  @FieldResolver(() => OrganisationalUnit, { nullable: true })
  receivingUnit(@Root() c: CooperationCondition, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit | null> | null {
    return c.receivingUnit ? ctx.loader(unitById).load(c.receivingUnit.id) : null;
  }
}

@Resolver(() => AgreementRevision)
export class AgreementRevisionResolver {
  @FieldResolver(() => [AgreementFieldChange], { description: 'What this revision changed compared with the one before.' })
  changes(@Root() revision: AgreementRevision): AgreementFieldChange[] {
    return asJson(revision.changes);
  }
}
