import { DomainError } from '../../platform/errors/domain-error';

/** The longest grant contract number accepted (as `grantContractNumber` on a call: 1–60 characters). */
export const MAX_CONTRACT_NUMBER_LENGTH = 60;

/** National Agency reporting's own error codes (sent as `extensions.reason`, or `error.reason` by the download routes). */
export const ReportingErrors = {
  /** Empty, blank, longer than 60 characters, or with control characters. */
  invalidContractNumber: (field: string, message: string) =>
    new DomainError('BAD_USER_INPUT', 'INVALID_CONTRACT_NUMBER', message, { field }),
  /** A download in a format other than csv or xlsx. */
  unsupportedFormat: (field: string, format: string) =>
    new DomainError('BAD_USER_INPUT', 'UNSUPPORTED_FORMAT', `${format ? `"${format.slice(0, 20)}" is not a format of this export` : 'No format given'}: csv or xlsx`, {
      field,
      supported: ['csv', 'xlsx'],
    }),
  /** A download parameter given twice or with a value it does not take (bom=maybe). */
  invalidParameter: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_PARAMETER', message, { field }),
};
