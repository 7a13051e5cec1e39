import type { NonEmptyArray } from 'type-graphql';
import { registerPublicQueryField } from '../../platform/http/cache-control';
import { registerNodeType } from '../../platform/graphql/node';
import type { JobRunner } from '../../platform/jobs/job-runner';
import { AdmissionApplication, AdmissionCall, AdmissionExam, AdmissionStatusChange } from './admission.entity';
import { admissionResolverClasses } from './admission.resolver';
import { ADMISSION_TYPE, getApplication, lapseUnenrolledAdmissions } from './admission.service';
import { ADMISSION_CALL_TYPE, getCall } from './admission-call.service';
import { EXAM_TYPE, getExam } from './admission-exam.service';

export { seedAdmissionsDemo } from './admission-demo.seed';

export const admissionEntities = [AdmissionExam, AdmissionCall, AdmissionApplication, AdmissionStatusChange];

export const admissionResolvers = [...admissionResolverClasses] as unknown as NonEmptyArray<Function>;

/** The daily enrolment-deadline job's name. */
export const ADMISSION_DEADLINE_JOB = 'admissions.enrolmentDeadline';

export function registerAdmissionJobs(jobs: JobRunner): void {
  // After the enrolment deadline, admitted applicants who did not enrol are DECLINED (with the reason, history and event).
  jobs.schedule(ADMISSION_DEADLINE_JOB, 24 * 3600_000, async (_payload, job) => {
    const lapsed = await lapseUnenrolledAdmissions(job.em);
    if (lapsed) job.log.info({ lapsed }, 'admissions not enrolled by the deadline declined');
  });
}

// Published calls, exams and results are the same for every visitor: cacheable publicly.
registerPublicQueryField('admissionExams', 'admissionCalls', 'admissionCall', 'admissionResults');

registerNodeType(EXAM_TYPE, (ctx, id) => getExam(ctx, id));
registerNodeType(ADMISSION_CALL_TYPE, (ctx, id) => getCall(ctx, id));
// Applications are personal data: node(id) answers null unless the viewer may read them.
registerNodeType(ADMISSION_TYPE, (ctx, id) => getApplication(ctx, id));
