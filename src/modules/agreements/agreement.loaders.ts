import DataLoader from 'dataloader';
import { defineLoader } from '../../platform/graphql/context';
import { Agreement, AgreementPartner, CooperationCondition } from './agreement.entity';

export const agreementById = defineLoader('agreementById', (ctx) =>
  new DataLoader<string, Agreement | null>(async (ids) => {
    const rows = await ctx.em.find(Agreement, { id: { $in: [...ids] } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }),
);

function groupBy<T>(rows: T[], key: (row: T) => string, ids: readonly string[]): T[][] {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(key(row), [...(map.get(key(row)) ?? []), row]);
  return ids.map((id) => map.get(id) ?? []);
}

export const partnersByAgreement = defineLoader('partnersByAgreement', (ctx) =>
  new DataLoader<string, AgreementPartner[]>(async (ids) =>
    groupBy(await ctx.em.find(AgreementPartner, { agreement: { $in: [...ids] } }), (p) => p.agreement.id, ids),
  ),
);

export const conditionsByAgreement = defineLoader('conditionsByAgreement', (ctx) =>
  new DataLoader<string, CooperationCondition[]>(async (ids) =>
    groupBy(await ctx.em.find(CooperationCondition, { agreement: { $in: [...ids] } }, { orderBy: { position: 'asc' } }), (c) => c.agreement.id, ids),
  ),
);
