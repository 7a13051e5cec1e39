import type { EntityManager } from '@mikro-orm/postgresql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config/config';
import { toGlobalId } from '../../platform/graphql/relay';
import type { Logger } from '../../platform/logging/logger';
import { UserAccount } from '../accounts/user-account.entity';
import { Institution } from '../institutions/institution.entity';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { UNIT_TYPE } from '../institutions/organisational-unit.service';
import { seedContexts } from '../mobility/mobility-demo.seed';
import { AdmissionDocumentDecision } from './admission.inputs';
import type { AdmissionStatus } from './admission.entity';
import {
  ADMISSION_TYPE,
  confirmEnrolment,
  createApplication,
  declineAdmission,
  evaluateCall,
  publishResults,
  submitApplication,
  verifyDocument,
  withdrawApplication,
} from './admission.service';
import { ADMISSION_CALL_TYPE, closeCall, createCall, publishCall, updateCall } from './admission-call.service';
import { seedExams, type ExamSeed } from './admission-exam.service';

/** seeds/demo/admissions.json: who applies, and the calls with their applications. */
export interface AdmissionsDemoSeed {
  applicants: { subject: string; email: string; displayName: string }[];
  calls: DemoCall[];
}

interface DemoCall {
  key: string;
  academicYear: string;
  /** Home unit code. */
  unit: string;
  programmeName: { tr?: string; en?: string };
  quota: number;
  languageOfInstruction: string;
  requiredDocuments: string[];
  acceptedExams: { examCode: string; minimumScore: number }[];
  languageCertificates?: { examCode: string; minimumScore: number }[];
  preparationYear?: boolean;
  /** Days from the seed time. A call in a later phase is created open, applied to, then moved into the past. */
  opensInDays: number;
  closesInDays: number;
  enrolmentDeadlineInDays: number;
  phase: 'DRAFT' | 'OPEN' | 'CLOSED' | 'EVALUATED' | 'RESULTS_PUBLISHED';
  applications: DemoApplication[];
}

interface DemoApplication {
  applicant: string;
  givenName: string;
  familyName: string;
  nationality: string;
  countryOfResidence: string;
  birthDate: string;
  exam: { code: string; score: number };
  languageCertificate?: { code: string; score: number };
  /** False leaves the application a draft. */
  submit?: boolean;
  /** False leaves a submitted application waiting for the office's check. */
  verify?: boolean;
  /** The office rejects this document (the application becomes INCOMPLETE). */
  reject?: { code: string; note: string };
  /** Steps after the results are published, in order. */
  then?: ('ENROL' | 'DECLINE' | 'WITHDRAW')[];
  /** The status it should end in; a different one is logged (the rules or data have drifted). */
  expect?: AdmissionStatus;
}

const DAY = 86_400_000;

/**
 * The admissions demo: the exam table, then calls in every phase whose applications go through the services as the
 * applicants and the office would (histories, outbox events, scores, ranking, waitlist promotion are real).
 */
export async function seedAdmissionsDemo(em: EntityManager, config: Config, log: Logger, dir: string): Promise<void> {
  const read = <T>(file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as T;
  await seedExams(em.fork(), read<{ exams: ExamSeed[] }>('admission-exams.json').exams);
  const data = read<AdmissionsDemoSeed>('admissions.json');
  const { office, applicant } = seedContexts(em, config, log);

  await em.fork().transactional(async (tx) => {
    const known = new Set((await tx.find(UserAccount, { subject: { $in: data.applicants.map((a) => a.subject) } })).map((a) => a.subject));
    for (const a of data.applicants.filter((p) => !known.has(p.subject))) {
      tx.create(UserAccount, { subject: a.subject, email: a.email, displayName: a.displayName, roles: ['APPLICANT'], unitIds: [] } as never);
    }
  });

  const lookup = em.fork();
  const home = await lookup.findOneOrFail(Institution, { isHome: true });
  const units = new Map((await lookup.find(OrganisationalUnit, { institution: home })).map((u) => [u.code, u.id]));
  const version = async (table: 'admission_call' | 'admission_application', id: string) =>
    (await em.fork().execute<{ version: number }[]>(`select version from ${table} where id = ?`, [id]))[0].version;
  const emails = new Map(data.applicants.map((a) => [a.subject, a.email]));
  const now = Date.now();
  const at = (days: number) => new Date(now + days * DAY);

  for (const c of data.calls) {
    const unitId = units.get(c.unit);
    if (!unitId) throw new Error(`admissions demo: unknown unit code ${c.unit}`);
    const later = c.phase !== 'DRAFT' && c.phase !== 'OPEN';
    const call = await createCall(office(), {
      academicYear: c.academicYear,
      unitId: toGlobalId(UNIT_TYPE, unitId),
      programmeName: c.programmeName,
      quota: c.quota,
      languageOfInstruction: c.languageOfInstruction,
      requiredDocuments: c.requiredDocuments,
      acceptedExams: c.acceptedExams,
      languageCertificates: c.languageCertificates ?? [],
      preparationYear: c.preparationYear ?? false,
      opensAt: at(c.opensInDays),
      // A call in a later phase takes its applications now, and is moved into the past afterwards.
      closesAt: later ? new Date(now + 3600_000) : at(c.closesInDays),
      enrolmentDeadline: at(c.enrolmentDeadlineInDays),
    });
    const callId = toGlobalId(ADMISSION_CALL_TYPE, call.id);
    if (c.phase === 'DRAFT') continue;
    await publishCall(office(), callId, await version('admission_call', call.id));

    const ids = new Map<string, string>();
    for (const a of c.applications) {
      const created = await createApplication(applicant(a.applicant), {
        callId,
        givenName: a.givenName,
        familyName: a.familyName,
        nationality: a.nationality,
        countryOfResidence: a.countryOfResidence,
        email: emails.get(a.applicant) ?? `${a.applicant}@example.org`,
        birthDate: a.birthDate,
        examCode: a.exam.code,
        examScore: a.exam.score,
        languageCertificate: a.languageCertificate,
        documents: c.requiredDocuments.map((code) => ({ code, reference: `demo-files/${a.applicant}/${code.toLowerCase()}.pdf` })),
      });
      const id = toGlobalId(ADMISSION_TYPE, created.id);
      ids.set(a.applicant, created.id);
      if (a.submit === false) continue;
      await submitApplication(applicant(a.applicant), id, await version('admission_application', created.id));
      if (a.verify === false) continue;
      for (const code of c.requiredDocuments) {
        const rejected = a.reject?.code === code;
        await verifyDocument(office(), {
          applicationId: id,
          version: await version('admission_application', created.id),
          code,
          decision: rejected ? AdmissionDocumentDecision.REJECTED : AdmissionDocumentDecision.VERIFIED,
          note: rejected ? a.reject!.note : undefined,
        });
        if (rejected) break;
      }
    }

    if (later) {
      await updateCall(office(), { id: callId, version: await version('admission_call', call.id), opensAt: at(c.opensInDays), closesAt: at(c.closesInDays) });
      await closeCall(office(), callId, await version('admission_call', call.id));
      if (c.phase !== 'CLOSED') await evaluateCall(office(), callId);
      if (c.phase === 'RESULTS_PUBLISHED') {
        await publishResults(office(), callId, await version('admission_call', call.id));
        for (const a of c.applications) {
          const uuid = ids.get(a.applicant)!;
          const id = toGlobalId(ADMISSION_TYPE, uuid);
          for (const step of a.then ?? []) {
            const v = await version('admission_application', uuid);
            if (step === 'ENROL') await confirmEnrolment(office(), id, v);
            else if (step === 'DECLINE') await declineAdmission(applicant(a.applicant), { id, version: v, reason: 'Accepted a place at another university' });
            else await withdrawApplication(applicant(a.applicant), { id, version: v });
          }
        }
      }
    }

    for (const a of c.applications.filter((x) => x.expect)) {
      const [row] = await em.fork().execute<{ status: string }[]>(`select status from admission_application where id = ?`, [ids.get(a.applicant)]);
      if (row.status !== a.expect) log.warn({ call: c.key, applicant: a.applicant, expected: a.expect, got: row.status }, 'admissions demo: unexpected status');
    }
  }
}
