/**
 * The grant of a mobility, as pure functions over a rate table (data, per programme and year) and the mobility's dates.
 * Contract types only for now; the rules follow.
 */
import type { MobilityType } from '../agreements/agreement.entity';

/** The rate table of one programme and call year (stored as JSON in `grant_rate_table.rates`, validated on write). */
export interface GrantRates {
  currency: 'EUR';
  /** Destination country groups (Erasmus+ KA131 groups 1-2, 3; KA171 regions), each with its ISO 3166-1 alpha-2 countries. */
  countryGroups: { code: string; label: string; countries: string[] }[];
  /** Monthly rates for long student mobility, per group and mobility type (SMS studies, SMT traineeship). */
  monthly: { group: string; mobilityType: MobilityType; rate: number }[];
  /** Daily rates for staff and short student mobility, per group and mobility type, with the reduced rate after day 14. */
  daily: { group: string; mobilityType: MobilityType; rate: number; rateAfterDay14: number }[];
  /** A student mobility shorter than this many days is a short mobility (daily rates); e.g. 60. */
  longMobilityMinDays: number;
  /** The shortest mobility of each type the programme funds, in days (e.g. SMS 60 long / 5 short, STA 2). */
  minimumDays: { mobilityType: MobilityType; short: number; long?: number | null }[];
  topUps: {
    /** Per month of a long mobility. */
    fewerOpportunitiesMonthly: number;
    /** One amount for a short mobility of 5-14 days, another for 15-30 days. */
    fewerOpportunitiesShort14: number;
    fewerOpportunitiesShort30: number;
    /** One-off for green travel (long student mobility). */
    greenTravelOneOff: number;
  };
  /** Round-trip travel amounts by distance band (standard and green travel). */
  travelBands: { minKm: number; maxKm: number | null; standard: number; green: number | null }[];
  /** Who gets travel: mobility types always; long student mobility only with fewer opportunities when listed here. */
  travelFor: { mobilityType: MobilityType; long: 'ALWAYS' | 'FEWER_OPPORTUNITIES' | 'NEVER'; short: 'ALWAYS' | 'FEWER_OPPORTUNITIES' | 'NEVER' }[];
  /** Default instalment plan in percent (e.g. [80, 20]); the last part is paid after the return documents. */
  instalments: number[];
}

/** One line of the computation's working, e.g. "4 months × 600 €" or "17 days × 20.00 € (600 € / 30)". */
export interface GrantWorkingLine {
  part: 'INDIVIDUAL_SUPPORT' | 'TOP_UP' | 'TRAVEL';
  label: string;
  quantity: number;
  unit: 'MONTH' | 'DAY' | 'ONE_OFF';
  rate: number;
  amount: number;
}
