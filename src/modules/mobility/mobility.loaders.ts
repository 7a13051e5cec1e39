import DataLoader from 'dataloader';
import { defineLoader } from '../../platform/graphql/context';
import { byId, groupedBy } from '../../platform/graphql/entity-loaders';
import { UserAccount } from '../accounts/user-account.entity';
import { ApplicationPreference, ApplicationStatusChange, MobilityApplication } from './application.entity';
import { CallPlace, CallQuota, MobilityCall } from './call.entity';
import { MobilityProgramme, ProgrammeRuleSet, type MobilityCategory } from './programme.entity';
import { sqlArray } from '../../platform/db/sql-array';
import { sqlStates, TAKES_PLACE } from './application.transitions';

export const programmeById = byId('mobilityProgrammeById', MobilityProgramme);
export const callById = byId('mobilityCallById', MobilityCall);
export const placeById = byId('callPlaceById', CallPlace);
export const applicationById = byId('mobilityApplicationById', MobilityApplication);

export const quotasByCall = groupedBy('callQuotasByCall', CallQuota, 'call', { places: 'desc', id: 'asc' });
export const placesByCall = groupedBy('callPlacesByCall', CallPlace, 'call', { position: 'asc', id: 'asc' });
export const preferencesByApplication = groupedBy('preferencesByApplication', ApplicationPreference, 'application', { rank: 'asc' });
export const historyByApplication = groupedBy('historyByApplication', ApplicationStatusChange, 'application', { at: 'asc', id: 'asc' });

/** How many applicants hold each place of a call (selected, nominated or accepted). */
export const placesTakenByCall = defineLoader('placesTakenByCall', (ctx) =>
  new DataLoader<string, Map<string, number>>(async (callIds) => {
    const rows = await ctx.em.execute<{ call_id: string; place_id: string; taken: number }[]>(
      `select call_id::text as call_id, placed_at_id::text as place_id, count(*)::int as taken
         from mobility_application
        where call_id = any(?::uuid[]) and placed_at_id is not null and status in (${sqlStates(TAKES_PLACE)})
        group by call_id, placed_at_id`,
      [sqlArray(callIds)],
    );
    const map = new Map<string, Map<string, number>>(callIds.map((id) => [id, new Map()]));
    for (const r of rows) map.get(r.call_id)!.set(r.place_id, r.taken);
    return callIds.map((id) => map.get(id)!);
  }),
);

/** A programme's rules for a year and category, keyed `programmeId|year|category`. */
export const ruleSetByKey = defineLoader('ruleSetByKey', (ctx) =>
  new DataLoader<string, ProgrammeRuleSet | null>(async (keys) => {
    const parsed = keys.map((k) => k.split('|') as [string, string, MobilityCategory]);
    const rows = await ctx.em.find(ProgrammeRuleSet, {
      $or: parsed.map(([programme, academicYear, category]) => ({ programme, academicYear, category })),
    });
    const map = new Map(rows.map((r) => [`${r.programme.id}|${r.academicYear}|${r.category}`, r]));
    return keys.map((k) => map.get(k) ?? null);
  }),
);

/** The applicant's profile (name, e-mail) as the identity provider gave it. */
export const accountBySubject = defineLoader('accountBySubject', (ctx) =>
  new DataLoader<string, UserAccount | null>(async (subjects) => {
    const rows = await ctx.em.find(UserAccount, { subject: { $in: [...subjects] } });
    const map = new Map(rows.map((r) => [r.subject, r]));
    return subjects.map((s) => map.get(s) ?? null);
  }),
);
