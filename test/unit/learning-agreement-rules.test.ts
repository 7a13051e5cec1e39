import { DomainError } from '../../src/platform/errors/domain-error';
import { LaChangeReason as R, LaTable, type LaChangeRow, type LaComponentRow } from '../../src/modules/mobility/learning-agreement.entity';
import {
  applyChange,
  changesSinceFirstVersion,
  checkComponent,
  creditTotals,
  laWarnings,
  type ComponentInsert,
} from '../../src/modules/mobility/learning-agreement.rules';
import { parseCatalogue } from '../../src/modules/mobility/course-import';

const row = (id: string, table: LaTable, ects: number, term: [number, number] | null = [1, 2], note: string | null = null): LaComponentRow => ({
  id,
  table,
  title: `Course ${id}`,
  code: id.toUpperCase(),
  termNumber: term?.[0] ?? null,
  totalTerms: term?.[1] ?? null,
  ects,
  note,
});

/** The first version of a one-semester study mobility: 30 ECTS at the host, 30 recognised at home. */
const FIRST: LaComponentRow[] = [row('a1', LaTable.A, 12), row('a2', LaTable.A, 12), row('a3', LaTable.A, 6), row('b1', LaTable.B, 30)];

/** The DomainError a rule throws (reason and field), or fails the test. */
function refusal(fn: () => unknown): { reason: string; field: unknown } {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return { reason: e.reason, field: e.details.field };
    throw e;
  }
  throw new Error('expected the rule to refuse');
}

describe('applying a change proposal', () => {
  it('deletes components by id, appends the insertions and keeps every other component with its id', () => {
    const insert: ComponentInsert[] = [{ ...row('a4', LaTable.A, 6), reason: R.SUBSTITUTING_DELETED }];
    const { components, changes } = applyChange(FIRST, insert, [{ componentId: 'a3', reason: R.TIMETABLE_CONFLICT }]);
    expect(components.map((c) => c.id)).toEqual(['a1', 'a2', 'b1', 'a4']);
    // The insertion's reason stays on the change row, not on the component.
    expect(components[3]).not.toHaveProperty('reason');
    expect(changes).toEqual([
      { action: 'DELETED', componentId: 'a3', table: LaTable.A, reason: R.TIMETABLE_CONFLICT, reasonText: null },
      { action: 'INSERTED', componentId: 'a4', table: LaTable.A, reason: R.SUBSTITUTING_DELETED, reasonText: null },
    ]);
  });

  it('refuses a deletion reason on an insertion and an insertion reason on a deletion', () => {
    expect(refusal(() => applyChange(FIRST, [{ ...row('a4', LaTable.A, 6), reason: R.NOT_AVAILABLE }], []))).toEqual({
      reason: 'INVALID_REASON',
      field: 'insert.0.reason',
    });
    expect(refusal(() => applyChange(FIRST, [], [{ componentId: 'a1', reason: R.EXTENDING_MOBILITY }]))).toEqual({
      reason: 'INVALID_REASON',
      field: 'delete.0.reason',
    });
  });

  it('needs a reason text with OTHER, and takes it trimmed', () => {
    expect(refusal(() => applyChange(FIRST, [], [{ componentId: 'a1', reason: R.OTHER, reasonText: '  ' }]))).toEqual({
      reason: 'REASON_TEXT_REQUIRED',
      field: 'delete.0.reasonText',
    });
    const { changes } = applyChange(FIRST, [], [{ componentId: 'a1', reason: R.OTHER, reasonText: ' Course cancelled by the host ' }]);
    expect(changes[0].reasonText).toBe('Course cancelled by the host');
  });

  it('allows "adding a virtual component" only for Table C', () => {
    expect(refusal(() => applyChange(FIRST, [{ ...row('a4', LaTable.A, 3), reason: R.ADDING_VIRTUAL_COMPONENT }], []))).toEqual({
      reason: 'INVALID_REASON',
      field: 'insert.0.reason',
    });
    const virtual = { ...row('c1', LaTable.C, 3, null, 'Online seminar on EU law'), reason: R.ADDING_VIRTUAL_COMPONENT };
    expect(applyChange(FIRST, [virtual], []).components.map((c) => c.id)).toContain('c1');
  });

  it('refuses an unknown component, a component deleted twice and an empty change', () => {
    expect(refusal(() => applyChange(FIRST, [], [{ componentId: 'zz', reason: R.NOT_AVAILABLE }]))).toEqual({ reason: 'UNKNOWN_COMPONENT', field: 'delete.0.componentId' });
    expect(
      refusal(() =>
        applyChange(FIRST, [], [
          { componentId: 'a1', reason: R.NOT_AVAILABLE },
          { componentId: 'a1', reason: R.LANGUAGE_MISMATCH },
        ]),
      ),
    ).toEqual({ reason: 'DUPLICATE_COMPONENT', field: 'delete.1.componentId' });
    expect(refusal(() => applyChange(FIRST, [], []))).toEqual({ reason: 'EMPTY_CHANGE', field: 'insert' });
  });
});

describe('a component on its own', () => {
  it('needs a term in Tables A and B, a valid term number, a description in Table C, and names a home course only in Table B', () => {
    expect(refusal(() => checkComponent(row('a', LaTable.A, 6, null), 'components.0'))).toEqual({ reason: 'TERM_REQUIRED', field: 'components.0.termNumber' });
    expect(refusal(() => checkComponent({ ...row('a', LaTable.A, 6), totalTerms: null }, 'components.0'))).toEqual({
      reason: 'TERM_REQUIRED',
      field: 'components.0.totalTerms',
    });
    expect(refusal(() => checkComponent(row('a', LaTable.A, 6, [3, 2]), 'components.1'))).toEqual({ reason: 'INVALID_TERM', field: 'components.1.termNumber' });
    expect(refusal(() => checkComponent(row('c', LaTable.C, 3, null), 'components.2'))).toEqual({ reason: 'DESCRIPTION_REQUIRED', field: 'components.2.note' });
    expect(refusal(() => checkComponent({ ...row('a', LaTable.A, 6), homeCourseId: 'x' }, 'components.3'))).toEqual({
      reason: 'HOME_COURSE_ONLY_TABLE_B',
      field: 'components.3.homeCourseId',
    });
    expect(() => checkComponent(row('c', LaTable.C, 3, null, 'MOOC on data ethics'), 'components.4')).not.toThrow();
  });
});

describe('ECTS totals', () => {
  it('adds up per table and per term, to one decimal', () => {
    // Table A: autumn 7.5 + 7.5 + 6 = 21, spring 9 + 0.1 + 0.2 = 9.3 (not 9.299999…); Table B 30; Table C none.
    const components = [
      row('a1', LaTable.A, 7.5),
      row('a2', LaTable.A, 7.5),
      row('a3', LaTable.A, 6),
      row('a4', LaTable.A, 9, [2, 2]),
      row('a5', LaTable.A, 0.1, [2, 2]),
      row('a6', LaTable.A, 0.2, [2, 2]),
      row('b1', LaTable.B, 30),
    ];
    expect(creditTotals(components)).toEqual([
      {
        table: LaTable.A,
        ects: 30.3,
        byTerm: [
          { termNumber: 1, totalTerms: 2, ects: 21 },
          { termNumber: 2, totalTerms: 2, ects: 9.3 },
        ],
      },
      { table: LaTable.B, ects: 30, byTerm: [{ termNumber: 1, totalTerms: 2, ects: 30 }] },
      { table: LaTable.C, ects: 0, byTerm: [] },
    ]);
  });
});

describe('warnings', () => {
  it('warns when a semester of study has less than 30 ECTS in Table A', () => {
    // Autumn: 12 + 12 = 24 < 60 / 2 = 30.
    const components = [row('a1', LaTable.A, 12), row('a2', LaTable.A, 12), row('b1', LaTable.B, 24)];
    expect(laWarnings(components, { mobilityType: 'SMS' })).toEqual([
      { code: 'ECTS_BELOW_EXPECTATION', message: 'Table A has 24 ECTS in term 1 of 2; 30 are expected (60 per academic year)' },
    ]);
  });

  it('expects 30 ECTS in each semester of a full year and 20 in a trimester (pro rata)', () => {
    const year = [row('a1', LaTable.A, 30), row('a2', LaTable.A, 30, [2, 2]), row('b1', LaTable.B, 60)];
    expect(laWarnings(year, { mobilityType: 'SMS' })).toEqual([]);
    // One trimester: 18 < 60 / 3 = 20.
    const trimester = [row('a1', LaTable.A, 18, [2, 3]), row('b1', LaTable.B, 18, [2, 3])];
    expect(laWarnings(trimester, { mobilityType: 'SMS' }).map((w) => w.message)).toEqual(['Table A has 18 ECTS in term 2 of 3; 20 are expected (60 per academic year)']);
  });

  it('falls back to 6 ECTS per planned month when no component names a term', () => {
    // Table C only (no terms): 25 < 6 × 5 months = 30.
    const components = [row('c1', LaTable.C, 25, null, 'Virtual exchange'), row('b1', LaTable.B, 0)];
    expect(laWarnings(components, { mobilityType: 'SMS', plannedMonths: 5 }).map((w) => w.message)).toEqual([
      'Table A has 0 ECTS; 30 are expected for 5 months (6 per month)',
    ]);
  });

  it('has no ECTS expectation for traineeships, but still compares Table B with Table A', () => {
    const components = [row('a1', LaTable.A, 10), row('b1', LaTable.B, 8)];
    expect(laWarnings(components, { mobilityType: 'SMT' })).toEqual([
      { code: 'TABLE_B_DIFFERS_FROM_A', message: 'Table B recognises 8 ECTS at home for 10 ECTS studied in Table A' },
    ]);
  });
});

describe('changes against the first version (what EWP exports)', () => {
  it('lists the net insertions and deletions with their reasons; a component inserted then deleted again is gone', () => {
    // Change 2: delete a3 (timetable), insert a4 and a5. Change 3: delete a5 (not available).
    const history: LaChangeRow[] = [
      { action: 'DELETED', componentId: 'a3', table: LaTable.A, reason: R.TIMETABLE_CONFLICT },
      { action: 'INSERTED', componentId: 'a4', table: LaTable.A, reason: R.SUBSTITUTING_DELETED },
      { action: 'INSERTED', componentId: 'a5', table: LaTable.A, reason: R.EXTENDING_MOBILITY },
      { action: 'DELETED', componentId: 'a5', table: LaTable.A, reason: R.NOT_AVAILABLE },
    ];
    const current = [row('a1', LaTable.A, 12), row('a2', LaTable.A, 12), row('b1', LaTable.B, 30), row('a4', LaTable.A, 6)];
    const net = changesSinceFirstVersion(FIRST, current, history);
    expect(net.map((n) => [n.action, n.component.id, n.reason])).toEqual([
      ['INSERTED', 'a4', R.SUBSTITUTING_DELETED],
      ['DELETED', 'a3', R.TIMETABLE_CONFLICT],
    ]);
  });
});

describe('reading a catalogue CSV', () => {
  const units = new Map([
    ['ENG-CENG', 'u-ceng'],
    ['SCI-MATH', 'u-math'],
  ]);

  it('reads courses in any column order, with ; as Excel writes it, Turkish semesters and a decimal comma', () => {
    const csv = 'unit;code;title_tr;ects;semester;language\nsci-math;math  321;Reel Analiz;7,5;Güz;EN\n';
    expect(parseCatalogue(csv, units)).toEqual({
      rows: [{ line: 2, code: 'MATH 321', title: { tr: 'Reel Analiz', en: undefined }, ects: 7.5, unitId: 'u-math', language: 'en', semester: 'FALL', iscedCode: null }],
      problems: [],
    });
  });

  it('reports every bad line with its line number, column and code', () => {
    const csv = [
      'code,title_tr,title_en,ects,unit,language,semester,isced',
      'CENG 301,Veritabanı,Databases,6,ENG-CENG,en,FALL,0612',
      'CENG 301,Tekrar,Again,6,ENG-CENG,en,FALL,0612',
      ',Kodsuz,No code,6,ENG-CENG,en,FALL,0612',
      'CENG 999,,,0,NOPE,english,WINTER,61x',
    ].join('\n');
    const { problems } = parseCatalogue(csv, units);
    expect(problems.map((p) => [p.line, p.field, p.code])).toEqual([
      [3, 'code', 'DUPLICATE_CODE'],
      [4, 'code', 'REQUIRED'],
      [5, 'title_en', 'REQUIRED'],
      [5, 'ects', 'INVALID_ECTS'],
      [5, 'unit', 'UNKNOWN_UNIT'],
      [5, 'language', 'INVALID_LANGUAGE'],
      [5, 'semester', 'INVALID_SEMESTER'],
      [5, 'isced', 'INVALID_ISCED'],
    ]);
  });

  it('refuses a header without the required columns, and a file with no courses', () => {
    expect(parseCatalogue('code,title_en,unit\nX 1,Y,ENG-CENG', units).problems).toEqual([
      { line: 1, field: 'ects', code: 'MISSING_COLUMN', message: 'The header has no ects column' },
    ]);
    expect(parseCatalogue('code,title_en,ects,unit\n', units).problems.map((p) => p.code)).toEqual(['EMPTY_CATALOGUE']);
  });
});
