import { DomainError } from '../../platform/errors/domain-error';

/** Why an answer to a registration question was refused (sent as `extensions.problem`). */
export type AnswerProblem = 'REQUIRED' | 'UNKNOWN_QUESTION' | 'NOT_AN_OPTION' | 'NOT_A_BOOLEAN' | 'TOO_LONG' | 'DUPLICATE';

/** Event registrations' own error codes (sent as `extensions.reason`). */
export const RegistrationErrors = {
  eventNotFound: (id: string) => new DomainError('NOT_FOUND', 'EVENT_NOT_FOUND', `Event ${id} was not found`, { field: 'eventId', id }),
  notOffered: (organiserKind: string) =>
    new DomainError(
      'BAD_USER_INPUT',
      'REGISTRATION_NOT_OFFERED',
      `Registration is offered for events the office or a unit organises, not for ${organiserKind} events`,
      { field: 'eventId', organiserKind },
    ),
  consentRequired: () =>
    new DomainError('BAD_USER_INPUT', 'CONSENT_REQUIRED', 'Registration needs your consent to the processing of your data', { field: 'consent' }),
  closed: (opensAt: Date | null, closesAt: Date) =>
    new DomainError('BAD_USER_INPUT', 'REGISTRATION_CLOSED', 'Registration for this event is not open', {
      field: 'eventId',
      opensAt: opensAt?.toISOString() ?? null,
      closesAt: closesAt.toISOString(),
    }),
  invalidField: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_INPUT', message, { field }),
  invalidAnswer: (key: string, problem: AnswerProblem, message: string) =>
    new DomainError('BAD_USER_INPUT', 'INVALID_ANSWER', message, { field: key, problem }),
  alreadyRegistered: () =>
    new DomainError('CONFLICT', 'ALREADY_REGISTERED', 'This e-mail address is already registered for this event', { field: 'email' }),
  registrationNotFound: (field: 'token' | 'id') =>
    new DomainError('NOT_FOUND', 'REGISTRATION_NOT_FOUND', `No registration has this ${field === 'token' ? 'cancellation token' : 'ID'}`, { field }),
  alreadyCancelled: () => new DomainError('CONFLICT', 'ALREADY_CANCELLED', 'This registration is already cancelled'),
};

/** Participation requests' own error codes. */
export const ParticipationErrors = {
  contentNotFound: (id: string) =>
    new DomainError('NOT_FOUND', 'CONTENT_NOT_FOUND', `Content ${id} was not found`, { field: 'contentId', id }),
  notAConference: (type: string, kind: string | null) =>
    new DomainError(
      'BAD_USER_INPUT',
      'NOT_A_CONFERENCE',
      'Participation can be requested for conference or seminar announcements and for events partners or others organise',
      { field: 'contentId', type, kind },
    ),
  notLive: () =>
    new DomainError('BAD_USER_INPUT', 'CONTENT_NOT_LIVE', 'Participation can be requested only for published items on the website', {
      field: 'contentId',
    }),
  ended: () => new DomainError('BAD_USER_INPUT', 'ALREADY_ENDED', 'The conference or seminar has already ended', { field: 'contentId' }),
  alreadyRequested: (requestId: string | null) =>
    new DomainError('CONFLICT', 'ALREADY_REQUESTED', 'You already have an open request for this conference or seminar', {
      field: 'contentId',
      ...(requestId ? { requestId } : {}),
    }),
  roleNotAllowed: () =>
    new DomainError('BAD_USER_INPUT', 'ROLE_NOT_ALLOWED', 'Applicants request as students (role STUDENT)', { field: 'role' }),
  currencyRequired: () =>
    new DomainError('BAD_USER_INPUT', 'CURRENCY_REQUIRED', 'Funding asked needs its currency (fundingCurrency)', { field: 'fundingCurrency' }),
  fundingRequired: () =>
    new DomainError('BAD_USER_INPUT', 'FUNDING_REQUIRED', 'A currency without an amount: give fundingRequested too', { field: 'fundingRequested' }),
  fundingOutOfRange: () =>
    new DomainError('BAD_USER_INPUT', 'FUNDING_OUT_OF_RANGE', 'fundingRequested must be between 0 and 1000000000', { field: 'fundingRequested' }),
  invalidTransition: (from: string, to: string, allowed: string[]) =>
    new DomainError('CONFLICT', 'INVALID_TRANSITION', `A participation request cannot go from ${from} to ${to}`, { field: 'status', from, to, allowed }),
  notYours: () => new DomainError('FORBIDDEN', 'FORBIDDEN', 'Only the requester can withdraw a participation request'),
};
