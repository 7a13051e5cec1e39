import type { JobRunner } from '../../platform/jobs/job-runner';
import { remindResidencePermits } from './reception.service';

/** The daily reminder job's name (its schedule row has singleton key `schedule:<name>`). */
export const RESIDENCE_PERMIT_REMINDERS_JOB = 'incoming.residencePermitReminders';

/** Scheduled work of the reception of incoming guests (registered by incoming.module.ts). */
export function registerReceptionJobs(jobs: JobRunner): void {
  // Residence permits due within 7 days or overdue: one reminder per guest and host day (an outbox event scoped like the status events).
  jobs.schedule(RESIDENCE_PERMIT_REMINDERS_JOB, 24 * 3600_000, async (_payload, job) => {
    const reminded = await remindResidencePermits(job.em);
    if (reminded) job.log.info({ reminded }, 'residence permits reminded');
  });
}
