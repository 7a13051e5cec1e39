/**
 * The home course catalogue: imported by the office from CSV (all or nothing, every bad line reported, matched by code,
 * unlisted courses deactivated), listed publicly by code with search and unit filters. The catalogue is one per
 * database, so each test imports the file it needs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LaHomeCourseNodeDocument, LaHomeCoursesDocument, LaImportHomeCoursesDocument, type LaHomeCoursesQueryVariables } from '../generated/graphql';
import { startTestHub, type Identity, type TestHub } from '../support/hub';
import { runHubCommand, stopAllHubProcesses } from '../support/process';
import { errorOf, MobilityWorld, ok, STAFF } from './mobility.support';

let hub: TestHub;
let world: MobilityWorld;

const HEADER = 'code,title_tr,title_en,ects,unit,language,semester,isced';
const CATALOGUE = [
  HEADER,
  'CENG 301,Veritabanı Yönetim Sistemleri,Database Management Systems,6,ENG-CENG,en,FALL,0612',
  'CENG 334,İşletim Sistemlerine Giriş,Introduction to Operating Systems,6,ENG-CENG,en,SPRING,0613',
  'EEE 302,Kontrol Sistemleri,Control Systems,6,ENG-EEE,en,SPRING,0714',
  'MATH 321,Reel Analiz,Real Analysis,7.5,SCI-MATH,en,FALL,0541',
  'HIST 205,Osmanlı Tarihi,Ottoman History,5,SCI-HIST,tr,FALL,0222',
].join('\n');

/** As the office unless someone else is named (null: a visitor without a token). */
async function importCsv(csv: string, who: Identity | null = STAFF) {
  return hub.request(LaImportHomeCoursesDocument, { csv }, who ?? undefined);
}

async function list(args: LaHomeCoursesQueryVariables = {}, who?: Identity) {
  return ok(await hub.request(LaHomeCoursesDocument, { first: 100, ...args }, who)).homeCourses;
}

const codes = (page: { nodes: { code: string }[] }) => page.nodes.map((n) => n.code);

beforeAll(async () => {
  hub = await startTestHub();
  world = await new MobilityWorld(hub).init();
});
afterAll(async () => {
  await stopAllHubProcesses();
  await hub.close();
});

it('the demo catalogue file imports without a problem: 45 courses of the demo units in Turkish and English', async () => {
  const csv = readFileSync(path.join(__dirname, '../../seeds/demo/home-courses.csv'), 'utf8');
  const result = ok(await importCsv(csv)).importHomeCourses;
  expect(result.total).toBe(45);
  expect(result.created + result.updated + result.unchanged + result.reactivated).toBe(45);
  const math = await list({ search: 'MATH 321' });
  expect(math.nodes[0]).toMatchObject({ code: 'MATH 321', ects: 7.5, titleTranslations: { tr: 'Reel Analiz', en: 'Real Analysis' }, unit: { code: 'SCI-MATH' } });
});

it('anyone lists the catalogue by code, searched in either language with case and Turkish letters folded, and by unit with the units below it', async () => {
  ok(await importCsv(CATALOGUE));
  // A visitor (no token) reads it: the catalogue is public.
  expect(codes(await list())).toEqual(['CENG 301', 'CENG 334', 'EEE 302', 'HIST 205', 'MATH 321']);
  // "veritabani" finds "Veritabanı", "İŞLETİM" finds "İşletim", "database" the English title, "ceng 3" the codes.
  expect(codes(await list({ search: 'veritabani' }))).toEqual(['CENG 301']);
  expect(codes(await list({ search: 'İŞLETİM' }))).toEqual(['CENG 334']);
  expect(codes(await list({ search: 'osmanli' }))).toEqual(['HIST 205']);
  expect(codes(await list({ search: 'database' }))).toEqual(['CENG 301']);
  expect(codes(await list({ search: 'ceng 3' }))).toEqual(['CENG 301', 'CENG 334']);
  // A LIKE wildcard in the query is a literal character, not "anything".
  expect(codes(await list({ search: '%' }))).toEqual([]);
  // The Faculty of Engineering (ENG) covers its departments ENG-CENG and ENG-EEE; SCI-MATH only itself.
  expect(codes(await list({ unitId: world.unit('ENG') }))).toEqual(['CENG 301', 'CENG 334', 'EEE 302']);
  expect(codes(await list({ unitId: world.unit('SCI-MATH') }))).toEqual(['MATH 321']);
  const course = (await list({ search: 'CENG 301' })).nodes[0];
  expect(course).toMatchObject({ title: 'Veritabanı Yönetim Sistemleri', titleTr: 'Veritabanı Yönetim Sistemleri', language: 'en', semester: 'FALL', iscedCode: '0612', active: true });
  const english = ok(await hub.request(LaHomeCoursesDocument, { search: 'CENG 301' }, undefined, { 'accept-language': 'en' })).homeCourses;
  expect(english.nodes[0].title).toBe('Database Management Systems');
});

it('pages through the catalogue with cursors, the same statements for a page of 2 as for a page of 5', async () => {
  ok(await importCsv(CATALOGUE));
  const first = await hub.request(LaHomeCoursesDocument, { first: 2 });
  const page1 = ok(first).homeCourses;
  expect(codes(page1)).toEqual(['CENG 301', 'CENG 334']);
  expect(page1.totalCount).toBe(5);
  expect(page1.pageInfo.hasNextPage).toBe(true);
  const page2 = await list({ first: 2, after: page1.pageInfo.endCursor });
  expect(codes(page2)).toEqual(['EEE 302', 'HIST 205']);
  const page3 = await list({ first: 2, after: page2.pageInfo.endCursor });
  expect(codes(page3)).toEqual(['MATH 321']);
  expect(page3.pageInfo.hasNextPage).toBe(false);
  // Units come through a loader: five courses of four units cost what two courses of one unit cost.
  const all = await hub.request(LaHomeCoursesDocument, { first: 5 });
  expect(all.extensions!.sqlStatements).toBe(first.extensions!.sqlStatements);
});

it('a re-import updates courses by code (same id), deactivates those no longer listed and brings back those listed again', async () => {
  ok(await importCsv(CATALOGUE));
  const before = await list({ includeInactive: true });
  const ceng301 = before.nodes.find((c) => c.code === 'CENG 301')!;
  const hist = before.nodes.find((c) => c.code === 'HIST 205')!;

  // CENG 301 is now 7.5 ECTS; HIST 205 is no longer offered; IR 499 is new; the others are as they were.
  const next = [
    HEADER,
    'CENG 301,Veritabanı Yönetim Sistemleri,Database Management Systems,7.5,ENG-CENG,en,FALL,0612',
    'CENG 334,İşletim Sistemlerine Giriş,Introduction to Operating Systems,6,ENG-CENG,en,SPRING,0613',
    'EEE 302,Kontrol Sistemleri,Control Systems,6,ENG-EEE,en,SPRING,0714',
    'MATH 321,Reel Analiz,Real Analysis,7.5,SCI-MATH,en,FALL,0541',
    'IR 499,Diplomasi Tarihi,Diplomatic History,5,ECON-IR,tr,SPRING,0312',
  ].join('\n');
  expect(ok(await importCsv(next)).importHomeCourses).toEqual({ total: 5, created: 1, updated: 1, unchanged: 3, reactivated: 0, deactivated: 1 });

  const after = await list({ includeInactive: true });
  const updated = after.nodes.find((c) => c.code === 'CENG 301')!;
  expect(updated).toMatchObject({ id: ceng301.id, ects: 7.5, version: ceng301.version + 1 });
  // Unchanged courses are not rewritten.
  expect(after.nodes.find((c) => c.code === 'CENG 334')!.version).toBe(before.nodes.find((c) => c.code === 'CENG 334')!.version);
  // Deactivated, not deleted: gone from the default list, still there by id for the agreements that name it.
  expect(codes(await list())).toEqual(['CENG 301', 'CENG 334', 'EEE 302', 'IR 499', 'MATH 321']);
  const node = ok(await hub.request(LaHomeCourseNodeDocument, { id: hist.id })).node;
  expect(node).toMatchObject({ id: hist.id, code: 'HIST 205', active: false });

  // Listed again: active again, with the same id.
  expect(ok(await importCsv(CATALOGUE)).importHomeCourses).toMatchObject({ reactivated: 1, deactivated: 1, updated: 1 });
  expect((await list({ search: 'HIST 205' })).nodes[0]).toMatchObject({ id: hist.id, active: true });
});

it('a file with bad lines is refused with every problem (line, column, code) and nothing is written', async () => {
  ok(await importCsv(CATALOGUE));
  const before = await list({ includeInactive: true });
  const bad = [
    HEADER,
    'CENG 301,Veritabanı,Databases,9,ENG-CENG,en,FALL,0612', // fine on its own: must not be written either
    'PHYS 101,Fizik I,Physics I,abc,SCI-PHYS,en,FALL,0533',
    'PHYS 102,Fizik II,Physics II,6,PHYSICS,en,FALL,0533',
    'PHYS 101,Fizik I,Physics I,6,SCI-PHYS,en,AUTUMN,0533',
  ].join('\n');
  const error = errorOf(await importCsv(bad));
  expect(error).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_CATALOGUE', field: 'csv', problemCount: 4 });
  // Every problem, line 5's two included (not only the first one found).
  expect((error.problems as { line: number; field: string; code: string }[]).map((p) => [p.line, p.field, p.code])).toEqual([
    [3, 'ects', 'INVALID_ECTS'],
    [4, 'unit', 'UNKNOWN_UNIT'],
    [5, 'code', 'DUPLICATE_CODE'],
    [5, 'semester', 'INVALID_SEMESTER'],
  ]);
  // Nothing changed: not CENG 301's ECTS, no new course, no deactivation.
  expect(await list({ includeInactive: true })).toEqual(before);
});

it('refuses a catalogue beyond the size limit with CATALOGUE_TOO_LARGE', async () => {
  ok(await importCsv(CATALOGUE));
  const lines = Array.from({ length: 5001 }, (_, i) => `X${i},x,,1,FLS,,,`);
  const error = errorOf(await importCsv([HEADER, ...lines].join('\n')));
  expect(error).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'CATALOGUE_TOO_LARGE', field: 'csv' });
  expect((await list()).totalCount).toBe(5);
});

it('only the office imports: visitors, students and coordinators are refused and nothing changes', async () => {
  ok(await importCsv(CATALOGUE));
  const before = await list({ includeInactive: true });
  const csv = `${HEADER}\nSTEAL 1,Ele geçirme,Takeover,6,ENG-CENG,en,FALL,0613`;
  expect(errorOf(await importCsv(csv, null)).code).toBe('UNAUTHENTICATED');
  expect(errorOf(await importCsv(csv, world.applicant())).code).toBe('FORBIDDEN');
  expect(errorOf(await importCsv(csv, world.coordinator('ENG'))).code).toBe('FORBIDDEN');
  expect(await list({ includeInactive: true })).toEqual(before);
});

it('import courses on the command line replaces the catalogue like the mutation, and a bad file imports nothing', async () => {
  ok(await importCsv(CATALOGUE));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'iro-courses-'));
  try {
    const good = path.join(dir, 'courses.csv');
    writeFileSync(good, [HEADER, 'CENG 301,Veritabanı Sistemleri,Database Systems,6,ENG-CENG,en,FALL,0612', 'ELL 499,Bitirme Semineri,Senior Seminar,6,SCI-ELL,en,FALL,0232'].join('\n'));
    const run = await runHubCommand(['import', 'courses', good]);
    expect(run.code).toBe(0);
    // CENG 301 updated, ELL 499 created, the other four courses of CATALOGUE deactivated.
    expect(JSON.parse(run.stdout)).toMatchObject({ total: 2, created: 1, updated: 1, deactivated: 4 });
    expect(codes(await list())).toEqual(['CENG 301', 'ELL 499']);
    expect((await list({ search: 'CENG 301' })).nodes[0].titleTranslations).toEqual({ tr: 'Veritabanı Sistemleri', en: 'Database Systems' });

    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, [HEADER, 'NEW 100,Yeni,New,6,ENG-CENG,en,FALL,0613', 'BAD 1,Kötü,Bad,-3,NOWHERE,en,FALL,0613'].join('\n'));
    const refused = await runHubCommand(['import', 'courses', bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('INVALID_CATALOGUE');
    expect(refused.stderr).toContain('line 3 (ects): INVALID_ECTS');
    expect(refused.stderr).toContain('line 3 (unit): UNKNOWN_UNIT');
    expect(codes(await list())).toEqual(['CENG 301', 'ELL 499']);

    const usage = await runHubCommand(['import', 'courses']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('import -- courses <file.csv>');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
