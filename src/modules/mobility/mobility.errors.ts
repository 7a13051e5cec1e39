import { DomainError } from '../../platform/errors/domain-error';

/** The mobility module's own error codes (sent as `extensions.reason`). */
export const MobilityErrors = {
  programmeDisabled: (code: string) =>
    new DomainError('CONFLICT', 'PROGRAMME_DISABLED', `The programme ${code} is disabled; it takes no new calls or applications`, { field: 'programme', programme: code }),
  noRuleSet: (code: string, academicYear: string, category: string) =>
    new DomainError('CONFLICT', 'NO_RULE_SET', `The programme ${code} has no ${category} rules for ${academicYear}; set them first`, {
      academicYear,
      category,
    }),
  invalidRules: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_RULES', message, { field }),
  callNotOpen: (opensAt: Date) =>
    new DomainError('CONFLICT', 'CALL_NOT_OPEN', `The call opens at ${opensAt.toISOString()}`, { field: 'callId', opensAt: opensAt.toISOString() }),
  callClosed: (closesAt: Date) =>
    new DomainError('CONFLICT', 'CALL_CLOSED', `The call closed at ${closesAt.toISOString()}`, { field: 'callId', closesAt: closesAt.toISOString() }),
  callStillOpen: (closesAt: Date) =>
    new DomainError('CONFLICT', 'CALL_STILL_OPEN', `The call takes applications until ${closesAt.toISOString()}; evaluate it after that`, {
      closesAt: closesAt.toISOString(),
    }),
  callNotPublished: () => new DomainError('CONFLICT', 'CALL_NOT_PUBLISHED', 'The call is not published yet', { field: 'callId' }),
  callHasApplications: (field: string) =>
    new DomainError('CONFLICT', 'CALL_HAS_APPLICATIONS', `${field} cannot change once the call has applications`, { field }),
  invalidWindow: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_WINDOW', message, { field }),
  categoryMismatch: (mobilityType: string, category: string) =>
    new DomainError('BAD_USER_INPUT', 'CATEGORY_MISMATCH', `${mobilityType} is not a ${category} mobility type`, { field: 'mobilityType' }),
  unitNotHome: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'UNIT_NOT_HOME', 'The unit is not one of the home institution’s units', { field }),
  duplicateQuota: (field: string) => new DomainError('BAD_USER_INPUT', 'DUPLICATE_QUOTA', 'Two quotas name the same unit and ISCED field', { field }),
  placeNotInCall: (field: string) => new DomainError('BAD_USER_INPUT', 'PLACE_NOT_IN_CALL', 'The place is not one of this call’s places', { field }),
  placeNotForApplicant: (field: string, why: string) =>
    new DomainError('BAD_USER_INPUT', 'PLACE_NOT_FOR_APPLICANT', `The place is not open to this applicant: ${why}`, { field }),
  duplicatePreference: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'DUPLICATE_PREFERENCE', 'A place appears twice among the preferences', { field }),
  tooManyPreferences: (max: number) =>
    new DomainError('BAD_USER_INPUT', 'TOO_MANY_PREFERENCES', `The call allows at most ${max} preferences`, { field: 'preferences', max }),
  unknownFact: (field: string, code: string, known: string[]) =>
    new DomainError('BAD_USER_INPUT', 'UNKNOWN_FACT', `${code} is not a fact this programme gives points for`, { field, known }),
  duplicateApplication: (existingId: string | null) =>
    new DomainError('CONFLICT', 'DUPLICATE_APPLICATION', 'You already have an application to this call', {
      field: 'callId',
      ...(existingId ? { applicationId: existingId } : {}),
    }),
  notEditable: (status: string) =>
    new DomainError('CONFLICT', 'NOT_EDITABLE', `A ${status} application can no longer be edited`, { field: 'id', status }),
  invalidTransition: (from: string, to: string, allowed: string[]) =>
    new DomainError('CONFLICT', 'INVALID_TRANSITION', `An application cannot go from ${from} to ${to}`, { field: 'to', from, to, allowed }),
  reasonRequired: () => new DomainError('BAD_USER_INPUT', 'REASON_REQUIRED', 'Give a reason for this step', { field: 'reason' }),
  waiverDeadlinePassed: (deadline: Date) =>
    new DomainError('CONFLICT', 'WAIVER_DEADLINE_PASSED', `The waiver period ended at ${deadline.toISOString()}; withdraw instead`, {
      waiverDeadline: deadline.toISOString(),
    }),
  notEvaluated: () => new DomainError('CONFLICT', 'NOT_EVALUATED', 'Evaluate the call (eligibility and scores) before placement'),
  selectionAlreadyRun: () => new DomainError('CONFLICT', 'SELECTION_ALREADY_RUN', 'The placement of this call has already run'),
  placementNotRun: () => new DomainError('CONFLICT', 'PLACEMENT_NOT_RUN', 'Run the placement before publishing the results'),
  resultsNotPublished: () => new DomainError('NOT_FOUND', 'RESULTS_NOT_PUBLISHED', 'The results of this call are not published', { field: 'callId' }),
  studentFieldsRequired: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'STUDENT_DETAILS_REQUIRED', `A student application needs ${field}`, { field }),
  invalidCapacity: (message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_CAPACITY', message, { field: 'capacity' }),
  invalidCursor: () => new DomainError('BAD_USER_INPUT', 'INVALID_CURSOR', 'after is not a cursor of applicationEvents', { field: 'after' }),
};
