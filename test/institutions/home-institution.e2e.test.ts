import { HomeInstitutionDocument, UpdateHomeInstitutionDocument } from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

const current = async () => (await hub.request(HomeInstitutionDocument, {})).data!.homeInstitution;

describe('updateHomeInstitution', () => {
  it('lets the office correct the record and bumps its version', async () => {
    const before = await current();
    const res = await hub.request(
      UpdateHomeInstitutionDocument,
      { input: { id: before.id, version: before.version, city: 'Çankaya, Ankara' } },
      { role: 'STAFF' },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateHomeInstitution).toMatchObject({ city: 'Çankaya, Ankara', version: before.version + 1 });
  });

  it('refuses applicants and coordinators', async () => {
    const before = await current();
    for (const role of ['APPLICANT', 'COORDINATOR'] as const) {
      const res = await hub.request(UpdateHomeInstitutionDocument, { input: { id: before.id, version: before.version, city: 'X' } }, { role });
      expect(res.errors![0].extensions!.code).toBe('FORBIDDEN');
    }
    expect((await current()).version).toBe(before.version);
  });

  it('refuses a stale version with CONFLICT', async () => {
    const before = await current();
    const res = await hub.request(
      UpdateHomeInstitutionDocument,
      { input: { id: before.id, version: before.version - 1 || 99, city: 'Stale' } },
      { role: 'ADMIN' },
    );
    expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
  });

  it('refuses an Erasmus code that is not in canonical form, naming the field', async () => {
    const before = await current();
    const res = await hub.request(
      UpdateHomeInstitutionDocument,
      { input: { id: before.id, version: before.version, erasmusCode: 'tr ankara9' } },
      { role: 'ADMIN' },
    );
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'erasmusCode' });
    expect((await current()).erasmusCode).toBe('TR ANKARA99');
  });
});
