import { hostToday } from '../../src/modules/mobility/calendar-day';
import {
  deadlineFor,
  laEctsWarnings,
  matchNomination,
  termOfStay,
  type AgreementFacts,
  type ConditionFacts,
  type NominationFacts,
} from '../../src/modules/incoming/nomination-matching.rules';

const HOME = 'home';
const PARTNER = 'partner';
const CENG = 'unit-ceng';
const ENG = 'unit-eng';

function condition(overrides: Partial<ConditionFacts> = {}): ConditionFacts {
  return {
    id: 'c1',
    sendingInstitutionId: PARTNER,
    receivingInstitutionId: HOME,
    receivingUnitId: CENG,
    mobilityType: 'SMS',
    firstAcademicYear: '2029/2030',
    lastAcademicYear: '2032/2033',
    mobilitiesPerYear: 2,
    iscedCodes: ['0613'],
    eqfLevels: [6, 7],
    languages: [{ language: 'en', cefr: 'B2' }],
    position: 0,
    used: 0,
    ...overrides,
  };
}

function agreement(overrides: Partial<AgreementFacts> = {}): AgreementFacts {
  return { id: 'a1', status: 'IN_EFFECT', firstAcademicYear: '2029/2030', lastAcademicYear: '2032/2033', partnerIds: [PARTNER], conditions: [condition()], ...overrides };
}

function nomination(overrides: Partial<NominationFacts> = {}): NominationFacts {
  return {
    sendingInstitutionId: PARTNER,
    homeInstitutionId: HOME,
    hostUnitLineage: [CENG, ENG],
    mobilityType: 'SMS',
    academicYear: '2030/2031',
    eqfLevel: 6,
    iscedCode: '0613',
    languageCode: 'en',
    languageLevel: 'B2',
    ...overrides,
  };
}

const codes = (n: Partial<NominationFacts>, agreements: AgreementFacts[] = [agreement()], requested: string | null = null) =>
  matchNomination(nomination(n), agreements, requested).issues.map((i) => i.code);

describe('matchNomination', () => {
  it('matches a fitting nomination to the condition towards us, without issues', () => {
    expect(matchNomination(nomination(), [agreement()])).toEqual({ agreementId: 'a1', conditionId: 'c1', issues: [] });
  });

  it('flags NO_AGREEMENT without an agreement with the partner, or when the agreement named is with someone else', () => {
    expect(codes({}, [])).toEqual(['NO_AGREEMENT']);
    expect(codes({}, [agreement({ partnerIds: ['other'] })])).toEqual(['NO_AGREEMENT']);
    expect(codes({}, [agreement({ id: 'a2', partnerIds: ['other'] })], 'a2')).toEqual(['NO_AGREEMENT']);
    expect(matchNomination(nomination(), [], 'missing')).toMatchObject({ agreementId: null, conditionId: null });
  });

  it('flags AGREEMENT_NOT_ACTIVE when no agreement with the partner is in effect, and prefers one in effect', () => {
    expect(codes({}, [agreement({ status: 'EXPIRED' })])).toEqual(['AGREEMENT_NOT_ACTIVE']);
    const expired = agreement({ id: 'old', status: 'EXPIRED' });
    expect(matchNomination(nomination(), [expired, agreement()])).toMatchObject({ agreementId: 'a1', issues: [] });
  });

  it('flags NO_CONDITION_TOWARDS_US when the agreement only sends our students to the partner', () => {
    const outgoing = condition({ sendingInstitutionId: HOME, receivingInstitutionId: PARTNER });
    expect(matchNomination(nomination(), [agreement({ conditions: [outgoing] })])).toEqual({
      agreementId: 'a1',
      conditionId: null,
      issues: [expect.objectContaining({ code: 'NO_CONDITION_TOWARDS_US' })],
    });
  });

  it('flags each mismatch of the condition with its own code', () => {
    expect(codes({ academicYear: '2034/2035' })).toEqual(['YEAR_NOT_COVERED']);
    expect(codes({ mobilityType: 'SMT' })).toEqual(['MOBILITY_TYPE_NOT_COVERED']);
    expect(codes({ iscedCode: '0311' })).toEqual(['FIELD_NOT_COVERED']);
    expect(codes({ iscedCode: null })).toEqual(['FIELD_NOT_COVERED']);
    expect(codes({ eqfLevel: 8 })).toEqual(['LEVEL_NOT_COVERED']);
    expect(codes({ languageLevel: 'B1' })).toEqual(['LANGUAGE_LEVEL_BELOW']);
    expect(codes({ languageCode: 'de' })).toEqual(['LANGUAGE_NOT_COVERED']);
    expect(codes({ languageCode: null, languageLevel: null })).toEqual(['LANGUAGE_LEVEL_MISSING']);
    expect(codes({ hostUnitLineage: ['unit-phys', 'unit-sci'] })).toEqual(['UNIT_NOT_COVERED']);
    expect(codes({ academicYear: '2030/2031', languageLevel: 'C2' })).toEqual([]);
  });

  it('counts a year the agreement itself does not cover, even when the condition does', () => {
    expect(codes({ academicYear: '2032/2033' }, [agreement({ lastAcademicYear: '2031/2032' })])).toEqual(['YEAR_NOT_COVERED']);
  });

  it('matches ISCED codes by prefix in either direction', () => {
    expect(codes({ iscedCode: '06' })).toEqual([]);
    expect(codes({ iscedCode: '0613' }, [agreement({ conditions: [condition({ iscedCodes: ['061'] })] })])).toEqual([]);
  });

  it('gives staff no level check', () => {
    const staff = condition({ mobilityType: 'STA', eqfLevels: [6] });
    expect(codes({ mobilityType: 'STA', eqfLevel: null }, [agreement({ conditions: [staff] })])).toEqual([]);
  });

  it('flags QUOTA_EXCEEDED when the year’s places are taken, and picks a condition with places left when another fits', () => {
    const full = condition({ id: 'full', used: 2 });
    expect(codes({}, [agreement({ conditions: [full] })])).toEqual(['QUOTA_EXCEEDED']);
    expect(matchNomination(nomination(), [agreement({ conditions: [full] })]).conditionId).toBe('full');
    const free = condition({ id: 'free', position: 1, used: 1 });
    expect(matchNomination(nomination(), [agreement({ conditions: [full, free] })])).toMatchObject({ conditionId: 'free', issues: [] });
  });

  it('prefers the condition of the right mobility type, and uses no quota with the wrong one', () => {
    const staff = condition({ id: 'staff', mobilityType: 'STT', position: 0 });
    const study = condition({ id: 'study', mobilityType: 'SMS', position: 1, iscedCodes: ['0311'] });
    expect(matchNomination(nomination(), [agreement({ conditions: [staff, study] })])).toMatchObject({
      conditionId: 'study',
      issues: [expect.objectContaining({ code: 'FIELD_NOT_COVERED' })],
    });
    const wrongType = matchNomination(nomination({ mobilityType: 'SMT' }), [agreement({ conditions: [condition({ used: 5 })] })]);
    expect(wrongType.conditionId).toBeNull();
    expect(wrongType.issues.map((i) => i.code)).toEqual(['MOBILITY_TYPE_NOT_COVERED']);
  });
});

describe('deadlines, terms and years', () => {
  it('finds the term’s deadline; a full year without one follows the fall term; none means no deadline', () => {
    const rows = [
      { term: 'FALL', d: 1 },
      { term: 'SPRING', d: 2 },
    ];
    expect(deadlineFor(rows, 'SPRING')).toEqual({ term: 'SPRING', d: 2 });
    expect(deadlineFor(rows, 'FULL_YEAR')).toEqual({ term: 'FALL', d: 1 });
    expect(deadlineFor([...rows, { term: 'FULL_YEAR', d: 3 }], 'FULL_YEAR')).toEqual({ term: 'FULL_YEAR', d: 3 });
    expect(deadlineFor([], 'FALL')).toBeNull();
  });

  it('counts deadline days in Türkiye (UTC+3), where the office is', () => {
    expect(hostToday(new Date('2026-05-15T20:59:59Z'))).toBe('2026-05-15');
    expect(hostToday(new Date('2026-05-15T21:00:00Z'))).toBe('2026-05-16');
  });

  it('derives the term of a stay from its dates', () => {
    expect(termOfStay('2027-09-20', '2028-01-31')).toBe('FALL');
    expect(termOfStay('2028-02-10', '2028-06-30')).toBe('SPRING');
    expect(termOfStay('2027-09-20', '2028-06-30')).toBe('FULL_YEAR');
  });
});

describe('laEctsWarnings', () => {
  const a = (ects: number, semester: string) => ({ table: 'A', ects, semester });

  it('says nothing when Table A holds 30 ECTS for each semester of the stay', () => {
    expect(laEctsWarnings('FALL', [a(24, 'FALL'), a(6, 'FALL'), { table: 'C', ects: 3 }])).toEqual([]);
    expect(laEctsWarnings('FULL_YEAR', [a(30, 'FALL'), a(30, 'SPRING')])).toEqual([]);
  });

  it('lists the expected and proposed credits per semester when they differ, and courses outside the term', () => {
    expect(laEctsWarnings('FULL_YEAR', [a(24, 'FALL'), a(36, 'SPRING')])).toEqual([
      expect.objectContaining({ code: 'ECTS_TOTAL_DIFFERS', semester: 'FALL', expected: 30, actual: 24 }),
      expect.objectContaining({ code: 'ECTS_TOTAL_DIFFERS', semester: 'SPRING', expected: 30, actual: 36 }),
    ]);
    expect(laEctsWarnings('FALL', [a(30, 'FALL'), a(5, 'SPRING')])).toEqual([expect.objectContaining({ code: 'OUTSIDE_TERM', actual: 5 })]);
  });
});
