import { Arg, Authorized, Ctx, Field, FieldResolver, Float, Int, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context';
import { ApplicationStatus, MobilityApplication } from './application.entity';
import { actorShownTo } from './application.service';
import type { LaComponentRow } from './learning-agreement.entity';
import { RecordRecognitionInput } from './recognition.inputs';
import { agreedComponentsByApplication } from './learning-agreement.service';
import { recognitionOf, recognitionSums, recordRecognition, type RecognitionView } from './recognition.service';
import { CourseRecognition } from './transcript.entity';

@ObjectType({ description: 'A Table B component of the learning agreement in force: a course to be recognised at home.' })
class RecognitionComponent {
  @Field({ description: 'The component’s stable id in the learning agreement.' })
  id!: string;

  @Field(() => String, { nullable: true })
  code!: string | null;

  @Field()
  title!: string;

  @Field(() => Float)
  ects!: number;

  @Field(() => Int, { nullable: true })
  termNumber!: number | null;

  @Field(() => String, { nullable: true, description: 'Conditions of recognition.' })
  note!: string | null;
}

const componentView = (c: LaComponentRow): RecognitionComponent => ({
  id: c.id,
  code: c.code ?? null,
  title: c.title,
  ects: Number(c.ects),
  termNumber: c.termNumber ?? null,
  note: c.note ?? null,
});

@ObjectType({ description: 'Recognition at home of the mobility’s Table B courses; the student sees their own.' })
class MobilityRecognition {
  @Field({ description: 'Recognition closed: the mobility is RECOGNISED.' })
  complete!: boolean;

  @Field(() => Float, { description: 'ECTS of Table B of the learning agreement in force.' })
  plannedEcts!: number;

  @Field(() => Float, { description: 'ECTS recognised so far.' })
  recognisedEcts!: number;

  @Field(() => [RecognitionComponent], { description: 'Table B of the learning agreement in force.' })
  components!: RecognitionComponent[];

  @Field(() => [CourseRecognition], { description: 'The decisions, in Table B order.' })
  decisions!: CourseRecognition[];

  @Field(() => [RecognitionComponent], { description: 'Table B components without a decision yet.' })
  pending!: RecognitionComponent[];
}

@Resolver(() => MobilityApplication)
export class RecognitionResolver {
  @Authorized()
  @Mutation(() => MobilityApplication, {
    description: 'Recognition decisions on Table B components (office, the unit’s coordinator); complete: true moves COMPLETED → RECOGNISED.',
  })
  recordRecognition(@Arg('input') input: RecordRecognitionInput, @Ctx() ctx: RequestContext): Promise<MobilityApplication> {
    return recordRecognition(ctx, input);
  }

  @FieldResolver(() => MobilityRecognition, { nullable: true, description: 'Null until a learning agreement is approved.' })
  async recognition(@Root() application: MobilityApplication, @Ctx() ctx: RequestContext): Promise<MobilityRecognition | null> {
    const view: RecognitionView | null = await recognitionOf(ctx, application);
    if (!view) return null;
    const decided = new Set(view.decisions.map((d) => d.componentId));
    return {
      complete: view.status === ApplicationStatus.RECOGNISED,
      ...recognitionSums(view),
      components: view.components.map(componentView),
      decisions: view.decisions,
      pending: view.components.filter((c) => !decided.has(c.id)).map(componentView),
    };
  }
}

@Resolver(() => CourseRecognition)
export class CourseRecognitionResolver {
  @FieldResolver(() => String, { description: 'The Table B component’s id.' })
  componentId(@Root() decision: CourseRecognition): string {
    return decision.componentId;
  }

  @FieldResolver(() => RecognitionComponent, { nullable: true, description: 'The component (null when no longer in the learning agreement).' })
  async component(@Root() decision: CourseRecognition, @Ctx() ctx: RequestContext): Promise<RecognitionComponent | null> {
    const components = await ctx.loader(agreedComponentsByApplication).load(decision.application.id);
    const found = components?.find((c) => c.id === decision.componentId);
    return found ? componentView(found) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Who decided; the student sees "office".' })
  decidedBy(@Root() decision: CourseRecognition, @Ctx() ctx: RequestContext): string | null {
    return actorShownTo(ctx, decision.decidedBy);
  }
}

export const recognitionResolvers: Function[] = [RecognitionResolver, CourseRecognitionResolver];
