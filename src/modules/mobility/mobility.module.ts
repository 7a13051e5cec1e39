import type { NonEmptyArray } from 'type-graphql';
import type { JobRunner } from '../../platform/jobs/job-runner';
import type { MountRoutes } from '../../platform/http/routes';
import { registerPublicQueryField } from '../../platform/http/cache-control';
import { registerNodeType } from '../../platform/graphql/node';
import { ApplicationPreference, ApplicationStatusChange, MobilityApplication } from './application.entity';
import {
  ApplicationPreferenceResolver,
  ApplicationStatusChangeResolver,
  ApplicationStatusEventResolver,
  MobilityApplicationResolver,
  MobilityDashboardResolver,
} from './application.resolver';
import { APPLICATION_TYPE, getApplication } from './application.service';
import { CallPlace, CallQuota, MobilityCall } from './call.entity';
import { CallPlaceResolver, CallQuotaResolver, MobilityCallResolver } from './call.resolver';
import { CALL_TYPE, getCall } from './call.service';
import { MobilityProgramme, ProgrammeRuleSet } from './programme.entity';
import { MobilityProgrammeResolver, ProgrammeRuleSetResolver } from './programme.resolver';
import { getProgramme, PROGRAMME_TYPE } from './programme.service';
import { HomeCourse } from './course.entity';
import { GrantPayment, GrantRateTable, MobilityGrant } from './grant.entity';
import { LearningAgreement, LearningAgreementVersion } from './learning-agreement.entity';
import { ReturnDocument } from './return-document.entity';
import { CourseRecognition, GradeConversionTable, TranscriptEntry } from './transcript.entity';
import { grantResolvers } from './grant.resolver';
import { learningAgreementResolvers } from './learning-agreement.resolver';
import { reportingResolvers } from './reporting.resolver';
import { mountReportingRoutes } from './reporting.routes';
import { registerTrackingJobs } from './tracking.jobs';
import { trackingResolvers } from './tracking.resolver';

export const mobilityEntities = [
  MobilityProgramme,
  ProgrammeRuleSet,
  MobilityCall,
  CallQuota,
  CallPlace,
  MobilityApplication,
  ApplicationPreference,
  ApplicationStatusChange,
  HomeCourse,
  LearningAgreement,
  LearningAgreementVersion,
  GrantRateTable,
  MobilityGrant,
  GrantPayment,
  ReturnDocument,
  GradeConversionTable,
  TranscriptEntry,
  CourseRecognition,
];

export const mobilityResolvers: NonEmptyArray<Function> = [
  MobilityProgrammeResolver,
  ProgrammeRuleSetResolver,
  MobilityCallResolver,
  CallQuotaResolver,
  CallPlaceResolver,
  MobilityApplicationResolver,
  ApplicationPreferenceResolver,
  ApplicationStatusChangeResolver,
  ApplicationStatusEventResolver,
  MobilityDashboardResolver,
  ...learningAgreementResolvers,
  ...grantResolvers,
  ...trackingResolvers,
  ...reportingResolvers,
];

export function registerMobilityJobs(jobs: JobRunner): void {
  registerTrackingJobs(jobs);
}

export const mountMobilityRoutes: MountRoutes = (app, routes) => {
  mountReportingRoutes(app, routes);
};

// Programmes, published calls and published results are the same for every visitor: cacheable publicly.
registerPublicQueryField('mobilityProgrammes', 'mobilityCalls', 'mobilityCall', 'selectionResults');

registerNodeType(PROGRAMME_TYPE, (ctx, id) => getProgramme(ctx, id));
registerNodeType(CALL_TYPE, (ctx, id) => getCall(ctx, id));
// Applications are personal data: node(id) answers null unless the viewer may read them.
registerNodeType(APPLICATION_TYPE, (ctx, id) => getApplication(ctx, id));
