/**
 * National Agency reporting: the mobilities of a grant contract for the EU Beneficiary Module (GraphQL report, CSV and
 * XLSX downloads, the `export mobilities` command) and their totals for the interim and final reports.
 *
 * The contract's data is built through the API: accepted mobilities (calls created with the contract's number, one
 * moved to it with updateMobilityCall), planned dates, arrivals and departures, grants and payments. Participants'
 * names and e-mails come from their accounts, which the identity provider's sign-in (or the demo seed) creates: there
 * is no API to create them, so the set-up writes those rows directly.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { exportTask } from '../../src/modules/exports/commands';
import { BENEFICIARY_MODULE_HEADER } from '../../src/modules/mobility/beneficiary-module';
import {
  GrantComputeDocument,
  TrkConfirmArrivalDocument,
  TrkConfirmDepartureDocument,
  RepGrantContractReportDocument,
  RepGrantContractTotalsDocument,
  GrantRateTablesDocument,
  GrantRecordPaymentDocument,
  GrantSetRatesDocument,
  TrkSetDatesDocument,
  type RepMobilityFragment,
  type SetGrantRatesInput,
} from '../generated/graphql';
import { startTestHub, type Identity, type TestHub } from '../support/hub';
import { errorOf, MobilityWorld, ok, RUN, STAFF, YEAR, type Application } from './mobility.support';

let hub: TestHub;
let world: MobilityWorld;

const CONTRACT = `2027-1-TR01-KA131-HED-${RUN}01`;
const OTHER_CONTRACT = `2027-1-TR01-KA131-HED-${RUN}02`;
const EVIL_NAME = '=HYPERLINK("http://evil.example","x") Mallory';

interface Built {
  who: Identity;
  application: Application;
  partner: { id: string; name: string; country: string };
}
const m: Record<string, Built> = {};

/** The participant's account, as the identity provider's first sign-in leaves it (test set-up: no API creates one). */
async function account(who: Identity, displayName: string): Promise<string> {
  const email = `${who.sub}@ogrenci.ornek.edu.tr`.toLowerCase();
  await world.sql(`insert into user_account (id, subject, email, display_name, roles) values (?, ?, ?, ?, '{APPLICANT}')`, [randomUUID(), who.sub, email, displayName]);
  return email;
}

// --- Steps of the mobility, through the tracking (area C) and grant (area B) mutations ------------------------------

async function planDates(app: { id: string }, plannedStart: string, plannedEnd: string): Promise<void> {
  const { version } = await world.read(app.id);
  ok(await hub.request(TrkSetDatesDocument, { input: { applicationId: app.id, version, plannedStart, plannedEnd } }, STAFF));
}

/** The host confirmed the arrival: ACCEPTED → LIVE. */
async function arrive(app: { id: string }, actualStart: string): Promise<void> {
  const { version } = await world.read(app.id);
  expect(ok(await hub.request(TrkConfirmArrivalDocument, { input: { applicationId: app.id, version, actualStart } }, STAFF)).confirmArrival.status).toBe('LIVE');
}

/** The certificate of attendance: LIVE → COMPLETED. */
async function depart(app: { id: string }, actualEnd: string): Promise<void> {
  const { version } = await world.read(app.id);
  const input = { applicationId: app.id, version, actualEnd, certificateReference: `CoA-${RUN}-${app.id.slice(-6)}` };
  expect(ok(await hub.request(TrkConfirmDepartureDocument, { input }, STAFF)).confirmDeparture.status).toBe('COMPLETED');
}

interface GrantFigures {
  fewerOpportunities: boolean;
  individualSupport: number;
  topUps: number;
  travel: number;
  total: number;
}

/**
 * The KA131 rates of the suites' year: the demo seed's figures (seeds/demo/grant-rates.json, the Türkiye 2024 call)
 * unless the database already has a table for it (then the grants follow that one; the report only carries them).
 */
async function ensureRates(): Promise<boolean> {
  const seed = JSON.parse(readFileSync(path.join(__dirname, '../../seeds/demo/grant-rates.json'), 'utf8')) as {
    tables: { programme: string; source?: string; rates: SetGrantRatesInput['rates'] }[];
  };
  const ka131 = seed.tables.find((t) => t.programme === 'ERASMUS_KA131')!;
  const existing = ok(await hub.request(GrantRateTablesDocument, { programme: 'ERASMUS_KA131', academicYear: YEAR }, STAFF)).grantRateTables;
  if (existing.length) return existing[0].source === ka131.source;
  ok(await hub.request(GrantSetRatesDocument, { input: { programme: 'ERASMUS_KA131', academicYear: YEAR, rates: ka131.rates, source: ka131.source } }, STAFF));
  return true;
}

async function computeGrant(app: { id: string }, input: { fewerOpportunities?: boolean; distanceKm?: number }) {
  return ok(await hub.request(GrantComputeDocument, { input: { applicationId: app.id, ...input } }, STAFF)).computeGrant;
}

async function pay(grantId: string, instalment: number, amount: number): Promise<void> {
  ok(await hub.request(GrantRecordPaymentDocument, { input: { grantId, instalment, amount, paidOn: '2027-09-10', reference: `EFT-${RUN}-${instalment}` } }, STAFF));
}

const grants: Record<string, GrantFigures> = {};
const paid: Record<string, number> = {};
/** Whether the suite's year has the demo rate table (the worked figures in the comments hold only with it). */
let ratesFromSeed = false;

beforeAll(async () => {
  hub = await startTestHub();
  world = await new MobilityWorld(hub).init();
  const inContract = { grantContractNumber: CONTRACT };

  // ann: studies in Germany, arrived (LIVE); fewer opportunities; 80 % paid.
  m.ann = await world.acceptedMobility({
    country: 'DE',
    isced: '0613',
    call: inContract,
    application: { citizenships: ['TR', 'DE'], studyLevel: 'BACHELOR' },
  });
  await account(m.ann.who, 'Ayşe Nur Yılmaz');
  await planDates(m.ann.application, '2027-09-01', '2028-01-31');
  await arrive(m.ann.application, '2027-09-03');

  // mallory: studies in Poland, back (COMPLETED); a name a spreadsheet would run as a formula.
  m.mallory = await world.acceptedMobility({ country: 'PL', isced: '0413', call: inContract, application: { studyLevel: 'MASTER' } });
  await account(m.mallory.who, EVIL_NAME);
  await planDates(m.mallory.application, '2027-09-15', '2027-12-20');
  await arrive(m.mallory.application, '2027-09-15');
  await depart(m.mallory.application, '2027-12-14');

  // zeynep: a zero-grant (hibesiz) call; back and recognised; no grant computed (nothing to compute).
  m.zeynep = await world.acceptedMobility({
    country: 'IT',
    isced: '0231',
    call: { ...inContract, zeroGrant: true },
    application: { acceptsZeroGrant: true },
  });
  await account(m.zeynep.who, 'Zeynep Kaya');
  await planDates(m.zeynep.application, '2027-10-01', '2028-02-29');
  await arrive(m.zeynep.application, '2027-10-01');
  await depart(m.zeynep.application, '2028-02-28');
  await world.officeStep(await world.read(m.zeynep.application.id), 'RECOGNISED');

  // staff: teaching in France for a week; the call got the contract number afterwards (updateMobilityCall).
  m.staff = await world.acceptedMobility({ country: 'FR', mobilityType: 'STA', isced: '0114' });
  expect((await world.updateCall((await world.read(m.staff.application.id)).call.id, inContract)).errors).toBeUndefined();
  await account(m.staff.who, 'Mehmet Öztürk');
  await planDates(m.staff.application, '2027-11-08', '2027-11-12');
  await arrive(m.staff.application, '2027-11-08');
  await depart(m.staff.application, '2027-11-12');

  // eda: arrived in Spain, her grant not computed yet.
  m.eda = await world.acceptedMobility({ country: 'ES', call: inContract });
  await account(m.eda.who, 'Eda Demir');
  await planDates(m.eda.application, '2028-02-01', '2028-06-30');
  await arrive(m.eda.application, '2028-02-01');

  // Not reported: accepted but not yet gone; gone and then cancelled; under another contract.
  m.accepted = await world.acceptedMobility({ country: 'AT', call: inContract });
  m.cancelled = await world.acceptedMobility({ country: 'BE', call: inContract });
  await planDates(m.cancelled.application, '2027-09-01', '2028-01-31');
  await arrive(m.cancelled.application, '2027-09-01');
  await world.officeStep(await world.read(m.cancelled.application.id), 'CANCELLED', 'Returned home in the first week');
  m.other = await world.acceptedMobility({ country: 'NL', call: { grantContractNumber: OTHER_CONTRACT } });
  await planDates(m.other.application, '2027-09-01', '2028-01-31');
  await arrive(m.other.application, '2027-09-01');

  // Grants, computed by the grant rules from the rate table, and payments. The report carries the computed parts as they
  // are (the grant suite checks the arithmetic); what this suite adds up is checked below.
  ratesFromSeed = await ensureRates();
  // With the demo rates: ann, Germany (group 2, 600 €/month), planned 1 September – 31 January = 5 whole months → 3000;
  // fewer opportunities 5 × 250 = 1250; travel 2100 km (band 2000–2999) 395; total 4645, first instalment 80 % = 3716.
  const annGrant = await computeGrant(m.ann.application, { fewerOpportunities: true, distanceKm: 2100 });
  await pay(annGrant.id, 1, annGrant.instalments[0].amount); // the first instalment (80 %)
  // mallory, Poland (group 3, 450 €/month), actual 15 September – 14 December = 3 whole months → 1350; no travel
  // (a long mobility without fewer opportunities); total 1350, paid in two instalments 1080 + 270.
  const malloryGrant = await computeGrant(m.mallory.application, { distanceKm: 1600 });
  await pay(malloryGrant.id, 1, malloryGrant.instalments[0].amount);
  await pay(malloryGrant.id, 2, malloryGrant.instalments[1].amount); // paid in full
  // staff, France (group 2, 160 €/day), 5 days → 800; travel 2600 km 395; total 1195, nothing paid yet.
  const staffGrant = await computeGrant(m.staff.application, { distanceKm: 2600 });
  const figures = ({ fewerOpportunities, individualSupport, topUps, travel, total }: GrantFigures) => ({ fewerOpportunities, individualSupport, topUps, travel, total });
  grants.ann = figures(annGrant);
  grants.mallory = figures(malloryGrant);
  grants.staff = figures(staffGrant);
  paid.ann = annGrant.instalments[0].amount;
  paid.mallory = Math.round((malloryGrant.instalments[0].amount + malloryGrant.instalments[1].amount) * 100) / 100;
  for (const k of ['ann', 'mallory', 'staff']) expect(grants[k].total).toBeGreaterThan(0);
}, 600_000);
afterAll(() => hub.close());

const reported = ['ann', 'mallory', 'zeynep', 'staff', 'eda'];
/** The reported mobilities' keys by application number (the report's order). */
const byNumber = () => [...reported].sort((a, b) => (m[a].application.number < m[b].application.number ? -1 : 1));

async function report(contractNumber = CONTRACT, who: Identity = STAFF) {
  return ok(await hub.request(RepGrantContractReportDocument, { contractNumber }, who)).grantContractReport;
}

describe('grantContractReport', () => {
  let rows: Record<string, RepMobilityFragment>;
  beforeAll(async () => {
    const r = await report();
    rows = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, r.mobilities.find((x) => x.number === v.application.number)!]).filter(([, x]) => x));
  });

  it('reports LIVE mobilities as ongoing and COMPLETED/RECOGNISED ones as completed, by application number; ACCEPTED, cancelled and other contracts are left out', async () => {
    const r = await report();
    expect(r.contractNumber).toBe(CONTRACT);
    expect(r.mobilities.map((x) => x.number)).toEqual(byNumber().map((k) => m[k].application.number));
    expect(Object.keys(rows).sort()).toEqual([...reported].sort());
    expect([rows.ann.status, rows.ann.applicationStatus]).toEqual(['ONGOING', 'LIVE']);
    expect([rows.eda.status, rows.eda.applicationStatus]).toEqual(['ONGOING', 'LIVE']);
    expect([rows.mallory.status, rows.mallory.applicationStatus]).toEqual(['COMPLETED', 'COMPLETED']);
    expect([rows.zeynep.status, rows.zeynep.applicationStatus]).toEqual(['COMPLETED', 'RECOGNISED']);
    expect([rows.staff.status, rows.staff.applicationStatus]).toEqual(['COMPLETED', 'COMPLETED']);
    // The calls under the contract: five calls created with it, one moved to it; not the other contract's.
    expect(r.calls).toHaveLength(8 - 1);
    expect(r.calls.map((c) => c.id)).toContain((await world.read(m.staff.application.id)).call.id);
    expect(r.calls.map((c) => c.id)).not.toContain((await world.read(m.other.application.id)).call.id);
  });

  it('gives each mobility the participant, organisations, levels and activity type the Beneficiary Module asks for', async () => {
    const home = { name: 'Örnek Üniversitesi', erasmusCode: 'TR ANKARA99', schacCode: 'ornek.edu.tr', country: 'TR' };
    expect(rows.ann).toMatchObject({
      applicationId: m.ann.application.id,
      mobilityType: 'SMS',
      activityType: 'Student mobility for studies',
      programme: 'ERASMUS_KA131',
      academicYear: '2027/2028',
      // "Ayşe Nur Yılmaz" split at the last space.
      firstName: 'Ayşe Nur',
      lastName: 'Yılmaz',
      email: `${m.ann.who.sub}@ogrenci.ornek.edu.tr`.toLowerCase(),
      nationality: 'TR', // the first of TR, DE
      fieldOfEducation: '0613',
      eqfLevel: 6, // bachelor
      sending: home,
      sendingDepartment: 'Department of Computer Engineering',
      receiving: { name: m.ann.partner.name, erasmusCode: null, schacCode: null, country: 'DE' },
    });
    expect(rows.mallory).toMatchObject({ firstName: '=HYPERLINK("http://evil.example","x")', lastName: 'Mallory', eqfLevel: 7, receiving: { country: 'PL' } });
    // Staff: no study cycle; the field of education is the place's (its one ISCED code).
    expect(rows.staff).toMatchObject({ mobilityType: 'STA', activityType: 'Staff mobility for teaching', eqfLevel: null, fieldOfEducation: '0114' });
  });

  it('takes actual dates where confirmed, else planned, and counts days inclusively, months = days / 30 to one decimal', async () => {
    // ann arrived on 3 September, her planned last day is 31 January: 28 + 31 + 30 + 31 + 31 = 151 days, 5.0 months.
    expect([rows.ann.startDate, rows.ann.endDate, rows.ann.durationDays, rows.ann.months]).toEqual(['2027-09-03', '2028-01-31', 151, 5]);
    // mallory left on 14 December (planned 20): 16 + 31 + 30 + 14 = 91 days, 3.0 months.
    expect([rows.mallory.startDate, rows.mallory.endDate, rows.mallory.durationDays, rows.mallory.months]).toEqual(['2027-09-15', '2027-12-14', 91, 3]);
    // zeynep: 1 October – 28 February 2028: 31 + 30 + 31 + 31 + 28 = 151 days.
    expect([rows.zeynep.durationDays, rows.zeynep.months]).toEqual([151, 5]);
    // A teaching week, Monday to Friday: 5 days, 5 / 30 = 0.17 → 0.2 months.
    expect([rows.staff.startDate, rows.staff.endDate, rows.staff.durationDays, rows.staff.months]).toEqual(['2027-11-08', '2027-11-12', 5, 0.2]);
    // eda: 1 February – 30 June 2028 (a leap year): 29 + 31 + 30 + 31 + 30 = 151 days.
    expect(rows.eda.durationDays).toBe(151);
  });

  it('carries the grant parts of each mobility: zero-grant ones 0 and flagged, ones without a computed grant empty', async () => {
    for (const k of ['ann', 'mallory', 'staff']) {
      expect({ k, ...rows[k] }).toMatchObject({ k, grantComputed: true, zeroGrant: false, ...grants[k] });
    }
    expect(rows.ann.fewerOpportunities).toBe(true);
    expect([rows.ann.paid, rows.mallory.paid, rows.staff.paid]).toEqual([paid.ann, paid.mallory, 0]);
    expect(rows.zeynep).toMatchObject({ zeroGrant: true, grantComputed: false, individualSupport: 0, topUps: 0, travel: 0, total: 0, fewerOpportunities: null });
    expect(rows.eda).toMatchObject({ zeroGrant: false, grantComputed: false, individualSupport: null, topUps: null, travel: null, total: null, fewerOpportunities: null, paid: 0 });
  });

  it('totals the contract overall and per activity type, with the paid amounts', async () => {
    const r = await report();
    const sum = (keys: string[], part: keyof GrantFigures) => Math.round(keys.reduce((s, k) => s + ((grants[k]?.[part] as number) ?? 0), 0) * 100) / 100;
    const students = ['ann', 'mallory', 'zeynep', 'eda'];
    // Days: 151 + 91 + 151 + 5 + 151 = 549 → 549 / 30 = 18.3 months; students 544 → 18.1.
    expect(r.totals).toEqual({
      mobilities: 5,
      ongoing: 2,
      completed: 3,
      participants: 5,
      fewerOpportunities: 1,
      zeroGrant: 1,
      withoutGrant: 1,
      days: 549,
      months: 18.3,
      individualSupport: sum(['ann', 'mallory', 'staff'], 'individualSupport'),
      topUps: sum(['ann', 'mallory', 'staff'], 'topUps'),
      travel: sum(['ann', 'mallory', 'staff'], 'travel'),
      total: sum(['ann', 'mallory', 'staff'], 'total'),
      // ann's first instalment, and both of mallory's.
      paid: Math.round((paid.ann + paid.mallory) * 100) / 100,
    });
    if (ratesFromSeed) {
      // The worked figures above: support 3000 + 1350 + 800 = 5150; top-ups 1250; travel 395 + 395 = 790;
      // total 4645 + 1350 + 1195 = 7190; paid 3716 + 1350 = 5066.
      expect(r.totals).toMatchObject({ individualSupport: 5150, topUps: 1250, travel: 790, total: 7190, paid: 5066 });
    }
    expect(r.totals.total).toBe(Math.round((r.totals.individualSupport + r.totals.topUps + r.totals.travel) * 100) / 100);
    expect(r.byActivityType.map((t) => [t.mobilityType, t.activityType, t.totals.mobilities])).toEqual([
      ['SMS', 'Student mobility for studies', 4],
      ['STA', 'Staff mobility for teaching', 1],
    ]);
    const sms = r.byActivityType[0].totals;
    expect(sms).toMatchObject({ ongoing: 2, completed: 2, days: 544, months: 18.1, total: sum(students, 'total'), withoutGrant: 1, zeroGrant: 1 });
    expect(r.byActivityType[1].totals).toMatchObject({ days: 5, months: 0.2, total: grants.staff.total, travel: grants.staff.travel, paid: 0 });
  });

  it('answers an unknown contract with an empty report', async () => {
    const r = await report(`NO-SUCH-CONTRACT-${RUN}`);
    expect(r.calls).toEqual([]);
    expect(r.mobilities).toEqual([]);
    expect(r.byActivityType).toEqual([]);
    expect(r.totals).toMatchObject({ mobilities: 0, days: 0, months: 0, total: 0, paid: 0 });
  });

  it('refuses an empty, blank or over-long contract number with INVALID_CONTRACT_NUMBER', async () => {
    for (const contractNumber of ['', '   ', 'X'.repeat(61), 'A\u0007B']) {
      const e = errorOf(await hub.request(RepGrantContractReportDocument, { contractNumber }, STAFF));
      expect({ contractNumber, ...e }).toMatchObject({ contractNumber, code: 'BAD_USER_INPUT', reason: 'INVALID_CONTRACT_NUMBER', field: 'contractNumber' });
    }
    // Surrounding spaces are not part of the number.
    expect((await report(`  ${CONTRACT} `)).mobilities).toHaveLength(5);
  });

  it('is the office’s: coordinators and students are refused, visitors must sign in', async () => {
    expect((await report(CONTRACT, { role: 'ADMIN', sub: 'reporting-admin' })).totals.mobilities).toBe(5);
    const refused: [string, Identity | undefined, string][] = [
      ['coordinator of the unit', world.coordinator('ENG-CENG'), 'FORBIDDEN'],
      ['coordinator elsewhere', world.coordinator('SCI'), 'FORBIDDEN'],
      ['the student', m.ann.who, 'FORBIDDEN'],
      ['another student', world.applicant(), 'FORBIDDEN'],
      ['visitor', undefined, 'UNAUTHENTICATED'],
    ];
    for (const [label, who, code] of refused) {
      const res = await hub.request(RepGrantContractTotalsDocument, { contractNumber: CONTRACT }, who);
      expect({ label, code: errorOf(res).code, data: res.data ?? null }).toEqual({ label, code, data: null });
    }
  });

  it('runs the same number of SQL statements for a contract of one mobility and one of five', async () => {
    const one = await hub.request(RepGrantContractReportDocument, { contractNumber: OTHER_CONTRACT }, STAFF);
    const five = await hub.request(RepGrantContractReportDocument, { contractNumber: CONTRACT }, STAFF);
    expect(one.data!.grantContractReport.mobilities).toHaveLength(1);
    expect(five.data!.grantContractReport.mobilities).toHaveLength(5);
    // The calls, then the mobilities with everything they need (one joined query).
    expect(five.extensions!.sqlStatements).toBe(one.extensions!.sqlStatements);
    expect(five.extensions!.sqlStatements).toBeLessThanOrEqual(3);
  });
});

// --- Downloads ------------------------------------------------------------------------------------------------------

async function download(path: string, who?: Identity | 'bad-token'): Promise<Response> {
  const headers: Record<string, string> = {};
  if (who === 'bad-token') headers.authorization = 'Bearer not.a.token';
  else if (who) headers.authorization = `Bearer ${await hub.token(who)}`;
  return fetch(`${hub.origin}${path}`, { headers });
}
const q = encodeURIComponent;

describe('GET /exports/beneficiary-module.csv', () => {
  it('gives one row per reported mobility under the Beneficiary Module header, formula-safe', async () => {
    const res = await download(`/exports/beneficiary-module.csv?contract=${q(CONTRACT)}`, STAFF);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="beneficiary-module-${CONTRACT}.csv"`);
    const text = await res.text();
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    const [header, ...records] = parse(text) as string[][];
    expect(header).toEqual([
      'Grant Agreement No.',
      'Mobility ID',
      'Activity Type',
      'Participant First Name',
      'Participant Last Name',
      'Participant Email',
      'Nationality',
      'Participant with Fewer Opportunities',
      'Field of Education (ISCED-F)',
      'Education Level (EQF)',
      'Sending Organisation',
      'Sending Organisation Erasmus Code',
      'Sending Country',
      'Sending Department',
      'Receiving Organisation',
      'Receiving Organisation Erasmus Code',
      'Receiving Organisation SCHAC Code',
      'Receiving Country',
      'Start Date',
      'End Date',
      'Duration (days)',
      'Duration (months)',
      'Zero Grant',
      'Individual Support (EUR)',
      'Top-ups (EUR)',
      'Travel (EUR)',
      'Total Grant (EUR)',
      'Mobility Status',
    ]);
    expect(header).toEqual([...BENEFICIARY_MODULE_HEADER]);
    expect(records.map((r) => r[1])).toEqual(byNumber().map((k) => m[k].application.number));
    const row = (k: string) => Object.fromEntries(header.map((h, i) => [h, records.find((r) => r[1] === m[k].application.number)![i]]));
    expect(row('ann')).toMatchObject({
      'Grant Agreement No.': CONTRACT,
      'Activity Type': 'Student mobility for studies',
      'Participant First Name': 'Ayşe Nur',
      'Participant Last Name': 'Yılmaz',
      Nationality: 'TR',
      'Participant with Fewer Opportunities': 'Yes',
      'Field of Education (ISCED-F)': '0613',
      'Education Level (EQF)': '6',
      'Sending Organisation': 'Örnek Üniversitesi',
      'Sending Organisation Erasmus Code': 'TR ANKARA99',
      'Sending Country': 'TR',
      'Receiving Country': 'DE',
      'Start Date': '2027-09-03',
      'End Date': '2028-01-31',
      'Duration (days)': '151',
      'Duration (months)': '5.0',
      'Zero Grant': 'No',
      'Total Grant (EUR)': grants.ann.total.toFixed(2),
      'Individual Support (EUR)': grants.ann.individualSupport.toFixed(2),
      'Mobility Status': 'Ongoing',
    });
    // The formula guard: an apostrophe before text a spreadsheet would run.
    expect(row('mallory')['Participant First Name']).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(row('mallory')['Mobility Status']).toBe('Completed');
    expect(row('zeynep')).toMatchObject({ 'Zero Grant': 'Yes', 'Total Grant (EUR)': '0.00', 'Participant with Fewer Opportunities': '' });
    expect(row('eda')).toMatchObject({ 'Total Grant (EUR)': '', 'Individual Support (EUR)': '', 'Zero Grant': 'No' });
    expect(row('staff')).toMatchObject({ 'Education Level (EQF)': '', 'Duration (months)': '0.2', 'Travel (EUR)': grants.staff.travel.toFixed(2) });
  });

  it('starts with a byte order mark when asked (bom=true), for Excel', async () => {
    const res = await download(`/exports/beneficiary-module.csv?contract=${q(CONTRACT)}&bom=true`, STAFF);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3)).startsWith('Grant Agreement No.,')).toBe(true);
  });

  it('is a header row only for an unknown contract', async () => {
    const res = await download(`/exports/beneficiary-module.csv?contract=${q(`NO-SUCH-${RUN}`)}`, STAFF);
    expect(res.status).toBe(200);
    expect(parse(await res.text())).toEqual([[...BENEFICIARY_MODULE_HEADER]]);
  });

  it('is refused without a token (401), with a bad one (401) and for anyone but the office (403)', async () => {
    const path = `/exports/beneficiary-module.csv?contract=${q(CONTRACT)}`;
    const cases: [string, Identity | 'bad-token' | undefined, number, string][] = [
      ['no token', undefined, 401, 'UNAUTHENTICATED'],
      ['bad token', 'bad-token', 401, 'UNAUTHENTICATED'],
      ['coordinator of the unit', world.coordinator('ENG-CENG'), 403, 'FORBIDDEN'],
      ['the student', m.ann.who, 403, 'FORBIDDEN'],
    ];
    for (const [label, who, status, code] of cases) {
      const res = await download(path, who);
      expect({ label, status: res.status, code: ((await res.json()) as { error: { code: string } }).error.code }).toEqual({ label, status, code });
    }
    // Refused before the parameters are looked at: a visitor learns nothing about them either.
    expect((await download('/exports/beneficiary-module.pdf')).status).toBe(401);
  });

  it('answers bad parameters with 400 and a code', async () => {
    const cases: [string, string, string][] = [
      ['/exports/beneficiary-module.csv', 'INVALID_CONTRACT_NUMBER', 'contract'],
      ['/exports/beneficiary-module.csv?contract=', 'INVALID_CONTRACT_NUMBER', 'contract'],
      [`/exports/beneficiary-module.csv?contract=${'X'.repeat(61)}`, 'INVALID_CONTRACT_NUMBER', 'contract'],
      [`/exports/beneficiary-module.csv?contract=${q(CONTRACT)}&contract=x`, 'INVALID_PARAMETER', 'contract'],
      [`/exports/beneficiary-module.csv?contract=${q(CONTRACT)}&bom=maybe`, 'INVALID_PARAMETER', 'bom'],
      [`/exports/beneficiary-module.pdf?contract=${q(CONTRACT)}`, 'UNSUPPORTED_FORMAT', 'format'],
    ];
    for (const [path, reason, field] of cases) {
      const res = await download(path, STAFF);
      const body = (await res.json()) as { error: { code: string; reason: string; field: string } };
      expect({ path, status: res.status, ...body.error }).toMatchObject({ path, status: 400, code: 'BAD_USER_INPUT', reason, field });
    }
  });
});

describe('GET /exports/beneficiary-module.xlsx', () => {
  it('is a workbook with the same header, real dates, numeric amounts and text that is never a formula', async () => {
    const res = await download(`/exports/beneficiary-module.xlsx?contract=${q(CONTRACT)}`, STAFF);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="beneficiary-module-${CONTRACT}.xlsx"`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await res.arrayBuffer());
    const sheet = workbook.getWorksheet('Mobilities')!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([...BENEFICIARY_MODULE_HEADER]);
    expect(sheet.rowCount).toBe(1 + 5);
    const col = (name: string) => header.indexOf(name) + 1;
    const rowOf = (k: string) => {
      for (let r = 2; r <= sheet.rowCount; r++) if (sheet.getRow(r).getCell(col('Mobility ID')).value === m[k].application.number) return sheet.getRow(r);
      throw new Error(`no row for ${k}`);
    };
    expect((sheet.getRow(2).getCell(col('Mobility ID')).value as string) <= (sheet.getRow(3).getCell(col('Mobility ID')).value as string)).toBe(true);

    const ann = rowOf('ann');
    const start = ann.getCell(col('Start Date'));
    expect(start.type).toBe(ExcelJS.ValueType.Date);
    expect((start.value as Date).toISOString()).toBe('2027-09-03T00:00:00.000Z');
    expect((ann.getCell(col('End Date')).value as Date).toISOString()).toBe('2028-01-31T00:00:00.000Z');
    expect(ann.getCell(col('Duration (days)')).value).toBe(151);
    expect(ann.getCell(col('Duration (months)')).value).toBe(5);
    expect(ann.getCell(col('Education Level (EQF)')).value).toBe(6);
    const total = ann.getCell(col('Total Grant (EUR)'));
    expect(total.type).toBe(ExcelJS.ValueType.Number);
    expect(total.value).toBe(grants.ann.total);
    expect(ann.getCell(col('Individual Support (EUR)')).value).toBe(grants.ann.individualSupport);
    expect(ann.getCell(col('Participant with Fewer Opportunities')).value).toBe('Yes');
    expect(ann.getCell(col('Participant Last Name')).value).toBe('Yılmaz');

    // Text stays text: a name starting with "=" is a string cell (Excel shows it, never runs it), not a formula.
    const evil = rowOf('mallory').getCell(col('Participant First Name'));
    expect(evil.type).toBe(ExcelJS.ValueType.String);
    expect(evil.value).toBe('=HYPERLINK("http://evil.example","x")');

    expect(rowOf('zeynep').getCell(col('Total Grant (EUR)')).value).toBe(0);
    expect(rowOf('eda').getCell(col('Total Grant (EUR)')).value).toBeNull();

    // The totals sheet: per activity type and overall.
    const totals = workbook.getWorksheet('Totals')!;
    const totalsHeader = (totals.getRow(1).values as unknown[]).slice(1);
    const lines = [2, 3, 4].map((r) => Object.fromEntries(totalsHeader.map((h, i) => [h, totals.getRow(r).getCell(i + 1).value])));
    const r = await report();
    expect(lines.map((l) => [l['Activity Type'], l.Mobilities, l.Days, l.Months, l['Total Grant (EUR)'], l['Paid (EUR)']])).toEqual([
      ['Student mobility for studies', 4, 544, 18.1, r.byActivityType[0].totals.total, r.byActivityType[0].totals.paid],
      ['Staff mobility for teaching', 1, 5, 0.2, r.byActivityType[1].totals.total, 0],
      ['All activities', 5, 549, 18.3, r.totals.total, r.totals.paid],
    ]);
  });
});

// --- The command ------------------------------------------------------------------------------------------------------

/** What a task prints to stdout, as bytes. */
async function printed(task: ReturnType<typeof exportTask>): Promise<Buffer> {
  if (typeof task === 'string') throw new Error(task);
  const chunks: Buffer[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, a?: unknown, b?: unknown) => {
    chunks.push(Buffer.from(chunk as never));
    const done = typeof a === 'function' ? a : typeof b === 'function' ? b : undefined;
    (done as ((e?: Error) => void) | undefined)?.();
    return true;
  }) as never);
  try {
    await task(hub.hub.orm as never);
  } finally {
    spy.mockRestore();
  }
  return Buffer.concat(chunks);
}

describe('npm run export -- mobilities', () => {
  it('prints the CSV (default) or the XLSX workbook as binary', async () => {
    const csv = parse((await printed(exportTask(['mobilities', '--contract', CONTRACT]))).toString('utf8')) as string[][];
    expect(csv[0]).toEqual([...BENEFICIARY_MODULE_HEADER]);
    expect(csv.slice(1).map((r) => r[1])).toEqual(byNumber().map((k) => m[k].application.number));
    const withBom = await printed(exportTask(['mobilities', '--contract', CONTRACT, '--bom']));
    expect([...withBom.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);

    const xlsx = await printed(exportTask(['mobilities', '--contract', CONTRACT, '--format', 'xlsx']));
    expect(xlsx.subarray(0, 2).toString('latin1')).toBe('PK'); // a zip, byte for byte
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx as never);
    expect(workbook.getWorksheet('Mobilities')!.rowCount).toBe(6);
  });

  it('answers a missing contract or a bad format with the usage, before touching the database', () => {
    for (const args of [['mobilities'], ['mobilities', '--contract', ''], ['mobilities', '--contract', CONTRACT, '--format', 'pdf'], ['mobilities', '--contract', 'X'.repeat(61)]]) {
      const task = exportTask(args);
      expect({ args, usage: typeof task === 'string' && task.includes('mobilities --contract <number>') }).toEqual({ args, usage: true });
    }
  });
});
