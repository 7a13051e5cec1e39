/**
 * Evaluation of a closed call: converted scores with their computation, the ranking within the quota (ties, minimums,
 * conditional admission counting against the quota), the waitlist and its promotion, enrolment and its deadline.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { lapseUnenrolledAdmissions } from '../../src/modules/admissions/admission.service';
import {
  AdmCancelDocument,
  AdmCloseCallDocument,
  AdmConfirmEnrolmentDocument,
  AdmDeclineDocument,
  AdmEvaluateCallDocument,
  AdmPublishResultsDocument,
  AdmResultsDocument,
  AdmVerifyDocumentDocument,
  AdmWithdrawDocument,
} from '../generated/graphql';
import { startTestHub, type Identity, type TestHub } from '../support/hub';
import { AdmissionWorld, errorOf, HOUR, iso, ok, STAFF, type Application, type Call } from './admissions.support';

let hub: TestHub;
let world: AdmissionWorld;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new AdmissionWorld(hub).init();
});
afterAll(() => hub.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('evaluation of a call', () => {
  let call: Call;
  const people: Record<string, Identity> = {};
  const apps: Record<string, Application> = {};
  const current = async (key: string) => {
    const application = await world.read(apps[key].id);
    apps[key] = application;
    return application;
  };
  const status = async (key: string) => (await current(key)).status;

  beforeAll(async () => {
    call = await world.openCall({ quota: 3, preparationYear: true });
    const toefl = (score: number) => ({ code: world.exams.toefl, score });
    const plan: [string, Record<string, unknown>][] = [
      ['A', { examCode: world.exams.abitur, examScore: 1.3, languageCertificate: toefl(100), nationality: 'DE' }],
      ['E', { examCode: world.exams.sat, examScore: 1400, languageCertificate: toefl(100), nationality: 'US' }],
      ['F', { examCode: world.exams.yos, examScore: 83.33, languageCertificate: null, nationality: 'AZ' }],
      ['C', { examCode: world.exams.yos, examScore: 70, languageCertificate: toefl(90), nationality: 'KZ' }],
      ['D', { examCode: world.exams.yos, examScore: 70, languageCertificate: toefl(80), nationality: 'KZ' }],
      ['G', { examCode: world.exams.yos, examScore: 45, languageCertificate: toefl(100), nationality: 'EG' }],
      ['H', { examCode: world.exams.abitur, examScore: 3.3, languageCertificate: toefl(100), nationality: 'DE' }],
    ];
    for (const [key, input] of plan) {
      people[key] = world.applicant(key);
      apps[key] = await world.verifiedApplication(people[key], call.id, input as never);
      // Distinct submission times: C submits before D (the tie-break).
      await sleep(5);
    }
    // I: a document rejected and never fixed; J: submitted, not yet checked.
    people.I = world.applicant('I');
    const i = await world.submit(people.I, await world.createApplication(people.I, call.id, { nationality: 'SY' }));
    apps.I = ok(
      await hub.request(AdmVerifyDocumentDocument, { input: { applicationId: i.id, version: i.version, code: 'PASSPORT', decision: 'REJECTED', note: 'Expired' } }, STAFF),
    ).verifyAdmissionDocument;
    people.J = world.applicant('J');
    apps.J = await world.submit(people.J, await world.createApplication(people.J, call.id, { nationality: 'SN' }));
  });

  it('waits for the call to close: CALL_STILL_OPEN, CALL_NOT_CLOSED', async () => {
    expect(errorOf(await hub.request(AdmCloseCallDocument, { id: call.id, version: await world.callVersion(call.id) }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'CALL_STILL_OPEN',
    });
    expect(errorOf(await hub.request(AdmEvaluateCallDocument, { callId: call.id }, STAFF))).toMatchObject({ code: 'CONFLICT', reason: 'CALL_NOT_CLOSED' });
    expect(errorOf(await hub.request(AdmEvaluateCallDocument, { callId: call.id }, world.coordinator('ENG')))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses to run while a submitted application waits for verification, changing nothing', async () => {
    await world.close(call.id);
    const res = await hub.request(AdmEvaluateCallDocument, { callId: call.id }, STAFF);
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', reason: 'VERIFICATION_PENDING', count: 1, numbers: [apps.J.number] });
    expect(await status('A')).toBe('DOCUMENTS_VERIFIED');
    expect(await status('I')).toBe('INCOMPLETE');
    // The office cancels J's (a reason is required).
    const j = await current('J');
    expect(errorOf(await hub.request(AdmCancelDocument, { input: { id: j.id, version: j.version } }, STAFF))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'REASON_REQUIRED',
    });
    const cancelled = ok(await hub.request(AdmCancelDocument, { input: { id: j.id, version: j.version, reason: 'Duplicate of a paper application' } }, STAFF))
      .cancelAdmissionApplication;
    expect(cancelled.status).toBe('CANCELLED');
  });

  it('ranks within the quota: ties, minimums, conditional admission counting against the quota, the waitlist', async () => {
    const result = await world.evaluate(call.id);
    expect(result.changed).toBe(8);
    const outcome = async (key: string) => {
      const a = await current(key);
      return [a.status, a.rank ?? null, a.waitlistRank ?? null, a.decisionReason ?? null, a.convertedScore ?? null];
    };
    expect(await outcome('A')).toEqual(['ADMITTED', 1, null, null, 90]);
    // E (SAT 1400 → 83.333…) and F (YÖS 83.33) both show 83.33: E wins on the exact score.
    expect(await outcome('E')).toEqual(['ADMITTED', 2, null, null, 83.33]);
    // F has no language certificate: admitted conditionally with a preparation year, taking the third place.
    expect(await outcome('F')).toEqual(['CONDITIONALLY_ADMITTED', 3, null, null, 83.33]);
    // C and D tie on 70: C submitted first.
    expect(await outcome('C')).toEqual(['WAITLISTED', 4, 1, null, 70]);
    expect(await outcome('D')).toEqual(['WAITLISTED', 5, 2, null, 70]);
    expect(await outcome('G')).toEqual(['REJECTED', null, null, 'BELOW_MINIMUM', 45]);
    // Abitur 3.3 is worse than the minimum 3.0 (lower is better).
    expect(await outcome('H')).toEqual(['REJECTED', null, null, 'BELOW_MINIMUM', 23.33]);
    expect(await outcome('I')).toEqual(['REJECTED', null, null, 'DOCUMENTS_INCOMPLETE', null]);

    // The computation is visible.
    expect(apps.E.scoreComputation).toMatchObject({
      examCode: world.exams.sat,
      rawScore: 1400,
      scaleMin: 400,
      scaleMax: 1600,
      higherIsBetter: true,
      method: 'LINEAR',
      convertedScore: 83.33,
      minimumScore: 1000,
      meetsMinimum: true,
    });
    expect(apps.E.scoreComputation!.exactScore).toBeCloseTo(83.3333333, 5);
    expect(apps.H.scoreComputation).toMatchObject({ rawScore: 3.3, higherIsBetter: false, minimumScore: 3, meetsMinimum: false });
    expect(apps.F.languageProficient).toBe(false);
    const history = (await world.read(apps.G.id)).history;
    expect(history[history.length - 1]).toMatchObject({ from: 'DOCUMENTS_VERIFIED', to: 'REJECTED', reason: expect.stringContaining('below the minimum') });
  });

  it('is idempotent before the results are published, and follows a changed quota', async () => {
    const before = await world.sql<{ id: string; version: number; status: string }>(`select id, version, status from admission_application where call_id = (select call_id from admission_application where number = ?) order by number`, [apps.A.number]);
    const historyBefore = (await world.sql<{ n: number }>(`select count(*)::int as n from admission_status_change`))[0].n;
    const again = await world.evaluate(call.id);
    expect(again.changed).toBe(0);
    const after = await world.sql<{ id: string; version: number; status: string }>(`select id, version, status from admission_application where call_id = (select call_id from admission_application where number = ?) order by number`, [apps.A.number]);
    expect(after).toEqual(before);
    expect((await world.sql<{ n: number }>(`select count(*)::int as n from admission_status_change`))[0].n).toBe(historyBefore);

    // With two places F (conditional) moves to the waitlist ahead of C and D; back to three, everything is as it was.
    ok(await world.updateCall(call.id, { quota: 2 }));
    expect((await world.evaluate(call.id)).changed).toBe(1);
    expect([await status('F'), (await current('F')).waitlistRank, (await current('C')).waitlistRank, (await current('D')).waitlistRank]).toEqual(['WAITLISTED', 1, 2, 3]);
    ok(await world.updateCall(call.id, { quota: 3 }));
    expect((await world.evaluate(call.id)).changed).toBe(1);
    expect(await status('F')).toBe('CONDITIONALLY_ADMITTED');
    expect((await current('C')).waitlistRank).toBe(1);
  });

  it('keeps declines and enrolment for after publication (RESULTS_NOT_PUBLISHED)', async () => {
    const a = await current('A');
    expect(errorOf(await hub.request(AdmDeclineDocument, { input: { id: a.id, version: a.version } }, people.A))).toMatchObject({
      code: 'CONFLICT',
      reason: 'RESULTS_NOT_PUBLISHED',
    });
    expect(errorOf(await hub.request(AdmConfirmEnrolmentDocument, { id: a.id, version: a.version }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'RESULTS_NOT_PUBLISHED',
    });
    expect(errorOf(await hub.request(AdmResultsDocument, { callId: call.id }))).toMatchObject({ code: 'CONFLICT', reason: 'RESULTS_NOT_PUBLISHED' });
  });

  it('publishes the results: public anonymised list; no more evaluation or quota change', async () => {
    const published = await world.publishResults(call.id);
    expect(published).toMatchObject({ status: 'RESULTS_PUBLISHED', resultsPublishedAt: expect.any(String) });
    const results = ok(await hub.request(AdmResultsDocument, { callId: call.id })).admissionResults;
    expect(results.slice(0, 5).map((r) => [r.number, r.status, r.rank, r.waitlistRank])).toEqual([
      [apps.A.number, 'ADMITTED', 1, null],
      [apps.E.number, 'ADMITTED', 2, null],
      [apps.F.number, 'CONDITIONALLY_ADMITTED', 3, null],
      [apps.C.number, 'WAITLISTED', 4, 1],
      [apps.D.number, 'WAITLISTED', 5, 2],
    ]);
    expect(results.map((r) => r.status).slice(5).sort()).toEqual(['REJECTED', 'REJECTED', 'REJECTED']);
    expect(JSON.stringify(results)).not.toContain('Test');
    expect(errorOf(await hub.request(AdmEvaluateCallDocument, { callId: call.id }, STAFF))).toMatchObject({ code: 'CONFLICT', reason: 'RESULTS_PUBLISHED' });
    expect(errorOf(await world.updateCall(call.id, { quota: 5 }))).toMatchObject({ code: 'CONFLICT', reason: 'RESULTS_PUBLISHED', field: 'quota' });
    expect(errorOf(await hub.request(AdmPublishResultsDocument, { id: call.id, version: published.version }, STAFF))).toMatchObject({ reason: 'INVALID_CALL_TRANSITION' });
  });

  it('promotes the first on the waitlist when an admitted applicant declines', async () => {
    const e = await current('E');
    const declined = ok(await hub.request(AdmDeclineDocument, { input: { id: e.id, version: e.version, reason: 'Chose another university' } }, people.E))
      .declineAdmission;
    expect(declined.status).toBe('DECLINED');
    expect(await status('C')).toBe('ADMITTED');
    expect(await status('D')).toBe('WAITLISTED');
    const history = (await world.read(apps.C.id)).history;
    expect(history[history.length - 1]).toMatchObject({ from: 'WAITLISTED', to: 'ADMITTED', reason: expect.stringContaining('waitlist (position 1)') });
    // Someone else's decline is NOT_FOUND; a rejected applicant cannot decline.
    const a = await current('A');
    expect(errorOf(await hub.request(AdmDeclineDocument, { input: { id: a.id, version: a.version } }, people.E))).toMatchObject({ code: 'NOT_FOUND' });
    const g = await current('G');
    expect(errorOf(await hub.request(AdmDeclineDocument, { input: { id: g.id, version: g.version } }, people.G))).toMatchObject({
      code: 'CONFLICT',
      reason: 'INVALID_TRANSITION',
    });
    // A conditional admission withdrawn frees its place too: D moves up.
    const f = await current('F');
    ok(await hub.request(AdmWithdrawDocument, { input: { id: f.id, version: f.version } }, people.F));
    expect(await status('D')).toBe('ADMITTED');
  });

  it('confirms enrolment before the enrolment deadline, not after; the deadline job declines who did not enrol', async () => {
    const a = await current('A');
    const enrolled = ok(await hub.request(AdmConfirmEnrolmentDocument, { id: a.id, version: a.version }, STAFF)).confirmAdmissionEnrolment;
    expect(enrolled.status).toBe('ENROLLED');
    expect(errorOf(await hub.request(AdmConfirmEnrolmentDocument, { id: a.id, version: enrolled.version }, STAFF))).toMatchObject({ reason: 'INVALID_TRANSITION' });
    const g = await current('G');
    expect(errorOf(await hub.request(AdmConfirmEnrolmentDocument, { id: g.id, version: g.version }, STAFF))).toMatchObject({ reason: 'INVALID_TRANSITION' });

    ok(await world.updateCall(call.id, { enrolmentDeadline: iso(-1000) }));
    const c = await current('C');
    expect(errorOf(await hub.request(AdmConfirmEnrolmentDocument, { id: c.id, version: c.version }, STAFF))).toMatchObject({
      code: 'CONFLICT',
      reason: 'ENROLMENT_DEADLINE_PASSED',
    });
    expect(await status('C')).toBe('ADMITTED');

    // The daily job (run here directly): C and D did not enrol.
    await lapseUnenrolledAdmissions(hub.hub.orm.em.fork() as EntityManager);
    expect(await status('C')).toBe('DECLINED');
    expect(await status('D')).toBe('DECLINED');
    expect(await status('A')).toBe('ENROLLED');
    const history = (await world.read(apps.C.id)).history;
    expect(history[history.length - 1]).toMatchObject({ from: 'ADMITTED', to: 'DECLINED', reason: expect.stringContaining('Not enrolled by the enrolment deadline') });
  });
});

describe('a call without a preparation year', () => {
  it('rejects applicants without language proficiency, and a decline after the deadline promotes no one', async () => {
    const call = await world.openCall({ quota: 1, preparationYear: false, enrolmentDeadline: iso(2 * HOUR) });
    const first = world.applicant();
    const second = world.applicant();
    const noLanguage = world.applicant();
    const a = await world.verifiedApplication(first, call.id, { examScore: 90 });
    const b = await world.verifiedApplication(second, call.id, { examScore: 80 });
    const c = await world.verifiedApplication(noLanguage, call.id, { examScore: 99, languageCertificate: { code: world.exams.toefl, score: 60 } });
    await world.close(call.id);
    await world.evaluate(call.id);
    expect((await world.read(c.id))).toMatchObject({ status: 'REJECTED', decisionReason: 'LANGUAGE_PROFICIENCY_MISSING', languageProficient: false });
    expect((await world.read(a.id)).status).toBe('ADMITTED');
    expect((await world.read(b.id))).toMatchObject({ status: 'WAITLISTED', waitlistRank: 1 });
    await world.publishResults(call.id);
    ok(await world.updateCall(call.id, { enrolmentDeadline: iso(-1000) }));
    const current = await world.read(a.id);
    ok(await hub.request(AdmDeclineDocument, { input: { id: current.id, version: current.version } }, first));
    expect((await world.read(b.id)).status).toBe('WAITLISTED');
    // A later deadline set by the office gives the freed place to the waitlist.
    ok(await world.updateCall(call.id, { enrolmentDeadline: iso(HOUR) }));
    expect((await world.read(b.id)).status).toBe('ADMITTED');
  });
});
