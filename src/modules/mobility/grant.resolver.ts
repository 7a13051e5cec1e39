/** GraphQL of grants (registered by mobility.module.ts through `grantResolvers`). */
import { Arg, Authorized, Ctx, Float, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { registerNodeType } from '../../platform/graphql/node';
import type { RequestContext } from '../../platform/graphql/context';
import { toGlobalId } from '../../platform/graphql/relay';
import { invalidInput } from '../../platform/errors/domain-error';
import { ACADEMIC_YEAR, YEAR_MESSAGE } from '../agreements/agreement.inputs';
import { MobilityApplication } from './application.entity';
import { getApplication } from './application.service';
import { GrantPayment, GrantRateTable, MobilityGrant } from './grant.entity';
import { ComputeGrantInput, GrantInstalmentView, GrantRatesShape, GrantWorkingLineView, RecordGrantPaymentInput, SetGrantRatesInput } from './grant.inputs';
import {
  computeMobilityGrant,
  getGrant,
  getRateTable,
  GRANT_TYPE,
  grantMoney,
  grantOfApplication,
  listRateTables,
  PAYMENT_TYPE,
  paymentsByGrant,
  RATE_TABLE_TYPE,
  recordGrantPayment,
  setGrantRates,
} from './grant.service';
import { programmeById } from './mobility.loaders';
import { MobilityProgramme, MobilityProgrammeCode } from './programme.entity';
import { OFFICE_ROLES } from '../../platform/auth/viewer';


@Resolver(() => GrantRateTable)
export class GrantRateTableResolver {
  @Query(() => [GrantRateTable], { description: 'Grant rate tables, newest call year first. Public: the National Agency publishes the figures.' })
  grantRateTables(
    @Ctx() ctx: RequestContext,
    @Arg('programme', () => MobilityProgrammeCode, { nullable: true }) programme?: MobilityProgrammeCode,
    @Arg('academicYear', () => String, { nullable: true }) academicYear?: string,
  ): Promise<GrantRateTable[]> {
    if (academicYear && !ACADEMIC_YEAR.test(academicYear)) throw invalidInput('academicYear', YEAR_MESSAGE);
    return listRateTables(ctx, programme, academicYear);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => GrantRateTable, { description: 'Sets (or replaces) the rates of a programme for a call year. Checked as a whole: INVALID_RATES names the field.' })
  setGrantRates(@Arg('input') input: SetGrantRatesInput, @Ctx() ctx: RequestContext): Promise<GrantRateTable> {
    return setGrantRates(ctx, input);
  }

  @FieldResolver(() => ID)
  id(@Root() table: GrantRateTable): string {
    return toGlobalId(RATE_TABLE_TYPE, table.id);
  }

  @FieldResolver(() => MobilityProgramme)
  async programme(@Root() table: GrantRateTable, @Ctx() ctx: RequestContext): Promise<MobilityProgramme> {
    return (await ctx.loader(programmeById).load(table.programme.id))!;
  }

  @FieldResolver(() => GrantRatesShape)
  rates(@Root() table: GrantRateTable): GrantRatesShape {
    return table.rates as unknown as GrantRatesShape;
  }
}

@Resolver(() => MobilityGrant)
export class MobilityGrantResolver {
  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityGrant, {
    description:
      'Computes or recomputes the grant of a mobility (from SELECTED on): from the actual dates when both are set, else the planned ones. Inputs not given keep their earlier value; payments made stay.',
  })
  computeGrant(@Arg('input') input: ComputeGrantInput, @Ctx() ctx: RequestContext): Promise<MobilityGrant> {
    return computeMobilityGrant(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityGrant, { description: 'Records a payment on an instalment (negative: a recovery). The amount paid never exceeds the grant.' })
  recordGrantPayment(@Arg('input') input: RecordGrantPaymentInput, @Ctx() ctx: RequestContext): Promise<MobilityGrant> {
    return recordGrantPayment(ctx, input);
  }

  @FieldResolver(() => ID)
  id(@Root() grant: MobilityGrant): string {
    return toGlobalId(GRANT_TYPE, grant.id);
  }

  @FieldResolver(() => MobilityApplication, { nullable: true, description: 'The mobility, as you may see it.' })
  application(@Root() grant: MobilityGrant, @Ctx() ctx: RequestContext): Promise<MobilityApplication | null> {
    return getApplication(ctx, grant.application.id);
  }

  @FieldResolver(() => GrantRateTable, { nullable: true, description: 'The rate table the grant was computed with.' })
  rateTable(@Root() grant: MobilityGrant, @Ctx() ctx: RequestContext): Promise<GrantRateTable | null> | null {
    return grant.rateTable ? getRateTable(ctx, grant.rateTable.id) : null;
  }

  @FieldResolver(() => [GrantWorkingLineView], { description: 'How the amounts were reached: quantity × rate = amount, line by line.' })
  working(@Root() grant: MobilityGrant): GrantWorkingLineView[] {
    return grant.working as GrantWorkingLineView[];
  }

  @FieldResolver(() => [GrantPayment], { description: 'Payments and recoveries, oldest first.' })
  payments(@Root() grant: MobilityGrant, @Ctx() ctx: RequestContext): Promise<GrantPayment[]> {
    return ctx.loader(paymentsByGrant).load(grant.id);
  }

  @FieldResolver(() => [GrantInstalmentView])
  async instalments(@Root() grant: MobilityGrant, @Ctx() ctx: RequestContext): Promise<GrantInstalmentView[]> {
    return grantMoney(grant, await ctx.loader(paymentsByGrant).load(grant.id)).instalments;
  }

  @FieldResolver(() => Float, { description: 'The sum of the payments (recoveries subtracted).' })
  async paid(@Root() grant: MobilityGrant, @Ctx() ctx: RequestContext): Promise<number> {
    return grantMoney(grant, await ctx.loader(paymentsByGrant).load(grant.id)).paid;
  }

  @FieldResolver(() => Float, { description: 'total − paid; negative after a recomputation lowered the grant: money to recover.' })
  async outstanding(@Root() grant: MobilityGrant, @Ctx() ctx: RequestContext): Promise<number> {
    return grantMoney(grant, await ctx.loader(paymentsByGrant).load(grant.id)).outstanding;
  }
}

@Resolver(() => GrantPayment)
export class GrantPaymentResolver {
  @FieldResolver(() => ID)
  id(@Root() payment: GrantPayment): string {
    return toGlobalId(PAYMENT_TYPE, payment.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Office staff who recorded it (office only).' })
  recordedBy(@Root() payment: GrantPayment, @Ctx() ctx: RequestContext): string | null {
    return ctx.viewer.isOffice ? (payment.recordedBy ?? null) : null;
  }
}

/** `MobilityApplication.grant`, merged into the application type; one query for a whole list of applications. */
@Resolver(() => MobilityApplication)
export class MobilityApplicationGrantResolver {
  @FieldResolver(() => MobilityGrant, { nullable: true, description: 'The grant once computed (the office, the unit’s coordinators and the student).' })
  grant(@Root() application: MobilityApplication, @Ctx() ctx: RequestContext): Promise<MobilityGrant | null> {
    return grantOfApplication(ctx, application);
  }
}

export const grantResolvers: Function[] = [GrantRateTableResolver, MobilityGrantResolver, GrantPaymentResolver, MobilityApplicationGrantResolver];

// node(id): a grant only for those who may read its application; rate tables for anyone.
registerNodeType(GRANT_TYPE, (ctx, id) => getGrant(ctx, id));
registerNodeType(RATE_TABLE_TYPE, (ctx, id) => getRateTable(ctx, id));
