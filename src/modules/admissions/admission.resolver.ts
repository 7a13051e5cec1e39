import { Arg, Args, Authorized, Ctx, Field, FieldResolver, Float, ID, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription } from 'type-graphql';
import { OFFICE_ROLES } from '../../platform/auth/viewer';
import type { DeliveredEvent } from '../../platform/events/outbox';
import { MAX_EVENTS_PAGE } from '../../platform/events/status-events';
import type { RequestContext } from '../../platform/graphql/context';
import { LocaleCode, LocalisedText, pickLocale } from '../../platform/graphql/localised-text';
import { ConnectionType, fromGlobalId, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { unitById } from '../institutions/institution.loaders';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import {
  AdmissionApplication,
  AdmissionCall,
  AdmissionDocumentStatus,
  AdmissionExam,
  AdmissionExamKind,
  AdmissionStatus,
  AdmissionStatusChange,
  type AcceptedExamRow,
  type ScoreComputationRow,
} from './admission.entity';
import {
  admissionEventsAfter,
  admissionEventView,
  applicationOfEvent,
  followAdmissionChanges,
  type AdmissionEventView,
} from './admission-events.service';
import { createExam, EXAM_TYPE, listExams, updateExam } from './admission-exam.service';
import { ADMISSION_CALL_TYPE, closeCall, createCall, getCall, isCallOpen, listCalls, publishCall, updateCall } from './admission-call.service';
import {
  AdmissionApplicationListArgs,
  AdmissionCallListArgs,
  AdmissionConversionPoint,
  AdmissionStepInput,
  CreateAdmissionApplicationInput,
  CreateAdmissionCallInput,
  CreateAdmissionExamInput,
  UpdateAdmissionApplicationInput,
  UpdateAdmissionCallInput,
  UpdateAdmissionExamInput,
  VerifyAdmissionDocumentInput,
} from './admission.inputs';
import { admissionCallById, admissionExamByCode, admissionHistory } from './admission.loaders';
import {
  actorShownTo,
  ADMISSION_TYPE,
  cancelApplication,
  confirmEnrolment,
  createApplication,
  declineAdmission,
  evaluateCall,
  getApplication,
  listApplications,
  myApplications,
  publishedResults,
  publishResults,
  refillFromWaitlist,
  statistics,
  submitApplication,
  updateApplication,
  verifyDocument,
  withdrawApplication,
  type AdmissionStatisticsView,
  type EvaluationSummary,
  type ResultEntry,
} from './admission.service';

const AdmissionCallConnection = ConnectionType(AdmissionCall, 'AdmissionCall');
const AdmissionApplicationConnection = ConnectionType(AdmissionApplication, 'AdmissionApplication');

// --- Output shapes -------------------------------------------------------------------------------------------------------------

@ObjectType({ description: 'An exam a call accepts (or a language certificate it takes as proof), with its minimum on the exam’s own scale.' })
class AdmissionExamRequirement {
  @Field()
  examCode!: string;

  @Field(() => Float, { description: '"At least as good as": ≥ where higher is better, ≤ where lower is better.' })
  minimumScore!: number;
}

@ObjectType({ description: 'One required document of an application, and the office’s check of it.' })
class AdmissionDocumentCheck {
  @Field()
  code!: string;

  @Field(() => String, { nullable: true })
  reference!: string | null;

  @Field(() => AdmissionDocumentStatus)
  status!: AdmissionDocumentStatus;

  @Field(() => String, { nullable: true, description: 'Why it was rejected.' })
  note!: string | null;

  @Field(() => Date, { nullable: true })
  checkedAt!: Date | null;
}

@ObjectType({ description: 'How the comparable score was computed at evaluation.' })
class AdmissionScoreComputation {
  @Field()
  examCode!: string;

  @Field(() => Float)
  rawScore!: number;

  @Field(() => Float)
  scaleMin!: number;

  @Field(() => Float)
  scaleMax!: number;

  @Field()
  higherIsBetter!: boolean;

  @Field({ description: 'LINEAR (scale ends to 0 and 100) or TABLE (between the breakpoints).' })
  method!: string;

  @Field(() => Float, { description: 'Before rounding (the first tie-break).' })
  exactScore!: number;

  @Field(() => Float, { description: 'Out of 100, two decimals: what the ranking uses first.' })
  convertedScore!: number;

  @Field(() => Float)
  minimumScore!: number;

  @Field()
  meetsMinimum!: boolean;
}

@ObjectType()
class AdmissionStatusCount {
  @Field(() => AdmissionStatus)
  status!: AdmissionStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'An evaluation run: the call, how many applications changed status, the counts per status.' })
class AdmissionEvaluationResult {
  @Field(() => AdmissionCall)
  call!: AdmissionCall;

  @Field(() => Int, { description: '0 when re-run on unchanged data.' })
  changed!: number;

  @Field(() => [AdmissionStatusCount])
  counts!: AdmissionStatusCount[];
}

@ObjectType({ description: 'One line of the published results: the application number, never a name.' })
class AdmissionResultEntry {
  @Field()
  number!: string;

  @Field(() => AdmissionStatus)
  status!: AdmissionStatus;

  @Field(() => Float, { nullable: true })
  convertedScore!: number | null;

  @Field(() => Int, { nullable: true })
  rank!: number | null;

  @Field(() => Int, { nullable: true })
  waitlistRank!: number | null;
}

@ObjectType({ description: 'A status change of an admission application, with the cursor to resume from.' })
class AdmissionStatusEvent {
  @Field({ description: 'Pass it to admissionEvents(after:) to catch up after a reconnect.' })
  cursor!: string;

  @Field(() => ID)
  applicationId!: string;

  @Field()
  number!: string;

  @Field(() => ID)
  callId!: string;

  @Field(() => AdmissionStatus, { nullable: true, description: 'Null when the application was created.' })
  from!: AdmissionStatus | null;

  @Field(() => AdmissionStatus)
  to!: AdmissionStatus;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field()
  at!: Date;

  applicationUuid!: string;
}

@ObjectType()
class AdmissionEventPage {
  @Field(() => [AdmissionStatusEvent])
  events!: AdmissionEventView[];

  @Field(() => String, { nullable: true, description: 'Where to resume next time (the last event, or the cursor given).' })
  endCursor!: string | null;

  @Field()
  hasMore!: boolean;

  @Field({ description: 'False when events after your cursor may have been pruned: reload the applications instead.' })
  complete!: boolean;
}

@ObjectType()
class AdmissionCountByCountry {
  @Field({ description: 'Nationality (ISO 3166-1 alpha-2).' })
  country!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
class AdmissionCountByCall {
  @Field(() => AdmissionCall, { nullable: true })
  call!: AdmissionCall | null;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Applications counted (drafts left out): the office sees all, coordinators the calls of their units.' })
class AdmissionStatistics {
  @Field(() => Int)
  total!: number;

  @Field(() => [AdmissionStatusCount])
  byStatus!: AdmissionStatusCount[];

  @Field(() => [AdmissionCountByCountry])
  byCountry!: AdmissionCountByCountry[];

  @Field(() => [AdmissionCountByCall], { description: 'Per programme (call).' })
  byCall!: AdmissionCountByCall[];
}

// --- Exams ------------------------------------------------------------------------------------------------------------------------

@Resolver(() => AdmissionExam)
export class AdmissionExamResolver {
  @Query(() => [AdmissionExam], { description: 'Admission exams and language certificates with their scales and conversions. Public.' })
  admissionExams(
    @Ctx() ctx: RequestContext,
    @Arg('kind', () => AdmissionExamKind, { nullable: true }) kind?: AdmissionExamKind,
    @Arg('includeInactive', () => Boolean, { nullable: true }) includeInactive?: boolean,
  ): Promise<AdmissionExam[]> {
    return listExams(ctx, { kind, includeInactive });
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => AdmissionExam)
  createAdmissionExam(@Arg('input') input: CreateAdmissionExamInput, @Ctx() ctx: RequestContext): Promise<AdmissionExam> {
    return createExam(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => AdmissionExam, { description: 'The scale no longer changes once applications carry scores of the exam; the conversion does.' })
  updateAdmissionExam(@Arg('input') input: UpdateAdmissionExamInput, @Ctx() ctx: RequestContext): Promise<AdmissionExam> {
    return updateExam(ctx, input);
  }

  @FieldResolver(() => ID)
  id(@Root() exam: AdmissionExam): string {
    return toGlobalId(EXAM_TYPE, exam.id);
  }

  @FieldResolver(() => String)
  name(@Root() exam: AdmissionExam, @Ctx() ctx: RequestContext, @Arg('locale', () => LocaleCode, { nullable: true }) locale?: LocaleCode): string {
    return pickLocale(exam.name, locale ?? ctx.locale, ctx.config.defaultLocale);
  }

  @FieldResolver(() => LocalisedText)
  nameTranslations(@Root() exam: AdmissionExam): LocalisedText {
    return exam.name;
  }

  @FieldResolver(() => [AdmissionConversionPoint], { description: 'Breakpoints of the conversion (empty: linear from the worst end, 0, to the best, 100).' })
  conversionTable(@Root() exam: AdmissionExam): AdmissionConversionPoint[] {
    return exam.conversionTable;
  }
}

// --- Calls ------------------------------------------------------------------------------------------------------------------------

@Resolver(() => AdmissionCall)
export class AdmissionCallResolver {
  @Query(() => AdmissionCallConnection, { description: 'Admission calls, latest opening first. Public: published calls; the office sees drafts too.' })
  admissionCalls(@Args() args: AdmissionCallListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<AdmissionCall>> {
    return listCalls(ctx, args);
  }

  @Query(() => AdmissionCall, { nullable: true })
  admissionCall(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<AdmissionCall | null> {
    return getCall(ctx, fromGlobalId(id, ADMISSION_CALL_TYPE));
  }

  @Query(() => [AdmissionResultEntry], { description: 'The anonymised results of a call once published (numbers, outcomes, scores). Public.' })
  admissionResults(@Arg('callId', () => ID) callId: string, @Ctx() ctx: RequestContext): Promise<ResultEntry[]> {
    return publishedResults(ctx, callId);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => AdmissionCall, { description: 'A new admission call, as a draft.' })
  createAdmissionCall(@Arg('input') input: CreateAdmissionCallInput, @Ctx() ctx: RequestContext): Promise<AdmissionCall> {
    return createCall(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => AdmissionCall, { description: 'Exams, documents and language rules are fixed once the call has applications; a later enrolment deadline refills freed places.' })
  updateAdmissionCall(@Arg('input') input: UpdateAdmissionCallInput, @Ctx() ctx: RequestContext): Promise<AdmissionCall> {
    return updateCall(ctx, input, async (tx, call) => {
      await refillFromWaitlist(tx, call, ctx.viewer.subject);
    });
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => AdmissionCall, { description: 'DRAFT → OPEN: public, taking applications within its window.' })
  publishAdmissionCall(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<AdmissionCall> {
    return publishCall(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => AdmissionCall, { description: 'OPEN → CLOSED once its window has ended.' })
  closeAdmissionCall(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<AdmissionCall> {
    return closeCall(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => AdmissionEvaluationResult, { description: 'Converted scores, ranking within the quota, waitlist. Re-runnable until the results are published.' })
  evaluateAdmissionCall(@Arg('callId', () => ID) callId: string, @Ctx() ctx: RequestContext): Promise<EvaluationSummary> {
    return evaluateCall(ctx, callId);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => AdmissionCall, { description: 'CLOSED → RESULTS_PUBLISHED: outcomes are final; applicants enrol or decline.' })
  publishAdmissionResults(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<AdmissionCall> {
    return publishResults(ctx, id, version);
  }

  @FieldResolver(() => ID)
  id(@Root() call: AdmissionCall): string {
    return toGlobalId(ADMISSION_CALL_TYPE, call.id);
  }

  @FieldResolver(() => OrganisationalUnit, { description: 'The home department (or faculty) offering the programme.' })
  async unit(@Root() call: AdmissionCall, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit> {
    return (await ctx.loader(unitById).load(call.unit.id))!;
  }

  @FieldResolver(() => String)
  programmeName(@Root() call: AdmissionCall, @Ctx() ctx: RequestContext, @Arg('locale', () => LocaleCode, { nullable: true }) locale?: LocaleCode): string {
    return pickLocale(call.programmeName, locale ?? ctx.locale, ctx.config.defaultLocale);
  }

  @FieldResolver(() => LocalisedText)
  programmeNameTranslations(@Root() call: AdmissionCall): LocalisedText {
    return call.programmeName;
  }

  @FieldResolver(() => [AdmissionExamRequirement])
  acceptedExams(@Root() call: AdmissionCall): AcceptedExamRow[] {
    return call.acceptedExams;
  }

  @FieldResolver(() => [AdmissionExamRequirement], { description: 'Proof of proficiency in the language of instruction (empty: not assessed).' })
  languageCertificates(@Root() call: AdmissionCall): AcceptedExamRow[] {
    return call.languageCertificates;
  }

  @FieldResolver(() => Boolean, { description: 'Taking applications now.' })
  isOpen(@Root() call: AdmissionCall): boolean {
    return isCallOpen(call);
  }
}

@Resolver(() => AdmissionExamRequirement)
export class AdmissionExamRequirementResolver {
  @FieldResolver(() => AdmissionExam, { nullable: true })
  exam(@Root() requirement: AcceptedExamRow, @Ctx() ctx: RequestContext): Promise<AdmissionExam | null> {
    return ctx.loader(admissionExamByCode).load(requirement.examCode);
  }
}

// --- Applications -----------------------------------------------------------------------------------------------------------------

@Resolver(() => AdmissionApplication)
export class AdmissionApplicationResolver {
  @Authorized()
  @Query(() => AdmissionApplicationConnection, { description: 'Applications: the office sees all, coordinators those of their units’ calls, applicants their own.' })
  admissionApplications(@Args() args: AdmissionApplicationListArgs, @Ctx() ctx: RequestContext): Promise<ConnectionShape<AdmissionApplication>> {
    return listApplications(ctx, args);
  }

  @Authorized()
  @Query(() => [AdmissionApplication], { description: 'Your own admission applications, newest first.' })
  myAdmissionApplications(@Ctx() ctx: RequestContext): Promise<AdmissionApplication[]> {
    return myApplications(ctx);
  }

  @Query(() => AdmissionApplication, { nullable: true, description: 'Null when it does not exist or you may not read it.' })
  admissionApplication(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<AdmissionApplication | null> {
    return getApplication(ctx, fromGlobalId(id, ADMISSION_TYPE));
  }

  @Authorized()
  @Query(() => AdmissionEventPage, { description: 'Status changes after a cursor, oldest first, with the audience of admissionStatusChanged.' })
  admissionEvents(
    @Ctx() ctx: RequestContext,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('callId', () => ID, { nullable: true }) callId?: string,
    @Arg('applicationId', () => ID, { nullable: true }) applicationId?: string,
    @Arg('first', () => Int, { nullable: true, description: `1 to ${MAX_EVENTS_PAGE} (default 100).` }) first?: number,
  ) {
    return admissionEventsAfter(ctx, { after, callId, applicationId, first });
  }

  @Authorized('COORDINATOR', ...OFFICE_ROLES)
  @Query(() => AdmissionStatistics, { description: 'Counts per nationality, programme (call) and status.' })
  admissionStatistics(
    @Ctx() ctx: RequestContext,
    @Arg('academicYear', () => String, { nullable: true }) academicYear?: string,
    @Arg('callId', () => ID, { nullable: true }) callId?: string,
  ): Promise<AdmissionStatisticsView> {
    return statistics(ctx, { academicYear, callId });
  }

  @Authorized()
  @Mutation(() => AdmissionApplication, { description: 'A new draft application to an open call, as yourself (role APPLICANT); one per call.' })
  createAdmissionApplication(@Arg('input') input: CreateAdmissionApplicationInput, @Ctx() ctx: RequestContext): Promise<AdmissionApplication> {
    return createApplication(ctx, input);
  }

  @Authorized()
  @Mutation(() => AdmissionApplication, { description: 'Changes your draft, or your incomplete application, while the call is open.' })
  updateAdmissionApplication(@Arg('input') input: UpdateAdmissionApplicationInput, @Ctx() ctx: RequestContext): Promise<AdmissionApplication> {
    return updateApplication(ctx, input);
  }

  @Authorized()
  @Mutation(() => AdmissionApplication, { description: 'Submits (or resubmits after fixing) while the call is open: the exam and every required document are needed.' })
  submitAdmissionApplication(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<AdmissionApplication> {
    return submitApplication(ctx, id, version);
  }

  @Authorized()
  @Mutation(() => AdmissionApplication, { description: 'Withdraws your application; a place you held goes to the waitlist.' })
  withdrawAdmissionApplication(@Arg('input') input: AdmissionStepInput, @Ctx() ctx: RequestContext): Promise<AdmissionApplication> {
    return withdrawApplication(ctx, input);
  }

  @Authorized()
  @Mutation(() => AdmissionApplication, { description: 'Declines your admission (or waitlist place) once the results are published.' })
  declineAdmission(@Arg('input') input: AdmissionStepInput, @Ctx() ctx: RequestContext): Promise<AdmissionApplication> {
    return declineAdmission(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => AdmissionApplication, { description: 'Checks one required document: VERIFIED, or REJECTED with a note (the application becomes INCOMPLETE).' })
  verifyAdmissionDocument(@Arg('input') input: VerifyAdmissionDocumentInput, @Ctx() ctx: RequestContext): Promise<AdmissionApplication> {
    return verifyDocument(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => AdmissionApplication, { description: 'Confirms the enrolment of an admitted applicant, before the enrolment deadline.' })
  confirmAdmissionEnrolment(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<AdmissionApplication> {
    return confirmEnrolment(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => AdmissionApplication, { description: 'Cancels an application, with a reason; a place it held goes to the waitlist.' })
  cancelAdmissionApplication(@Arg('input') input: AdmissionStepInput, @Ctx() ctx: RequestContext): Promise<AdmissionApplication> {
    return cancelApplication(ctx, input);
  }

  @Subscription(() => AdmissionStatusEvent, {
    description:
      'Status changes as they happen: applicants hear about their own applications, coordinators about their units’ calls, the office about all; asking for an application you may not read is refused.',
    subscribe: ({ context, args }) => followAdmissionChanges(context as RequestContext, args as { applicationId?: string; callId?: string }),
  })
  admissionStatusChanged(
    @Root() event: DeliveredEvent,
    @Ctx() ctx: RequestContext,
    @Arg('applicationId', () => ID, { nullable: true }) _applicationId?: string,
    @Arg('callId', () => ID, { nullable: true }) _callId?: string,
  ): AdmissionEventView {
    ctx.refresh();
    return admissionEventView(event);
  }

  @FieldResolver(() => ID)
  id(@Root() application: AdmissionApplication): string {
    return toGlobalId(ADMISSION_TYPE, application.id);
  }

  @FieldResolver(() => AdmissionCall)
  async call(@Root() application: AdmissionApplication, @Ctx() ctx: RequestContext): Promise<AdmissionCall | null> {
    // Whoever reads an application may read its call (applications exist only for published calls).
    return ctx.loader(admissionCallById).load(application.call.id);
  }

  @FieldResolver(() => [AdmissionDocumentCheck], { description: 'The checklist: every required document of the call, given or not, with its check.' })
  async documents(@Root() application: AdmissionApplication, @Ctx() ctx: RequestContext): Promise<AdmissionDocumentCheck[]> {
    const call = await this.call(application, ctx);
    const required = call?.requiredDocuments ?? [];
    const codes = [...required, ...application.documents.map((d) => d.code).filter((c) => !required.includes(c))];
    return codes.map((code) => {
      const row = application.documents.find((d) => d.code === code);
      return {
        code,
        reference: row?.reference ?? null,
        status: (row?.status ?? 'MISSING') as AdmissionDocumentStatus,
        note: row?.note ?? null,
        checkedAt: row?.checkedAt ? new Date(row.checkedAt) : null,
      };
    });
  }

  @FieldResolver(() => AdmissionScoreComputation, { nullable: true, description: 'How the converted score was computed (after evaluation).' })
  scoreComputation(@Root() application: AdmissionApplication): ScoreComputationRow | null {
    return application.scoreComputation ?? null;
  }

  @FieldResolver(() => [AdmissionStatusChange], { description: 'Every step: from, to, who, when and why.' })
  history(@Root() application: AdmissionApplication, @Ctx() ctx: RequestContext): Promise<AdmissionStatusChange[]> {
    return ctx.loader(admissionHistory).load(application.id);
  }
}

@Resolver(() => AdmissionStatusChange)
export class AdmissionStatusChangeResolver {
  @FieldResolver(() => String, { nullable: true, description: 'Who took the step; applicants see "office" for the office’s steps.' })
  actor(@Root() change: AdmissionStatusChange, @Ctx() ctx: RequestContext): string | null {
    return actorShownTo(ctx, change.actor);
  }
}

@Resolver(() => AdmissionStatusEvent)
export class AdmissionStatusEventResolver {
  @FieldResolver(() => AdmissionApplication, { nullable: true, description: 'The application now, as you may see it.' })
  application(@Root() event: AdmissionEventView, @Ctx() ctx: RequestContext): Promise<AdmissionApplication | null> {
    return applicationOfEvent(ctx, event);
  }
}

@Resolver(() => AdmissionStatistics)
export class AdmissionStatisticsResolver {
  @FieldResolver(() => [AdmissionCountByCall])
  async byCall(@Root() view: AdmissionStatisticsView, @Ctx() ctx: RequestContext): Promise<AdmissionCountByCall[]> {
    return Promise.all(view.byCall.map(async (c) => ({ call: await getCall(ctx, c.callId), count: c.count })));
  }
}

export const admissionResolverClasses = [
  AdmissionExamResolver,
  AdmissionCallResolver,
  AdmissionExamRequirementResolver,
  AdmissionApplicationResolver,
  AdmissionStatusChangeResolver,
  AdmissionStatusEventResolver,
  AdmissionStatisticsResolver,
] as const;
