import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { findPage } from '../../platform/db/pagination';
import { forbidden, notFound, versionConflict } from '../../platform/errors/domain-error';
import { recordEvent, type DeliveredEvent } from '../../platform/events/outbox';
import type { RequestContext, Transaction } from '../../platform/graphql/context';
import { fromGlobalId, pageRequest, toGlobalId, type ConnectionArgs, type ConnectionShape } from '../../platform/graphql/relay';
import { Institution } from '../institutions/institution.entity';
import { fetchLineages } from '../institutions/institution.loaders';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { academicYearEndSql, isAcademicYear, startYear } from './academic-year';
import {
  Agreement,
  AgreementKind,
  AgreementPartner,
  AgreementRevision,
  AgreementStatus,
  CooperationCondition,
  MobilityType,
} from './agreement.entity';
import { AgreementErrors } from './agreement.errors';
import {
  AgreementOrderField,
  SigningSide,
  type AgreementFilter,
  type AgreementOrder,
  type AgreementPartnerInput,
  type CooperationConditionInput,
  type CreateAgreementInput,
  type SignAgreementInput,
  type UpdateAgreementInput,
} from './agreement.inputs';
import { agreementById } from './agreement.loaders';

export const AGREEMENT_TYPE = 'Agreement';
const INSTITUTION_TYPE = 'Institution';
const UNIT_TYPE = 'OrganisationalUnit';

/** The lifecycle. SIGNED_BY_ONE and IN_EFFECT are reached by signing; the others by changeAgreementStatus. */
export const TRANSITIONS: Record<AgreementStatus, AgreementStatus[]> = {
  DRAFT: [AgreementStatus.IN_NEGOTIATION, AgreementStatus.TERMINATED],
  IN_NEGOTIATION: [AgreementStatus.DRAFT, AgreementStatus.SIGNED_BY_ONE, AgreementStatus.IN_EFFECT, AgreementStatus.TERMINATED],
  SIGNED_BY_ONE: [AgreementStatus.IN_NEGOTIATION, AgreementStatus.IN_EFFECT, AgreementStatus.TERMINATED],
  IN_EFFECT: [AgreementStatus.EXPIRED, AgreementStatus.TERMINATED],
  EXPIRED: [],
  TERMINATED: [],
};
const SIGNED_STATES = [AgreementStatus.SIGNED_BY_ONE, AgreementStatus.IN_EFFECT];
const EDITABLE = [AgreementStatus.DRAFT, AgreementStatus.IN_NEGOTIATION, AgreementStatus.SIGNED_BY_ONE];
const STUDENT_TYPES = [MobilityType.SMS, MobilityType.SMT];

export const AGREEMENT_EVENTS = {
  created: 'agreement.created',
  updated: 'agreement.updated',
  statusChanged: 'agreement.statusChanged',
};

// --- Reads -------------------------------------------------------------------------------------------------------

/**
 * Row scope: the office sees every agreement; a coordinator those of their units and the units below them
 * (university-wide agreements, without a home unit, included: coordinators work under them).
 */
async function scopeFilter(ctx: RequestContext): Promise<FilterQuery<Agreement> | undefined> {
  if (ctx.viewer.isOffice) return undefined;
  if (!ctx.viewer.has('COORDINATOR')) throw forbidden();
  const units = await descendantUnitIds(ctx.em, [...ctx.viewer.units]);
  return { $or: [{ homeUnit: null }, { homeUnit: { $in: units } }] };
}

export async function descendantUnitIds(em: EntityManager, roots: string[]): Promise<string[]> {
  if (roots.length === 0) return [];
  const rows = await em.execute<{ id: string }[]>(
    `with recursive sub(id, depth) as (
       select id, 0 from organisational_unit where id = any(?::uuid[])
       union all
       select u.id, s.depth + 1 from organisational_unit u join sub s on u.parent_id = s.id where s.depth < 20)
     select distinct id::text as id from sub`,
    [`{${roots.join(',')}}`],
  );
  return rows.map((r) => r.id);
}

export async function listAgreements(
  ctx: RequestContext,
  filter: AgreementFilter | undefined,
  order: AgreementOrder | undefined,
  args: ConnectionArgs,
): Promise<ConnectionShape<Agreement>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const where: FilterQuery<Agreement>[] = [];
  const scope = await scopeFilter(ctx);
  if (scope) where.push(scope);
  if (filter?.kinds?.length) where.push({ kind: { $in: filter.kinds } });
  if (filter?.statuses?.length) where.push({ status: { $in: filter.statuses } });
  if (filter?.partnerId) where.push({ partners: { institution: fromGlobalId(filter.partnerId, INSTITUTION_TYPE, 'filter.partnerId') } });
  if (filter?.homeUnitId) {
    const units = await descendantUnitIds(ctx.em, [fromGlobalId(filter.homeUnitId, UNIT_TYPE, 'filter.homeUnitId')]);
    where.push({ homeUnit: { $in: units } });
  }
  if (filter?.academicYear) where.push({ firstAcademicYear: { $lte: filter.academicYear }, lastAcademicYear: { $gte: filter.academicYear } });
  if (filter?.mobilityTypes?.length) where.push({ conditions: { mobilityType: { $in: filter.mobilityTypes } } });
  if (filter?.isced || filter?.expiringWithinDays !== undefined || filter?.withoutConditionsFor) {
    where.push({ id: { $in: await agreementIdsBySql(ctx.em, filter) } });
  }
  const field = order?.field ?? AgreementOrderField.CREATED_AT;
  const direction = order?.direction ?? 'asc';
  return findPage(ctx.em, Agreement, where.length ? { $and: where } : {}, [
    { field: field as keyof Agreement & string, direction },
    { field: 'id', direction },
  ], page);
}

/** The filters that need SQL beyond the ORM's filter language, answered in one statement. */
async function agreementIdsBySql(em: EntityManager, filter: AgreementFilter): Promise<string[]> {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (filter.isced) {
    clauses.push(`exists (select 1 from cooperation_condition c, unnest(c.isced_codes) code where c.agreement_id = a.id and code like ?)`);
    params.push(`${filter.isced}%`);
  }
  if (filter.expiringWithinDays !== undefined && filter.expiringWithinDays !== null) {
    // An agreement ends with its last academic year (31 August of that year's second calendar year).
    clauses.push(`a.status = 'IN_EFFECT' and ${academicYearEndSql('a.last_academic_year')} between current_date and current_date + ?::int`);
    params.push(filter.expiringWithinDays);
  }
  if (filter.withoutConditionsFor) {
    clauses.push(`a.first_academic_year <= ? and a.last_academic_year >= ?
      and not exists (select 1 from cooperation_condition c where c.agreement_id = a.id and c.first_academic_year <= ? and c.last_academic_year >= ?)`);
    params.push(filter.withoutConditionsFor, filter.withoutConditionsFor, filter.withoutConditionsFor, filter.withoutConditionsFor);
  }
  const rows = await em.execute<{ id: string }[]>(`select a.id::text as id from agreement a where ${clauses.join(' and ')}`, params);
  return rows.map((r) => r.id);
}

export async function getAgreement(ctx: RequestContext, id: string): Promise<Agreement | null> {
  const agreement = await ctx.loader(agreementById).load(id);
  if (!agreement || (await canSee(ctx, agreement))) return agreement;
  return null;
}

async function canSee(ctx: RequestContext, agreement: Agreement): Promise<boolean> {
  if (ctx.viewer.isOffice) return true;
  if (!ctx.viewer.has('COORDINATOR')) return false;
  if (!agreement.homeUnit) return true;
  const [lineage] = await fetchLineages(ctx.em, [agreement.homeUnit.id]);
  return ctx.viewer.coordinates(lineage);
}

export interface QuotaTotal {
  key: string;
  label: string;
  mobilities: number;
  months: number;
  days: number;
  agreements: number;
}

/** Quota totals of agreements in effect for one academic year, by partner, ISCED field or mobility type. */
export async function quotaTotals(ctx: RequestContext, academicYear: string, groupBy: 'PARTNER' | 'ISCED' | 'MOBILITY_TYPE'): Promise<QuotaTotal[]> {
  if (!isAcademicYear(academicYear)) throw AgreementErrors.yearsOutOfOrder('academicYear');
  const key = {
    PARTNER: `case when c.sending_institution_id = home.id then c.receiving_institution_id else c.sending_institution_id end::text`,
    ISCED: `coalesce(nullif(c.isced_codes[1], ''), '—')`,
    MOBILITY_TYPE: `c.mobility_type`,
  }[groupBy];
  const label = groupBy === 'PARTNER' ? `(select official_name from institution where id::text = ${key})` : key;
  const rows = await ctx.em.execute<QuotaTotal[]>(
    `select ${key} as key, ${label} as label, sum(c.mobilities_per_year)::int as mobilities,
            coalesce(sum(c.total_months_per_year), 0)::float as months, coalesce(sum(c.total_days_per_year), 0)::int as days,
            count(distinct c.agreement_id)::int as agreements
       from cooperation_condition c
       join agreement a on a.id = c.agreement_id
       cross join (select id from institution where is_home) home
      where a.status = 'IN_EFFECT' and c.first_academic_year <= ? and c.last_academic_year >= ?
      group by 1, 2
      order by mobilities desc, 2`,
    [academicYear, academicYear],
  );
  // A partner is named by its global ID, as everywhere in the API (node(id), filter.partnerId), not by its uuid.
  return groupBy === 'PARTNER' ? rows.map((r) => ({ ...r, key: toGlobalId(INSTITUTION_TYPE, r.key) })) : rows;
}

// --- Changes -----------------------------------------------------------------------------------------------------

export async function createAgreement(ctx: RequestContext, input: CreateAgreementInput): Promise<Agreement> {
  return ctx.transaction(async (tx) => {
    checkYears(input.firstAcademicYear, input.lastAcademicYear, 'lastAcademicYear');
    const home = await tx.em.findOneOrFail(Institution, { isHome: true });
    const agreement = tx.em.create(Agreement, {
      kind: input.kind,
      title: input.title.trim(),
      reference: input.reference?.trim(),
      firstAcademicYear: input.firstAcademicYear,
      lastAcademicYear: input.lastAcademicYear,
      internalNote: input.internalNote,
    } as never);
    if (input.homeUnitId) agreement.homeUnit = (await homeUnit(tx.em, home, input.homeUnitId, 'input.homeUnitId')) as never;
    await setPartners(tx.em, agreement, home, input.partners);
    await setConditions(tx.em, agreement, home, input.conditions ?? []);
    await flushMapped(tx.em, agreement);
    await recordChange(tx, agreement, AGREEMENT_EVENTS.created, {}, ctx.viewer.subject ?? undefined);
    return agreement;
  });
}

export async function updateAgreement(ctx: RequestContext, input: UpdateAgreementInput): Promise<Agreement> {
  const id = fromGlobalId(input.id, AGREEMENT_TYPE, 'input.id');
  return ctx.transaction(async (tx) => {
    const agreement = await loadForChange(tx, ctx, id, input.id, input.version);
    const from = agreement.status;
    const contentChange = Object.entries(input).some(([k, v]) => v !== undefined && !['id', 'version', 'internalNote'].includes(k));
    if (contentChange && !EDITABLE.includes(agreement.status)) throw AgreementErrors.locked(agreement.status);
    const home = await tx.em.findOneOrFail(Institution, { isHome: true });
    if (input.title) agreement.title = input.title.trim();
    if (input.reference !== undefined) agreement.reference = input.reference?.trim() || undefined;
    if (input.internalNote !== undefined) agreement.internalNote = input.internalNote ?? undefined;
    if (input.homeUnitId !== undefined) {
      agreement.homeUnit = input.homeUnitId ? ((await homeUnit(tx.em, home, input.homeUnitId, 'input.homeUnitId')) as never) : undefined;
    }
    if (input.firstAcademicYear) agreement.firstAcademicYear = input.firstAcademicYear;
    if (input.lastAcademicYear) agreement.lastAcademicYear = input.lastAcademicYear;
    checkYears(agreement.firstAcademicYear, agreement.lastAcademicYear, 'input.lastAcademicYear');
    await agreement.partners.init();
    await agreement.conditions.init();
    if (input.partners) await setPartners(tx.em, agreement, home, input.partners);
    if (input.conditions) await setConditions(tx.em, agreement, home, input.conditions);
    else if (input.firstAcademicYear || input.lastAcademicYear || input.partners) {
      await setConditions(tx.em, agreement, home, null);
    }
    // Changing what one side signed withdraws the signatures: the text must be agreed again.
    if (contentChange && agreement.status === AgreementStatus.SIGNED_BY_ONE) {
      agreement.status = AgreementStatus.IN_NEGOTIATION;
      clearSignatures(agreement);
    }
    // Every accepted update is a new version, also when only the partner or condition rows changed (they live in
    // their own tables, so the agreement row would not be updated and keep its version: the revision would clash
    // with the previous one, and a concurrent edit based on the old version would not be detected).
    agreement.updatedAt = new Date();
    await flushMapped(tx.em, agreement);
    // Withdrawing a signature moves the status: subscribers of status changes hear of it.
    if (agreement.status !== from) {
      await recordChange(tx, agreement, AGREEMENT_EVENTS.statusChanged, { from, to: agreement.status }, ctx.viewer.subject ?? undefined);
    } else {
      await recordChange(tx, agreement, AGREEMENT_EVENTS.updated, {}, ctx.viewer.subject ?? undefined);
    }
    return agreement;
  });
}

export async function changeAgreementStatus(ctx: RequestContext, globalId: string, version: number, to: AgreementStatus): Promise<Agreement> {
  const id = fromGlobalId(globalId, AGREEMENT_TYPE);
  return ctx.transaction(async (tx) => {
    const agreement = await loadForChange(tx, ctx, id, globalId, version);
    const from = agreement.status;
    const allowed = TRANSITIONS[from].filter((s) => !SIGNED_STATES.includes(s));
    if (!allowed.includes(to)) {
      // Point to signAgreement only where signing can reach the requested status (not from a draft).
      throw AgreementErrors.invalidTransition(from, to, TRANSITIONS[from].includes(to) ? [...allowed, 'signAgreement'] : allowed);
    }
    agreement.status = to;
    if (to === AgreementStatus.TERMINATED) agreement.terminatedOn = new Date().toISOString().slice(0, 10);
    if (to === AgreementStatus.IN_NEGOTIATION || to === AgreementStatus.DRAFT) clearSignatures(agreement);
    await tx.em.flush();
    await recordChange(tx, agreement, AGREEMENT_EVENTS.statusChanged, { from, to }, ctx.viewer.subject ?? undefined);
    return agreement;
  });
}

/** One side signs: the first signature makes it SIGNED_BY_ONE, the second puts it IN_EFFECT. */
export async function signAgreement(ctx: RequestContext, input: SignAgreementInput): Promise<Agreement> {
  const id = fromGlobalId(input.id, AGREEMENT_TYPE, 'input.id');
  return ctx.transaction(async (tx) => {
    const agreement = await loadForChange(tx, ctx, id, input.id, input.version);
    const from = agreement.status;
    if (![AgreementStatus.IN_NEGOTIATION, AgreementStatus.SIGNED_BY_ONE].includes(from)) {
      throw AgreementErrors.invalidTransition(from, AgreementStatus.SIGNED_BY_ONE, TRANSITIONS[from]);
    }
    if (agreement.kind === AgreementKind.ERASMUS_IIA && (await agreement.conditions.loadCount()) === 0) {
      throw AgreementErrors.conditionsRequired();
    }
    if (input.side === SigningSide.HOME) {
      agreement.homeSignatory = input.signatory.trim();
      agreement.homeSignedOn = input.signedOn;
    } else {
      agreement.partnerSignatory = input.signatory.trim();
      agreement.partnerSignedOn = input.signedOn;
    }
    agreement.status = agreement.homeSignedOn && agreement.partnerSignedOn ? AgreementStatus.IN_EFFECT : AgreementStatus.SIGNED_BY_ONE;
    await tx.em.flush();
    await recordChange(
      tx,
      agreement,
      agreement.status === from ? AGREEMENT_EVENTS.updated : AGREEMENT_EVENTS.statusChanged,
      { from, to: agreement.status },
      ctx.viewer.subject ?? undefined,
    );
    return agreement;
  });
}

/** Agreements in effect whose last academic year has ended become EXPIRED (a scheduled job), one transaction each. */
export async function expireEndedAgreements(em: EntityManager, today = new Date()): Promise<number> {
  const due = await em.execute<{ id: string }[]>(
    `select id::text as id from agreement
      where status = 'IN_EFFECT' and ${academicYearEndSql('last_academic_year')} < ?::date`,
    [today.toISOString().slice(0, 10)],
  );
  let count = 0;
  for (const { id } of due) {
    // A fresh entity manager per agreement: nothing loaded outside the transaction is touched inside it.
    await em.fork({ clear: true }).transactional(async (tx) => {
      const agreement = await tx.findOneOrFail(Agreement, { id });
      if (agreement.status !== AgreementStatus.IN_EFFECT) return;
      agreement.status = AgreementStatus.EXPIRED;
      await tx.flush();
      await writeRevision(tx as EntityManager, agreement, 'system');
      recordEvent(tx as EntityManager, {
        type: AGREEMENT_EVENTS.statusChanged,
        aggregateType: AGREEMENT_TYPE,
        aggregateId: agreement.id,
        aggregateVersion: agreement.version,
        actor: 'system',
        scopeUnitIds: await scopeUnits(tx as EntityManager, agreement),
        payload: { status: AgreementStatus.EXPIRED, from: AgreementStatus.IN_EFFECT, to: AgreementStatus.EXPIRED },
      });
      count++;
    });
  }
  return count;
}

async function loadForChange(tx: Transaction, ctx: RequestContext, id: string, globalId: string, version: number): Promise<Agreement> {
  const agreement = await tx.em.findOne(Agreement, { id });
  if (!agreement) throw notFound(AGREEMENT_TYPE, globalId);
  if (!ctx.viewer.isOffice) throw forbidden('Only the office changes agreements');
  if (agreement.version !== version) throw versionConflict(AGREEMENT_TYPE, version, agreement.version);
  return agreement;
}

function checkYears(first: string, last: string, field: string) {
  if (!isAcademicYear(first)) throw AgreementErrors.yearsOutOfOrder(field.replace('last', 'first'));
  if (!isAcademicYear(last) || startYear(last) < startYear(first)) throw AgreementErrors.yearsOutOfOrder(field);
}

function clearSignatures(agreement: Agreement) {
  agreement.homeSignatory = agreement.homeSignedOn = agreement.partnerSignatory = agreement.partnerSignedOn = undefined;
}

async function homeUnit(em: EntityManager, home: Institution, globalId: string, field: string): Promise<OrganisationalUnit> {
  const unit = await em.findOne(OrganisationalUnit, { id: fromGlobalId(globalId, UNIT_TYPE, field), institution: home });
  if (!unit) throw AgreementErrors.unitNotInInstitution(field);
  return unit;
}

async function setPartners(em: EntityManager, agreement: Agreement, home: Institution, inputs: AgreementPartnerInput[]) {
  const ids = inputs.map((p, i) => fromGlobalId(p.institutionId, INSTITUTION_TYPE, `partners.${i}.institutionId`));
  const institutions = await em.find(Institution, { id: { $in: ids } });
  // A partner that stays keeps its row: a new row for the same institution would be inserted before the old one is
  // deleted and break the (agreement, institution) unique key. A partner listed twice is one row.
  const byInstitution = new Map<string, AgreementPartner>(
    agreement.partners.isInitialized() ? agreement.partners.getItems().map((p) => [p.institution.id, p]) : [],
  );
  const rows: AgreementPartner[] = [];
  for (const [i, input] of inputs.entries()) {
    const institution = institutions.find((x) => x.id === ids[i]);
    if (!institution) throw AgreementErrors.partnerUnknown(`partners.${i}.institutionId`);
    if (institution.id === home.id) throw AgreementErrors.partnerIsHome(`partners.${i}.institutionId`);
    if (rows.some((r) => r.institution.id === institution.id)) continue;
    const row = byInstitution.get(institution.id) ?? em.create(AgreementPartner, { agreement, institution } as never);
    if (input.unitId) {
      const unit = await em.findOne(OrganisationalUnit, { id: fromGlobalId(input.unitId, UNIT_TYPE, `partners.${i}.unitId`), institution });
      if (!unit) throw AgreementErrors.unitNotInInstitution(`partners.${i}.unitId`);
      row.unit = unit as never;
    } else if (row.unit) {
      row.unit = undefined;
    }
    rows.push(row);
  }
  agreement.partners.set(rows);
}

/** Replaces the conditions (or, with `null`, re-checks the current ones against changed years and partners). */
async function setConditions(em: EntityManager, agreement: Agreement, home: Institution, inputs: CooperationConditionInput[] | null) {
  const parties = new Set([home.id, ...agreement.partners.getItems().map((p) => p.institution.id)]);
  if (inputs === null) {
    agreement.conditions.getItems().forEach((c, i) => {
      if (!parties.has(c.sendingInstitution.id)) throw AgreementErrors.conditionParty(i, 'sending');
      if (!parties.has(c.receivingInstitution.id)) throw AgreementErrors.conditionParty(i, 'receiving');
      if (c.firstAcademicYear < agreement.firstAcademicYear || c.lastAcademicYear > agreement.lastAcademicYear) {
        throw AgreementErrors.conditionOutsideAgreement(i);
      }
    });
    return;
  }
  const rows: CooperationCondition[] = [];
  for (const [i, given] of inputs.entries()) {
    // Lists left out (or sent as null) are empty.
    const c = { ...given, subjectAreas: given.subjectAreas ?? [], eqfLevels: given.eqfLevels ?? [], languages: given.languages ?? [], blended: given.blended ?? false };
    const sending = fromGlobalId(c.sendingInstitutionId, INSTITUTION_TYPE, `conditions.${i}.sendingInstitutionId`);
    const receiving = fromGlobalId(c.receivingInstitutionId, INSTITUTION_TYPE, `conditions.${i}.receivingInstitutionId`);
    if (!parties.has(sending)) throw AgreementErrors.conditionParty(i, 'sending');
    if (!parties.has(receiving)) throw AgreementErrors.conditionParty(i, 'receiving');
    if (sending === receiving) throw AgreementErrors.conditionSameParty(i);
    checkYears(c.firstAcademicYear, c.lastAcademicYear, `conditions.${i}.lastAcademicYear`);
    if (c.firstAcademicYear < agreement.firstAcademicYear || c.lastAcademicYear > agreement.lastAcademicYear) {
      throw AgreementErrors.conditionOutsideAgreement(i);
    }
    const student = STUDENT_TYPES.includes(c.mobilityType);
    if (student && !c.totalMonthsPerYear) throw AgreementErrors.conditionDuration(i, 'student mobility needs totalMonthsPerYear');
    if (!student && !c.totalDaysPerYear) throw AgreementErrors.conditionDuration(i, 'staff mobility needs totalDaysPerYear');
    const row = em.create(CooperationCondition, {
      agreement,
      sendingInstitution: sending,
      receivingInstitution: receiving,
      mobilityType: c.mobilityType,
      firstAcademicYear: c.firstAcademicYear,
      lastAcademicYear: c.lastAcademicYear,
      mobilitiesPerYear: c.mobilitiesPerYear,
      totalMonthsPerYear: student ? c.totalMonthsPerYear : undefined,
      totalDaysPerYear: student ? undefined : c.totalDaysPerYear,
      subjectAreas: c.subjectAreas.map((s) => ({ isced: s.isced, ...(s.clarification ? { clarification: s.clarification } : {}) })),
      iscedCodes: [...new Set(c.subjectAreas.map((s) => s.isced))],
      eqfLevels: [...new Set(c.eqfLevels)].sort(),
      languages: c.languages.map((l) => ({ language: l.language, ...(l.cefr ? { cefr: l.cefr } : {}) })),
      languageCodes: [...new Set(c.languages.map((l) => l.language))],
      blended: c.blended,
      position: i,
    } as never);
    for (const [side, unitId, institutionId] of [
      ['sendingUnit', c.sendingUnitId, sending],
      ['receivingUnit', c.receivingUnitId, receiving],
    ] as const) {
      if (!unitId) continue;
      const unit = await em.findOne(OrganisationalUnit, { id: fromGlobalId(unitId, UNIT_TYPE, `conditions.${i}.${side}Id`), institution: institutionId });
      if (!unit) throw AgreementErrors.unitNotInInstitution(`conditions.${i}.${side}Id`);
      row[side] = unit as never;
    }
    rows.push(row);
  }
  agreement.conditions.set(rows);
}

async function flushMapped(em: EntityManager, agreement: Agreement) {
  try {
    await em.flush();
  } catch (e) {
    if (e instanceof UniqueConstraintViolationException && agreement.reference) throw AgreementErrors.referenceTaken(agreement.reference);
    throw e;
  }
}

// --- History and events ------------------------------------------------------------------------------------------

/** A plain, comparable picture of an agreement with its partners and conditions. */
export function snapshotOf(agreement: Agreement): Record<string, unknown> {
  return {
    kind: agreement.kind,
    status: agreement.status,
    title: agreement.title,
    reference: agreement.reference ?? null,
    homeUnitId: agreement.homeUnit?.id ?? null,
    firstAcademicYear: agreement.firstAcademicYear,
    lastAcademicYear: agreement.lastAcademicYear,
    homeSignatory: agreement.homeSignatory ?? null,
    homeSignedOn: agreement.homeSignedOn ?? null,
    partnerSignatory: agreement.partnerSignatory ?? null,
    partnerSignedOn: agreement.partnerSignedOn ?? null,
    terminatedOn: agreement.terminatedOn ?? null,
    internalNote: agreement.internalNote ?? null,
    partners: agreement.partners.isInitialized()
      ? agreement.partners.getItems().map((p) => ({ institutionId: p.institution.id, unitId: p.unit?.id ?? null }))
      : undefined,
    conditions: agreement.conditions.isInitialized()
      ? agreement.conditions.getItems().map((c) => ({
          sendingInstitutionId: c.sendingInstitution.id,
          sendingUnitId: c.sendingUnit?.id ?? null,
          receivingInstitutionId: c.receivingInstitution.id,
          receivingUnitId: c.receivingUnit?.id ?? null,
          mobilityType: c.mobilityType,
          firstAcademicYear: c.firstAcademicYear,
          lastAcademicYear: c.lastAcademicYear,
          mobilitiesPerYear: c.mobilitiesPerYear,
          totalMonthsPerYear: c.totalMonthsPerYear ?? null,
          totalDaysPerYear: c.totalDaysPerYear ?? null,
          subjectAreas: c.subjectAreas,
          eqfLevels: c.eqfLevels,
          languages: c.languages,
          blended: c.blended,
        }))
      : undefined,
  };
}

export interface FieldChange {
  path: string;
  from: unknown;
  to: unknown;
}

/** The leaf paths that differ between two snapshots (`conditions.0.mobilitiesPerYear`, `title`, ...). */
export function diffSnapshots(before: unknown, after: unknown, path = ''): FieldChange[] {
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object';
  if (isObject(before) && isObject(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => diffSnapshots(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (JSON.stringify(before ?? null) === JSON.stringify(after ?? null)) return [];
  return [{ path, from: before ?? null, to: after ?? null }];
}

async function writeRevision(em: EntityManager, agreement: Agreement, actor: string | undefined): Promise<void> {
  await agreement.partners.init();
  await agreement.conditions.init();
  const snapshot = snapshotOf(agreement);
  const previous = await em.findOne(AgreementRevision, { agreement }, { orderBy: { version: 'desc' } });
  em.create(AgreementRevision, {
    agreement,
    version: agreement.version,
    actor,
    snapshot,
    changes: previous ? diffSnapshots(previous.snapshot, snapshot) : [],
  } as never);
  await em.flush();
}

async function scopeUnits(em: EntityManager, agreement: Agreement): Promise<string[]> {
  if (!agreement.homeUnit) return [];
  const [lineage] = await fetchLineages(em, [agreement.homeUnit.id]);
  return lineage;
}

async function recordChange(tx: Transaction, agreement: Agreement, type: string, payload: Record<string, unknown> = {}, actor?: string) {
  await writeRevision(tx.em, agreement, actor);
  tx.emit({
    type,
    aggregateType: AGREEMENT_TYPE,
    aggregateId: agreement.id,
    aggregateVersion: agreement.version,
    scopeUnitIds: await scopeUnits(tx.em, agreement),
    payload: { status: agreement.status, ...payload },
  });
}

export async function revisionsOf(ctx: RequestContext, agreement: Agreement): Promise<AgreementRevision[]> {
  return ctx.em.find(AgreementRevision, { agreement: agreement.id }, { orderBy: { version: 'desc' } });
}

/** What changed between a revision and the agreement as it is now. */
export async function compareWithRevision(ctx: RequestContext, agreement: Agreement, version: number): Promise<FieldChange[]> {
  const revision = await ctx.em.findOne(AgreementRevision, { agreement: agreement.id, version });
  if (!revision) throw AgreementErrors.revisionNotFound(version);
  const current = await ctx.em.findOneOrFail(Agreement, { id: agreement.id }, { populate: ['partners', 'conditions'] });
  return diffSnapshots(revision.snapshot, snapshotOf(current));
}

/** Live status changes the viewer may see (office: all; coordinators: their units' agreements). */
export function followAgreementStatus(ctx: RequestContext): AsyncIterableIterator<DeliveredEvent> {
  return ctx.follow(
    (e) => e.type === AGREEMENT_EVENTS.statusChanged && (ctx.viewer.isOffice || ctx.viewer.coordinates(e.scopeUnitIds) || (ctx.viewer.has('COORDINATOR') && e.scopeUnitIds.length === 0)),
  );
}

export async function statusChangeView(ctx: RequestContext, event: DeliveredEvent) {
  ctx.refresh();
  return {
    agreementId: toGlobalId(AGREEMENT_TYPE, event.aggregateId),
    from: event.payload.from as AgreementStatus,
    to: event.payload.to as AgreementStatus,
    version: event.aggregateVersion,
    actor: ctx.viewer.isOffice ? event.actor : null,
    occurredAt: event.occurredAt,
    agreement: await getAgreement(ctx, event.aggregateId),
  };
}

// --- For importers -----------------------------------------------------------------------------------------------

/**
 * Records a change an importer (the EWP IIA import) made to an agreement inside `tx`, as the functions above record
 * theirs: a revision with what changed, and the outbox event (`created`; `statusChanged` with from/to when the
 * status moved; `updated` otherwise). The agreement must be flushed, with a new version when it existed before.
 */
export async function recordImportedAgreementChange(
  tx: Transaction,
  agreement: Agreement,
  change: { created: boolean; statusFrom?: AgreementStatus },
): Promise<void> {
  if (change.created) return recordChange(tx, agreement, AGREEMENT_EVENTS.created);
  if (change.statusFrom && change.statusFrom !== agreement.status) {
    return recordChange(tx, agreement, AGREEMENT_EVENTS.statusChanged, { from: change.statusFrom, to: agreement.status });
  }
  return recordChange(tx, agreement, AGREEMENT_EVENTS.updated);
}
