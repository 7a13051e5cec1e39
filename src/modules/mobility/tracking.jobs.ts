import type { JobRunner } from '../../platform/jobs/job-runner';
import { remindOverdueReturnDocuments } from './tracking.service';

/** The daily reminder job's name (its schedule row has singleton key `schedule:<name>`). */
export const RETURN_DOCUMENT_REMINDERS_JOB = 'mobility.returnDocumentReminders';

/** Scheduled work of mobility tracking (registered by mobility.module.ts). */
export function registerTrackingJobs(jobs: JobRunner): void {
  // Overdue return documents, reminded at most once every 7 days each (an outbox event scoped like the status events).
  jobs.schedule(RETURN_DOCUMENT_REMINDERS_JOB, 24 * 3600_000, async (_payload, job) => {
    const reminded = await remindOverdueReturnDocuments(job.em);
    if (reminded) job.log.info({ reminded }, 'overdue return documents reminded');
  });
}
