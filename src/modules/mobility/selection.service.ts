import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '../../platform/errors/domain-error';
import { assertOffice } from '../../platform/auth/office';
import type { RequestContext, Transaction } from '../../platform/graphql/context';
import { fromGlobalId } from '../../platform/graphql/relay';
import { fetchLineages } from '../institutions/institution.loaders';
import { ApplicationPreference, ApplicationStatus as S, MobilityApplication } from './application.entity';
import { COUNTS_AS_MOBILITY, HOLDS_PLACE, RESULT_STATES, sqlStates, TAKES_PLACE } from './application.transitions';
import { step } from './application.service';
import { CallPlace, CallQuota, MobilityCall } from './call.entity';
import { CALL_TYPE, lockCall } from './call.service';
import { MobilityErrors } from './mobility.errors';
import { MobilityCategory, MobilityProgramme } from './programme.entity';
import { findRuleSet } from './programme.service';
import {
  checkEligibility,
  place,
  promoteNextReserve,
  scoreApplication,
  type ApplicantFacts,
  type PlacementCandidate,
  type PlacementQuota,
  type RuleSet,
} from './selection.rules';
import { sqlArray } from '../../platform/db/sql-array';

export const SELECTION_EVENTS = {
  evaluated: 'mobilityCall.evaluated',
  placed: 'mobilityCall.placed',
  resultsPublished: 'mobilityCall.resultsPublished',
};

/** The group of applicants whose unit the call gives no quota. */
const NO_QUOTA = 'NO_QUOTA';

export interface SelectionSummary {
  call: MobilityCall;
  counts: { status: S; count: number }[];
}

/**
 * Eligibility and scores, after the call has closed: every submitted application is checked against the programme's
 * rules for the year (ELIGIBLE or INELIGIBLE, with the reasons), and every eligible one is scored with its breakdown.
 * Can run again before placement (e.g. after an appeal made an application eligible); done applications are kept.
 */
export async function evaluateCall(ctx: RequestContext, callGlobalId: string): Promise<SelectionSummary> {
  assertOffice(ctx);
  const id = fromGlobalId(callGlobalId, CALL_TYPE, 'callId');
  return ctx.transaction(async (tx) => {
    const call = await lockCall(tx.em, id, callGlobalId);
    if (new Date() < call.closesAt) throw MobilityErrors.callStillOpen(call.closesAt);
    const { programme, rules } = await rulesOf(tx.em, call);
    const applications = await tx.em.find(MobilityApplication, { call: call.id, status: { $in: [S.SUBMITTED, S.ELIGIBLE] } }, { orderBy: { number: 'asc' } });
    const facts = await applicantFacts(tx.em, call, programme, applications);
    const actor = ctx.viewer.subject;
    for (const application of applications) {
      const known = facts.get(application.id)!;
      application.previousMobilities = known.previousMobilities;
      if (application.status === S.SUBMITTED) {
        const issues = checkEligibility(known, rules, callRules(call));
        application.eligibilityIssues = issues;
        await step(tx, application, issues.length ? S.INELIGIBLE : S.ELIGIBLE, 'SELECTION', actor, issues.length ? issues.map((i) => i.code).join(', ') : undefined);
      }
      if (application.status === S.ELIGIBLE) {
        const result = scoreApplication(known, rules);
        application.score = result.total;
        application.academicPoints = result.academicPoints;
        application.languagePoints = result.languagePoints;
        application.scoreBreakdown = result.lines;
        await step(tx, application, S.SCORED, 'SELECTION', actor);
      }
    }
    call.evaluatedAt = new Date();
    await tx.em.flush();
    tx.emit({ type: SELECTION_EVENTS.evaluated, aggregateType: CALL_TYPE, aggregateId: call.id, aggregateVersion: call.version, payload: { applications: applications.length } });
    return { call, counts: await statusCounts(tx.em, call.id) };
  });
}

/**
 * Placement: ranks the scored applications within their quota groups and gives each, in rank order, its highest
 * preference with a place left (see selection.rules `place`). Runs once per call.
 */
export async function runPlacement(ctx: RequestContext, callGlobalId: string): Promise<SelectionSummary> {
  assertOffice(ctx);
  const id = fromGlobalId(callGlobalId, CALL_TYPE, 'callId');
  return ctx.transaction(async (tx) => {
    const call = await lockCall(tx.em, id, callGlobalId);
    if (call.placementRunAt) throw MobilityErrors.selectionAlreadyRun();
    if (!call.evaluatedAt) throw MobilityErrors.notEvaluated();
    const applications = await tx.em.find(MobilityApplication, { call: call.id, status: S.SCORED });
    const { quotas, groupOf } = await quotaGroups(tx.em, call, applications);
    const places = await tx.em.find(CallPlace, { call: call.id });
    const candidates = await candidatesOf(tx.em, applications, groupOf);
    const outcomes = place(candidates, quotas, places.map((p) => ({ id: p.id, capacity: p.capacity })), {
      zeroGrantCall: call.zeroGrant,
      reserveListSize: call.reserveListSize ?? null,
    });
    const byId = new Map(applications.map((a) => [a.id, a]));
    for (const outcome of outcomes) {
      const application = byId.get(outcome.id)!;
      // No quota for the applicant's unit: no place in this call can ever be theirs, so no reserve list either.
      const withoutQuota = groupOf.get(application.id) === NO_QUOTA;
      application.rank = outcome.rank;
      application.reserveRank = withoutQuota ? undefined : (outcome.reserveRank ?? undefined);
      application.placedAt = (outcome.placeId ?? undefined) as never;
      application.zeroGrant = outcome.zeroGrant;
      const to = withoutQuota ? S.NOT_SELECTED : S[outcome.outcome];
      await step(tx, application, to, 'SELECTION', ctx.viewer.subject, withoutQuota ? 'The call has no quota for your unit' : undefined);
    }
    call.placementRunAt = new Date();
    await tx.em.flush();
    tx.emit({ type: SELECTION_EVENTS.placed, aggregateType: CALL_TYPE, aggregateId: call.id, aggregateVersion: call.version, payload: { placed: outcomes.length } });
    return { call, counts: await statusCounts(tx.em, call.id) };
  });
}

/**
 * After a place was freed (waiver, withdrawal, cancellation, host rejection): promotes reserves, best first, while one
 * can be placed. Each promotion is a RESERVE → SELECTED step the applicant hears about through their subscription.
 */
export async function promoteReserves(tx: Transaction, call: MobilityCall, actor: string | null): Promise<MobilityApplication[]> {
  const promoted: MobilityApplication[] = [];
  for (;;) {
    const involved = await tx.em.find(MobilityApplication, { call: call.id, status: { $in: [...HOLDS_PLACE, S.RESERVE] } });
    const reserves = involved.filter((a) => a.status === S.RESERVE);
    if (reserves.length === 0) return promoted;
    const { quotas, groupOf } = await quotaGroups(tx.em, call, involved);
    const places = await tx.em.find(CallPlace, { call: call.id });
    const next = promoteNextReserve({
      quotas,
      places: places.map((p) => ({ id: p.id, capacity: p.capacity })),
      holders: involved
        .filter((a) => a.status !== S.RESERVE && a.placedAt)
        .map((a) => ({ id: a.id, groupKey: groupOf.get(a.id) ?? null, placeId: a.placedAt!.id, zeroGrant: a.zeroGrant })),
      reserves: await candidatesOf(tx.em, reserves, groupOf),
      zeroGrantCall: call.zeroGrant,
    });
    if (!next) return promoted;
    const application = reserves.find((a) => a.id === next.id)!;
    application.placedAt = next.placeId as never;
    application.zeroGrant = next.zeroGrant;
    application.reserveRank = undefined;
    await step(tx, application, S.SELECTED, 'SELECTION', actor, 'Promoted from the reserve list after a place was freed');
    promoted.push(application);
  }
}

export async function publishResults(ctx: RequestContext, callGlobalId: string): Promise<MobilityCall> {
  assertOffice(ctx);
  const id = fromGlobalId(callGlobalId, CALL_TYPE, 'callId');
  return ctx.transaction(async (tx) => {
    const call = await lockCall(tx.em, id, callGlobalId);
    if (!call.placementRunAt) throw MobilityErrors.placementNotRun();
    if (call.resultsPublishedAt) return call;
    call.resultsPublishedAt = new Date();
    await tx.em.flush();
    tx.emit({ type: SELECTION_EVENTS.resultsPublished, aggregateType: CALL_TYPE, aggregateId: call.id, aggregateVersion: call.version, payload: {} });
    return call;
  });
}

export interface SelectionResultRow {
  number: string;
  score: number | null;
  outcome: S;
  rank: number | null;
  reserveRank: number | null;
  zeroGrant: boolean;
  partnerName: string | null;
  country: string | null;
}

/**
 * The anonymised results: application number, score, outcome, destination; no names. Public once published; the
 * office may preview them after placement.
 */
export async function selectionResults(ctx: RequestContext, callGlobalId: string): Promise<SelectionResultRow[]> {
  const id = fromGlobalId(callGlobalId, CALL_TYPE, 'callId');
  const call = await ctx.em.findOne(MobilityCall, { id });
  if (!call || (call.status === 'DRAFT' && !ctx.viewer.isOffice)) throw notFound(CALL_TYPE, callGlobalId);
  if (!call.resultsPublishedAt && !(ctx.viewer.isOffice && call.placementRunAt)) throw MobilityErrors.resultsNotPublished();
  const rows = await ctx.em.execute<Record<string, unknown>[]>(
    `select a.number, a.score, a.status, a.rank, a.reserve_rank, a.zero_grant, i.official_name as partner_name, p.country
       from mobility_application a
       left join mobility_call_place p on p.id = a.placed_at_id and a.status in (${sqlStates(TAKES_PLACE)})
       left join institution i on i.id = p.partner_id
      where a.call_id = ? and a.status = any(?::text[])
      order by case when a.status in (${sqlStates(TAKES_PLACE)}) then 0 when a.status = 'RESERVE' then 1 else 2 end,
               a.score desc nulls last, a.number`,
    [call.id, sqlArray(RESULT_STATES)],
  );
  return rows.map((r) => ({
    number: r.number as string,
    score: r.score === null ? null : Number(r.score),
    outcome: r.status as S,
    rank: (r.rank as number | null) ?? null,
    reserveRank: (r.reserve_rank as number | null) ?? null,
    zeroGrant: r.zero_grant as boolean,
    partnerName: (r.partner_name as string | null) ?? null,
    country: (r.country as string | null) ?? null,
  }));
}

// --- Inputs of the rules ------------------------------------------------------------------------------------------------------

async function rulesOf(em: EntityManager, call: MobilityCall): Promise<{ programme: MobilityProgramme; rules: RuleSet }> {
  const programme = await em.findOneOrFail(MobilityProgramme, { id: call.programme.id });
  const ruleSet = await findRuleSet(em, programme.id, call.academicYear, call.category);
  if (!ruleSet) throw MobilityErrors.noRuleSet(programme.code, call.academicYear, call.category);
  return { programme, rules: ruleSet.rules };
}

function callRules(call: MobilityCall) {
  return {
    category: call.category,
    minGpa: call.minGpa ?? null,
    minLanguageScore: call.minLanguageScore ?? null,
    requiredDocuments: call.requiredDocuments,
    maxPreferences: call.maxPreferences,
  };
}

/**
 * What the rules need to know of each applicant, from this application and past records, in a constant number of
 * statements: earlier mobilities of the same programme family in the same study cycle (nominated or accepted), their
 * months, withdrawals that carry a penalty, and whether an earlier application this year was for another mobility type.
 */
async function applicantFacts(
  em: EntityManager,
  call: MobilityCall,
  programme: MobilityProgramme,
  applications: MobilityApplication[],
): Promise<Map<string, ApplicantFacts>> {
  const ids = applications.map((a) => a.id);
  const history = ids.length
    ? await em.execute<{ id: string; previous: number; months: number; withdrawals: number; second_type: boolean }[]>(
        `select a.id::text as id,
                (select count(*)::int from mobility_application o join mobility_call oc on oc.id = o.call_id join mobility_programme op on op.id = oc.programme_id
                  where o.applicant_subject = a.applicant_subject and o.id <> a.id and op.family = ? and oc.category = c.category
                    and o.status in (${sqlStates(COUNTS_AS_MOBILITY)}) and o.study_level is not distinct from a.study_level and oc.academic_year < c.academic_year) as previous,
                (select coalesce(sum(o.planned_months), 0)::float from mobility_application o join mobility_call oc on oc.id = o.call_id join mobility_programme op on op.id = oc.programme_id
                  where o.applicant_subject = a.applicant_subject and o.id <> a.id and op.family = ? and oc.category = c.category
                    and o.status in (${sqlStates(COUNTS_AS_MOBILITY)}) and o.study_level is not distinct from a.study_level and oc.academic_year < c.academic_year) as months,
                (select count(*)::int from mobility_application o
                  where o.applicant_subject = a.applicant_subject and o.id <> a.id and o.penalised_withdrawal) as withdrawals,
                exists (select 1 from mobility_application o join mobility_call oc on oc.id = o.call_id
                  where o.applicant_subject = a.applicant_subject and o.id <> a.id and oc.academic_year = c.academic_year
                    and oc.mobility_type <> c.mobility_type and oc.category = c.category
                    and o.submitted_at is not null and o.submitted_at < a.submitted_at
                    and o.status not in ('DRAFT', 'WITHDRAWN', 'CANCELLED')) as second_type
           from mobility_application a join mobility_call c on c.id = a.call_id
          where a.id = any(?::uuid[])`,
        [programme.family, programme.family, sqlArray(ids)],
      )
    : [];
  const byId = new Map(history.map((h) => [h.id, h]));
  const preferences = ids.length ? await em.find(ApplicationPreference, { application: { $in: ids } }, { populate: ['place'], orderBy: { rank: 'asc' } }) : [];
  const countries = new Map<string, string[]>();
  for (const p of preferences) countries.set(p.application.id, [...(countries.get(p.application.id) ?? []), p.place.getEntity().country]);
  return new Map(
    applications.map((a) => {
      const h = byId.get(a.id)!;
      return [
        a.id,
        {
          category: call.category === MobilityCategory.STAFF ? 'STAFF' : 'STUDENT',
          studyLevel: a.studyLevel ?? null,
          yearOfStudy: a.yearOfStudy ?? null,
          gpa: a.gpa ?? null,
          languageScore: a.languageScore ?? null,
          citizenships: a.citizenships,
          plannedMonths: a.plannedMonths ?? null,
          declaredFacts: a.declaredFacts,
          documents: a.documents,
          preferenceCountries: countries.get(a.id) ?? [],
          previousMobilities: h.previous,
          previousMonths: Number(h.months),
          withdrawalsAfterSelection: h.withdrawals,
          isSecondMobilityType: h.second_type,
        } satisfies ApplicantFacts,
      ];
    }),
  );
}

/**
 * The quota group of each application: the quota of the most specific unit in its lineage (a department's quota before
 * its faculty's), one limited to the application's ISCED field before one that is not. With no quotas the call ranks
 * everyone together without a limit; an applicant whose unit has no quota ranks in a group without places (and is not
 * selected).
 */
async function quotaGroups(
  em: EntityManager,
  call: MobilityCall,
  applications: MobilityApplication[],
): Promise<{ quotas: PlacementQuota[]; groupOf: Map<string, string | null> }> {
  const quotaRows = await em.find(CallQuota, { call: call.id });
  const groupOf = new Map<string, string | null>();
  if (quotaRows.length === 0) {
    for (const a of applications) groupOf.set(a.id, null);
    return { quotas: [], groupOf };
  }
  const quotas: PlacementQuota[] = quotaRows.map((q) => ({ key: q.id, places: q.places, grantedPlaces: q.grantedPlaces ?? null }));
  const unitIds = [...new Set(applications.map((a) => a.unit.id))];
  const lineages = new Map((await fetchLineages(em, unitIds)).map((lineage, i) => [unitIds[i], lineage]));
  let unplacedGroup = false;
  for (const a of applications) {
    const lineage = lineages.get(a.unit.id) ?? [a.unit.id];
    const matching = quotaRows
      .filter((q) => lineage.includes(q.unit.id) && (!q.isced || (a.fieldOfStudy ?? '').startsWith(q.isced)))
      .sort((x, y) => lineage.indexOf(x.unit.id) - lineage.indexOf(y.unit.id) || Number(!!y.isced) - Number(!!x.isced));
    const quota = matching[0];
    if (quota) groupOf.set(a.id, quota.id);
    else {
      groupOf.set(a.id, NO_QUOTA);
      unplacedGroup = true;
    }
  }
  if (unplacedGroup) quotas.push({ key: NO_QUOTA, places: 0, grantedPlaces: null });
  return { quotas, groupOf };
}

async function candidatesOf(em: EntityManager, applications: MobilityApplication[], groupOf: Map<string, string | null>): Promise<PlacementCandidate[]> {
  const ids = applications.map((a) => a.id);
  const preferences = ids.length ? await em.find(ApplicationPreference, { application: { $in: ids } }, { orderBy: { rank: 'asc' } }) : [];
  const byApplication = new Map<string, string[]>();
  for (const p of preferences) byApplication.set(p.application.id, [...(byApplication.get(p.application.id) ?? []), p.place.id]);
  return applications.map((a) => ({
    id: a.id,
    groupKey: groupOf.get(a.id) ?? null,
    score: a.score ?? 0,
    academicPoints: a.academicPoints ?? 0,
    languagePoints: a.languagePoints ?? 0,
    submittedAt: (a.submittedAt ?? a.createdAt).toISOString(),
    number: a.number,
    preferences: byApplication.get(a.id) ?? [],
    acceptsZeroGrant: a.acceptsZeroGrant,
  }));
}

function statusCounts(em: EntityManager, callId: string): Promise<{ status: S; count: number }[]> {
  return em.execute(`select status, count(*)::int as count from mobility_application where call_id = ? group by status order by status`, [callId]);
}
