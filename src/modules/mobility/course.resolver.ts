import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context';
import { registerNodeType } from '../../platform/graphql/node';
import { registerPublicQueryField } from '../../platform/http/cache-control';
import { LocaleCode, LocalisedText, pickLocale } from '../../platform/graphql/localised-text';
import { ConnectionType, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { unitById } from '../institutions/institution.loaders';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { HomeCourse } from './course.entity';
import type { CatalogueImportSummary } from './course-import';
import { getHomeCourse, HOME_COURSE_TYPE, importHomeCourses, listHomeCourses } from './course.service';
import { HomeCourseListArgs } from './learning-agreement.inputs';

const HomeCourseConnection = ConnectionType(HomeCourse, 'HomeCourse');

@ObjectType({ description: 'What an import of the course catalogue did (it is all or nothing: a bad file is refused with INVALID_CATALOGUE).' })
class HomeCourseImportResult implements CatalogueImportSummary {
  @Field(() => Int, { description: 'Courses in the file.' })
  total!: number;

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int, { description: 'Listed again after an earlier file had left them out.' })
  reactivated!: number;

  @Field(() => Int, { description: 'No longer listed: inactive, kept for the learning agreements that name them.' })
  deactivated!: number;
}

@Resolver(() => HomeCourse)
export class HomeCourseResolver {
  @Query(() => HomeCourseConnection, { description: 'The home institution’s course catalogue (public), by code: what Table B of a learning agreement recognises.' })
  homeCourses(@Args() args: HomeCourseListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<HomeCourse>> {
    return listHomeCourses(ctx, args);
  }

  @Authorized('STAFF', 'ADMIN')
  @Mutation(() => HomeCourseImportResult, {
    description: 'Replaces the catalogue from CSV (code,title_tr,title_en,ects,unit,language,semester,isced): all or nothing, matched by code, unlisted courses deactivated.',
  })
  importHomeCourses(@Arg('csv') csv: string, @Ctx() ctx: RequestContext): Promise<CatalogueImportSummary> {
    return importHomeCourses(ctx, csv);
  }

  @FieldResolver(() => ID)
  id(@Root() course: HomeCourse): string {
    return toGlobalId(HOME_COURSE_TYPE, course.id);
  }

  @FieldResolver(() => String)
  title(@Root() course: HomeCourse, @Ctx() ctx: RequestContext, @Arg('locale', () => LocaleCode, { nullable: true }) locale?: LocaleCode): string {
    return pickLocale(course.title, locale ?? ctx.locale, ctx.config.defaultLocale);
  }

  @FieldResolver(() => LocalisedText)
  titleTranslations(@Root() course: HomeCourse): LocalisedText {
    return course.title;
  }

  @FieldResolver(() => OrganisationalUnit, { nullable: true, description: 'The faculty or department that teaches it.' })
  unit(@Root() course: HomeCourse, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit | null> | null {
    return course.unit ? ctx.loader(unitById).load(course.unit.id) : null;
  }
}

// The catalogue is the same for every visitor.
registerPublicQueryField('homeCourses');
registerNodeType(HOME_COURSE_TYPE, (ctx, id) => getHomeCourse(ctx, id));
