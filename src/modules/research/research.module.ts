import type { NonEmptyArray } from 'type-graphql';
import { registerPublicQueryField } from '../../platform/http/cache-control';
import { registerNodeType } from '../../platform/graphql/node';
import type { JobRunner } from '../../platform/jobs/job-runner';
import { ResearchCall, ResearchCallSubscription, ResearchProject, ResearchSupportNote, ResearchSupportRequest } from './research.entity';
import { researchResolverClasses } from './research.resolver';
import { closeEndedCalls, getCall, RESEARCH_CALL_TYPE } from './research-call.service';
import { getProject, RESEARCH_PROJECT_TYPE } from './research-project.service';
import { getSupportRequest, SUPPORT_REQUEST_TYPE } from './research-support.service';

export { seedResearchDemo } from './research-demo.seed';

export const researchEntities = [ResearchCall, ResearchCallSubscription, ResearchSupportRequest, ResearchSupportNote, ResearchProject];

export const researchResolvers = [...researchResolverClasses] as unknown as NonEmptyArray<Function>;

/** The daily job closing published calls whose last deadline has passed. */
export const RESEARCH_CLOSE_JOB = 'research.closeCalls';

export function registerResearchJobs(jobs: JobRunner): void {
  jobs.schedule(RESEARCH_CLOSE_JOB, 24 * 3600_000, async (_payload, job) => {
    const closed = await closeEndedCalls(job.em);
    if (closed) job.log.info({ closed }, 'research calls closed after their last deadline');
  });
}

// Published calls, the public project list and the trainings are the same for every visitor: cacheable publicly.
registerPublicQueryField('researchCalls', 'researchCall', 'publicResearchProjects', 'researchTrainings');

registerNodeType(RESEARCH_CALL_TYPE, (ctx, id) => getCall(ctx, id));
// Support requests and projects are personal or office data: node(id) answers null unless the viewer may read them.
registerNodeType(SUPPORT_REQUEST_TYPE, (ctx, id) => getSupportRequest(ctx, id));
registerNodeType(RESEARCH_PROJECT_TYPE, (ctx, id) => getProject(ctx, id));
