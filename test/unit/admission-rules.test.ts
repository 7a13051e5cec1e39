import {
  admissionFor,
  compareCandidates,
  conversionProblem,
  convertScore,
  freePlaces,
  inScale,
  isLanguageProficient,
  meetsMinimum,
  rankCandidates,
  type Candidate,
  type ExamScale,
} from '../../src/modules/admissions/admission.rules';
import { allowedTransitions, canTransition } from '../../src/modules/admissions/admission.transitions';
import { AdmissionStatus as S } from '../../src/modules/admissions/admission.entity';

const YOS: ExamScale = { code: 'YOS', scaleMin: 0, scaleMax: 100, higherIsBetter: true, conversionTable: [] };
const SAT: ExamScale = { code: 'SAT', scaleMin: 400, scaleMax: 1600, higherIsBetter: true, conversionTable: [] };
const ABITUR: ExamScale = { code: 'ABITUR', scaleMin: 1, scaleMax: 4, higherIsBetter: false, conversionTable: [] };
const SAT_TABLE: ExamScale = {
  ...SAT,
  conversionTable: [
    { score: 400, converted: 0 },
    { score: 1000, converted: 40 },
    { score: 1400, converted: 80 },
    { score: 1600, converted: 100 },
  ],
};

describe('conversion to one comparable score', () => {
  it('is linear from the worst end (0) to the best end (100)', () => {
    expect(convertScore(YOS, 72.5)).toEqual({ method: 'LINEAR', exact: 72.5, converted: 72.5 });
    expect(convertScore(SAT, 400).converted).toBe(0);
    expect(convertScore(SAT, 1600).converted).toBe(100);
    expect(convertScore(SAT, 1000).converted).toBe(50);
    // 1400 → 1000/1200 = 83.333…: shown with two decimals, the exact value kept for ties.
    const c = convertScore(SAT, 1400);
    expect(c.converted).toBe(83.33);
    expect(c.exact).toBeCloseTo(83.3333333, 6);
  });

  it('turns a lower-is-better scale around (Abitur 1.0 is 100, 4.0 is 0)', () => {
    expect(convertScore(ABITUR, 1).converted).toBe(100);
    expect(convertScore(ABITUR, 4).converted).toBe(0);
    expect(convertScore(ABITUR, 1.3).converted).toBe(90);
    expect(convertScore(ABITUR, 2.5).converted).toBe(50);
  });

  it('interpolates between the breakpoints of a table', () => {
    expect(convertScore(SAT_TABLE, 1000)).toMatchObject({ method: 'TABLE', converted: 40 });
    expect(convertScore(SAT_TABLE, 1450).converted).toBe(85);
    expect(convertScore(SAT_TABLE, 700).converted).toBe(20);
    expect(convertScore(SAT_TABLE, 1600).converted).toBe(100);
    expect(convertScore(SAT_TABLE, 400).converted).toBe(0);
  });

  it('refuses a score outside the scale', () => {
    expect(inScale(SAT, 1601)).toBe(false);
    expect(inScale(SAT, 399.99)).toBe(false);
    expect(inScale(ABITUR, 0.9)).toBe(false);
    expect(inScale(YOS, Number.NaN)).toBe(false);
    expect(() => convertScore(SAT, 1700)).toThrow(RangeError);
  });

  it('checks minimums on the exam’s own scale, "at least as good as"', () => {
    expect(meetsMinimum(YOS, 50, 50)).toBe(true);
    expect(meetsMinimum(YOS, 49.99, 50)).toBe(false);
    expect(meetsMinimum(ABITUR, 2.5, 3.0)).toBe(true);
    expect(meetsMinimum(ABITUR, 3.0, 3.0)).toBe(true);
    expect(meetsMinimum(ABITUR, 3.1, 3.0)).toBe(false);
  });
});

describe('conversion tables', () => {
  it('accepts a linear conversion and a well-formed table', () => {
    expect(conversionProblem(SAT)).toBeNull();
    expect(conversionProblem(SAT_TABLE)).toBeNull();
    expect(conversionProblem({ ...ABITUR, conversionTable: [{ score: 1, converted: 100 }, { score: 4, converted: 20 }] })).toBeNull();
  });

  it('names what is wrong', () => {
    expect(conversionProblem({ ...SAT, scaleMin: 1600, scaleMax: 400 })).toMatchObject({ field: 'scaleMax' });
    expect(conversionProblem({ ...SAT, conversionTable: [{ score: 400, converted: 0 }] })).toMatchObject({ field: 'conversionTable' });
    expect(conversionProblem({ ...SAT, conversionTable: [{ score: 400, converted: 0 }, { score: 400, converted: 10 }, { score: 1600, converted: 100 }] })).toMatchObject({
      field: 'conversionTable[1]',
      message: expect.stringContaining('ascending'),
    });
    expect(conversionProblem({ ...SAT, conversionTable: [{ score: 400, converted: 50 }, { score: 1000, converted: 40 }, { score: 1600, converted: 100 }] })).toMatchObject({
      field: 'conversionTable[1]',
    });
    expect(conversionProblem({ ...SAT, conversionTable: [{ score: 400, converted: 0 }, { score: 1700, converted: 100 }] })).toMatchObject({ field: 'conversionTable[1]' });
    expect(conversionProblem({ ...SAT, conversionTable: [{ score: 500, converted: 0 }, { score: 1600, converted: 100 }] })).toMatchObject({
      field: 'conversionTable',
      message: expect.stringContaining('scaleMin'),
    });
    expect(conversionProblem({ ...ABITUR, conversionTable: [{ score: 1, converted: 20 }, { score: 4, converted: 100 }] })).toMatchObject({ field: 'conversionTable[1]' });
    expect(conversionProblem({ ...YOS, conversionTable: [{ score: 0, converted: 0 }, { score: 100, converted: 101 }] })).toMatchObject({ field: 'conversionTable[1]' });
  });
});

const t0 = Date.parse('2026-03-01T10:00:00Z');
function cand(id: string, converted: number, opts: Partial<Candidate> = {}): Candidate {
  return { id, number: `2026-INT-${id}`, converted, exact: converted, submittedAt: new Date(t0), meetsMinimum: true, languageProficient: true, ...opts };
}

describe('ranking within the quota', () => {
  it('admits the best within the quota and waitlists the rest in rank order', () => {
    const outcomes = rankCandidates([cand('a', 60), cand('b', 90), cand('c', 75), cand('d', 80)], { quota: 2, preparationYear: false });
    expect(outcomes.map((o) => [o.id, o.status, o.rank, o.waitlistRank])).toEqual([
      ['b', 'ADMITTED', 1, null],
      ['d', 'ADMITTED', 2, null],
      ['c', 'WAITLISTED', 3, 1],
      ['a', 'WAITLISTED', 4, 2],
    ]);
  });

  it('rejects scores below the minimum with the reason, outside the ranking', () => {
    const outcomes = rankCandidates([cand('a', 99, { meetsMinimum: false }), cand('b', 50)], { quota: 5, preparationYear: false });
    expect(outcomes).toEqual([
      { id: 'b', status: 'ADMITTED', rank: 1, waitlistRank: null, reason: null },
      { id: 'a', status: 'REJECTED', rank: null, waitlistRank: null, reason: 'BELOW_MINIMUM' },
    ]);
  });

  it('admits conditionally without language proficiency when the call offers a preparation year, counting against the quota', () => {
    const candidates = [cand('a', 90, { languageProficient: false }), cand('b', 80), cand('c', 70)];
    const withPrep = rankCandidates(candidates, { quota: 2, preparationYear: true });
    expect(withPrep.map((o) => [o.id, o.status])).toEqual([
      ['a', 'CONDITIONALLY_ADMITTED'],
      ['b', 'ADMITTED'],
      ['c', 'WAITLISTED'],
    ]);
    const withoutPrep = rankCandidates(candidates, { quota: 2, preparationYear: false });
    expect(withoutPrep.map((o) => [o.id, o.status, o.reason])).toEqual([
      ['b', 'ADMITTED', null],
      ['c', 'ADMITTED', null],
      ['a', 'REJECTED', 'LANGUAGE_PROFICIENCY_MISSING'],
    ]);
  });

  it('breaks ties by the exact converted score, then the earlier submission, then the number', () => {
    const exact = [cand('x', 83.33, { exact: 83.33 }), cand('y', 83.33, { exact: 83.3333 })];
    expect(rankCandidates(exact, { quota: 1, preparationYear: false })[0].id).toBe('y');
    const earlier = [cand('late', 70, { submittedAt: new Date(t0 + 1000) }), cand('early', 70, { submittedAt: new Date(t0) })];
    expect(rankCandidates(earlier, { quota: 1, preparationYear: false }).map((o) => [o.id, o.status])).toEqual([
      ['early', 'ADMITTED'],
      ['late', 'WAITLISTED'],
    ]);
    const same = [cand('2', 70), cand('1', 70)];
    expect([...same].sort(compareCandidates).map((c) => c.id)).toEqual(['1', '2']);
  });

  it('is the same whatever the input order (a re-run gives the same outcome)', () => {
    const pool = [cand('a', 60), cand('b', 90, { languageProficient: false }), cand('c', 75, { submittedAt: new Date(t0 + 5) }), cand('d', 75), cand('e', 10, { meetsMinimum: false })];
    const once = rankCandidates(pool, { quota: 2, preparationYear: true });
    const reversed = rankCandidates([...pool].reverse(), { quota: 2, preparationYear: true });
    const key = (o: { id: string; status: string; rank: number | null; waitlistRank: number | null }) => `${o.id}:${o.status}:${o.rank}:${o.waitlistRank}`;
    expect(reversed.map(key).sort()).toEqual(once.map(key).sort());
  });

  it('counts free places and chooses the admission kind for a promotion', () => {
    expect(freePlaces(3, 1)).toBe(2);
    expect(freePlaces(3, 4)).toBe(0);
    expect(admissionFor(true, false)).toBe('ADMITTED');
    expect(admissionFor(false, true)).toBe('CONDITIONALLY_ADMITTED');
    expect(admissionFor(false, false)).toBe('REJECTED');
  });
});

describe('language proficiency', () => {
  const accepted = [
    { examCode: 'TOEFL_IBT', minimumScore: 79, higherIsBetter: true },
    { examCode: 'IELTS', minimumScore: 6, higherIsBetter: true },
  ];
  it('needs an accepted certificate meeting its minimum', () => {
    expect(isLanguageProficient(accepted, { code: 'IELTS', score: 6.5 })).toBe(true);
    expect(isLanguageProficient(accepted, { code: 'IELTS', score: 5.5 })).toBe(false);
    expect(isLanguageProficient(accepted, { code: 'TOMER', score: 90 })).toBe(false);
    expect(isLanguageProficient(accepted, null)).toBe(false);
  });
  it('is not assessed when the call lists no certificates', () => {
    expect(isLanguageProficient([], null)).toBe(true);
  });
});

describe('transitions', () => {
  it('lets each actor take only its own steps', () => {
    expect(canTransition(S.DRAFT, S.SUBMITTED, 'APPLICANT')).toBe(true);
    expect(canTransition(S.DRAFT, S.SUBMITTED, 'OFFICE')).toBe(false);
    expect(canTransition(S.SUBMITTED, S.DOCUMENTS_VERIFIED, 'OFFICE')).toBe(true);
    expect(canTransition(S.INCOMPLETE, S.SUBMITTED, 'APPLICANT')).toBe(true);
    expect(canTransition(S.WAITLISTED, S.ADMITTED, 'SYSTEM')).toBe(true);
    expect(canTransition(S.WAITLISTED, S.ADMITTED, 'OFFICE')).toBe(false);
    expect(canTransition(S.ADMITTED, S.ENROLLED, 'OFFICE')).toBe(true);
    expect(canTransition(S.ADMITTED, S.DECLINED, 'APPLICANT')).toBe(true);
    expect(canTransition(S.ENROLLED, S.DECLINED, 'APPLICANT')).toBe(false);
  });
  it('lets the office cancel anything not final', () => {
    expect(canTransition(S.ADMITTED, S.CANCELLED, 'OFFICE')).toBe(true);
    expect(canTransition(S.ENROLLED, S.CANCELLED, 'OFFICE')).toBe(false);
    expect(canTransition(S.ADMITTED, S.CANCELLED, 'APPLICANT')).toBe(false);
    expect(allowedTransitions(S.DRAFT, 'OFFICE')).toEqual([S.CANCELLED]);
    expect(allowedTransitions(S.WITHDRAWN, 'OFFICE')).toEqual([]);
  });
});
