/**
 * Erasmus Without Paper: an agreement as an IIA v7 get-response document (GraphQL `ewpXml`, `ewpIiaHash` and the
 * `export` command), partners' IIAs imported into agreements (`importEwpIia`, `import iia`), and the directory and
 * agreements as CSV. Documents are checked with xmllint-wasm against the schemas copied into ewp/.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeIiaHashes } from '../../src/modules/agreements/ewp/iia-hash';
import { parseXml, childElements, childText, firstChild, textOf, type XmlElement } from '../../src/modules/agreements/ewp/xml-tree';
import { validateAgainstXsd } from '../../src/modules/agreements/ewp/xsd-validate';
import {
  EwpAddContactDocument,
  EwpAgreementXmlDocument,
  EwpChangeStatusDocument,
  EwpCreateAgreementDocument,
  EwpCreateInstitutionDocument,
  EwpHomeDocument,
  EwpImportedAgreementByIdDocument,
  EwpImportIiaDocument,
  EwpSignDocument,
  type CreateAgreementInput,
} from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';
import { runHubCommand, stopAllHubProcesses } from '../support/process';

const STAFF = { role: 'STAFF' as const };
const EWP = path.resolve(__dirname, '../../ewp');
const EXAMPLE = readFileSync(path.join(EWP, 'iias-get-response-example.xml'), 'utf8');
const EXAMPLE_HASH = 'e950faa83a799cf45839e7915db88ed51575babe7845c1219dfde54ce30a61e4';
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
const tag = Math.random().toString(36).slice(2, 8);

let hub: TestHub;
let homeId: string;
let homeHei: string;
let engUnitId: string;
let partnerId: string;
const partnerHei = `uni-${tag}.example.de`;
const partnerName = `Universität Beispiel ${tag}`;
let agreementId: string;
let agreementXml: string;
let agreementHash: string;

async function createPartner(input: { officialName: string; country: string; schacCode?: string }): Promise<string> {
  const res = await hub.request(EwpCreateInstitutionDocument, { input }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.createInstitution.id;
}

async function createAgreement(input: CreateAgreementInput): Promise<{ id: string; version: number }> {
  const res = await hub.request(EwpCreateAgreementDocument, { input }, STAFF);
  expect(res.errors).toBeUndefined();
  return res.data!.createAgreement;
}

const specs = (xml: string) => {
  const iia = firstChild(parseXml(xml), 'iia')!;
  return childElements(firstChild(iia, 'cooperation-conditions')!);
};

beforeAll(async () => {
  hub = await startTestHub();
  const home = await hub.request(EwpHomeDocument, {});
  homeId = home.data!.homeInstitution.id;
  homeHei = home.data!.homeInstitution.schacCode!;
  expect(homeHei).toBeTruthy();
  engUnitId = home.data!.homeInstitution.topLevelUnits.find((u) => u.code === 'ENG')!.id;

  partnerId = await createPartner({ officialName: partnerName, country: 'DE', schacCode: partnerHei });
  const contact = await hub.request(
    EwpAddContactDocument,
    { input: { institutionId: partnerId, name: 'Anna Schmidt', email: `anna@${partnerHei}`, role: 'INTERNATIONAL_COORDINATOR' } },
    STAFF,
  );
  expect(contact.errors).toBeUndefined();

  const years = { firstAcademicYear: '2025/2026', lastAcademicYear: '2028/2029' };
  const created = await createAgreement({
    kind: 'ERASMUS_IIA',
    title: `EWP export test ${tag}`,
    reference: `EWP-${tag}`,
    homeUnitId: engUnitId,
    partners: [{ institutionId: partnerId }],
    ...years,
    conditions: [
      // Out of the schema's order on purpose: the export lists studies, traineeships, teaching, training.
      { sendingInstitutionId: homeId, receivingInstitutionId: partnerId, mobilityType: 'STA', ...years, mobilitiesPerYear: 1, totalDaysPerYear: 5, languages: [{ language: 'en', cefr: 'C1' }], subjectAreas: [{ isced: '0613' }] },
      {
        sendingInstitutionId: homeId,
        sendingUnitId: engUnitId,
        receivingInstitutionId: partnerId,
        mobilityType: 'SMS',
        ...years,
        mobilitiesPerYear: 2,
        totalMonthsPerYear: 10,
        subjectAreas: [{ isced: '0613', clarification: 'Software engineering' }],
        eqfLevels: [6, 7],
        languages: [{ language: 'en', cefr: 'B2' }],
        blended: true,
      },
      { sendingInstitutionId: partnerId, receivingInstitutionId: homeId, mobilityType: 'SMS', ...years, mobilitiesPerYear: 2, totalMonthsPerYear: 9.5, languages: [{ language: 'en', cefr: 'B1' }, { language: 'tr' }] },
      { sendingInstitutionId: homeId, receivingInstitutionId: partnerId, mobilityType: 'SMT', ...years, mobilitiesPerYear: 2, totalMonthsPerYear: 6 },
      { sendingInstitutionId: partnerId, receivingInstitutionId: homeId, mobilityType: 'STT', ...years, mobilitiesPerYear: 1, totalDaysPerYear: 5 },
    ],
  });
  agreementId = created.id;
  // Signed by both: in effect, with signing contacts and dates.
  let version = (await hub.request(EwpChangeStatusDocument, { id: agreementId, version: created.version, status: 'IN_NEGOTIATION' }, STAFF)).data!
    .changeAgreementStatus.version;
  version = (await hub.request(EwpSignDocument, { input: { id: agreementId, version, side: 'HOME', signatory: 'Prof. Dr. Ayşe Yılmaz', signedOn: '2025-03-01' } }, STAFF))
    .data!.signAgreement.version;
  const signed = await hub.request(EwpSignDocument, { input: { id: agreementId, version, side: 'PARTNER', signatory: 'Dr. Klaus Weber', signedOn: '2025-03-10' } }, STAFF);
  expect(signed.data!.signAgreement.status).toBe('IN_EFFECT');

  const res = await hub.request(EwpAgreementXmlDocument, { id: agreementId }, STAFF);
  expect(res.errors).toBeUndefined();
  agreementXml = res.data!.agreement!.ewpXml!;
  agreementHash = res.data!.agreement!.ewpIiaHash!;
});

afterAll(async () => {
  await stopAllHubProcesses();
  await hub.close();
});

describe('export: ewpXml', () => {
  it('is a get-response document that validates against iias-get-response.xsd', async () => {
    expect(agreementXml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<iias-get-response')).toBe(true);
    expect(await validateAgainstXsd(agreementXml)).toEqual({ valid: true, problems: [] });
  });

  it('names the home institution first and the partner second by hei-id, with iia-id, signatures and contacts', () => {
    const iia = firstChild(parseXml(agreementXml), 'iia')!;
    const [home, partner] = childElements(iia, 'partner');
    expect(childText(home, 'hei-id')).toBe(homeHei);
    expect(childText(home, 'ounit-id')).toBe(uuidOf(engUnitId));
    expect(childText(home, 'iia-id')).toBe(uuidOf(agreementId));
    expect(childText(home, 'iia-code')).toBe(`EWP-${tag}`);
    expect(childText(firstChild(home, 'signing-contact')!, 'contact-name')).toBe('Prof. Dr. Ayşe Yılmaz');
    expect(childText(home, 'signing-date')).toBe('2025-03-01');
    expect(childText(partner, 'hei-id')).toBe(partnerHei);
    expect(childText(partner, 'signing-date')).toBe('2025-03-10');
    const contact = firstChild(partner, 'contact')!;
    expect(childText(contact, 'contact-name')).toBe('Anna Schmidt');
    expect(childText(contact, 'email')).toBe(`anna@${partnerHei}`);
    expect(childText(iia, 'in-effect')).toBe('true');
  });

  it('maps each cooperation condition to its v7 element, in the order the schema requires', () => {
    const all = specs(agreementXml);
    expect(all.map((s) => s.local)).toEqual([
      'student-studies-mobility-spec',
      'student-studies-mobility-spec',
      'student-traineeship-mobility-spec',
      'staff-teacher-mobility-spec',
      'staff-training-mobility-spec',
    ]);
    const [out, incoming] = all;
    expect(childText(out, 'sending-hei-id')).toBe(homeHei);
    expect(childText(out, 'sending-ounit-id')).toBe(uuidOf(engUnitId));
    expect(childText(out, 'receiving-hei-id')).toBe(partnerHei);
    expect(childText(out, 'receiving-first-academic-year-id')).toBe('2025/2026');
    expect(childText(out, 'receiving-last-academic-year-id')).toBe('2028/2029');
    expect(childText(out, 'mobilities-per-year')).toBe('2');
    expect(childText(out, 'total-months-per-year')).toBe('10');
    expect(childText(out, 'blended')).toBe('true');
    expect(childElements(out, 'eqf-level').map(textOf)).toEqual(['6', '7']);
    const area = firstChild(out, 'subject-area')!;
    expect([childText(area, 'isced-f-code'), childText(area, 'isced-clarification')]).toEqual(['0613', 'Software engineering']);
    expect(childText(incoming, 'sending-hei-id')).toBe(partnerHei);
    expect(childText(incoming, 'total-months-per-year')).toBe('9.5');
    expect(childElements(incoming, 'recommended-language-skill').map((l: XmlElement) => [childText(l, 'language'), childText(l, 'cefr-level')])).toEqual([
      ['en', 'B1'],
      ['tr', undefined],
    ]);
    expect(childText(all[3], 'total-days-per-year')).toBe('5');
  });

  it('carries the EWP v7 iia-hash of its own content, the same as ewpIiaHash', () => {
    const iia = firstChild(parseXml(agreementXml), 'iia')!;
    expect(agreementHash).toMatch(/^[0-9a-f]{64}$/);
    expect(childText(iia, 'iia-hash')).toBe(agreementHash);
    expect(computeIiaHashes(agreementXml)[0].hash).toBe(agreementHash);
  });

  it('is refused to coordinators (FORBIDDEN), applicants (FORBIDDEN) and the public (UNAUTHENTICATED)', async () => {
    const coordinator = await hub.request(EwpAgreementXmlDocument, { id: agreementId }, { role: 'COORDINATOR', units: [uuidOf(engUnitId)] });
    expect(coordinator.data!.agreement).toMatchObject({ id: agreementId, ewpXml: null, ewpIiaHash: null });
    expect(coordinator.errors!.map((e) => e.extensions!.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    expect(coordinator.errors!.map((e) => e.path!.join('.')).sort()).toEqual(['agreement.ewpIiaHash', 'agreement.ewpXml']);

    const applicant = await hub.request(EwpAgreementXmlDocument, { id: agreementId }, { role: 'APPLICANT' });
    expect(applicant.data?.agreement ?? null).toBeNull();
    expect(applicant.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });

    const visitor = await hub.request(EwpAgreementXmlDocument, { id: agreementId });
    expect(visitor.data?.agreement ?? null).toBeNull();
    expect(visitor.errors![0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('fails with EWP_MISSING_HEI_ID naming the partner when the partner has no SCHAC code', async () => {
    const name = `Hochschule ohne SCHAC ${tag}`;
    const institutionId = await createPartner({ officialName: name, country: 'DE' });
    const { id } = await createAgreement({
      kind: 'ERASMUS_IIA',
      title: `No hei-id ${tag}`,
      partners: [{ institutionId }],
      firstAcademicYear: '2025/2026',
      lastAcademicYear: '2026/2027',
    });
    const res = await hub.request(EwpAgreementXmlDocument, { id }, STAFF);
    expect(res.data!.agreement).toMatchObject({ id, ewpXml: null });
    const error = res.errors!.find((e) => e.path!.join('.') === 'agreement.ewpXml')!;
    expect(error.extensions).toMatchObject({ reason: 'EWP_MISSING_HEI_ID', institutionId, institution: name });
    expect(error.message).toContain(name);

    const cli = await runHubCommand(['export', 'iia', id]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toBe('');
    expect(cli.stderr).toContain('EWP_MISSING_HEI_ID');
  });
});

describe('import: importEwpIia', () => {
  let importedId: string;
  let version: number;

  it('imports the official example: a new IIA with its partners and all five conditions', async () => {
    const res = await hub.request(EwpImportIiaDocument, { xml: EXAMPLE }, STAFF);
    expect(res.errors).toBeUndefined();
    const result = res.data!.importEwpIia;
    expect(result.created).toBe(true);
    expect(result.statedIiaHash).toBe(EXAMPLE_HASH);
    expect(result.iiaHash).toBe(EXAMPLE_HASH);
    expect(result.institutions.map((i) => [i.heiId, i.institution.schacCode])).toEqual([
      ['uw.edu.pl', 'uw.edu.pl'],
      ['hibo.no', 'hibo.no'],
    ]);
    expect(result.warnings.some((w) => w.includes('Neither partner is the home institution'))).toBe(true);
    const a = result.agreement;
    importedId = a.id;
    version = a.version;
    expect(a).toMatchObject({
      kind: 'ERASMUS_IIA',
      status: 'IN_EFFECT',
      firstAcademicYear: '2014/2015',
      lastAcademicYear: '2020/2021',
      ewpPartnerIiaId: '0f7a5682-faf7-49a7-9cc7-ec486c49a281',
      partnerSignatory: 'Sylwia Nowak',
    });
    expect(a.partners.map((p) => p.institution.schacCode).sort()).toEqual(['hibo.no', 'uw.edu.pl']);
    expect(a.conditions.map((c) => [c.mobilityType, c.sendingInstitution.schacCode, c.receivingInstitution.schacCode, c.mobilitiesPerYear])).toEqual([
      ['SMS', 'uw.edu.pl', 'hibo.no', 2],
      ['SMT', 'uw.edu.pl', 'hibo.no', 10],
      ['STA', 'uw.edu.pl', 'hibo.no', 2],
      ['STA', 'hibo.no', 'uw.edu.pl', 2],
      ['STT', 'hibo.no', 'uw.edu.pl', 2],
    ]);
    expect(a.conditions[0]).toMatchObject({
      firstAcademicYear: '2014/2015',
      lastAcademicYear: '2020/2021',
      totalMonthsPerYear: 5,
      totalDaysPerYear: null,
      subjectAreas: [{ isced: '0314', clarification: null }],
      eqfLevels: [7, 8],
      languages: [
        { language: 'en', cefr: 'B1' },
        { language: 'no', cefr: 'B1' },
      ],
      blended: false,
    });
    expect(a.conditions[4]).toMatchObject({ firstAcademicYear: '2016/2017', totalDaysPerYear: 14, totalMonthsPerYear: null });
    // The same, read back.
    const read = await hub.request(EwpImportedAgreementByIdDocument, { id: importedId }, STAFF);
    expect(read.data!.agreement!.conditions).toEqual(a.conditions);
  });

  it('imports the same document again without changes (idempotent)', async () => {
    const res = await hub.request(EwpImportIiaDocument, { xml: EXAMPLE }, STAFF);
    expect(res.errors).toBeUndefined();
    const result = res.data!.importEwpIia;
    expect(result.created).toBe(false);
    expect(result.changes).toEqual([]);
    expect(result.institutions.map((i) => i.outcome)).toEqual(['EXISTING', 'EXISTING']);
    expect(result.agreement).toMatchObject({ id: importedId, version });
  });

  it('reports the changed fields when a modified copy is imported', async () => {
    let modified = EXAMPLE.replace('<mobilities-per-year>2</mobilities-per-year>', '<mobilities-per-year>4</mobilities-per-year>').replace(
      /(<staff-training-mobility-spec>[\s\S]*?)<total-days-per-year>14<\/total-days-per-year>/,
      '$1<total-days-per-year>10</total-days-per-year>',
    );
    const hash = computeIiaHashes(modified)[0].hash;
    expect(hash).not.toBe(EXAMPLE_HASH);
    modified = modified.replace(EXAMPLE_HASH, hash);
    const res = await hub.request(EwpImportIiaDocument, { xml: modified }, STAFF);
    expect(res.errors).toBeUndefined();
    const result = res.data!.importEwpIia;
    expect(result.created).toBe(false);
    expect(result.iiaHash).toBe(hash);
    expect(result.changes).toEqual([
      { path: 'conditions.0.mobilitiesPerYear', from: '2', to: '4' },
      { path: 'conditions.4.totalDaysPerYear', from: '14', to: '10' },
    ]);
    expect(result.agreement.id).toBe(importedId);
    expect(result.agreement.version).toBe(version + 1);
    expect(result.agreement.conditions[0].mobilitiesPerYear).toBe(4);
    expect(result.agreement.conditions[4].totalDaysPerYear).toBe(10);
  });

  it('refuses malformed XML with EWP_INVALID_XML and the line of the problem', async () => {
    const res = await hub.request(EwpImportIiaDocument, { xml: '<iias-get-response>\n  <iia>\n</iias-get-response>' }, STAFF);
    expect(res.data).toBeNull();
    const ext = res.errors![0].extensions as { code: string; reason: string; problems: { message: string; line: number }[] };
    expect(ext).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'EWP_INVALID_XML', field: 'xml' });
    expect(ext.problems[0].line).toBe(3);
    expect(res.errors![0].message).toMatch(/line 3/);
  });

  it('refuses a well-formed document that breaks the schema with EWP_INVALID_XML and the validator message', async () => {
    const res = await hub.request(EwpImportIiaDocument, { xml: EXAMPLE.replace('<in-effect>true</in-effect>', '<in-effect>yes</in-effect>') }, STAFF);
    const ext = res.errors![0].extensions as { reason: string; problems: { message: string; line: number }[] };
    expect(ext.reason).toBe('EWP_INVALID_XML');
    expect(ext.problems[0].message).toMatch(/in-effect/);
    expect(ext.problems[0].line).toBe(EXAMPLE.split('\n').findIndex((l) => l.includes('<in-effect>')) + 1);
  });

  it('is for the office only', async () => {
    const res = await hub.request(EwpImportIiaDocument, { xml: EXAMPLE }, { role: 'COORDINATOR', units: [uuidOf(engUnitId)] });
    expect(res.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('round-trips: our own export imported back matches our agreement and changes nothing', async () => {
    const res = await hub.request(EwpImportIiaDocument, { xml: agreementXml }, STAFF);
    expect(res.errors).toBeUndefined();
    expect(res.data!.importEwpIia).toMatchObject({ created: false, changes: [], agreement: { id: agreementId } });
    expect(res.data!.importEwpIia.institutions).toEqual([
      { heiId: partnerHei, outcome: 'EXISTING', institution: { id: partnerId, schacCode: partnerHei, country: 'DE' } },
    ]);
  });
});

describe('command line', () => {
  it('export iia prints the agreement as valid XML with the same iia-hash', async () => {
    const res = await runHubCommand(['export', 'iia', agreementId]);
    expect(res.stderr).not.toMatch(/error/i);
    expect(res.code).toBe(0);
    expect(await validateAgainstXsd(res.stdout)).toEqual({ valid: true, problems: [] });
    expect(childText(firstChild(parseXml(res.stdout), 'iia')!, 'iia-hash')).toBe(agreementHash);
    const byUuid = await runHubCommand(['export', 'iia', uuidOf(agreementId)]);
    expect(byUuid.stdout).toBe(res.stdout);
  });

  it('export partners-csv prints the directory with a header row', async () => {
    const res = await runHubCommand(['export', 'partners-csv']);
    expect(res.code).toBe(0);
    const rows = parseCsv(res.stdout, { columns: false }) as string[][];
    expect(rows[0]).toEqual(['id', 'officialName', 'nameEn', 'country', 'city', 'website', 'erasmusCode', 'schacCode', 'pic', 'oid', 'echeStart', 'echeEnd']);
    const records = parseCsv(res.stdout, { columns: true }) as Record<string, string>[];
    expect(records.find((r) => r.id === partnerId)).toMatchObject({ officialName: partnerName, country: 'DE', schacCode: partnerHei, pic: '' });
    expect(records.find((r) => r.id === homeId)).toMatchObject({ schacCode: homeHei, country: 'TR' });
  });

  it('export agreements-csv prints the agreements with partners, years, unit and quotas', async () => {
    const res = await runHubCommand(['export', 'agreements-csv']);
    expect(res.code).toBe(0);
    const rows = parseCsv(res.stdout, { columns: false }) as string[][];
    expect(rows[0]).toEqual([
      'id',
      'reference',
      'kind',
      'status',
      'title',
      'partners',
      'firstAcademicYear',
      'lastAcademicYear',
      'homeUnitCode',
      'conditions',
      'mobilitiesPerYear',
    ]);
    const records = parseCsv(res.stdout, { columns: true }) as Record<string, string>[];
    expect(records.find((r) => r.id === agreementId)).toEqual({
      id: agreementId,
      reference: `EWP-${tag}`,
      kind: 'ERASMUS_IIA',
      status: 'IN_EFFECT',
      title: `EWP export test ${tag}`,
      partners: `${partnerName} (${partnerHei})`,
      firstAcademicYear: '2025/2026',
      lastAcademicYear: '2028/2029',
      homeUnitCode: 'ENG',
      conditions: '5',
      mobilitiesPerYear: '8',
    });
  });

  it('import iia reads a file, reports the new agreement, and a second run reports no changes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'iro-hub-ewp-'));
    const file = path.join(dir, 'iia.xml');
    // Another IIA of the same partners: a different iia-id on the partner's side.
    writeFileSync(file, EXAMPLE.replace('0f7a5682-faf7-49a7-9cc7-ec486c49a281', `cli-${tag}`));
    const first = await runHubCommand(['import', 'iia', file, '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const report = JSON.parse(first.stdout) as { agreementId: string; created: boolean; institutions: { outcome: string }[] };
    expect(report.created).toBe(true);
    expect(report.institutions.map((i) => i.outcome)).toEqual(['EXISTING', 'EXISTING']);
    const second = await runHubCommand(['import', 'iia', file]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`^No changes to agreement ${report.agreementId}`));
  });
});
