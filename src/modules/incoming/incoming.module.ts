import type { JobRunner } from '../../platform/jobs/job-runner';
import { registerNodeType } from '../../platform/graphql/node';
import { HousingAssignment, HousingRoom, IncomingCourse, IncomingDeadline, IncomingLaProposal, IncomingMobility, IncomingStatusChange } from './incoming-mobility.entity';
import { getIncoming, INCOMING_TYPE } from './incoming-mobility.service';
import { intakeResolvers } from './intake.resolver';
import { receptionResolvers } from './reception.resolver';
import { registerReceptionJobs } from './reception.jobs';

export const incomingEntities = [IncomingMobility, IncomingStatusChange, IncomingCourse, IncomingLaProposal, HousingRoom, HousingAssignment, IncomingDeadline];

export const incomingResolvers: Function[] = [...intakeResolvers, ...receptionResolvers];

export function registerIncomingJobs(jobs: JobRunner): void {
  registerReceptionJobs(jobs);
}

// Incoming mobilities are personal data: node(id) answers null unless the viewer may read them.
registerNodeType(INCOMING_TYPE, (ctx, id) => getIncoming(ctx, id));
