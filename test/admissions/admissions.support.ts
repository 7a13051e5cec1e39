/**
 * Shared set-up of the admissions suites: exams of the suite's own (codes carry the run id, so the demo exams and
 * other runs never interfere), calls whose window and enrolment deadline the tests move, applicants and the office's
 * steps. Nothing here depends on demo calls or applications.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AdmApplicationDocument,
  AdmCloseCallDocument,
  AdmCreateApplicationDocument,
  AdmCreateCallDocument,
  AdmCreateExamDocument,
  AdmEvaluateCallDocument,
  AdmHomeDocument,
  AdmPublishCallDocument,
  AdmPublishResultsDocument,
  AdmSubmitApplicationDocument,
  AdmUpdateCallDocument,
  AdmVerifyDocumentDocument,
  type AdmApplicationFieldsFragment,
  type AdmCallFieldsFragment,
  type CreateAdmissionApplicationInput,
  type CreateAdmissionCallInput,
} from '../generated/graphql';
import { errorOf, ok, type Identity, type TestHub } from '../support/hub';

export { ok, errorOf };

export const STAFF: Identity = { role: 'STAFF', sub: 'admissions-office-staff' };
export const RUN = Math.random().toString(36).slice(2, 7).toUpperCase();
let sequence = 0;
export const unique = (what: string) => `${what} ${RUN}-${++sequence}`;

export const HOUR = 3_600_000;
export const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
export const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];

export type Call = AdmCallFieldsFragment;
export type Application = AdmApplicationFieldsFragment;

/** The suite's exams: codes with the run id. */
export interface Exams {
  yos: string;
  sat: string;
  abitur: string;
  toefl: string;
  tomer: string;
}

export class AdmissionWorld {
  readonly units = new Map<string, string>();
  exams!: Exams;

  constructor(readonly hub: TestHub) {}

  async init(): Promise<this> {
    const home = ok(await this.hub.request(AdmHomeDocument, {}, STAFF)).homeInstitution;
    for (const unit of home.topLevelUnits) {
      this.units.set(unit.code, unit.id);
      for (const child of unit.children) this.units.set(child.code, child.id);
    }
    const code = (c: string) => `${c}_${RUN}_${++sequence}`;
    const exam = async (input: Parameters<AdmissionWorld['createExam']>[0]) => (await this.createExam(input)).code;
    this.exams = {
      yos: await exam({ code: code('YOS'), name: { en: 'YÖS' }, kind: 'ENTRANCE', scaleMin: 0, scaleMax: 100 }),
      sat: await exam({ code: code('SAT'), name: { en: 'SAT' }, kind: 'ENTRANCE', scaleMin: 400, scaleMax: 1600 }),
      abitur: await exam({ code: code('ABITUR'), name: { en: 'Abitur' }, kind: 'ENTRANCE', scaleMin: 1, scaleMax: 4, higherIsBetter: false }),
      toefl: await exam({ code: code('TOEFL'), name: { en: 'TOEFL iBT' }, kind: 'LANGUAGE', language: 'en', scaleMin: 0, scaleMax: 120 }),
      tomer: await exam({ code: code('TOMER'), name: { tr: 'TÖMER' }, kind: 'LANGUAGE', language: 'tr', scaleMin: 0, scaleMax: 100 }),
    };
    return this;
  }

  async createExam(input: {
    code: string;
    name: { tr?: string; en?: string };
    kind: 'ENTRANCE' | 'LANGUAGE';
    language?: string;
    scaleMin: number;
    scaleMax: number;
    higherIsBetter?: boolean;
    conversionTable?: { score: number; converted: number }[];
  }) {
    return ok(await this.hub.request(AdmCreateExamDocument, { input }, STAFF)).createAdmissionExam;
  }

  unit(code: string): string {
    const id = this.units.get(code);
    if (!id) throw new Error(`no home unit ${code}`);
    return id;
  }

  coordinator(...codes: string[]): Identity {
    return { role: 'COORDINATOR', sub: `adm-coordinator-${RUN}-${++sequence}`, units: codes.map((c) => uuidOf(this.unit(c))) };
  }

  applicant(label = 'applicant'): Identity {
    return { role: 'APPLICANT', sub: `adm-${label}-${RUN}-${++sequence}` };
  }

  sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
    return (this.hub.hub.orm.em.fork() as EntityManager).execute<T[]>(query, params);
  }

  /** A call's input: open now for an hour, enrolment two hours from now; YÖS ≥ 50, SAT ≥ 1000, Abitur ≤ 3.0; TOEFL ≥ 79. */
  callInput(input: Partial<CreateAdmissionCallInput> = {}): CreateAdmissionCallInput {
    return {
      academicYear: '2027/2028',
      unitId: this.unit('ENG-CENG'),
      programmeName: { en: unique('Computer Engineering (English)') },
      quota: 2,
      languageOfInstruction: 'en',
      requiredDocuments: ['PASSPORT', 'DIPLOMA'],
      acceptedExams: [
        { examCode: this.exams.yos, minimumScore: 50 },
        { examCode: this.exams.sat, minimumScore: 1000 },
        { examCode: this.exams.abitur, minimumScore: 3 },
      ],
      languageCertificates: [{ examCode: this.exams.toefl, minimumScore: 79 }],
      preparationYear: true,
      opensAt: iso(-HOUR),
      closesAt: iso(HOUR),
      enrolmentDeadline: iso(2 * HOUR),
      ...input,
    };
  }

  async draftCall(input: Partial<CreateAdmissionCallInput> = {}): Promise<Call> {
    return ok(await this.hub.request(AdmCreateCallDocument, { input: this.callInput(input) }, STAFF)).createAdmissionCall;
  }

  /** Created and published (OPEN). */
  async openCall(input: Partial<CreateAdmissionCallInput> = {}): Promise<Call> {
    const draft = await this.draftCall(input);
    return ok(await this.hub.request(AdmPublishCallDocument, { id: draft.id, version: draft.version }, STAFF)).publishAdmissionCall;
  }

  async callVersion(id: string): Promise<number> {
    return (await this.sql<{ version: number }>(`select version from admission_call where id = ?`, [uuidOf(id)]))[0].version;
  }

  async updateCall(id: string, fields: Record<string, unknown>) {
    return this.hub.request(AdmUpdateCallDocument, { input: { id, version: await this.callVersion(id), ...fields } }, STAFF);
  }

  /** Moves the window into the past (closed a minute ago) and closes the call. */
  async close(id: string): Promise<Call> {
    ok(await this.updateCall(id, { opensAt: iso(-2 * HOUR), closesAt: iso(-60_000) }));
    return ok(await this.hub.request(AdmCloseCallDocument, { id, version: await this.callVersion(id) }, STAFF)).closeAdmissionCall;
  }

  async evaluate(callId: string) {
    return ok(await this.hub.request(AdmEvaluateCallDocument, { callId }, STAFF)).evaluateAdmissionCall;
  }

  async publishResults(callId: string): Promise<Call> {
    return ok(await this.hub.request(AdmPublishResultsDocument, { id: callId, version: await this.callVersion(callId) }, STAFF)).publishAdmissionResults;
  }

  applicationInput(callId: string, input: Partial<CreateAdmissionApplicationInput> = {}): CreateAdmissionApplicationInput {
    return {
      callId,
      givenName: 'Test',
      familyName: unique('Applicant').replace(/\s/g, '-'),
      nationality: 'DE',
      countryOfResidence: 'DE',
      email: 'applicant@example.org',
      birthDate: '2006-05-01',
      examCode: this.exams.yos,
      examScore: 70,
      languageCertificate: { code: this.exams.toefl, score: 100 },
      documents: [
        { code: 'PASSPORT', reference: 'files/passport.pdf' },
        { code: 'DIPLOMA', reference: 'files/diploma.pdf' },
      ],
      ...input,
    };
  }

  async createApplication(who: Identity, callId: string, input: Partial<CreateAdmissionApplicationInput> = {}): Promise<Application> {
    return ok(await this.hub.request(AdmCreateApplicationDocument, { input: this.applicationInput(callId, input) }, who)).createAdmissionApplication;
  }

  async submit(who: Identity, application: { id: string; version: number }): Promise<Application> {
    return ok(await this.hub.request(AdmSubmitApplicationDocument, { id: application.id, version: application.version }, who)).submitAdmissionApplication;
  }

  /** Created, submitted, and every document verified by the office (DOCUMENTS_VERIFIED). */
  async verifiedApplication(who: Identity, callId: string, input: Partial<CreateAdmissionApplicationInput> = {}): Promise<Application> {
    let application = await this.submit(who, await this.createApplication(who, callId, input));
    for (const d of application.documents) {
      application = ok(
        await this.hub.request(AdmVerifyDocumentDocument, { input: { applicationId: application.id, version: application.version, code: d.code, decision: 'VERIFIED' } }, STAFF),
      ).verifyAdmissionDocument;
    }
    return application;
  }

  /** The application as the office reads it now. */
  async read(id: string) {
    const application = ok(await this.hub.request(AdmApplicationDocument, { id }, STAFF)).admissionApplication;
    if (!application) throw new Error(`no application ${id}`);
    return application;
  }
}
