import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context';
import { LocaleCode, LocalisedText, pickLocale } from '../../platform/graphql/localised-text';
import { toGlobalId } from '../../platform/graphql/relay';
import { Institution } from './institution.entity';
import { UpdateHomeInstitutionInput } from './institution.inputs';
import { homeInstitution, INSTITUTION_TYPE, topLevelUnits, updateHomeInstitution } from './institution.service';
import { OrganisationalUnit } from './organisational-unit.entity';

@Resolver(() => Institution)
export class InstitutionResolver {
  @Query(() => Institution, { description: 'The university this hub belongs to.' })
  homeInstitution(@Ctx() ctx: RequestContext): Promise<Institution> {
    return homeInstitution(ctx);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => Institution, { description: 'Office: correct the home institution record.' })
  updateHomeInstitution(@Arg('input') input: UpdateHomeInstitutionInput, @Ctx() ctx: RequestContext): Promise<Institution> {
    return updateHomeInstitution(ctx, input);
  }

  @FieldResolver(() => ID)
  id(@Root() institution: Institution): string {
    return toGlobalId(INSTITUTION_TYPE, institution.id);
  }

  @FieldResolver(() => String, { description: 'The name in the requested locale (Accept-Language otherwise), with fallback.' })
  name(
    @Root() institution: Institution,
    @Ctx() ctx: RequestContext,
    @Arg('locale', () => LocaleCode, { nullable: true }) locale?: LocaleCode,
  ): string {
    return pickLocale(institution.name, locale ?? ctx.locale, ctx.config.defaultLocale);
  }

  @FieldResolver(() => LocalisedText)
  nameTranslations(@Root() institution: Institution): LocalisedText {
    return institution.name;
  }

  @FieldResolver(() => [OrganisationalUnit], {
    description: 'Top-level units (faculties, institutes, schools, offices).',
    complexity: ({ childComplexity }) => 1 + 20 * childComplexity,
  })
  topLevelUnits(@Root() institution: Institution, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit[]> {
    return topLevelUnits(ctx, institution);
  }
}
