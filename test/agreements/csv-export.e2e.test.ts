import { parse } from 'csv-parse/sync';
import { institutionsCsv } from '../../src/modules/exports/csv-export';
import { PartnerSetupInstitutionDocument } from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

describe('CSV export for the office’s spreadsheets', () => {
  it('neutralises text a spreadsheet would run as a formula', async () => {
    const name = `=HYPERLINK("http://evil.example","${Date.now()}")`;
    const created = await hub.request(PartnerSetupInstitutionDocument, { input: { officialName: name, country: 'DE' } }, { role: 'STAFF' });
    expect(created.errors).toBeUndefined();
    const rows = parse(await institutionsCsv(hub.hub.orm.em.fork()), { columns: true }) as Record<string, string>[];
    const row = rows.find((r) => r.id === created.data!.createInstitution.id)!;
    expect(row.officialName).toBe(`'${name}`);
  });
});
