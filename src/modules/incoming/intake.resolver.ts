/** Nominations, the nominee's application, decisions and the receiving side of learning agreements. */
import { Arg, Args, Authorized, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { OFFICE_ROLES } from '../../platform/auth/viewer';
import type { DeliveredEvent } from '../../platform/events/outbox';
import { MAX_EVENTS_PAGE } from '../../platform/events/status-events';
import type { RequestContext } from '../../platform/graphql/context';
import { ConnectionType, fromGlobalId, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { Agreement, MobilityType } from '../agreements/agreement.entity';
import { agreementById } from '../agreements/agreement.loaders';
import { institutionById, unitById } from '../institutions/institution.loaders';
import { Institution } from '../institutions/institution.entity';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { UNIT_TYPE } from '../institutions/organisational-unit.service';
import { HomeCourse } from '../mobility/course.entity';
import { courseById } from '../mobility/course.service';
import { ApplicationDocument } from '../mobility/mobility.inputs';
import {
  AcademicTerm,
  IncomingCourse,
  IncomingDeadline,
  IncomingLaProposal,
  IncomingMobility,
  IncomingStatus,
  IncomingStatusChange,
  type IncomingLaComponentRow,
} from './incoming-mobility.entity';
import { getIncoming, INCOMING_TYPE, isHost } from './incoming-mobility.service';
import { incomingCourses, incomingHistory, incomingLaProposals } from './incoming.loaders';
import { followIncomingChanges, incomingEventsAfter, incomingEventView, mobilityOfEvent, type IncomingEventView } from './incoming-events.service';
import { answerIncomingLa, proposeIncomingLa, warningsOfProposal } from './incoming-la.service';
import {
  AnswerIncomingLaInput,
  DecideIncomingInput,
  EwpNominationInput,
  IncomingMobilityListArgs,
  NominateIncomingInput,
  ProposeIncomingLaInput,
  SetIncomingDeadlineInput,
  UpdateIncomingApplicationInput,
} from './intake.inputs';
import {
  acceptanceLetter,
  cancelIncoming,
  decideIncoming,
  listIncoming,
  myIncoming,
  officeNoteOf,
  setIncomingOfficeNote,
  submitIncomingApplication,
  updateIncomingApplication,
  viewerSteps,
  withdrawIncoming,
  type AcceptanceLetterView,
} from './intake.service';
import { importNominations, receiveEwpNomination, type ImportReport } from './nomination-import';
import type { EctsWarning } from './nomination-matching.rules';
import {
  acknowledgeIssues,
  claimNomination,
  institutionUuid,
  listDeadlines,
  nominate,
  quotaUsage,
  setDeadline,
  type QuotaUsageRow,
  type RecordedNomination,
} from './nomination.service';
import { NominationSource } from './incoming-mobility.entity';

const IncomingMobilityConnection = ConnectionType(IncomingMobility, 'IncomingMobility');

@ObjectType({ description: 'The nominee: personal data for the nominee, the office and the host unit’s coordinators.' })
class IncomingNominee {
  @Field()
  givenNames!: string;

  @Field()
  familyName!: string;

  @Field()
  email!: string;

  @Field(() => String, { nullable: true })
  birthDate!: string | null;

  @Field(() => [String])
  citizenships!: string[];

  @Field({ description: 'True once the nominee’s account is bound to the nomination.' })
  claimed!: boolean;
}

@ObjectType({ description: 'A way the nomination does not fit the agreement.' })
class IncomingNominationIssue {
  @Field({
    description:
      'NO_AGREEMENT, AGREEMENT_NOT_ACTIVE, NO_CONDITION_TOWARDS_US, MOBILITY_TYPE_NOT_COVERED, YEAR_NOT_COVERED, UNIT_NOT_COVERED, FIELD_NOT_COVERED, LEVEL_NOT_COVERED, LANGUAGE_NOT_COVERED, LANGUAGE_LEVEL_BELOW, LANGUAGE_LEVEL_MISSING, QUOTA_EXCEEDED',
  })
  code!: string;

  @Field()
  message!: string;
}

@ObjectType({ description: 'The office took the nomination despite its issues.' })
class IncomingIssuesAcknowledgement {
  @Field()
  by!: string;

  @Field()
  at!: Date;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@ObjectType('IncomingApplication', { description: 'What the nominee completed on the hub.' })
class IncomingApplicationView {
  @Field(() => Date, { nullable: true })
  submittedAt!: Date | null;

  @Field(() => [ApplicationDocument])
  documents!: ApplicationDocument[];

  @Field()
  accommodationRequested!: boolean;

  @Field(() => String, { nullable: true })
  accommodationNote!: string | null;

  @Field(() => String, { nullable: true })
  plannedArrival!: string | null;

  @Field(() => String, { nullable: true })
  plannedDeparture!: string | null;

  @Field(() => String, { nullable: true })
  arrivalNote!: string | null;
}

@ObjectType('IncomingHostDecision', { description: 'The host’s last decision, or what it asked for.' })
class IncomingDecisionView {
  @Field(() => String, { nullable: true, description: 'Why rejected, or what information is needed.' })
  note!: string | null;

  @Field(() => Date, { nullable: true })
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Who decided (the host side sees the person; the nominee sees "office").' })
  decidedBy!: string | null;
}

@ObjectType({ description: 'A one-time code for the nominee, shown here only: the hub keeps its hash.' })
class NominateIncomingPayload {
  @Field(() => IncomingMobility)
  mobility!: IncomingMobility;

  @Field(() => String, { nullable: true, description: 'Pass it on to the nominee with the number; null when the nominee’s account was given.' })
  invitationCode!: string | null;
}

@ObjectType()
class IncomingImportProblem {
  @Field(() => Int)
  line!: number;

  @Field({ description: 'The column at fault (csv for the file itself).' })
  field!: string;

  @Field()
  code!: string;

  @Field()
  message!: string;
}

@ObjectType()
class IncomingImportRow {
  @Field(() => Int)
  line!: number;

  @Field(() => IncomingMobility, { nullable: true, description: 'Null in a dry run or when the file was not written.' })
  mobility!: IncomingMobility | null;

  @Field(() => String, { nullable: true, description: 'Shown once, for the nominee.' })
  invitationCode!: string | null;

  @Field(() => [IncomingNominationIssue])
  issues!: IncomingNominationIssue[];
}

@ObjectType({ description: 'What an import did (or, for a dry run or a file with problems, would do).' })
class IncomingImportReport {
  @Field()
  dryRun!: boolean;

  @Field({ description: 'True when the nominations were written: no problems and not a dry run.' })
  written!: boolean;

  @Field(() => Int)
  total!: number;

  @Field(() => Int)
  created!: number;

  @Field(() => Int, { description: 'Lines recorded (or to be recorded) with nomination issues.' })
  flagged!: number;

  @Field(() => [IncomingImportProblem], { description: 'Lines refused: any problem, and nothing is written.' })
  problems!: IncomingImportProblem[];

  @Field(() => [IncomingImportRow])
  rows!: IncomingImportRow[];
}

@ObjectType({ description: 'A cooperation condition towards us and how much of its yearly quota nominations hold.' })
class IncomingQuotaUsage {
  @Field(() => ID)
  conditionId!: string;

  @Field(() => Institution)
  partner!: Institution;

  @Field(() => Agreement, { nullable: true })
  agreement!: Agreement | null;

  @Field(() => OrganisationalUnit, { nullable: true, description: 'Our unit the condition is for; null for the whole university.' })
  unit!: OrganisationalUnit | null;

  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field(() => Int)
  mobilitiesPerYear!: number;

  @Field(() => Int)
  used!: number;

  @Field(() => Int)
  remaining!: number;

  raw!: QuotaUsageRow;
}

@ObjectType({ description: 'A status change of an incoming mobility, with the cursor to resume from.' })
class IncomingStatusEvent {
  @Field({ description: 'Monotonic position: pass it to incomingEvents(after:) to catch up after a reconnect.' })
  cursor!: string;

  @Field(() => ID)
  mobilityId!: string;

  @Field()
  number!: string;

  @Field()
  academicYear!: string;

  @Field(() => MobilityType)
  mobilityType!: MobilityType;

  @Field(() => IncomingStatus, { nullable: true, description: 'Null when the nomination was recorded.' })
  from!: IncomingStatus | null;

  @Field(() => IncomingStatus)
  to!: IncomingStatus;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field()
  at!: Date;

  mobilityUuid!: string;
}

@ObjectType()
class IncomingEventPage {
  @Field(() => [IncomingStatusEvent])
  events!: IncomingEventView[];

  @Field(() => String, { nullable: true, description: 'Where to resume next time (the last event, or the cursor given).' })
  endCursor!: string | null;

  @Field()
  hasMore!: boolean;

  @Field({ description: 'False when events after your cursor may have been pruned: reload the mobilities instead.' })
  complete!: boolean;
}

@ObjectType({ description: 'The acceptance letter’s data (the host and the nominee, once accepted).' })
class IncomingAcceptanceLetter {
  @Field()
  number!: string;

  @Field()
  nomineeName!: string;

  @Field(() => String, { nullable: true })
  birthDate!: string | null;

  @Field()
  hostInstitution!: string;

  @Field()
  hostUnit!: string;

  @Field()
  sendingInstitution!: string;

  @Field(() => String, { nullable: true })
  sendingInstitutionErasmusCode!: string | null;

  @Field(() => String, { nullable: true })
  sendingUnitName!: string | null;

  @Field(() => MobilityType, { description: 'The programme’s mobility type: SMS, SMT, STA, STT.' })
  mobilityType!: MobilityType;

  @Field()
  academicYear!: string;

  @Field(() => AcademicTerm)
  term!: AcademicTerm;

  @Field(() => String, { nullable: true })
  plannedArrival!: string | null;

  @Field(() => String, { nullable: true })
  plannedDeparture!: string | null;

  @Field()
  decidedAt!: Date;

  @Field(() => String, { nullable: true })
  decidedBy!: string | null;
}

@ObjectType({ description: 'A component of an incoming learning agreement proposal.' })
class IncomingLaComponent {
  @Field({ description: 'A (our catalogue) or C (virtual).' })
  table!: string;

  @Field(() => String, { nullable: true })
  code!: string | null;

  @Field()
  title!: string;

  @Field(() => Float)
  ects!: number;

  @Field(() => String, { nullable: true })
  semester!: string | null;

  courseId!: string | null;
}

@ObjectType({ description: 'A warning (never a refusal) on a proposal’s credits.' })
class IncomingEctsWarning {
  @Field({ description: 'ECTS_TOTAL_DIFFERS (Table A credits of a semester differ from a full-time semester) or OUTSIDE_TERM.' })
  code!: string;

  @Field(() => String, { nullable: true })
  semester!: string | null;

  @Field(() => Float, { nullable: true, description: 'Credits expected for the semester (30 per semester, ECTS Users’ Guide).' })
  expected!: number | null;

  @Field(() => Float)
  actual!: number;

  @Field()
  message!: string;
}

@ObjectType()
class IncomingLaSigner {
  @Field()
  name!: string;

  @Field()
  position!: string;

  @Field()
  at!: Date;
}

const nomination = (input: NominateIncomingInput) => ({
  ...input,
  source: NominationSource.STAFF_ENTRY,
  sendingInstitutionId: institutionUuid(input.sendingInstitutionId, 'sendingInstitutionId'),
  hostUnitId: fromGlobalId(input.hostUnitId, UNIT_TYPE, 'hostUnitId'),
  agreementId: input.agreementId ? fromGlobalId(input.agreementId, 'Agreement', 'agreementId') : null,
});

const payload = (r: RecordedNomination): NominateIncomingPayload => ({ mobility: r.mobility, invitationCode: r.invitationCode });

@Resolver(() => IncomingMobility)
export class IncomingMobilityResolver {
  @Query(() => IncomingMobility, { nullable: true, description: 'Null when it does not exist or you may not read it.' })
  incomingMobility(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<IncomingMobility | null> {
    return getIncoming(ctx, fromGlobalId(id, INCOMING_TYPE));
  }

  @Authorized()
  @Query(() => IncomingMobilityConnection, { description: 'Incoming guests: the office sees all, coordinators their units’, nominees their own.' })
  incomingMobilities(@Args() args: IncomingMobilityListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<IncomingMobility>> {
    return listIncoming(ctx, args.filter, args);
  }

  @Authorized()
  @Query(() => [IncomingMobility], { description: 'Your own nominations (claimed), newest first.' })
  myIncomingMobilities(@Ctx() ctx: RequestContext): Promise<IncomingMobility[]> {
    return myIncoming(ctx);
  }

  @Query(() => [IncomingDeadline], { description: 'The factsheet’s nomination and application deadlines (public).' })
  incomingDeadlines(@Ctx() ctx: RequestContext, @Arg('academicYear', () => String, { nullable: true }) academicYear?: string): Promise<IncomingDeadline[]> {
    return listDeadlines(ctx, academicYear);
  }

  @Authorized('COORDINATOR', ...OFFICE_ROLES)
  @Query(() => [IncomingQuotaUsage], { description: 'Per cooperation condition towards us in effect for the year: quota, used, remaining.' })
  async incomingQuotaUsage(@Arg('academicYear') academicYear: string, @Ctx() ctx: RequestContext): Promise<IncomingQuotaUsage[]> {
    const rows = await quotaUsage(ctx, academicYear);
    return Promise.all(
      rows.map(async (r) => ({
        ...r,
        raw: r,
        conditionId: toGlobalId('CooperationCondition', r.conditionId),
        partner: (await ctx.loader(institutionById).load(r.partnerId))!,
        agreement: await ctx.loader(agreementById).load(r.agreementId),
        unit: r.unitId ? await ctx.loader(unitById).load(r.unitId) : null,
      })),
    );
  }

  @Authorized()
  @Query(() => IncomingEventPage, { description: 'Status changes after a cursor, oldest first, with the audience of incomingStatusChanged.' })
  incomingEvents(
    @Ctx() ctx: RequestContext,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('academicYear', () => String, { nullable: true }) academicYear?: string,
    @Arg('mobilityId', () => ID, { nullable: true }) mobilityId?: string,
    @Arg('first', () => Int, { nullable: true, description: `1 to ${MAX_EVENTS_PAGE} (default 100).` }) first?: number,
  ) {
    return incomingEventsAfter(ctx, { after, academicYear, mobilityId, first });
  }

  @Query(() => IncomingAcceptanceLetter, {
    nullable: true,
    description: 'The acceptance letter’s data for the host and the nominee once accepted; null for others; NOT_ACCEPTED before.',
  })
  async incomingAcceptanceLetter(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<AcceptanceLetterView | null> {
    return acceptanceLetter(ctx, await getIncoming(ctx, fromGlobalId(id, INCOMING_TYPE)));
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => IncomingDeadline, { description: 'Sets the nomination and application deadlines of a year and term (creates or changes).' })
  setIncomingDeadline(@Arg('input') input: SetIncomingDeadlineInput, @Ctx() ctx: RequestContext): Promise<IncomingDeadline> {
    return setDeadline(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => NominateIncomingPayload, { description: 'Records a partner’s nomination (staff entry), matched against our agreements.' })
  async nominateIncoming(@Arg('input') input: NominateIncomingInput, @Ctx() ctx: RequestContext): Promise<NominateIncomingPayload> {
    return payload(await nominate(ctx, nomination(input)));
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => IncomingImportReport, {
    description:
      'Nominations from CSV (header: sending_institution,sending_unit,given_names,family_name,email,birth_date,citizenships,mobility_type,academic_year,term,study_level,isced,language,cefr,host_unit,agreement,planned_arrival,planned_departure): all or nothing.',
  })
  importIncomingNominations(@Arg('csv') csv: string, @Arg('dryRun', { defaultValue: false }) dryRun: boolean, @Ctx() ctx: RequestContext): Promise<ImportReport> {
    return importNominations(ctx, csv, dryRun);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => NominateIncomingPayload, { description: 'Records an EWP outgoing-mobility nomination from a partner.' })
  async receiveEwpNomination(@Arg('input') input: EwpNominationInput, @Ctx() ctx: RequestContext): Promise<NominateIncomingPayload> {
    return payload(await receiveEwpNomination(ctx, input));
  }

  @Authorized('APPLICANT')
  @Mutation(() => IncomingMobility, { description: 'Binds your account to the nomination with the code the office sent you (once).' })
  claimIncomingNomination(@Arg('number') number: string, @Arg('invitationCode') invitationCode: string, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return claimNomination(ctx, number.slice(0, 100), invitationCode.slice(0, 100));
  }

  @Authorized()
  @Mutation(() => IncomingMobility, { description: 'The nominee completes or corrects the application (nominated, or information requested).' })
  updateIncomingApplication(@Arg('input') input: UpdateIncomingApplicationInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return updateIncomingApplication(ctx, input);
  }

  @Authorized()
  @Mutation(() => IncomingMobility, { description: 'The nominee submits the application (by the application deadline).' })
  submitIncomingApplication(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return submitIncomingApplication(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => IncomingMobility, { description: 'The office takes the nomination despite its issues (say why).' })
  acknowledgeIncomingNominationIssues(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('note') note: string,
    @Ctx() ctx: RequestContext,
  ): Promise<IncomingMobility> {
    return acknowledgeIssues(ctx, id, version, note.slice(0, 2000));
  }

  @Authorized('COORDINATOR', ...OFFICE_ROLES)
  @Mutation(() => IncomingMobility, { description: 'Accept, reject or request information: the office or the host unit’s coordinators.' })
  decideIncoming(@Arg('input') input: DecideIncomingInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return decideIncoming(ctx, input);
  }

  @Authorized()
  @Mutation(() => IncomingMobility, { description: 'Withdrawal by the nominee, or by the host on the partner’s word (reason required then).' })
  withdrawIncoming(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Ctx() ctx: RequestContext,
    @Arg('reason', () => String, { nullable: true }) reason?: string,
  ): Promise<IncomingMobility> {
    return withdrawIncoming(ctx, id, version, reason?.slice(0, 2000));
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => IncomingMobility, { description: 'The office cancels (with a reason).' })
  cancelIncoming(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Arg('reason') reason: string, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return cancelIncoming(ctx, id, version, reason.slice(0, 2000));
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => IncomingMobility)
  setIncomingOfficeNote(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Ctx() ctx: RequestContext,
    @Arg('note', () => String, { nullable: true }) note?: string,
  ): Promise<IncomingMobility> {
    return setIncomingOfficeNote(ctx, id, version, note?.slice(0, 4000));
  }

  @Authorized()
  @Mutation(() => IncomingMobility, { description: 'A learning agreement proposal from the sending side (the nominee, or the office from the partner’s message).' })
  proposeIncomingLearningAgreement(@Arg('input') input: ProposeIncomingLaInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return proposeIncomingLa(ctx, input);
  }

  @Authorized('COORDINATOR', ...OFFICE_ROLES)
  @Mutation(() => IncomingMobility, { description: 'The receiving side approves (signer) or comments (comment) a pending proposal.' })
  answerIncomingLearningAgreement(@Arg('input') input: AnswerIncomingLaInput, @Ctx() ctx: RequestContext): Promise<IncomingMobility> {
    return answerIncomingLa(ctx, input);
  }

  @Subscription(() => IncomingStatusEvent, {
    description:
      'Status changes as they happen: nominees hear about their own, coordinators about their units’, the office about all; asking for a mobility you may not read is refused.',
    subscribe: ({ context, args }) => followIncomingChanges(context as RequestContext, args as { mobilityId?: string; academicYear?: string }),
  })
  incomingStatusChanged(
    @Root() event: DeliveredEvent,
    @Ctx() ctx: RequestContext,
    @Arg('mobilityId', () => ID, { nullable: true }) _mobilityId?: string,
    @Arg('academicYear', () => String, { nullable: true }) _academicYear?: string,
  ): IncomingEventView {
    ctx.refresh();
    return incomingEventView(event);
  }

  // --- Fields ------------------------------------------------------------------------------------------------------

  @FieldResolver(() => ID)
  id(@Root() mobility: IncomingMobility): string {
    return toGlobalId(INCOMING_TYPE, mobility.id);
  }

  @FieldResolver(() => IncomingNominee)
  nominee(@Root() m: IncomingMobility): IncomingNominee {
    return { givenNames: m.givenNames, familyName: m.familyName, email: m.email, birthDate: m.birthDate ?? null, citizenships: m.citizenships, claimed: !!m.nomineeSubject };
  }

  @FieldResolver(() => Institution)
  async sendingInstitution(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): Promise<Institution> {
    return (await ctx.loader(institutionById).load(m.sendingInstitution.id))!;
  }

  @FieldResolver(() => OrganisationalUnit)
  async hostUnit(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit> {
    return (await ctx.loader(unitById).load(m.hostUnit.id))!;
  }

  @FieldResolver(() => Agreement, { nullable: true, description: 'The agreement matched (the host side only).' })
  async agreement(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): Promise<Agreement | null> {
    if (!m.agreement || !(await isHost(ctx, m))) return null;
    return ctx.loader(agreementById).load(m.agreement.id);
  }

  @FieldResolver(() => [IncomingNominationIssue], { nullable: true, description: 'How the nomination does not fit the agreement (the host side; null for the nominee).' })
  async nominationIssues(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): Promise<IncomingNominationIssue[] | null> {
    return (await isHost(ctx, m)) ? m.nominationIssues : null;
  }

  @FieldResolver(() => IncomingIssuesAcknowledgement, { nullable: true, description: 'When the office took the nomination despite its issues (the host side).' })
  async issuesAcknowledged(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): Promise<IncomingIssuesAcknowledgement | null> {
    if (!m.issuesAcknowledgedAt || !(await isHost(ctx, m))) return null;
    return { by: m.issuesAcknowledgedBy!, at: m.issuesAcknowledgedAt, note: m.issuesAcknowledgementNote ?? null };
  }

  @FieldResolver(() => String, { nullable: true, description: 'The day the partner nominated (EWP’s nomination date), when given.' })
  nominatedOn(@Root() m: IncomingMobility): string | null {
    return m.nominatedOn ?? null;
  }

  @FieldResolver(() => IncomingApplicationView)
  application(@Root() m: IncomingMobility): IncomingApplicationView {
    return {
      submittedAt: m.submittedAt ?? null,
      documents: m.documents,
      accommodationRequested: m.accommodationRequested,
      accommodationNote: m.accommodationNote ?? null,
      plannedArrival: m.plannedArrival ?? null,
      plannedDeparture: m.plannedDeparture ?? null,
      arrivalNote: m.arrivalNote ?? null,
    };
  }

  @FieldResolver(() => IncomingDecisionView)
  async decision(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): Promise<IncomingDecisionView> {
    const by = m.decidedBy ? ((await isHost(ctx, m)) ? m.decidedBy : 'office') : null;
    return { note: m.decisionNote ?? null, decidedAt: m.decidedAt ?? null, decidedBy: by };
  }

  @FieldResolver(() => [IncomingStatusChange], { description: 'Every step: from, to, who, when and why.' })
  history(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): Promise<IncomingStatusChange[]> {
    return ctx.loader(incomingHistory).load(m.id);
  }

  @FieldResolver(() => [IncomingCourse], { description: 'Courses of our catalogue chosen (then registered, graded).' })
  courses(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): Promise<IncomingCourse[]> {
    return ctx.loader(incomingCourses).load(m.id);
  }

  @FieldResolver(() => [IncomingLaProposal], { description: 'Learning agreement proposals, first first; answered ones are history.' })
  laProposals(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): Promise<IncomingLaProposal[]> {
    return ctx.loader(incomingLaProposals).load(m.id);
  }

  @FieldResolver(() => [IncomingStatus], { description: 'The steps you may take now.' })
  allowedSteps(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): Promise<IncomingStatus[]> {
    return viewerSteps(ctx, m);
  }

  @FieldResolver(() => Boolean, { nullable: true, description: 'The office: an invitation code is out and not yet used.' })
  invitationPending(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): boolean | null {
    return ctx.viewer.isOffice ? !!m.invitationCodeHash : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The office’s own note (STAFF, ADMIN; null for others).' })
  officeNote(@Root() m: IncomingMobility, @Ctx() ctx: RequestContext): string | null {
    return officeNoteOf(ctx, m);
  }
}

@Resolver(() => IncomingStatusChange)
export class IncomingStatusChangeResolver {
  @FieldResolver(() => String, { nullable: true, description: 'Who took the step; the nominee sees "office" for the host side’s steps.' })
  async actor(@Root() change: IncomingStatusChange, @Ctx() ctx: RequestContext): Promise<string | null> {
    if (!change.actor) return null;
    if (ctx.viewer.isOffice || ctx.viewer.has('COORDINATOR') || change.actor === ctx.viewer.subject) return change.actor;
    return 'office';
  }
}

@Resolver(() => IncomingCourse)
export class IncomingCourseResolver {
  @FieldResolver(() => HomeCourse)
  async course(@Root() row: IncomingCourse, @Ctx() ctx: RequestContext): Promise<HomeCourse> {
    return (await ctx.loader(courseById).load(row.course.id))!;
  }
}

@Resolver(() => IncomingLaProposal)
export class IncomingLaProposalResolver {
  @FieldResolver(() => [IncomingLaComponent])
  components(@Root() p: IncomingLaProposal): IncomingLaComponent[] {
    return p.components.map((c: IncomingLaComponentRow) => ({
      table: c.table,
      code: c.code ?? null,
      title: c.title,
      ects: c.ects,
      semester: c.semester ?? null,
      courseId: c.courseId ?? null,
    }));
  }

  @FieldResolver(() => IncomingLaSigner, { nullable: true, description: 'Who approved it for us.' })
  signer(@Root() p: IncomingLaProposal): IncomingLaSigner | null {
    return p.signerName && p.answeredAt ? { name: p.signerName, position: p.signerPosition ?? '', at: p.answeredAt } : null;
  }

  @FieldResolver(() => Date, { nullable: true })
  answeredAt(@Root() p: IncomingLaProposal): Date | null {
    return p.answeredAt ?? null;
  }

  @FieldResolver(() => [IncomingEctsWarning], { description: 'Table A credits per semester of the stay against a full-time semester (30 ECTS).' })
  ectsWarnings(@Root() p: IncomingLaProposal, @Ctx() ctx: RequestContext): Promise<EctsWarning[]> {
    return warningsOfProposal(ctx, p);
  }
}

@Resolver(() => IncomingLaComponent)
export class IncomingLaComponentResolver {
  @FieldResolver(() => HomeCourse, { nullable: true, description: 'Table A: the course of our catalogue.' })
  course(@Root() c: IncomingLaComponent, @Ctx() ctx: RequestContext): Promise<HomeCourse | null> | null {
    return c.courseId ? ctx.loader(courseById).load(c.courseId) : null;
  }
}

@Resolver(() => IncomingStatusEvent)
export class IncomingStatusEventResolver {
  @FieldResolver(() => IncomingMobility, { nullable: true, description: 'The mobility now, as you may see it.' })
  mobility(@Root() event: IncomingEventView, @Ctx() ctx: RequestContext): Promise<IncomingMobility | null> {
    return mobilityOfEvent(ctx, event);
  }
}

export const intakeResolvers: Function[] = [
  IncomingMobilityResolver,
  IncomingStatusChangeResolver,
  IncomingCourseResolver,
  IncomingLaProposalResolver,
  IncomingLaComponentResolver,
  IncomingStatusEventResolver,
];
