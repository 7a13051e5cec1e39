import { DirectoryDuplicatesDocument, PartnerSetupInstitutionDocument } from '../generated/graphql';
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
