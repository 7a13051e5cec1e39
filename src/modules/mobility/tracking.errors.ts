import { DomainError } from '../../platform/errors/domain-error';

/**
 * Error codes of mobility tracking, return documents, transcripts, grade conversion and recognition (sent as
 * `extensions.reason`; `extensions.code` is the GraphQL class).
 */
export const TrackingErrors = {
  invalidDate: (field: string, value: string) =>
    new DomainError('BAD_USER_INPUT', 'INVALID_DATE', `${field} must be a calendar date written YYYY-MM-DD (got "${value}")`, { field }),
  startAfterEnd: (field: string, start: string, end: string) =>
    new DomainError('BAD_USER_INPUT', 'START_AFTER_END', `The first day (${start}) is after the last day (${end})`, { field, start, end }),
  datesLocked: (status: string, allowed: string[]) =>
    new DomainError('CONFLICT', 'DATES_LOCKED', `The planned dates of a ${status} mobility can no longer be changed here`, { field: 'applicationId', status, allowed }),
  plannedDatesRequired: () =>
    new DomainError('CONFLICT', 'PLANNED_DATES_REQUIRED', 'Set the planned dates first: the return documents fall due relative to the planned end', {
      field: 'applicationId',
    }),
  noArrival: () => new DomainError('CONFLICT', 'NO_ARRIVAL', 'The arrival has not been confirmed', { field: 'applicationId' }),
  documentNotRequired: (kind: string) =>
    new DomainError('BAD_USER_INPUT', 'DOCUMENT_NOT_REQUIRED', `${kind} is not a return document of this mobility`, { field: 'kind', kind }),
  notOwnDocument: (kind: string) =>
    new DomainError('FORBIDDEN', 'FORBIDDEN', `Only the office records the ${kind}; students record their participant report and language assessment`, {
      field: 'kind',
    }),
  onlyOffice: (what: string) => new DomainError('FORBIDDEN', 'FORBIDDEN', `${what} is the office’s (or the unit coordinator’s) work`),
  // Grade conversion tables
  noConversionRule: () =>
    new DomainError('BAD_USER_INPUT', 'NO_CONVERSION_RULE', 'A conversion table needs both grade distributions or a direct mapping', { field: 'hostScale' }),
  invalidScale: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_SCALE', message, { field }),
  invalidMapping: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_MAPPING', message, { field }),
  conversionTableExists: (existingId: string) =>
    new DomainError('CONFLICT', 'CONVERSION_TABLE_EXISTS', 'A conversion table for this partner and field exists already: update that one', {
      field: 'iscedCode',
      existingId,
    }),
  notAPartner: (field: string) => new DomainError('BAD_USER_INPUT', 'NOT_A_PARTNER', 'The partner must be an institution other than the home institution', { field }),
  // Transcripts
  transcriptNotOpen: (status: string) =>
    new DomainError('CONFLICT', 'TRANSCRIPT_NOT_OPEN', `A transcript is recorded once the mobility is live, until it is recognised (now ${status})`, {
      field: 'applicationId',
      status,
    }),
  noConversionTable: () =>
    new DomainError('CONFLICT', 'NO_CONVERSION_TABLE', 'No grade conversion table applies to this partner and field (and there is no default table)', {
      field: 'applicationId',
    }),
  unknownHostGrade: (field: string, grade: string, known: string[], table: string) =>
    new DomainError('BAD_USER_INPUT', 'UNKNOWN_HOST_GRADE', `The host grade ${grade} is not in the conversion table "${table}"`, { field, grade, known, table }),
  // Components of the learning agreement
  noApprovedLearningAgreement: () =>
    new DomainError('CONFLICT', 'NO_APPROVED_LEARNING_AGREEMENT', 'The mobility has no approved learning agreement', { field: 'applicationId' }),
  unknownComponent: (field: string, componentId: string, table: string) =>
    new DomainError('BAD_USER_INPUT', 'UNKNOWN_COMPONENT', `${componentId} is not a Table ${table} component of the learning agreement in force`, {
      field,
      componentId,
    }),
  // Recognition
  recognitionNotOpen: (status: string) =>
    new DomainError('CONFLICT', 'RECOGNITION_NOT_OPEN', `Recognition is recorded for a live or completed mobility (now ${status})`, { field: 'applicationId', status }),
  duplicateDecision: (field: string) => new DomainError('BAD_USER_INPUT', 'DUPLICATE_DECISION', 'Two decisions name the same component', { field }),
  ectsExceedComponent: (field: string, ects: number, max: number) =>
    new DomainError('BAD_USER_INPUT', 'ECTS_EXCEED_COMPONENT', `${ects} ECTS is more than the component's ${max}`, { field, max }),
  notRecognisedWithEcts: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'INVALID_DECISION', 'A component not recognised carries no recognised ECTS', { field }),
  recognitionIncomplete: (missing: string[]) =>
    new DomainError('CONFLICT', 'RECOGNITION_INCOMPLETE', `Decide every Table B component before completing (missing: ${missing.join(', ')})`, {
      field: 'complete',
      missing,
    }),
};
