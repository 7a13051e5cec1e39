import type { RegistrationQuestion } from '../../src/modules/content/content.entity';
import {
  checkAnswers,
  checkRegistrant,
  isPlausibleEmail,
  normaliseEmail,
  placesLeft,
  registrationWindow,
  takesParticipationRequests,
} from '../../src/modules/content/registration.rules';

const questions: RegistrationQuestion[] = [
  { key: 'diet', label: { en: 'Diet' }, kind: 'CHOICE', required: true, options: ['none', 'vegetarian', 'vegan'] },
  { key: 'photos', label: { en: 'Photos allowed' }, kind: 'BOOLEAN', required: false },
  { key: 'note', label: { en: 'Anything else' }, kind: 'TEXT', required: false },
];

function refusal(fn: () => unknown): Record<string, unknown> {
  try {
    fn();
  } catch (e) {
    const err = e as { category: string; reason: string; details: Record<string, unknown> };
    return { code: err.category, reason: err.reason, ...err.details };
  }
  throw new Error('expected a refusal');
}

describe('checkAnswers', () => {
  it('stores trimmed text and choices and booleans as booleans, leaving unanswered optional questions out', () => {
    expect(checkAnswers(questions, [{ key: 'diet', value: ' vegan ' }, { key: 'photos', value: 'false' }, { key: 'note', value: '' }])).toEqual({
      diet: 'vegan',
      photos: false,
    });
  });

  it('refuses a missing required answer, naming the question as the field', () => {
    expect(refusal(() => checkAnswers(questions, [{ key: 'photos', value: 'true' }]))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_ANSWER',
      field: 'diet',
      problem: 'REQUIRED',
    });
    expect(refusal(() => checkAnswers(questions, [{ key: 'diet', value: '   ' }]))).toMatchObject({ field: 'diet', problem: 'REQUIRED' });
  });

  it('refuses a choice that is not one of the options', () => {
    expect(refusal(() => checkAnswers(questions, [{ key: 'diet', value: 'Vegan' }]))).toMatchObject({ field: 'diet', problem: 'NOT_AN_OPTION' });
  });

  it('accepts only "true" or "false" for a boolean question', () => {
    expect(refusal(() => checkAnswers(questions, [{ key: 'diet', value: 'none' }, { key: 'photos', value: 'yes' }]))).toMatchObject({
      field: 'photos',
      problem: 'NOT_A_BOOLEAN',
    });
  });

  it('refuses unknown and repeated keys', () => {
    expect(refusal(() => checkAnswers(questions, [{ key: 'diet', value: 'none' }, { key: 'shoe', value: '42' }]))).toMatchObject({
      field: 'shoe',
      problem: 'UNKNOWN_QUESTION',
    });
    expect(refusal(() => checkAnswers(questions, [{ key: 'diet', value: 'none' }, { key: 'diet', value: 'vegan' }]))).toMatchObject({
      field: 'diet',
      problem: 'DUPLICATE',
    });
  });

  it('refuses a text answer over 2000 characters and accepts one of exactly 2000', () => {
    expect(checkAnswers(questions, [{ key: 'diet', value: 'none' }, { key: 'note', value: 'x'.repeat(2000) }]).note).toHaveLength(2000);
    expect(refusal(() => checkAnswers(questions, [{ key: 'diet', value: 'none' }, { key: 'note', value: 'x'.repeat(2001) }]))).toMatchObject({
      field: 'note',
      problem: 'TOO_LONG',
    });
  });

  it('accepts no answers when the event asks nothing', () => {
    expect(checkAnswers([], [])).toEqual({});
  });
});

describe('registrant details', () => {
  it('normalises an address by case and surrounding spaces', () => {
    expect(normaliseEmail('  Ayse.Yilmaz@Example.EDU.tr ')).toBe('ayse.yilmaz@example.edu.tr');
  });

  it('accepts plausible addresses and refuses others', () => {
    expect(isPlausibleEmail('a@b.co')).toBe(true);
    expect(isPlausibleEmail('first.last+tag@uni.example.org')).toBe(true);
    for (const bad of ['', 'plain', 'a@b', 'a b@c.de', '@c.de', 'a@.de', 'a@b..de', `${'x'.repeat(250)}@b.de`]) {
      expect(isPlausibleEmail(bad)).toBe(false);
    }
  });

  it('trims name, address and affiliation and names the field at fault', () => {
    expect(checkRegistrant({ name: ' Ayşe ', email: ' a@b.co ', affiliation: '  ' })).toEqual({ name: 'Ayşe', email: 'a@b.co', affiliation: undefined });
    expect(refusal(() => checkRegistrant({ name: '  ', email: 'a@b.co' }))).toMatchObject({ field: 'name' });
    expect(refusal(() => checkRegistrant({ name: 'x'.repeat(201), email: 'a@b.co' }))).toMatchObject({ field: 'name' });
    expect(refusal(() => checkRegistrant({ name: 'A', email: 'nope' }))).toMatchObject({ field: 'email' });
    expect(refusal(() => checkRegistrant({ name: 'A', email: 'a@b.co', affiliation: 'x'.repeat(301) }))).toMatchObject({ field: 'affiliation' });
  });
});

describe('registration window and places', () => {
  const startsAt = new Date('2027-03-10T09:00:00Z');

  it('closes at the start of the event by default', () => {
    expect(registrationWindow({ startsAt })).toEqual({ opensAt: null, closesAt: startsAt });
  });

  it('closes earlier when registrationClosesAt says so, never later than the start', () => {
    const early = new Date('2027-03-01T00:00:00Z');
    expect(registrationWindow({ startsAt, registrationClosesAt: early }).closesAt).toEqual(early);
    expect(registrationWindow({ startsAt, registrationClosesAt: new Date('2027-04-01T00:00:00Z') }).closesAt).toEqual(startsAt);
  });

  it('treats a null capacity as unlimited places and never counts below zero', () => {
    expect(placesLeft(null, 500)).toBeNull();
    expect(placesLeft(10, 3)).toBe(7);
    expect(placesLeft(2, 3)).toBe(0);
  });
});

describe('what takes participation requests', () => {
  it('takes conference and seminar announcements and events partners or others organise, nothing else', () => {
    expect(takesParticipationRequests({ type: 'ANNOUNCEMENT' as never, kind: 'CONFERENCE' })).toBe(true);
    expect(takesParticipationRequests({ type: 'ANNOUNCEMENT' as never, kind: 'SEMINAR' })).toBe(true);
    expect(takesParticipationRequests({ type: 'ANNOUNCEMENT' as never, kind: 'NEWS' })).toBe(false);
    expect(takesParticipationRequests({ type: 'EVENT' as never, organiserKind: 'PARTNER' as never })).toBe(true);
    expect(takesParticipationRequests({ type: 'EVENT' as never, organiserKind: 'EXTERNAL' as never })).toBe(true);
    expect(takesParticipationRequests({ type: 'EVENT' as never, organiserKind: 'OFFICE' as never })).toBe(false);
    expect(takesParticipationRequests({ type: 'PAGE' as never })).toBe(false);
  });
});
