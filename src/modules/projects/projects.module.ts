import type { NonEmptyArray } from 'type-graphql';
import { registerNodeType } from '../../platform/graphql/node';
import type { JobRunner } from '../../platform/jobs/job-runner';
import { contractResolvers } from './contract.resolver';
import { getReport } from './contract-report.service';
import { getContract } from './contract.service';
import { remindProjectDeadlines } from './deadline.service';
import { getNaCall } from './na-call.service';
import {
  ContractAmendment,
  ContractLine,
  ContractReport,
  ContractSpending,
  GrantContract,
  NaCall,
  NaProposal,
  NaProposalLine,
  QuotaRequest,
} from './project.entity';
import { CONTRACT_TYPE, NA_CALL_TYPE, PROPOSAL_TYPE, QUOTA_REQUEST_TYPE, REPORT_TYPE } from './projects.common';
import { proposalResolvers } from './projects.resolver';
import { getProposal } from './proposal.service';
import { getQuotaRequest } from './quota-request.service';

export { seedProjectsDemo } from './projects-demo.seed';

export const projectEntities = [NaCall, QuotaRequest, NaProposal, NaProposalLine, GrantContract, ContractLine, ContractSpending, ContractAmendment, ContractReport];

export const projectResolvers = [...proposalResolvers, ...contractResolvers] as unknown as NonEmptyArray<Function>;

/** The daily deadline job's name (its schedule row has singleton key `schedule:<name>`). */
export const PROJECT_DEADLINE_JOB = 'projects.deadlineReminders';

export function registerProjectJobs(jobs: JobRunner): void {
  // Reports due within 30 and 7 days or overdue, draft proposals 14 days before the call's deadline: each reminded once.
  jobs.schedule(PROJECT_DEADLINE_JOB, 24 * 3600_000, async (_payload, job) => {
    const reminded = await remindProjectDeadlines(job.em);
    if (reminded) job.log.info({ reminded }, 'project deadlines reminded');
  });
}

// Office data (calls, and their units' quota requests, also for coordinators): node(id) answers null for anyone else.
registerNodeType(NA_CALL_TYPE, (ctx, id) => getNaCall(ctx, id));
registerNodeType(QUOTA_REQUEST_TYPE, (ctx, id) => getQuotaRequest(ctx, id));
registerNodeType(PROPOSAL_TYPE, (ctx, id) => getProposal(ctx, id));
registerNodeType(CONTRACT_TYPE, (ctx, id) => getContract(ctx, id));
registerNodeType(REPORT_TYPE, (ctx, id) => getReport(ctx, id));
