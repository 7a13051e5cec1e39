import {
  checkEligibility,
  compareCandidates,
  gpaTo100,
  place,
  promoteNextReserve,
  scoreApplication,
  type ApplicantFacts,
  type CallRules,
  type PlacementCandidate,
  type PlacementOutcome,
  type PromotionState,
  type RuleSet,
} from '../../src/modules/mobility/selection.rules';

// The seed rule sets of the contract (Turkish Erasmus+ 2026/2027, Mevlana, staff).
const YOK_TABLE: [number, number][] = [
  [0, 0],
  [1, 30],
  [1.5, 41.67],
  [2, 53.33],
  [2.5, 65],
  [3, 76.67],
  [3.5, 88.33],
  [4, 100],
];

const erasmus: RuleSet = {
  eligibility: {
    minGpa: { ASSOCIATE: 2.2, BACHELOR: 2.2, MASTER: 2.5, DOCTORATE: 2.5 },
    maxMonthsPerCycle: 12,
    forbidCitizenshipDestination: false,
    minYearOfStudy: null,
  },
  score: {
    components: [
      { criterion: 'ACADEMIC', weight: 0.5 },
      { criterion: 'LANGUAGE', weight: 0.5 },
    ],
    gpaTable: YOK_TABLE,
  },
  declarableFacts: [
    { code: 'VETERAN_OR_MARTYR_RELATIVE', points: 15, label: { tr: 'Şehit/gazi yakını', en: 'Veteran or martyr relative' }, evidenceRequired: true },
    { code: 'DISABILITY', points: 10, label: { tr: 'Engellilik', en: 'Disability' }, evidenceRequired: true },
    { code: 'PROTECTION_DECISION', points: 10, label: { tr: 'Koruma kararı', en: 'Protection decision' }, evidenceRequired: true },
    { code: 'MISSED_MEETING_OR_EXAM', points: -5, label: { tr: 'Toplantı/sınava katılmama', en: 'Missed meeting or exam' }, evidenceRequired: false },
  ],
  automatic: [
    { criterion: 'PREVIOUS_MOBILITY', points: -10, label: { tr: 'Önceki hareketlilik', en: 'Previous mobility' } },
    { criterion: 'CITIZENSHIP_DESTINATION', points: -10, label: { tr: 'Vatandaşı olunan ülke', en: 'Country of citizenship' } },
    { criterion: 'WITHDREW_AFTER_SELECTION', points: -10, label: { tr: 'Seçildikten sonra vazgeçme', en: 'Withdrew after selection' } },
    { criterion: 'SECOND_MOBILITY_TYPE', points: -10, label: { tr: 'İkinci hareketlilik türü', en: 'Second mobility type' } },
  ],
};

const mevlana: RuleSet = {
  ...erasmus,
  eligibility: {
    minGpa: { ASSOCIATE: 2.5, BACHELOR: 2.5, MASTER: 3, DOCTORATE: 3 },
    maxMonthsPerCycle: null,
    forbidCitizenshipDestination: true,
    minYearOfStudy: null,
  },
};

const farabi: RuleSet = {
  ...erasmus,
  eligibility: { minGpa: { ASSOCIATE: 2, BACHELOR: 2, MASTER: 2.5 }, maxMonthsPerCycle: null, forbidCitizenshipDestination: false, minYearOfStudy: 2 },
};

const staffRules: RuleSet = {
  eligibility: { minGpa: {}, maxMonthsPerCycle: null, forbidCitizenshipDestination: false, minYearOfStudy: null },
  score: { components: [{ criterion: 'LANGUAGE', weight: 1 }], gpaTable: YOK_TABLE },
  declarableFacts: [],
  automatic: [
    { criterion: 'FIRST_MOBILITY', points: 10, label: { tr: 'İlk hareketlilik', en: 'First mobility' } },
    { criterion: 'PREVIOUS_MOBILITY', points: -5, label: { tr: 'Önceki hareketlilik', en: 'Previous mobility' } },
  ],
};

const studentCall: CallRules = { category: 'STUDENT', minGpa: null, minLanguageScore: null, requiredDocuments: [], maxPreferences: 3 };
const staffCall: CallRules = { category: 'STAFF', minGpa: null, minLanguageScore: null, requiredDocuments: [], maxPreferences: 3 };

function student(overrides: Partial<ApplicantFacts> = {}): ApplicantFacts {
  return {
    category: 'STUDENT',
    studyLevel: 'BACHELOR',
    yearOfStudy: 3,
    gpa: 3,
    languageScore: 80,
    citizenships: ['TR'],
    plannedMonths: 5,
    declaredFacts: [],
    documents: [],
    preferenceCountries: ['DE'],
    previousMobilities: 0,
    previousMonths: 0,
    withdrawalsAfterSelection: 0,
    isSecondMobilityType: false,
    ...overrides,
  };
}

function staff(overrides: Partial<ApplicantFacts> = {}): ApplicantFacts {
  return student({ category: 'STAFF', studyLevel: null, yearOfStudy: null, gpa: null, plannedMonths: null, ...overrides });
}

const codes = (issues: { code: string }[]) => issues.map((i) => i.code);

describe('gpaTo100', () => {
  it.each([
    [2.0, 53.33],
    [2.2, 58.0],
    [2.5, 65.0],
    [3.0, 76.67],
    [4.0, 100],
  ])('converts GPA %s to %s with the YÖK table (worked example)', (gpa, points) => {
    expect(gpaTo100(YOK_TABLE, gpa)).toBe(points);
  });

  it('interpolates linearly between breakpoints and rounds to 2 decimals', () => {
    // 76.67 + 0.25/0.5 × 11.66 = 82.5
    expect(gpaTo100(YOK_TABLE, 3.25)).toBe(82.5);
    // 53.33 + 0.1/0.5 × 11.67 = 55.664
    expect(gpaTo100(YOK_TABLE, 2.1)).toBe(55.66);
    expect(gpaTo100(YOK_TABLE, 0.5)).toBe(15);
  });

  it('returns the breakpoint value exactly at a breakpoint', () => {
    expect(gpaTo100(YOK_TABLE, 1.5)).toBe(41.67);
    expect(gpaTo100(YOK_TABLE, 0)).toBe(0);
  });

  it('clamps below the first and above the last breakpoint', () => {
    expect(gpaTo100(YOK_TABLE, -1)).toBe(0);
    expect(gpaTo100(YOK_TABLE, 4.5)).toBe(100);
    expect(gpaTo100([[2, 50], [4, 100]], 1)).toBe(50);
  });

  it('gives 0 for an empty table', () => {
    expect(gpaTo100([], 3)).toBe(0);
  });
});

describe('checkEligibility', () => {
  it('finds nothing wrong with an ordinary bachelor application', () => {
    expect(checkEligibility(student(), erasmus, studentCall)).toEqual([]);
  });

  it('accepts a GPA exactly at the minimum and refuses one 0.01 below, naming the values', () => {
    expect(checkEligibility(student({ gpa: 2.2 }), erasmus, studentCall)).toEqual([]);
    expect(checkEligibility(student({ gpa: 2.19 }), erasmus, studentCall)).toEqual([
      { code: 'GPA_TOO_LOW', message: 'GPA 2.19 is below the minimum 2.20 for BACHELOR', field: 'gpa' },
    ]);
  });

  it('names the GPA and the minimum in the message (GPA 2.10, minimum 2.20)', () => {
    const [issue] = checkEligibility(student({ gpa: 2.1 }), erasmus, studentCall);
    expect(issue!.message).toBe('GPA 2.10 is below the minimum 2.20 for BACHELOR');
  });

  it('applies the higher master minimum (2.50) where a bachelor with the same GPA is eligible', () => {
    expect(checkEligibility(student({ studyLevel: 'BACHELOR', gpa: 2.4 }), erasmus, studentCall)).toEqual([]);
    const issues = checkEligibility(student({ studyLevel: 'MASTER', gpa: 2.4 }), erasmus, studentCall);
    expect(issues).toEqual([{ code: 'GPA_TOO_LOW', message: 'GPA 2.40 is below the minimum 2.50 for MASTER', field: 'gpa' }]);
    expect(checkEligibility(student({ studyLevel: 'DOCTORATE', gpa: 2.5 }), erasmus, studentCall)).toEqual([]);
  });

  it('applies the Mevlana minimums (2.50 bachelor, 3.00 graduate)', () => {
    const call = { ...studentCall };
    expect(codes(checkEligibility(student({ gpa: 2.49, preferenceCountries: ['PK'] }), mevlana, call))).toEqual(['GPA_TOO_LOW']);
    expect(codes(checkEligibility(student({ studyLevel: 'MASTER', gpa: 2.99, preferenceCountries: ['PK'] }), mevlana, call))).toEqual(['GPA_TOO_LOW']);
    expect(checkEligibility(student({ studyLevel: 'MASTER', gpa: 3, preferenceCountries: ['PK'] }), mevlana, call)).toEqual([]);
  });

  it("lets the call raise the programme's GPA minimum, saying so", () => {
    const call = { ...studentCall, minGpa: 2.8 };
    expect(checkEligibility(student({ gpa: 2.8 }), erasmus, call)).toEqual([]);
    expect(checkEligibility(student({ gpa: 2.6 }), erasmus, call)).toEqual([
      { code: 'GPA_TOO_LOW', message: 'GPA 2.60 is below the minimum 2.80 set by the call (programme minimum 2.20 for BACHELOR)', field: 'gpa' },
    ]);
  });

  it("never lets the call lower the programme's GPA minimum", () => {
    const call = { ...studentCall, minGpa: 2.0 };
    expect(checkEligibility(student({ gpa: 2.1 }), erasmus, call)).toEqual([
      { code: 'GPA_TOO_LOW', message: 'GPA 2.10 is below the minimum 2.20 for BACHELOR', field: 'gpa' },
    ]);
  });

  it("applies the call's minimum to a level the programme sets none for", () => {
    const rules: RuleSet = { ...erasmus, eligibility: { ...erasmus.eligibility, minGpa: {} } };
    expect(checkEligibility(student({ gpa: 1.5 }), rules, studentCall)).toEqual([]);
    expect(codes(checkEligibility(student({ gpa: 1.5 }), rules, { ...studentCall, minGpa: 2 }))).toEqual(['GPA_TOO_LOW']);
  });

  it('requires a GPA and a study level of students', () => {
    const issues = checkEligibility(student({ gpa: null, studyLevel: null }), erasmus, studentCall);
    expect(issues).toEqual([
      { code: 'STUDY_LEVEL_MISSING', message: expect.any(String), field: 'studyLevel' },
      { code: 'GPA_MISSING', message: expect.any(String), field: 'gpa' },
    ]);
  });

  it('asks staff for neither GPA nor study level, even when the call sets a GPA minimum', () => {
    expect(checkEligibility(staff(), staffRules, staffCall)).toEqual([]);
    expect(checkEligibility(staff(), erasmus, { ...staffCall, minGpa: 3 })).toEqual([]);
  });

  it('still checks the language minimum, documents and preferences for staff', () => {
    const call = { ...staffCall, minLanguageScore: 60, requiredDocuments: ['TEACHING_PROGRAMME'] };
    expect(codes(checkEligibility(staff({ languageScore: 50, preferenceCountries: [] }), staffRules, call))).toEqual([
      'LANGUAGE_SCORE_TOO_LOW',
      'MISSING_DOCUMENT',
      'NO_PREFERENCES',
    ]);
  });

  it('accepts a language score exactly at the minimum and refuses a lower or missing one', () => {
    const call = { ...studentCall, minLanguageScore: 65 };
    expect(checkEligibility(student({ languageScore: 65 }), erasmus, call)).toEqual([]);
    expect(checkEligibility(student({ languageScore: 64.5 }), erasmus, call)).toEqual([
      { code: 'LANGUAGE_SCORE_TOO_LOW', message: 'Language score 64.5 is below the minimum 65', field: 'languageScore' },
    ]);
    expect(checkEligibility(student({ languageScore: null }), erasmus, call)).toEqual([
      { code: 'LANGUAGE_SCORE_MISSING', message: 'A language score is required (minimum 65)', field: 'languageScore' },
    ]);
  });

  it('does not require a language score when the call sets no minimum', () => {
    expect(checkEligibility(student({ languageScore: null }), erasmus, studentCall)).toEqual([]);
  });

  it('accepts exactly 12 months in the cycle counting the planned mobility, and refuses 12.5', () => {
    expect(checkEligibility(student({ previousMonths: 7, plannedMonths: 5 }), erasmus, studentCall)).toEqual([]);
    expect(checkEligibility(student({ previousMonths: 7.5, plannedMonths: 5 }), erasmus, studentCall)).toEqual([
      {
        code: 'MONTHS_EXCEEDED',
        message: '7.5 earlier months plus 5 planned make 12.5, more than the maximum 12 per study cycle',
        field: 'plannedMonths',
      },
    ]);
  });

  it('counts earlier months alone when no duration is planned yet, and has no cap when the programme sets none', () => {
    expect(codes(checkEligibility(student({ previousMonths: 13, plannedMonths: null }), erasmus, studentCall))).toEqual(['MONTHS_EXCEEDED']);
    expect(checkEligibility(student({ previousMonths: 20, plannedMonths: 10, preferenceCountries: ['PK'] }), mevlana, studentCall)).toEqual([]);
  });

  it('refuses a Mevlana destination in a country of citizenship, naming the preference', () => {
    const issues = checkEligibility(student({ citizenships: ['TR', 'DE'], preferenceCountries: ['PK', 'de', 'JP'] }), mevlana, studentCall);
    expect(issues).toEqual([
      {
        code: 'CITIZENSHIP_DESTINATION',
        message: "Preference 2 is in DE, a country of the applicant's citizenship, which this programme does not allow",
        field: 'preferences',
      },
    ]);
  });

  it('reports each forbidden preference separately', () => {
    const issues = checkEligibility(student({ citizenships: ['TR', 'DE'], preferenceCountries: ['DE', 'PK', 'TR'] }), mevlana, studentCall);
    expect(issues.map((i) => i.message.slice(0, 12))).toEqual(['Preference 1', 'Preference 3']);
  });

  it('allows a destination in the country of citizenship under Erasmus (it only costs points)', () => {
    expect(checkEligibility(student({ citizenships: ['TR', 'DE'], preferenceCountries: ['DE'] }), erasmus, studentCall)).toEqual([]);
  });

  it('refuses first-year students where the programme sets a minimum year of study (Farabi)', () => {
    expect(checkEligibility(student({ yearOfStudy: 2, gpa: 2 }), farabi, studentCall)).toEqual([]);
    expect(checkEligibility(student({ yearOfStudy: 1 }), farabi, studentCall)).toEqual([
      { code: 'YEAR_OF_STUDY_TOO_LOW', message: 'Year of study 1 is below the minimum year 2', field: 'yearOfStudy' },
    ]);
    expect(codes(checkEligibility(student({ yearOfStudy: null }), farabi, studentCall))).toEqual(['YEAR_OF_STUDY_TOO_LOW']);
  });

  it('refuses a declared fact the rule set does not know', () => {
    expect(checkEligibility(student({ declaredFacts: [{ code: 'ATHLETE', evidence: ['doc-1'] }] }), erasmus, studentCall)).toEqual([
      { code: 'UNKNOWN_FACT', message: '"ATHLETE" is not a fact this programme scores', field: 'declaredFacts' },
    ]);
  });

  it('requires evidence for a fact that needs it, and none for one that does not', () => {
    expect(checkEligibility(student({ declaredFacts: [{ code: 'DISABILITY', evidence: [' '] }] }), erasmus, studentCall)).toEqual([
      { code: 'MISSING_EVIDENCE', message: 'The declared fact DISABILITY needs evidence', field: 'declaredFacts' },
    ]);
    expect(checkEligibility(student({ declaredFacts: [{ code: 'DISABILITY', evidence: ['report.pdf'] }] }), erasmus, studentCall)).toEqual([]);
    expect(checkEligibility(student({ declaredFacts: [{ code: 'MISSED_MEETING_OR_EXAM', evidence: [] }] }), erasmus, studentCall)).toEqual([]);
  });

  it('reports one issue per missing required document; a document without a reference does not count', () => {
    const call = { ...studentCall, requiredDocuments: ['TRANSCRIPT', 'LANGUAGE_CERTIFICATE', 'CV'] };
    const issues = checkEligibility(
      student({ documents: [{ code: 'TRANSCRIPT', reference: 'file-1' }, { code: 'CV', reference: '  ' }] }),
      erasmus,
      call,
    );
    expect(issues).toEqual([
      { code: 'MISSING_DOCUMENT', message: 'The required document LANGUAGE_CERTIFICATE is missing', field: 'documents' },
      { code: 'MISSING_DOCUMENT', message: 'The required document CV is missing', field: 'documents' },
    ]);
  });

  it('requires at least one preference and at most maxPreferences', () => {
    expect(codes(checkEligibility(student({ preferenceCountries: [] }), erasmus, studentCall))).toEqual(['NO_PREFERENCES']);
    expect(checkEligibility(student({ preferenceCountries: ['DE', 'FR', 'IT'] }), erasmus, studentCall)).toEqual([]);
    expect(checkEligibility(student({ preferenceCountries: ['DE', 'FR', 'IT', 'ES'] }), erasmus, studentCall)).toEqual([
      { code: 'TOO_MANY_PREFERENCES', message: '4 preferences given; the call allows at most 3', field: 'preferences' },
    ]);
  });

  it('reports every problem at once, in a fixed order', () => {
    const call: CallRules = { ...studentCall, minLanguageScore: 70, requiredDocuments: ['TRANSCRIPT'], maxPreferences: 1 };
    const facts = student({
      gpa: 2.0,
      languageScore: 50,
      previousMonths: 10,
      plannedMonths: 5,
      declaredFacts: [{ code: 'NOPE', evidence: [] }, { code: 'DISABILITY', evidence: [] }],
      preferenceCountries: ['DE', 'FR'],
    });
    expect(codes(checkEligibility(facts, erasmus, call))).toEqual([
      'GPA_TOO_LOW',
      'LANGUAGE_SCORE_TOO_LOW',
      'MONTHS_EXCEEDED',
      'UNKNOWN_FACT',
      'MISSING_EVIDENCE',
      'MISSING_DOCUMENT',
      'TOO_MANY_PREFERENCES',
    ]);
  });
});

describe('scoreApplication', () => {
  it('scores GPA 3.00 and language 80 as 0.5 × 76.67 + 0.5 × 80 = 78.34 (rounded from 78.335)', () => {
    const result = scoreApplication(student({ gpa: 3, languageScore: 80 }), erasmus);
    expect(result.total).toBe(78.34);
    expect(result.academicPoints).toBe(76.67);
    expect(result.languagePoints).toBe(80);
    expect(result.lines).toEqual([
      { criterion: 'ACADEMIC', label: { tr: 'Akademik başarı puanı', en: 'Academic score' }, input: 'GPA 3.00 → 76.67', points: 38.34 },
      { criterion: 'LANGUAGE', label: { tr: 'Dil puanı', en: 'Language score' }, input: '80', points: 40 },
    ]);
  });

  it('adds +15 for a veteran or martyr relative with evidence: 78.34 → 93.34', () => {
    const result = scoreApplication(
      student({ declaredFacts: [{ code: 'VETERAN_OR_MARTYR_RELATIVE', evidence: ['decision-2025-17.pdf'] }] }),
      erasmus,
    );
    expect(result.total).toBe(93.34);
    expect(result.lines[2]).toEqual({
      criterion: 'VETERAN_OR_MARTYR_RELATIVE',
      label: { tr: 'Şehit/gazi yakını', en: 'Veteran or martyr relative' },
      input: 'declared, evidence: decision-2025-17.pdf',
      points: 15,
    });
  });

  it('takes −10 per earlier mobility: two earlier mobilities cost 20', () => {
    const result = scoreApplication(student({ previousMobilities: 2 }), erasmus);
    expect(result.total).toBe(58.34);
    expect(result.lines.find((l) => l.criterion === 'PREVIOUS_MOBILITY')).toEqual({
      criterion: 'PREVIOUS_MOBILITY',
      label: { tr: 'Önceki hareketlilik', en: 'Previous mobility' },
      input: '2 earlier mobilities',
      points: -20,
    });
    expect(scoreApplication(student({ previousMobilities: 1 }), erasmus).lines[2]!.input).toBe('1 earlier mobility');
  });

  it('takes −10 once for preferring a country of citizenship, naming the preferences', () => {
    const result = scoreApplication(student({ citizenships: ['TR', 'DE'], preferenceCountries: ['FR', 'DE', 'TR'] }), erasmus);
    expect(result.total).toBe(68.34);
    expect(result.lines.find((l) => l.criterion === 'CITIZENSHIP_DESTINATION')).toMatchObject({
      input: 'DE (preference 2), TR (preference 3)',
      points: -10,
    });
  });

  it('takes −10 per withdrawal after selection and −10 for the second mobility type', () => {
    const result = scoreApplication(student({ withdrawalsAfterSelection: 2, isSecondMobilityType: true }), erasmus);
    expect(result.total).toBe(48.34);
    expect(result.lines.slice(2)).toEqual([
      expect.objectContaining({ criterion: 'WITHDREW_AFTER_SELECTION', input: '2 withdrawals after selection', points: -20 }),
      expect.objectContaining({ criterion: 'SECOND_MOBILITY_TYPE', points: -10 }),
    ]);
  });

  it('takes −5 for a missed meeting or exam, which needs no evidence', () => {
    const result = scoreApplication(student({ declaredFacts: [{ code: 'MISSED_MEETING_OR_EXAM', evidence: [] }] }), erasmus);
    expect(result.total).toBe(73.34);
    expect(result.lines[2]).toMatchObject({ criterion: 'MISSED_MEETING_OR_EXAM', input: 'declared', points: -5 });
  });

  it('never goes below 0', () => {
    const result = scoreApplication(student({ gpa: 1, languageScore: 0, previousMobilities: 3, withdrawalsAfterSelection: 1 }), erasmus);
    // 15 − 30 − 10 = −25 → 0
    expect(result.total).toBe(0);
    expect(result.lines.map((l) => l.points)).toEqual([15, 0, -30, -10]);
  });

  it('lists lines in rule-set order whatever the declaration order, each fact once', () => {
    const result = scoreApplication(
      student({
        declaredFacts: [
          { code: 'DISABILITY', evidence: ['r1'] },
          { code: 'VETERAN_OR_MARTYR_RELATIVE', evidence: ['r2'] },
          { code: 'DISABILITY', evidence: ['r3'] },
        ],
        previousMobilities: 1,
      }),
      erasmus,
    );
    expect(result.lines.map((l) => l.criterion)).toEqual(['ACADEMIC', 'LANGUAGE', 'VETERAN_OR_MARTYR_RELATIVE', 'DISABILITY', 'PREVIOUS_MOBILITY']);
    expect(result.lines[3]!.input).toBe('declared, evidence: r1, r3');
    expect(result.total).toBe(93.34); // 78.34 + 15 + 10 − 10
  });

  it('does not count a fact that lacks its required evidence, nor a fact the rules do not know', () => {
    const result = scoreApplication(
      student({ declaredFacts: [{ code: 'DISABILITY', evidence: [] }, { code: 'ATHLETE', evidence: ['x'] }] }),
      erasmus,
    );
    expect(result.total).toBe(78.34);
    expect(result.lines.map((l) => l.criterion)).toEqual(['ACADEMIC', 'LANGUAGE']);
  });

  it('counts a missing GPA or language score as 0 but still shows the component line', () => {
    const result = scoreApplication(student({ gpa: null, languageScore: null }), erasmus);
    expect(result.total).toBe(0);
    expect(result.academicPoints).toBe(0);
    expect(result.languagePoints).toBe(0);
    expect(result.lines).toEqual([
      expect.objectContaining({ criterion: 'ACADEMIC', input: 'no GPA → 0', points: 0 }),
      expect.objectContaining({ criterion: 'LANGUAGE', input: 'no language score → 0', points: 0 }),
    ]);
  });

  it('shows a language score as given (82.5) and weights it', () => {
    const result = scoreApplication(student({ gpa: 2.5, languageScore: 82.5 }), erasmus);
    expect(result.lines[1]).toMatchObject({ input: '82.5', points: 41.25 });
    expect(result.total).toBe(73.75); // 32.5 + 41.25
  });

  it('makes the total the sum of the lines as shown, so an applicant can add up their breakdown', () => {
    // 0.5 × 76.67 + 0.5 × 65.01 = 70.84 unrounded; the lines shown (38.34 + 32.51) make 70.85, and so does the total.
    const result = scoreApplication(student({ gpa: 3, languageScore: 65.01 }), erasmus);
    expect(result.lines.map((l) => l.points)).toEqual([38.34, 32.51]);
    expect(result.total).toBe(70.85);
  });

  it('scores staff on language alone, +10 for a first mobility', () => {
    const result = scoreApplication(staff({ languageScore: 72 }), staffRules);
    expect(result.total).toBe(82);
    expect(result.lines).toEqual([
      { criterion: 'LANGUAGE', label: { tr: 'Dil puanı', en: 'Language score' }, input: '72', points: 72 },
      { criterion: 'FIRST_MOBILITY', label: { tr: 'İlk hareketlilik', en: 'First mobility' }, input: 'no earlier mobility', points: 10 },
    ]);
  });

  it('scores staff with earlier mobilities −5 each and no first-mobility bonus', () => {
    const result = scoreApplication(staff({ languageScore: 72, previousMobilities: 3 }), staffRules);
    expect(result.total).toBe(57);
    expect(result.lines.map((l) => [l.criterion, l.points])).toEqual([
      ['LANGUAGE', 72],
      ['PREVIOUS_MOBILITY', -15],
    ]);
  });

  it('is deterministic: the same facts give the same result', () => {
    const facts = student({ declaredFacts: [{ code: 'PROTECTION_DECISION', evidence: ['d'] }], previousMobilities: 1 });
    expect(scoreApplication(facts, erasmus)).toEqual(scoreApplication(structuredClone(facts), erasmus));
  });
});

function candidate(id: string, overrides: Partial<PlacementCandidate> = {}): PlacementCandidate {
  return {
    id,
    groupKey: 'ENG',
    score: 70,
    academicPoints: 70,
    languagePoints: 70,
    submittedAt: '2026-03-01T10:00:00Z',
    number: `ERA-${id}`,
    preferences: ['P1'],
    acceptsZeroGrant: false,
    ...overrides,
  };
}

const byId = (outcomes: PlacementOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.id, o]));
const noZeroGrant = { zeroGrantCall: false, reserveListSize: null };

describe('compareCandidates', () => {
  const sorted = (...cs: PlacementCandidate[]) => [...cs].sort(compareCandidates).map((c) => c.id);

  it('puts the higher score first', () => {
    expect(sorted(candidate('a', { score: 70 }), candidate('b', { score: 80.5 }))).toEqual(['b', 'a']);
  });

  it('breaks equal scores by academic points', () => {
    expect(sorted(candidate('a', { academicPoints: 70 }), candidate('b', { academicPoints: 76.67, languagePoints: 10 }))).toEqual(['b', 'a']);
  });

  it('breaks equal scores and academic points by language points', () => {
    expect(sorted(candidate('a', { languagePoints: 60, submittedAt: '2026-01-01T00:00:00Z' }), candidate('b', { languagePoints: 61 }))).toEqual(['b', 'a']);
  });

  it('then by earlier submission', () => {
    expect(
      sorted(candidate('a', { submittedAt: '2026-03-01T10:00:01Z', number: 'ERA-1' }), candidate('b', { submittedAt: '2026-03-01T10:00:00Z', number: 'ERA-2' })),
    ).toEqual(['b', 'a']);
  });

  it('compares submission instants, not their text (time zones)', () => {
    expect(sorted(candidate('a', { submittedAt: '2026-03-01T10:30:00Z' }), candidate('b', { submittedAt: '2026-03-01T12:00:00+03:00' }))).toEqual(['b', 'a']);
  });

  it('then by application number, ascending and numeric-aware', () => {
    expect(sorted(candidate('a', { number: 'ERA-2026-0002' }), candidate('b', { number: 'ERA-2026-0001' }))).toEqual(['b', 'a']);
    expect(sorted(candidate('a', { number: 'ERA-10' }), candidate('b', { number: 'ERA-9' }))).toEqual(['b', 'a']);
  });

  it('is 0 only for the same candidate', () => {
    const a = candidate('a');
    expect(compareCandidates(a, { ...a })).toBe(0);
  });
});

describe('place', () => {
  const quota = (key: string, places: number, grantedPlaces: number | null = null) => ({ key, places, grantedPlaces });

  it('gives a contested one-capacity place to the better candidate; the other gets their next preference', () => {
    const outcomes = place(
      [candidate('weaker', { score: 60, preferences: ['P1', 'P2'] }), candidate('better', { score: 80, preferences: ['P1', 'P2'] })],
      [quota('ENG', 5)],
      [
        { id: 'P1', capacity: 1 },
        { id: 'P2', capacity: 1 },
      ],
      noZeroGrant,
    );
    expect(outcomes).toEqual([
      { id: 'better', outcome: 'SELECTED', placeId: 'P1', zeroGrant: false, rank: 1, reserveRank: null },
      { id: 'weaker', outcome: 'SELECTED', placeId: 'P2', zeroGrant: false, rank: 2, reserveRank: null },
    ]);
  });

  it('makes the loser of a contested place a reserve when no preference has capacity left', () => {
    const outcomes = byId(
      place([candidate('weaker', { score: 60 }), candidate('better', { score: 80 })], [quota('ENG', 5)], [{ id: 'P1', capacity: 1 }], noZeroGrant),
    );
    expect(outcomes.better).toMatchObject({ outcome: 'SELECTED', placeId: 'P1' });
    expect(outcomes.weaker).toEqual({ id: 'weaker', outcome: 'RESERVE', placeId: null, zeroGrant: false, rank: 2, reserveRank: 1 });
  });

  it('decides a contested place by the tie-break when scores are equal', () => {
    const outcomes = byId(
      place(
        [candidate('later', { submittedAt: '2026-03-02T00:00:00Z' }), candidate('earlier', { submittedAt: '2026-03-01T00:00:00Z' })],
        [quota('ENG', 5)],
        [{ id: 'P1', capacity: 1 }],
        noZeroGrant,
      ),
    );
    expect(outcomes.earlier!.outcome).toBe('SELECTED');
    expect(outcomes.later!.outcome).toBe('RESERVE');
  });

  it("makes candidates reserves once their group's quota is used up, though places are left", () => {
    const outcomes = byId(
      place(
        [candidate('a', { score: 90 }), candidate('b', { score: 80 }), candidate('c', { score: 70 })],
        [quota('ENG', 2)],
        [{ id: 'P1', capacity: 10 }],
        noZeroGrant,
      ),
    );
    expect([outcomes.a!.outcome, outcomes.b!.outcome, outcomes.c!.outcome]).toEqual(['SELECTED', 'SELECTED', 'RESERVE']);
    expect(outcomes.c).toMatchObject({ rank: 3, reserveRank: 1 });
  });

  it('ranks and limits each group on its own, within one global walk over shared places', () => {
    const outcomes = byId(
      place(
        [
          candidate('eng1', { score: 90 }),
          candidate('eng2', { score: 85 }),
          candidate('law1', { groupKey: 'LAW', score: 88 }),
          candidate('law2', { groupKey: 'LAW', score: 60, preferences: ['P1', 'P2'] }),
        ],
        [quota('ENG', 1), quota('LAW', 2)],
        [
          { id: 'P1', capacity: 2 },
          { id: 'P2', capacity: 1 },
        ],
        noZeroGrant,
      ),
    );
    expect(outcomes.eng1).toMatchObject({ outcome: 'SELECTED', placeId: 'P1', rank: 1 });
    expect(outcomes.law1).toMatchObject({ outcome: 'SELECTED', placeId: 'P1', rank: 1 });
    expect(outcomes.eng2).toMatchObject({ outcome: 'RESERVE', rank: 2, reserveRank: 1 });
    // P1 was filled by the two better candidates of the global order.
    expect(outcomes.law2).toMatchObject({ outcome: 'SELECTED', placeId: 'P2', rank: 2 });
  });

  it('treats a null group as unlimited, and a group the quotas do not know as having no places', () => {
    const outcomes = byId(
      place(
        [candidate('free1', { groupKey: null }), candidate('free2', { groupKey: null, score: 60 }), candidate('ghost', { groupKey: 'GONE', score: 99 })],
        [],
        [{ id: 'P1', capacity: 5 }],
        noZeroGrant,
      ),
    );
    expect(outcomes.free1).toMatchObject({ outcome: 'SELECTED', zeroGrant: false });
    expect(outcomes.free2).toMatchObject({ outcome: 'SELECTED', zeroGrant: false });
    expect(outcomes.ghost).toMatchObject({ outcome: 'RESERVE', rank: 1, reserveRank: 1 });
  });

  it('skips preferences that are not places of the call and places with no capacity', () => {
    const outcomes = place([candidate('a', { preferences: ['NOPE', 'P0', 'P1'] })], [quota('ENG', 1)], [{ id: 'P0', capacity: 0 }, { id: 'P1', capacity: 1 }], noZeroGrant);
    expect(outcomes[0]).toMatchObject({ outcome: 'SELECTED', placeId: 'P1' });
  });

  it('selects zero-grant beyond the group’s grantedPlaces', () => {
    const outcomes = byId(
      place(
        [
          candidate('a', { score: 90, acceptsZeroGrant: true }),
          candidate('b', { score: 80, acceptsZeroGrant: true }),
          candidate('c', { score: 70, acceptsZeroGrant: true }),
        ],
        [quota('ENG', 3, 1)],
        [{ id: 'P1', capacity: 5 }],
        noZeroGrant,
      ),
    );
    expect([outcomes.a!.zeroGrant, outcomes.b!.zeroGrant, outcomes.c!.zeroGrant]).toEqual([false, true, true]);
    expect([outcomes.a!.outcome, outcomes.b!.outcome, outcomes.c!.outcome]).toEqual(['SELECTED', 'SELECTED', 'SELECTED']);
  });

  it('leaves a candidate who refuses zero-grant unplaced (a reserve) and goes on to those who accept it', () => {
    const outcomes = byId(
      place(
        [
          candidate('a', { score: 90 }),
          candidate('refuses', { score: 80, acceptsZeroGrant: false }),
          candidate('accepts', { score: 70, acceptsZeroGrant: true }),
        ],
        [quota('ENG', 3, 1)],
        [{ id: 'P1', capacity: 5 }],
        noZeroGrant,
      ),
    );
    expect(outcomes.a).toMatchObject({ outcome: 'SELECTED', zeroGrant: false });
    expect(outcomes.refuses).toEqual({ id: 'refuses', outcome: 'RESERVE', placeId: null, zeroGrant: false, rank: 2, reserveRank: 1 });
    expect(outcomes.accepts).toMatchObject({ outcome: 'SELECTED', zeroGrant: true, rank: 3 });
  });

  it('makes everyone selected zero-grant in a zero-grant call, and places nobody who refuses it', () => {
    const outcomes = byId(
      place(
        [candidate('a', { acceptsZeroGrant: true }), candidate('b', { score: 60 }), candidate('c', { groupKey: null, score: 50, acceptsZeroGrant: true })],
        [quota('ENG', 5)],
        [{ id: 'P1', capacity: 5 }],
        { zeroGrantCall: true, reserveListSize: null },
      ),
    );
    expect(outcomes.a).toMatchObject({ outcome: 'SELECTED', zeroGrant: true });
    expect(outcomes.b).toMatchObject({ outcome: 'RESERVE', zeroGrant: false });
    expect(outcomes.c).toMatchObject({ outcome: 'SELECTED', zeroGrant: true });
  });

  it('keeps at most reserveListSize reserves per group; the rest are not selected', () => {
    const outcomes = byId(
      place(
        [
          candidate('e1', { score: 90 }),
          candidate('e2', { score: 80 }),
          candidate('e3', { score: 70 }),
          candidate('e4', { score: 60 }),
          candidate('l1', { groupKey: 'LAW', score: 50 }),
          candidate('l2', { groupKey: 'LAW', score: 40 }),
        ],
        [quota('ENG', 1), quota('LAW', 0)],
        [{ id: 'P1', capacity: 10 }],
        { zeroGrantCall: false, reserveListSize: 2 },
      ),
    );
    expect(outcomes.e1!.outcome).toBe('SELECTED');
    expect(outcomes.e2).toMatchObject({ outcome: 'RESERVE', reserveRank: 1, rank: 2 });
    expect(outcomes.e3).toMatchObject({ outcome: 'RESERVE', reserveRank: 2, rank: 3 });
    expect(outcomes.e4).toEqual({ id: 'e4', outcome: 'NOT_SELECTED', placeId: null, zeroGrant: false, rank: 4, reserveRank: null });
    expect(outcomes.l1).toMatchObject({ outcome: 'RESERVE', reserveRank: 1, rank: 1 });
    expect(outcomes.l2).toMatchObject({ outcome: 'RESERVE', reserveRank: 2, rank: 2 });
  });

  it('makes nobody a reserve when reserveListSize is 0', () => {
    const outcomes = place([candidate('a'), candidate('b', { score: 10 })], [quota('ENG', 1)], [{ id: 'P1', capacity: 1 }], { zeroGrantCall: false, reserveListSize: 0 });
    expect(outcomes.map((o) => o.outcome)).toEqual(['SELECTED', 'NOT_SELECTED']);
  });

  it('returns outcomes in the global ranking order, whatever the input order, without changing the input', () => {
    const input = [candidate('c', { score: 10 }), candidate('a', { score: 30 }), candidate('b', { score: 20 })];
    const copy = structuredClone(input);
    expect(place(input, [quota('ENG', 3)], [{ id: 'P1', capacity: 3 }], noZeroGrant).map((o) => o.id)).toEqual(['a', 'b', 'c']);
    expect(input).toEqual(copy);
  });
});

describe('promoteNextReserve', () => {
  const base = (overrides: Partial<PromotionState>): PromotionState => ({
    quotas: [{ key: 'ENG', places: 2, grantedPlaces: null }],
    places: [
      { id: 'P1', capacity: 1 },
      { id: 'P2', capacity: 1 },
    ],
    holders: [],
    reserves: [],
    zeroGrantCall: false,
    ...overrides,
  });

  it('promotes the first reserve to their highest preference with capacity once a holder has left', () => {
    // Holder of P1 waived; P2 is still held.
    const state = base({
      holders: [{ id: 'h2', groupKey: 'ENG', placeId: 'P2', zeroGrant: false }],
      reserves: [candidate('r2', { score: 60, preferences: ['P1'] }), candidate('r1', { score: 65, preferences: ['P2', 'P1'] })],
    });
    expect(promoteNextReserve(state)).toEqual({ id: 'r1', placeId: 'P1', zeroGrant: false });
  });

  it('returns null while every place is still held', () => {
    const state = base({
      holders: [
        { id: 'h1', groupKey: 'ENG', placeId: 'P1', zeroGrant: false },
        { id: 'h2', groupKey: 'ENG', placeId: 'P2', zeroGrant: false },
      ],
      reserves: [candidate('r1', { preferences: ['P1', 'P2'] })],
    });
    expect(promoteNextReserve(state)).toBeNull();
  });

  it('skips a better reserve whose preferences have no capacity and promotes the next who fits', () => {
    const state = base({
      holders: [{ id: 'h1', groupKey: 'ENG', placeId: 'P1', zeroGrant: false }],
      reserves: [candidate('r1', { score: 90, preferences: ['P1'] }), candidate('r2', { score: 50, preferences: ['P1', 'P2'] })],
    });
    expect(promoteNextReserve(state)).toEqual({ id: 'r2', placeId: 'P2', zeroGrant: false });
  });

  it("respects the group quota: a freed place goes to a reserve of a group with quota left", () => {
    const state = base({
      quotas: [
        { key: 'ENG', places: 1, grantedPlaces: null },
        { key: 'LAW', places: 1, grantedPlaces: null },
      ],
      places: [{ id: 'P1', capacity: 2 }],
      // The LAW holder left; ENG's one quota place is still held.
      holders: [{ id: 'h1', groupKey: 'ENG', placeId: 'P1', zeroGrant: false }],
      reserves: [candidate('eng', { score: 95 }), candidate('law', { groupKey: 'LAW', score: 40 })],
    });
    expect(promoteNextReserve(state)).toEqual({ id: 'law', placeId: 'P1', zeroGrant: false });
  });

  it('returns null when no reserve fits (quota used up) or there are no reserves', () => {
    const full = base({
      quotas: [{ key: 'ENG', places: 1, grantedPlaces: null }],
      holders: [{ id: 'h1', groupKey: 'ENG', placeId: 'P1', zeroGrant: false }],
      reserves: [candidate('r1', { preferences: ['P2'] })],
    });
    expect(promoteNextReserve(full)).toBeNull();
    expect(promoteNextReserve(base({ reserves: [] }))).toBeNull();
  });

  it('promotes zero-grant when the grants are used up, and skips a reserve who refuses it', () => {
    const state = base({
      quotas: [{ key: 'ENG', places: 2, grantedPlaces: 1 }],
      holders: [{ id: 'h1', groupKey: 'ENG', placeId: 'P1', zeroGrant: false }],
      reserves: [candidate('refuses', { score: 90, preferences: ['P2'] }), candidate('accepts', { score: 80, preferences: ['P2'], acceptsZeroGrant: true })],
    });
    expect(promoteNextReserve(state)).toEqual({ id: 'accepts', placeId: 'P2', zeroGrant: true });
  });

  it('gives a freed granted place with its grant to a reserve who refused zero-grant', () => {
    // The granted holder of P1 left; a zero-grant holder keeps P2.
    const state = base({
      quotas: [{ key: 'ENG', places: 2, grantedPlaces: 1 }],
      holders: [{ id: 'h2', groupKey: 'ENG', placeId: 'P2', zeroGrant: true }],
      reserves: [candidate('refuses', { preferences: ['P1'] })],
    });
    expect(promoteNextReserve(state)).toEqual({ id: 'refuses', placeId: 'P1', zeroGrant: false });
  });

  it('promotes zero-grant in a zero-grant call', () => {
    const state = base({ zeroGrantCall: true, reserves: [candidate('r', { acceptsZeroGrant: true })] });
    expect(promoteNextReserve(state)).toEqual({ id: 'r', placeId: 'P1', zeroGrant: true });
  });

  it('agrees with place(): promoting after the first holder leaves picks the first reserve of the original run', () => {
    const candidates = [candidate('a', { score: 90 }), candidate('b', { score: 80 }), candidate('c', { score: 70 }), candidate('d', { score: 60 })];
    const quotas = [{ key: 'ENG', places: 2, grantedPlaces: null }];
    const places = [{ id: 'P1', capacity: 5 }];
    const outcomes = place(candidates, quotas, places, noZeroGrant);
    const holders = outcomes
      .filter((o) => o.outcome === 'SELECTED' && o.id !== 'a')
      .map((o) => ({ id: o.id, groupKey: 'ENG', placeId: o.placeId!, zeroGrant: o.zeroGrant }));
    const reserves = candidates.filter((c) => outcomes.find((o) => o.id === c.id)!.outcome === 'RESERVE').reverse();
    expect(promoteNextReserve({ quotas, places, holders, reserves, zeroGrantCall: false })).toEqual({ id: 'c', placeId: 'P1', zeroGrant: false });
  });
});
