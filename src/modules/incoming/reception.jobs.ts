import type { JobRunner } from '../../platform/jobs/job-runner';

export function registerReceptionJobs(_jobs: JobRunner): void {}
