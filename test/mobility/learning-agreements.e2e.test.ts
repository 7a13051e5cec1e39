/**
 * Learning agreements through the running hub: the first version and its approval by the student, the sending and the
 * receiving institution; change proposals with EWP reason codes (a new one supersedes the pending one; approved versions
 * stay in the history); rejections; ECTS totals and warnings; who may do what, per role; the EWP omobility-las export
 * validated against the official schema; and reads whose statement count does not grow with the number of mobilities.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { agreedComponents } from '../../src/modules/mobility/learning-agreement.service';
import { validateAgainstXsd } from '../../src/modules/agreements/ewp/xsd-validate';
import { childElements, firstChild, childText, parseXml, plainAttribute, type XmlElement } from '../../src/modules/agreements/ewp/xml-tree';
import {
  LaAddContactDocument,
  LaApplicationsWithAgreementsDocument,
  LaEwpXmlDocument,
  LaHistoryDocument,
  LaHomeCoursesDocument,
  LaImportHomeCoursesDocument,
  LaInstitutionDocument,
  LaNodeDocument,
  LaOfApplicationDocument,
  LaProposeChangeDocument,
  LaProposeDocument,
  LaRejectDocument,
  LaSignDocument,
  LaUpdateInstitutionDocument,
  type LaComponentInput,
  type LaDeleteInput,
  type LaFieldsFragment,
  type LaInsertInput,
  type LaParty,
} from '../generated/graphql';
import { startTestHub, type GraphQLResponse, type Identity, type TestHub } from '../support/hub';
import { errorOf, MobilityWorld, ok, STAFF, uuidOf, type Application } from './mobility.support';

let hub: TestHub;
let world: MobilityWorld;
/** Home catalogue course ids by code; CENG 999 is in the catalogue no longer (inactive). */
const course = new Map<string, string>();

const LAS_XSD = 'omobility-las-get-response.xsd';

const CATALOGUE = [
  'code,title_tr,title_en,ects,unit,language,semester,isced',
  'CENG 301,Veritabanı Yönetim Sistemleri,Database Management Systems,6,ENG-CENG,en,FALL,0612',
  'CENG 435,Veri İletişimi ve Ağlar,Data Communications and Networking,6,ENG-CENG,en,FALL,0612',
  'CENG 462,Yapay Zekâ,Artificial Intelligence,6,ENG-CENG,en,SPRING,0613',
  'CENG 999,Eski Ders,Retired Course,6,ENG-CENG,tr,FALL,0613',
];

/**
 * One autumn semester (term 1 of 2) at the host: Table A 6 + 8 + 6 + 4 + 6 = 30 ECTS; Table B recognises
 * 6 + 6 + 6 + 12 = 30 ECTS at home (three catalogue courses and a technical elective).
 */
function firstVersion(): LaComponentInput[] {
  const a = (code: string, title: string, ects: number): LaComponentInput => ({ table: 'A', code, title, termNumber: 1, totalTerms: 2, ects });
  return [
    a('IN2010', 'Distributed Systems', 6),
    a('IN2064', 'Machine Learning', 8),
    a('IN2124', 'Computer Vision', 6),
    a('SZ0410', 'German A1', 4),
    a('IN2030', 'Information Retrieval', 6),
    { table: 'B', homeCourseId: course.get('CENG 301'), termNumber: 1, totalTerms: 2, ects: 6 },
    { table: 'B', homeCourseId: course.get('CENG 435'), termNumber: 1, totalTerms: 2, ects: 6 },
    { table: 'B', homeCourseId: course.get('CENG 462'), termNumber: 1, totalTerms: 2, ects: 6, note: 'Recognised if Machine Learning is passed' },
    { table: 'B', code: 'TE 400', title: 'Technical elective', termNumber: 1, totalTerms: 2, ects: 12 },
  ];
}

type La = LaFieldsFragment;
type Mobility = { who: Identity; application: Application; partner: { id: string; name: string; country: string } };

async function mobility(opts: Parameters<MobilityWorld['acceptedMobility']>[0] = {}): Promise<Mobility> {
  return world.acceptedMobility({ isced: '0613', ...opts });
}

async function propose(who: Identity, applicationId: string, components = firstVersion(), extra: { version?: number } = {}) {
  return hub.request(LaProposeDocument, { input: { applicationId, studentLanguage: 'en', studentCefrLevel: 'B2', components, ...extra } }, who);
}

const SIGNERS: Record<LaParty, { signerName?: string; signerPosition?: string; signerEmail?: string; signerApp?: string }> = {
  STUDENT: {},
  SENDING: { signerName: 'Ayşe Nur Yılmaz', signerPosition: 'Erasmus departmental coordinator', signerEmail: 'ayse.yilmaz@ornek.edu.tr' },
  RECEIVING: { signerName: 'Jonas Weber', signerPosition: 'Mobility coordinator', signerEmail: 'j.weber@partner.example.de', signerApp: 'Partner EWP node' },
};

async function sign(who: Identity, la: { id: string }, versionNumber: number, party: LaParty) {
  return hub.request(LaSignDocument, { input: { learningAgreementId: la.id, versionNumber, party, ...SIGNERS[party] } }, who);
}

/** The student, the office for the sending side, the office recording the partner's approval. */
async function signAll(m: Mobility, la: { id: string }, versionNumber: number): Promise<La> {
  ok(await sign(m.who, la, versionNumber, 'STUDENT'));
  ok(await sign(STAFF, la, versionNumber, 'SENDING'));
  return ok(await sign(STAFF, la, versionNumber, 'RECEIVING')).signLearningAgreement;
}

/** A mobility whose first version is approved. */
async function approvedMobility(opts: Parameters<MobilityWorld['acceptedMobility']>[0] = {}): Promise<{ m: Mobility; la: La }> {
  const m = await mobility(opts);
  const la = ok(await propose(m.who, m.application.id)).proposeLearningAgreement;
  return { m, la: await signAll(m, la, 1) };
}

async function change(who: Identity, la: La, insert: LaInsertInput[], remove: LaDeleteInput[]) {
  return hub.request(LaProposeChangeDocument, { input: { learningAgreementId: la.id, version: la.version, insert, delete: remove } }, who);
}

/** As the office unless someone else is named (null: a visitor without a token). */
async function read(applicationId: string, who: Identity | null = STAFF): Promise<La | null> {
  return ok(await hub.request(LaOfApplicationDocument, { id: applicationId }, who ?? undefined)).mobilityApplication?.learningAgreement ?? null;
}

const componentId = (la: La, code: string) => la.approved!.components.find((c) => c.code === code)!.id;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new MobilityWorld(hub).init();
  ok(await hub.request(LaImportHomeCoursesDocument, { csv: CATALOGUE.join('\n') }, STAFF));
  // CENG 999 leaves the catalogue: it stays (inactive) for agreements that named it, but new ones may not.
  ok(await hub.request(LaImportHomeCoursesDocument, { csv: CATALOGUE.slice(0, 4).join('\n') }, STAFF));
  const courses = ok(await hub.request(LaHomeCoursesDocument, { search: 'CENG', includeInactive: true, first: 100 })).homeCourses.nodes;
  for (const c of courses) course.set(c.code, c.id);
});
afterAll(() => hub.close());

describe('the first version', () => {
  it('the student proposes it; it is approved once the student, the sending and the receiving institution have signed, each with signer, position and time', async () => {
    const m = await mobility();
    const proposed = ok(await propose(m.who, m.application.id)).proposeLearningAgreement;
    expect(proposed).toMatchObject({ studentLanguage: 'en', studentCefrLevel: 'B2', approvedVersionNumber: null, approved: null, application: { id: m.application.id } });
    expect(proposed.pending).toMatchObject({ number: 1, kind: 'FIRST_VERSION', state: 'PROPOSED', signatures: [], changes: [] });
    // Table B takes code and title from the catalogue course it names.
    expect(proposed.pending!.components.filter((c) => c.table === 'B').map((c) => [c.code, c.title, c.homeCourse?.code ?? null])).toEqual([
      ['CENG 301', 'Database Management Systems', 'CENG 301'],
      ['CENG 435', 'Data Communications and Networking', 'CENG 435'],
      ['CENG 462', 'Artificial Intelligence', 'CENG 462'],
      ['TE 400', 'Technical elective', null],
    ]);
    // 30 ECTS in the autumn semester on both sides: no warning.
    expect(proposed.pending!.creditTotals).toEqual([
      { table: 'A', ects: 30, byTerm: [{ termNumber: 1, totalTerms: 2, ects: 30 }] },
      { table: 'B', ects: 30, byTerm: [{ termNumber: 1, totalTerms: 2, ects: 30 }] },
      { table: 'C', ects: 0, byTerm: [] },
    ]);
    expect(proposed.pending!.warnings).toEqual([]);

    const em = hub.hub.orm.em.fork() as EntityManager;
    const applicationUuid = uuidOf(m.application.id);
    // Nothing is agreed until all three have signed: recognition (area C) sees nothing yet.
    expect(await agreedComponents(em, applicationUuid)).toBeNull();

    const byStudent = ok(await sign(m.who, proposed, 1, 'STUDENT')).signLearningAgreement;
    expect(byStudent.pending!.state).toBe('PROPOSED');
    // A coordinator of the Faculty of Engineering, above the student's department, signs for the sending institution.
    const bySending = ok(await sign(world.coordinator('ENG'), proposed, 1, 'SENDING')).signLearningAgreement;
    expect(bySending.pending!.state).toBe('PROPOSED');
    expect(await agreedComponents(em.fork(), applicationUuid)).toBeNull();
    const approved = ok(await sign(STAFF, proposed, 1, 'RECEIVING')).signLearningAgreement;

    expect(approved).toMatchObject({ approvedVersionNumber: 1, pending: null, versions: [{ number: 1, kind: 'FIRST_VERSION', state: 'APPROVED' }] });
    expect(approved.version).toBeGreaterThan(proposed.version);
    expect(approved.approved!.decidedAt).not.toBeNull();
    expect(approved.approved!.signatures.map((s) => [s.party, s.signerName, s.signerPosition, s.signerApp])).toEqual([
      ['STUDENT', m.who.sub, null, 'IRO Hub'],
      ['SENDING', 'Ayşe Nur Yılmaz', 'Erasmus departmental coordinator', 'IRO Hub'],
      ['RECEIVING', 'Jonas Weber', 'Mobility coordinator', 'Partner EWP node'],
    ]);
    for (const s of approved.approved!.signatures) expect(Date.parse(s.at)).toBeGreaterThan(Date.now() - 60_000);
    // What other areas read: the approved components with their stable ids.
    const agreed = await agreedComponents(em.fork(), applicationUuid);
    expect(agreed!.map((c) => c.id)).toEqual(approved.approved!.components.map((c) => c.id));
  });

  it('a new first version supersedes the pending one; once one is approved, another first version is refused', async () => {
    const m = await mobility();
    const v1 = ok(await propose(m.who, m.application.id)).proposeLearningAgreement;
    ok(await sign(m.who, v1, 1, 'STUDENT'));
    // The coordinator of the student's department proposes a corrected first version.
    const corrected = firstVersion().map((c) => (c.code === 'SZ0410' ? { ...c, title: 'German A1.1 (intensive)' } : c));
    const v2 = ok(await propose(world.coordinator('ENG-CENG'), m.application.id, corrected)).proposeLearningAgreement;
    expect(v2.versions).toEqual([
      { number: 2, kind: 'FIRST_VERSION', state: 'PROPOSED' },
      { number: 1, kind: 'FIRST_VERSION', state: 'SUPERSEDED' },
    ]);
    // The new proposal starts without signatures; the superseded one cannot be signed any more.
    expect(v2.pending).toMatchObject({ number: 2, signatures: [] });
    expect(errorOf(await sign(STAFF, v2, 1, 'SENDING'))).toMatchObject({ code: 'CONFLICT', reason: 'LA_VERSION_NOT_PENDING', field: 'versionNumber', state: 'SUPERSEDED' });

    const approved = await signAll(m, v2, 2);
    expect(approved.approved!.components.find((c) => c.code === 'SZ0410')!.title).toBe('German A1.1 (intensive)');
    const refused = await propose(m.who, m.application.id);
    expect(errorOf(refused)).toMatchObject({ code: 'CONFLICT', reason: 'FIRST_VERSION_APPROVED', field: 'applicationId' });
    expect(await read(m.application.id)).toEqual(approved);
  });

  it('bad components are refused with their code and field, and nothing is written', async () => {
    const m = await mobility();
    const [a] = firstVersion();
    const cases: [LaComponentInput[], Record<string, unknown>][] = [
      [[{ ...a, termNumber: null, totalTerms: null }], { reason: 'TERM_REQUIRED', field: 'components.0.termNumber' }],
      [[a, { ...a, termNumber: 3 }], { reason: 'INVALID_TERM', field: 'components.1.termNumber' }],
      [[a, { table: 'C', title: 'Online seminar', ects: 2 }], { reason: 'DESCRIPTION_REQUIRED', field: 'components.1.note' }],
      [[{ ...a, homeCourseId: course.get('CENG 301') }], { reason: 'HOME_COURSE_ONLY_TABLE_B', field: 'components.0.homeCourseId' }],
      [[a, { table: 'B', homeCourseId: course.get('CENG 999'), termNumber: 1, totalTerms: 2, ects: 6 }], { reason: 'HOME_COURSE_UNAVAILABLE', field: 'components.1.homeCourseId' }],
      [[a, { table: 'B', termNumber: 1, totalTerms: 2, ects: 6 }], { reason: 'TITLE_REQUIRED', field: 'components.1.title' }],
      [[{ ...a, ects: 75 }], { reason: 'VALIDATION_FAILED', field: 'components.0.ects' }],
    ];
    for (const [components, expected] of cases) {
      expect(errorOf(await propose(m.who, m.application.id, components))).toMatchObject({ code: 'BAD_USER_INPUT', ...expected });
    }
    const badLevel = await hub.request(LaProposeDocument, { input: { applicationId: m.application.id, studentLanguage: 'EN', studentCefrLevel: 'D1', components: [a] } }, m.who);
    expect(errorOf(badLevel)).toMatchObject({ reason: 'VALIDATION_FAILED' });
    expect((errorOf(badLevel).fields as { field: string }[]).map((f) => f.field).sort()).toEqual(['studentCefrLevel', 'studentLanguage']);
    expect(await read(m.application.id)).toBeNull();
  });

  it('shows warnings for ECTS below the semester’s 30 and for Table B differing from Table A, and never blocks on them', async () => {
    const m = await mobility();
    // Table A: 6 + 8 + 6 + 4 = 24 < 30 in the autumn semester; Table B: 6 + 6 = 12 ≠ 24.
    const components = firstVersion().filter((c) => c.code !== 'IN2030' && c.code !== 'TE 400' && c.homeCourseId !== course.get('CENG 462'));
    const la = ok(await propose(m.who, m.application.id, components)).proposeLearningAgreement;
    expect(la.pending!.warnings).toEqual([
      { code: 'ECTS_BELOW_EXPECTATION', message: 'Table A has 24 ECTS in term 1 of 2; 30 are expected (60 per academic year)' },
      { code: 'TABLE_B_DIFFERS_FROM_A', message: 'Table B recognises 12 ECTS at home for 24 ECTS studied in Table A' },
    ]);
    expect((await signAll(m, la, 1)).approvedVersionNumber).toBe(1);
  });
});

describe('change proposals', () => {
  it('delete and insert components with reason codes; once approved the change is in force and the earlier version stays in the history', async () => {
    const { m, la } = await approvedMobility();
    const kept = la.approved!.components.filter((c) => c.code !== 'IN2124');
    const proposed = ok(
      await change(
        m.who,
        la,
        [
          { table: 'A', code: 'IN2357', title: 'Robotics', termNumber: 1, totalTerms: 2, ects: 6, reason: 'SUBSTITUTING_DELETED' },
          { table: 'C', title: 'Virtual exchange: AI ethics', ects: 2, note: 'Six online sessions with students of three partners', reason: 'ADDING_VIRTUAL_COMPONENT' },
        ],
        [{ componentId: componentId(la, 'IN2124'), reason: 'TIMETABLE_CONFLICT', reasonText: 'Clashes with Machine Learning' }],
      ),
    ).proposeLearningAgreementChange;
    expect(proposed.approvedVersionNumber).toBe(1);
    expect(proposed.pending).toMatchObject({ number: 2, kind: 'CHANGE_PROPOSAL', state: 'PROPOSED' });
    expect(proposed.pending!.changes.map((c) => [c.action, c.table, c.reason, c.reasonText, c.component!.title])).toEqual([
      ['DELETED', 'A', 'TIMETABLE_CONFLICT', 'Clashes with Machine Learning', 'Computer Vision'],
      ['INSERTED', 'A', 'SUBSTITUTING_DELETED', null, 'Robotics'],
      ['INSERTED', 'C', 'ADDING_VIRTUAL_COMPONENT', null, 'Virtual exchange: AI ethics'],
    ]);
    // The proposal holds the whole list in force once approved: kept components keep their ids.
    expect(proposed.pending!.components.slice(0, kept.length).map((c) => c.id)).toEqual(kept.map((c) => c.id));
    // Table A: 30 − 6 (Computer Vision) + 6 (Robotics) = 30; Table C: 2.
    expect(proposed.pending!.creditTotals.map((t) => [t.table, t.ects])).toEqual([
      ['A', 30],
      ['B', 30],
      ['C', 2],
    ]);

    const approved = await signAll(m, proposed, 2);
    expect(approved).toMatchObject({ approvedVersionNumber: 2, pending: null });
    expect(approved.versions).toEqual([
      { number: 2, kind: 'CHANGE_PROPOSAL', state: 'APPROVED' },
      { number: 1, kind: 'FIRST_VERSION', state: 'APPROVED' },
    ]);
    expect(approved.approved!.components.map((c) => c.code)).not.toContain('IN2124');
    const agreed = await agreedComponents(hub.hub.orm.em.fork() as EntityManager, uuidOf(m.application.id));
    expect(agreed!.map((c) => c.title)).toContain('Robotics');
  });

  it('a new change proposal supersedes the pending one', async () => {
    const { m, la } = await approvedMobility();
    const first = ok(
      await change(m.who, la, [], [{ componentId: componentId(la, 'SZ0410'), reason: 'LANGUAGE_MISMATCH' }]),
    ).proposeLearningAgreementChange;
    const signedByStudent = ok(await sign(m.who, first, 2, 'STUDENT')).signLearningAgreement;
    const second = ok(
      await change(
        world.coordinator('ENG-CENG'),
        signedByStudent,
        [{ table: 'A', code: 'SZ0420', title: 'German A2', termNumber: 1, totalTerms: 2, ects: 4, reason: 'OTHER', reasonText: 'Placement test result' }],
        [{ componentId: componentId(la, 'SZ0410'), reason: 'NOT_AVAILABLE' }],
      ),
    ).proposeLearningAgreementChange;
    expect(second.versions.map((v) => [v.number, v.state])).toEqual([
      [3, 'PROPOSED'],
      [2, 'SUPERSEDED'],
      [1, 'APPROVED'],
    ]);
    expect(second.pending!.changes.map((c) => [c.action, c.reason, c.reasonText])).toEqual([
      ['DELETED', 'NOT_AVAILABLE', null],
      ['INSERTED', 'OTHER', 'Placement test result'],
    ]);
    expect(second.approvedVersionNumber).toBe(1);
  });

  it('needs an approved version to change and the agreement’s current version', async () => {
    const m = await mobility();
    const pendingOnly = ok(await propose(m.who, m.application.id)).proposeLearningAgreement;
    const aComponent = pendingOnly.pending!.components[0].id;
    expect(errorOf(await change(m.who, pendingOnly, [], [{ componentId: aComponent, reason: 'NOT_AVAILABLE' }]))).toMatchObject({
      code: 'CONFLICT',
      reason: 'NO_APPROVED_VERSION',
    });
    const approved = await signAll(m, pendingOnly, 1);
    const stale = { ...approved, version: pendingOnly.version };
    expect(errorOf(await change(m.who, stale, [], [{ componentId: aComponent, reason: 'NOT_AVAILABLE' }]))).toMatchObject({
      code: 'CONFLICT',
      reason: 'VERSION_CONFLICT',
      field: 'version',
    });
    expect(await read(m.application.id)).toEqual(approved);
  });

  it('refuses wrong reason codes, OTHER without a text, unknown components and empty changes, writing nothing', async () => {
    const { m, la } = await approvedMobility();
    const id = componentId(la, 'IN2010');
    const robotics = { table: 'A' as const, code: 'IN2357', title: 'Robotics', termNumber: 1, totalTerms: 2, ects: 6 };
    const cases: [LaInsertInput[], LaDeleteInput[], Record<string, unknown>][] = [
      [[], [{ componentId: id, reason: 'EXTENDING_MOBILITY' }], { reason: 'INVALID_REASON', field: 'delete.0.reason' }],
      [[{ ...robotics, reason: 'TIMETABLE_CONFLICT' }], [], { reason: 'INVALID_REASON', field: 'insert.0.reason' }],
      [[{ ...robotics, reason: 'ADDING_VIRTUAL_COMPONENT' }], [], { reason: 'INVALID_REASON', field: 'insert.0.reason' }],
      [[], [{ componentId: id, reason: 'OTHER' }], { reason: 'REASON_TEXT_REQUIRED', field: 'delete.0.reasonText' }],
      [[], [{ componentId: '00000000-0000-4000-8000-000000000000', reason: 'NOT_AVAILABLE' }], { reason: 'UNKNOWN_COMPONENT', field: 'delete.0.componentId' }],
      [[], [], { reason: 'EMPTY_CHANGE' }],
    ];
    for (const [insert, remove, expected] of cases) {
      expect(errorOf(await change(m.who, la, insert, remove))).toMatchObject({ code: 'BAD_USER_INPUT', ...expected });
    }
    expect(await read(m.application.id)).toEqual(la);
  });

  it('a party rejects a proposal with a comment; the approved version stays in force', async () => {
    const { m, la } = await approvedMobility();
    const proposed = ok(await change(m.who, la, [], [{ componentId: componentId(la, 'IN2010'), reason: 'NOT_AVAILABLE' }])).proposeLearningAgreementChange;
    const rejected = ok(
      await hub.request(LaRejectDocument, { input: { learningAgreementId: la.id, versionNumber: 2, party: 'RECEIVING', comment: 'Distributed Systems runs this term after all' } }, STAFF),
    ).rejectLearningAgreementVersion;
    expect(rejected).toMatchObject({ approvedVersionNumber: 1, pending: null });
    expect(rejected.versions.map((v) => [v.number, v.state])).toEqual([
      [2, 'REJECTED'],
      [1, 'APPROVED'],
    ]);
    expect(rejected.version).toBeGreaterThan(proposed.version);
    // The comment is kept with the party that gave it; the version in force still has Distributed Systems.
    const history = ok(await hub.request(LaHistoryDocument, { id: m.application.id }, m.who)).mobilityApplication!.learningAgreement!.versions;
    expect(history[0]).toMatchObject({ number: 2, state: 'REJECTED', rejectedBy: 'RECEIVING', rejectionComment: 'Distributed Systems runs this term after all' });
    expect(history[0].decidedAt).not.toBeNull();
    expect((await read(m.application.id))!.approved!.components.map((c) => c.code)).toContain('IN2010');
    expect(errorOf(await sign(m.who, la, 2, 'STUDENT'))).toMatchObject({ reason: 'LA_VERSION_NOT_PENDING', state: 'REJECTED' });
  });
});

describe('who may do what', () => {
  let m: Mobility;
  let la: La;
  const others = () => ({
    coordinatorElsewhere: world.coordinator('SCI'),
    anotherStudent: world.applicant('other-student'),
  });

  beforeAll(async () => {
    m = await mobility();
    la = ok(await propose(m.who, m.application.id)).proposeLearningAgreement;
  });

  it('the student, the coordinators of the student’s unit (and above) and the office read the agreement; a coordinator elsewhere, another student and a visitor do not', async () => {
    const readers: [string, Identity | null, boolean][] = [
      ['office', STAFF, true],
      ['coordinator of the department', world.coordinator('ENG-CENG'), true],
      ['coordinator of the faculty', world.coordinator('ENG'), true],
      ['the student', m.who, true],
      ['coordinator of another faculty', others().coordinatorElsewhere, false],
      ['another student', others().anotherStudent, false],
      ['visitor', null, false],
    ];
    for (const [who, identity, sees] of readers) {
      const viaApplication = await read(m.application.id, identity);
      const viaNode = ok(await hub.request(LaNodeDocument, { id: la.id }, identity ?? undefined)).node;
      expect([who, viaApplication?.id ?? null, viaNode?.id ?? null]).toEqual([who, sees ? la.id : null, sees ? la.id : null]);
    }
  });

  it('only those who read the application propose: a coordinator elsewhere and another student get NOT_FOUND, a visitor UNAUTHENTICATED', async () => {
    const { coordinatorElsewhere, anotherStudent } = others();
    expect(errorOf(await propose(coordinatorElsewhere, m.application.id))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await propose(anotherStudent, m.application.id))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await propose(undefined as unknown as Identity, m.application.id)).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await change(anotherStudent, la, [], [{ componentId: la.pending!.components[0].id, reason: 'NOT_AVAILABLE' }])).code).toBe('NOT_FOUND');
    expect((await read(m.application.id))!.versions).toEqual(la.versions);
  });

  it('each party signs only for itself: the student for STUDENT, the office or the unit’s coordinator for SENDING, the office for RECEIVING', async () => {
    const { coordinatorElsewhere, anotherStudent } = others();
    const coordinator = world.coordinator('ENG-CENG');
    const refusals: [Identity | undefined, LaParty, Record<string, unknown>][] = [
      [m.who, 'SENDING', { code: 'FORBIDDEN', reason: 'NOT_YOUR_PARTY', field: 'party' }],
      [m.who, 'RECEIVING', { code: 'FORBIDDEN', reason: 'NOT_YOUR_PARTY' }],
      [coordinator, 'STUDENT', { code: 'FORBIDDEN', reason: 'NOT_YOUR_PARTY' }],
      [coordinator, 'RECEIVING', { code: 'FORBIDDEN', reason: 'NOT_YOUR_PARTY' }],
      [STAFF, 'STUDENT', { code: 'FORBIDDEN', reason: 'NOT_YOUR_PARTY' }],
      [coordinatorElsewhere, 'SENDING', { code: 'NOT_FOUND' }],
      [anotherStudent, 'STUDENT', { code: 'NOT_FOUND' }],
      [undefined, 'STUDENT', { code: 'UNAUTHENTICATED' }],
    ];
    for (const [who, party, expected] of refusals) {
      expect(errorOf(await sign(who as Identity, la, 1, party))).toMatchObject(expected);
    }
    // An institution's signature needs the signer's name, position and e-mail (EWP).
    const noPosition = await hub.request(LaSignDocument, { input: { learningAgreementId: la.id, versionNumber: 1, party: 'SENDING', signerName: 'Ayşe Nur Yılmaz', signerEmail: 'a@ornek.edu.tr' } }, coordinator);
    expect(errorOf(noPosition)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'SIGNER_DETAILS_REQUIRED', field: 'signerPosition' });
    expect((await read(m.application.id))!.pending!.signatures).toEqual([]);

    ok(await sign(coordinator, la, 1, 'SENDING'));
    expect(errorOf(await sign(STAFF, la, 1, 'SENDING'))).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_SIGNED' });
    expect((await read(m.application.id))!.pending!.signatures.map((s) => s.party)).toEqual(['SENDING']);
  });

  it('learning agreements are agreed only while the mobility is nominated, accepted or live, and only for students', async () => {
    const cancelled = await mobility();
    await world.officeStep(await world.read(cancelled.application.id), 'CANCELLED', 'Student left the university');
    expect(errorOf(await propose(cancelled.who, cancelled.application.id))).toMatchObject({ code: 'CONFLICT', reason: 'LA_NOT_OPEN', status: 'CANCELLED' });
    const staff = await world.acceptedMobility({ mobilityType: 'STA', isced: '0114' });
    expect(errorOf(await propose(staff.who, staff.application.id))).toMatchObject({ code: 'CONFLICT', reason: 'LA_NOT_FOR_STAFF' });
    expect(await read(cancelled.application.id)).toBeNull();
    expect(await read(staff.application.id)).toBeNull();
  });
});

describe('reading many agreements', () => {
  it('costs the same SQL statements for 2 mobilities as for 5', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'NL', capacity: 5 }]);
    const students = Array.from({ length: 5 }, () => world.applicant('la-many'));
    const applied: Application[] = [];
    for (const who of students) applied.push(await world.apply(who, call.id, { fieldOfStudy: '0613', preferences: [places[0].id] }));
    await world.select(call.id);
    for (const [i, a] of applied.entries()) {
      const nominated = await world.officeStep(await world.read(a.id), 'NOMINATED');
      await world.officeStep(nominated, 'ACCEPTED');
      const m = { who: students[i], application: a } as Mobility;
      const la = await signAll(m, ok(await propose(m.who, a.id)).proposeLearningAgreement, 1);
      ok(await change(m.who, la, [], [{ componentId: componentId(la, 'SZ0410'), reason: 'LANGUAGE_MISMATCH' }]));
    }
    const two = await hub.request(LaApplicationsWithAgreementsDocument, { filter: { callId: call.id }, first: 2 }, STAFF);
    const five = await hub.request(LaApplicationsWithAgreementsDocument, { filter: { callId: call.id }, first: 5 }, STAFF);
    expect(ok(two).mobilityApplications.nodes).toHaveLength(2);
    const nodes = ok(five).mobilityApplications.nodes;
    expect(nodes.map((n) => [n.learningAgreement!.approved!.number, n.learningAgreement!.pending!.number])).toEqual(Array(5).fill([1, 2]));
    expect(five.extensions!.sqlStatements).toBe(two.extensions!.sqlStatements);
  });
});

describe('the EWP export', () => {
  /** The partner gets its SCHAC code and a contact; the mobility its planned dates (tracking's setMobilityDates writes the same columns). */
  async function exportable(m: Mobility, schac: string): Promise<void> {
    const partner = ok(await hub.request(LaInstitutionDocument, { id: m.partner.id }, STAFF)).institution!;
    ok(
      await hub.request(
        LaUpdateInstitutionDocument,
        { input: { id: partner.id, version: partner.version, officialName: partner.officialName, country: partner.country, schacCode: schac } },
        STAFF,
      ),
    );
    ok(await hub.request(LaAddContactDocument, { input: { institutionId: partner.id, role: 'INTERNATIONAL_COORDINATOR', name: 'Lena Fischer', email: `incoming@${schac}` } }, STAFF));
    await world.sql(`update mobility_application set planned_start = '2027-09-27', planned_end = '2028-02-11' where id = ?`, [uuidOf(m.application.id)]);
  }

  async function exported(m: Mobility): Promise<string> {
    return ok(await hub.request(LaEwpXmlDocument, { id: m.application.id }, STAFF)).mobilityApplication!.learningAgreement!.ewpXml;
  }

  const el = (parent: XmlElement, ...pathParts: string[]): XmlElement => {
    let node = parent;
    for (const part of pathParts) {
      const next = firstChild(node, part);
      if (!next) throw new Error(`no ${part} in ${node.local}`);
      node = next;
    }
    return node;
  };
  const laOf = (xml: string) => el(parseXml(xml), 'la');
  const statusRows = (list: XmlElement | undefined) =>
    childElements(list!, 'component').map((c) => [plainAttribute(c, 'status'), plainAttribute(c, 'reason-code') ?? null, plainAttribute(c, 'reason-text') ?? null, childText(c, 'title')]);

  async function expectValid(xml: string): Promise<void> {
    const result = await validateAgainstXsd(xml, LAS_XSD);
    expect(result.problems).toEqual([]);
    expect(result.valid).toBe(true);
  }

  it('an approved first version alone exports with first-version only, the home SCHAC code sending and the partner’s receiving, and validates', async () => {
    const { m } = await approvedMobility({ country: 'DE' });
    await exportable(m, 'tum.example.de');
    const xml = await exported(m);
    await expectValid(xml);
    const la = laOf(xml);
    expect(childText(la, 'omobility-id')).toBe(uuidOf(m.application.id));
    expect(childText(el(la, 'sending-hei'), 'hei-id')).toBe('ornek.edu.tr');
    expect(childText(el(la, 'receiving-hei'), 'hei-id')).toBe('tum.example.de');
    expect(childText(el(la, 'receiving-hei', 'contact-person'), 'email')).toBe('incoming@tum.example.de');
    expect(childText(la, 'receiving-academic-year-id')).toBe('2027/2028');
    expect([childText(la, 'start-date'), childText(la, 'end-date'), childText(la, 'eqf-level-studied-at-departure'), childText(la, 'isced-f-code')]).toEqual([
      '2027-09-27',
      '2028-02-11',
      '6',
      '0613',
    ]);
    expect(firstChild(la, 'approved-changes')).toBeUndefined();
    expect(firstChild(la, 'changes-proposal')).toBeUndefined();
    const first = el(la, 'first-version');
    expect(childElements(el(first, 'components-studied'), 'component')).toHaveLength(5);
    const recognised = childElements(el(first, 'components-recognized'), 'component');
    expect(recognised.map((c) => [childText(c, 'los-code'), childText(c, 'recognition-conditions') ?? null])).toEqual([
      ['CENG 301', null],
      ['CENG 435', null],
      ['CENG 462', 'Recognised if Machine Learning is passed'],
      ['TE 400', null],
    ]);
    // The student's signature carries no signer fields (EWP); the institutions' carry name, position and e-mail.
    expect(childText(el(first, 'student-signature'), 'signer-name')).toBeUndefined();
    expect(childText(el(first, 'sending-hei-signature'), 'signer-name')).toBe('Ayşe Nur Yılmaz');
    expect(childText(el(first, 'receiving-hei-signature'), 'signer-app')).toBe('Partner EWP node');
  });

  it('an approved change and a pending proposal export as approved-changes and changes-proposal (with its id), with EWP reason codes, and validate', async () => {
    const { m, la } = await approvedMobility({ country: 'PL' });
    await exportable(m, 'uw.example.pl');
    // Change 2 (approved): Computer Vision out (timetable), Robotics in (substitute).
    const v2 = ok(
      await change(
        m.who,
        la,
        [{ table: 'A', code: 'IN2357', title: 'Robotics', termNumber: 1, totalTerms: 2, ects: 6, reason: 'SUBSTITUTING_DELETED' }],
        [{ componentId: componentId(la, 'IN2124'), reason: 'TIMETABLE_CONFLICT' }],
      ),
    ).proposeLearningAgreementChange;
    const approved = await signAll(m, v2, 2);
    // Change 3 (pending): German A1 out (language), German A2 in (our OTHER: no EWP code, only the text).
    const v3 = ok(
      await change(
        m.who,
        approved,
        [{ table: 'A', code: 'SZ0420', title: 'German A2', termNumber: 1, totalTerms: 2, ects: 4, reason: 'OTHER', reasonText: 'Placement test result' }],
        [{ componentId: componentId(approved, 'SZ0410'), reason: 'LANGUAGE_MISMATCH' }],
      ),
    ).proposeLearningAgreementChange;
    // Not published to the partner before the student and the sending institution have signed it.
    expect(firstChild(laOf(await exported(m)), 'changes-proposal')).toBeUndefined();
    ok(await sign(m.who, v3, 3, 'STUDENT'));
    ok(await sign(STAFF, v3, 3, 'SENDING'));

    const xml = await exported(m);
    await expectValid(xml);
    const doc = laOf(xml);
    expect(statusRows(firstChild(el(doc, 'approved-changes'), 'components-studied'))).toEqual([
      ['inserted', 'substituting-deleted', null, 'Robotics'],
      ['deleted', 'timetable-conflict', null, 'Computer Vision'],
    ]);
    const proposal = el(doc, 'changes-proposal');
    expect(plainAttribute(proposal, 'id')).toMatch(/^[0-9a-f-]{36}$/);
    // Against the first version: the approved change and the new one together.
    expect(statusRows(firstChild(proposal, 'components-studied'))).toEqual([
      ['inserted', 'substituting-deleted', null, 'Robotics'],
      ['inserted', null, 'Placement test result', 'German A2'],
      ['deleted', 'timetable-conflict', null, 'Computer Vision'],
      ['deleted', 'language-mismatch', null, 'German A1'],
    ]);
    expect(firstChild(proposal, 'receiving-hei-signature')).toBeUndefined();
  });

  it('Table C virtual components export as virtual-components with their short description, and validate', async () => {
    const m = await mobility({ country: 'FR' });
    await exportable(m, 'upsaclay.example.fr');
    const components: LaComponentInput[] = [
      ...firstVersion(),
      { table: 'C', code: 'VX-01', title: 'Virtual exchange: AI ethics', ects: 2, note: 'Six online sessions with students of three partners' },
    ];
    const la = ok(await propose(m.who, m.application.id, components)).proposeLearningAgreement;
    await signAll(m, la, 1);
    const xml = await exported(m);
    await expectValid(xml);
    const virtual = childElements(el(laOf(xml), 'first-version', 'virtual-components'), 'component');
    expect(virtual.map((c) => [childText(c, 'title'), childText(c, 'short-description'), firstChild(c, 'term-id') ?? null])).toEqual([
      ['Virtual exchange: AI ethics', 'Six online sessions with students of three partners', null],
    ]);
  });

  it('a broken document is reported invalid (the check can fail)', async () => {
    const { m } = await approvedMobility({ country: 'AT' });
    await exportable(m, 'univie.example.at');
    const xml = await exported(m);
    await expectValid(xml);
    const withoutId = xml.replace(/<omobility-id>[^<]*<\/omobility-id>/, '');
    const badReason = xml.replace('<first-version>', '<first-version><components-studied><component status="inserted" reason-code="bored"><title>X</title></component></components-studied>');
    for (const broken of [withoutId, badReason]) {
      const result = await validateAgainstXsd(broken, LAS_XSD);
      expect(result.valid).toBe(false);
      expect(result.problems.length).toBeGreaterThan(0);
    }
  });

  it('publishes nothing before the home side has signed, and refuses an export without the partner’s SCHAC code or the planned dates', async () => {
    const m = await mobility({ country: 'BE' });
    ok(await propose(m.who, m.application.id));
    const empty = await exported(m);
    await expectValid(empty);
    expect(childElements(parseXml(empty), 'la')).toEqual([]);

    const la = (await read(m.application.id))!;
    await signAll(m, la, 1);
    const noSchac = await hub.request(LaEwpXmlDocument, { id: m.application.id }, STAFF);
    expect(errorOf(noSchac as GraphQLResponse<unknown>)).toMatchObject({ code: 'CONFLICT', reason: 'EWP_MISSING_HEI_ID' });
    const partner = ok(await hub.request(LaInstitutionDocument, { id: m.partner.id }, STAFF)).institution!;
    ok(
      await hub.request(
        LaUpdateInstitutionDocument,
        { input: { id: partner.id, version: partner.version, officialName: partner.officialName, country: partner.country, schacCode: 'kuleuven.example.be' } },
        STAFF,
      ),
    );
    const noDates = await hub.request(LaEwpXmlDocument, { id: m.application.id }, STAFF);
    expect(errorOf(noDates as GraphQLResponse<unknown>)).toMatchObject({ code: 'CONFLICT', reason: 'EWP_NOT_EXPORTABLE', field: 'plannedStart' });
  });
});
