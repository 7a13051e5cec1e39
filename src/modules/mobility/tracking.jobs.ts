import type { JobRunner } from '../../platform/jobs/job-runner';

/** Scheduled work of mobility tracking (registered by mobility.module.ts). */
export function registerTrackingJobs(_jobs: JobRunner): void {}
