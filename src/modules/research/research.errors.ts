import { DomainError } from '../../platform/errors/domain-error';

/** The research module's own error codes (sent as `extensions.reason`). */
export const ResearchErrors = {
  // Calls
  invalidTopicId: (field: string, value: string) =>
    new DomainError('BAD_USER_INPUT', 'INVALID_TOPIC_ID', `${value} is not a topic identifier (e.g. HORIZON-CL5-2027-D3-01-05)`, { field, value }),
  invalidField: (field: string, value: string) =>
    new DomainError('BAD_USER_INPUT', 'INVALID_FIELD', `${value} is neither an ISCED-F code (2–4 digits) nor a keyword (2–40 lower-case letters, digits, spaces, hyphens)`, {
      field,
      value,
    }),
  titleRequired: () => new DomainError('BAD_USER_INPUT', 'TITLE_REQUIRED', 'Give the title in at least one language', { field: 'title' }),
  invalidDeadlines: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_DEADLINES', message, { field }),
  invalidBudget: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_BUDGET', message, { field }),
  invalidUrl: (field: string) => new DomainError('BAD_USER_INPUT', 'INVALID_URL', 'Links are http(s) addresses', { field }),
  invalidCallTransition: (from: string, to: string) =>
    new DomainError('CONFLICT', 'INVALID_CALL_TRANSITION', `A research call cannot go from ${from} to ${to}`, { from, to }),
  callClosed: () => new DomainError('CONFLICT', 'CALL_CLOSED', 'A closed call no longer changes'),
  deadlinePassed: (closesAt: Date) =>
    new DomainError('CONFLICT', 'DEADLINE_PASSED', `The last deadline (${closesAt.toISOString()}) has passed: the call cannot be published`, {
      closesAt: closesAt.toISOString(),
    }),
  callNotPublished: (status: string) =>
    new DomainError('CONFLICT', 'CALL_NOT_PUBLISHED', `Only published calls are announced on the website (this one is ${status})`, { status }),
  alreadyAnnounced: (contentId: string) =>
    new DomainError('CONFLICT', 'ALREADY_ANNOUNCED', 'The call has been announced on the website already', { contentId }),

  // Subscriptions
  subscriptionEmpty: () =>
    new DomainError('BAD_USER_INPUT', 'SUBSCRIPTION_EMPTY', 'Name at least one field or programme to subscribe to', { field: 'fields' }),
  notSubscribed: () => new DomainError('NOT_FOUND', 'NOT_SUBSCRIBED', 'You have no subscription to research calls'),

  // Support requests
  callChoice: () =>
    new DomainError('BAD_USER_INPUT', 'CALL_REQUIRED', 'Name one call: a followed call (callId) or another call in words (externalCall), not both', {
      field: 'callId',
    }),
  callNotOpen: () => new DomainError('BAD_USER_INPUT', 'CALL_NOT_AVAILABLE', 'The call is not published', { field: 'callId' }),
  deadlineRequired: () => new DomainError('BAD_USER_INPUT', 'DEADLINE_REQUIRED', 'Give the proposal’s deadline', { field: 'deadline' }),
  deadlineInPast: () => new DomainError('BAD_USER_INPUT', 'DEADLINE_IN_PAST', 'The proposal’s deadline has passed', { field: 'deadline' }),
  unitNotHome: () => new DomainError('BAD_USER_INPUT', 'UNIT_NOT_HOME', 'The unit is not one of the university’s units', { field: 'unitId' }),
  institutionsNotFound: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'INSTITUTION_NOT_FOUND', 'Some institutions are not in the directory', { field }),
  duplicateHelp: () => new DomainError('BAD_USER_INPUT', 'DUPLICATE_HELP', 'Each kind of help is named once', { field: 'helpNeeded' }),
  invalidTransition: (from: string, to: string, allowed: string[]) =>
    new DomainError('CONFLICT', 'INVALID_TRANSITION', `A support request cannot go from ${from} to ${to}`, { from, to, allowed }),
  notStaff: (subject: string) =>
    new DomainError('BAD_USER_INPUT', 'NOT_STAFF', `${subject} is not a member of the office (STAFF or ADMIN account)`, { field: 'staffSubject' }),
  requestClosed: (status: string) => new DomainError('CONFLICT', 'REQUEST_CLOSED', `The request is ${status}`, { status }),
  researcherNoteInternal: () =>
    new DomainError('FORBIDDEN', 'FORBIDDEN', 'Internal notes are the office’s; researchers write messages (internal: false)'),

  // Projects
  grantNumberTaken: (value: string) =>
    new DomainError('CONFLICT', 'GRANT_AGREEMENT_NUMBER_TAKEN', `A project with grant agreement ${value} exists already`, {
      field: 'grantAgreementNumber',
      value,
    }),
  invalidDates: () => new DomainError('BAD_USER_INPUT', 'INVALID_DATES', 'The project ends after it starts', { field: 'endDate' }),
  tooManyCoordinators: () =>
    new DomainError('BAD_USER_INPUT', 'ONE_COORDINATOR', 'A project has one coordinator: the university (ourRole COORDINATOR) or one partner', {
      field: 'partners',
    }),
  duplicatePartner: (field: string) => new DomainError('BAD_USER_INPUT', 'DUPLICATE_PARTNER', 'A partner is listed twice', { field }),
  homeAsPartner: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'HOME_AS_PARTNER', 'The university is the project’s own side (ourRole), not one of its partners', { field }),
  requestAlreadyLinked: () =>
    new DomainError('CONFLICT', 'REQUEST_ALREADY_LINKED', 'Another project came from this support request already', { field: 'supportRequestId' }),
};
