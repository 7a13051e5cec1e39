/**
 * The budget follow-up of a grant contract: per line, awarded (as amended) against committed and paid.
 *
 * Mobility lines (INDIVIDUAL_SUPPORT, TRAVEL per activity type) follow the grants the mobility module computed for the
 * mobilities of the calls carrying the contract's number, from selection on (the states in TAKES_PLACE: selected,
 * nominated, accepted, live, completed, recognised): individual support with its top-ups, and travel. A zero-grant
 * (hibesiz) mobility counts 0; a mobility whose grant is not computed yet counts 0 and is counted in `withoutGrant`.
 * Paid is the sum of the grants' payments (GrantPayment), a payment split over the grant's parts in proportion.
 * Contract-wide lines follow the spending recorded on them. Nothing is recomputed here: the grants are read as stored.
 *
 * Four SQL statements whatever the number of mobilities: the contract, its lines, the mobilities aggregated per
 * activity type, the spending per line.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { notFound } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId } from '../../platform/graphql/relay';
import { MobilityType } from '../agreements/agreement.entity';
import { sqlStates, TAKES_PLACE } from '../mobility/application.transitions';
import { contractNumberOf } from '../mobility/reporting.service';
import { followUp, toCents, type BudgetLineFigures, type MobilityTypeFacts } from './project-budget.rules';
import { ContractLine, GrantContract } from './project.entity';
import { CONTRACT_TYPE, PROJECTS_ARE_THE_OFFICES } from './projects.common';

export interface ContractBudgetData {
  contract: GrantContract;
  generatedAt: Date;
  lines: BudgetLineFigures[];
  totals: { awardedCents: number; committedCents: number; paidCents: number; remainingCents: number };
}

interface TypeRow {
  mobility_type: MobilityType;
  mobilities: number;
  zero_grant: number;
  without_grant: number;
  individual: string;
  travel: string;
  paid: string;
  paid_individual: string;
}

/** The mobilities of a contract per activity type: one statement, aggregated in SQL. */
export async function mobilityFactsOf(em: EntityManager, contractNumber: string): Promise<MobilityTypeFacts[]> {
  const rows = await em.execute<TypeRow[]>(
    `with m as (
       select c.mobility_type,
              (a.zero_grant or c.zero_grant or coalesce(g.zero_grant, false)) as zero,
              g.id as grant_id,
              coalesce(g.individual_support, 0) + coalesce(g.top_ups, 0) as individual,
              coalesce(g.travel, 0) as travel,
              (select coalesce(sum(p.amount), 0) from mobility_grant_payment p where p.grant_id = g.id) as paid
         from mobility_application a
         join mobility_call c on c.id = a.call_id
         left join mobility_grant g on g.application_id = a.id
        where c.grant_contract_number = ? and a.status in (${sqlStates(TAKES_PLACE)}))
     select mobility_type,
            count(*)::int as mobilities,
            (count(*) filter (where zero))::int as zero_grant,
            (count(*) filter (where not zero and grant_id is null))::int as without_grant,
            coalesce(sum(individual) filter (where not zero), 0)::text as individual,
            coalesce(sum(travel) filter (where not zero), 0)::text as travel,
            coalesce(sum(paid), 0)::text as paid,
            coalesce(sum(case when individual + travel > 0 then round(paid * individual / (individual + travel), 2) else paid end), 0)::text as paid_individual
       from m
      group by mobility_type
      order by mobility_type`,
    [contractNumber],
  );
  return rows.map((r) => ({
    mobilityType: r.mobility_type,
    mobilities: r.mobilities,
    zeroGrant: r.zero_grant,
    withoutGrant: r.without_grant,
    individualCents: toCents(r.individual),
    travelCents: toCents(r.travel),
    paidCents: toCents(r.paid),
    paidIndividualCents: toCents(r.paid_individual),
  }));
}

/** The follow-up of a contract already loaded (also used inside the amendment's transaction for the paid floor). */
export async function budgetOf(em: EntityManager, contract: GrantContract): Promise<ContractBudgetData> {
  const lines = await em.find(ContractLine, { contract }, { orderBy: { code: 'asc' } });
  const types = await mobilityFactsOf(em, contract.number);
  const spending = await em.execute<{ code: string; amount: string }[]>(
    `select l.code, sum(s.amount)::text as amount
       from project_contract_spending s join project_contract_line l on l.id = s.line_id
      where l.contract_id = ? group by l.code`,
    [contract.id],
  );
  const figures = followUp(
    lines.map((l) => ({
      id: l.id,
      code: l.code,
      category: l.category,
      mobilityType: l.mobilityType ?? null,
      awardedCents: toCents(l.awardedAmount),
      awardedMobilities: l.awardedMobilities ?? null,
    })),
    types,
    new Map(spending.map((s) => [s.code, toCents(s.amount)])),
    contract.nearLimitPercent,
  );
  const sum = (pick: (l: BudgetLineFigures) => number) => figures.reduce((s, l) => s + pick(l), 0);
  return {
    contract,
    generatedAt: new Date(),
    lines: figures,
    totals: {
      awardedCents: sum((l) => l.awardedCents),
      committedCents: sum((l) => l.committedCents),
      paidCents: sum((l) => l.paidCents),
      remainingCents: sum((l) => l.remainingCents),
    },
  };
}

export async function contractBudget(ctx: RequestContext, contractGlobalId: string): Promise<ContractBudgetData> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const id = fromGlobalId(contractGlobalId, CONTRACT_TYPE, 'contractId');
  const contract = await ctx.em.findOne(GrantContract, { id });
  if (!contract) throw notFound(CONTRACT_TYPE, contractGlobalId);
  return budgetOf(ctx.em, contract);
}

export interface BudgetWarningData {
  contractNumber: string;
  line: BudgetLineFigures;
  kind: string;
}

/**
 * The warnings of a contract by its number, for the mobility flow (before a grant is computed or a reserve promoted)
 * and dashboards: every line's OVERSPENT, NEAR_LIMIT and MOBILITIES_EXCEEDED. An unknown number has no warnings.
 */
export async function contractBudgetWarnings(ctx: RequestContext, rawNumber: string): Promise<BudgetWarningData[]> {
  assertOffice(ctx, PROJECTS_ARE_THE_OFFICES);
  const number = contractNumberOf(rawNumber, 'contractNumber');
  const contract = await ctx.em.findOne(GrantContract, { number });
  if (!contract) return [];
  const budget = await budgetOf(ctx.em, contract);
  return budget.lines.flatMap((line) => line.warnings.map((kind) => ({ contractNumber: number, line, kind })));
}
