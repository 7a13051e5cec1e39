/**
 * The nominee's application on the hub (personal data, documents, courses of our catalogue, accommodation, dates),
 * its submission by the application deadline, the host's decisions (accept, reject, request information), the office's
 * acknowledgement of a nomination's issues, withdrawal and cancellation, and the acceptance letter.
 */
import {
  IncAcknowledgeDocument,
  IncCancelDocument,
  IncLetterDocument,
  IncSetDeadlineDocument,
  IncSubmitDocument,
  IncUpdateApplicationDocument,
  IncWithdrawDocument,
} from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';
import {
  applicant,
  applied,
  claimed,
  coordinator,
  course,
  decide,
  errorOf,
  nominate,
  nominationInput,
  OFFICE,
  ok,
  partnerWithAgreement,
  read,
  YEAR,
  type Partner,
} from './intake.support';

let hub: TestHub;
let partner: Partner;
beforeAll(async () => {
  hub = await startTestHub();
  partner = await partnerWithAgreement(hub, { conditions: [{ mobilitiesPerYear: 100 }, { mobilityType: 'STA' as never, isced: [], eqf: [], languages: [], mobilitiesPerYear: 100 }] });
});
afterAll(async () => {
  await hub.close();
});

describe('the application', () => {
  it('lets the nominee correct personal data, add documents, choose active courses, ask for accommodation and give dates', async () => {
    const { mobility, nominee } = await claimed(hub, partner);
    const [c1, c2] = [await course(hub), await course(hub, { semester: 'BOTH' })];
    const updated = ok(
      await hub.request(
        IncUpdateApplicationDocument,
        {
          input: {
            id: mobility.id,
            version: mobility.version,
            givenNames: 'Lena Marie',
            birthDate: '2004-03-15',
            citizenships: ['DE', 'TR'],
            documents: [
              { code: 'TRANSCRIPT', reference: 'https://files.example.de/t.pdf' },
              { code: 'LANGUAGE_CERTIFICATE', reference: 'ielts-2030.pdf' },
            ],
            courseIds: [c1.id, c2.id],
            accommodationRequested: true,
            accommodationNote: 'A single room if possible',
            plannedArrival: '2030-09-20',
            plannedDeparture: '2031-01-31',
            arrivalNote: 'Flight TK1724, lands 14:05',
          },
        },
        nominee,
      ),
    ).updateIncomingApplication;
    expect(updated).toMatchObject({
      status: 'NOMINATED',
      version: mobility.version + 1,
      nominee: { givenNames: 'Lena Marie', birthDate: '2004-03-15', citizenships: ['DE', 'TR'] },
      application: {
        submittedAt: null,
        documents: [
          { code: 'TRANSCRIPT', reference: 'https://files.example.de/t.pdf' },
          { code: 'LANGUAGE_CERTIFICATE', reference: 'ielts-2030.pdf' },
        ],
        accommodationRequested: true,
        accommodationNote: 'A single room if possible',
        plannedArrival: '2030-09-20',
        plannedDeparture: '2031-01-31',
        arrivalNote: 'Flight TK1724, lands 14:05',
      },
    });
    expect(updated.courses.map((c) => [c.course.code, c.status]).sort()).toEqual([[c1.code, 'CHOSEN'], [c2.code, 'CHOSEN']].sort());

    // Replacing the choice keeps what stays and drops the rest.
    const c3 = await course(hub, { semester: 'SPRING' });
    const again = ok(await hub.request(IncUpdateApplicationDocument, { input: { id: updated.id, version: updated.version, courseIds: [c2.id, c3.id] } }, nominee)).updateIncomingApplication;
    expect(again.courses.map((c) => c.course.code).sort()).toEqual([c2.code, c3.code].sort());
    expect(again.application.documents).toHaveLength(2);
  });

  it('refuses inactive or unknown courses, a course twice, departure before arrival, and a stale version; nothing is changed', async () => {
    const { mobility, nominee } = await claimed(hub, partner);
    const inactive = await course(hub, { active: false });
    const active = await course(hub);
    const attempt = (input: Record<string, unknown>) => hub.request(IncUpdateApplicationDocument, { input: { id: mobility.id, version: mobility.version, ...input } }, nominee);
    expect(errorOf(await attempt({ courseIds: [active.id, inactive.id] }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'COURSE_NOT_OFFERED', field: 'courseIds[1]' });
    expect(errorOf(await attempt({ courseIds: [active.id, active.id] }))).toMatchObject({ reason: 'DUPLICATE_COURSE', field: 'courseIds[1]' });
    expect(errorOf(await attempt({ plannedArrival: '2031-02-01', plannedDeparture: '2031-01-31' }))).toMatchObject({ reason: 'INVALID_DATES', field: 'plannedDeparture' });
    expect(errorOf(await attempt({ version: mobility.version + 5, givenNames: 'X' }))).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
    const now = await read(hub, mobility.id, nominee);
    expect(now).toMatchObject({ version: mobility.version, courses: [], nominee: { givenNames: 'Lena' }, application: { plannedArrival: null } });
  });

  it('is the nominee’s alone: the host may not edit it, others cannot see it', async () => {
    const { mobility } = await claimed(hub, partner);
    const input = { id: mobility.id, version: mobility.version, givenNames: 'Someone' };
    expect(errorOf(await hub.request(IncUpdateApplicationDocument, { input }, OFFICE))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(IncUpdateApplicationDocument, { input }, await coordinator(hub, 'ENG-CENG')))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(IncUpdateApplicationDocument, { input }, applicant()))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await hub.request(IncUpdateApplicationDocument, { input }, await coordinator(hub, 'SCI')))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('is submitted once complete (dates; courses for study), and not edited afterwards', async () => {
    const { mobility, nominee } = await claimed(hub, partner);
    expect(errorOf(await hub.request(IncSubmitDocument, { id: mobility.id, version: mobility.version }, nominee))).toMatchObject({
      reason: 'APPLICATION_INCOMPLETE',
      field: 'plannedArrival',
    });
    const dated = ok(
      await hub.request(IncUpdateApplicationDocument, { input: { id: mobility.id, version: mobility.version, plannedArrival: '2030-09-20', plannedDeparture: '2031-01-31' } }, nominee),
    ).updateIncomingApplication;
    expect(errorOf(await hub.request(IncSubmitDocument, { id: dated.id, version: dated.version }, nominee))).toMatchObject({ reason: 'APPLICATION_INCOMPLETE', field: 'courseIds' });
    const c = await course(hub);
    const withCourse = ok(await hub.request(IncUpdateApplicationDocument, { input: { id: dated.id, version: dated.version, courseIds: [c.id] } }, nominee)).updateIncomingApplication;
    const submitted = ok(await hub.request(IncSubmitDocument, { id: withCourse.id, version: withCourse.version }, nominee)).submitIncomingApplication;
    expect(submitted.status).toBe('APPLIED');
    expect(submitted.application.submittedAt).not.toBeNull();
    expect(submitted.history.map((h) => [h.from, h.to])).toEqual([
      [null, 'NOMINATED'],
      ['NOMINATED', 'APPLIED'],
    ]);
    const late = await hub.request(IncUpdateApplicationDocument, { input: { id: submitted.id, version: submitted.version, arrivalNote: 'changed' } }, nominee);
    expect(errorOf(late)).toMatchObject({ code: 'CONFLICT', reason: 'APPLICATION_NOT_EDITABLE', status: 'APPLIED' });
    expect(errorOf(await hub.request(IncSubmitDocument, { id: submitted.id, version: submitted.version }, nominee))).toMatchObject({ reason: 'APPLICATION_NOT_EDITABLE' });
  });

  it('is refused after the application deadline, but an answer to a request for information is taken', async () => {
    const year = '2032/2033';
    ok(await hub.request(IncSetDeadlineDocument, { input: { academicYear: year, term: 'SPRING', nominationDeadline: '2099-01-01', applicationDeadline: '2099-02-01' } }, OFFICE));
    const early = await applied(hub, partner, { academicYear: year, term: 'SPRING' });
    const { mobility, nominee } = await claimed(hub, partner, { academicYear: year, term: 'SPRING' });
    const c = await course(hub);
    const ready = ok(
      await hub.request(IncUpdateApplicationDocument, { input: { id: mobility.id, version: mobility.version, plannedArrival: '2033-02-10', plannedDeparture: '2033-06-30', courseIds: [c.id] } }, nominee),
    ).updateIncomingApplication;
    // The office closes applications: the deadline has passed (set in the past).
    const deadlines = ok(await hub.request(IncSetDeadlineDocument, { input: { academicYear: year, term: 'SPRING', nominationDeadline: '2020-01-01', applicationDeadline: '2020-02-01' } }, OFFICE));
    expect(deadlines.setIncomingDeadline.applicationDeadline).toBe('2020-02-01');
    expect(errorOf(await hub.request(IncSubmitDocument, { id: ready.id, version: ready.version }, nominee))).toMatchObject({
      code: 'CONFLICT',
      reason: 'APPLICATION_DEADLINE_PASSED',
      deadline: '2020-02-01',
    });
    // The one submitted in time gets a request for information and may answer it.
    const asked = ok(await decide(hub, early.mobility, 'REQUEST_INFO', 'Please send the transcript of records')).decideIncoming;
    const answered = ok(
      await hub.request(IncUpdateApplicationDocument, { input: { id: asked.id, version: asked.version, documents: [{ code: 'TRANSCRIPT', reference: 'tor.pdf' }] } }, early.nominee),
    ).updateIncomingApplication;
    expect(ok(await hub.request(IncSubmitDocument, { id: answered.id, version: answered.version }, early.nominee)).submitIncomingApplication.status).toBe('APPLIED');
  });
});

describe('decisions', () => {
  it('lets the office accept an application: decided at and by, allowed steps follow', async () => {
    const { mobility } = await applied(hub, partner);
    const accepted = ok(await decide(hub, mobility, 'ACCEPT')).decideIncoming;
    expect(accepted).toMatchObject({ status: 'ACCEPTED', decision: { decidedBy: OFFICE.sub, note: null } });
    expect(accepted.decision.decidedAt).not.toBeNull();
    expect(accepted.allowedSteps.sort()).toEqual(['ARRIVED', 'CANCELLED', 'WITHDRAWN']);
  });

  it('lets a coordinator of the host unit (or a unit above) decide; another unit’s coordinator gets NOT_FOUND', async () => {
    const first = await applied(hub, partner);
    expect(errorOf(await decide(hub, first.mobility, 'ACCEPT', undefined, await coordinator(hub, 'SCI')))).toMatchObject({ code: 'NOT_FOUND' });
    const byFaculty = ok(await decide(hub, first.mobility, 'ACCEPT', undefined, await coordinator(hub, 'ENG'))).decideIncoming;
    expect(byFaculty.status).toBe('ACCEPTED');
    const second = await applied(hub, partner);
    expect(ok(await decide(hub, second.mobility, 'REJECT', 'No places in the courses chosen', await coordinator(hub, 'ENG-CENG'))).decideIncoming.status).toBe('REJECTED');
    // The nominee cannot decide their own.
    const third = await applied(hub, partner);
    expect(errorOf(await decide(hub, third.mobility, 'ACCEPT', undefined, third.nominee))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('requires a reason to reject and a note to request information; the nominee sees them', async () => {
    const { mobility, nominee } = await applied(hub, partner);
    expect(errorOf(await decide(hub, mobility, 'REJECT'))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'NOTE_REQUIRED', field: 'note' });
    expect(errorOf(await decide(hub, mobility, 'REQUEST_INFO', '   '))).toMatchObject({ reason: 'NOTE_REQUIRED' });
    const asked = ok(await decide(hub, mobility, 'REQUEST_INFO', 'A language certificate of at least B2')).decideIncoming;
    expect(asked).toMatchObject({ status: 'INFO_REQUESTED', decision: { note: 'A language certificate of at least B2' } });
    const seen = await read(hub, mobility.id, nominee);
    expect(seen.history.at(-1)).toEqual({ from: 'APPLIED', to: 'INFO_REQUESTED', actor: 'office', reason: 'A language certificate of at least B2' });
    const rejected = ok(await decide(hub, asked, 'REJECT', 'The certificate did not come')).decideIncoming;
    // Rejected is final for the host; only the office's cancellation remains.
    expect(rejected).toMatchObject({ status: 'REJECTED', decision: { note: 'The certificate did not come' }, allowedSteps: ['CANCELLED'] });
    expect((await read(hub, mobility.id, nominee)).decision).toMatchObject({ note: 'The certificate did not come', decidedBy: 'office' });
  });

  it('accepts students only on their application, staff visits also straight from the nomination', async () => {
    const { mobility } = await claimed(hub, partner);
    expect(errorOf(await decide(hub, mobility, 'ACCEPT'))).toMatchObject({ code: 'CONFLICT', reason: 'APPLICATION_REQUIRED' });
    expect((await read(hub, mobility.id)).allowedSteps).not.toContain('ACCEPTED');
    const staff = (await nominate(hub, await nominationInput(hub, partner, { mobilityType: 'STA', studyLevel: null, iscedCode: null, languageCode: null, languageLevel: null }))).mobility;
    expect(staff.nominationIssues).toEqual([]);
    expect(staff.allowedSteps).toContain('ACCEPTED');
    expect(ok(await decide(hub, staff, 'ACCEPT')).decideIncoming.status).toBe('ACCEPTED');
  });

  it('does not accept a flagged nomination until the office acknowledges its issues with a note', async () => {
    const { mobility, nominee } = await applied(hub, partner, { languageLevel: 'B1' });
    expect((await read(hub, mobility.id)).nominationIssues!.map((i) => i.code)).toEqual(['LANGUAGE_LEVEL_BELOW']);
    expect(errorOf(await decide(hub, mobility, 'ACCEPT'))).toMatchObject({ code: 'CONFLICT', reason: 'NOMINATION_ISSUES_UNACKNOWLEDGED', codes: ['LANGUAGE_LEVEL_BELOW'] });
    // Only the office acknowledges, and says why.
    const eng = await coordinator(hub, 'ENG');
    expect(errorOf(await hub.request(IncAcknowledgeDocument, { id: mobility.id, version: mobility.version, note: 'ok' }, eng))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(IncAcknowledgeDocument, { id: mobility.id, version: mobility.version, note: ' ' }, OFFICE))).toMatchObject({ reason: 'REASON_REQUIRED' });
    const acknowledged = ok(
      await hub.request(IncAcknowledgeDocument, { id: mobility.id, version: mobility.version, note: 'B2 certificate promised by the partner' }, OFFICE),
    ).acknowledgeIncomingNominationIssues;
    expect(acknowledged.issuesAcknowledged).toMatchObject({ by: OFFICE.sub, note: 'B2 certificate promised by the partner' });
    // The nominee sees neither the issues nor the acknowledgement.
    expect(await read(hub, mobility.id, nominee)).toMatchObject({ nominationIssues: null, issuesAcknowledged: null });
    expect(ok(await decide(hub, acknowledged, 'ACCEPT', undefined, eng)).decideIncoming.status).toBe('ACCEPTED');

    const clean = await applied(hub, partner);
    expect(errorOf(await hub.request(IncAcknowledgeDocument, { id: clean.mobility.id, version: clean.mobility.version, note: 'n/a' }, OFFICE))).toMatchObject({
      reason: 'NO_NOMINATION_ISSUES',
    });
  });

  it('refuses a step the status does not allow, with the allowed steps', async () => {
    const { mobility } = await applied(hub, partner);
    const rejected = ok(await decide(hub, mobility, 'REJECT', 'Quota used by earlier nominees')).decideIncoming;
    expect(errorOf(await decide(hub, rejected, 'ACCEPT'))).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'REJECTED', to: 'ACCEPTED', allowed: ['CANCELLED'] });
    expect(errorOf(await decide(hub, mobility, 'ACCEPT'))).toMatchObject({ reason: 'VERSION_CONFLICT' });
  });
});

describe('withdrawal and cancellation', () => {
  it('lets the nominee withdraw, the host only with a reason, and only the office cancel', async () => {
    const own = await applied(hub, partner);
    const withdrawn = ok(await hub.request(IncWithdrawDocument, { id: own.mobility.id, version: own.mobility.version }, own.nominee)).withdrawIncoming;
    expect(withdrawn).toMatchObject({ status: 'WITHDRAWN', allowedSteps: [] });

    const byHost = await applied(hub, partner);
    const eng = await coordinator(hub, 'ENG');
    expect(errorOf(await hub.request(IncWithdrawDocument, { id: byHost.mobility.id, version: byHost.mobility.version }, eng))).toMatchObject({ reason: 'REASON_REQUIRED' });
    const hostWithdrawn = ok(
      await hub.request(IncWithdrawDocument, { id: byHost.mobility.id, version: byHost.mobility.version, reason: 'The partner wrote that the student withdrew' }, eng),
    ).withdrawIncoming;
    expect(hostWithdrawn.history.at(-1)).toMatchObject({ to: 'WITHDRAWN', reason: 'The partner wrote that the student withdrew' });

    const toCancel = await applied(hub, partner);
    expect(errorOf(await hub.request(IncCancelDocument, { id: toCancel.mobility.id, version: toCancel.mobility.version, reason: 'x' }, eng))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(IncCancelDocument, { id: toCancel.mobility.id, version: toCancel.mobility.version, reason: 'x' }, toCancel.nominee))).toMatchObject({
      code: 'FORBIDDEN',
    });
    const cancelled = ok(await hub.request(IncCancelDocument, { id: toCancel.mobility.id, version: toCancel.mobility.version, reason: 'Duplicate of 2030-IN-SMS-0001' }, OFFICE))
      .cancelIncoming;
    expect(cancelled.status).toBe('CANCELLED');
  });
});

describe('the acceptance letter', () => {
  it('is there for the nominee and the host once accepted, with the mobility’s facts; null for others', async () => {
    const { mobility, nominee } = await applied(hub, partner, { term: 'FALL' });
    expect(errorOf(await hub.request(IncLetterDocument, { id: mobility.id }, nominee))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_ACCEPTED', status: 'APPLIED' });
    const accepted = ok(await decide(hub, mobility, 'ACCEPT')).decideIncoming;

    const letter = ok(await hub.request(IncLetterDocument, { id: mobility.id }, nominee)).incomingAcceptanceLetter!;
    expect(letter).toMatchObject({
      number: mobility.number,
      nomineeName: `Lena ${accepted.nominee.familyName}`,
      birthDate: '2004-03-14',
      hostUnit: 'Bilgisayar Mühendisliği Bölümü',
      sendingInstitution: expect.stringContaining('University'),
      sendingInstitutionErasmusCode: partner.erasmus,
      sendingUnitName: 'Fakultät für Informatik',
      mobilityType: 'SMS',
      academicYear: YEAR,
      term: 'FALL',
      plannedArrival: '2030-09-20',
      plannedDeparture: '2031-01-31',
      decidedBy: 'International Relations Office',
    });
    expect(letter.hostInstitution).toMatch(/Örnek/);
    expect(Date.parse(letter.decidedAt)).toBe(Date.parse(accepted.decision.decidedAt!));
    expect(ok(await hub.request(IncLetterDocument, { id: mobility.id }, await coordinator(hub, 'ENG'))).incomingAcceptanceLetter).toMatchObject({ decidedBy: OFFICE.sub });
    expect(ok(await hub.request(IncLetterDocument, { id: mobility.id }, await coordinator(hub, 'SCI'))).incomingAcceptanceLetter).toBeNull();
    expect(ok(await hub.request(IncLetterDocument, { id: mobility.id }, applicant())).incomingAcceptanceLetter).toBeNull();
    expect(ok(await hub.request(IncLetterDocument, { id: mobility.id })).incomingAcceptanceLetter).toBeNull();
  });
});
