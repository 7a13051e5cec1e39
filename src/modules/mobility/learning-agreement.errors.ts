import { DomainError } from '../../platform/errors/domain-error';

/** Error codes of learning agreements and the home course catalogue (sent as `extensions.reason`). */
export const LaErrors = {
  wrongStatus: (status: string) =>
    new DomainError('CONFLICT', 'LA_NOT_OPEN', `A learning agreement is agreed while the mobility is NOMINATED, ACCEPTED or LIVE, not ${status}`, {
      field: 'applicationId',
      status,
    }),
  notStudentMobility: (mobilityType: string) =>
    new DomainError('CONFLICT', 'LA_NOT_FOR_STAFF', `A ${mobilityType} mobility has a mobility agreement, not a learning agreement`, {
      field: 'applicationId',
      mobilityType,
    }),
  firstVersionApproved: () =>
    new DomainError('CONFLICT', 'FIRST_VERSION_APPROVED', 'The first version is approved: propose a change with proposeLearningAgreementChange', {
      field: 'applicationId',
    }),
  noApprovedVersion: () =>
    new DomainError('CONFLICT', 'NO_APPROVED_VERSION', 'A change needs an approved version to change; propose and sign the first version first', {
      field: 'learningAgreementId',
    }),
  versionNotFound: (number: number) =>
    new DomainError('NOT_FOUND', 'LA_VERSION_NOT_FOUND', `The learning agreement has no version ${number}`, { field: 'versionNumber', versionNumber: number }),
  versionNotPending: (number: number, state: string) =>
    new DomainError('CONFLICT', 'LA_VERSION_NOT_PENDING', `Version ${number} is ${state}; only a proposed version is signed or rejected`, {
      field: 'versionNumber',
      versionNumber: number,
      state,
    }),
  alreadySigned: (party: string) =>
    new DomainError('CONFLICT', 'ALREADY_SIGNED', `The ${party.toLowerCase()} party has already signed this version`, { field: 'party', party }),
  partyNotYours: (party: string, who: string) => new DomainError('FORBIDDEN', 'NOT_YOUR_PARTY', `Only ${who} signs or rejects for the ${party} party`, { field: 'party', party }),
  signerRequired: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'SIGNER_DETAILS_REQUIRED', `An institution’s signature needs ${field} (EWP requires the signer’s name, position and e-mail)`, { field }),
  emptyChange: () =>
    new DomainError('BAD_USER_INPUT', 'EMPTY_CHANGE', 'A change proposal inserts or deletes at least one component', { field: 'insert' }),
  invalidReason: (field: string, reason: string, allowed: readonly string[]) =>
    new DomainError('BAD_USER_INPUT', 'INVALID_REASON', `${reason} is not a reason for this change; use one of ${allowed.join(', ')}`, { field, allowed }),
  reasonTextRequired: (field: string) => new DomainError('BAD_USER_INPUT', 'REASON_TEXT_REQUIRED', 'The reason OTHER needs a reasonText', { field }),
  unknownComponent: (field: string, componentId: string) =>
    new DomainError('BAD_USER_INPUT', 'UNKNOWN_COMPONENT', `No component ${componentId} in the approved version`, { field, componentId }),
  duplicateComponent: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'DUPLICATE_COMPONENT', 'The same component is deleted twice', { field }),
  termRequired: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'TERM_REQUIRED', 'Table A and B components name their term (termNumber of totalTerms), as EWP requires', { field }),
  invalidTerm: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'INVALID_TERM', 'termNumber must be between 1 and totalTerms', { field }),
  descriptionRequired: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'DESCRIPTION_REQUIRED', 'A virtual component (Table C) needs a short description in note', { field }),
  titleRequired: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'TITLE_REQUIRED', 'A component needs a title (or, in Table B, a homeCourseId to take it from)', { field }),
  homeCourseOnlyTableB: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'HOME_COURSE_ONLY_TABLE_B', 'Only Table B components (recognised at home) name a home course', { field }),
  homeCourseUnavailable: (field: string) =>
    new DomainError('BAD_USER_INPUT', 'HOME_COURSE_UNAVAILABLE', 'The home course does not exist or is no longer in the catalogue', { field }),
  invalidCatalogue: (problems: CatalogueProblem[], total: number) =>
    new DomainError(
      'BAD_USER_INPUT',
      'INVALID_CATALOGUE',
      `The catalogue has ${total} problem(s); nothing was imported. First: ${problems
        .slice(0, 3)
        .map((p) => `line ${p.line} ${p.field}: ${p.message}`)
        .join('; ')}`,
      { field: 'csv', problems, problemCount: total },
    ),
  catalogueTooLarge: (what: string) => new DomainError('BAD_USER_INPUT', 'CATALOGUE_TOO_LARGE', `The catalogue is too large: ${what}`, { field: 'csv' }),
  missingHeiId: (institutionId: string, officialName: string) =>
    new DomainError('CONFLICT', 'EWP_MISSING_HEI_ID', `${officialName} has no SCHAC code, its EWP hei-id: add one before exporting the learning agreement`, {
      institutionId,
      institution: officialName,
    }),
  notExportable: (message: string, field?: string) =>
    new DomainError('CONFLICT', 'EWP_NOT_EXPORTABLE', `This learning agreement cannot be written as an EWP document: ${message}`, field ? { field } : {}),
};

/** One bad line of a catalogue CSV: where, which column, which rule. */
export interface CatalogueProblem {
  line: number;
  field: string;
  code: string;
  message: string;
}
