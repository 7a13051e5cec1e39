import {
  DirectoryDuplicatesDocument,
  DirectoryMergeDocument,
  HomeInstitutionDocument,
  NodeByIdDocument,
  PartnerSetupAgreementDocument,
  PartnerSetupInstitutionDocument,
  PartnerSetupSignDocument,
  PartnerSetupStatusDocument,
} from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';

let hub: TestHub;
const STAFF = { role: 'STAFF' as const };
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

async function create(input: { officialName: string; country: string; website?: string; erasmusCode?: string }) {
  const res = await hub.request(PartnerSetupInstitutionDocument, { input }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.createInstitution.id;
}

describe('duplicate candidates in the directory', () => {
  it('pairs institutions of one country that share a domain or have similar names, and never two with different Erasmus codes', async () => {
    // Iceland: few institutions in the demo data, so the pairs below are the ones that matter.
    const sharedDomainA = await create({ officialName: 'Listaháskóli Íslands', country: 'IS', website: 'www.lhi-dup.is' });
    const sharedDomainB = await create({ officialName: 'Iceland University of the Arts', country: 'IS', website: 'https://lhi-dup.is/en' });
    const similarA = await create({ officialName: 'Háskólinn á Hólum Duplicate', country: 'IS' });
    const similarB = await create({ officialName: 'Haskolinn a Holum Duplicate', country: 'IS' });
    const codedA = await create({ officialName: 'Reykjavik Test Academy', country: 'IS', erasmusCode: 'IS REYKJAV98' });
    const codedB = await create({ officialName: 'Reykjavik Test Academy', country: 'IS', erasmusCode: 'IS REYKJAV97' });

    const res = await hub.request(DirectoryDuplicatesDocument, { country: 'IS', first: 50 }, STAFF);
    expect(res.errors).toBeUndefined();
    const pairs = res.data!.institutionDuplicateCandidates.map((c) => [c.first.id, c.second.id].sort().join(' '));
    const pair = (a: string, b: string) => [a, b].sort().join(' ');
    expect(pairs).toContain(pair(sharedDomainA, sharedDomainB));
    expect(pairs).toContain(pair(similarA, similarB));
    expect(pairs).not.toContain(pair(codedA, codedB));
    const domainPair = res.data!.institutionDuplicateCandidates.find((c) => pair(c.first.id, c.second.id) === pair(sharedDomainA, sharedDomainB))!;
    expect(domainPair.sharedDomains).toEqual(['lhi-dup.is']);
    // Shared domains come first.
    expect(res.data!.institutionDuplicateCandidates[0].sharedDomains.length).toBeGreaterThan(0);
  });

  it('is for the office only', async () => {
    for (const who of [undefined, { role: 'COORDINATOR' as const }]) {
      const res = await hub.request(DirectoryDuplicatesDocument, { country: 'IS' }, who);
      expect(res.errors![0].extensions!.code).toBe(who ? 'FORBIDDEN' : 'UNAUTHENTICATED');
    }
  });
});

describe('merging duplicates', () => {
  it('moves agreements and fills identifiers into the institution kept, keeps the other name, and removes the duplicate', async () => {
    const keep = await create({ officialName: 'Universidade do Teste Merge', country: 'PT', website: 'www.utm-merge.pt' });
    const duplicate = await create({ officialName: 'UNIVERSIDADE DO TESTE MERGE (LISBOA)', country: 'PT', erasmusCode: 'P  LISBOA98' });
    const home = (await hub.request(HomeInstitutionDocument, {})).data!.homeInstitution.id;
    const agreement = await hub.request(
      PartnerSetupAgreementDocument,
      {
        input: {
          kind: 'BILATERAL',
          title: 'Merge test',
          partners: [{ institutionId: duplicate }],
          firstAcademicYear: '2025/2026',
          lastAcademicYear: '2027/2028',
          conditions: [{ sendingInstitutionId: home, receivingInstitutionId: duplicate, mobilityType: 'STA', firstAcademicYear: '2025/2026', lastAcademicYear: '2027/2028', mobilitiesPerYear: 1, totalDaysPerYear: 5 }],
        },
      },
      STAFF,
    );
    let { id, version } = agreement.data!.createAgreement;
    ({ version } = (await hub.request(PartnerSetupStatusDocument, { id, version, status: 'IN_NEGOTIATION' }, STAFF)).data!.changeAgreementStatus);
    for (const side of ['HOME', 'PARTNER'] as const) {
      ({ version } = (await hub.request(PartnerSetupSignDocument, { input: { id, version, side, signatory: 'Rector', signedOn: '2025-06-01' } }, STAFF)).data!.signAgreement);
    }

    const merged = await hub.request(DirectoryMergeDocument, { keepId: keep, duplicateId: duplicate }, STAFF);
    expect(merged.errors).toBeUndefined();
    expect(merged.data!.mergeInstitutions).toMatchObject({
      id: keep,
      officialName: 'Universidade do Teste Merge',
      erasmusCode: 'P  LISBOA98',
      emailDomains: ['utm-merge.pt'],
      cooperation: { agreementKinds: ['BILATERAL'] },
    });
    expect(merged.data!.mergeInstitutions.otherNames).toContain('UNIVERSIDADE DO TESTE MERGE (LISBOA)');
    expect((await hub.request(NodeByIdDocument, { id: duplicate })).data!.node).toBeNull();
  });

  it('refuses to merge institutions with different Erasmus codes, and changes nothing', async () => {
    const a = await create({ officialName: 'Merge Refused A', country: 'PT', erasmusCode: 'P  PORTO98' });
    const b = await create({ officialName: 'Merge Refused B', country: 'PT', erasmusCode: 'P  PORTO97' });
    const res = await hub.request(DirectoryMergeDocument, { keepId: a, duplicateId: b }, STAFF);
    expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'MERGE_REFUSED', field: 'erasmusCode' });
    expect((await hub.request(NodeByIdDocument, { id: b })).data!.node).not.toBeNull();
  });

  it('never merges the home institution away, and is for the office only', async () => {
    const home = (await hub.request(HomeInstitutionDocument, {})).data!.homeInstitution.id;
    const other = await create({ officialName: 'Not Home', country: 'TR' });
    const res = await hub.request(DirectoryMergeDocument, { keepId: other, duplicateId: home }, STAFF);
    expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'MERGE_REFUSED' });
    const coordinator = await hub.request(DirectoryMergeDocument, { keepId: other, duplicateId: home }, { role: 'COORDINATOR' });
    expect(coordinator.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});
