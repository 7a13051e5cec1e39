/**
 * The host's transcript of records converted to the home scale by the conversion table that applies (partner + field,
 * partner, field, default; EGRACONS distributions or a direct mapping), and recognition of Table B of the learning
 * agreement in force, completing the mobility (COMPLETED → RECOGNISED) and shown to the student.
 */
import {
  TrkConfirmArrivalDocument,
  TrkConfirmDepartureDocument,
  TrkMobilityDocument,
  LaProposeDocument,
  TrkRecordRecognitionDocument,
  TrkRecordTranscriptDocument,
  TrkSetTableDocument,
  LaSignDocument,
  TrkStatusChangedDocument,
  TrkTablesDocument,
  type RecognitionDecisionInput,
  type SetGradeConversionTableInput,
  type TranscriptEntryInput,
  type TrkStatusChangedSubscription,
} from '../generated/graphql';
import { startTestHub, subscribe, waitFor, type GraphQLResponse, type Identity, type TestHub } from '../support/hub';
import { errorOf, MobilityWorld, ok, STAFF, uuidOf } from './mobility.support';
import { readTracked, trackedMobility, type TrackedMobility } from './tracking.support';

let hub: TestHub;
let world: MobilityWorld;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new MobilityWorld(hub).init();
});
afterAll(() => hub.close());

const open: { dispose: () => void }[] = [];
afterEach(async () => {
  open.splice(0).forEach((s) => s.dispose());
  await waitFor(() => hub.hub.dispatcher.listenerCount === 0, 5000, 'the subscriptions to end');
});

/** German passing grades with a faculty's distribution (cumulative: 1.0 [0,8], 1.3 [8,18], 1.7 [18,32], 2.0 [32,47], 2.3 [47,61] …). */
const GERMAN = [
  ['1.0', 8], ['1.3', 10], ['1.7', 14], ['2.0', 15], ['2.3', 14], ['2.7', 12], ['3.0', 10], ['3.3', 8], ['3.7', 6], ['4.0', 3],
].map(([grade, percent]) => ({ grade: grade as string, percent: percent as number }));
/** The home letter scale (AA [0,12], BA (12,27], BB (27,47], CB (47,65], CC (65,80], DC (80,92], DD (92,100]). */
const TURKISH = [['AA', 12], ['BA', 15], ['BB', 20], ['CB', 18], ['CC', 15], ['DC', 12], ['DD', 8]].map(([grade, percent]) => ({ grade: grade as string, percent: percent as number }));

async function tableCount(): Promise<number> {
  return (await world.sql<{ n: number }>(`select count(*)::int as n from grade_conversion_table`))[0].n;
}

/** Creates a table, or replaces the one of the same scope (the default and field tables are shared by the suite's runs). */
async function setTable(input: Omit<SetGradeConversionTableInput, 'hostScale' | 'homeScale'> & Partial<SetGradeConversionTableInput>) {
  const full = { hostScale: GERMAN, homeScale: TURKISH, ...input };
  const res = await hub.request(TrkSetTableDocument, { input: full }, STAFF);
  if (res.errors?.[0]?.extensions?.reason === 'CONVERSION_TABLE_EXISTS') {
    const id = res.errors[0].extensions.existingId as string;
    const current = ok(await hub.request(TrkTablesDocument, {}, STAFF)).gradeConversionTables.find((t) => t.id === id)!;
    return ok(await hub.request(TrkSetTableDocument, { input: { ...full, id, version: current.version } }, STAFF)).setGradeConversionTable;
  }
  return ok(res).setGradeConversionTable;
}

const lines: TranscriptEntryInput[] = [
  { courseCode: 'INF-201', courseTitle: 'Datenbanksysteme', ects: 6, hostGrade: '1.3', passed: true },
  { courseCode: 'INF-305', courseTitle: 'Verteilte Systeme', ects: 5, hostGrade: '1,7', passed: true },
  { courseCode: 'INF-310', courseTitle: 'Compilerbau', ects: 5, hostGrade: '5.0', passed: false },
  { courseCode: 'MA-120', courseTitle: 'Numerik', ects: 4, hostGrade: '2.3', passed: true },
];

/** Records a transcript as the office, or as `as` (null: a visitor). */
function record(m: { id: string }, entries: TranscriptEntryInput[], as: Identity | null = STAFF) {
  return hub.request(TrkRecordTranscriptDocument, { input: { applicationId: m.id, entries } }, as ?? undefined);
}

describe('grade conversion tables', () => {
  it('are checked before anything is written: shares adding up to 100, unique grades, both scales or a mapping, mapped grades on the home scale', async () => {
    const before = await tableCount();
    const attempt = (input: Partial<SetGradeConversionTableInput>, as: Identity | null = STAFF) =>
      hub.request(TrkSetTableDocument, { input: { name: 'Bad table', hostScale: GERMAN, homeScale: TURKISH, iscedCode: '0999', ...input } }, as ?? undefined);
    const reasonOf = (res: GraphQLResponse<unknown>) => errorOf(res);

    expect(reasonOf(await attempt({ hostScale: GERMAN.slice(1) }))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_SCALE', field: 'hostScale' }); // 92 %
    expect(reasonOf(await attempt({ homeScale: [{ grade: 'AA', percent: 50 }, { grade: 'aa', percent: 50 }] }))).toMatchObject({ reason: 'INVALID_SCALE', field: 'homeScale[1].grade' });
    expect(reasonOf(await attempt({ hostScale: [], homeScale: [] }))).toMatchObject({ reason: 'NO_CONVERSION_RULE' });
    expect(reasonOf(await attempt({ homeScale: [], mapping: [{ hostGrade: '1.0', homeGrade: 'AA' }] }))).toMatchObject({ reason: 'INVALID_SCALE', field: 'homeScale' });
    expect(reasonOf(await attempt({ mapping: [{ hostGrade: '1.0', homeGrade: 'A+' }] }))).toMatchObject({ reason: 'INVALID_MAPPING', field: 'mapping[0].homeGrade' });
    expect(reasonOf(await attempt({ mapping: [{ hostGrade: '1.0', homeGrade: 'AA' }, { hostGrade: '1,0', homeGrade: 'BA' }] }))).toMatchObject({ reason: 'INVALID_MAPPING', field: 'mapping[1].hostGrade' });
    expect(reasonOf(await attempt({ iscedCode: 'computing' }))).toMatchObject({ reason: 'VALIDATION_FAILED', field: 'iscedCode' });
    expect(reasonOf(await attempt({ partnerId: world.homeId }))).toMatchObject({ reason: 'NOT_A_PARTNER', field: 'partnerId' });
    expect(reasonOf(await attempt({}, world.coordinator('ENG')))).toMatchObject({ code: 'FORBIDDEN' });
    expect(reasonOf(await attempt({}, world.applicant()))).toMatchObject({ code: 'FORBIDDEN' });
    expect(reasonOf(await attempt({}, null))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await tableCount()).toBe(before);

    // A good one; a second for the same scope is refused; a replacement needs the current version.
    const partner = await world.partner('NL');
    const created = ok(await attempt({ name: 'Utrecht 0999', partnerId: partner.id, mapping: [{ hostGrade: '1.0', homeGrade: 'AA' }] })).setGradeConversionTable;
    expect(created).toMatchObject({ version: 1, name: 'Utrecht 0999', iscedCode: '0999', partner: { id: partner.id }, mapping: [{ hostGrade: '1.0', homeGrade: 'AA' }] });
    expect(created.hostScale).toHaveLength(10);
    expect(errorOf(await attempt({ name: 'Again', partnerId: partner.id }))).toMatchObject({ code: 'CONFLICT', reason: 'CONVERSION_TABLE_EXISTS', existingId: created.id });
    expect(errorOf(await attempt({ id: created.id, version: 7, name: 'Stale', partnerId: partner.id }))).toMatchObject({ reason: 'VERSION_CONFLICT' });
    const replaced = ok(await attempt({ id: created.id, version: 1, name: 'Utrecht 0999 (2028)', partnerId: partner.id })).setGradeConversionTable;
    expect(replaced).toMatchObject({ id: created.id, version: 2, name: 'Utrecht 0999 (2028)', mapping: [] });
    expect(ok(await hub.request(TrkTablesDocument, { partnerId: partner.id }, STAFF)).gradeConversionTables.map((t) => t.id)).toEqual([created.id]);
    expect(errorOf(await hub.request(TrkTablesDocument, {}, world.coordinator('ENG')))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('transcripts', () => {
  it('convert each passing grade by the table that applies: partner + field, then partner, then field, then the default', async () => {
    const m = await trackedMobility(world, { isced: '0613', plannedStart: '2027-09-15', plannedEnd: '2028-01-31', arrive: true });
    const noDefault = (await world.sql(`select 1 from grade_conversion_table where partner_id is null and isced_code is null`)).length === 0;
    if (noDefault) {
      // Without any table a passing grade cannot be converted; a transcript of failed courses only needs none.
      expect(errorOf(await record(m, lines))).toMatchObject({ code: 'CONFLICT', reason: 'NO_CONVERSION_TABLE' });
      expect(ok(await record(m, [lines[2]])).recordTranscript.transcript).toMatchObject([{ hostGrade: '5.0', homeGrade: null, conversionTable: null }]);
    }
    const used = async () => {
      const transcript = ok(await record(m, lines)).recordTranscript.transcript;
      return transcript.map((t) => [t.courseCode, t.hostGrade, t.homeGrade, t.conversionTable?.name ?? null]);
    };

    await setTable({ name: 'Default (German scale)' });
    // Distributions: 1.3 → midpoint 13 → BA; 1.7 → 25 → BA; 2.3 → 54 → CB; the failed 5.0 gets no home grade.
    expect(await used()).toEqual([
      ['INF-201', '1.3', 'BA', 'Default (German scale)'],
      ['INF-305', '1,7', 'BA', 'Default (German scale)'],
      ['INF-310', '5.0', null, null],
      ['MA-120', '2.3', 'CB', 'Default (German scale)'],
    ]);

    await setTable({ name: 'Field 0613', iscedCode: '0613' });
    expect((await used()).map((l) => l[3])).toEqual(['Field 0613', 'Field 0613', null, 'Field 0613']);

    await setTable({ name: 'Partner, every field', partnerId: m.partnerId });
    expect((await used()).map((l) => l[3])).toEqual(['Partner, every field', 'Partner, every field', null, 'Partner, every field']);

    // The partner's table for the broad field 06 wins; its direct mapping 1.7 → BB wins over the distributions (BA).
    await setTable({ name: 'Partner, field 06', partnerId: m.partnerId, iscedCode: '06', mapping: [{ hostGrade: '1.7', homeGrade: 'BB' }] });
    expect(await used()).toEqual([
      ['INF-201', '1.3', 'BA', 'Partner, field 06'],
      ['INF-305', '1,7', 'BB', 'Partner, field 06'],
      ['INF-310', '5.0', null, null],
      ['MA-120', '2.3', 'CB', 'Partner, field 06'],
    ]);
    // Replaced, not added to: four lines; the transcript of records counts as received.
    const read = await readTracked(world, m.id);
    expect(read.transcript).toHaveLength(4);
    expect(read.returnDocuments.find((d) => d.kind === 'TRANSCRIPT_OF_RECORDS')!.receivedAt).not.toBeNull();
  });

  it('refuses an unknown host grade, a transcript before the mobility is live and an unknown component, keeping what was recorded', async () => {
    const m = await trackedMobility(world, { isced: '0311', plannedStart: '2027-09-15', plannedEnd: '2028-01-31', arrive: true });
    await setTable({ name: 'Default (German scale)' });
    ok(await record(m, lines.slice(0, 2)));
    const kept = (await readTracked(world, m.id)).transcript;

    const unknown = await record(m, [lines[0], { ...lines[1], hostGrade: '0.7' }]);
    expect(errorOf(unknown)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_HOST_GRADE', field: 'entries[1].hostGrade', grade: '0.7' });
    expect(errorOf(unknown).known).toEqual(GERMAN.map((g) => g.grade));
    expect(errorOf(await record(m, [{ ...lines[0], componentId: 'no-such-component' }]))).toMatchObject({ reason: 'UNKNOWN_COMPONENT', field: 'entries[0].componentId' });
    expect(errorOf(await record(m, [{ ...lines[0], ects: 0 }]))).toMatchObject({ reason: 'VALIDATION_FAILED' });
    expect((await readTracked(world, m.id)).transcript).toEqual(kept);

    const accepted = await trackedMobility(world, { plannedStart: '2027-09-15', plannedEnd: '2028-01-31' });
    expect(errorOf(await record(accepted, lines))).toMatchObject({ code: 'CONFLICT', reason: 'TRANSCRIPT_NOT_OPEN', status: 'ACCEPTED' });
    expect((await world.sql(`select 1 from mobility_transcript_entry where application_id = ?`, [uuidOf(accepted.id)])).length).toBe(0);
  });

  it('are recorded by the office and read by the student, the unit’s coordinators and the office only', async () => {
    const m = await trackedMobility(world, { isced: '0311', plannedStart: '2027-09-15', plannedEnd: '2028-01-31', arrive: true });
    await setTable({ name: 'Default (German scale)' });
    for (const [as, code] of [
      [world.coordinator('ENG-CENG'), 'FORBIDDEN'],
      [m.who, 'FORBIDDEN'],
      [world.applicant(), 'FORBIDDEN'],
      [null, 'UNAUTHENTICATED'],
    ] as const) {
      expect(errorOf(await record(m, lines, as))).toMatchObject({ code });
    }
    ok(await record(m, lines));
    const transcriptAs = async (as: Identity | undefined) => (await hub.request(TrkMobilityDocument, { id: m.id }, as)).data?.mobilityApplication?.transcript ?? null;
    expect((await transcriptAs(m.who))!.map((t) => t.homeGrade)).toEqual(['BA', 'BA', null, 'CB']);
    expect(await transcriptAs(world.coordinator('ENG'))).toHaveLength(4);
    expect(await transcriptAs(STAFF)).toHaveLength(4);
    expect(await transcriptAs(world.applicant())).toBeNull();
    expect(await transcriptAs(world.coordinator('SCI'))).toBeNull();
    expect(await transcriptAs(undefined)).toBeNull();
  });
});

describe('recognition', () => {
  /** A live mobility with an approved learning agreement: Table A two host courses, Table B two home courses (6 + 5 ECTS). */
  async function withAgreement(): Promise<TrackedMobility & { a: string[]; b: { id: string; ects: number }[] }> {
    const m = await trackedMobility(world, { isced: '0613', plannedStart: '2027-09-15', plannedEnd: '2028-01-31' });
    const la = ok(
      await hub.request(
        LaProposeDocument,
        {
          input: {
            applicationId: m.id,
            studentLanguage: 'de',
            studentCefrLevel: 'B2',
            components: [
              { table: 'A', code: 'INF-201', title: 'Datenbanksysteme', termNumber: 1, totalTerms: 2, ects: 6 },
              { table: 'A', code: 'INF-305', title: 'Verteilte Systeme', termNumber: 1, totalTerms: 2, ects: 5 },
              { table: 'B', code: 'CENG 351', title: 'Database Management Systems', termNumber: 1, totalTerms: 2, ects: 6 },
              { table: 'B', code: 'CENG 445', title: 'Distributed Systems', termNumber: 1, totalTerms: 2, ects: 5 },
            ],
          },
        },
        m.who,
      ),
    ).proposeLearningAgreement;
    const sign = (party: 'STUDENT' | 'SENDING' | 'RECEIVING', as: Identity) =>
      hub.request(
        LaSignDocument,
        {
          input: {
            learningAgreementId: la.id,
            versionNumber: la.pending!.number,
            party,
            ...(party === 'STUDENT' ? {} : { signerName: party === 'SENDING' ? 'Ayşe Yılmaz' : 'Dr. Jana Weber', signerPosition: 'Erasmus coordinator', signerEmail: 'erasmus@example.org' }),
          },
        },
        as,
      );
    ok(await sign('STUDENT', m.who));
    ok(await sign('SENDING', STAFF));
    const approved = ok(await sign('RECEIVING', STAFF)).signLearningAgreement.approved!;
    const current = await readTracked(world, m.id);
    const live = ok(await hub.request(TrkConfirmArrivalDocument, { input: { applicationId: m.id, version: current.version, actualStart: '2027-09-15' } }, STAFF))
      .confirmArrival;
    return {
      ...m,
      version: live.version,
      a: approved.components.filter((c) => c.table === 'A').map((c) => c.id),
      b: approved.components.filter((c) => c.table === 'B').map((c) => ({ id: c.id, ects: c.ects })),
    };
  }

  /** Records decisions as the office, or as `as` (null: a visitor). */
  const decide = (m: { id: string }, decisions: RecognitionDecisionInput[], complete?: boolean, as: Identity | null = STAFF) =>
    hub.request(TrkRecordRecognitionDocument, { input: { applicationId: m.id, decisions, complete } }, as ?? undefined);

  async function decisionsStored(id: string): Promise<number> {
    return (await world.sql<{ n: number }>(`select count(*)::int as n from mobility_course_recognition where application_id = ?`, [uuidOf(id)]))[0].n;
  }

  it('checks every decision against Table B of the agreement in force and completion against the status, writing nothing when refused', async () => {
    const none = await trackedMobility(world, { plannedStart: '2027-09-15', plannedEnd: '2028-01-31', arrive: true });
    expect(errorOf(await decide(none, [{ componentId: 'x', outcome: 'RECOGNISED' }]))).toMatchObject({ code: 'CONFLICT', reason: 'NO_APPROVED_LEARNING_AGREEMENT' });
    expect((await readTracked(world, none.id)).recognition).toBeNull();

    const m = await withAgreement();
    const [b1, b2] = m.b;
    expect(errorOf(await decide(m, [{ componentId: m.a[0], outcome: 'RECOGNISED' }]))).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNKNOWN_COMPONENT', field: 'decisions[0].componentId' });
    expect(errorOf(await decide(m, [{ componentId: b1.id, outcome: 'RECOGNISED', recognisedEcts: 6 }, { componentId: 'made-up', outcome: 'RECOGNISED' }]))).toMatchObject({
      reason: 'UNKNOWN_COMPONENT',
      field: 'decisions[1].componentId',
    });
    expect(errorOf(await decide(m, [{ componentId: b1.id, outcome: 'RECOGNISED', recognisedEcts: 6.5 }]))).toMatchObject({ reason: 'ECTS_EXCEED_COMPONENT', field: 'decisions[0].recognisedEcts', max: 6 });
    expect(errorOf(await decide(m, [{ componentId: b2.id, outcome: 'NOT_RECOGNISED', recognisedEcts: 3 }]))).toMatchObject({ reason: 'INVALID_DECISION', field: 'decisions[0].recognisedEcts' });
    expect(errorOf(await decide(m, [{ componentId: b1.id, outcome: 'RECOGNISED' }, { componentId: b1.id, outcome: 'NOT_RECOGNISED' }]))).toMatchObject({ reason: 'DUPLICATE_DECISION', field: 'decisions[1].componentId' });
    // Complete while the mobility is still live: the step is refused, and the decisions sent with it are not kept.
    const all = [{ componentId: b1.id, outcome: 'RECOGNISED' as const, homeGrade: 'BA' }, { componentId: b2.id, outcome: 'RECOGNISED' as const, homeGrade: 'BB' }];
    expect(errorOf(await decide(m, all, true))).toMatchObject({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', from: 'LIVE', to: 'RECOGNISED' });
    expect(await decisionsStored(m.id)).toBe(0);

    const completed = ok(
      await hub.request(TrkConfirmDepartureDocument, { input: { applicationId: m.id, version: m.version, actualEnd: '2028-01-31', certificateReference: 'CoA-LA' } }, STAFF),
    ).confirmDeparture;
    expect(completed.status).toBe('COMPLETED');
    // Completing with a decision missing is RECOGNITION_INCOMPLETE naming it; the decision sent is not kept either.
    expect(errorOf(await decide(m, [all[0]], true))).toMatchObject({ code: 'CONFLICT', reason: 'RECOGNITION_INCOMPLETE', missing: [b2.id] });
    expect(await decisionsStored(m.id)).toBe(0);
    expect((await readTracked(world, m.id)).status).toBe('COMPLETED');
  });

  it('records decisions, completes the mobility to RECOGNISED with a status event, and shows the result to the student only', async () => {
    const m = await withAgreement();
    const [b1, b2] = m.b;
    ok(await hub.request(TrkConfirmDepartureDocument, { input: { applicationId: m.id, version: m.version, actualEnd: '2028-01-31', certificateReference: 'CoA-R' } }, STAFF));
    const sub = subscribe<TrkStatusChangedSubscription, { applicationId?: string }>(await hub.ws(m.who), TrkStatusChangedDocument, { applicationId: m.id });
    open.push(sub);
    await world.listening(1);

    // Who may decide: the office and coordinators of the student's unit (or the faculty above it).
    for (const [as, code] of [
      [m.who, 'FORBIDDEN'],
      [world.applicant(), 'NOT_FOUND'],
      [world.coordinator('SCI'), 'NOT_FOUND'],
      [null, 'UNAUTHENTICATED'],
    ] as const) {
      expect(errorOf(await decide(m, [{ componentId: b1.id, outcome: 'RECOGNISED' }], false, as))).toMatchObject({ code });
    }
    expect(await decisionsStored(m.id)).toBe(0);

    // The department's coordinator recognises the first course with all its ECTS (default) and a grade.
    const partial = ok(await decide(m, [{ componentId: b1.id, outcome: 'RECOGNISED', homeGrade: 'BA', note: 'Faculty board 2028/04' }], false, world.coordinator('ENG-CENG')))
      .recordRecognition;
    expect(partial.status).toBe('COMPLETED');
    expect(partial.recognition).toMatchObject({
      complete: false,
      plannedEcts: 11,
      recognisedEcts: 6,
      pending: [{ id: b2.id }],
      decisions: [{ componentId: b1.id, outcome: 'RECOGNISED', recognisedEcts: 6, homeGrade: 'BA', note: 'Faculty board 2028/04', component: { id: b1.id, title: 'Database Management Systems', ects: 6 } }],
    });

    // The office decides the second (not recognised) and completes: 6 of 11 ECTS.
    const done = ok(await decide(m, [{ componentId: b2.id, outcome: 'NOT_RECOGNISED', note: 'Course failed at the host' }], true)).recordRecognition;
    expect(done.status).toBe('RECOGNISED');
    expect(done.recognition).toMatchObject({ complete: true, plannedEcts: 11, recognisedEcts: 6, pending: [] });
    expect(done.recognition!.decisions.map((d) => [d.componentId, d.outcome, d.recognisedEcts])).toEqual([
      [b1.id, 'RECOGNISED', 6],
      [b2.id, 'NOT_RECOGNISED', 0],
    ]);
    const event = await sub.nextWhere((r) => r.data?.applicationStatusChanged.to === 'RECOGNISED', 10_000);
    expect(event.data!.applicationStatusChanged).toMatchObject({ applicationId: m.id, from: 'COMPLETED', to: 'RECOGNISED', reason: 'Recognised 6 of 11 ECTS (Table B)' });

    // The student sees the result (deciders shown as "office"); another student, a coordinator elsewhere and a visitor see nothing.
    const seen = await readTracked(world, m.id, m.who);
    expect(seen.recognition).toMatchObject({ complete: true, recognisedEcts: 6 });
    expect(seen.recognition!.decisions.map((d) => d.decidedBy)).toEqual(['office', 'office']);
    for (const as of [world.applicant(), world.coordinator('SCI'), undefined]) {
      expect((await hub.request(TrkMobilityDocument, { id: m.id }, as)).data?.mobilityApplication ?? null).toBeNull();
    }
    expect((await readTracked(world, m.id, world.coordinator('ENG'))).recognition!.decisions).toHaveLength(2);

    // Recognised is final: no more decisions and no new transcript.
    expect(errorOf(await decide(m, [{ componentId: b2.id, outcome: 'RECOGNISED' }]))).toMatchObject({ reason: 'RECOGNITION_NOT_OPEN', status: 'RECOGNISED' });
    expect(errorOf(await record(m, lines))).toMatchObject({ reason: 'TRANSCRIPT_NOT_OPEN' });
  });

  it('links transcript lines to Table A components of the agreement in force', async () => {
    const m = await withAgreement();
    await setTable({ name: 'Default (German scale)' });
    const recorded = ok(await record(m, [{ ...lines[0], componentId: m.a[0] }, lines[3]])).recordTranscript.transcript;
    expect(recorded.map((t) => [t.courseCode, t.componentId])).toEqual([
      ['INF-201', m.a[0]],
      ['MA-120', null],
    ]);
    // A Table B component is not a course taken at the host.
    expect(errorOf(await record(m, [{ ...lines[0], componentId: m.b[0].id }]))).toMatchObject({ reason: 'UNKNOWN_COMPONENT', field: 'entries[0].componentId' });
  });
});
