/**
 * Learning agreements of incoming students from the receiving side: the sending side's proposal (entered by the nominee
 * or by the office), Table A from our catalogue and Table C virtual components, the host's approval (signer) or comment,
 * superseding, history, and the ECTS warnings per semester.
 */
import { IncAnswerDocument, IncMobilityLaDocument, IncProposeDocument, type IncomingLaComponentInput } from '../generated/graphql';
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
  type Partner,
} from './intake.support';
import type { Identity } from '../support/hub';

let hub: TestHub;
let partner: Partner;
beforeAll(async () => {
  hub = await startTestHub();
  partner = await partnerWithAgreement(hub, { conditions: [{ mobilitiesPerYear: 100 }, { mobilityType: 'STT' as never, isced: [], eqf: [], languages: [], mobilitiesPerYear: 100 }] });
});
afterAll(async () => {
  await hub.close();
});

async function propose(as: Identity, m: { id: string; version: number }, components: IncomingLaComponentInput[]) {
  return hub.request(IncProposeDocument, { input: { mobilityId: m.id, version: m.version, components } }, as);
}

describe('proposals', () => {
  it('takes the nominee’s proposal: Table A from our catalogue (code, title, ECTS, semester), Table C as given', async () => {
    const { mobility, nominee } = await applied(hub, partner);
    const [a, b, both] = [await course(hub, { ects: 10 }), await course(hub, { ects: 12 }), await course(hub, { ects: 8, semester: 'BOTH' })];
    const result = ok(
      await propose(nominee, mobility, [
        { table: 'A', courseId: a.id },
        { table: 'A', courseId: b.id },
        { table: 'A', courseId: both.id },
        { table: 'C', title: 'Blended intensive programme: AI ethics', ects: 3 },
      ]),
    ).proposeIncomingLearningAgreement;
    expect(result.version).toBe(mobility.version + 1);
    const [p] = result.laProposals;
    expect(p).toMatchObject({ revision: 1, decision: 'PENDING', superseded: false, comment: null, signer: null, answeredAt: null });
    expect(p.components).toEqual([
      { table: 'A', code: a.code, title: `Course ${a.code}`, ects: 10, semester: 'FALL', course: { id: a.id, code: a.code } },
      { table: 'A', code: b.code, title: `Course ${b.code}`, ects: 12, semester: 'FALL', course: { id: b.id, code: b.code } },
      // Taught in both semesters: the stay's (fall) one.
      { table: 'A', code: both.code, title: `Course ${both.code}`, ects: 8, semester: 'FALL', course: { id: both.id, code: both.code } },
      { table: 'C', code: null, title: 'Blended intensive programme: AI ethics', ects: 3, semester: null, course: null },
    ]);
    // 30 ECTS in the fall semester of a fall stay: no warning (Table C does not count).
    expect(p.ectsWarnings).toEqual([]);
  });

  it('warns, without refusing, when Table A differs from 30 ECTS per semester, or lists a course outside the stay', async () => {
    const { mobility, nominee } = await applied(hub, partner);
    const fall = await course(hub, { ects: 6 });
    const spring = await course(hub, { ects: 5, semester: 'SPRING' });
    const [p] = ok(await propose(nominee, mobility, [{ table: 'A', courseId: fall.id }, { table: 'A', courseId: spring.id }])).proposeIncomingLearningAgreement.laProposals;
    expect(p.decision).toBe('PENDING');
    expect(p.ectsWarnings).toEqual([
      expect.objectContaining({ code: 'ECTS_TOTAL_DIFFERS', semester: 'FALL', expected: 30, actual: 6 }),
      expect.objectContaining({ code: 'OUTSIDE_TERM', semester: null, expected: null, actual: 5 }),
    ]);
    // A full-year stay expects each semester.
    const year = await applied(hub, partner, { term: 'FULL_YEAR' });
    const [q] = ok(await propose(year.nominee, year.mobility, [{ table: 'A', courseId: fall.id }])).proposeIncomingLearningAgreement.laProposals;
    expect(q.ectsWarnings.map((w) => [w.semester, w.expected, w.actual])).toEqual([
      ['FALL', 30, 6],
      ['SPRING', 30, 0],
    ]);
  });

  it('refuses bad components: a Table A line without a catalogue course or with an inactive one, a course twice, Table C without title or credits', async () => {
    const { mobility, nominee } = await claimed(hub, partner);
    const active = await course(hub);
    const inactive = await course(hub, { active: false });
    const cases: [IncomingLaComponentInput[], Record<string, unknown>][] = [
      [[{ table: 'A' }], { reason: 'INVALID_COMPONENT', field: 'components[0].courseId' }],
      [[{ table: 'A', courseId: inactive.id }], { reason: 'COURSE_NOT_OFFERED', field: 'components[0].courseId' }],
      [[{ table: 'A', courseId: active.id }, { table: 'A', courseId: active.id }], { reason: 'INVALID_COMPONENT', field: 'components[1].courseId' }],
      [[{ table: 'C', ects: 3 }], { reason: 'INVALID_COMPONENT', field: 'components[0].title' }],
      [[{ table: 'C', title: 'Virtual exchange' }], { reason: 'INVALID_COMPONENT', field: 'components[0].ects' }],
      [[{ table: 'C', title: 'Virtual exchange', ects: 0 }], { reason: 'VALIDATION_FAILED' }],
      [[], { reason: 'VALIDATION_FAILED', field: 'components' }],
    ];
    for (const [components, expected] of cases) expect({ components, error: errorOf(await propose(nominee, mobility, components)) }).toMatchObject({ components, error: expected });
    expect(ok(await hub.request(IncMobilityLaDocument, { id: mobility.id }, nominee)).incomingMobility!.laProposals).toEqual([]);
  });

  it('lets the office enter the partner’s proposal; coordinators answer but do not propose; others get NOT_FOUND', async () => {
    const { mobility } = await claimed(hub, partner);
    const c = await course(hub, { ects: 30 });
    const byOffice = ok(await propose(OFFICE, mobility, [{ table: 'A', courseId: c.id }])).proposeIncomingLearningAgreement;
    expect(byOffice.laProposals).toHaveLength(1);
    expect(errorOf(await propose(await coordinator(hub, 'ENG'), byOffice, [{ table: 'A', courseId: c.id }]))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await propose(await coordinator(hub, 'SCI'), byOffice, [{ table: 'A', courseId: c.id }]))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await propose(applicant(), byOffice, [{ table: 'A', courseId: c.id }]))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await propose(OFFICE, mobility, [{ table: 'A', courseId: c.id }]))).toMatchObject({ reason: 'VERSION_CONFLICT' });
  });

  it('is for study mobilities that are under way: not for staff visits, not once rejected', async () => {
    const c = await course(hub, { ects: 30 });
    const staff = (await nominate(hub, await nominationInput(hub, partner, { mobilityType: 'STT', studyLevel: null, iscedCode: null, languageCode: null, languageLevel: null }))).mobility;
    expect(errorOf(await propose(OFFICE, staff, [{ table: 'A', courseId: c.id }]))).toMatchObject({ code: 'CONFLICT', reason: 'LA_NOT_FOR_MOBILITY_TYPE' });
    const { mobility } = await applied(hub, partner);
    const rejected = ok(await decide(hub, mobility, 'REJECT', 'No place')).decideIncoming;
    expect(errorOf(await propose(OFFICE, rejected, [{ table: 'A', courseId: c.id }]))).toMatchObject({ code: 'CONFLICT', reason: 'LA_NOT_OPEN', status: 'REJECTED' });
  });
});

describe('answers', () => {
  it('approves with the signer’s name and position; commented needs a comment; a later proposal supersedes a pending one; answers are history', async () => {
    const { mobility, nominee } = await applied(hub, partner);
    const [c1, c2] = [await course(hub, { ects: 30 }), await course(hub, { ects: 24 })];
    let m = ok(await propose(nominee, mobility, [{ table: 'A', courseId: c1.id }])).proposeIncomingLearningAgreement;
    // A second proposal before any answer supersedes the first.
    m = ok(await propose(nominee, m, [{ table: 'A', courseId: c2.id }])).proposeIncomingLearningAgreement;
    expect(m.laProposals.map((p) => [p.revision, p.decision, p.superseded])).toEqual([
      [1, 'PENDING', true],
      [2, 'PENDING', false],
    ]);
    const eng = await coordinator(hub, 'ENG-CENG');
    const answer = (input: Record<string, unknown>, as: Identity = eng) =>
      hub.request(IncAnswerDocument, { input: { mobilityId: m.id, version: m.version, revision: 2, decision: 'APPROVED', ...input } as never }, as);
    expect(errorOf(await answer({ revision: 1, signerName: 'Prof. Ayşe Kaya', signerPosition: 'Erasmus coordinator' }))).toMatchObject({ code: 'CONFLICT', reason: 'LA_SUPERSEDED' });
    expect(errorOf(await answer({ revision: 9, signerName: 'Prof. Ayşe Kaya', signerPosition: 'Erasmus coordinator' }))).toMatchObject({ code: 'NOT_FOUND', reason: 'LA_PROPOSAL_NOT_FOUND' });
    expect(errorOf(await answer({ signerName: 'Prof. Ayşe Kaya' }))).toMatchObject({ reason: 'SIGNER_REQUIRED', field: 'signerPosition' });
    expect(errorOf(await answer({ decision: 'COMMENTED' }))).toMatchObject({ reason: 'COMMENT_REQUIRED', field: 'comment' });
    expect(errorOf(await answer({ signerName: 'X', signerPosition: 'Y' }, nominee))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await answer({ signerName: 'X', signerPosition: 'Y' }, await coordinator(hub, 'SCI')))).toMatchObject({ code: 'NOT_FOUND' });

    m = ok(await answer({ decision: 'COMMENTED', comment: 'CENG 4xx needs a prerequisite; please choose another' })).answerIncomingLearningAgreement;
    expect(m.laProposals[1]).toMatchObject({ revision: 2, decision: 'COMMENTED', comment: 'CENG 4xx needs a prerequisite; please choose another', signer: null });
    expect(m.laProposals[1].answeredAt).not.toBeNull();
    // Answered: it stays as it is.
    expect(errorOf(await answer({ version: m.version, decision: 'APPROVED', signerName: 'X', signerPosition: 'Y' }))).toMatchObject({ reason: 'LA_ALREADY_ANSWERED' });

    m = ok(await propose(nominee, m, [{ table: 'A', courseId: c1.id }, { table: 'C', title: 'Virtual lab', ects: 2 }])).proposeIncomingLearningAgreement;
    const approved = ok(
      await hub.request(
        IncAnswerDocument,
        { input: { mobilityId: m.id, version: m.version, revision: 3, decision: 'APPROVED', signerName: 'Prof. Ayşe Kaya', signerPosition: 'Erasmus coordinator' } },
        OFFICE,
      ),
    ).answerIncomingLearningAgreement;
    expect(approved.laProposals.map((p) => [p.revision, p.decision, p.superseded])).toEqual([
      [1, 'PENDING', true],
      [2, 'COMMENTED', false],
      [3, 'APPROVED', false],
    ]);
    expect(approved.laProposals[2].signer).toMatchObject({ name: 'Prof. Ayşe Kaya', position: 'Erasmus coordinator' });
    // The nominee reads the same history.
    const seen = ok(await hub.request(IncMobilityLaDocument, { id: m.id }, nominee)).incomingMobility!;
    expect(seen.laProposals.map((p) => p.decision)).toEqual(['PENDING', 'COMMENTED', 'APPROVED']);
  });
});
