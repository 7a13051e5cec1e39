import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context';
import { LocaleCode, LocalisedText, pickLocale } from '../../platform/graphql/localised-text';
import { toGlobalId } from '../../platform/graphql/relay';
import { SelectionRules, SetProgrammeRulesInput, UpdateProgrammeInput } from './mobility.inputs';
import { ruleSetByKey } from './mobility.loaders';
import { MobilityCategory, MobilityProgramme, ProgrammeRuleSet } from './programme.entity';
import { listProgrammes, PROGRAMME_TYPE, setProgrammeRules, toRulesView, updateProgramme } from './programme.service';
import { ACADEMIC_YEAR } from '../agreements/agreement.inputs';
import { invalidInput } from '../../platform/errors/domain-error';
import { OFFICE_ROLES } from '../../platform/auth/viewer';


@Resolver(() => MobilityProgramme)
export class MobilityProgrammeResolver {
  @Query(() => [MobilityProgramme], { description: 'The mobility programmes and whether each is enabled. Public.' })
  mobilityProgrammes(@Ctx() ctx: RequestContext): Promise<MobilityProgramme[]> {
    return listProgrammes(ctx);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MobilityProgramme, { description: 'Enable or disable a programme (Farabi while suspended), or change its name or grant basis.' })
  updateMobilityProgramme(@Arg('input') input: UpdateProgrammeInput, @Ctx() ctx: RequestContext): Promise<MobilityProgramme> {
    return updateProgramme(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ProgrammeRuleSet, { description: "Sets a programme's selection rules for an academic year and category (they are data, changed every year)." })
  setProgrammeRules(@Arg('input') input: SetProgrammeRulesInput, @Ctx() ctx: RequestContext): Promise<ProgrammeRuleSet> {
    return setProgrammeRules(ctx, input);
  }

  @FieldResolver(() => ID)
  id(@Root() programme: MobilityProgramme): string {
    return toGlobalId(PROGRAMME_TYPE, programme.id);
  }

  @FieldResolver(() => String, { description: 'The name in the requested locale (Accept-Language otherwise), with fallback.' })
  name(@Root() programme: MobilityProgramme, @Ctx() ctx: RequestContext, @Arg('locale', () => LocaleCode, { nullable: true }) locale?: LocaleCode): string {
    return pickLocale(programme.name, locale ?? ctx.locale, ctx.config.defaultLocale);
  }

  @FieldResolver(() => LocalisedText)
  nameTranslations(@Root() programme: MobilityProgramme): LocalisedText {
    return programme.name;
  }

  @FieldResolver(() => ProgrammeRuleSet, { nullable: true, description: 'The rules for an academic year and category; null when not set. Public: calls state them.' })
  async ruleSet(
    @Root() programme: MobilityProgramme,
    @Ctx() ctx: RequestContext,
    @Arg('academicYear') academicYear: string,
    @Arg('category', () => MobilityCategory, { defaultValue: MobilityCategory.STUDENT }) category: MobilityCategory,
  ): Promise<ProgrammeRuleSet | null> {
    if (!ACADEMIC_YEAR.test(academicYear)) throw invalidInput('academicYear', 'academic years are written 2025/2026');
    return ctx.loader(ruleSetByKey).load(`${programme.id}|${academicYear}|${category}`);
  }
}

@Resolver(() => ProgrammeRuleSet)
export class ProgrammeRuleSetResolver {
  @FieldResolver(() => SelectionRules)
  rules(@Root() ruleSet: ProgrammeRuleSet): SelectionRules {
    return toRulesView(ruleSet.rules);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Office only.' })
  updatedBy(@Root() ruleSet: ProgrammeRuleSet, @Ctx() ctx: RequestContext): string | null {
    return ctx.viewer.isOffice ? (ruleSet.updatedBy ?? null) : null;
  }
}
