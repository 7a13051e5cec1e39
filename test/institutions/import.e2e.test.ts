/**
 * The partner-directory import against the real database: the reference files of seeds/reference (subsets written
 * to temporary files for speed, the full files once for scale), CSV, malformed records, reruns, and the command.
 * The hub's demo seed has already imported seeds/demo/partner-institutions.json: the subsets here avoid those
 * records, and every assertion is about records this file imports.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { canonicalErasmusCode, domainOf, foldText, isoCountry, normaliseWebsite } from '../../src/modules/institutions/institution-identifiers';
import { importPartnerFile, type ImportOptions, type ImportSummary } from '../../src/modules/institutions/institution-import.service';
import { Institution } from '../../src/modules/institutions/institution.entity';
import { dedicatedDatabaseUrl, startTestHub, type TestHub } from '../support/hub';
import { REPO_ROOT, runHubCommand, stopAllHubProcesses } from '../support/process';

interface EcheRow {
  erasmusCode: string;
  pic: string;
  oid: string | null;
  legalName: string;
  city: string;
  countryCode: string;
  website: string | null;
  [key: string]: unknown;
}
interface WorldRow {
  name: string;
  alpha_two_code: string;
  domains: string[];
  web_pages: string[];
  [key: string]: unknown;
}

const readJson = <T>(file: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, file), 'utf8')) as T;
const ECHE_FILE = path.join(REPO_ROOT, 'seeds/reference/eche-holders.json');
const WORLD_FILE = path.join(REPO_ROOT, 'seeds/reference/world-universities.json');
const eche = readJson<EcheRow[]>('seeds/reference/eche-holders.json');
const world = readJson<WorldRow[]>('seeds/reference/world-universities.json');
const demoCodes = new Set(readJson<EcheRow[]>('seeds/demo/partner-institutions.json').map((r) => r.erasmusCode));

const validCode = (r: EcheRow) => canonicalErasmusCode(r.erasmusCode, isoCountry(r.countryCode)) !== undefined;
const canonical = (r: EcheRow) => canonicalErasmusCode(r.erasmusCode, isoCountry(r.countryCode))!;
const echeDomain = (r: EcheRow) => domainOf(normaliseWebsite(r.website ?? undefined));
const worldDomains = (r: WorldRow) => [...r.domains.map((d) => domainOf(d)!), domainOf(normaliseWebsite(r.web_pages[0]))].filter(Boolean) as string[];

/** ECHE records the demo seed did not import. */
const echeFree = eche.filter((r) => !demoCodes.has(r.erasmusCode));
/** The first 300 of them: the subset for counts, normalisation and reruns (includes A BADEN01 and invalid codes). */
const S1 = echeFree.slice(0, 300);
/** Real pairs: an ECHE record and a world record of the same country with the same web domain (both unique). */
const PAIRS = (() => {
  const count = new Map<string, number>();
  for (const r of eche) for (const d of [echeDomain(r)]) if (d) count.set(d, (count.get(d) ?? 0) + 1);
  for (const r of world) for (const d of new Set(worldDomains(r))) count.set(d, (count.get(d) ?? 0) + 1);
  const pairs: { eche: EcheRow; world: WorldRow; domain: string }[] = [];
  for (const r of echeFree.slice(300)) {
    const d = echeDomain(r);
    if (!d || count.get(d) !== 2 || !validCode(r)) continue;
    const w = world.find((x) => x.alpha_two_code === isoCountry(r.countryCode) && worldDomains(x).includes(d));
    if (w && foldText(w.name) !== foldText(r.legalName)) pairs.push({ eche: r, world: w, domain: d });
    if (pairs.length === 6) break;
  }
  return pairs;
})();
/** World records of countries outside the ECHE list, with no domain or name another record of theirs shares. */
const nonEuropean = (() => {
  const echeCountries = new Set(eche.map((r) => isoCountry(r.countryCode)));
  const rows = world.filter((r) => !echeCountries.has(r.alpha_two_code));
  const seen = new Map<string, number>();
  for (const r of rows) for (const k of new Set([...worldDomains(r), `${r.alpha_two_code}|${foldText(r.name)}`])) seen.set(k, (seen.get(k) ?? 0) + 1);
  return rows.filter((r) => [...worldDomains(r), `${r.alpha_two_code}|${foldText(r.name)}`].every((k) => seen.get(k) === 1));
})();
const S4 = nonEuropean.slice(0, 300);
const S5 = nonEuropean.slice(300, 800);

let hub: TestHub;
/** The full lists go into a database of their own (other suites keep the demo directory and a short outbox). */
const OWN_DATABASE = { DATABASE_URL: dedicatedDatabaseUrl('import') };
const tempDir = mkdtempSync(path.join(os.tmpdir(), 'iro-hub-import-'));
let fileNo = 0;
const tempFile = (content: unknown, ext = 'json') => {
  const file = path.join(tempDir, `records-${++fileNo}.${ext}`);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 1));
  return file;
};
const em = (): EntityManager => hub.hub.orm.em.fork() as EntityManager;
const importFile = (file: string, options: ImportOptions = {}) => importPartnerFile(em(), file, options);
const outboxCount = async () => (await em().execute<{ n: number }[]>(`select count(*)::int as n from outbox_event`))[0].n;
const byCode = (code: string) => em().findOne(Institution, { erasmusCode: code });
const processed = (s: ImportSummary) => s.created + s.merged + s.updated + s.unchanged + s.rejected.length;

/** Institutions that existed before this file ran: the others are removed at the end, for the files after it. */
let existing: string[] = [];

beforeAll(async () => {
  hub = await startTestHub(OWN_DATABASE);
  existing = (await em().execute<{ id: string }[]>(`select id::text as id from institution`)).map((r) => r.id);
  expect(S1.map((r) => r.erasmusCode)).toContain('A BADEN01');
  expect(PAIRS).toHaveLength(6);
  expect(S5).toHaveLength(500);
});
afterAll(async () => {
  await stopAllHubProcesses();
  if (hub) {
    await em().execute(`delete from institution where not (id = any(?::uuid[]))`, [`{${existing.join(',')}}`]);
    await hub.close();
  }
  rmSync(tempDir, { recursive: true, force: true });
});

describe('the ECHE list', () => {
  let s1File: string;

  it('imports a subset with the right counts and normalised codes, websites and names', async () => {
    s1File = tempFile(S1);
    const invalid = S1.filter((r) => !validCode(r));
    const summary = await importFile(s1File);
    expect(summary).toMatchObject({ format: 'eche', total: 300, created: 300 - invalid.length, merged: 0, updated: 0, unchanged: 0 });
    expect(summary.rejected.map((r) => r.index)).toEqual(invalid.map((r) => S1.indexOf(r)));
    for (const r of summary.rejected) expect(r.reason).toMatch(/^Erasmus code ".+" is not a valid Erasmus code$/);

    const baden = await byCode('A  BADEN01');
    expect(baden).toMatchObject({
      officialName: 'PAEDAGOGISCHE HOCHSCHULE NIEDERÖSTERREICH',
      name: { en: 'Paedagogische Hochschule Niederösterreich' },
      website: 'https://www.ph-noe.ac.at',
      emailDomains: ['ph-noe.ac.at'],
      country: 'AT',
      pic: '948821603',
      oid: 'E10054064',
      echeStart: '2021-01-01',
      echeEnd: '2029-12-31',
      kind: 'HEI',
      sources: ['eche'],
    });
    expect(await em().count(Institution, { erasmusCode: { $in: S1.filter(validCode).map(canonical) } })).toBe(300 - invalid.length);
    // The file's collapsed spelling is never stored.
    expect(await em().count(Institution, { erasmusCode: 'A BADEN01' })).toBe(0);
  });

  it('changes nothing and writes no outbox event when the same file is imported again', async () => {
    const before = await outboxCount();
    const versions = await em().execute<{ v: number }[]>(`select sum(version)::int as v from institution`);
    const summary = await importFile(s1File);
    expect(summary).toMatchObject({ created: 0, merged: 0, updated: 0, unchanged: 300 - summary.rejected.length });
    expect(summary.matchedBy.erasmusCode).toBe(summary.unchanged);
    expect(await outboxCount()).toBe(before);
    expect(await em().execute(`select sum(version)::int as v from institution`)).toEqual(versions);
  });

  it('writes one outbox event per institution it creates, in the import’s name', async () => {
    const rows = await em().execute<{ type: string; actor: string; aggregate_version: number }[]>(
      `select type, actor, aggregate_version from outbox_event e join institution i on i.id = e.aggregate_id where i.erasmus_code = 'A  BADEN01'`,
    );
    expect(rows).toEqual([{ type: 'institution.created', actor: 'import', aggregate_version: 1 }]);
  });
});

describe('the world universities list', () => {
  it('imports a subset with the right counts, websites, domains and conservative SCHAC codes', async () => {
    const summary = await importFile(tempFile(S4));
    expect(summary).toMatchObject({ format: 'world-universities', total: 300, created: 300, merged: 0, updated: 0, unchanged: 0, rejected: [] });
    const first = S4[0];
    const row = await em().findOneOrFail(Institution, { officialName: first.name, country: first.alpha_two_code });
    expect(row.website).toBe(normaliseWebsite(first.web_pages[0]));
    expect(row.emailDomains).toEqual([...new Set(worldDomains(first))]);
    expect(row.sources).toEqual(['world-universities']);
    expect(row.kind).toBe('HEI');
    // A SCHAC code only from a single domain that is also the website's.
    const withSchac = S4.filter((r) => r.domains.length === 1 && domainOf(r.domains[0]) === domainOf(normaliseWebsite(r.web_pages[0])));
    const schac = await em().count(Institution, { schacCode: { $in: S4.flatMap((r) => r.domains.map((d) => domainOf(d)!)) } });
    expect(schac).toBe(withSchac.length);
  });
});

describe('records in both lists', () => {
  it('end up as one institution with both sources, matched by their web domain', async () => {
    const echeSummary = await importFile(tempFile(PAIRS.map((p) => p.eche)));
    expect(echeSummary.created).toBe(6);
    const worldSummary = await importFile(tempFile(PAIRS.map((p) => p.world)));
    expect(worldSummary).toMatchObject({ created: 0, merged: 6, updated: 0, rejected: [] });
    expect(worldSummary.matchedBy.domain).toBe(6);
    for (const pair of PAIRS) {
      const rows = await em().find(Institution, { emailDomains: { $contains: [pair.domain] } } as never);
      expect(rows).toHaveLength(1);
      const [merged] = rows;
      expect(merged.erasmusCode).toBe(canonical(pair.eche));
      expect(merged.sources).toEqual(['eche', 'world-universities']);
      // The legal name from the ECHE list, the English name from the world list.
      expect(merged.officialName).toBe(pair.eche.legalName);
      expect(merged.name.en).toBe(pair.world.name);
    }
    // Both again, in either order: nothing changes.
    expect(await importFile(tempFile(PAIRS.map((p) => p.world)))).toMatchObject({ created: 0, merged: 0, updated: 0, unchanged: 6 });
    expect(await importFile(tempFile(PAIRS.map((p) => p.eche)))).toMatchObject({ created: 0, merged: 0, updated: 0, unchanged: 6 });
  });
});

describe('malformed records', () => {
  const valid = { ...eche[0], erasmusCode: 'TR ZZIMPT01', pic: '900000001', oid: 'E90000001', legalName: 'Import Test Üniversitesi', countryCode: 'TR', website: 'imptest.edu.tr' };

  it('are reported with their index and reason and nothing of them is written; the rest is imported', async () => {
    const before = await outboxCount();
    const summary = await importFile(
      tempFile([
        valid,
        { ...valid, erasmusCode: 'TR ZZIMPT02', pic: '12345', legalName: 'Malformed PIC Üniversitesi', website: 'malformed-pic.edu.tr' },
        { ...valid, erasmusCode: 'TR ZZIMPT03', pic: '900000003', oid: 'E90000003', countryCode: 'TURKEY', legalName: 'Malformed Country Üniversitesi' },
        'not a record',
        { ...valid, erasmusCode: 'TR ZZIMPT04', pic: '900000001', oid: 'E90000004', legalName: 'Second Holder Of A PIC' },
      ]),
    );
    expect(summary.created).toBe(1);
    expect(summary.rejected).toEqual([
      { index: 1, reason: 'PIC "12345" is not 9 digits' },
      { index: 2, reason: 'countryCode "TURKEY" is not a 2-letter country code' },
      { index: 3, reason: 'not an object' },
      { index: 4, reason: 'PIC 900000001 already belongs to another institution (TR ZZIMPT01, Import Test Üniversitesi) with a different Erasmus code' },
    ]);
    expect(await byCode('TR ZZIMPT01')).toMatchObject({ officialName: 'Import Test Üniversitesi', website: 'https://imptest.edu.tr' });
    for (const code of ['TR ZZIMPT02', 'TR ZZIMPT03', 'TR ZZIMPT04']) expect(await byCode(code)).toBeNull();
    const leftovers = await em().execute(
      `select id from institution where official_name like 'Malformed%' or official_name = 'Second Holder Of A PIC' or 'malformed-pic.edu.tr' = any(email_domains)`,
    );
    expect(leftovers).toEqual([]);
    expect(await outboxCount()).toBe(before + 1);
  });
});

describe('CSV with a header row', () => {
  it('imports new institutions, merges into known ones, and rejects a bad row with its line', async () => {
    const known = S1.find(validCode)!;
    const summary = await importFile(
      tempFile(
        [
          'officialName,name,country,city,website,erasmusCode,pic,schacCode,otherNames',
          '"Universidad de Prueba, Sede Central",University of Testing,ES,Sevilla,www.prueba-import.es,,,prueba-import.es,Prueba Uni;UdP',
          'Bad Country Row,,Spain,Madrid,,,,,',
          `"${known.legalName}",,${known.countryCode},${known.city},,${known.erasmusCode},,,`,
          'Instituto Csv Sin Dominio,,PT,Porto,,,,,',
        ].join('\n'),
        'csv',
      ),
    );
    expect(summary).toMatchObject({ format: 'csv', total: 4, created: 2, merged: 1, updated: 0, unchanged: 0 });
    expect(summary.rejected).toEqual([{ index: 1, line: 3, reason: 'country "Spain" is not a 2-letter country code' }]);
    const created = await em().findOneOrFail(Institution, { schacCode: 'prueba-import.es' });
    expect(created).toMatchObject({
      officialName: 'Universidad de Prueba, Sede Central',
      name: { en: 'University of Testing' },
      otherNames: ['Prueba Uni', 'UdP'],
      country: 'ES',
      city: 'Sevilla',
      website: 'https://www.prueba-import.es',
      emailDomains: ['prueba-import.es'],
      sources: ['csv'],
    });
    expect((await byCode(canonical(known)))!.sources).toEqual(['eche', 'csv']);
    expect(await em().count(Institution, { officialName: 'Instituto Csv Sin Dominio' })).toBe(1);
  });
});

describe('an interrupted run', () => {
  it('keeps the batches it finished, and a rerun completes it without duplicates', async () => {
    const file = tempFile(S5);
    const stop = new AbortController();
    const first = await importFile(file, { batchSize: 100, onProgress: (done: number) => done > 0 && stop.abort(), signal: stop.signal });
    expect(first).toMatchObject({ interrupted: true, created: 100 });
    const second = await importFile(file, { batchSize: 100 });
    expect(second).toMatchObject({ created: 400, unchanged: 100, merged: 0, updated: 0, rejected: [] });
    expect(second.interrupted).toBeUndefined();
    const domains = S5.map((r) => domainOf(r.domains[0])!);
    const rows = await em().execute<{ n: number }[]>(`select count(*)::int as n from institution where email_domains && ?::text[]`, [`{${domains.join(',')}}`]);
    expect(rows[0].n).toBe(500);
  });
});

describe('the import command', () => {
  const cliRecords = echeFree.slice(400).filter((r) => validCode(r) && !PAIRS.some((p) => p.eche === r)).slice(0, 20);

  it('imports a file into the database `npm start` uses, prints a summary and exits 0', async () => {
    const file = tempFile(cliRecords);
    const json = await runHubCommand(['import', 'partners', file, '--json'], OWN_DATABASE, 60_000);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { files: (ImportSummary & { file: string })[] };
    expect(report.files).toHaveLength(1);
    expect(report.files[0]).toMatchObject({ file, format: 'eche', total: 20, created: 20, rejected: [] });
    expect(await em().count(Institution, { erasmusCode: { $in: cliRecords.map(canonical) } })).toBe(20);

    const text = await runHubCommand(['import', 'partners', file], OWN_DATABASE, 60_000);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${file} (ECHE holders list): 20 records`);
    expect(text.stdout).toMatch(/unchanged +20/);
    expect(text.stdout).toMatch(/created +0/);
    // Not a terminal: no progress bar.
    expect(text.stderr).not.toContain('[#');
  }, 90_000);

  it('exits 0 with rejected records listed', async () => {
    const file = tempFile([{ ...cliRecords[0], erasmusCode: 'XX BARCELO01', legalName: 'Rejected In The Cli' }]);
    const result = await runHubCommand(['import', 'partners', file], OWN_DATABASE, 60_000);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/rejected +1/);
    expect(result.stdout).toContain('record #0: Erasmus code "XX BARCELO01" is not a valid Erasmus code');
  }, 60_000);

  it('exits non-zero with a clear message for an unreadable file or an unknown format, writing nothing', async () => {
    const missing = await runHubCommand(['import', 'partners', path.join(tempDir, 'nope.json')], OWN_DATABASE);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`Cannot import ${path.join(tempDir, 'nope.json')}: cannot read`);
    expect(missing.stderr).toContain('no such file');

    const before = await outboxCount();
    const good = tempFile(cliRecords.slice(0, 1));
    const unknown = await runHubCommand(['import', 'partners', good, tempFile('{"hello": "world"}')], OWN_DATABASE);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/Cannot import .*records-\d+\.json: unknown format/);
    expect(await outboxCount()).toBe(before);

    const noFile = await runHubCommand(['import', 'partners'], OWN_DATABASE);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('Usage: npm run import -- partners <file>');
  }, 60_000);
});

describe('the full lists', () => {
  it('imports all of world-universities.json and eche-holders.json, merging the overlap, and a second run changes nothing', async () => {
    const started = Date.now();
    const worldSummary = await importFile(WORLD_FILE);
    const echeSummary = await importFile(ECHE_FILE);
    const firstMs = Date.now() - started;
    expect(processed(worldSummary)).toBe(world.length);
    expect(processed(echeSummary)).toBe(eche.length);
    expect(worldSummary.rejected).toEqual([]);
    for (const r of echeSummary.rejected) expect(r.reason).toMatch(/is not a valid Erasmus code|already belongs to another institution/);
    expect(echeSummary.rejected.length).toBeGreaterThanOrEqual(eche.filter((r) => !validCode(r)).length);
    // Hundreds of ECHE holders are also in the world list: merged, not duplicated.
    expect(echeSummary.merged).toBeGreaterThan(500);

    const again = Date.now();
    const worldAgain = await importFile(WORLD_FILE);
    const echeAgain = await importFile(ECHE_FILE);
    const secondMs = Date.now() - again;
    for (const s of [worldAgain, echeAgain]) expect(s).toMatchObject({ created: 0, merged: 0, updated: 0 });

    const fu = await byCode('D  BERLIN01');
    expect(fu).toMatchObject({ officialName: 'FREIE UNIVERSITAET BERLIN', name: { en: 'Freie Universität Berlin' }, sources: expect.arrayContaining(['eche', 'world-universities']) });
    expect(await em().count(Institution, { emailDomains: { $contains: ['fu-berlin.de'] } } as never)).toBe(1);
    console.log(
      `[import] full lists: world ${worldSummary.total} records in ${worldSummary.elapsedMs} ms ` +
        `(created ${worldSummary.created}, merged ${worldSummary.merged}, updated ${worldSummary.updated}, unchanged ${worldSummary.unchanged}); ` +
        `ECHE ${echeSummary.total} in ${echeSummary.elapsedMs} ms (created ${echeSummary.created}, merged ${echeSummary.merged}, ` +
        `unchanged ${echeSummary.unchanged}, rejected ${echeSummary.rejected.length}); both ${firstMs} ms; second run ${secondMs} ms`,
    );
    expect(firstMs).toBeLessThan(90_000);
  }, 180_000);
});
