import { DomainError } from '../../platform/errors/domain-error';

/** The National Agency projects module's own error codes (sent as `extensions.reason`). */
export const ProjectErrors = {
  invalidAcademicYear: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'INVALID_ACADEMIC_YEAR', `${field} must be an academic year of two consecutive years, e.g. 2027/2028`, { field }),
  /** Student types count months, staff types days. */
  durationMismatch: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'DURATION_MISMATCH', message, { field }),
  notAHomeUnit: (field: string) => new DomainError('BAD_USER_INPUT', 'NOT_A_HOME_UNIT', 'Quota requests come from faculties and departments of the university', { field }),
  unitNotFound: (field: string, id: string) => new DomainError('NOT_FOUND', 'ORGANISATIONAL_UNIT_NOT_FOUND', `Organisational unit ${id} was not found`, { field, id }),
  quotaRequestExists: (id: string | null) =>
    new DomainError('CONFLICT', 'QUOTA_REQUEST_EXISTS', 'The unit already asked for this activity type and year: change that request', {
      field: 'mobilityType',
      ...(id ? { quotaRequestId: id } : {}),
    }),
  quotaRequestLocked: (status: string) =>
    new DomainError('CONFLICT', 'QUOTA_REQUEST_LOCKED', `The request is ${status}: only a SUBMITTED request is changed or withdrawn`, { field: 'id', status }),
  invalidTransition: (what: string, from: string, to: string, allowed: string[]) =>
    new DomainError('CONFLICT', 'INVALID_TRANSITION', `A ${what} cannot go from ${from} to ${to}`, { field: 'to', from, to, allowed }),
  naCallHasProposal: () => new DomainError('CONFLICT', 'NA_CALL_HAS_PROPOSAL', 'The call has a proposal or a contract: it stays on record', { field: 'id' }),
  proposalExists: (id: string | null) =>
    new DomainError('CONFLICT', 'PROPOSAL_EXISTS', 'The call already has a proposal', { field: 'naCallId', ...(id ? { proposalId: id } : {}) }),
  proposalNotDraft: (status: string) =>
    new DomainError('CONFLICT', 'PROPOSAL_NOT_DRAFT', `The proposal is ${status}: only a draft is changed`, { field: 'proposalId', status }),
  proposalWithoutLines: () => new DomainError('CONFLICT', 'PROPOSAL_WITHOUT_LINES', 'A proposal is submitted with at least one line', { field: 'to' }),
  decisionDateRequired: () => new DomainError('BAD_USER_INPUT', 'DECISION_DATE_REQUIRED', 'The Agency’s decision needs its date', { field: 'decisionDate' }),
  noQuotaRequests: (academicYear: string) =>
    new DomainError('CONFLICT', 'NO_QUOTA_REQUESTS', `No submitted quota request for ${academicYear}`, { field: 'academicYear', academicYear }),
  duplicateLine: (field: string, code: string) => new DomainError('BAD_USER_INPUT', 'DUPLICATE_LINE', `${code} is given twice`, { field, lineCode: code }),
  invalidLine: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_LINE', message, { field }),
  invalidPeriod: () => new DomainError('BAD_USER_INPUT', 'INVALID_PERIOD', 'periodEnd is before periodStart', { field: 'periodEnd' }),
  contractNumberTaken: () =>
    new DomainError('CONFLICT', 'CONTRACT_NUMBER_TAKEN', 'A grant contract with this number is already recorded', { field: 'number' }),
  proposalNotApproved: (status: string) =>
    new DomainError('CONFLICT', 'PROPOSAL_NOT_APPROVED', `The proposal is ${status}: a contract follows an approved proposal`, { field: 'proposalId', status }),
  contractClosed: () => new DomainError('CONFLICT', 'CONTRACT_CLOSED', 'The contract is closed', { field: 'contractId' }),
  finalReportNotAccepted: () =>
    new DomainError('CONFLICT', 'FINAL_REPORT_NOT_ACCEPTED', 'A contract is closed once the Agency has accepted its final report', { field: 'status' }),
  amendmentExists: (number: string) =>
    new DomainError('CONFLICT', 'AMENDMENT_EXISTS', `Amendment ${number} is already recorded for this contract`, { field: 'number' }),
  /** An amendment may not award a line less than has already been paid from it. */
  awardBelowPaid: (field: string, lineCode: string, paid: string, awarded: string) =>
    new DomainError('CONFLICT', 'AWARD_BELOW_PAID', `${lineCode}: ${paid} € is already paid from this line, more than the ${awarded} € the amendment awards`, {
      field,
      lineCode,
      paid,
      awarded,
    }),
  notASpendingLine: (code: string) =>
    new DomainError('CONFLICT', 'NOT_A_SPENDING_LINE', `${code} follows the mobilities’ grants: spending is recorded on contract-wide lines only`, {
      field: 'lineId',
      lineCode: code,
    }),
  reportExists: (kind: string) => new DomainError('CONFLICT', 'REPORT_EXISTS', `The contract already has its ${kind} report`, { field: 'kind' }),
  reportLocked: (status: string) =>
    new DomainError('CONFLICT', 'REPORT_LOCKED', `The report is ${status}: what was sent is not changed`, { field: 'id', status }),
  outOfRange: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'OUT_OF_RANGE', message, { field }),
};
