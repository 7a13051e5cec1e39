/**
 * Programmes (rules as data, per academic year), calls (drafts, windows, quotas) and the places a call takes from
 * the outgoing cooperation conditions of agreements in effect.
 */
import {
  MobAddUnitDocument,
  MobCallAnnouncementDocument,
  MobCallDocument,
  MobCallsDocument,
  MobCreateAnnouncementDocument,
  MobCreateCallDocument,
  MobGenerateCallPlacesDocument,
  MobProgrammesDocument,
  MobPublishCallDocument,
  MobPublishContentDocument,
  MobSetCallPlaceCapacityDocument,
  MobSetCallQuotasDocument,
  MobSetProgrammeRulesDocument,
  MobUpdateCallDocument,
  type MobilityCallFilter,
  type SelectionRulesInput,
} from '../generated/graphql';
import { startTestHub, type Identity, type TestHub } from '../support/hub';
import { errorOf, HOUR, iso, MobilityWorld, ok, placeOf, STAFF, unique, uuidOf, YEAR } from './mobility.support';

let hub: TestHub;
let world: MobilityWorld;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new MobilityWorld(hub).init();
});
afterAll(() => hub.close());

/** Every call id the viewer can list, across pages. */
async function listedCallIds(filter: MobilityCallFilter, as?: Identity): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null | undefined;
  for (;;) {
    const page = ok(await hub.request(MobCallsDocument, { filter, first: 100, after }, as)).mobilityCalls;
    ids.push(...page.nodes.map((n) => n.id));
    if (!page.pageInfo.hasNextPage) return ids;
    after = page.pageInfo.endCursor;
  }
}

function rules(weights: [number, number] = [0.5, 0.5], minBachelor = 2.5): SelectionRulesInput {
  return {
    eligibility: { minGpa: [{ level: 'BACHELOR', gpa: minBachelor }], maxMonthsPerCycle: 12, forbidCitizenshipDestination: false, minYearOfStudy: null },
    score: {
      components: [
        { criterion: 'ACADEMIC', weight: weights[0] },
        { criterion: 'LANGUAGE', weight: weights[1] },
      ],
      gpaTable: [
        { gpa: 0, points: 0 },
        { gpa: 4, points: 100 },
      ],
    },
    declarableFacts: [{ code: 'DISABILITY', points: 10, evidenceRequired: true, label: { tr: 'Engellilik', en: 'Disability' } }],
    automatic: [{ criterion: 'PREVIOUS_MOBILITY', points: -10, label: { tr: 'Önceki hareketlilik', en: 'Earlier mobility' } }],
  };
}

describe('programmes', () => {
  it('lists the programmes publicly, with their rules per academic year; Farabi is there but disabled', async () => {
    const res = await hub.request(MobProgrammesDocument, { academicYear: YEAR, category: 'STUDENT' });
    const programmes = ok(res).mobilityProgrammes;
    expect(programmes.map((p) => p.code).sort()).toEqual(['BILATERAL', 'ERASMUS_KA131', 'ERASMUS_KA171', 'FARABI', 'MEVLANA']);
    const byCode = new Map(programmes.map((p) => [p.code, p]));
    expect(byCode.get('FARABI')).toMatchObject({ enabled: false, family: 'FARABI' });
    for (const code of ['ERASMUS_KA131', 'ERASMUS_KA171', 'MEVLANA', 'BILATERAL'] as const) expect(byCode.get(code)!.enabled).toBe(true);
    // The Turkish Erasmus+ student rules, as data.
    const erasmus = byCode.get('ERASMUS_KA131')!.ruleSet!;
    expect(erasmus).toMatchObject({ academicYear: YEAR, category: 'STUDENT', updatedBy: null });
    expect(erasmus.rules.eligibility).toMatchObject({ maxMonthsPerCycle: 12, forbidCitizenshipDestination: false });
    expect(erasmus.rules.eligibility.minGpa).toEqual(
      expect.arrayContaining([
        { level: 'BACHELOR', gpa: 2.2 },
        { level: 'MASTER', gpa: 2.5 },
      ]),
    );
    expect(erasmus.rules.score.components).toEqual([
      { criterion: 'ACADEMIC', weight: 0.5 },
      { criterion: 'LANGUAGE', weight: 0.5 },
    ]);
    expect(erasmus.rules.score.gpaTable).toContainEqual({ gpa: 3, points: 76.67 });
    expect(erasmus.rules.declarableFacts).toContainEqual(expect.objectContaining({ code: 'VETERAN_OR_MARTYR_RELATIVE', points: 15, evidenceRequired: true }));
    expect(erasmus.rules.automatic).toContainEqual(expect.objectContaining({ criterion: 'PREVIOUS_MOBILITY', points: -10 }));
    expect(byCode.get('MEVLANA')!.ruleSet!.rules.eligibility.forbidCitizenshipDestination).toBe(true);
  });

  it('refuses a call for the disabled Farabi programme with CONFLICT / PROGRAMME_DISABLED and creates nothing', async () => {
    const before = await world.sql<{ n: number }>(`select count(*)::int as n from mobility_call`);
    const res = await hub.request(
      MobCreateCallDocument,
      {
        input: {
          programmeId: world.programme('FARABI'),
          mobilityType: 'SMS',
          academicYear: YEAR,
          title: { tr: 'Farabi çağrısı' },
          opensAt: iso(-HOUR),
          closesAt: iso(HOUR),
        },
      },
      STAFF,
    );
    expect(errorOf(res)).toMatchObject({ code: 'CONFLICT', reason: 'PROGRAMME_DISABLED' });
    expect(await world.sql<{ n: number }>(`select count(*)::int as n from mobility_call`)).toEqual(before);
  });

  it('lets only the office set rules: a visitor is UNAUTHENTICATED, applicants and coordinators FORBIDDEN', async () => {
    const input = { programmeId: world.programme('BILATERAL'), academicYear: '2031/2032', category: 'STAFF' as const, rules: rules() };
    expect(errorOf(await hub.request(MobSetProgrammeRulesDocument, { input }))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'UNAUTHENTICATED' });
    expect(errorOf(await hub.request(MobSetProgrammeRulesDocument, { input }, world.applicant()))).toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
    expect(errorOf(await hub.request(MobSetProgrammeRulesDocument, { input }, world.coordinator('ENG')))).toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
    const stored = ok(await hub.request(MobProgrammesDocument, { academicYear: '2031/2032', category: 'STAFF' })).mobilityProgrammes;
    expect(stored.find((p) => p.code === 'BILATERAL')!.ruleSet).toBeNull();
  });

  it('lets staff set and change a year’s rules with its version; a stale version is a VERSION_CONFLICT, bad weights INVALID_RULES', async () => {
    const base = { programmeId: world.programme('BILATERAL'), academicYear: '2032/2033', category: 'STUDENT' as const };
    const created = ok(await hub.request(MobSetProgrammeRulesDocument, { input: { ...base, rules: rules() } }, STAFF)).setProgrammeRules;
    expect(created).toMatchObject({ academicYear: '2032/2033', category: 'STUDENT', version: 1, updatedBy: STAFF.sub });
    expect(created.rules.eligibility.minGpa).toEqual([{ level: 'BACHELOR', gpa: 2.5 }]);

    const changed = ok(await hub.request(MobSetProgrammeRulesDocument, { input: { ...base, version: 1, rules: rules([0.4, 0.6], 2.75) } }, STAFF)).setProgrammeRules;
    expect(changed.version).toBe(2);
    expect(changed.rules.score.components).toEqual([
      { criterion: 'ACADEMIC', weight: 0.4 },
      { criterion: 'LANGUAGE', weight: 0.6 },
    ]);
    expect(changed.rules.eligibility.minGpa).toEqual([{ level: 'BACHELOR', gpa: 2.75 }]);

    const stale = await hub.request(MobSetProgrammeRulesDocument, { input: { ...base, version: 1, rules: rules([0.7, 0.3]) } }, STAFF);
    expect(errorOf(stale)).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });

    const badWeights = await hub.request(MobSetProgrammeRulesDocument, { input: { ...base, version: 2, rules: rules([0.6, 0.5]) } }, STAFF);
    expect(errorOf(badWeights)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_RULES', field: 'rules.score.components' });

    // Neither refusal changed the stored rules; the public reads what the office set.
    const read = ok(await hub.request(MobProgrammesDocument, { academicYear: '2032/2033', category: 'STUDENT' })).mobilityProgrammes;
    const ruleSet = read.find((p) => p.code === 'BILATERAL')!.ruleSet!;
    expect(ruleSet.version).toBe(2);
    expect(ruleSet.updatedBy).toBeNull(); // office only
    expect(ruleSet.rules.score.components.map((c) => c.weight)).toEqual([0.4, 0.6]);
  });
});

describe('calls', () => {
  it('keeps a draft call from the public and applicants; once published everyone sees it', async () => {
    const draft = await world.draftCall('ERASMUS_KA131');
    expect(draft).toMatchObject({ status: 'DRAFT', version: 1, category: 'STUDENT', isOpen: false, maxPreferences: 3, programme: { code: 'ERASMUS_KA131' } });
    for (const who of [undefined, world.applicant(), world.coordinator('ENG')]) {
      expect(ok(await hub.request(MobCallDocument, { id: draft.id }, who)).mobilityCall).toBeNull();
      expect(await listedCallIds({ academicYear: YEAR }, who)).not.toContain(draft.id);
    }
    expect(ok(await hub.request(MobCallDocument, { id: draft.id }, STAFF)).mobilityCall).toMatchObject({ id: draft.id, status: 'DRAFT' });
    expect(await listedCallIds({ academicYear: YEAR }, STAFF)).toContain(draft.id);
    expect(await listedCallIds({ academicYear: YEAR, statuses: ['DRAFT'] }, STAFF)).toContain(draft.id);

    const published = await world.publish(draft);
    expect(published).toMatchObject({ status: 'PUBLISHED', version: 2, isOpen: true });
    for (const who of [undefined, world.applicant()]) {
      expect(ok(await hub.request(MobCallDocument, { id: draft.id }, who)).mobilityCall).toMatchObject({ id: draft.id, status: 'PUBLISHED', isOpen: true });
      expect(await listedCallIds({ academicYear: YEAR, openNow: true }, who)).toContain(draft.id);
    }
  });

  it('refuses a call whose window is out of order with BAD_USER_INPUT / INVALID_WINDOW naming the field', async () => {
    const base = { programmeId: world.programme('ERASMUS_KA131'), mobilityType: 'SMS' as const, academicYear: YEAR, title: { tr: 'Pencere' } };
    const at = iso(HOUR);
    const cases: [{ opensAt: string; closesAt: string; waiverDeadline?: string; appealEndsAt?: string }, string][] = [
      [{ opensAt: iso(HOUR), closesAt: iso(-HOUR) }, 'closesAt'],
      [{ opensAt: at, closesAt: at }, 'closesAt'],
      [{ opensAt: iso(-HOUR), closesAt: iso(HOUR), waiverDeadline: iso(HOUR / 2) }, 'waiverDeadline'],
      [{ opensAt: iso(-HOUR), closesAt: iso(HOUR), appealEndsAt: iso(0) }, 'appealEndsAt'],
    ];
    for (const [window, field] of cases) {
      const res = await hub.request(MobCreateCallDocument, { input: { ...base, ...window } }, STAFF);
      expect({ window, error: errorOf(res) }).toMatchObject({ window, error: { code: 'BAD_USER_INPUT', reason: 'INVALID_WINDOW', field } });
    }
    // An update is checked against the window it would leave.
    const call = await world.draftCall('ERASMUS_KA131');
    const res = await hub.request(MobUpdateCallDocument, { input: { id: call.id, version: call.version, closesAt: iso(-2 * HOUR) } }, STAFF);
    expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_WINDOW', field: 'closesAt' });
    const res2 = await hub.request(MobUpdateCallDocument, { input: { id: call.id, version: call.version, waiverDeadline: iso(0) } }, STAFF);
    expect(errorOf(res2)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_WINDOW', field: 'waiverDeadline' });
    const unchanged = ok(await hub.request(MobCallDocument, { id: call.id }, STAFF)).mobilityCall!;
    expect(unchanged).toMatchObject({ version: 1, closesAt: call.closesAt, waiverDeadline: call.waiverDeadline });
  });

  it('sets quotas per home unit; a unit of another institution is UNIT_NOT_HOME, the same unit twice DUPLICATE_QUOTA', async () => {
    const call = await world.draftCall('ERASMUS_KA131');
    const set = ok(
      await hub.request(
        MobSetCallQuotasDocument,
        {
          callId: call.id,
          version: call.version,
          quotas: [
            { unitId: world.unit('ENG'), places: 4, grantedPlaces: 3 },
            { unitId: world.unit('SCI'), places: 2 },
            { unitId: world.unit('SCI'), isced: '0533', places: 1 },
          ],
        },
        STAFF,
      ),
    ).setCallQuotas;
    expect(set.quotas.map((q) => ({ unit: q.unit.code, isced: q.isced, places: q.places, grantedPlaces: q.grantedPlaces }))).toEqual([
      { unit: 'ENG', isced: null, places: 4, grantedPlaces: 3 },
      expect.objectContaining({ unit: 'SCI', places: expect.any(Number) }),
      expect.objectContaining({ unit: 'SCI', places: expect.any(Number) }),
    ]);
    expect(set.quotas.filter((q) => q.unit.code === 'SCI').map((q) => [q.isced, q.places])).toEqual(expect.arrayContaining([[null, 2], ['0533', 1]]));

    const partner = await world.partner('DE');
    const partnerUnit = ok(await hub.request(MobAddUnitDocument, { input: { institutionId: partner.id, kind: 'FACULTY', code: `PF${Date.now() % 100000}`, name: { en: 'Partner Faculty' } } }, STAFF))
      .addOrganisationalUnit;
    const notHome = await hub.request(
      MobSetCallQuotasDocument,
      { callId: call.id, version: set.version, quotas: [{ unitId: world.unit('ENG'), places: 1 }, { unitId: partnerUnit.id, places: 1 }] },
      STAFF,
    );
    expect(errorOf(notHome)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNIT_NOT_HOME', field: 'quotas[1].unitId' });

    const duplicate = await hub.request(
      MobSetCallQuotasDocument,
      { callId: call.id, version: set.version, quotas: [{ unitId: world.unit('ENG'), places: 1 }, { unitId: world.unit('ENG'), places: 2 }] },
      STAFF,
    );
    expect(errorOf(duplicate)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'DUPLICATE_QUOTA', field: 'quotas[1]' });

    // The refused replacements left the quotas as they were.
    const read = ok(await hub.request(MobCallDocument, { id: call.id }, STAFF)).mobilityCall!;
    expect(read.quotas).toHaveLength(3);
    expect(read.version).toBe(set.version);
  });
});

describe('places', () => {
  it('takes places only from outgoing conditions of agreements in effect for the call’s type and year; a second run adds nothing', async () => {
    const inEffect = await world.partner('DE');
    const inEffectEng = await world.partner('AT');
    const draft = await world.partner('FR');
    const negotiating = await world.partner('IT');
    const otherType = await world.partner('NL');
    const otherYears = await world.partner('BE');
    await world.agreement([
      { partner: inEffect.id, mobilitiesPerYear: 2, eqfLevels: [6, 7], isced: '0613' },
      { partner: otherType.id, mobilityType: 'SMT' },
      { partner: otherYears.id, firstAcademicYear: '2025/2026', lastAcademicYear: '2026/2027' },
    ]);
    await world.agreement([{ partner: inEffectEng.id, sendingUnit: 'ENG', mobilitiesPerYear: 3 }]);
    await world.agreement([{ partner: draft.id, mobilitiesPerYear: 2 }], { status: 'DRAFT' });
    await world.agreement([{ partner: negotiating.id, mobilitiesPerYear: 2 }], { status: 'IN_NEGOTIATION' });

    const call = await world.draftCall('ERASMUS_KA131');
    const first = await world.generatePlaces(call.id);
    const names = first.map((p) => p.partner.officialName);
    expect(placeOf(first, inEffect.name)).toMatchObject({ country: 'DE', capacity: 2, eqfLevels: [6, 7], iscedCodes: ['0613'], sendingUnit: null, taken: 0, left: 2 });
    expect(placeOf(first, inEffectEng.name)).toMatchObject({ country: 'AT', capacity: 3, sendingUnit: { code: 'ENG' } });
    for (const absent of [draft, negotiating, otherType, otherYears]) expect(names).not.toContain(absent.name);

    // The office may change a capacity; a second run keeps it and adds no place twice.
    const changed = ok(await hub.request(MobSetCallPlaceCapacityDocument, { placeId: placeOf(first, inEffect.name).id, capacity: 1 }, STAFF)).setCallPlaceCapacity;
    expect(changed.capacity).toBe(1);
    const second = await world.generatePlaces(call.id);
    expect(second.map((p) => p.id).sort()).toEqual(first.map((p) => p.id).sort());
    expect(placeOf(second, inEffect.name).capacity).toBe(1);

    // An agreement that comes into effect later is picked up by the next run, and only its place is new.
    await world.agreement([{ partner: negotiating.id, mobilitiesPerYear: 2 }]);
    const third = await world.generatePlaces(call.id);
    expect(third).toHaveLength(first.length + 1);
    expect(placeOf(third, negotiating.name)).toMatchObject({ country: 'IT', capacity: 2 });
  });

  it('leaves the programme countries out of a KA171 (partner countries) call', async () => {
    const japan = await world.partner('JP');
    const germany = await world.partner('DE');
    await world.agreement([{ partner: japan.id }, { partner: germany.id }]);
    const programmes = ok(await hub.request(MobProgrammesDocument, { academicYear: YEAR, category: 'STUDENT' })).mobilityProgrammes;
    const excluded = programmes.find((p) => p.code === 'ERASMUS_KA171')!.countriesExcluded;
    expect(excluded).toEqual(expect.arrayContaining(['DE', 'FR', 'TR']));

    const ka171 = await world.draftCall('ERASMUS_KA171');
    const places = await world.generatePlaces(ka171.id);
    expect(placeOf(places, japan.name).country).toBe('JP');
    expect(places.map((p) => p.partner.officialName)).not.toContain(germany.name);
    expect(places.filter((p) => excluded.includes(p.country))).toEqual([]);

    // The same agreement gives a KA131 call the German place and not the Japanese one.
    const ka131 = await world.draftCall('ERASMUS_KA131');
    const ka131Places = await world.generatePlaces(ka131.id);
    expect(placeOf(ka131Places, germany.name).country).toBe('DE');
    expect(ka131Places.map((p) => p.partner.officialName)).not.toContain(japan.name);
  });

  it('refuses a negative capacity, and one below the applicants already holding the place, with INVALID_CAPACITY', async () => {
    const { call, places } = await world.callWithPlaces([{ country: 'BE', capacity: 2 }]);
    const place = places[0].id;
    const negative = await hub.request(MobSetCallPlaceCapacityDocument, { placeId: place, capacity: -1 }, STAFF);
    expect(errorOf(negative)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CAPACITY', field: 'capacity' });

    const holder = world.applicant('holder');
    await world.apply(holder, call.id, { preferences: [place] });
    await world.select(call.id);
    const below = await hub.request(MobSetCallPlaceCapacityDocument, { placeId: place, capacity: 0 }, STAFF);
    expect(errorOf(below)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CAPACITY', field: 'capacity' });
    expect(below.errors![0].message).toContain('held by 1 applicant(s)');
    const kept = ok(await hub.request(MobSetCallPlaceCapacityDocument, { placeId: place, capacity: 1 }, STAFF)).setCallPlaceCapacity;
    expect(kept.capacity).toBe(1);
  });

  it('lets only the office generate places', async () => {
    const call = await world.draftCall('ERASMUS_KA131');
    expect(errorOf(await hub.request(MobGenerateCallPlacesDocument, { callId: call.id }, world.applicant()))).toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
    expect(errorOf(await hub.request(MobGenerateCallPlacesDocument, { callId: call.id }, world.coordinator('ENG')))).toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
    expect(errorOf(await hub.request(MobPublishCallDocument, { id: call.id, version: call.version }, world.applicant()))).toMatchObject({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
  });
});

describe('announcement', () => {
  it('takes the call’s ID as an announcement’s mobilityCallId and gives it back', async () => {
    const call = await world.publish(await world.draftCall('ERASMUS_KA131'));
    const res = await hub.request(
      MobCreateAnnouncementDocument,
      { input: { type: 'ANNOUNCEMENT', title: { tr: unique('Başvurular açıldı') }, announcement: { kind: 'CALL', mobilityCallId: call.id } } },
      STAFF,
    );
    expect(ok(res).createContent).toMatchObject({ status: 'DRAFT', mobilityCallId: call.id });
  });

  it('resolves call.announcement to the published announcement whose mobilityCallId is the call, as the viewer may see it', async () => {
    const call = await world.publish(await world.draftCall('ERASMUS_KA131'));
    expect(ok(await hub.request(MobCallAnnouncementDocument, { id: call.id })).mobilityCall!.announcement).toBeNull();

    const title = unique('Erasmus+ başvuruları açıldı');
    const created = ok(await hub.request(MobCreateAnnouncementDocument, { input: { type: 'ANNOUNCEMENT', title: { tr: title }, announcement: { kind: 'CALL' } } }, STAFF))
      .createContent;
    // The link is written directly, so that this test checks the call's side whatever the content API takes (see the
    // test above for the API).
    await world.sql(`update content_item set mobility_call_id = ? where id = ?`, [uuidOf(call.id), uuidOf(created.id)]);

    // A draft announcement is the office's: the public does not see it through the call.
    expect(ok(await hub.request(MobCallAnnouncementDocument, { id: call.id })).mobilityCall!.announcement).toBeNull();
    expect(ok(await hub.request(MobCallAnnouncementDocument, { id: call.id }, STAFF)).mobilityCall!.announcement).toMatchObject({ id: created.id, status: 'DRAFT' });

    ok(await hub.request(MobPublishContentDocument, { id: created.id, version: created.version }, STAFF));
    for (const who of [undefined, world.applicant(), STAFF]) {
      const announcement = ok(await hub.request(MobCallAnnouncementDocument, { id: call.id }, who)).mobilityCall!.announcement;
      expect(announcement).toMatchObject({ __typename: 'Announcement', id: created.id, title, status: 'PUBLISHED', kind: 'CALL' });
    }

    // Another call has no announcement.
    const other = await world.publish(await world.draftCall('ERASMUS_KA131'));
    expect(ok(await hub.request(MobCallAnnouncementDocument, { id: other.id })).mobilityCall!.announcement).toBeNull();
  });
});
