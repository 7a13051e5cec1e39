import {
  HomeInstitutionDocument,
  PartnerDocument,
  PartnerFacetsDocument,
  PartnerInternalNoteDocument,
  PartnersDocument,
  PartnerSetupAgreementDocument,
  PartnerSetupInstitutionDocument,
  PartnerSetupSignDocument,
  PartnerSetupStatusDocument,
  PartnersWithContactsDocument,
  type AgreementKind,
  type MobilityType,
} from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';

/**
 * The public partner list: institutions with an agreement in effect (or expired), never those only in drafts or
 * negotiation; filters and facet counts for the website.
 */
let hub: TestHub;
let homeId: string;
const STAFF = { role: 'STAFF' as const };
const tag = `P${Date.now().toString(36).toUpperCase()}`;
const ids: Record<string, string> = {};

async function institution(key: string, country: string, city: string) {
  const res = await hub.request(
    PartnerSetupInstitutionDocument,
    { input: { officialName: `${tag} ${key} University`, country, city, internalNote: 'negotiation tactics', website: `www.${key.toLowerCase()}-${tag.toLowerCase()}.example` } },
    STAFF,
  );
  expect(res.errors).toBeUndefined();
  ids[key] = res.data!.createInstitution.id;
}

async function agreement(
  partner: string,
  kind: AgreementKind,
  status: 'DRAFT' | 'IN_NEGOTIATION' | 'IN_EFFECT' | 'EXPIRED',
  isced: string[],
  mobilityType: MobilityType = 'SMS',
  languages = ['en'],
) {
  const created = await hub.request(
    PartnerSetupAgreementDocument,
    {
      input: {
        kind,
        title: `${tag} ${partner} ${kind}`,
        partners: [{ institutionId: ids[partner] }],
        firstAcademicYear: '2024/2025',
        lastAcademicYear: '2028/2029',
        conditions: [
          {
            sendingInstitutionId: homeId,
            receivingInstitutionId: ids[partner],
            mobilityType,
            firstAcademicYear: '2024/2025',
            lastAcademicYear: '2028/2029',
            mobilitiesPerYear: 2,
            ...(mobilityType === 'SMS' || mobilityType === 'SMT' ? { totalMonthsPerYear: 10 } : { totalDaysPerYear: 10 }),
            subjectAreas: isced.map((code) => ({ isced: code })),
            eqfLevels: [6, 7],
            languages: languages.map((language) => ({ language, cefr: 'B2' })),
          },
        ],
      },
    },
    STAFF,
  );
  expect(created.errors).toBeUndefined();
  let { id, version } = created.data!.createAgreement;
  if (status === 'DRAFT') return;
  const negotiating = await hub.request(PartnerSetupStatusDocument, { id, version, status: 'IN_NEGOTIATION' }, STAFF);
  ({ version } = negotiating.data!.changeAgreementStatus);
  if (status === 'IN_NEGOTIATION') return;
  for (const side of ['HOME', 'PARTNER'] as const) {
    const signed = await hub.request(PartnerSetupSignDocument, { input: { id, version, side, signatory: 'Rector', signedOn: '2024-05-01' } }, STAFF);
    expect(signed.errors).toBeUndefined();
    ({ version } = signed.data!.signAgreement);
  }
  if (status === 'EXPIRED') {
    const expired = await hub.request(PartnerSetupStatusDocument, { id, version, status: 'EXPIRED' }, STAFF);
    expect(expired.data!.changeAgreementStatus.status).toBe('EXPIRED');
  }
}

beforeAll(async () => {
  hub = await startTestHub();
  homeId = (await hub.request(HomeInstitutionDocument, {})).data!.homeInstitution.id;
  await institution('BERLIN', 'DE', 'Berlin');
  await institution('MUNICH', 'DE', 'München');
  await institution('LYON', 'FR', 'Lyon');
  await institution('IZMIR', 'TR', 'İzmir');
  await institution('DRAFTONLY', 'IT', 'Roma');
  await institution('PAST', 'PL', 'Łódź');
  await agreement('BERLIN', 'ERASMUS_IIA', 'IN_EFFECT', ['0613', '0714']);
  await agreement('MUNICH', 'ERASMUS_IIA', 'IN_EFFECT', ['0533'], 'STA', ['de']);
  await agreement('LYON', 'BILATERAL', 'IN_EFFECT', ['0413'], 'SMS', ['fr', 'en']);
  await agreement('IZMIR', 'FARABI', 'IN_EFFECT', ['0613'], 'SMS', ['tr']);
  await agreement('DRAFTONLY', 'ERASMUS_IIA', 'IN_NEGOTIATION', ['0613']);
  await agreement('PAST', 'ERASMUS_IIA', 'EXPIRED', ['0231']);
});
afterAll(() => hub.close());

const mine = (nodes: { officialName: string }[]) => nodes.map((n) => n.officialName).filter((n) => n.startsWith(tag)).sort();

describe('partners (public)', () => {
  it('lists institutions with agreements in effect or expired, never those only in negotiation', async () => {
    const res = await hub.request(PartnersDocument, { filter: { search: tag }, first: 50 });
    expect(res.errors).toBeUndefined();
    expect(mine(res.data!.partners.nodes)).toEqual(
      ['BERLIN', 'IZMIR', 'LYON', 'MUNICH', 'PAST'].map((k) => `${tag} ${k} University`),
    );
    const berlin = res.data!.partners.nodes.find((n) => n.id === ids.BERLIN)!;
    expect(berlin.cooperation).toMatchObject({
      hasActiveAgreement: true,
      activeUntil: '2028/2029',
      agreementKinds: ['ERASMUS_IIA'],
      mobilityTypes: ['SMS'],
      iscedCodes: ['0613', '0714'],
      eqfLevels: [6, 7],
      languages: ['en'],
    });
    expect(berlin.website).toBe(`https://www.berlin-${tag.toLowerCase()}.example`);
    const past = res.data!.partners.nodes.find((n) => n.id === ids.PAST)!;
    expect(past.cooperation!.hasActiveAgreement).toBe(false);
  });

  it.each([
    ['country', { countries: ['DE'] }, ['BERLIN', 'MUNICH']],
    ['agreement kind', { agreementKinds: ['BILATERAL', 'FARABI'] as AgreementKind[] }, ['IZMIR', 'LYON']],
    ['mobility type', { mobilityTypes: ['STA'] as MobilityType[] }, ['MUNICH']],
    ['ISCED prefix', { iscedCodes: ['06'] }, ['BERLIN', 'IZMIR']],
    ['language', { languages: ['fr'] }, ['LYON']],
    ['EQF level', { eqfLevels: [7] }, ['BERLIN', 'IZMIR', 'LYON', 'MUNICH', 'PAST']],
    ['academic year', { academicYear: '2029/2030' }, []],
    ['active agreement', { hasActiveAgreement: false }, ['PAST']],
    ['city with diacritics typed plainly', { search: `${tag} lodz` }, ['PAST']],
  ])('filters by %s', async (_what, filter, expected) => {
    const res = await hub.request(PartnersDocument, { filter: { search: tag, ...filter }, first: 50 });
    expect(res.errors).toBeUndefined();
    expect(mine(res.data!.partners.nodes)).toEqual(expected.map((k) => `${tag} ${k} University`));
  });

  it('counts facets under the same filter, each facet ignoring its own criterion', async () => {
    const res = await hub.request(PartnerFacetsDocument, { filter: { search: tag, countries: ['DE'] } });
    expect(res.errors).toBeUndefined();
    const facets = res.data!.partnerFacets;
    expect(facets.total).toBe(2);
    // Countries ignore the country filter: the website can offer the other countries with their counts.
    expect(facets.countries).toEqual(expect.arrayContaining([{ value: 'DE', count: 2 }, { value: 'FR', count: 1 }, { value: 'TR', count: 1 }, { value: 'PL', count: 1 }]));
    expect(facets.countries.find((c) => c.value === 'IT')).toBeUndefined();
    // The other facets respect it.
    expect(facets.agreementKinds).toEqual([{ value: 'ERASMUS_IIA', count: 2 }]);
    expect(facets.iscedBroadFields).toEqual(expect.arrayContaining([{ value: '05', count: 1 }, { value: '06', count: 1 }, { value: '07', count: 1 }]));
  });

  it('answers partner(id) for a partner and null for an institution in negotiation only', async () => {
    expect((await hub.request(PartnerDocument, { id: ids.LYON })).data!.partner).toMatchObject({ id: ids.LYON });
    expect((await hub.request(PartnerDocument, { id: ids.DRAFTONLY })).data!.partner).toBeNull();
  });

  it('never shows internal notes to the public', async () => {
    const res = await hub.request(PartnerInternalNoteDocument, { id: ids.BERLIN });
    expect(res.data!.partner).toMatchObject({ id: ids.BERLIN, internalNote: null });
    expect(res.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const staff = await hub.request(PartnerInternalNoteDocument, { id: ids.BERLIN }, STAFF);
    expect(staff.data!.partner!.internalNote).toBe('negotiation tactics');
  });

  it('runs the same number of SQL statements for 2 or 5 partners with contacts and cooperation', async () => {
    const small = await hub.request(PartnersWithContactsDocument, { first: 2 });
    const large = await hub.request(PartnersWithContactsDocument, { first: 5 });
    expect(large.errors).toBeUndefined();
    expect(large.data!.partners.nodes.length).toBe(5);
    expect(large.extensions!.sqlStatements).toBe(small.extensions!.sqlStatements);
  });

  it('rejects malformed filters with the field named', async () => {
    const res = await hub.request(PartnersDocument, { filter: { countries: ['Germany'] } });
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'countries' });
  });
});

describe('partners paging', () => {
  it('pages by name with cursors, without overlap, and counts them all', async () => {
    const seen: string[] = [];
    let after: string | null | undefined;
    for (let i = 0; i < 10; i++) {
      const res = await hub.request(PartnersDocument, { filter: { search: tag }, first: 2, after });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data!.partners.nodes.map((n) => n.officialName));
      expect(res.data!.partners.totalCount).toBe(5);
      if (!res.data!.partners.pageInfo.hasNextPage) break;
      after = res.data!.partners.pageInfo.endCursor;
    }
    expect(seen).toEqual(mine(seen.map((officialName) => ({ officialName }))));
    expect(seen).toHaveLength(5);
  });

  it('refuses a cursor from another list', async () => {
    const res = await hub.request(PartnersDocument, { first: 2, after: Buffer.from('[1,2,3]').toString('base64url') });
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CURSOR' });
  });
});
