import { DomainError } from '../../platform/errors/domain-error';

/** Intake's error codes (nominations, the nominee's application, decisions, learning agreements), as `extensions.reason`. */
export const IntakeErrors = {
  unknownInstitution: (field: string, identifier: string) =>
    new DomainError('BAD_USER_INPUT', 'UNKNOWN_INSTITUTION', `No institution of the directory has the identifier ${identifier}`, { field }),
  homeAsPartner: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'SENDING_IS_HOME', 'The sending institution is the home institution: this is not an incoming mobility', { field }),
  receivingNotHome: (field: string, heiId: string) =>
    new DomainError('BAD_USER_INPUT', 'RECEIVING_NOT_HOME', `${heiId} is not the home institution's hei-id`, { field }),
  unknownUnit: (field: string, code: string) => new DomainError('BAD_USER_INPUT', 'UNKNOWN_UNIT', `${code} is not a unit of the home institution`, { field }),
  hostUnitRequired: () =>
    new DomainError('BAD_USER_INPUT', 'HOST_UNIT_REQUIRED', 'Name the host unit: no single unit of ours follows from the agreement', { field: 'receivingOunitCode' }),
  unknownAgreement: (field: string) => new DomainError('BAD_USER_INPUT', 'UNKNOWN_AGREEMENT', 'No agreement has this id or reference', { field }),
  studyLevelForStaff: (field = 'studyLevel') =>
    new DomainError('BAD_USER_INPUT', 'STUDY_LEVEL_FOR_STAFF', 'Staff visits (STA, STT) have no study level', { field }),
  studyLevelRequired: (field = 'studyLevel') =>
    new DomainError('BAD_USER_INPUT', 'STUDY_LEVEL_REQUIRED', 'Student mobilities (SMS, SMT) need the study level', { field }),
  nominationDeadlinePassed: (academicYear: string, term: string, deadline: string) =>
    new DomainError('CONFLICT', 'NOMINATION_DEADLINE_PASSED', `Nominations for ${academicYear} ${term} closed on ${deadline}`, {
      field: 'academicYear',
      academicYear,
      term,
      deadline,
    }),
  applicationDeadlinePassed: (deadline: string) =>
    new DomainError('CONFLICT', 'APPLICATION_DEADLINE_PASSED', `Applications closed on ${deadline}`, { deadline }),
  invalidDeadlines: () =>
    new DomainError('BAD_USER_INPUT', 'INVALID_DEADLINES', 'The application deadline cannot be before the nomination deadline', { field: 'applicationDeadline' }),
  invalidDates: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_DATES', message, { field }),
  /** The same answer for an unknown number, a wrong code and a code already used: numbers cannot be probed. */
  invalidInvitation: () =>
    new DomainError('BAD_USER_INPUT', 'INVALID_INVITATION', 'The nomination number and invitation code do not match an open invitation', { field: 'invitationCode' }),
  notEditable: (status: string) =>
    new DomainError('CONFLICT', 'APPLICATION_NOT_EDITABLE', `The application cannot be changed while ${status} (only when nominated or when information is requested)`, {
      field: 'id',
      status,
    }),
  applicationIncomplete: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'APPLICATION_INCOMPLETE', message, { field }),
  courseNotOffered: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'COURSE_NOT_OFFERED', 'The course is not an active course of our catalogue', { field }),
  duplicateCourse: (field: string) => new DomainError('BAD_USER_INPUT', 'DUPLICATE_COURSE', 'A course appears twice', { field }),
  issuesNotAcknowledged: (codes: string[]) =>
    new DomainError('CONFLICT', 'NOMINATION_ISSUES_UNACKNOWLEDGED', `The nomination does not fit the agreement (${codes.join(', ')}): the office acknowledges it first`, {
      codes,
    }),
  noIssues: () => new DomainError('CONFLICT', 'NO_NOMINATION_ISSUES', 'The nomination has no issues to acknowledge'),
  studentMustApply: () =>
    new DomainError('CONFLICT', 'APPLICATION_REQUIRED', 'Students are accepted on their submitted application; only staff visits are accepted from the nomination', {
      field: 'decision',
    }),
  noteRequired: (decision: string) =>
    new DomainError('BAD_USER_INPUT', 'NOTE_REQUIRED', decision === 'REJECT' ? 'Say why the nomination is rejected (note)' : 'Say what is needed (note)', {
      field: 'note',
    }),
  notAccepted: (status: string) =>
    new DomainError('CONFLICT', 'NOT_ACCEPTED', `There is no acceptance letter: the mobility is ${status}`, { status }),
  laNotForType: (mobilityType: string) =>
    new DomainError('CONFLICT', 'LA_NOT_FOR_MOBILITY_TYPE', `${mobilityType} mobilities have no learning agreement of study (SMS only)`, { mobilityType }),
  laNotOpen: (status: string) => new DomainError('CONFLICT', 'LA_NOT_OPEN', `No learning agreement proposals while the mobility is ${status}`, { status }),
  laComponent: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_COMPONENT', message, { field }),
  laProposalNotFound: (revision: number) =>
    new DomainError('NOT_FOUND', 'LA_PROPOSAL_NOT_FOUND', `There is no proposal ${revision}`, { field: 'revision' }),
  laAlreadyAnswered: (revision: number, decision: string) =>
    new DomainError('CONFLICT', 'LA_ALREADY_ANSWERED', `Proposal ${revision} was already answered (${decision})`, { field: 'revision', decision }),
  laSuperseded: (revision: number) => new DomainError('CONFLICT', 'LA_SUPERSEDED', `Proposal ${revision} was superseded by a later one`, { field: 'revision' }),
  signerRequired: (field: string) => new DomainError('BAD_USER_INPUT', 'SIGNER_REQUIRED', 'An approval names its signer and their position', { field }),
  commentRequired: () => new DomainError('BAD_USER_INPUT', 'COMMENT_REQUIRED', 'Say what should change (comment)', { field: 'comment' }),
  csvTooLarge: (what: string) => new DomainError('BAD_USER_INPUT', 'CSV_TOO_LARGE', `The file is too large: ${what}`, { field: 'csv' }),
};
