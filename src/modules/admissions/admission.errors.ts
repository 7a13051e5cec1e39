import { DomainError } from '../../platform/errors/domain-error';

/** The admissions module's own error codes (sent as `extensions.reason`). */
export const AdmissionErrors = {
  // Exams
  examCodeTaken: (code: string) => new DomainError('CONFLICT', 'EXAM_CODE_TAKEN', `An exam ${code} exists already`, { field: 'code', examCode: code }),
  examNotFound: (field: string, code: string) => new DomainError('NOT_FOUND', 'EXAM_NOT_FOUND', `There is no admission exam ${code}`, { field, value: code }),
  invalidScale: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_CONVERSION', message, { field }),
  languageRequired: () =>
    new DomainError('BAD_USER_INPUT', 'LANGUAGE_REQUIRED', 'A LANGUAGE certificate names the language it certifies', { field: 'language' }),
  examInUse: (code: string) =>
    new DomainError('CONFLICT', 'EXAM_IN_USE', `Applications carry ${code} scores: its scale can no longer change (its conversion can)`, { field: 'scaleMin', examCode: code }),

  // Calls
  unitNotHome: (field: string) => new DomainError('BAD_USER_INPUT', 'UNIT_NOT_HOME', 'The unit is not one of the home institution’s units', { field }),
  invalidWindow: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_WINDOW', message, { field }),
  examKindMismatch: (field: string, code: string, kind: string) =>
    new DomainError('BAD_USER_INPUT', 'EXAM_KIND_MISMATCH', `${code} is not a${kind === 'ENTRANCE' ? 'n entrance exam' : ' language certificate'}`, { field, value: code }),
  examInactive: (field: string, code: string) => new DomainError('BAD_USER_INPUT', 'EXAM_INACTIVE', `${code} is no longer accepted by new calls`, { field, value: code }),
  duplicateExam: (field: string, code: string) => new DomainError('BAD_USER_INPUT', 'DUPLICATE_EXAM', `${code} is listed twice`, { field, value: code }),
  minimumOutOfScale: (field: string, code: string, min: number, max: number) =>
    new DomainError('BAD_USER_INPUT', 'MINIMUM_OUT_OF_SCALE', `The minimum is outside the ${code} scale ${min}–${max}`, { field, scaleMin: min, scaleMax: max }),
  languageMismatch: (field: string, code: string, language: string | undefined, wanted: string) =>
    new DomainError('BAD_USER_INPUT', 'LANGUAGE_MISMATCH', `${code} certifies ${language ?? 'no language'}, not the language of instruction (${wanted})`, { field, value: code }),
  duplicateDocument: (field: string, code: string) => new DomainError('BAD_USER_INPUT', 'DUPLICATE_DOCUMENT', `${code} is listed twice`, { field, value: code }),
  invalidCallTransition: (from: string, to: string) =>
    new DomainError('CONFLICT', 'INVALID_CALL_TRANSITION', `A call cannot go from ${from} to ${to}`, { from, to }),
  callHasApplications: (field: string) =>
    new DomainError('CONFLICT', 'CALL_HAS_APPLICATIONS', `${field} cannot change once the call has applications`, { field }),
  resultsPublished: (field?: string) =>
    new DomainError('CONFLICT', 'RESULTS_PUBLISHED', 'The results of this call are published; they no longer change', field ? { field } : {}),
  callStillOpen: (closesAt: Date) =>
    new DomainError('CONFLICT', 'CALL_STILL_OPEN', `The call takes applications until ${closesAt.toISOString()}`, { closesAt: closesAt.toISOString() }),
  callNotClosed: (status: string) => new DomainError('CONFLICT', 'CALL_NOT_CLOSED', `Close the call before evaluating it (it is ${status})`, { status }),
  verificationPending: (numbers: string[]) =>
    new DomainError('CONFLICT', 'VERIFICATION_PENDING', `${numbers.length} submitted application(s) still wait for document verification`, {
      numbers: numbers.slice(0, 20),
      count: numbers.length,
    }),
  notEvaluated: () => new DomainError('CONFLICT', 'NOT_EVALUATED', 'Evaluate the call before publishing its results'),
  resultsNotPublished: () => new DomainError('CONFLICT', 'RESULTS_NOT_PUBLISHED', 'The results of this call are not published yet'),

  // Applications
  applicantOnly: () => new DomainError('FORBIDDEN', 'APPLICANTS_ONLY', 'Only applicants (role APPLICANT) apply for admission'),
  callNotOpen: (opensAt: Date) =>
    new DomainError('CONFLICT', 'CALL_NOT_OPEN', `The call does not take applications yet (it opens at ${opensAt.toISOString()})`, {
      field: 'callId',
      opensAt: opensAt.toISOString(),
    }),
  callClosed: (closesAt: Date) =>
    new DomainError('CONFLICT', 'CALL_CLOSED', `The call closed at ${closesAt.toISOString()}`, { field: 'callId', closesAt: closesAt.toISOString() }),
  duplicateApplication: (existingId: string | null) =>
    new DomainError('CONFLICT', 'DUPLICATE_APPLICATION', 'You already have an application to this call', {
      field: 'callId',
      ...(existingId ? { applicationId: existingId } : {}),
    }),
  examNotAccepted: (field: string, code: string, accepted: string[]) =>
    new DomainError('BAD_USER_INPUT', 'EXAM_NOT_ACCEPTED', `The call does not accept ${code}`, { field, value: code, accepted }),
  scoreOutOfScale: (field: string, code: string, min: number, max: number) =>
    new DomainError('BAD_USER_INPUT', 'SCORE_OUT_OF_SCALE', `A ${code} score is between ${min} and ${max}`, { field, scaleMin: min, scaleMax: max }),
  scoreWithoutExam: (field: string) => new DomainError('BAD_USER_INPUT', 'EXAM_REQUIRED', 'A score needs its exam code, and an exam its score', { field }),
  certificateNotAccepted: (code: string, accepted: string[]) =>
    new DomainError('BAD_USER_INPUT', 'CERTIFICATE_NOT_ACCEPTED', `The call does not accept ${code} as proof of language proficiency`, {
      field: 'languageCertificate.code',
      value: code,
      accepted,
    }),
  documentNotRequired: (field: string, code: string, required: string[]) =>
    new DomainError('BAD_USER_INPUT', 'DOCUMENT_NOT_REQUIRED', `The call asks for no ${code} document`, { field, value: code, required }),
  notEditable: (status: string) =>
    new DomainError('CONFLICT', 'NOT_EDITABLE', `A ${status} application cannot be edited (drafts and incomplete ones can)`, { field: 'id', status }),
  examRequired: () => new DomainError('BAD_USER_INPUT', 'EXAM_REQUIRED', 'Give your exam and score before submitting', { field: 'examCode' }),
  documentsMissing: (missing: string[]) =>
    new DomainError('BAD_USER_INPUT', 'DOCUMENTS_MISSING', `Documents missing: ${missing.join(', ')}`, { field: 'documents', missing }),
  documentsRejected: (rejected: string[]) =>
    new DomainError('BAD_USER_INPUT', 'DOCUMENTS_REJECTED', `Replace the rejected documents first: ${rejected.join(', ')}`, { field: 'documents', rejected }),
  invalidTransition: (from: string, to: string, allowed: string[]) =>
    new DomainError('CONFLICT', 'INVALID_TRANSITION', `An application cannot go from ${from} to ${to}`, { from, to, allowed }),
  reasonRequired: () => new DomainError('BAD_USER_INPUT', 'REASON_REQUIRED', 'Give a reason for this step', { field: 'reason' }),
  noteRequired: () => new DomainError('BAD_USER_INPUT', 'NOTE_REQUIRED', 'Say why the document is rejected', { field: 'note' }),
  notUnderVerification: (status: string) =>
    new DomainError('CONFLICT', 'NOT_UNDER_VERIFICATION', `Documents are checked on submitted applications (this one is ${status})`, { status }),
  documentNotGiven: (code: string) => new DomainError('CONFLICT', 'DOCUMENT_NOT_GIVEN', `The applicant gave no ${code} document`, { field: 'code', value: code }),
  enrolmentDeadlinePassed: (deadline: Date) =>
    new DomainError('CONFLICT', 'ENROLMENT_DEADLINE_PASSED', `The enrolment deadline was ${deadline.toISOString()}`, { enrolmentDeadline: deadline.toISOString() }),
  invalidCursor: () => new DomainError('BAD_USER_INPUT', 'INVALID_CURSOR', 'after is not a cursor of admissionEvents', { field: 'after' }),
};
