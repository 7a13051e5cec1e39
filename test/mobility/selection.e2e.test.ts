/**
 * Selection: eligibility with its reasons, the score with its breakdown (worked examples from the Turkish National
 * Agency's rules), placement into places and quotas with the documented tie-breaks, zero-grant places, reserve
 * promotion after a waiver, penalties, anonymised results and the office dashboard.
 */
import {
  MobApplicationDocument,
  MobApplicationsDetailedDocument,
  MobApplicationStatusChangedDocument,
  MobDashboardDocument,
  MobEvaluateCallDocument,
  MobGenerateCallPlacesDocument,
  MobPublishResultsDocument,
  MobRunPlacementDocument,
  MobSelectionResultsDocument,
  MobSelectionResultsRawDocument,
  MobWaiveApplicationDocument,
  MobWithdrawApplicationDocument,
  type CreateMobilityApplicationInput,
} from '../generated/graphql';
import { sleep, startTestHub, subscribe, waitFor, type Identity, type TestHub } from '../support/hub';
import { EARLIER_YEAR, errorOf, iso, MobilityWorld, ok, STAFF, type Application, type Place } from './mobility.support';

let hub: TestHub;
let world: MobilityWorld;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new MobilityWorld(hub).init();
});
afterAll(() => hub.close());

const TRANSCRIPT = [{ code: 'TRANSCRIPT', reference: 'files/transcript.pdf' }];
const lines = (a: Pick<Application, 'scoreBreakdown'>) => a.scoreBreakdown.map(({ criterion, input, points }) => ({ criterion, input, points }));
const issueCodes = (a: Pick<Application, 'eligibilityIssues'>) => a.eligibilityIssues.map((i) => i.code);

/** Applies (created and submitted) for each person, in order, and returns the applications keyed like the input. */
async function applyAll<K extends string>(
  callId: string,
  people: Record<K, Partial<CreateMobilityApplicationInput> & { submit?: boolean }>,
): Promise<Record<K, { who: Identity; application: Application }>> {
  const out = {} as Record<K, { who: Identity; application: Application }>;
  for (const key of Object.keys(people) as K[]) {
    const { submit = true, ...fields } = people[key];
    const who = world.applicant(key);
    const draft = await world.createApplication(who, callId, fields);
    out[key] = { who, application: submit ? await world.submit(who, draft) : draft };
  }
  return out;
}

async function reread<K extends string>(apps: Record<K, { who: Identity; application: Application }>): Promise<Record<K, Application>> {
  const out = {} as Record<K, Application>;
  for (const key of Object.keys(apps) as K[]) out[key] = await world.read(apps[key].application.id);
  return out;
}

describe('eligibility and the score breakdown', () => {
  let earlier: Record<'again' | 'long', { who: Identity; application: Application }>;
  let apps: Record<string, Application>;
  let people: Record<string, Identity>;
  let place: Place;

  beforeAll(async () => {
    // An earlier academic year's call, taken through to ACCEPTED by the office: two students go abroad for 8 months.
    const past = await world.callWithPlaces([{ country: 'AT', capacity: 2 }], { call: { academicYear: EARLIER_YEAR } });
    earlier = await applyAll(past.call.id, {
      again: { preferences: [past.places[0].id], plannedMonths: 8 },
      long: { preferences: [past.places[0].id], plannedMonths: 8 },
    });
    await world.select(past.call.id);
    for (const { application } of Object.values(earlier)) {
      await world.officeStep(await world.officeStep(await world.read(application.id), 'NOMINATED'), 'ACCEPTED');
    }

    // This year's call requires a transcript.
    const now = await world.callWithPlaces([{ country: 'DE', capacity: 20 }], { call: { requiredDocuments: ['TRANSCRIPT'] } });
    place = now.places[0];
    const p = [place.id];
    const submitted = await applyAll(now.call.id, {
      gpa220: { gpa: 2.2, documents: TRANSCRIPT, preferences: p },
      gpa219: { gpa: 2.19, documents: TRANSCRIPT, preferences: p },
      master249: { studyLevel: 'MASTER', gpa: 2.49, documents: TRANSCRIPT, preferences: p },
      master250: { studyLevel: 'MASTER', gpa: 2.5, documents: TRANSCRIPT, preferences: p },
      noTranscript: { gpa: 3, preferences: p },
      emptyTranscript: { gpa: 3, documents: [{ code: 'TRANSCRIPT', reference: '  ' }], preferences: p },
      several: { gpa: 2, languageScore: 40, preferences: p },
      worked: { gpa: 3, languageScore: 80, documents: TRANSCRIPT, preferences: p },
      veteran: { gpa: 3, languageScore: 80, documents: TRANSCRIPT, preferences: p, declaredFacts: [{ code: 'VETERAN_OR_MARTYR_RELATIVE', evidence: ['files/gazi-belgesi.pdf'] }] },
      veteranNoEvidence: { gpa: 3, languageScore: 80, documents: TRANSCRIPT, preferences: p, declaredFacts: [{ code: 'VETERAN_OR_MARTYR_RELATIVE', evidence: [] }] },
      missedMeeting: { gpa: 3, languageScore: 80, documents: TRANSCRIPT, preferences: p, declaredFacts: [{ code: 'MISSED_MEETING_OR_EXAM', evidence: [] }] },
      german: { gpa: 3, languageScore: 80, documents: TRANSCRIPT, preferences: p, citizenships: ['TR', 'DE'] },
    });
    // The two who went abroad last year apply again (same subjects): 8 + 3 months fit in 12, 8 + 5 do not.
    const again = await world.createApplication(earlier.again.who, now.call.id, { gpa: 3, languageScore: 80, documents: TRANSCRIPT, preferences: p, plannedMonths: 3 });
    const long = await world.createApplication(earlier.long.who, now.call.id, { gpa: 3, languageScore: 80, documents: TRANSCRIPT, preferences: p, plannedMonths: 5 });
    await world.submit(earlier.again.who, again);
    await world.submit(earlier.long.who, long);
    await world.closeCall(now.call.id);
    await world.evaluate(now.call.id);
    apps = { ...(await reread(submitted)), again: await world.read(again.id), long: await world.read(long.id) };
    people = { ...Object.fromEntries(Object.entries(submitted).map(([k, v]) => [k, v.who])), again: earlier.again.who, long: earlier.long.who };
  });

  it('GPA exactly 2.20 makes a bachelor student eligible; 2.19 does not (GPA_TOO_LOW, with the reason)', () => {
    expect(apps.gpa220).toMatchObject({ status: 'SCORED', eligibilityIssues: [] });
    expect(apps.gpa219.status).toBe('INELIGIBLE');
    expect(apps.gpa219.eligibilityIssues).toEqual([{ code: 'GPA_TOO_LOW', field: 'gpa', message: 'GPA 2.19 is below the minimum 2.20 for BACHELOR' }]);
    expect(apps.gpa219.score).toBeNull();
  });

  it('a master student needs 2.50: 2.49 is GPA_TOO_LOW, 2.50 is eligible', () => {
    expect(apps.master249.status).toBe('INELIGIBLE');
    expect(apps.master249.eligibilityIssues).toEqual([{ code: 'GPA_TOO_LOW', field: 'gpa', message: 'GPA 2.49 is below the minimum 2.50 for MASTER' }]);
    expect(apps.master250).toMatchObject({ status: 'SCORED', eligibilityIssues: [] });
  });

  it('a missing required document is MISSING_DOCUMENT (a blank reference counts as missing); several reasons are all listed', () => {
    for (const key of ['noTranscript', 'emptyTranscript']) {
      expect(apps[key].status).toBe('INELIGIBLE');
      expect(apps[key].eligibilityIssues).toEqual([{ code: 'MISSING_DOCUMENT', field: 'documents', message: 'The required document TRANSCRIPT is missing' }]);
    }
    expect(apps.several.status).toBe('INELIGIBLE');
    expect(issueCodes(apps.several)).toEqual(['GPA_TOO_LOW', 'MISSING_DOCUMENT']);
    // The history says why, too.
    const step = apps.several.history.find((h) => h.to === 'INELIGIBLE')!;
    expect(step).toMatchObject({ from: 'SUBMITTED', reason: 'GPA_TOO_LOW, MISSING_DOCUMENT' });
  });

  it('a declared bonus needs its evidence: without it the application is MISSING_EVIDENCE', () => {
    expect(apps.veteranNoEvidence.status).toBe('INELIGIBLE');
    expect(apps.veteranNoEvidence.eligibilityIssues).toEqual([
      { code: 'MISSING_EVIDENCE', field: 'declaredFacts', message: 'The declared fact VETERAN_OR_MARTYR_RELATIVE needs evidence' },
    ]);
  });

  it('counts earlier mobilities automatically from a past ACCEPTED application in an earlier year: previousMobilities 1 and −10', () => {
    expect(apps.again).toMatchObject({ status: 'SCORED', previousMobilities: 1, score: 68.34 });
    expect(lines(apps.again)).toEqual([
      { criterion: 'ACADEMIC', input: 'GPA 3.00 → 76.67', points: 38.34 },
      { criterion: 'LANGUAGE', input: '80', points: 40 },
      { criterion: 'PREVIOUS_MOBILITY', input: '1 earlier mobility', points: -10 },
    ]);
    // Someone without earlier mobilities has none counted.
    expect(apps.worked.previousMobilities).toBe(0);
  });

  it('over 12 months with the earlier mobilities is MONTHS_EXCEEDED', () => {
    expect(apps.long).toMatchObject({ status: 'INELIGIBLE', previousMobilities: 1 });
    expect(apps.long.eligibilityIssues).toEqual([
      { code: 'MONTHS_EXCEEDED', field: 'plannedMonths', message: '8 earlier months plus 5 planned make 13, more than the maximum 12 per study cycle' },
    ]);
  });

  it('scores GPA 3.00 and language 80 as 0.5 × 76.67 + 0.5 × 80 = 78.34, with each line shown to the applicant', async () => {
    expect(apps.worked).toMatchObject({ status: 'SCORED', score: 78.34 });
    const own = ok(await hub.request(MobApplicationDocument, { id: apps.worked.id }, people.worked)).mobilityApplication!;
    expect(own.score).toBe(78.34);
    expect(own.scoreBreakdown).toEqual([
      { criterion: 'ACADEMIC', input: 'GPA 3.00 → 76.67', points: 38.34, label: { tr: 'Akademik başarı puanı', en: 'Academic score' } },
      { criterion: 'LANGUAGE', input: '80', points: 40, label: { tr: 'Dil puanı', en: 'Language score' } },
    ]);
    // GPA 2.20 → 58.00 on YÖK's table: 29 + 40.
    expect(apps.gpa220.score).toBe(69);
    expect(lines(apps.gpa220)[0]).toEqual({ criterion: 'ACADEMIC', input: 'GPA 2.20 → 58.00', points: 29 });
  });

  it('adds +15 for a veteran’s or martyr’s relative with evidence (93.34), −5 for a missed meeting, −10 for a destination of one’s citizenship', async () => {
    expect(apps.veteran).toMatchObject({ status: 'SCORED', score: 93.34 });
    const own = ok(await hub.request(MobApplicationDocument, { id: apps.veteran.id }, people.veteran)).mobilityApplication!;
    expect(own.scoreBreakdown).toEqual([
      { criterion: 'ACADEMIC', input: 'GPA 3.00 → 76.67', points: 38.34, label: { tr: 'Akademik başarı puanı', en: 'Academic score' } },
      { criterion: 'LANGUAGE', input: '80', points: 40, label: { tr: 'Dil puanı', en: 'Language score' } },
      {
        criterion: 'VETERAN_OR_MARTYR_RELATIVE',
        input: 'declared, evidence: files/gazi-belgesi.pdf',
        points: 15,
        label: { tr: 'Gazi veya şehit/gazi yakını', en: 'Veteran, or relative of a martyr or veteran' },
      },
    ]);
    expect(apps.missedMeeting.score).toBe(73.34);
    expect(lines(apps.missedMeeting)[2]).toEqual({ criterion: 'MISSED_MEETING_OR_EXAM', input: 'declared', points: -5 });
    expect(apps.german).toMatchObject({ status: 'SCORED', score: 68.34 });
    expect(lines(apps.german)[2]).toEqual({ criterion: 'CITIZENSHIP_DESTINATION', input: 'DE (preference 1)', points: -10 });
  });

  it('Mevlana: a destination in a country of the applicant’s citizenship is CITIZENSHIP_DESTINATION', async () => {
    const mevlana = await world.callWithPlaces([{ country: 'BA' }, { country: 'AL' }], { programme: 'MEVLANA', kind: 'MEVLANA' });
    const [bosnia, albania] = mevlana.places;
    const submitted = await applyAll(mevlana.call.id, {
      bosnian: { gpa: 3, citizenships: ['TR', 'BA'], preferences: [albania.id, bosnia.id] },
      turkish: { gpa: 3, citizenships: ['TR'], preferences: [albania.id, bosnia.id] },
      low: { gpa: 2.49, citizenships: ['TR'], preferences: [albania.id] },
    });
    await world.closeCall(mevlana.call.id);
    await world.evaluate(mevlana.call.id);
    const read = await reread(submitted);
    expect(read.bosnian.status).toBe('INELIGIBLE');
    expect(read.bosnian.eligibilityIssues).toEqual([
      {
        code: 'CITIZENSHIP_DESTINATION',
        field: 'preferences',
        message: "Preference 2 is in BA, a country of the applicant's citizenship, which this programme does not allow",
      },
    ]);
    expect(read.turkish).toMatchObject({ status: 'SCORED', eligibilityIssues: [], score: 78.34 });
    // Mevlana's own minimum for bachelor students is 2.50.
    expect(issueCodes(read.low)).toEqual(['GPA_TOO_LOW']);
  });
});

describe('placement', () => {
  it('gives a contested 1-capacity place to the higher score; the other gets their second choice', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'FR' }, { country: 'BE' }]);
    const [first, second] = places;
    const apps = await applyAll(call.id, {
      lower: { gpa: 3, preferences: [first.id, second.id] },
      higher: { gpa: 3.5, preferences: [first.id, second.id] },
    });
    const placed = await world.select(call.id);
    expect(placed.counts).toEqual([{ status: 'SELECTED', count: 2 }]);
    const read = await reread(apps);
    expect(read.higher).toMatchObject({ status: 'SELECTED', score: 84.17, rank: 1, placedAt: { id: first.id } });
    expect(read.lower).toMatchObject({ status: 'SELECTED', score: 78.34, rank: 2, placedAt: { id: second.id } });

    // Placement runs once.
    expect(errorOf(await hub.request(MobRunPlacementDocument, { callId: call.id }, STAFF))).toMatchObject({ code: 'CONFLICT', reason: 'SELECTION_ALREADY_RUN' });
    // Nor can places change under the results.
    expect(errorOf(await hub.request(MobGenerateCallPlacesDocument, { callId: call.id }, STAFF))).toMatchObject({ code: 'CONFLICT', reason: 'SELECTION_ALREADY_RUN' });
  });

  it('breaks a tie of equal scores by academic points (the higher GPA wins, even when submitted later)', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'ES' }]);
    const apps = await applyAll(call.id, {
      // 0.5 × 76.67 + 0.5 × 80 = 78.34, submitted first.
      earlier: { gpa: 3, languageScore: 80, preferences: [places[0].id] },
      // 0.5 × 88.33 + 0.5 × 68.34 = 78.34, submitted second.
      betterGpa: { gpa: 3.5, languageScore: 68.34, preferences: [places[0].id] },
    });
    await world.select(call.id);
    const read = await reread(apps);
    expect(read.earlier.score).toBe(78.34);
    expect(read.betterGpa.score).toBe(78.34);
    expect(Date.parse(read.earlier.submittedAt!)).toBeLessThan(Date.parse(read.betterGpa.submittedAt!));
    expect(read.betterGpa).toMatchObject({ status: 'SELECTED', rank: 1, placedAt: { id: places[0].id } });
    expect(read.earlier).toMatchObject({ status: 'RESERVE', rank: 2, reserveRank: 1, placedAt: null });
  });

  it('breaks a tie of equal scores and equal academic points by language points', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'GR' }]);
    const apps = await applyAll(call.id, {
      // 38.34 + 25 + 15 (veteran's relative) = 78.34, submitted first.
      bonus: {
        gpa: 3,
        languageScore: 50,
        preferences: [places[0].id],
        declaredFacts: [{ code: 'VETERAN_OR_MARTYR_RELATIVE', evidence: ['files/belge.pdf'] }],
      },
      // 38.34 + 40 = 78.34.
      language: { gpa: 3, languageScore: 80, preferences: [places[0].id] },
    });
    await world.select(call.id);
    const read = await reread(apps);
    expect([read.bonus.score, read.language.score]).toEqual([78.34, 78.34]);
    expect(read.language).toMatchObject({ status: 'SELECTED', rank: 1 });
    expect(read.bonus).toMatchObject({ status: 'RESERVE', rank: 2, reserveRank: 1 });
  });

  it('ranks within each unit’s quota: once a quota is used up, the unit’s next applicants are RESERVE in order; a unit without a quota gets nobody selected', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'IE', capacity: 10 }], {
      quotas: [
        { unitId: world.unit('ENG'), places: 1 },
        { unitId: world.unit('SCI'), places: 1 },
      ],
    });
    const p = [places[0].id];
    const apps = await applyAll(call.id, {
      eng1: { gpa: 3.5, preferences: p },
      eng2: { gpa: 3.2, unitId: world.unit('ENG-EEE'), preferences: p },
      eng3: { gpa: 3, preferences: p },
      sci1: { gpa: 2.8, unitId: world.unit('SCI-PHYS'), preferences: p },
      // A unit without a quota has no places in this call: not selected, and on no reserve list.
      econ1: { gpa: 4, unitId: world.unit('ECON-BA'), preferences: p },
    });
    await world.select(call.id);
    const read = await reread(apps);
    expect(read.eng1).toMatchObject({ status: 'SELECTED', rank: 1, reserveRank: null });
    expect(read.eng2).toMatchObject({ status: 'RESERVE', rank: 2, reserveRank: 1, placedAt: null });
    expect(read.eng3).toMatchObject({ status: 'RESERVE', rank: 3, reserveRank: 2, placedAt: null });
    // SCI's quota is its own: a lower score than ENG's reserves still gets SCI's place.
    expect(read.sci1).toMatchObject({ status: 'SELECTED', rank: 1, placedAt: { id: places[0].id } });
    expect(read.econ1).toMatchObject({ status: 'NOT_SELECTED', reserveRank: null, placedAt: null });
    expect(read.econ1.history.at(-1)).toMatchObject({ from: 'SCORED', to: 'NOT_SELECTED', reason: 'The call has no quota for your unit' });
  });

  it('selects beyond the granted places without a grant (zero-grant), only applicants who accept it', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'LU', capacity: 5 }], {
      quotas: [{ unitId: world.unit('ENG'), places: 2, grantedPlaces: 1 }],
    });
    const p = [places[0].id];
    const apps = await applyAll(call.id, {
      granted: { gpa: 3.5, preferences: p },
      declines: { gpa: 3.2, acceptsZeroGrant: false, preferences: p },
      accepts: { gpa: 3, acceptsZeroGrant: true, preferences: p },
    });
    await world.select(call.id);
    const read = await reread(apps);
    expect(read.granted).toMatchObject({ status: 'SELECTED', zeroGrant: false });
    expect(read.declines).toMatchObject({ status: 'RESERVE', zeroGrant: false, reserveRank: 1 });
    expect(read.accepts).toMatchObject({ status: 'SELECTED', zeroGrant: true, placedAt: { id: places[0].id } });
  });

  it('refuses evaluation while the call is open (CALL_STILL_OPEN) and placement before evaluation (NOT_EVALUATED)', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'PL' }]);
    const apps = await applyAll(call.id, { one: { preferences: [places[0].id] } });
    expect(errorOf(await hub.request(MobEvaluateCallDocument, { callId: call.id }, STAFF))).toMatchObject({ code: 'CONFLICT', reason: 'CALL_STILL_OPEN' });
    await world.closeCall(call.id);
    expect(errorOf(await hub.request(MobRunPlacementDocument, { callId: call.id }, STAFF))).toMatchObject({ code: 'CONFLICT', reason: 'NOT_EVALUATED' });
    expect((await world.read(apps.one.application.id)).status).toBe('SUBMITTED');
  });
});

describe('after the selection', () => {
  const open: { dispose: () => void }[] = [];
  afterEach(async () => {
    open.splice(0).forEach((s) => s.dispose());
    await waitFor(() => hub.hub.dispatcher.listenerCount === 0, 5000, 'the subscriptions to end');
  });

  it('promotes the next reserve automatically when a selected applicant waives, with the reason, and tells them', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'CZ' }]);
    const p = [places[0].id];
    const apps = await applyAll(call.id, {
      first: { gpa: 3.5, preferences: p },
      second: { gpa: 3.2, preferences: p },
      third: { gpa: 3, preferences: p },
    });
    await world.select(call.id);
    let read = await reread(apps);
    expect([read.first.status, read.second.status, read.third.status]).toEqual(['SELECTED', 'RESERVE', 'RESERVE']);
    expect([read.second.reserveRank, read.third.reserveRank]).toEqual([1, 2]);

    const sub = subscribe(await hub.ws(apps.second.who), MobApplicationStatusChangedDocument, {});
    open.push(sub);
    await world.listening(1);

    const waived = ok(
      await hub.request(MobWaiveApplicationDocument, { input: { id: read.first.id, version: read.first.version, reason: 'Staying for an internship' } }, apps.first.who),
    ).waiveMobilityApplication;
    expect(waived.status).toBe('WAIVED');
    expect(waived.history[waived.history.length - 1]).toMatchObject({ from: 'SELECTED', to: 'WAIVED', actor: apps.first.who.sub, reason: 'Staying for an internship' });

    const reason = 'Promoted from the reserve list after a place was freed';
    const event = await sub.nextWhere((r) => r.data?.applicationStatusChanged.applicationId === read.second.id);
    expect(event.errors).toBeUndefined();
    expect(event.data!.applicationStatusChanged).toMatchObject({
      applicationId: read.second.id,
      number: read.second.number,
      callId: call.id,
      from: 'RESERVE',
      to: 'SELECTED',
      reason,
      application: { id: read.second.id, status: 'SELECTED' },
    });

    read = await reread(apps);
    expect(read.second).toMatchObject({ status: 'SELECTED', reserveRank: null, placedAt: { id: places[0].id } });
    expect(read.second.history[read.second.history.length - 1]).toMatchObject({ from: 'RESERVE', to: 'SELECTED', reason });
    expect(read.third).toMatchObject({ status: 'RESERVE' });
    // The waiver was the first applicant's only step; nothing was delivered about others' applications to the second.
    expect(sub.results.every((r) => r.data?.applicationStatusChanged.applicationId === read.second.id)).toBe(true);
  });

  it('refuses a waiver after the waiver deadline (WAIVER_DEADLINE_PASSED); a withdrawal then counts −10 on a later application', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'HU' }]);
    const p = [places[0].id];
    const apps = await applyAll(call.id, {
      quitter: { gpa: 3.5, preferences: p },
      reserve: { gpa: 3, preferences: p },
    });
    await world.select(call.id);
    ok(await world.updateCall(call.id, { waiverDeadline: iso(0) }));
    await sleep(20);
    const selected = await world.read(apps.quitter.application.id);
    expect(selected.status).toBe('SELECTED');
    const late = await hub.request(MobWaiveApplicationDocument, { input: { id: selected.id, version: selected.version, reason: 'Too late' } }, apps.quitter.who);
    expect(errorOf(late)).toMatchObject({ code: 'CONFLICT', reason: 'WAIVER_DEADLINE_PASSED' });
    expect((await world.read(selected.id)).status).toBe('SELECTED');

    const withdrawn = ok(
      await hub.request(MobWithdrawApplicationDocument, { input: { id: selected.id, version: selected.version, reason: 'Found a job' } }, apps.quitter.who),
    ).withdrawMobilityApplication;
    expect(withdrawn.status).toBe('WITHDRAWN');
    // The freed place went to the reserve.
    expect((await world.read(apps.reserve.application.id)).status).toBe('SELECTED');

    // A later call: the same student, with the same grades, carries the penalty; another student does not.
    const later = await world.callWithPlaces([{ country: 'SK' }]);
    const again = await world.apply(apps.quitter.who, later.call.id, { gpa: 3, languageScore: 80, preferences: [later.places[0].id] });
    const clean = await world.apply(world.applicant(), later.call.id, { gpa: 3, languageScore: 80, preferences: [later.places[0].id] });
    await world.closeCall(later.call.id);
    await world.evaluate(later.call.id);
    const penalised = await world.read(again.id);
    expect(penalised).toMatchObject({ status: 'SCORED', score: 68.34 });
    expect(lines(penalised)[2]).toEqual({ criterion: 'WITHDREW_AFTER_SELECTION', input: '1 withdrawal after selection', points: -10 });
    expect(await world.read(clean.id)).toMatchObject({ status: 'SCORED', score: 78.34 });
  });

  it('a waiver within the waiver period carries no penalty later', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'RO' }]);
    const apps = await applyAll(call.id, { waiver: { gpa: 3.5, preferences: [places[0].id] } });
    await world.select(call.id);
    const selected = await world.read(apps.waiver.application.id);
    ok(await hub.request(MobWaiveApplicationDocument, { input: { id: selected.id, version: selected.version } }, apps.waiver.who));
    const later = await world.callWithPlaces([{ country: 'BG' }]);
    const again = await world.apply(apps.waiver.who, later.call.id, { gpa: 3, languageScore: 80, preferences: [later.places[0].id] });
    await world.closeCall(later.call.id);
    await world.evaluate(later.call.id);
    expect(await world.read(again.id)).toMatchObject({ status: 'SCORED', score: 78.34 });
  });
});

describe('anonymised results', () => {
  it('are RESULTS_NOT_PUBLISHED for the public until the office publishes them; then they show numbers, scores and outcomes, no names', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'NO' }], { call: { reserveListSize: 1 } });
    const p = [places[0].id];
    const apps = await applyAll(call.id, {
      winner: { gpa: 3.5, preferences: p },
      reserve: { gpa: 3.2, preferences: p },
      notSelected: { gpa: 3, preferences: p },
      ineligible: { gpa: 1.5, preferences: p },
      draft: { gpa: 4, preferences: p, submit: false },
    });
    await world.select(call.id);
    const read = await reread(apps);

    for (const who of [undefined, apps.winner.who, world.coordinator('ENG')]) {
      const res = await hub.request(MobSelectionResultsDocument, { callId: call.id }, who);
      expect(errorOf(res)).toMatchObject({ code: 'NOT_FOUND', reason: 'RESULTS_NOT_PUBLISHED' });
    }
    // The office previews them.
    expect(ok(await hub.request(MobSelectionResultsDocument, { callId: call.id }, STAFF)).selectionResults).toHaveLength(4);

    const published = ok(await hub.request(MobPublishResultsDocument, { callId: call.id }, STAFF)).publishSelectionResults;
    expect(published.resultsPublishedAt).not.toBeNull();
    const res = await hub.request(MobSelectionResultsRawDocument, { callId: call.id });
    const results = ok(res).selectionResults;
    expect(results).toEqual([
      {
        __typename: 'SelectionResultEntry',
        number: read.winner.number,
        score: 84.17,
        outcome: 'SELECTED',
        rank: 1,
        reserveRank: null,
        zeroGrant: false,
        partnerName: places[0].partner.officialName,
        country: 'NO',
      },
      { __typename: 'SelectionResultEntry', number: read.reserve.number, score: 80.67, outcome: 'RESERVE', rank: 2, reserveRank: 1, zeroGrant: false, partnerName: null, country: null },
      { __typename: 'SelectionResultEntry', number: read.notSelected.number, score: 78.34, outcome: 'NOT_SELECTED', rank: 3, reserveRank: null, zeroGrant: false, partnerName: null, country: null },
      { __typename: 'SelectionResultEntry', number: read.ineligible.number, score: null, outcome: 'INELIGIBLE', rank: null, reserveRank: null, zeroGrant: false, partnerName: null, country: null },
    ]);
    // Nothing in the published list names an applicant.
    const body = JSON.stringify(res.data);
    for (const { who } of Object.values(apps)) expect(body).not.toContain(who.sub!);
    expect(body).not.toContain(read.draft.number);
  });
});

describe('dashboard', () => {
  it('counts a call’s applications by status, unit and destination country, and the places left; drafts are not counted', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'DE', capacity: 2 }, { country: 'FR' }, { country: 'IT' }]);
    const [de, fr, it] = places;
    await applyAll(call.id, {
      a1: { gpa: 3.5, preferences: [de.id] },
      a2: { gpa: 3.2, preferences: [de.id, fr.id] },
      a3: { gpa: 3, preferences: [de.id] },
      s1: { gpa: 2, unitId: world.unit('SCI-PHYS'), preferences: [fr.id] },
      s2: { gpa: 3, unitId: world.unit('SCI-MATH'), preferences: [fr.id], submit: false },
    });
    // Place capacity: DE 2 (a1, a2), FR 1 (nobody left for it: a3 only wants DE).
    await world.select(call.id);
    const dashboard = ok(await hub.request(MobDashboardDocument, { callId: call.id }, STAFF)).mobilityDashboard;
    const sorted = <T>(rows: T[], key: (r: T) => string) => [...rows].sort((x, y) => key(x).localeCompare(key(y)));
    expect(sorted(dashboard.byStatus, (r) => r.status)).toEqual([
      { status: 'INELIGIBLE', count: 1 },
      { status: 'RESERVE', count: 1 },
      { status: 'SELECTED', count: 2 },
    ]);
    expect(sorted(dashboard.byUnit.map((u) => ({ unit: u.unit!.code, count: u.count })), (r) => r.unit)).toEqual([
      { unit: 'ENG-CENG', count: 3 },
      { unit: 'SCI-PHYS', count: 1 },
    ]);
    expect(sorted(dashboard.byCountry, (r) => r.country)).toEqual([
      { country: 'DE', count: 3 },
      { country: 'FR', count: 1 },
    ]);
    expect(dashboard.byCall).toEqual([{ call: { id: call.id }, count: 4 }]);
    const left = new Map(dashboard.placesLeft.map((p) => [p.place!.id, { capacity: p.capacity, taken: p.taken, left: p.left }]));
    expect(left.get(de.id)).toEqual({ capacity: 2, taken: 2, left: 0 });
    expect(left.get(fr.id)).toEqual({ capacity: 1, taken: 0, left: 1 });
    expect(left.get(it.id)).toEqual({ capacity: 1, taken: 0, left: 1 });

  });

  it('runs a constant number of SQL statements for the dashboard and for a page of 20 applications as for 5', async () => {
    // A small call (2 applications, 1 place) and a large one (22 applications, 2 places of 3).
    const small = await world.callWithPlaces([{ country: 'FI' }]);
    for (let i = 0; i < 2; i++) await world.apply(world.applicant(), small.call.id, { gpa: 3 + i / 10, preferences: [small.places[0].id] });
    await world.select(small.call.id);
    const large = await world.callWithPlaces([{ country: 'EE', capacity: 3 }, { country: 'LV', capacity: 3 }]);
    const [first, second] = large.places;
    const units = ['ENG-CENG', 'ENG-EEE', 'ENG-ME', 'SCI-PHYS', 'ECON-BA'];
    // Applications are numbered (and listed) in the order made. The 1st, 3rd and 4th get the first place, the 2nd,
    // 5th and 6th the second: both pages hold both places, so the places and their partners are read alike for each
    // (a place already read for placedAt is not read again for the preferences; that saving must not differ by page).
    const gpas = [4, 3.85, 3.95, 3.9, 3.8, 3.75];
    for (let i = 0; i < 22; i++) {
      const gpa = gpas[i] ?? 3 - i / 100;
      await world.apply(world.applicant(), large.call.id, { gpa, unitId: world.unit(units[i % units.length]), preferences: [first.id, second.id] });
    }
    await world.select(large.call.id);

    const dashSmall = await hub.request(MobDashboardDocument, { callId: small.call.id }, STAFF);
    const dashLarge = await hub.request(MobDashboardDocument, { callId: large.call.id }, STAFF);
    expect(ok(dashLarge).mobilityDashboard.byUnit.length).toBe(5);
    expect(dashSmall.extensions!.sqlStatements).toBeGreaterThan(0);
    expect(dashLarge.extensions!.sqlStatements).toBe(dashSmall.extensions!.sqlStatements);

    const page5 = await hub.request(MobApplicationsDetailedDocument, { filter: { callId: large.call.id }, first: 5 }, STAFF);
    const page20 = await hub.request(MobApplicationsDetailedDocument, { filter: { callId: large.call.id }, first: 20 }, STAFF);
    expect(ok(page5).mobilityApplications.nodes).toHaveLength(5);
    const nodes = ok(page20).mobilityApplications.nodes;
    expect(nodes).toHaveLength(20);
    expect(nodes.every((n) => n.history.length >= 5 && n.preferences.length === 2 && n.call.programme.code === 'ERASMUS_KA131')).toBe(true);
    expect(nodes.filter((n) => n.placedAt !== null).map((n) => n.placedAt!.id)).toEqual([first.id, second.id, first.id, first.id, second.id, second.id]);
    expect(page5.extensions!.sqlStatements).toBeGreaterThan(0);
    expect(page20.extensions!.sqlStatements).toBe(page5.extensions!.sqlStatements);
  });
});
