import { academicYearEnd, academicYearOf, academicYearsBetween, isAcademicYear, startYear } from '../../src/modules/agreements/academic-year';

describe('isAcademicYear', () => {
  it.each(['2025/2026', '1999/2000', '2040/2041'])('accepts %s', (value) => {
    expect(isAcademicYear(value)).toBe(true);
  });

  it.each([
    ['2025/2027', 'two years apart'],
    ['2026/2025', 'backwards'],
    ['2025/2025', 'the same year twice'],
    ['2025-2026', 'a dash'],
    ['25/26', 'two-digit years'],
    [' 2025/2026', 'leading space'],
    ['2025/2026 ', 'trailing space'],
    ['', 'empty'],
  ])('refuses %j (%s)', (value) => {
    expect(isAcademicYear(value)).toBe(false);
  });
});

describe('startYear and academicYearEnd', () => {
  it('reads the first calendar year', () => {
    expect(startYear('2025/2026')).toBe(2025);
    expect(startYear('1999/2000')).toBe(1999);
  });

  it('ends an academic year on 31 August of its second calendar year', () => {
    expect(academicYearEnd('2025/2026')).toBe('2026-08-31');
    expect(academicYearEnd('1999/2000')).toBe('2000-08-31');
  });

  it('orders years as text the way it orders them as years (the SQL filters compare the text)', () => {
    const years = ['2030/2031', '2026/2027', '1999/2000', '2027/2028'];
    expect([...years].sort()).toEqual([...years].sort((a, b) => startYear(a) - startYear(b)));
  });
});

describe('academicYearOf', () => {
  it.each([
    ['2026-11-28T12:00:00Z', '2026/2027'],
    ['2027-01-15T00:00:00Z', '2026/2027'],
    ['2027-08-31T23:59:59Z', '2026/2027'],
    ['2027-09-01T00:00:00Z', '2027/2028'],
    ['2026-08-31T00:00:00Z', '2025/2026'],
    ['2026-09-01T00:00:00Z', '2026/2027'],
  ])('puts %s in %s', (date, year) => {
    expect(academicYearOf(new Date(date))).toBe(year);
  });

  it('decides by the UTC date: 1 September 00:30 in Istanbul is still 31 August in UTC', () => {
    expect(academicYearOf(new Date('2026-09-01T00:30:00+03:00'))).toBe('2025/2026');
  });

  it('gives an academic year whose end is the next 31 August on or after the date', () => {
    const date = new Date('2026-11-28T00:00:00Z');
    const end = academicYearEnd(academicYearOf(date));
    expect(end).toBe('2027-08-31');
    expect(end >= date.toISOString().slice(0, 10)).toBe(true);
  });
});

describe('academicYearsBetween', () => {
  it('lists every year from the first to the last, inclusive', () => {
    expect(academicYearsBetween('2024/2025', '2026/2027')).toEqual(['2024/2025', '2025/2026', '2026/2027']);
  });

  it('gives one year when first and last are the same', () => {
    expect(academicYearsBetween('2026/2027', '2026/2027')).toEqual(['2026/2027']);
  });

  it('gives nothing when the last comes before the first', () => {
    expect(academicYearsBetween('2027/2028', '2026/2027')).toEqual([]);
  });
});
