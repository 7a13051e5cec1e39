import { readFileSync } from 'node:fs';
import path from 'node:path';
import { hubSchema } from '../../src/hub';
import { printHubSchema } from '../../src/platform/graphql/schema';
import { startTestHub, type TestHub } from '../support/hub';

describe('schema and migrations stay in step with the code', () => {
  it('the committed schema.graphql is exactly what the code builds (run `npm run schema` after changing types)', async () => {
    const committed = readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8');
    expect(printHubSchema(await hubSchema())).toBe(committed);
  });

  describe('on a migrated database', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await startTestHub();
    });
    afterAll(() => hub.close());

    it('needs no further migration: the entities match the committed migrations', async () => {
      const migrator = hub.hub.orm.getMigrator();
      expect(await migrator.getPendingMigrations()).toEqual([]);
      const diff = await hub.hub.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
      expect(diff.trim()).toBe('');
    });
  });
});
