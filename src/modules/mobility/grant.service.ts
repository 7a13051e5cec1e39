/**
 * Grants: rate tables per programme and call year (data the office sets), the grant of a mobility computed from its
 * dates with the working shown (grant.rules.ts), instalments and recorded payments.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { assertOffice } from '../../platform/auth/office';
import { invalidInput, notFound, versionConflict } from '../../platform/errors/domain-error';
import { defineLoader, type RequestContext } from '../../platform/graphql/context';
import { fromGlobalId } from '../../platform/graphql/relay';
import { ApplicationStatus as S, MobilityApplication } from './application.entity';
import { announceUpdate, APPLICATION_TYPE, canRead } from './application.service';
import { CallPlace, MobilityCall } from './call.entity';
import { GrantBasis, GrantPayment, GrantRateTable, MobilityGrant } from './grant.entity';
import { GrantErrors } from './grant.errors';
import type { ComputeGrantInput, RecordGrantPaymentInput, SetGrantRatesInput } from './grant.inputs';
import {
  checkGrantRates,
  computeGrant,
  GrantRuleError,
  instalmentAmounts,
  instalmentPlanProblem,
  sumMoney,
  type GrantComputation,
  type GrantRates,
} from './grant.rules';
import { applicationById } from './mobility.loaders';
import { MobilityProgramme, type MobilityProgrammeCode } from './programme.entity';
import { isDay } from './calendar-day';

export const GRANT_TYPE = 'MobilityGrant';
export const RATE_TABLE_TYPE = 'GrantRateTable';
export const PAYMENT_TYPE = 'GrantPayment';

export const GRANT_EVENTS = {
  ratesSet: 'grantRateTable.set',
};

/** Statuses in which a mobility is funded: selected (an estimate), nominated, accepted by the host, under way, done. */
const FUNDED: readonly S[] = [S.SELECTED, S.NOMINATED, S.ACCEPTED, S.LIVE, S.COMPLETED, S.RECOGNISED];

// --- Reading -----------------------------------------------------------------------------------------------------------------

/** The grants of these applications by application id (those without a grant are absent). One query; no access check. */
export async function grantsOf(em: EntityManager, applicationIds: string[]): Promise<Map<string, MobilityGrant>> {
  if (applicationIds.length === 0) return new Map();
  const rows = await em.find(MobilityGrant, { application: { $in: [...new Set(applicationIds)] } });
  return new Map(rows.map((g) => [g.application.id, g]));
}

/** A list of applications asks for their grants in one query. */
export const grantByApplication = defineLoader('grantByApplication', (ctx) =>
  new DataLoader<string, MobilityGrant | null>(async (ids) => {
    const grants = await grantsOf(ctx.em, [...ids]);
    return ids.map((id) => grants.get(id) ?? null);
  }),
);

/** The payments of grants, oldest first. */
export const paymentsByGrant = defineLoader('grantPaymentsByGrant', (ctx) =>
  new DataLoader<string, GrantPayment[]>(async (ids) => {
    const rows = await ctx.em.find(GrantPayment, { grant: { $in: [...ids] } }, { orderBy: { recordedAt: 'asc', id: 'asc' } });
    const map = new Map<string, GrantPayment[]>();
    for (const row of rows) map.set(row.grant.id, [...(map.get(row.grant.id) ?? []), row]);
    return ids.map((id) => map.get(id) ?? []);
  }),
);

/** The grant of an application the viewer may read (the office, the unit's coordinators, the student themself). */
export async function grantOfApplication(ctx: RequestContext, application: MobilityApplication): Promise<MobilityGrant | null> {
  if (!(await canRead(ctx, application))) return null;
  return ctx.loader(grantByApplication).load(application.id);
}

/** A grant by uuid for node(id): null unless the viewer may read its application. */
export async function getGrant(ctx: RequestContext, id: string): Promise<MobilityGrant | null> {
  const grant = await ctx.em.findOne(MobilityGrant, { id });
  if (!grant) return null;
  const application = await ctx.loader(applicationById).load(grant.application.id);
  return application && (await canRead(ctx, application)) ? grant : null;
}

export interface GrantMoney {
  paid: number;
  outstanding: number;
  instalments: { number: number; percent: number; amount: number; paid: number; outstanding: number }[];
}

/** What was paid and what is left, overall and per instalment. Outstanding below 0 is money to recover. */
export function grantMoney(grant: MobilityGrant, payments: readonly GrantPayment[]): GrantMoney {
  const amounts = instalmentAmounts(grant.total, grant.instalmentPlan);
  const paid = sumMoney(payments.map((p) => p.amount));
  return {
    paid,
    outstanding: sumMoney([grant.total, -paid]),
    instalments: grant.instalmentPlan.map((percent, i) => {
      const paidHere = sumMoney(payments.filter((p) => p.instalment === i + 1).map((p) => p.amount));
      return { number: i + 1, percent, amount: amounts[i], paid: paidHere, outstanding: sumMoney([amounts[i], -paidHere]) };
    }),
  };
}

/** Rate tables, newest year first. Public: the National Agency publishes the figures. */
export async function listRateTables(ctx: RequestContext, programme?: MobilityProgrammeCode | null, academicYear?: string | null): Promise<GrantRateTable[]> {
  const where: Record<string, unknown> = {};
  if (programme) where.programme = { code: programme };
  if (academicYear) where.academicYear = academicYear;
  return ctx.em.find(GrantRateTable, where, { orderBy: { academicYear: 'desc', programme: { code: 'asc' } } });
}

export function getRateTable(ctx: RequestContext, id: string): Promise<GrantRateTable | null> {
  return ctx.em.findOne(GrantRateTable, { id });
}

// --- Rates -------------------------------------------------------------------------------------------------------------------

/** The checked rates, or INVALID_RATES naming the field at fault. */
export function validRates(input: unknown, prefix = 'rates'): GrantRates {
  const checked = checkGrantRates(input, prefix);
  if (!checked.ok) throw GrantErrors.invalidRates(checked.path, checked.message);
  return checked.rates;
}

/** Sets (or replaces) the rates of a programme for one call year. Grants computed before keep their amounts until recomputed. */
export async function setGrantRates(ctx: RequestContext, input: SetGrantRatesInput): Promise<GrantRateTable> {
  assertOffice(ctx, 'Grant rates are set by the office');
  const rates = validRates(input.rates, 'input.rates');
  return ctx.transaction(async (tx) => {
    const programme = await tx.em.findOne(MobilityProgramme, { code: input.programme });
    if (!programme) throw notFound('MobilityProgramme', input.programme);
    let table = await tx.em.findOne(GrantRateTable, { programme: programme.id, academicYear: input.academicYear }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (table && input.version !== undefined && input.version !== null && table.version !== input.version) {
      throw versionConflict(RATE_TABLE_TYPE, input.version, table.version);
    }
    const source = input.source === undefined ? table?.source : (input.source?.trim() || undefined);
    if (table) {
      table.rates = rates;
      table.source = source;
    } else {
      table = tx.em.create(GrantRateTable, { programme, academicYear: input.academicYear, rates, source } as never);
    }
    await tx.em.flush();
    tx.emit({
      type: GRANT_EVENTS.ratesSet,
      aggregateType: RATE_TABLE_TYPE,
      aggregateId: table.id,
      aggregateVersion: table.version,
      payload: { programme: programme.code, academicYear: input.academicYear },
    });
    return table;
  });
}

// --- The grant of a mobility ----------------------------------------------------------------------------------------------

/**
 * Computes (or recomputes) the grant of a mobility from its dates: ACTUAL when both actual dates are set, else PLANNED,
 * unless `basis` says. Inputs not given keep their earlier value. Payments already made stay; `outstanding` may turn
 * negative (money to recover).
 */
export async function computeMobilityGrant(ctx: RequestContext, input: ComputeGrantInput): Promise<MobilityGrant> {
  assertOffice(ctx, 'Grants are computed by the office');
  const applicationId = fromGlobalId(input.applicationId, APPLICATION_TYPE, 'applicationId');
  if (input.instalmentPlan) {
    const problem = instalmentPlanProblem(input.instalmentPlan);
    if (problem) throw GrantErrors.invalidInstalments(problem);
  }
  return ctx.transaction(async (tx) => {
    // The application's row lock serialises computations of one mobility (and date changes made meanwhile).
    const application = await tx.em.findOne(MobilityApplication, { id: applicationId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!application) throw notFound(APPLICATION_TYPE, input.applicationId);
    let grant = await tx.em.findOne(MobilityGrant, { application: application.id });
    if (grant && input.version !== undefined && input.version !== null && grant.version !== input.version) {
      throw versionConflict(GRANT_TYPE, input.version, grant.version);
    }
    // A cancelled mobility that was funded may still be recomputed (to the days it lasted) for the recovery.
    const funded = FUNDED.includes(application.status) || (application.status === S.CANCELLED && grant !== null);
    if (!funded || !application.placedAt) throw GrantErrors.notAMobility(application.status);

    const call = await tx.em.findOneOrFail(MobilityCall, { id: application.call.id });
    const programme = await tx.em.findOneOrFail(MobilityProgramme, { id: call.programme.id });
    const table = await tx.em.findOne(GrantRateTable, { programme: programme.id, academicYear: call.academicYear });
    if (!table) throw GrantErrors.noRateTable(programme.code, call.academicYear);
    const place = await tx.em.findOneOrFail(CallPlace, { id: application.placedAt.id });

    const basis = input.basis ?? (application.actualStart && application.actualEnd ? GrantBasis.ACTUAL : GrantBasis.PLANNED);
    const [start, end] = basis === GrantBasis.ACTUAL ? [application.actualStart, application.actualEnd] : [application.plannedStart, application.plannedEnd];
    if (!start || !end) {
      const prefix = basis === GrantBasis.ACTUAL ? 'actual' : 'planned';
      throw GrantErrors.noDates(basis, [!start && `${prefix}Start`, !end && `${prefix}End`].filter(Boolean) as string[]);
    }

    const fewerOpportunities = input.fewerOpportunities ?? grant?.fewerOpportunities ?? false;
    const greenTravel = input.greenTravel ?? grant?.greenTravel ?? false;
    const distanceKm = input.distanceKm !== undefined ? input.distanceKm : (grant?.distanceKm ?? null);
    const plan = input.instalmentPlan ?? grant?.instalmentPlan ?? table.rates.instalments;
    if (grant) {
      const [{ last }] = await tx.em.execute<{ last: number | null }[]>(`select max(instalment)::int as last from mobility_grant_payment where grant_id = ?`, [grant.id]);
      if (last !== null && last > plan.length) {
        throw GrantErrors.invalidInstalments(`Instalment ${last} has payments; a plan of ${plan.length} instalment${plan.length === 1 ? '' : 's'} would leave them out`);
      }
    }
    const zeroGrant = application.zeroGrant || call.zeroGrant;

    let result: GrantComputation;
    try {
      result = computeGrant(table.rates, {
        mobilityType: call.mobilityType,
        country: place.country,
        start,
        end,
        fewerOpportunities,
        greenTravel,
        distanceKm,
        zeroGrant,
      });
    } catch (e) {
      if (!(e instanceof GrantRuleError)) throw e;
      if (e.code === 'NO_RATE_FOR_DESTINATION') throw GrantErrors.noRateForDestination(e.message, e.details);
      if (e.code === 'NO_DISTANCE') throw GrantErrors.noDistance(e.message);
      throw GrantErrors.invalidDates(e.message);
    }

    if (!grant) grant = tx.em.create(MobilityGrant, { application } as never);
    Object.assign(grant, {
      fewerOpportunities,
      greenTravel,
      distanceKm: distanceKm ?? undefined,
      instalmentPlan: [...plan],
      basis,
      zeroGrant,
      periodStart: start,
      periodEnd: end,
      durationDays: result.durationDays,
      months: result.months,
      days: result.days,
      individualSupport: result.individualSupport,
      topUps: result.topUps,
      travel: result.travel,
      total: result.total,
      working: result.working,
      rateTable: table,
      computedAt: new Date(),
    });
    await tx.em.flush();
    await announceUpdate(tx, application, { changed: 'grant', grantId: grant.id });
    return grant;
  });
}

/** Records a payment (or, negative, a recovery) on an instalment of the plan; the amount paid never exceeds the grant. */
export async function recordGrantPayment(ctx: RequestContext, input: RecordGrantPaymentInput): Promise<MobilityGrant> {
  assertOffice(ctx, 'Payments are recorded by the office');
  const grantId = fromGlobalId(input.grantId, GRANT_TYPE, 'grantId');
  const amountCents = Math.round(input.amount * 100);
  if (!Number.isFinite(input.amount) || Math.abs(amountCents - input.amount * 100) > 1e-6) {
    throw invalidInput('amount', 'An amount in euros with at most two decimals', 'INVALID_AMOUNT');
  }
  if (amountCents === 0) throw invalidInput('amount', 'A payment of 0 € records nothing', 'INVALID_AMOUNT');
  if (!isDay(input.paidOn)) throw invalidInput('paidOn', `${input.paidOn} is not a date`, 'INVALID_DATE');
  return ctx.transaction(async (tx) => {
    // The grant's row lock makes concurrent payments take turns, so their sum is checked against the total.
    const grant = await tx.em.findOne(MobilityGrant, { id: grantId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!grant) throw notFound(GRANT_TYPE, input.grantId);
    if (!Number.isInteger(input.instalment) || input.instalment < 1 || input.instalment > grant.instalmentPlan.length) {
      throw GrantErrors.noSuchInstalment(input.instalment, grant.instalmentPlan.length);
    }
    const [{ cents }] = await tx.em.execute<{ cents: number }[]>(
      `select coalesce(sum(round(amount * 100)), 0)::int as cents from mobility_grant_payment where grant_id = ?`,
      [grant.id],
    );
    const after = cents + amountCents;
    if (amountCents > 0 && after > Math.round(grant.total * 100)) throw GrantErrors.paymentExceedsGrant(grant.total, cents / 100);
    if (after < 0) throw GrantErrors.recoveryExceedsPaid(cents / 100);
    tx.em.create(GrantPayment, {
      grant,
      instalment: input.instalment,
      amount: amountCents / 100,
      paidOn: input.paidOn,
      reference: input.reference?.trim() || undefined,
      recordedBy: ctx.viewer.subject ?? undefined,
    } as never);
    await tx.em.flush();
    const application = await tx.em.findOneOrFail(MobilityApplication, { id: grant.application.id });
    await announceUpdate(tx, application, { changed: 'grantPayment', grantId: grant.id });
    return grant;
  });
}

