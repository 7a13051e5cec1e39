import { LockMode, UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import { connectionOf, findPage } from '../../platform/db/pagination';
import { DomainError, invalidInput, notFound, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import {
  encodeCursor,
  fromGlobalId,
  pageRequest,
  toGlobalId,
  type ConnectionArgs,
  type ConnectionShape,
} from '../../platform/graphql/relay';
import { Institution, InstitutionKind } from '../institutions/institution.entity';
import { createInstitution, INSTITUTION_TYPE } from '../institutions/institution.service';
import { AssociationMembership, MembershipCorrespondence, MembershipStatus } from './membership.entity';
import { MembershipErrors } from './membership.errors';
import type {
  AddAssociationMembershipInput,
  AssociationMembershipFilter,
  MembershipCorrespondenceInput,
  UpdateAssociationMembershipInput,
} from './membership.inputs';
import { correspondenceCounts, correspondencePages, membershipById, type CorrespondencePosition } from './membership.loaders';
import { assertOffice } from '../../platform/auth/office';

export const MEMBERSHIP_TYPE = 'AssociationMembership';

export const MEMBERSHIP_EVENTS = {
  added: 'membership.added',
  updated: 'membership.updated',
  correspondenceLogged: 'membership.correspondenceLogged',
};

/** The lifecycle: CANCELLED is final; a lapsed membership can be renewed. */
export const TRANSITIONS: Record<MembershipStatus, MembershipStatus[]> = {
  APPLIED: [MembershipStatus.ACTIVE, MembershipStatus.CANCELLED],
  ACTIVE: [MembershipStatus.LAPSED, MembershipStatus.CANCELLED],
  LAPSED: [MembershipStatus.ACTIVE, MembershipStatus.CANCELLED],
  CANCELLED: [],
};

/** What a membership may be recorded as: a new application, or one the university already holds or held. */
const INITIAL_STATUSES = [MembershipStatus.APPLIED, MembershipStatus.ACTIVE, MembershipStatus.LAPSED];

/** Only running memberships (and applications) are reminded of; lapsed and cancelled ones are not. */
const REMINDED_STATUSES = [MembershipStatus.APPLIED, MembershipStatus.ACTIVE];

export const MAX_REMINDER_DAYS = 3650;

const EDITABLE_FIELDS = ['annualFee', 'feeCurrency', 'memberSince', 'renewalDate', 'infoUpdateDueOn', 'responsibleContact', 'notes'] as const;

// --- Access ----------------------------------------------------------------------------------------------------------

/** What the office alone does here (FORBIDDEN for anyone else). */
const OFFICE_WORK = 'Association memberships are office data';

// --- Reads -----------------------------------------------------------------------------------------------------------

export async function listMemberships(
  ctx: RequestContext,
  filter: AssociationMembershipFilter | undefined,
  args: ConnectionArgs,
): Promise<ConnectionShape<AssociationMembership>> {
  assertOffice(ctx, OFFICE_WORK);
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const where: FilterQuery<AssociationMembership>[] = [];
  if (filter?.statuses?.length) where.push({ status: { $in: filter.statuses } });
  const today = todayUtc();
  if (filter?.renewalWithinDays !== undefined && filter.renewalWithinDays !== null) {
    where.push({ renewalDate: { $lte: addDays(today, filter.renewalWithinDays) } });
  }
  if (filter?.infoUpdateDueWithinDays !== undefined && filter.infoUpdateDueWithinDays !== null) {
    where.push({ infoUpdateDueOn: { $lte: addDays(today, filter.infoUpdateDueWithinDays) } });
  }
  return findPage(ctx.em, AssociationMembership, where.length ? { $and: where } : {}, [
    { field: 'createdAt', direction: 'asc' },
    { field: 'id', direction: 'asc' },
  ], page);
}

/** One membership by uuid; null for anyone outside the office (so that node(id) reveals nothing). */
export async function getMembership(ctx: RequestContext, id: string): Promise<AssociationMembership | null> {
  if (!ctx.viewer.isOffice) return null;
  return ctx.loader(membershipById).load(id);
}

export type ReminderReason = 'RENEWAL' | 'INFO_UPDATE';

export interface MembershipReminderView {
  membership: AssociationMembership;
  /** The earliest of the dates that made it due. */
  dueOn: string;
  /** Days from today to dueOn; negative when overdue. */
  daysLeft: number;
  overdue: boolean;
  /** Why, the earliest first. */
  reasons: ReminderReason[];
}

/**
 * Memberships whose renewal or information update falls within the next `withinDays` days (or is overdue),
 * soonest first. "Today" is the UTC date.
 */
export async function membershipReminders(ctx: RequestContext, withinDays: number): Promise<MembershipReminderView[]> {
  assertOffice(ctx, OFFICE_WORK);
  if (!Number.isInteger(withinDays) || withinDays < 0 || withinDays > MAX_REMINDER_DAYS) {
    throw invalidInput('withinDays', `withinDays must be between 0 and ${MAX_REMINDER_DAYS}`, 'OUT_OF_RANGE');
  }
  const today = todayUtc();
  const limit = addDays(today, withinDays);
  const rows = await ctx.em.find(AssociationMembership, {
    status: { $in: REMINDED_STATUSES },
    $or: [{ renewalDate: { $lte: limit } }, { infoUpdateDueOn: { $lte: limit } }],
  });
  const reminders = rows.map((membership) => {
    const due = (
      [
        ['RENEWAL', membership.renewalDate],
        ['INFO_UPDATE', membership.infoUpdateDueOn],
      ] as [ReminderReason, string | undefined][]
    )
      .filter((d): d is [ReminderReason, string] => d[1] !== undefined && d[1] !== null && d[1] <= limit)
      .sort((a, b) => a[1].localeCompare(b[1]));
    const dueOn = due[0][1];
    const daysLeft = daysBetween(today, dueOn);
    return { membership, dueOn, daysLeft, overdue: daysLeft < 0, reasons: due.map(([reason]) => reason) };
  });
  return reminders.sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.membership.id.localeCompare(b.membership.id));
}

/** A membership's correspondence, newest first (by date, then by when it was logged), one page. */
export async function correspondenceOf(
  ctx: RequestContext,
  membership: AssociationMembership,
  args: ConnectionArgs,
): Promise<ConnectionShape<MembershipCorrespondence>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const after = page.after ? positionOf(page.after.values) : undefined;
  const rows =
    page.first === 0 ? [] : await ctx.loader(correspondencePages).load({ membershipId: membership.id, limit: page.first + 1, after });
  return connectionOf(
    rows.slice(0, page.first),
    rows.length > page.first,
    after !== undefined,
    (node) => encodeCursor([node.date, node.createdAt.toISOString(), node.id]),
    () => ctx.loader(correspondenceCounts).load(membership.id),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function positionOf(values: unknown[]): CorrespondencePosition {
  const [date, createdAt, id] = values;
  if (
    values.length === 3 &&
    typeof date === 'string' &&
    /^\d{4}-\d{2}-\d{2}$/.test(date) &&
    typeof createdAt === 'string' &&
    !Number.isNaN(Date.parse(createdAt)) &&
    typeof id === 'string' &&
    UUID.test(id)
  ) {
    return { date, createdAt, id };
  }
  throw invalidInput('after', 'after is not a cursor of this correspondence log', 'INVALID_CURSOR');
}

// --- Changes ---------------------------------------------------------------------------------------------------------

export async function addMembership(ctx: RequestContext, input: AddAssociationMembershipInput): Promise<AssociationMembership> {
  assertOffice(ctx, OFFICE_WORK);
  if (!input.associationId === !input.association) throw MembershipErrors.associationChoice();
  const status = input.status ?? MembershipStatus.APPLIED;
  if (!INITIAL_STATUSES.includes(status)) throw MembershipErrors.invalidInitialStatus(status, INITIAL_STATUSES);
  if (input.annualFee && !input.feeCurrency) throw MembershipErrors.currencyRequired();
  const associationId = input.associationId ? fromGlobalId(input.associationId, INSTITUTION_TYPE, 'associationId') : undefined;
  return ctx.transaction(async (tx) => {
    let association: Institution;
    if (associationId) {
      const found = await tx.em.findOne(Institution, { id: associationId });
      if (!found) throw MembershipErrors.associationNotFound(input.associationId!);
      if (found.kind !== InstitutionKind.ASSOCIATION) throw MembershipErrors.notAnAssociation(found.kind);
      const existing = await tx.em.findOne(AssociationMembership, { association: associationId });
      if (existing) throw MembershipErrors.membershipExists(toGlobalId(MEMBERSHIP_TYPE, existing.id));
      association = found;
    } else {
      const given = input.association!;
      const officialName = given.officialName.trim();
      const namesake = await tx.em.findOne(Institution, { kind: InstitutionKind.ASSOCIATION, officialName: { $ilike: escapeLike(officialName) } });
      if (namesake) throw MembershipErrors.associationExists(toGlobalId(INSTITUTION_TYPE, namesake.id), namesake.officialName);
      association = await nested('association', () =>
        createInstitution(ctx, { officialName, country: given.country, website: given.website, kind: InstitutionKind.ASSOCIATION }),
      );
    }
    const membership = tx.em.create(AssociationMembership, {
      association,
      status,
      annualFee: input.annualFee ? canonicalFee(input.annualFee) : undefined,
      feeCurrency: input.feeCurrency,
      memberSince: input.memberSince,
      renewalDate: input.renewalDate,
      infoUpdateDueOn: input.infoUpdateDueOn,
      responsibleContact: input.responsibleContact?.trim() || undefined,
      notes: input.notes || undefined,
    } as never);
    try {
      await tx.em.flush();
    } catch (e) {
      // Two offices adding the same association at once: the unique index decides.
      if (e instanceof UniqueConstraintViolationException) throw MembershipErrors.membershipExists(null);
      throw e;
    }
    tx.emit({
      type: MEMBERSHIP_EVENTS.added,
      aggregateType: MEMBERSHIP_TYPE,
      aggregateId: membership.id,
      aggregateVersion: membership.version,
      payload: { associationId: association.id, status },
    });
    return membership;
  });
}

export async function updateMembership(ctx: RequestContext, input: UpdateAssociationMembershipInput): Promise<AssociationMembership> {
  assertOffice(ctx, OFFICE_WORK);
  const id = fromGlobalId(input.id, MEMBERSHIP_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    // Locked: a concurrent update waits here and then sees the new version, instead of failing at flush.
    const membership = await tx.em.findOne(AssociationMembership, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!membership) throw notFound(MEMBERSHIP_TYPE, input.id);
    if (membership.version !== input.version) throw versionConflict(MEMBERSHIP_TYPE, input.version, membership.version);
    const changed: string[] = [];
    const from = membership.status;
    if (input.status && input.status !== from) {
      const allowed = TRANSITIONS[from];
      if (!allowed.includes(input.status)) throw MembershipErrors.invalidTransition(from, input.status, allowed);
      membership.status = input.status;
      changed.push('status');
    }
    for (const field of EDITABLE_FIELDS) {
      const given = input[field];
      if (given === undefined) continue;
      let value = given ?? undefined;
      if (value !== undefined && field === 'annualFee') value = canonicalFee(value);
      if (value !== undefined && field === 'responsibleContact') value = value.trim() || undefined;
      if (value !== undefined && field === 'notes') value = value || undefined;
      if ((membership[field] ?? undefined) === value) continue;
      membership[field] = value;
      changed.push(field);
    }
    if (membership.annualFee && !membership.feeCurrency) throw MembershipErrors.currencyRequired();
    if (changed.length === 0) return membership;
    await tx.em.flush();
    tx.emit({
      type: MEMBERSHIP_EVENTS.updated,
      aggregateType: MEMBERSHIP_TYPE,
      aggregateId: membership.id,
      aggregateVersion: membership.version,
      payload: { changed, ...(changed.includes('status') ? { from, to: membership.status } : {}) },
    });
    return membership;
  });
}

export async function logCorrespondence(
  ctx: RequestContext,
  membershipGlobalId: string,
  input: MembershipCorrespondenceInput,
): Promise<MembershipCorrespondence> {
  assertOffice(ctx, OFFICE_WORK);
  const id = fromGlobalId(membershipGlobalId, MEMBERSHIP_TYPE, 'membershipId');
  return ctx.transaction(async (tx) => {
    const membership = await tx.em.findOne(AssociationMembership, { id });
    if (!membership) throw notFound(MEMBERSHIP_TYPE, membershipGlobalId);
    const entry = tx.em.create(MembershipCorrespondence, {
      membership,
      date: input.date,
      direction: input.direction,
      subject: input.subject.trim(),
      body: input.body || undefined,
      attachments: (input.attachments ?? []).map((a) => a.trim()),
    } as never);
    await tx.em.flush();
    tx.emit({
      type: MEMBERSHIP_EVENTS.correspondenceLogged,
      aggregateType: MEMBERSHIP_TYPE,
      aggregateId: membership.id,
      aggregateVersion: membership.version,
      payload: { correspondenceId: entry.id, date: entry.date, direction: entry.direction },
    });
    return entry;
  });
}

// --- Helpers ---------------------------------------------------------------------------------------------------------

/** Runs another module's service for a nested part of our input, so that its errors name the field as the client sent it. */
async function nested<T>(prefix: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DomainError && typeof e.details.field === 'string') {
      throw new DomainError(e.category, e.reason, e.message, { ...e.details, field: `${prefix}.${e.details.field}` });
    }
    throw e;
  }
}

/** "1250" → "1250.00", as numeric(12,2) stores and returns it (so that an unchanged fee is seen as unchanged). */
function canonicalFee(fee: string): string {
  const [whole, fraction = ''] = fee.split('.');
  return `${Number(whole)}.${fraction.padEnd(2, '0')}`;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function todayUtc(): string {
  return new Date().toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
