import DataLoader from 'dataloader';
import { Arg, Args, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { defineLoader, type RequestContext } from '../../platform/graphql/context';
import { ConnectionArgs, ConnectionType, type ConnectionShape } from '../../platform/graphql/relay';
import { Institution } from '../institutions/institution.entity';
import { AgreementKind, MobilityType } from './agreement.entity';
import { PartnerFacetOptions, PartnerFilter } from './partner.inputs';
import { cooperationSummaries, getPartner, listPartners, partnerFacets, type PartnerCooperationSummary } from './partner.service';

const PartnerConnection = ConnectionType(Institution, 'Partner');

@ObjectType()
class FacetValue {
  @Field()
  value!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Counts of partners per value, under the same filter (each facet ignores its own criterion).' })
class PartnerFacets {
  @Field(() => Int, { description: 'Partners matching the whole filter.' })
  total!: number;

  @Field(() => [FacetValue], { description: 'Per ISO country code.' })
  countries!: FacetValue[];

  @Field(() => [FacetValue], { description: 'Per agreement kind.' })
  agreementKinds!: FacetValue[];

  @Field(() => [FacetValue], { description: 'Per ISCED-F broad field (2 digits).' })
  iscedBroadFields!: FacetValue[];
}

@ObjectType({ description: 'What the university and a partner cooperate in (public).' })
class PartnerCooperation {
  @Field(() => Boolean)
  hasActiveAgreement!: boolean;

  @Field(() => String, { nullable: true, description: 'Last academic year of the agreements in effect.' })
  activeUntil!: string | null;

  @Field(() => [AgreementKind])
  agreementKinds!: AgreementKind[];

  @Field(() => [MobilityType])
  mobilityTypes!: MobilityType[];

  @Field(() => [String], { description: 'ISCED-F codes of the subject areas.' })
  iscedCodes!: string[];

  @Field(() => [Int])
  eqfLevels!: number[];

  @Field(() => [String], { description: 'ISO 639-1 languages.' })
  languages!: string[];
}

const cooperationByInstitution = defineLoader('cooperationByInstitution', (ctx) =>
  new DataLoader<string, PartnerCooperationSummary | null>(async (ids) => {
    const summaries = await cooperationSummaries(ctx.em, ids);
    return ids.map((id) => summaries.get(id) ?? null);
  }),
);

@Resolver(() => Institution)
export class PartnerResolver {
  @Query(() => PartnerConnection, { description: 'The institutions the university cooperates with (public), by name.' })
  partners(
    @Ctx() ctx: RequestContext,
    @Args() page: ConnectionArgs,
    @Arg('filter', () => PartnerFilter, { nullable: true }) filter?: PartnerFilter,
    @Arg('query', () => String, { nullable: true, description: 'Search words (the engine of `search`: typos, Turkish letters and accents tolerated).' })
    query?: string,
  ): Promise<ConnectionShape<Institution>> {
    return listPartners(ctx, filter, page, query);
  }

  @Query(() => PartnerFacets, { description: 'Facet counts for the partner list under the same filter (public).', complexity: 30 })
  partnerFacets(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => PartnerFilter, { nullable: true }) filter?: PartnerFilter,
    @Arg('options', () => PartnerFacetOptions, { nullable: true }) options?: PartnerFacetOptions,
    @Arg('query', () => String, { nullable: true, description: 'The same search words as on `partners`.' }) query?: string,
  ): Promise<PartnerFacets> {
    return partnerFacets(ctx, filter, options?.limit ?? 100, options?.sort ?? 'count', query);
  }

  @Query(() => Institution, { nullable: true, description: 'A partner; null when the institution is not a partner.' })
  partner(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Institution | null> {
    return getPartner(ctx, id);
  }

  @FieldResolver(() => PartnerCooperation, { nullable: true, description: 'The cooperation with this institution; null if it is no partner.' })
  cooperation(@Root() institution: Institution, @Ctx() ctx: RequestContext): Promise<PartnerCooperationSummary | null> {
    return ctx.loader(cooperationByInstitution).load(institution.id);
  }
}
