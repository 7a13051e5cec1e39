/**
 * Partners' nominations: recorded from staff entry, CSV or an EWP-style record through one path (`recordNomination`),
 * matched against our agreements (nomination-matching.rules.ts) with the quota's conditions locked, numbered, given a
 * one-time invitation code; claimed by the nominee; their issues acknowledged by the office. Also the factsheet's
 * deadlines and the quota usage per cooperation condition towards us.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { sqlArray } from '../../platform/db/sql-array';
import { unauthenticated, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext, Transaction } from '../../platform/graphql/context';
import { fromGlobalId } from '../../platform/graphql/relay';
import { Agreement, AgreementPartner, CooperationCondition, type MobilityType } from '../agreements/agreement.entity';
import { descendantUnitIds } from '../agreements/agreement.service';
import { fetchLineages } from '../institutions/institution.loaders';
import { Institution } from '../institutions/institution.entity';
import { requireHomeInstitution } from '../institutions/institution.service';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { EQF_OF_LEVEL, type StudyLevel } from '../mobility/application.entity';
import { AcademicTerm, IncomingDeadline, IncomingMobility, IncomingStatus, type NominationSource } from './incoming-mobility.entity';
import { announceIncoming, INCOMING_EVENTS, recordIncomingStep, withIncoming } from './incoming-mobility.service';
import { IncomingErrors } from './incoming.errors';
import { COUNTS_AGAINST_QUOTA, sqlIncomingStates } from './incoming.transitions';
import { IntakeErrors } from './intake.errors';
import { deadlineFor, isStaffType, matchNomination, type AgreementFacts } from './nomination-matching.rules';
import { hostToday } from '../mobility/calendar-day';

export const DEADLINE_TYPE = 'IncomingDeadline';

/** A nomination as every channel hands it over, with the institution and unit already resolved to uuids. */
export interface NominationData {
  source: NominationSource;
  sendingInstitutionId: string;
  sendingUnitName?: string | null;
  agreementId?: string | null;
  mobilityType: MobilityType;
  academicYear: string;
  term: AcademicTerm;
  studyLevel?: StudyLevel | null;
  iscedCode?: string | null;
  languageCode?: string | null;
  languageLevel?: string | null;
  hostUnitId: string;
  givenNames: string;
  familyName: string;
  email: string;
  birthDate?: string | null;
  citizenships?: string[] | null;
  nomineeSubject?: string | null;
  plannedArrival?: string | null;
  plannedDeparture?: string | null;
  nominatedOn?: string | null;
}

export interface RecordedNomination {
  mobility: IncomingMobility;
  /** Shown once; only its hash is kept. Null when the nominee's account was given. */
  invitationCode: string | null;
}

// --- Invitation codes ----------------------------------------------------------------------------------------------

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read out on the phone or retyped from e-mail

/** 12 random characters (60 bits) in three groups: XXXX-XXXX-XXXX. */
export function newInvitationCode(): string {
  const chars = Array.from({ length: 12 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]);
  return [chars.slice(0, 4), chars.slice(4, 8), chars.slice(8)].map((g) => g.join('')).join('-');
}

export function invitationHash(code: string): string {
  return createHash('sha256').update(code.toUpperCase().replace(/[^A-Z0-9]/g, ''), 'utf8').digest('hex');
}

// --- Recording a nomination ----------------------------------------------------------------------------------------

export async function homeUnitOrFail(em: EntityManager, unitId: string, field: string): Promise<OrganisationalUnit> {
  const home = await requireHomeInstitution(em);
  const unit = await em.findOne(OrganisationalUnit, { id: unitId, institution: home.id });
  if (!unit) throw IncomingErrors.unitNotHome(field);
  return unit;
}

/** The nomination deadline of the year and term, checked (no deadline set: none). */
export async function assertNominationOpen(em: EntityManager, academicYear: string, term: AcademicTerm): Promise<void> {
  const deadline = deadlineFor(await em.find(IncomingDeadline, { academicYear }), term);
  if (deadline && hostToday() > deadline.nominationDeadline) throw IntakeErrors.nominationDeadlinePassed(academicYear, term, deadline.nominationDeadline);
}

/**
 * Records a nomination in the caller's transaction: checks, matching against the partner's agreements (their
 * conditions towards us locked, so that two nominations for the last place of a quota take turns and the second one is
 * flagged), the number, the first history line and the status event.
 */
export async function recordNomination(tx: Transaction, ctx: RequestContext, data: NominationData): Promise<RecordedNomination> {
  const em = tx.em;
  const home = await requireHomeInstitution(em);
  if (data.sendingInstitutionId === home.id) throw IntakeErrors.homeAsPartner('sendingInstitutionId');
  await homeUnitOrFail(em, data.hostUnitId, 'hostUnitId');
  const staff = isStaffType(data.mobilityType);
  if (staff && data.studyLevel) throw IntakeErrors.studyLevelForStaff();
  if (!staff && !data.studyLevel) throw IntakeErrors.studyLevelRequired();
  if (data.plannedArrival && data.plannedDeparture && data.plannedDeparture < data.plannedArrival) {
    throw IntakeErrors.invalidDates('plannedDeparture', 'The planned departure is before the planned arrival');
  }
  await assertNominationOpen(em, data.academicYear, data.term);

  const agreements = await agreementFacts(em, data.sendingInstitutionId, home.id, data.academicYear, data.agreementId ?? null);
  const [lineage] = await fetchLineages(em, [data.hostUnitId]);
  const match = matchNomination(
    {
      sendingInstitutionId: data.sendingInstitutionId,
      homeInstitutionId: home.id,
      hostUnitLineage: lineage,
      mobilityType: data.mobilityType,
      academicYear: data.academicYear,
      eqfLevel: data.studyLevel ? EQF_OF_LEVEL[data.studyLevel] : null,
      iscedCode: data.iscedCode ?? null,
      languageCode: data.languageCode ?? null,
      languageLevel: data.languageLevel ?? null,
    },
    agreements,
    data.agreementId ?? null,
  );

  const invitationCode = data.nomineeSubject ? null : newInvitationCode();
  const mobility = em.create(IncomingMobility, {
    number: await nextNumber(em, data.academicYear, data.mobilityType),
    status: IncomingStatus.NOMINATED,
    mobilityType: data.mobilityType,
    source: data.source,
    nomineeSubject: data.nomineeSubject ?? undefined,
    invitationCodeHash: invitationCode ? invitationHash(invitationCode) : undefined,
    givenNames: data.givenNames.trim(),
    familyName: data.familyName.trim(),
    email: data.email.trim().toLowerCase(),
    birthDate: data.birthDate ?? undefined,
    citizenships: [...new Set(data.citizenships ?? [])],
    sendingInstitution: data.sendingInstitutionId,
    sendingUnitName: data.sendingUnitName?.trim() || undefined,
    agreement: match.agreementId ?? undefined,
    cooperationCondition: match.conditionId ?? undefined,
    hostUnit: data.hostUnitId,
    academicYear: data.academicYear,
    term: data.term,
    studyLevel: data.studyLevel ?? undefined,
    iscedCode: data.iscedCode ?? undefined,
    languageCode: data.languageCode ?? undefined,
    languageLevel: data.languageLevel ?? undefined,
    nominationIssues: match.issues,
    plannedArrival: data.plannedArrival ?? undefined,
    plannedDeparture: data.plannedDeparture ?? undefined,
    nominatedOn: data.nominatedOn ?? undefined,
  } as never);
  recordIncomingStep(tx, mobility, null, IncomingStatus.NOMINATED, ctx.viewer.subject, undefined);
  await em.flush();
  await announceIncoming(tx, mobility, { from: null, to: IncomingStatus.NOMINATED }, INCOMING_EVENTS.statusChanged);
  return { mobility, invitationCode };
}

/** Staff entry: one nomination (office only). */
export async function nominate(ctx: RequestContext, data: Omit<NominationData, 'source'> & { source: NominationSource }): Promise<RecordedNomination> {
  assertOffice(ctx, 'Recording nominations is the office’s work');
  await ensureInstitution(ctx.em, data.sendingInstitutionId, 'sendingInstitutionId');
  return ctx.transaction((tx) => recordNomination(tx, ctx, data));
}

export async function ensureInstitution(em: EntityManager, id: string, field: string): Promise<void> {
  if (!(await em.count(Institution, { id }))) throw IntakeErrors.unknownInstitution(field, id);
}

/**
 * The facts of the partner's agreements (and the one named), with their conditions towards us locked for the rest of
 * the transaction and what each condition's quota already holds for the year.
 */
async function agreementFacts(em: EntityManager, partnerId: string, homeId: string, academicYear: string, requestedId: string | null): Promise<AgreementFacts[]> {
  const links = await em.find(AgreementPartner, { institution: partnerId }, { fields: ['agreement'] });
  const ids = [...new Set([...links.map((l) => l.agreement.id), ...(requestedId ? [requestedId] : [])])];
  if (ids.length === 0) return [];
  const agreements = await em.find(Agreement, { id: { $in: ids } });
  const partners = await em.find(AgreementPartner, { agreement: { $in: ids } });
  // The quota's rows are the conditions: locked in one order, so concurrent nominations queue instead of both counting
  // themselves within the last place.
  await em.execute(
    `select id from cooperation_condition where agreement_id = any(?::uuid[]) and sending_institution_id = ? and receiving_institution_id = ? order by id for update`,
    [sqlArray(ids), partnerId, homeId],
  );
  const conditions = await em.find(CooperationCondition, { agreement: { $in: ids } }, { orderBy: { position: 'asc' } });
  const used = await usedByCondition(em, conditions.map((c) => c.id), academicYear);
  return agreements.map((a) => ({
    id: a.id,
    status: a.status,
    firstAcademicYear: a.firstAcademicYear,
    lastAcademicYear: a.lastAcademicYear,
    partnerIds: partners.filter((p) => p.agreement.id === a.id).map((p) => p.institution.id),
    conditions: conditions
      .filter((c) => c.agreement.id === a.id)
      .map((c) => ({
        id: c.id,
        sendingInstitutionId: c.sendingInstitution.id,
        receivingInstitutionId: c.receivingInstitution.id,
        receivingUnitId: c.receivingUnit?.id ?? null,
        mobilityType: c.mobilityType,
        firstAcademicYear: c.firstAcademicYear,
        lastAcademicYear: c.lastAcademicYear,
        mobilitiesPerYear: c.mobilitiesPerYear,
        iscedCodes: c.iscedCodes,
        eqfLevels: c.eqfLevels.map(Number),
        languages: c.languages,
        position: c.position,
        used: used.get(c.id) ?? 0,
      })),
  }));
}

async function usedByCondition(em: EntityManager, conditionIds: string[], academicYear: string): Promise<Map<string, number>> {
  if (!conditionIds.length) return new Map();
  const rows = await em.execute<{ id: string; used: number }[]>(
    `select cooperation_condition_id::text as id, count(*)::int as used from incoming_mobility
      where cooperation_condition_id = any(?::uuid[]) and academic_year = ? and status in (${sqlIncomingStates(COUNTS_AGAINST_QUOTA)})
      group by cooperation_condition_id`,
    [sqlArray(conditionIds), academicYear],
  );
  return new Map(rows.map((r) => [r.id, r.used]));
}

/** 2027-IN-SMS-0004: per academic year and mobility type; concurrent nominations of one series take turns. */
async function nextNumber(em: EntityManager, academicYear: string, mobilityType: string): Promise<string> {
  const prefix = `${academicYear.slice(0, 4)}-IN-${mobilityType}`;
  await em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`incoming-number:${prefix}`]);
  const [{ n }] = await em.execute<{ n: number }[]>(
    `select coalesce(max(cast(substring(number from ?) as int)), 0)::int + 1 as n from incoming_mobility where number like ?`,
    [prefix.length + 2, `${prefix}-%`],
  );
  return `${prefix}-${String(n).padStart(4, '0')}`;
}

// --- The nominee claims it -----------------------------------------------------------------------------------------

/**
 * Binds the signed-in applicant to the nomination with the code the office passed on. Unknown number, wrong code and a
 * code already used all give the same answer, so numbers cannot be probed; the code works once.
 */
export async function claimNomination(ctx: RequestContext, number: string, code: string): Promise<IncomingMobility> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const offered = Buffer.from(invitationHash(code), 'hex');
  return ctx.transaction(async (tx) => {
    const mobility = await tx.em.findOne(IncomingMobility, { number: number.trim().toUpperCase() }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    const stored = Buffer.from(mobility?.invitationCodeHash ?? '0'.repeat(64), 'hex');
    const matches = timingSafeEqual(offered, stored);
    if (!mobility || !mobility.invitationCodeHash || !matches) throw IntakeErrors.invalidInvitation();
    mobility.nomineeSubject = ctx.viewer.subject!;
    mobility.invitationCodeHash = undefined;
    await tx.em.flush();
    await announceIncoming(tx, mobility, { changed: 'nominee' });
    return mobility;
  });
}

// --- The office acknowledges the issues ----------------------------------------------------------------------------

export async function acknowledgeIssues(ctx: RequestContext, globalId: string, version: number, note: string): Promise<IncomingMobility> {
  assertOffice(ctx, 'Acknowledging a nomination’s issues is the office’s work');
  const text = note.trim();
  if (!text) throw IncomingErrors.reasonRequired();
  return withIncoming(ctx, globalId, version, 'HOST', async (tx, mobility) => {
    if (!mobility.nominationIssues.length) throw IntakeErrors.noIssues();
    mobility.issuesAcknowledgedBy = ctx.viewer.subject!;
    mobility.issuesAcknowledgedAt = new Date();
    mobility.issuesAcknowledgementNote = text;
    await tx.em.flush();
    await announceIncoming(tx, mobility, { changed: 'nominationIssues' });
    return mobility;
  });
}

// --- Deadlines (the factsheet) -------------------------------------------------------------------------------------

export function listDeadlines(ctx: RequestContext, academicYear?: string | null): Promise<IncomingDeadline[]> {
  return ctx.em.find(IncomingDeadline, academicYear ? { academicYear } : {}, { orderBy: { academicYear: 'asc', term: 'asc' } });
}

export async function setDeadline(
  ctx: RequestContext,
  input: { academicYear: string; term: AcademicTerm; nominationDeadline: string; applicationDeadline: string; version?: number | null },
): Promise<IncomingDeadline> {
  assertOffice(ctx, 'The factsheet’s deadlines are the office’s');
  if (input.applicationDeadline < input.nominationDeadline) throw IntakeErrors.invalidDeadlines();
  return ctx.transaction(async (tx) => {
    let row = await tx.em.findOne(IncomingDeadline, { academicYear: input.academicYear, term: input.term }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (row && input.version != null && row.version !== input.version) throw versionConflict(DEADLINE_TYPE, input.version, row.version);
    if (!row) row = tx.em.create(IncomingDeadline, { academicYear: input.academicYear, term: input.term } as never);
    row.nominationDeadline = input.nominationDeadline;
    row.applicationDeadline = input.applicationDeadline;
    await tx.em.flush();
    return row;
  });
}

// --- Quota usage ---------------------------------------------------------------------------------------------------

export interface QuotaUsageRow {
  conditionId: string;
  agreementId: string;
  partnerId: string;
  unitId: string | null;
  mobilityType: MobilityType;
  mobilitiesPerYear: number;
  used: number;
  remaining: number;
}

/**
 * Per condition towards us of the agreements in effect for the year: its quota, how many nominations hold a place, how
 * many remain. Coordinators see the conditions of their units and the university-wide ones.
 */
export async function quotaUsage(ctx: RequestContext, academicYear: string): Promise<QuotaUsageRow[]> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const params: unknown[] = [academicYear, academicYear, academicYear];
  let scope = '';
  if (!ctx.viewer.isOffice) {
    scope = `and (c.receiving_unit_id is null or c.receiving_unit_id = any(?::uuid[]))`;
    params.push(sqlArray(await descendantUnitIds(ctx.em, [...ctx.viewer.units])));
  }
  const rows = await ctx.em.execute<Record<string, unknown>[]>(
    `select c.id::text as condition_id, c.agreement_id::text as agreement_id, c.sending_institution_id::text as partner_id,
            c.receiving_unit_id::text as unit_id, c.mobility_type, c.mobilities_per_year,
            (select count(*) from incoming_mobility m
              where m.cooperation_condition_id = c.id and m.academic_year = ? and m.status in (${sqlIncomingStates(COUNTS_AGAINST_QUOTA)}))::int as used
       from cooperation_condition c
       join agreement a on a.id = c.agreement_id and a.status = 'IN_EFFECT'
       join institution h on h.id = c.receiving_institution_id and h.is_home
       join institution p on p.id = c.sending_institution_id
      where ? between c.first_academic_year and c.last_academic_year
        and ? between a.first_academic_year and a.last_academic_year ${scope}
      order by p.official_name, c.mobility_type, c.id`,
    params,
  );
  return rows.map((r) => {
    const perYear = Number(r.mobilities_per_year);
    const used = Number(r.used);
    return {
      conditionId: r.condition_id as string,
      agreementId: r.agreement_id as string,
      partnerId: r.partner_id as string,
      unitId: (r.unit_id as string | null) ?? null,
      mobilityType: r.mobility_type as MobilityType,
      mobilitiesPerYear: perYear,
      used,
      remaining: Math.max(0, perYear - used),
    };
  });
}

/** The uuid of an institution given as a global id. */
export const institutionUuid = (globalId: string, field: string) => fromGlobalId(globalId, 'Institution', field);
