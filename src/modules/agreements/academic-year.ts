/**
 * Academic years are written `2025/2026`. Pure helpers: ordering, overlap, and when one ends (31 August of its
 * second calendar year, when Turkish and most European academic years have closed).
 */
const YEAR = /^(\d{4})\/(\d{4})$/;

export function isAcademicYear(value: string): boolean {
  const m = YEAR.exec(value);
  return !!m && Number(m[2]) === Number(m[1]) + 1;
}

export function startYear(academicYear: string): number {
  return Number(academicYear.slice(0, 4));
}

export function academicYearEnd(academicYear: string): string {
  return `${startYear(academicYear) + 1}-08-31`;
}

/** The same rule in SQL, for a column holding an academic year. */
export function academicYearEndSql(column: string): string {
  return `make_date(cast(left(${column}, 4) as int) + 1, 8, 31)`;
}

export function academicYearOf(date: Date): string {
  const y = date.getUTCFullYear();
  const start = date.getUTCMonth() >= 8 ? y : y - 1;
  return `${start}/${start + 1}`;
}

/** Every academic year from `first` to `last`, inclusive. */
export function academicYearsBetween(first: string, last: string): string[] {
  const years: string[] = [];
  for (let y = startYear(first); y <= startYear(last); y++) years.push(`${y}/${y + 1}`);
  return years;
}
