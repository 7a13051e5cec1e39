/**
 * Admission calls and exams (office data, public once published) and the applicant's side: the window, the exam and
 * score checks, the document checklist the office works through, and clear codes for every refusal with nothing
 * half-written.
 */
import {
  AdmCallDocument,
  AdmCallsDocument,
  AdmCreateApplicationDocument,
  AdmCreateCallDocument,
  AdmExamsDocument,
  AdmPublishCallDocument,
  AdmSubmitApplicationDocument,
  AdmUpdateApplicationDocument,
  AdmUpdateExamDocument,
  AdmVerifyDocumentDocument,
  AdmWithdrawDocument,
} from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';
import { AdmissionWorld, errorOf, HOUR, iso, ok, RUN, STAFF, uuidOf } from './admissions.support';

let hub: TestHub;
let world: AdmissionWorld;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new AdmissionWorld(hub).init();
});
afterAll(() => hub.close());

const countApplications = async (callId: string) =>
  (await world.sql<{ n: number }>(`select count(*)::int as n from admission_application where call_id = ?`, [uuidOf(callId)]))[0].n;

describe('admission exams as data', () => {
  it('lists the exams with their scales and conversion publicly, and the office edits them', async () => {
    const exams = ok(await hub.request(AdmExamsDocument, { kind: 'ENTRANCE' })).admissionExams;
    const abitur = exams.find((e) => e.code === world.exams.abitur)!;
    expect(abitur).toMatchObject({ scaleMin: 1, scaleMax: 4, higherIsBetter: false, conversionTable: [] });
    expect(exams.every((e) => e.kind === 'ENTRANCE')).toBe(true);
    // The seeded exam table of the demo is there too.
    expect(exams.map((e) => e.code)).toEqual(expect.arrayContaining(['YOS', 'SAT', 'ACT', 'IB', 'ABITUR', 'GAOKAO', 'TR_DIPLOMA']));

    const created = await world.createExam({ code: `GAOKAO_${RUN}`, name: { en: 'Gaokao' }, kind: 'ENTRANCE', scaleMin: 0, scaleMax: 750 });
    const table = [
      { score: 0, converted: 0 },
      { score: 450, converted: 50 },
      { score: 750, converted: 100 },
    ];
    const updated = ok(await hub.request(AdmUpdateExamDocument, { input: { id: created.id, version: created.version, conversionTable: table } }, STAFF)).updateAdmissionExam;
    expect(updated.conversionTable).toEqual(table);
    expect(updated.version).toBe(created.version + 1);

    // A table that does not cover the scale, or goes the wrong way, is refused naming the point.
    const bad = await hub.request(
      AdmUpdateExamDocument,
      { input: { id: created.id, version: updated.version, conversionTable: [{ score: 0, converted: 0 }, { score: 450, converted: 60 }, { score: 700, converted: 50 }] } },
      STAFF,
    );
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CONVERSION', field: 'conversionTable[2]' });
    const stale = await hub.request(AdmUpdateExamDocument, { input: { id: created.id, version: created.version, active: false } }, STAFF);
    expect(errorOf(stale)).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
    const taken = await hub.request(AdmUpdateExamDocument, { input: { id: created.id, version: updated.version, scaleMin: 10, scaleMax: 5 } }, STAFF);
    expect(errorOf(taken)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CONVERSION', field: 'scaleMax' });

    // Only the office.
    const asApplicant = await hub.request(AdmUpdateExamDocument, { input: { id: created.id, version: updated.version, active: false } }, world.applicant());
    expect(errorOf(asApplicant)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('keeps the scale of an exam applications use (EXAM_IN_USE), the conversion stays editable', async () => {
    const code = `ACT_${RUN}`;
    const exam = await world.createExam({ code, name: { en: 'ACT' }, kind: 'ENTRANCE', scaleMin: 1, scaleMax: 36 });
    const call = await world.openCall({ acceptedExams: [{ examCode: code, minimumScore: 20 }] });
    await world.createApplication(world.applicant(), call.id, { examCode: code, examScore: 30 });
    const res = await hub.request(AdmUpdateExamDocument, { input: { id: exam.id, version: exam.version, scaleMax: 40 } }, STAFF);
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', reason: 'EXAM_IN_USE' });
    const table = [{ score: 1, converted: 0 }, { score: 36, converted: 100 }];
    expect(ok(await hub.request(AdmUpdateExamDocument, { input: { id: exam.id, version: exam.version, conversionTable: table } }, STAFF)).updateAdmissionExam.conversionTable).toEqual(table);
  });
});

describe('calls', () => {
  it('are created as drafts by the office and published; drafts are the office’s, published calls public', async () => {
    const draft = await world.draftCall({ quota: 4 });
    expect(draft).toMatchObject({
      status: 'DRAFT',
      quota: 4,
      languageOfInstruction: 'en',
      requiredDocuments: ['PASSPORT', 'DIPLOMA'],
      preparationYear: true,
      isOpen: false,
      unit: { code: 'ENG-CENG' },
    });
    expect(draft.acceptedExams.map((e) => [e.examCode, e.minimumScore, e.exam?.scaleMax])).toEqual([
      [world.exams.yos, 50, 100],
      [world.exams.sat, 1000, 1600],
      [world.exams.abitur, 3, 4],
    ]);
    expect(ok(await hub.request(AdmCallDocument, { id: draft.id })).admissionCall).toBeNull();
    expect(ok(await hub.request(AdmCallDocument, { id: draft.id }, world.applicant())).admissionCall).toBeNull();
    const publicList = ok(await hub.request(AdmCallsDocument, { filter: { academicYear: '2027/2028' }, first: 100 })).admissionCalls.nodes;
    expect(publicList.some((c) => c.id === draft.id)).toBe(false);

    const open = ok(await hub.request(AdmPublishCallDocument, { id: draft.id, version: draft.version }, STAFF)).publishAdmissionCall;
    expect(open).toMatchObject({ status: 'OPEN', isOpen: true });
    expect(ok(await hub.request(AdmCallDocument, { id: draft.id })).admissionCall).toMatchObject({ id: draft.id, status: 'OPEN', quota: 4 });
    const again = await hub.request(AdmPublishCallDocument, { id: draft.id, version: open.version }, STAFF);
    expect(errorOf(again)).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_CALL_TRANSITION' });
  });

  it('refuse bad settings with clear codes and write nothing', async () => {
    const before = (await world.sql<{ n: number }>(`select count(*)::int as n from admission_call`))[0].n;
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ acceptedExams: [{ examCode: 'NO_SUCH_EXAM', minimumScore: 1 }] }, { code: 'NOT_FOUND', reason: 'EXAM_NOT_FOUND', field: 'acceptedExams[0].examCode' }],
      [{ acceptedExams: [{ examCode: world.exams.toefl, minimumScore: 1 }] }, { code: 'BAD_USER_INPUT', reason: 'EXAM_KIND_MISMATCH' }],
      [{ acceptedExams: [{ examCode: world.exams.sat, minimumScore: 1700 }] }, { code: 'BAD_USER_INPUT', reason: 'MINIMUM_OUT_OF_SCALE', field: 'acceptedExams[0].minimumScore' }],
      [
        { acceptedExams: [{ examCode: world.exams.yos, minimumScore: 1 }, { examCode: world.exams.yos, minimumScore: 2 }] },
        { code: 'BAD_USER_INPUT', reason: 'DUPLICATE_EXAM', field: 'acceptedExams[1].examCode' },
      ],
      [{ languageCertificates: [{ examCode: world.exams.tomer, minimumScore: 60 }] }, { code: 'BAD_USER_INPUT', reason: 'LANGUAGE_MISMATCH' }],
      [{ acceptedExams: [] }, { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'acceptedExams' }],
      [{ closesAt: iso(-2 * HOUR) }, { code: 'BAD_USER_INPUT', reason: 'INVALID_WINDOW', field: 'closesAt' }],
      [{ enrolmentDeadline: iso(HOUR / 2) }, { code: 'BAD_USER_INPUT', reason: 'INVALID_WINDOW', field: 'enrolmentDeadline' }],
      [{ quota: 0 }, { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'quota' }],
      [{ languageOfInstruction: 'English' }, { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'languageOfInstruction' }],
      [{ requiredDocuments: ['passport'] }, { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'requiredDocuments' }],
      [{ requiredDocuments: Array.from({ length: 21 }, (_, i) => `DOC_${i}`) }, { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'requiredDocuments' }],
      [{ academicYear: '2027-28' }, { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'academicYear' }],
      [{ programmeName: { en: 'x'.repeat(501) } }, { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED' }],
    ];
    for (const [input, error] of cases) {
      const res = await hub.request(AdmCreateCallDocument, { input: world.callInput(input as never) }, STAFF);
      expect({ input, error: errorOf(res) }).toMatchObject({ input, error });
    }
    const asCoordinator = await hub.request(AdmCreateCallDocument, { input: world.callInput() }, world.coordinator('ENG'));
    expect(errorOf(asCoordinator)).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(AdmCreateCallDocument, { input: world.callInput() }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await world.sql<{ n: number }>(`select count(*)::int as n from admission_call`))[0].n).toBe(before);
  });

  it('fix their exam, document and language rules once they have applications', async () => {
    const call = await world.openCall();
    await world.createApplication(world.applicant(), call.id);
    const res = await world.updateCall(call.id, { requiredDocuments: ['PASSPORT'] });
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', reason: 'CALL_HAS_APPLICATIONS', field: 'requiredDocuments' });
    const quota = ok(await world.updateCall(call.id, { quota: 7 })) as { updateAdmissionCall: { quota: number } };
    expect(quota.updateAdmissionCall.quota).toBe(7);
  });
});

describe('the application window', () => {
  it('before the call opens: creating is CONFLICT / CALL_NOT_OPEN; a draft call is NOT_FOUND', async () => {
    const future = await world.openCall({ opensAt: iso(HOUR), closesAt: iso(2 * HOUR), enrolmentDeadline: iso(3 * HOUR) });
    const res = await hub.request(AdmCreateApplicationDocument, { input: world.applicationInput(future.id) }, world.applicant());
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', reason: 'CALL_NOT_OPEN', field: 'callId' });
    const draft = await world.draftCall();
    const toDraft = await hub.request(AdmCreateApplicationDocument, { input: world.applicationInput(draft.id) }, world.applicant());
    expect(errorOf(toDraft)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await countApplications(future.id)).toBe(0);
    expect(await countApplications(draft.id)).toBe(0);
  });

  it('after the call closes: creating, editing and submitting are CONFLICT / CALL_CLOSED', async () => {
    const call = await world.openCall();
    const who = world.applicant();
    const draft = await world.createApplication(who, call.id);
    ok(await world.updateCall(call.id, { opensAt: iso(-2 * HOUR), closesAt: iso(-1000) }));
    const create = await hub.request(AdmCreateApplicationDocument, { input: world.applicationInput(call.id) }, world.applicant());
    expect(errorOf(create)).toMatchObject({ code: 'CONFLICT', reason: 'CALL_CLOSED', field: 'callId' });
    const update = await hub.request(AdmUpdateApplicationDocument, { input: { id: draft.id, version: draft.version, givenName: 'Late' } }, who);
    expect(errorOf(update)).toMatchObject({ code: 'CONFLICT', reason: 'CALL_CLOSED' });
    const submit = await hub.request(AdmSubmitApplicationDocument, { id: draft.id, version: draft.version }, who);
    expect(errorOf(submit)).toMatchObject({ code: 'CONFLICT', reason: 'CALL_CLOSED' });
    expect(await world.read(draft.id)).toMatchObject({ status: 'DRAFT', givenName: 'Test', version: draft.version });
    expect(await countApplications(call.id)).toBe(1);
  });
});

describe('exam and score', () => {
  it('refuses an exam the call does not accept and a score outside the exam’s scale', async () => {
    const call = await world.openCall();
    const who = world.applicant();
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ examCode: 'ACT' }, { code: 'BAD_USER_INPUT', reason: 'EXAM_NOT_ACCEPTED', field: 'examCode' }],
      [{ examCode: world.exams.sat, examScore: 1601 }, { code: 'BAD_USER_INPUT', reason: 'SCORE_OUT_OF_SCALE', field: 'examScore', scaleMin: 400, scaleMax: 1600 }],
      [{ examCode: world.exams.abitur, examScore: 0.7 }, { code: 'BAD_USER_INPUT', reason: 'SCORE_OUT_OF_SCALE', field: 'examScore' }],
      [{ examCode: world.exams.yos, examScore: null }, { code: 'BAD_USER_INPUT', reason: 'EXAM_REQUIRED', field: 'examScore' }],
      [{ languageCertificate: { code: world.exams.tomer, score: 90 } }, { code: 'BAD_USER_INPUT', reason: 'CERTIFICATE_NOT_ACCEPTED', field: 'languageCertificate.code' }],
      [{ languageCertificate: { code: world.exams.toefl, score: 121 } }, { code: 'BAD_USER_INPUT', reason: 'SCORE_OUT_OF_SCALE', field: 'languageCertificate.score' }],
      [{ documents: [{ code: 'VISA', reference: 'x' }] }, { code: 'BAD_USER_INPUT', reason: 'DOCUMENT_NOT_REQUIRED', field: 'documents[0].code' }],
      [
        { documents: [{ code: 'PASSPORT', reference: 'a' }, { code: 'PASSPORT', reference: 'b' }] },
        { code: 'BAD_USER_INPUT', reason: 'DUPLICATE_DOCUMENT', field: 'documents[1].code' },
      ],
      [{ nationality: 'Germany' }, { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'nationality' }],
      [{ email: 'not-an-email' }, { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'email' }],
      [{ birthDate: '2006-02-30' }, { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'birthDate' }],
      [{ birthDate: '2999-01-01' }, { code: 'BAD_USER_INPUT', reason: 'INVALID_BIRTH_DATE', field: 'birthDate' }],
      [{ givenName: 'x'.repeat(101) }, { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'givenName' }],
      [{ documents: Array.from({ length: 21 }, (_, i) => ({ code: `DOC_${i}`, reference: 'x' })) }, { code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'documents' }],
    ];
    for (const [input, error] of cases) {
      const res = await hub.request(AdmCreateApplicationDocument, { input: world.applicationInput(call.id, input as never) }, who);
      expect({ input, error: errorOf(res) }).toMatchObject({ input, error });
    }
    expect(await countApplications(call.id)).toBe(0);
    // A valid one goes through; a second to the same call is refused.
    const created = await world.createApplication(who, call.id, { examCode: world.exams.abitur, examScore: 1.7 });
    expect(created).toMatchObject({ status: 'DRAFT', examCode: world.exams.abitur, examScore: 1.7, number: expect.stringMatching(/^2027-INT-\d{5}$/) });
    expect(errorOf(await hub.request(AdmCreateApplicationDocument, { input: world.applicationInput(call.id) }, who))).toMatchObject({
      code: 'CONFLICT',
      reason: 'DUPLICATE_APPLICATION',
      applicationId: created.id,
    });
    // Editing checks the same way and changes nothing on refusal.
    const bad = await hub.request(AdmUpdateApplicationDocument, { input: { id: created.id, version: created.version, examCode: world.exams.sat, examScore: 1700 } }, who);
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'SCORE_OUT_OF_SCALE' });
    expect(await world.read(created.id)).toMatchObject({ examCode: world.exams.abitur, examScore: 1.7, version: created.version });
  });

  it('lets only applicants apply (APPLICANTS_ONLY), and submitting needs the exam and every document', async () => {
    const call = await world.openCall();
    expect(errorOf(await hub.request(AdmCreateApplicationDocument, { input: world.applicationInput(call.id) }, world.coordinator('ENG')))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'APPLICANTS_ONLY',
    });
    expect(errorOf(await hub.request(AdmCreateApplicationDocument, { input: world.applicationInput(call.id) }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    const who = world.applicant();
    const draft = await world.createApplication(who, call.id, { examCode: null, examScore: null, documents: [{ code: 'PASSPORT', reference: 'p.pdf' }] });
    expect(errorOf(await hub.request(AdmSubmitApplicationDocument, { id: draft.id, version: draft.version }, who))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'EXAM_REQUIRED',
    });
    const withExam = ok(await hub.request(AdmUpdateApplicationDocument, { input: { id: draft.id, version: draft.version, examCode: world.exams.yos, examScore: 60 } }, who))
      .updateAdmissionApplication;
    expect(errorOf(await hub.request(AdmSubmitApplicationDocument, { id: draft.id, version: withExam.version }, who))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'DOCUMENTS_MISSING',
      missing: ['DIPLOMA'],
    });
    expect(withExam.documents.map((d) => [d.code, d.status])).toEqual([
      ['PASSPORT', 'PENDING'],
      ['DIPLOMA', 'MISSING'],
    ]);
    const stale = await hub.request(AdmUpdateApplicationDocument, { input: { id: draft.id, version: draft.version, givenName: 'Stale' } }, who);
    expect(errorOf(stale)).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
    expect((await world.read(draft.id)).status).toBe('DRAFT');
  });
});

describe('document verification checklist', () => {
  it('verifies each required document; a rejected one makes it INCOMPLETE until the applicant fixes and resubmits', async () => {
    const call = await world.openCall({ requiredDocuments: ['PASSPORT', 'DIPLOMA', 'PHOTO'] });
    const who = world.applicant();
    const docs = [
      { code: 'PASSPORT', reference: 'passport.pdf' },
      { code: 'DIPLOMA', reference: 'diploma.pdf' },
      { code: 'PHOTO', reference: 'photo.jpg' },
    ];
    let app = await world.submit(who, await world.createApplication(who, call.id, { documents: docs }));
    expect(app.status).toBe('SUBMITTED');
    expect(app.documents.map((d) => d.status)).toEqual(['PENDING', 'PENDING', 'PENDING']);
    const verify = async (code: string, decision: 'VERIFIED' | 'REJECTED', note?: string) =>
      hub.request(AdmVerifyDocumentDocument, { input: { applicationId: app.id, version: app.version, code, decision, note } }, STAFF);

    app = ok(await verify('PASSPORT', 'VERIFIED')).verifyAdmissionDocument;
    expect(app).toMatchObject({ status: 'SUBMITTED' });
    expect(app.documents[0]).toMatchObject({ code: 'PASSPORT', status: 'VERIFIED', checkedAt: expect.any(String) });

    expect(errorOf(await verify('DIPLOMA', 'REJECTED'))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NOTE_REQUIRED', field: 'note' });
    expect(errorOf(await verify('VISA', 'VERIFIED'))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'DOCUMENT_NOT_REQUIRED' });
    expect(errorOf(await hub.request(AdmVerifyDocumentDocument, { input: { applicationId: app.id, version: app.version, code: 'PHOTO', decision: 'VERIFIED' } }, world.coordinator('ENG')))).toMatchObject({
      code: 'FORBIDDEN',
    });
    app = ok(await verify('DIPLOMA', 'REJECTED', 'Not apostilled')).verifyAdmissionDocument;
    expect(app.status).toBe('INCOMPLETE');
    expect(app.documents.find((d) => d.code === 'DIPLOMA')).toMatchObject({ status: 'REJECTED', note: 'Not apostilled' });
    expect(errorOf(await verify('PHOTO', 'VERIFIED'))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_UNDER_VERIFICATION' });

    // The applicant cannot resubmit with the rejected document unchanged; replacing it resets its check, the verified one stays.
    expect(errorOf(await hub.request(AdmSubmitApplicationDocument, { id: app.id, version: app.version }, who))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'DOCUMENTS_REJECTED',
      rejected: ['DIPLOMA'],
    });
    const fixed = ok(
      await hub.request(
        AdmUpdateApplicationDocument,
        { input: { id: app.id, version: app.version, documents: [docs[0], { code: 'DIPLOMA', reference: 'diploma-apostille.pdf' }, docs[2]] } },
        who,
      ),
    ).updateAdmissionApplication;
    expect(fixed.documents.map((d) => [d.code, d.status])).toEqual([
      ['PASSPORT', 'VERIFIED'],
      ['DIPLOMA', 'PENDING'],
      ['PHOTO', 'PENDING'],
    ]);
    app = await world.submit(who, fixed);
    expect(app.status).toBe('SUBMITTED');
    app = ok(await verify('DIPLOMA', 'VERIFIED')).verifyAdmissionDocument;
    expect(app.status).toBe('SUBMITTED');
    app = ok(await verify('PHOTO', 'VERIFIED')).verifyAdmissionDocument;
    expect(app.status).toBe('DOCUMENTS_VERIFIED');
    expect(app.documents.every((d) => d.status === 'VERIFIED')).toBe(true);

    const history = (await world.read(app.id)).history.map((h) => [h.from, h.to]);
    expect(history).toEqual([
      [null, 'DRAFT'],
      ['DRAFT', 'SUBMITTED'],
      ['SUBMITTED', 'INCOMPLETE'],
      ['INCOMPLETE', 'SUBMITTED'],
      ['SUBMITTED', 'DOCUMENTS_VERIFIED'],
    ]);
    expect((await world.read(app.id)).history[2].reason).toBe('DIPLOMA: Not apostilled');

    // A verified application is no longer edited by the applicant.
    const edit = await hub.request(AdmUpdateApplicationDocument, { input: { id: app.id, version: app.version, givenName: 'Changed' } }, who);
    expect(errorOf(edit)).toMatchObject({ code: 'CONFLICT', reason: 'NOT_EDITABLE' });
    // …but may be withdrawn.
    const withdrawn = ok(await hub.request(AdmWithdrawDocument, { input: { id: app.id, version: app.version } }, who)).withdrawAdmissionApplication;
    expect(withdrawn.status).toBe('WITHDRAWN');
  });
});

describe('the demo seed', () => {
  it('holds the exam table and applicants in every state, taken through the services', async () => {
    const rows = await world.sql<{ subject: string; status: string; history: number }>(
      `select a.applicant_subject as subject, a.status, (select count(*)::int from admission_status_change h where h.application_id = a.id) as history
         from admission_application a where a.applicant_subject like 'demo-admission-applicant-%'`,
    );
    const by = new Map(rows.map((r) => [r.subject, r]));
    const expected: Record<string, string> = {
      1: 'ENROLLED',
      2: 'DECLINED',
      3: 'CONDITIONALLY_ADMITTED',
      4: 'ADMITTED',
      5: 'REJECTED',
      6: 'WAITLISTED',
      7: 'DRAFT',
      8: 'SUBMITTED',
      9: 'DOCUMENTS_VERIFIED',
      10: 'INCOMPLETE',
    };
    for (const [n, status] of Object.entries(expected)) expect({ n, status: by.get(`demo-admission-applicant-${n}`)?.status }).toEqual({ n, status });
    // Applicant 4 moved up from the waitlist when applicant 2 declined: the history shows each step.
    expect(by.get('demo-admission-applicant-4')!.history).toBeGreaterThanOrEqual(5);
    const calls = await world.sql<{ status: string }>(`select status from admission_call where programme_name->>'en' like '%International Admission' order by status`);
    expect(calls.map((c) => c.status)).toEqual(['DRAFT', 'OPEN', 'RESULTS_PUBLISHED']);
  });
});
