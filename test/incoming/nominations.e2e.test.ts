/**
 * Partners' nominations: staff entry, CSV and EWP records, matched against our agreements (issues flagged, never
 * silently accepted), quotas counted per condition and year (also under concurrency), the factsheet's deadline, the
 * one-time invitation code the nominee claims the nomination with, and the quota usage.
 */
import {
  IncCancelDocument,
  IncClaimDocument,
  IncDeadlinesDocument,
  IncImportDocument,
  IncMobilitiesDocument,
  IncMobilityDocument,
  IncNominateDocument,
  IncQuotaUsageDocument,
  IncReceiveEwpDocument,
  IncSetDeadlineDocument,
  type EwpNominationInput,
} from '../generated/graphql';
import { startTestHub, type TestHub } from '../support/hub';
import { em } from './incoming.support';
import { IncomingMobility } from '../../src/modules/incoming/incoming-mobility.entity';
import { Institution } from '../../src/modules/institutions/institution.entity';
import { MobilityType } from '../../src/modules/agreements/agreement.entity';
import {
  applicant,
  coordinator,
  errorOf,
  globalId,
  nominate,
  nominationInput,
  OFFICE,
  ok,
  partnerWithAgreement,
  read,
  unitGlobalId,
  YEAR,
} from './intake.support';

let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub.close();
});

const issueCodes = (m: { nominationIssues?: { code: string }[] | null }) => (m.nominationIssues ?? []).map((i) => i.code);

describe('staff entry', () => {
  it('records a fitting nomination as NOMINATED, matched to the agreement, numbered, with a one-time invitation code', async () => {
    const partner = await partnerWithAgreement(hub);
    const input = await nominationInput(hub, partner);
    const { mobility, invitationCode } = await nominate(hub, input);
    expect(mobility).toMatchObject({
      status: 'NOMINATED',
      source: 'STAFF_ENTRY',
      mobilityType: 'SMS',
      academicYear: YEAR,
      term: 'FALL',
      studyLevel: 'BACHELOR',
      sendingUnitName: 'Fakultät für Informatik',
      sendingInstitution: { id: partner.id },
      hostUnit: { code: 'ENG-CENG' },
      agreement: { id: partner.agreementId },
      nominationIssues: [],
      invitationPending: true,
      nominee: { givenNames: 'Lena', familyName: input.familyName, email: input.email, birthDate: '2004-03-14', citizenships: ['DE'], claimed: false },
      history: [{ from: null, to: 'NOMINATED', actor: OFFICE.sub }],
    });
    expect(mobility.number).toMatch(/^2030-IN-SMS-\d{4}$/);
    expect(invitationCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    // Only its hash is stored.
    const row = await em(hub).findOneOrFail(IncomingMobility, { number: mobility.number });
    expect(row.invitationCodeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.invitationCodeHash).not.toContain(invitationCode!.replace(/-/g, ''));
    expect(row.cooperationCondition?.id).toBe(partner.conditionUuids[0]);
  });

  it('numbers nominations per academic year and mobility type in sequence', async () => {
    const partner = await partnerWithAgreement(hub, { conditions: [{}, { mobilityType: MobilityType.STA, isced: [], eqf: [], languages: [] }] });
    const a = (await nominate(hub, await nominationInput(hub, partner))).mobility.number;
    const b = (await nominate(hub, await nominationInput(hub, partner))).mobility.number;
    const staff = (await nominate(hub, await nominationInput(hub, partner, { mobilityType: 'STA', studyLevel: null }))).mobility.number;
    const seq = (n: string) => Number(n.slice(-4));
    expect(seq(b)).toBe(seq(a) + 1);
    expect(staff).toMatch(/^2030-IN-STA-\d{4}$/);
  });

  it('flags a nomination that does not fit the agreement instead of refusing it, one code per mismatch', async () => {
    const partner = await partnerWithAgreement(hub, { conditions: [{ mobilitiesPerYear: 50 }] });
    const cases: [Record<string, unknown>, string[]][] = [
      [{ academicYear: '2034/2035' }, ['YEAR_NOT_COVERED']],
      [{ mobilityType: 'SMT' }, ['MOBILITY_TYPE_NOT_COVERED']],
      [{ iscedCode: '0311' }, ['FIELD_NOT_COVERED']],
      [{ studyLevel: 'DOCTORATE' }, ['LEVEL_NOT_COVERED']],
      [{ languageLevel: 'B1' }, ['LANGUAGE_LEVEL_BELOW']],
      [{ hostUnitId: await unitGlobalId(hub, 'SCI-PHYS') }, ['UNIT_NOT_COVERED']],
      [{ academicYear: '2034/2035', iscedCode: '0311', languageLevel: 'A2' }, ['YEAR_NOT_COVERED', 'FIELD_NOT_COVERED', 'LANGUAGE_LEVEL_BELOW']],
    ];
    for (const [overrides, expected] of cases) {
      const { mobility } = await nominate(hub, await nominationInput(hub, partner, overrides));
      expect({ overrides, status: mobility.status, codes: issueCodes(mobility) }).toEqual({ overrides, status: 'NOMINATED', codes: expected });
      expect(mobility.nominationIssues!.every((i) => i.message.length > 0)).toBe(true);
    }
  });

  it('flags NO_AGREEMENT, AGREEMENT_NOT_ACTIVE and NO_CONDITION_TOWARDS_US', async () => {
    const none = await partnerWithAgreement(hub, { agreement: false });
    const noAgreement = (await nominate(hub, await nominationInput(hub, none))).mobility;
    expect(issueCodes(noAgreement)).toEqual(['NO_AGREEMENT']);
    expect(noAgreement.agreement).toBeNull();

    const negotiating = await partnerWithAgreement(hub, { status: 'IN_NEGOTIATION' as never });
    expect(issueCodes((await nominate(hub, await nominationInput(hub, negotiating))).mobility)).toEqual(['AGREEMENT_NOT_ACTIVE']);

    const outgoingOnly = await partnerWithAgreement(hub, { conditions: [{ direction: 'OUT' }] });
    const wrongWay = (await nominate(hub, await nominationInput(hub, outgoingOnly))).mobility;
    expect(issueCodes(wrongWay)).toEqual(['NO_CONDITION_TOWARDS_US']);
    expect(wrongWay.agreement).toEqual({ id: outgoingOnly.agreementId });

    // Naming an agreement that is with another partner is no agreement for this one.
    const other = await partnerWithAgreement(hub);
    expect(issueCodes((await nominate(hub, await nominationInput(hub, other, { agreementId: outgoingOnly.agreementId }))).mobility)).toEqual(['NO_AGREEMENT']);
  });

  it('counts nominations against the condition’s yearly quota and flags QUOTA_EXCEEDED beyond it; a cancelled one frees its place', async () => {
    const partner = await partnerWithAgreement(hub, { conditions: [{ mobilitiesPerYear: 2 }] });
    const first = (await nominate(hub, await nominationInput(hub, partner))).mobility;
    const second = (await nominate(hub, await nominationInput(hub, partner))).mobility;
    const third = (await nominate(hub, await nominationInput(hub, partner))).mobility;
    expect([first, second, third].map(issueCodes)).toEqual([[], [], ['QUOTA_EXCEEDED']]);
    // Another year has its own quota.
    expect(issueCodes((await nominate(hub, await nominationInput(hub, partner, { academicYear: '2031/2032' }))).mobility)).toEqual([]);

    const usage = ok(await hub.request(IncQuotaUsageDocument, { academicYear: YEAR }, OFFICE)).incomingQuotaUsage.find((u) => u.partner.id === partner.id)!;
    expect(usage).toMatchObject({ mobilityType: 'SMS', mobilitiesPerYear: 2, used: 3, remaining: 0, unit: { code: 'ENG-CENG' }, agreement: { id: partner.agreementId } });

    // A cancelled nomination no longer holds a place.
    ok(await hub.request(IncCancelDocument, { id: first.id, version: first.version, reason: 'The partner withdrew the nomination by e-mail' }, OFFICE));
    const after = ok(await hub.request(IncQuotaUsageDocument, { academicYear: YEAR }, OFFICE)).incomingQuotaUsage.find((u) => u.partner.id === partner.id)!;
    expect(after).toMatchObject({ used: 2, remaining: 0 });
  });

  it('lets only one of two concurrent nominations take the last place of a quota', async () => {
    const partner = await partnerWithAgreement(hub, { conditions: [{ mobilitiesPerYear: 1 }] });
    const inputs = [await nominationInput(hub, partner), await nominationInput(hub, partner)];
    const results = await Promise.all(inputs.map((input) => nominate(hub, input)));
    expect(results.map((r) => issueCodes(r.mobility)).sort()).toEqual([[], ['QUOTA_EXCEEDED']]);
  });

  it('refuses study levels for staff visits and requires them for students', async () => {
    const partner = await partnerWithAgreement(hub);
    const staff = await hub.request(IncNominateDocument, { input: await nominationInput(hub, partner, { mobilityType: 'STT' }) }, OFFICE);
    expect(errorOf(staff)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'STUDY_LEVEL_FOR_STAFF', field: 'studyLevel' });
    const student = await hub.request(IncNominateDocument, { input: await nominationInput(hub, partner, { studyLevel: null }) }, OFFICE);
    expect(errorOf(student)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'STUDY_LEVEL_REQUIRED' });
    const ok2 = await nominate(hub, await nominationInput(hub, partner, { mobilityType: 'STT', studyLevel: null }));
    expect(ok2.mobility).toMatchObject({ mobilityType: 'STT', studyLevel: null });
  });

  it('refuses a host unit that is not ours, the home institution as sender, and malformed input', async () => {
    const partner = await partnerWithAgreement(hub);
    const home = await em(hub).findOneOrFail(Institution, { isHome: true });
    const asHome = await hub.request(IncNominateDocument, { input: await nominationInput(hub, partner, { sendingInstitutionId: globalId('Institution', home.id) }) }, OFFICE);
    expect(errorOf(asHome)).toMatchObject({ reason: 'SENDING_IS_HOME' });
    const badEmail = await hub.request(IncNominateDocument, { input: await nominationInput(hub, partner, { email: 'not-an-email' }) }, OFFICE);
    expect(errorOf(badEmail)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'VALIDATION_FAILED', field: 'email' });
    const badDay = await hub.request(IncNominateDocument, { input: await nominationInput(hub, partner, { birthDate: '2004-02-30' }) }, OFFICE);
    expect(errorOf(badDay)).toMatchObject({ reason: 'VALIDATION_FAILED', field: 'birthDate' });
    const before = await em(hub).count(IncomingMobility, { sendingInstitution: partner.uuid });
    expect(before).toBe(0);
  });

  it('is the office’s: coordinators and applicants cannot nominate, anonymous is asked to sign in', async () => {
    const partner = await partnerWithAgreement(hub);
    const input = await nominationInput(hub, partner);
    expect(errorOf(await hub.request(IncNominateDocument, { input }, await coordinator(hub, 'ENG')))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(IncNominateDocument, { input }, applicant()))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await hub.request(IncNominateDocument, { input }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('deadlines', () => {
  const DEADLINE_YEAR = '2035/2036';

  it('refuses nominations after the nomination deadline of the year and term, with a code; no deadline set: none', async () => {
    const partner = await partnerWithAgreement(hub, { firstAcademicYear: '2034/2035', lastAcademicYear: '2036/2037' });
    // No deadline for the year yet: taken.
    expect((await nominate(hub, await nominationInput(hub, partner, { academicYear: DEADLINE_YEAR, term: 'SPRING' }))).mobility.status).toBe('NOMINATED');

    const set = ok(
      await hub.request(IncSetDeadlineDocument, { input: { academicYear: DEADLINE_YEAR, term: 'FALL', nominationDeadline: '2020-05-15', applicationDeadline: '2020-06-15' } }, OFFICE),
    ).setIncomingDeadline;
    expect(set).toMatchObject({ academicYear: DEADLINE_YEAR, term: 'FALL', nominationDeadline: '2020-05-15', version: 1 });
    const late = await hub.request(IncNominateDocument, { input: await nominationInput(hub, partner, { academicYear: DEADLINE_YEAR, term: 'FALL' }) }, OFFICE);
    expect(errorOf(late)).toMatchObject({ code: 'CONFLICT', reason: 'NOMINATION_DEADLINE_PASSED', deadline: '2020-05-15' });
    // A full-year stay without a deadline of its own follows the fall term's.
    const fullYear = await hub.request(IncNominateDocument, { input: await nominationInput(hub, partner, { academicYear: DEADLINE_YEAR, term: 'FULL_YEAR' }) }, OFFICE);
    expect(errorOf(fullYear)).toMatchObject({ reason: 'NOMINATION_DEADLINE_PASSED' });

    // Moved to a later day: taken again (inclusive); the version guards the change.
    const stale = await hub.request(IncSetDeadlineDocument, { input: { academicYear: DEADLINE_YEAR, term: 'FALL', nominationDeadline: '2099-05-15', applicationDeadline: '2099-06-15', version: 7 } }, OFFICE);
    expect(errorOf(stale)).toMatchObject({ reason: 'VERSION_CONFLICT' });
    ok(await hub.request(IncSetDeadlineDocument, { input: { academicYear: DEADLINE_YEAR, term: 'FALL', nominationDeadline: '2099-05-15', applicationDeadline: '2099-06-15', version: set.version } }, OFFICE));
    expect((await nominate(hub, await nominationInput(hub, partner, { academicYear: DEADLINE_YEAR, term: 'FALL' }))).mobility.status).toBe('NOMINATED');

    // The factsheet is public.
    const listed = ok(await hub.request(IncDeadlinesDocument, { academicYear: DEADLINE_YEAR })).incomingDeadlines;
    expect(listed).toEqual([expect.objectContaining({ term: 'FALL', nominationDeadline: '2099-05-15', applicationDeadline: '2099-06-15', version: 2 })]);
  });

  it('refuses an application deadline before the nomination deadline, and deadlines from anyone but the office', async () => {
    const bad = await hub.request(IncSetDeadlineDocument, { input: { academicYear: '2036/2037', term: 'SPRING', nominationDeadline: '2036-11-15', applicationDeadline: '2036-11-01' } }, OFFICE);
    expect(errorOf(bad)).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_DEADLINES' });
    const byCoordinator = await hub.request(
      IncSetDeadlineDocument,
      { input: { academicYear: '2036/2037', term: 'SPRING', nominationDeadline: '2036-11-01', applicationDeadline: '2036-11-15' } },
      await coordinator(hub, 'ENG'),
    );
    expect(errorOf(byCoordinator)).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('the invitation code', () => {
  it('binds the nominee’s account once; a wrong code and an unknown number get the same answer', async () => {
    const partner = await partnerWithAgreement(hub);
    const { mobility, invitationCode } = await nominate(hub, await nominationInput(hub, partner));
    const nominee = applicant();
    const stranger = applicant();

    const wrongCode = errorOf(await hub.request(IncClaimDocument, { number: mobility.number, invitationCode: 'AAAA-BBBB-CCCC' }, stranger));
    const unknownNumber = errorOf(await hub.request(IncClaimDocument, { number: '2030-IN-SMS-9999', invitationCode: invitationCode! }, stranger));
    expect(wrongCode).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_INVITATION' });
    expect(unknownNumber).toEqual(wrongCode);
    // The nominee cannot read it before claiming it.
    expect(ok(await hub.request(IncMobilityDocument, { id: mobility.id }, nominee)).incomingMobility).toBeNull();

    // Typed in lower case and without dashes, it still works.
    const claimed = ok(await hub.request(IncClaimDocument, { number: mobility.number, invitationCode: invitationCode!.toLowerCase().replace(/-/g, '') }, nominee)).claimIncomingNomination;
    expect(claimed).toMatchObject({ id: mobility.id, nominee: { claimed: true }, invitationPending: null, allowedSteps: ['APPLIED', 'WITHDRAWN'] });
    expect((await read(hub, mobility.id)).invitationPending).toBe(false);

    // Once used it is spent: not even the nominee can use it again, nor anyone else.
    expect(errorOf(await hub.request(IncClaimDocument, { number: mobility.number, invitationCode: invitationCode! }, stranger))).toEqual(wrongCode);
    expect(ok(await hub.request(IncMobilityDocument, { id: mobility.id }, stranger)).incomingMobility).toBeNull();
    expect(ok(await hub.request(IncMobilityDocument, { id: mobility.id }, nominee)).incomingMobility).toMatchObject({ number: mobility.number });
  });

  it('is not issued when the nominee’s account is given, and claiming needs an applicant', async () => {
    const partner = await partnerWithAgreement(hub);
    const nominee = applicant();
    const { mobility, invitationCode } = await nominate(hub, await nominationInput(hub, partner, { nomineeSubject: nominee.sub }));
    expect(invitationCode).toBeNull();
    expect(mobility).toMatchObject({ nominee: { claimed: true }, invitationPending: false });
    expect(ok(await hub.request(IncMobilityDocument, { id: mobility.id }, nominee)).incomingMobility).toMatchObject({ id: mobility.id });
    expect(errorOf(await hub.request(IncClaimDocument, { number: mobility.number, invitationCode: 'AAAA-BBBB-CCCC' }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('CSV import', () => {
  const HEADER = 'sending_institution,sending_unit,given_names,family_name,email,birth_date,citizenships,mobility_type,academic_year,term,study_level,isced,language,cefr,host_unit,agreement';

  it('creates every line in one go, by SCHAC or Erasmus code, flags lines that do not fit, and returns each invitation code once', async () => {
    const partner = await partnerWithAgreement(hub, { conditions: [{ mobilitiesPerYear: 2 }] });
    const erasmusTyped = partner.erasmus.replace(/\s+/g, '').toLowerCase();
    const csv = [
      HEADER,
      `${partner.schac},Informatik,Anna,Muster,anna.csv@uni.example.de,2003-04-09,DE|AT,SMS,${YEAR},FALL,BACHELOR,0613,en,B2,ENG-CENG,${partner.reference}`,
      `${erasmusTyped},Informatik,Ben,Beispiel,ben.csv@uni.example.de,,DE,SMS,${YEAR},güz,6,0613,en,C1,eng-ceng,`,
      `${partner.schac},Informatik,Cem,Yılmaz,cem.csv@uni.example.de,,TR,SMS,${YEAR},FALL,MASTER,0613,en,B2,ENG-CENG,`,
    ].join('\n');

    const dry = ok(await hub.request(IncImportDocument, { csv, dryRun: true }, OFFICE)).importIncomingNominations;
    expect(dry).toMatchObject({ dryRun: true, written: false, total: 3, created: 0, flagged: 1, problems: [] });
    expect(dry.rows.map((r) => [r.line, r.issues.map((i) => i.code), r.mobility, r.invitationCode])).toEqual([
      [2, [], null, null],
      [3, [], null, null],
      [4, ['QUOTA_EXCEEDED'], null, null],
    ]);
    expect(await em(hub).count(IncomingMobility, { sendingInstitution: partner.uuid })).toBe(0);

    const report = ok(await hub.request(IncImportDocument, { csv }, OFFICE)).importIncomingNominations;
    expect(report).toMatchObject({ dryRun: false, written: true, total: 3, created: 3, flagged: 1, problems: [] });
    expect(report.rows.every((r) => r.mobility?.status === 'NOMINATED' && r.mobility.source === 'CSV' && /^[A-Z2-9-]{14}$/.test(r.invitationCode ?? ''))).toBe(true);
    const anna = await read(hub, report.rows[0].mobility!.id);
    expect(anna).toMatchObject({ nominee: { citizenships: ['DE', 'AT'] }, term: 'FALL', agreement: { id: partner.agreementId }, nominationIssues: [] });
    const ben = await read(hub, report.rows[1].mobility!.id);
    expect(ben).toMatchObject({ studyLevel: 'BACHELOR', languageLevel: 'C1', hostUnit: { code: 'ENG-CENG' } });
    // Claimable with the code of the report.
    const nominee = applicant();
    ok(await hub.request(IncClaimDocument, { number: report.rows[2].mobility!.number, invitationCode: report.rows[2].invitationCode! }, nominee));
  });

  it('writes nothing when any line has a problem, and names each one by line, column and code', async () => {
    const partner = await partnerWithAgreement(hub);
    const csv = [
      HEADER,
      `${partner.schac},,Anna,Muster,anna.ok@uni.example.de,,DE,SMS,${YEAR},FALL,BACHELOR,0613,en,B2,ENG-CENG,`,
      `unknown.example.org,,Ben,Beispiel,ben@uni.example.de,,DE,SMS,${YEAR},FALL,BACHELOR,0613,en,B2,ENG-CENG,`,
      `${partner.schac},,Cem,Yılmaz,not-an-email,,DE,STA,2030-2031,WINTER,BACHELOR,0613,en,B9,NOPE,`,
      `${partner.schac},,,Dağ,dag@uni.example.de,1999-13-01,DE,SMS,${YEAR},SPRING,,0613,en,B2,ENG-CENG,NO-SUCH-REF`,
    ].join('\n');
    const report = ok(await hub.request(IncImportDocument, { csv }, OFFICE)).importIncomingNominations;
    expect(report).toMatchObject({ written: false, created: 0 });
    const problems = report.problems.map((p) => `${p.line} ${p.field} ${p.code}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        '3 sending_institution UNKNOWN_INSTITUTION',
        '4 email INVALID_EMAIL',
        '4 academic_year INVALID_ACADEMIC_YEAR',
        '4 term INVALID_TERM',
        '4 study_level STUDY_LEVEL_FOR_STAFF',
        '4 cefr INVALID_CEFR',
        '5 given_names REQUIRED',
        '5 birth_date INVALID_DATE',
        '5 study_level STUDY_LEVEL_REQUIRED',
      ]),
    );
    expect(problems.some((p) => p.startsWith('2 '))).toBe(false);
    expect(await em(hub).count(IncomingMobility, { sendingInstitution: partner.uuid })).toBe(0);

    // Lines that pass their own checks but not the directory's: unit and agreement reference.
    const second = [HEADER, `${partner.schac},,Ece,Kaya,ece@uni.example.de,,TR,SMS,${YEAR},FALL,BACHELOR,0613,en,B2,NOPE,NO-SUCH-REF`].join('\n');
    const r2 = ok(await hub.request(IncImportDocument, { csv: second }, OFFICE)).importIncomingNominations;
    expect(r2.problems.map((p) => `${p.line} ${p.field} ${p.code}`)).toEqual(['2 host_unit UNKNOWN_UNIT', '2 agreement UNKNOWN_AGREEMENT']);
  });

  it('reports a deadline that has passed as a problem of its line, and a header without required columns', async () => {
    const partner = await partnerWithAgreement(hub, { firstAcademicYear: '2034/2035', lastAcademicYear: '2038/2039' });
    ok(await hub.request(IncSetDeadlineDocument, { input: { academicYear: '2037/2038', term: 'FALL', nominationDeadline: '2021-05-15', applicationDeadline: '2021-06-15' } }, OFFICE));
    const csv = [
      HEADER,
      `${partner.schac},,Anna,Muster,anna.dl@uni.example.de,,DE,SMS,2036/2037,FALL,BACHELOR,0613,en,B2,ENG-CENG,`,
      `${partner.schac},,Ben,Late,ben.dl@uni.example.de,,DE,SMS,2037/2038,FALL,BACHELOR,0613,en,B2,ENG-CENG,`,
    ].join('\n');
    const report = ok(await hub.request(IncImportDocument, { csv }, OFFICE)).importIncomingNominations;
    expect(report).toMatchObject({ written: false, created: 0 });
    expect(report.problems.map((p) => `${p.line} ${p.field} ${p.code}`)).toEqual(['3 academic_year NOMINATION_DEADLINE_PASSED']);
    expect(await em(hub).count(IncomingMobility, { sendingInstitution: partner.uuid })).toBe(0);

    const noColumns = ok(await hub.request(IncImportDocument, { csv: 'given_names,family_name\nA,B' }, OFFICE)).importIncomingNominations;
    expect(noColumns.problems.map((p) => `${p.line} ${p.field} ${p.code}`)).toEqual(
      expect.arrayContaining(['1 sending_institution MISSING_COLUMN', '1 host_unit MISSING_COLUMN']),
    );
  });
});

describe('EWP nominations', () => {
  const ewp = (partner: { schac: string }, overrides: Partial<EwpNominationInput> = {}): EwpNominationInput => ({
    sendingHeiId: partner.schac,
    sendingOunitName: 'Department of Informatics',
    receivingHeiId: 'ornek.edu.tr',
    givenNames: 'Jonas',
    familyName: 'Weber',
    email: `jonas.${Math.random().toString(36).slice(2, 8)}@uni.example.de`,
    birthDate: '2003-11-02',
    citizenship: 'DE',
    iscedCode: '0613',
    eqfLevel: 7,
    receivingAcademicYearId: YEAR,
    plannedArrivalDate: '2031-02-10',
    plannedDepartureDate: '2031-06-30',
    nominationDate: '2030-10-20',
    languageCode: 'en',
    cefrLevel: 'C1',
    ...overrides,
  });

  it('maps an omobility nomination onto a nomination: level from EQF, term from the dates, unit from the agreement', async () => {
    const partner = await partnerWithAgreement(hub);
    const { mobility, invitationCode } = ok(await hub.request(IncReceiveEwpDocument, { input: ewp(partner) }, OFFICE)).receiveEwpNomination;
    expect(invitationCode).toBeTruthy();
    expect(mobility).toMatchObject({
      source: 'EWP',
      status: 'NOMINATED',
      mobilityType: 'SMS',
      studyLevel: 'MASTER',
      term: 'SPRING',
      academicYear: YEAR,
      sendingUnitName: 'Department of Informatics',
      hostUnit: { code: 'ENG-CENG' },
      sendingInstitution: { id: partner.id },
      nominationIssues: [],
      nominee: { givenNames: 'Jonas', familyName: 'Weber', citizenships: ['DE'], birthDate: '2003-11-02' },
      application: { plannedArrival: '2031-02-10', plannedDeparture: '2031-06-30' },
    });
    expect(mobility.nominatedOn).toBe('2030-10-20');
  });

  it('refuses a receiving hei-id that is not ours, an unknown sending hei-id, and asks for the unit when the agreement does not name one', async () => {
    const partner = await partnerWithAgreement(hub);
    expect(errorOf(await hub.request(IncReceiveEwpDocument, { input: ewp(partner, { receivingHeiId: 'uni-graz.at' }) }, OFFICE))).toMatchObject({
      reason: 'RECEIVING_NOT_HOME',
      field: 'receivingHeiId',
    });
    expect(errorOf(await hub.request(IncReceiveEwpDocument, { input: ewp({ schac: 'nowhere.example.org' }) }, OFFICE))).toMatchObject({ reason: 'UNKNOWN_INSTITUTION' });
    const noUnit = await partnerWithAgreement(hub, { agreement: false });
    expect(errorOf(await hub.request(IncReceiveEwpDocument, { input: ewp(noUnit) }, OFFICE))).toMatchObject({ reason: 'HOST_UNIT_REQUIRED' });
    const named = ok(await hub.request(IncReceiveEwpDocument, { input: ewp(noUnit, { receivingOunitCode: 'sci-phys' }) }, OFFICE)).receiveEwpNomination;
    expect(named.mobility).toMatchObject({ hostUnit: { code: 'SCI-PHYS' } });
    expect(issueCodes(named.mobility)).toEqual(['NO_AGREEMENT']);
    expect(errorOf(await hub.request(IncReceiveEwpDocument, { input: ewp(partner) }, await coordinator(hub, 'ENG')))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('quota usage and flagged lists', () => {
  it('shows coordinators the conditions of their units (and university-wide ones), never another unit’s', async () => {
    const partner = await partnerWithAgreement(hub, { conditions: [{ receivingUnit: 'ENG-CENG' }, { receivingUnit: 'SCI-PHYS', isced: ['0533'] }] });
    await nominate(hub, await nominationInput(hub, partner));
    const forEng = ok(await hub.request(IncQuotaUsageDocument, { academicYear: YEAR }, await coordinator(hub, 'ENG'))).incomingQuotaUsage.filter(
      (u) => u.partner.id === partner.id,
    );
    expect(forEng.map((u) => [u.unit?.code, u.used, u.remaining])).toEqual([['ENG-CENG', 1, 1]]);
    const forOffice = ok(await hub.request(IncQuotaUsageDocument, { academicYear: YEAR }, OFFICE)).incomingQuotaUsage.filter((u) => u.partner.id === partner.id);
    expect(forOffice.map((u) => u.unit?.code).sort()).toEqual(['ENG-CENG', 'SCI-PHYS']);
    expect(errorOf(await hub.request(IncQuotaUsageDocument, { academicYear: YEAR }, applicant()))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lists flagged nominations (issues not acknowledged) for the office, filtered by partner', async () => {
    const partner = await partnerWithAgreement(hub);
    const fine = (await nominate(hub, await nominationInput(hub, partner))).mobility;
    const flagged = (await nominate(hub, await nominationInput(hub, partner, { iscedCode: '0311' }))).mobility;
    const list = ok(await hub.request(IncMobilitiesDocument, { filter: { sendingInstitutionId: partner.id, flaggedOnly: true } }, OFFICE)).incomingMobilities;
    expect(list.edges.map((e) => e.node.id)).toEqual([flagged.id]);
    const all = ok(await hub.request(IncMobilitiesDocument, { filter: { sendingInstitutionId: partner.id } }, OFFICE)).incomingMobilities;
    expect(all.edges.map((e) => e.node.id)).toEqual([fine.id, flagged.id]);
    expect(all.totalCount).toBe(2);
  });
});
