/**
 * The pure rules of event registration and participation requests (no database): who may register when, what
 * answers are accepted, what takes participation requests. The services apply them; unit tests check them.
 */
import { AnnouncementKind, ContentType, OrganiserKind, type ContentItem, type RegistrationQuestion } from './content.entity';
import { isLive } from './content.visibility';
import { RegistrationErrors } from './registration.errors';
import type { RegisterForEventInput, RegistrationAnswerInput } from './registration.inputs';

export const MAX_NAME = 200;
export const MAX_EMAIL = 254;
export const MAX_AFFILIATION = 300;
export const MAX_TEXT_ANSWER = 2000;

/** Organisers whose events take registrations here (an event without one is the office's); partners' and others' events take participation requests instead. */
const REGISTERING_ORGANISERS: OrganiserKind[] = [OrganiserKind.OFFICE, OrganiserKind.UNIT];

export function offersRegistration(event: Pick<ContentItem, 'type' | 'organiserKind'>): boolean {
  return event.type === ContentType.EVENT && REGISTERING_ORGANISERS.includes(event.organiserKind ?? OrganiserKind.OFFICE);
}

/** One active registration per address and event: the address compared without case and surrounding spaces. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A deliberately simple check: something@domain.tld, no spaces, at most 254 characters. */
export function isPlausibleEmail(email: string): boolean {
  return email.length <= MAX_EMAIL && /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(email);
}

/**
 * When registration is open: from registrationOpensAt (or at once) until registrationClosesAt, which defaults to
 * the start of the event and is never later than it: nobody registers for an event that has started.
 */
export function registrationWindow(
  event: Pick<ContentItem, 'registrationOpensAt' | 'registrationClosesAt' | 'startsAt'>,
): { opensAt: Date | null; closesAt: Date } {
  const startsAt = event.startsAt ?? new Date(8.64e15);
  const closesAt = event.registrationClosesAt && event.registrationClosesAt < startsAt ? event.registrationClosesAt : startsAt;
  return { opensAt: event.registrationOpensAt ?? null, closesAt };
}

/** Open to the public now: a live event that takes registrations, inside its window (a full event is open: its waiting list is). */
export function isRegistrationOpen(event: ContentItem, now: Date = new Date()): boolean {
  if (!offersRegistration(event) || !isLive(event, now)) return false;
  const { opensAt, closesAt } = registrationWindow(event);
  return (!opensAt || opensAt <= now) && now < closesAt;
}

/** Places left; null when the event sets no capacity (unlimited places). */
export function placesLeft(capacity: number | null | undefined, registered: number): number | null {
  return capacity === null || capacity === undefined ? null : Math.max(0, capacity - registered);
}

/**
 * Checks answers against the event's questions and returns what is stored: trimmed text and choices, booleans as
 * booleans; unanswered optional questions are left out. The error names the question key as its field.
 */
export function checkAnswers(
  questions: readonly RegistrationQuestion[],
  answers: readonly Pick<RegistrationAnswerInput, 'key' | 'value'>[],
): Record<string, string | boolean> {
  const byKey = new Map(questions.map((q) => [q.key, q]));
  const given = new Map<string, string>();
  for (const answer of answers) {
    const key = answer.key.trim();
    if (!byKey.has(key)) throw RegistrationErrors.invalidAnswer(key, 'UNKNOWN_QUESTION', `The event asks no question "${key}"`);
    if (given.has(key)) throw RegistrationErrors.invalidAnswer(key, 'DUPLICATE', `Question "${key}" is answered twice`);
    given.set(key, (answer.value ?? '').trim());
  }
  const stored: Record<string, string | boolean> = {};
  for (const question of questions) {
    const value = given.get(question.key) ?? '';
    if (value === '') {
      if (question.required) throw RegistrationErrors.invalidAnswer(question.key, 'REQUIRED', `Question "${question.key}" needs an answer`);
      continue;
    }
    switch (question.kind) {
      case 'BOOLEAN':
        if (value !== 'true' && value !== 'false') {
          throw RegistrationErrors.invalidAnswer(question.key, 'NOT_A_BOOLEAN', `Answer "true" or "false" to question "${question.key}"`);
        }
        stored[question.key] = value === 'true';
        break;
      case 'CHOICE':
        if (!(question.options ?? []).includes(value)) {
          throw RegistrationErrors.invalidAnswer(question.key, 'NOT_AN_OPTION', `The answer to "${question.key}" must be one of its options`);
        }
        stored[question.key] = value;
        break;
      default:
        if (value.length > MAX_TEXT_ANSWER) {
          throw RegistrationErrors.invalidAnswer(question.key, 'TOO_LONG', `The answer to "${question.key}" is longer than ${MAX_TEXT_ANSWER} characters`);
        }
        stored[question.key] = value;
    }
  }
  return stored;
}

/** Name, address and affiliation as stored (trimmed), or the error naming the field. */
export function checkRegistrant(input: Pick<RegisterForEventInput, 'name' | 'email' | 'affiliation'>): {
  name: string;
  email: string;
  affiliation?: string;
} {
  const name = input.name.trim();
  if (name.length < 1 || name.length > MAX_NAME) throw RegistrationErrors.invalidField('name', `name must be 1 to ${MAX_NAME} characters`);
  const email = input.email.trim();
  if (!isPlausibleEmail(email)) throw RegistrationErrors.invalidField('email', 'email is not a valid e-mail address');
  const affiliation = input.affiliation?.trim() || undefined;
  if (affiliation && affiliation.length > MAX_AFFILIATION) {
    throw RegistrationErrors.invalidField('affiliation', `affiliation must be at most ${MAX_AFFILIATION} characters`);
  }
  return { name, email, affiliation };
}

const CONFERENCE_ANNOUNCEMENTS: (string | undefined)[] = [AnnouncementKind.CONFERENCE, AnnouncementKind.SEMINAR];
const OUTSIDE_ORGANISERS: (OrganiserKind | undefined)[] = [OrganiserKind.PARTNER, OrganiserKind.EXTERNAL];

/** What one may ask to attend: a conference or seminar announcement, or an event partners or others organise. */
export function takesParticipationRequests(item: Pick<ContentItem, 'type' | 'kind' | 'organiserKind'>): boolean {
  if (item.type === ContentType.ANNOUNCEMENT) return CONFERENCE_ANNOUNCEMENTS.includes(item.kind ?? undefined);
  if (item.type === ContentType.EVENT) return OUTSIDE_ORGANISERS.includes(item.organiserKind ?? undefined);
  return false;
}
