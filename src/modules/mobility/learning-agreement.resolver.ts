/** GraphQL of learning agreements and the home course catalogue (registered by mobility.module.ts). */
import { Arg, Authorized, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Resolver, Root, registerEnumType } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context';
import { registerNodeType } from '../../platform/graphql/node';
import { toGlobalId } from '../../platform/graphql/relay';
import { MobilityApplication } from './application.entity';
import { HomeCourse } from './course.entity';
import { HomeCourseResolver } from './course.resolver';
import { courseById } from './course.service';
import { LaChangeReason, LaParty, LaTable, LearningAgreement, LearningAgreementVersion, type LaChangeRow, type LaComponentRow, type LaSignatureRow } from './learning-agreement.entity';
import {
  ProposeLearningAgreementChangeInput,
  ProposeLearningAgreementInput,
  RejectLearningAgreementVersionInput,
  SignLearningAgreementInput,
} from './learning-agreement.inputs';
import { creditTotals, type LaWarning, type TableCredits } from './learning-agreement.rules';
import {
  applicationOf,
  approvedVersionOf,
  componentOfChange,
  getLearningAgreement,
  LA_TYPE,
  learningAgreementOf,
  learningAgreementXml,
  pendingVersionOf,
  proposeLearningAgreement,
  proposeLearningAgreementChange,
  rejectLearningAgreementVersion,
  signLearningAgreement,
  versionsOf,
  warningsOf,
} from './learning-agreement.service';

enum LaChangeAction {
  INSERTED = 'INSERTED',
  DELETED = 'DELETED',
}
registerEnumType(LaChangeAction, { name: 'LaChangeAction' });

@ObjectType({ description: 'A component of a learning agreement: a course at the host (A), its recognition at home (B) or a virtual component (C).' })
class LaComponent {
  @Field(() => ID, { description: 'Stable across versions: changes delete by it, recognition is written against it.' })
  id!: string;

  @Field(() => LaTable)
  table!: LaTable;

  @Field(() => String, { nullable: true })
  code!: string | null;

  @Field()
  title!: string;

  @Field(() => Int, { nullable: true })
  termNumber!: number | null;

  @Field(() => Int, { nullable: true })
  totalTerms!: number | null;

  @Field(() => Float)
  ects!: number;

  @Field(() => String, { nullable: true, description: 'Table B: conditions of recognition; Table C: the short description.' })
  note!: string | null;

  homeCourseId!: string | null;
}

@ObjectType({ description: 'One insertion or deletion of a change proposal, with its reason (EWP A2/B2/C2).' })
class LaChange {
  @Field(() => LaChangeAction)
  action!: LaChangeAction;

  @Field(() => ID)
  componentId!: string;

  @Field(() => LaTable)
  table!: LaTable;

  @Field(() => LaChangeReason)
  reason!: LaChangeReason;

  @Field(() => String, { nullable: true })
  reasonText!: string | null;

  version!: LearningAgreementVersion;
}

@ObjectType({ description: 'A party’s signature on a version.' })
class LaSignature {
  @Field(() => LaParty)
  party!: LaParty;

  @Field()
  signerName!: string;

  @Field(() => String, { nullable: true })
  signerPosition!: string | null;

  @Field(() => String, { nullable: true })
  signerEmail!: string | null;

  @Field(() => String, { nullable: true })
  signerApp!: string | null;

  @Field()
  at!: Date;
}

@ObjectType()
class LaTermCredits {
  @Field(() => Int, { nullable: true, description: 'Null: components without a term (Table C may have none).' })
  termNumber!: number | null;

  @Field(() => Int, { nullable: true })
  totalTerms!: number | null;

  @Field(() => Float)
  ects!: number;
}

@ObjectType({ description: 'ECTS of one table, in all and per term.' })
class LaTableCredits {
  @Field(() => LaTable)
  table!: LaTable;

  @Field(() => Float)
  ects!: number;

  @Field(() => [LaTermCredits])
  byTerm!: LaTermCredits[];
}

@ObjectType({ description: 'Something to look at before signing; never a reason the hub refuses.' })
class LaWarningView {
  @Field({ description: 'ECTS_BELOW_EXPECTATION or TABLE_B_DIFFERS_FROM_A.' })
  code!: string;

  @Field()
  message!: string;
}

const componentView = (c: LaComponentRow): LaComponent => ({
  id: c.id,
  table: c.table,
  code: c.code ?? null,
  title: c.title,
  termNumber: c.termNumber ?? null,
  totalTerms: c.totalTerms ?? null,
  ects: Number(c.ects),
  note: c.note ?? null,
  homeCourseId: c.homeCourseId ?? null,
});

@Resolver(() => LearningAgreement)
export class LearningAgreementResolver {
  @Authorized()
  @Mutation(() => LearningAgreement, {
    description: 'The first version (Tables A, B, C); replaces a pending first version. The student, their coordinators or the office; while NOMINATED, ACCEPTED or LIVE.',
  })
  proposeLearningAgreement(@Arg('input') input: ProposeLearningAgreementInput, @Ctx() ctx: RequestContext): Promise<LearningAgreement> {
    return proposeLearningAgreement(ctx, input);
  }

  @Authorized()
  @Mutation(() => LearningAgreement, { description: 'Components inserted or deleted, each with its reason, against the approved version; supersedes a pending proposal.' })
  proposeLearningAgreementChange(@Arg('input') input: ProposeLearningAgreementChangeInput, @Ctx() ctx: RequestContext): Promise<LearningAgreement> {
    return proposeLearningAgreementChange(ctx, input);
  }

  @Authorized()
  @Mutation(() => LearningAgreement, {
    description: 'Signs the pending version for a party: STUDENT the student; SENDING the office or the unit’s coordinator; RECEIVING the office. The third signature approves it.',
  })
  signLearningAgreement(@Arg('input') input: SignLearningAgreementInput, @Ctx() ctx: RequestContext): Promise<LearningAgreement> {
    return signLearningAgreement(ctx, input);
  }

  @Authorized()
  @Mutation(() => LearningAgreement, { description: 'A party refuses the pending version, with a comment; the approved version stays in force.' })
  rejectLearningAgreementVersion(@Arg('input') input: RejectLearningAgreementVersionInput, @Ctx() ctx: RequestContext): Promise<LearningAgreement> {
    return rejectLearningAgreementVersion(ctx, input);
  }

  @FieldResolver(() => ID)
  id(@Root() la: LearningAgreement): string {
    return toGlobalId(LA_TYPE, la.id);
  }

  @FieldResolver(() => MobilityApplication)
  application(@Root() la: LearningAgreement, @Ctx() ctx: RequestContext): Promise<MobilityApplication> {
    return applicationOf(ctx, la);
  }

  @FieldResolver(() => LearningAgreementVersion, { nullable: true, description: 'The approved version in force.' })
  approved(@Root() la: LearningAgreement, @Ctx() ctx: RequestContext): Promise<LearningAgreementVersion | null> {
    return approvedVersionOf(ctx, la);
  }

  @FieldResolver(() => LearningAgreementVersion, { nullable: true, description: 'The proposed version awaiting signatures.' })
  pending(@Root() la: LearningAgreement, @Ctx() ctx: RequestContext): Promise<LearningAgreementVersion | null> {
    return pendingVersionOf(ctx, la);
  }

  @FieldResolver(() => [LearningAgreementVersion], { description: 'Every version, newest first: approved, superseded and rejected ones stay.' })
  versions(@Root() la: LearningAgreement, @Ctx() ctx: RequestContext): Promise<LearningAgreementVersion[]> {
    return versionsOf(ctx, la);
  }

  @FieldResolver(() => String, {
    description: 'The EWP Outgoing Mobility Learning Agreements get response for this agreement (validates against omobility-las-get-response.xsd).',
    complexity: 20,
  })
  ewpXml(@Root() la: LearningAgreement, @Ctx() ctx: RequestContext): Promise<string> {
    return learningAgreementXml(ctx, la);
  }
}

@Resolver(() => LearningAgreementVersion)
export class LearningAgreementVersionResolver {
  @FieldResolver(() => [LaComponent], { description: 'Every component in force once this version is approved.' })
  components(@Root() version: LearningAgreementVersion): LaComponent[] {
    return version.components.map(componentView);
  }

  @FieldResolver(() => [LaChange], { description: 'A change proposal’s insertions and deletions (empty for a first version).' })
  changes(@Root() version: LearningAgreementVersion): LaChange[] {
    return version.changes.map((c: LaChangeRow) => ({ ...c, action: c.action as LaChangeAction, reasonText: c.reasonText ?? null, version }));
  }

  @FieldResolver(() => [LaSignature])
  signatures(@Root() version: LearningAgreementVersion): LaSignature[] {
    return version.signatures.map((s: LaSignatureRow) => ({
      party: s.party,
      signerName: s.signerName,
      signerPosition: s.signerPosition ?? null,
      signerEmail: s.signerEmail ?? null,
      signerApp: s.signerApp ?? null,
      at: new Date(s.at),
    }));
  }

  @FieldResolver(() => [LaTableCredits], { description: 'ECTS per table (A, B, C) and term.' })
  creditTotals(@Root() version: LearningAgreementVersion): TableCredits[] {
    return creditTotals(version.components);
  }

  @FieldResolver(() => [LaWarningView], { description: 'ECTS below the programme’s expectation (SMS: 30 per semester, 60 per year, pro rata); Table B differing from Table A.' })
  warnings(@Root() version: LearningAgreementVersion, @Ctx() ctx: RequestContext): Promise<LaWarning[]> {
    return warningsOf(ctx, version);
  }
}

@Resolver(() => LaComponent)
export class LaComponentResolver {
  @FieldResolver(() => HomeCourse, { nullable: true, description: 'Table B: the home catalogue course recognised.' })
  homeCourse(@Root() component: LaComponent, @Ctx() ctx: RequestContext): Promise<HomeCourse | null> | null {
    return component.homeCourseId ? ctx.loader(courseById).load(component.homeCourseId) : null;
  }
}

@Resolver(() => LaChange)
export class LaChangeResolver {
  @FieldResolver(() => LaComponent, { nullable: true, description: 'The component inserted or deleted.' })
  async component(@Root() change: LaChange, @Ctx() ctx: RequestContext): Promise<LaComponent | null> {
    const row = await componentOfChange(ctx, change.version, change.componentId);
    return row ? componentView(row) : null;
  }
}

/** `MobilityApplication.learningAgreement`, merged by type-graphql into the application type. */
@Resolver(() => MobilityApplication)
export class ApplicationLearningAgreementResolver {
  @FieldResolver(() => LearningAgreement, { nullable: true, description: 'The learning agreement (students), with the same audience as the application.' })
  learningAgreement(@Root() application: MobilityApplication, @Ctx() ctx: RequestContext): Promise<LearningAgreement | null> {
    return learningAgreementOf(ctx, application);
  }
}

export const learningAgreementResolvers: Function[] = [
  LearningAgreementResolver,
  LearningAgreementVersionResolver,
  LaComponentResolver,
  LaChangeResolver,
  ApplicationLearningAgreementResolver,
  HomeCourseResolver,
];

// Learning agreements are personal data: node(id) answers null unless the viewer may read the application.
registerNodeType(LA_TYPE, (ctx, id) => getLearningAgreement(ctx, id));
