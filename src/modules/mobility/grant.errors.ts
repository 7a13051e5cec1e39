import { DomainError } from '../../platform/errors/domain-error';

/** The grant part's own error codes (sent as `extensions.reason`). */
export const GrantErrors = {
  invalidRates: (field: string, message: string) => new DomainError('BAD_USER_INPUT', 'INVALID_RATES', `${field}: ${message}`, { field }),
  noRateTable: (programme: string, academicYear: string) =>
    new DomainError('CONFLICT', 'NO_RATE_TABLE', `There are no grant rates for ${programme} ${academicYear}; set them first (setGrantRates)`, {
      field: 'applicationId',
      programme,
      academicYear,
    }),
  noDates: (basis: string, missing: string[]) =>
    new DomainError('CONFLICT', 'NO_DATES', `The ${basis.toLowerCase()} dates are not set (${missing.join(', ')})`, { field: 'basis', basis, missing }),
  invalidDates: (message: string) => new DomainError('CONFLICT', 'INVALID_DATES', message, { field: 'basis' }),
  noRateForDestination: (message: string, details: Record<string, unknown>) =>
    new DomainError('CONFLICT', 'NO_RATE_FOR_DESTINATION', message, { field: 'applicationId', ...details }),
  noDistance: (message: string) => new DomainError('BAD_USER_INPUT', 'NO_DISTANCE', message, { field: 'distanceKm' }),
  invalidInstalments: (message: string, field = 'instalmentPlan') => new DomainError('BAD_USER_INPUT', 'INVALID_INSTALMENTS', message, { field }),
  notAMobility: (status: string) =>
    new DomainError('CONFLICT', 'NOT_A_MOBILITY', `A ${status} application has no mobility to fund (from SELECTED on, with a place)`, {
      field: 'applicationId',
      status,
    }),
  noSuchInstalment: (instalment: number, count: number) =>
    new DomainError('BAD_USER_INPUT', 'NO_SUCH_INSTALMENT', `The plan has ${count} instalment${count === 1 ? '' : 's'}; there is no instalment ${instalment}`, {
      field: 'instalment',
      instalments: count,
    }),
  paymentExceedsGrant: (total: number, paid: number) =>
    new DomainError(
      'CONFLICT',
      'PAYMENT_EXCEEDS_GRANT',
      `The payment would take the amount paid beyond the grant (total ${total.toFixed(2)} €, paid ${paid.toFixed(2)} €)`,
      { field: 'amount', total, paid, outstanding: Math.round((total - paid) * 100) / 100 },
    ),
  recoveryExceedsPaid: (paid: number) =>
    new DomainError('CONFLICT', 'RECOVERY_EXCEEDS_PAID', `A recovery cannot exceed what was paid (${paid.toFixed(2)} €)`, { field: 'amount', paid }),
};
