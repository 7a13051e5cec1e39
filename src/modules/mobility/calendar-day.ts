/**
 * Calendar days as the mobility module stores them: YYYY-MM-DD strings (a day at the host, no time zone). One set of
 * helpers for the grant rules, tracking and reporting, so that they all count a mobility's days the same way.
 */

export const DAY_MS = 86_400_000;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a YYYY-MM-DD date, or null when it is not a real date (2026-02-30, 2026-1-5). */
export function dayNumber(date: string): number | null {
  const m = DAY.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t / DAY_MS;
}

export function isDay(date: string): boolean {
  return dayNumber(date) !== null;
}

/** Calendar days from start to end, both included (2026-05-04 → 2026-05-08 is 5). */
export function daysInclusive(start: string, end: string): number {
  return dayNumber(end)! - dayNumber(start)! + 1;
}

export function addDays(day: string, n: number): string {
  return new Date((dayNumber(day)! + n) * DAY_MS).toISOString().slice(0, 10);
}

/** Today (UTC), as due dates and reminders count it. */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

// --- Days at the home institution ------------------------------------------------------------------------------------

/** The office works in Turkish time: "today", "this week" and "once a day" are counted in this zone. */
export const HOST_TIME_ZONE = 'Europe/Istanbul';

const dayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: HOST_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
const partsFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: HOST_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Today at the host (YYYY-MM-DD). */
export function hostToday(now = new Date()): string {
  return dayFormat.format(now);
}

/** The instant the host's day `day` begins (its midnight in HOST_TIME_ZONE). */
export function startOfHostDay(day: string): Date {
  const utcMidnight = dayNumber(day)! * DAY_MS;
  const p = Object.fromEntries(partsFormat.formatToParts(new Date(utcMidnight)).map((x) => [x.type, x.value]));
  const offset = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - utcMidnight;
  return new Date(utcMidnight - offset);
}
