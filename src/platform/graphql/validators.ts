import { IsISO4217CurrencyCode, IsISO8601, Matches } from 'class-validator';

/** An amount for a numeric(12,2) column, as a string: up to ten digits before the point and two after, never negative. */
export function IsMoneyAmount(): PropertyDecorator {
  return Matches(/^\d{1,10}(\.\d{1,2})?$/, {
    message: '$property must be a non-negative decimal with at most 2 decimals, as a string (e.g. "1250.00")',
  });
}

/** ISO 4217: three capitals, and a code that exists. */
export function IsCurrency(): PropertyDecorator {
  return (target, key) => {
    Matches(/^[A-Z]{3}$/, { message: '$property must be an ISO 4217 code in capitals (e.g. EUR)' })(target, key);
    IsISO4217CurrencyCode({ message: '$property must be an ISO 4217 currency code (e.g. EUR)' })(target, key);
  };
}

/** A calendar date written YYYY-MM-DD that exists (no 2026-02-30); the message names the field. */
export function IsDay(): PropertyDecorator {
  return (target, key) => {
    Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date (YYYY-MM-DD)' })(target, key);
    IsISO8601({ strict: true }, { message: '$property must be a date (YYYY-MM-DD)' })(target, key);
  };
}
