import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__testMeili?.stop();
  for (const db of globalThis.__embeddedTestDatabases ?? []) await db.stop();
  const base = process.env.DATABASE_URL;
  if (base && process.env.TEST_RUN_ID) {
    const admin = new Client({ connectionString: base });
    await admin.connect();
    try {
      for (const w of ['1', '2', 'full', 'import', 'outbox', 'reader']) {
        await admin.query(`drop database if exists iro_hub_test_${process.env.TEST_RUN_ID}_${w} with (force)`);
      }
    } finally {
      await admin.end();
    }
  }
}
