import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOffice } from '../../platform/auth/office';
import { connectionOf, findPage } from '../../platform/db/pagination';
import { sqlArray } from '../../platform/db/sql-array';
import { forbidden, invalidInput, notFound, unauthenticated, versionConflict } from '../../platform/errors/domain-error';
import { recordEvent, type DeliveredEvent } from '../../platform/events/outbox';
import type { Locale, RequestContext, Transaction } from '../../platform/graphql/context';
import { mergeLocalised } from '../../platform/graphql/localised-text';
import { encodeCursor, fromGlobalId, pageRequest, type ConnectionArgs, type ConnectionShape } from '../../platform/graphql/relay';
import { AnnouncementKind, ContentType } from '../content/content.entity';
import type { CreateContentInput } from '../content/content.inputs';
import { contentGlobalId, createContent, publishContent } from '../content/content.service';
import { ResearchCall, ResearchCallStatus as C, ResearchCallSubscription, ResearchProgramme } from './research.entity';
import { ResearchErrors } from './research.errors';
import type { CreateResearchCallInput, ResearchCallListArgs, ResearchCallSubscriptionInput, UpdateResearchCallInput } from './research.inputs';
import { researchCallById } from './research.loaders';
import { FIELDS_MATCH_SQL, isTopicId, isValidField, matchedFields, money, normaliseFields, subscriptionMatches } from './research.rules';

export const RESEARCH_CALL_TYPE = 'ResearchCall';
export const RESEARCH_SUBSCRIPTION_TYPE = 'ResearchCallSubscription';

export const RESEARCH_CALL_EVENTS = {
  /** Emitted in the publishing transaction; subscribers whose fields match hear it live. */
  published: 'researchCall.published',
  changed: 'researchCall.changed',
};

const OFFICE_WORK = 'Research calls are managed by the office';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Website tags of the programmes, for the announcements (the content module filters by tag). */
const PROGRAMME_TAG: Record<ResearchProgramme, string> = {
  HORIZON_EUROPE: 'horizon-europe',
  ERC: 'erc',
  MSCA: 'msca',
  EIC: 'eic',
  DIGITAL_EUROPE: 'digital-europe',
  LIFE: 'life-programme',
  COST: 'cost-actions',
  EURATOM: 'euratom',
  OTHER: 'research-funding',
};

// --- Reads ----------------------------------------------------------------------------------------------------------------

/** A call by uuid; drafts are the office's (null for anyone else). */
export async function getCall(ctx: RequestContext, id: string): Promise<ResearchCall | null> {
  const call = await ctx.loader(researchCallById).load(id);
  if (!call || (call.status === C.DRAFT && !ctx.viewer.isOffice)) return null;
  return call;
}

/** Calls sorted by their last deadline (soonest first). The public sees published and closed calls only. */
export async function listCalls(ctx: RequestContext, args: ResearchCallListArgs): Promise<ConnectionShape<ResearchCall>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const filter = args.filter;
  const where: FilterQuery<ResearchCall>[] = [];
  if (!ctx.viewer.isOffice) {
    if (filter?.statuses?.length) throw forbidden('Only the office filters calls by status');
    where.push({ status: { $ne: C.DRAFT } });
  } else if (filter?.statuses?.length) where.push({ status: { $in: filter.statuses } });
  if (filter?.programme) where.push({ programme: filter.programme });
  if (filter?.openOnly) where.push({ status: C.PUBLISHED, closesAt: { $gt: new Date() } });
  if (filter?.field) {
    const [field] = normaliseFields([filter.field]);
    if (!isValidField(field)) throw ResearchErrors.invalidField('filter.field', filter.field);
    // The same rule as subscriptions (fieldMatches), in SQL over the GIN-indexed array.
    const ids = await ctx.em.execute<{ id: string }[]>(`select c.id from research_call c where ${FIELDS_MATCH_SQL}`, [sqlArray([field])]);
    where.push({ id: { $in: ids.map((r) => r.id) } });
  }
  return findPage(ctx.em, ResearchCall, where.length ? { $and: where } : {}, [
    { field: 'closesAt', direction: 'asc' },
    { field: 'id', direction: 'asc' },
  ], page);
}

// --- Changes ----------------------------------------------------------------------------------------------------------------

export async function createCall(ctx: RequestContext, input: CreateResearchCallInput): Promise<ResearchCall> {
  assertOffice(ctx, OFFICE_WORK);
  const title = mergeLocalised({}, input.title as never);
  if (!Object.keys(title).length) throw ResearchErrors.titleRequired();
  const call = new ResearchCall();
  call.programme = input.programme;
  call.title = title;
  call.createdBy = ctx.viewer.subject ?? undefined;
  call.topicIds = topicIds(input.topicIds);
  call.opensAt = input.opensAt;
  call.deadline = input.deadline;
  applyFields(call, input);
  checkCall(call);
  return ctx.transaction(async (tx) => {
    tx.em.persist(call);
    await tx.em.flush();
    announce(tx, call, { created: true });
    return call;
  });
}

export async function updateCall(ctx: RequestContext, input: UpdateResearchCallInput): Promise<ResearchCall> {
  assertOffice(ctx, OFFICE_WORK);
  const id = fromGlobalId(input.id, RESEARCH_CALL_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const call = await lockCall(tx.em, id, input.id, input.version);
    if (call.status === C.CLOSED) throw ResearchErrors.callClosed();
    if (input.programme) call.programme = input.programme;
    if (input.title) {
      call.title = mergeLocalised(call.title, input.title as never);
      if (!Object.keys(call.title).length) throw ResearchErrors.titleRequired();
    }
    if (input.topicIds) call.topicIds = topicIds(input.topicIds);
    if (input.opensAt) call.opensAt = input.opensAt;
    if (input.deadline) call.deadline = input.deadline;
    applyFields(call, input);
    checkCall(call);
    await tx.em.flush();
    announce(tx, call, { updated: true });
    return call;
  });
}

/**
 * DRAFT → PUBLISHED: public from now on, and `researchCall.published` goes out in the same transaction (subscribers
 * whose fields match hear it live; the alerts inbox reads the calls themselves).
 */
export async function publishCall(ctx: RequestContext, globalId: string, version: number): Promise<ResearchCall> {
  return moveCall(ctx, globalId, version, C.PUBLISHED, (tx, call) => {
    if (call.status !== C.DRAFT) throw ResearchErrors.invalidCallTransition(call.status, C.PUBLISHED);
    if (call.closesAt <= new Date()) throw ResearchErrors.deadlinePassed(call.closesAt);
    call.publishedAt = new Date();
    return () =>
      tx.emit({
        type: RESEARCH_CALL_EVENTS.published,
        aggregateType: RESEARCH_CALL_TYPE,
        aggregateId: call.id,
        aggregateVersion: call.version,
        payload: { callId: call.id, programme: call.programme, fields: call.fields, topicIds: call.topicIds },
      });
  });
}

/** PUBLISHED → CLOSED by hand (e.g. the Commission closed the topic early); the daily job does it after the last deadline. */
export async function closeCall(ctx: RequestContext, globalId: string, version: number): Promise<ResearchCall> {
  return moveCall(ctx, globalId, version, C.CLOSED, (_tx, call) => {
    if (call.status !== C.PUBLISHED) throw ResearchErrors.invalidCallTransition(call.status, C.CLOSED);
    call.closedAt = new Date();
  });
}

async function moveCall(
  ctx: RequestContext,
  globalId: string,
  version: number,
  to: C,
  check: (tx: Transaction, call: ResearchCall) => void | (() => void),
): Promise<ResearchCall> {
  assertOffice(ctx, OFFICE_WORK);
  const id = fromGlobalId(globalId, RESEARCH_CALL_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const call = await lockCall(tx.em, id, globalId, version);
    const from = call.status;
    const after = check(tx, call);
    call.status = to;
    await tx.em.flush();
    announce(tx, call, { from, to });
    if (after) after();
    return call;
  });
}

/**
 * Announces a published call on the website: an ANNOUNCEMENT (kind CALL) in both languages, tagged with the
 * programme, created and published through the content module in this transaction, and linked to the call. A call is
 * announced once: asking again is refused (ALREADY_ANNOUNCED, naming the announcement) rather than making a second one.
 */
export async function announceCall(ctx: RequestContext, globalId: string, version: number): Promise<ResearchCall> {
  assertOffice(ctx, OFFICE_WORK);
  const id = fromGlobalId(globalId, RESEARCH_CALL_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    const call = await lockCall(tx.em, id, globalId, version);
    if (call.contentId) throw ResearchErrors.alreadyAnnounced(contentGlobalId({ type: ContentType.ANNOUNCEMENT, id: call.contentId }));
    if (call.status !== C.PUBLISHED) throw ResearchErrors.callNotPublished(call.status);
    const input = {
      type: ContentType.ANNOUNCEMENT,
      title: call.title,
      summary: summaryOf(call),
      body: { tr: bodyOf(call, 'tr'), en: bodyOf(call, 'en') },
      tags: ['research', 'research-call', PROGRAMME_TAG[call.programme]],
      announcement: { kind: AnnouncementKind.CALL },
    } as unknown as CreateContentInput;
    const created = await createContent(ctx, input);
    const published = await publishContent(ctx, contentGlobalId(created), created.version);
    call.contentId = published.id;
    await tx.em.flush();
    announce(tx, call, { announced: true });
    return call;
  });
}

/** The daily job: published calls whose last deadline has passed become CLOSED (each with its event). */
export async function closeEndedCalls(em: EntityManager, now = new Date()): Promise<number> {
  return em.transactional(async (tx) => {
    const calls = await tx.find(ResearchCall, { status: C.PUBLISHED, closesAt: { $lte: now } }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    for (const call of calls) {
      call.status = C.CLOSED;
      call.closedAt = now;
    }
    await tx.flush();
    for (const call of calls) {
      recordEvent(tx as EntityManager, {
        type: RESEARCH_CALL_EVENTS.changed,
        aggregateType: RESEARCH_CALL_TYPE,
        aggregateId: call.id,
        aggregateVersion: call.version,
        payload: { status: call.status, from: C.PUBLISHED, to: C.CLOSED, automatic: true },
      });
    }
    return calls.length;
  });
}

// --- Subscriptions and alerts -----------------------------------------------------------------------------------------------

export function mySubscription(ctx: RequestContext): Promise<ResearchCallSubscription | null> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return ctx.em.findOne(ResearchCallSubscription, { subject: ctx.viewer.subject! });
}

/** Creates the viewer's subscription, or replaces its fields and programmes (its start, for the inbox, stays). */
export async function subscribe(ctx: RequestContext, input: ResearchCallSubscriptionInput): Promise<ResearchCallSubscription> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const fields = normaliseFields(input.fields);
  fields.forEach((f, i) => {
    if (!isValidField(f)) throw ResearchErrors.invalidField(`fields[${i}]`, input.fields[i]);
  });
  const programmes = [...new Set(input.programmes ?? [])];
  if (!fields.length && !programmes.length) throw ResearchErrors.subscriptionEmpty();
  return ctx.transaction(async (tx) => {
    const subject = ctx.viewer.subject!;
    // Upsert under the unique subject: two tabs subscribing at once end with one row.
    await tx.em.execute(
      `insert into research_call_subscription (id, subject, fields, programmes, version, created_at, updated_at)
       values (gen_random_uuid(), ?, '{}', '{}', 1, now(), now()) on conflict (subject) do nothing`,
      [subject],
    );
    const row = await tx.em.findOneOrFail(ResearchCallSubscription, { subject }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (input.version !== undefined && input.version !== null && row.version !== input.version) {
      throw versionConflict(RESEARCH_SUBSCRIPTION_TYPE, input.version, row.version);
    }
    row.fields = fields;
    row.programmes = programmes;
    await tx.em.flush();
    return row;
  });
}

export async function unsubscribe(ctx: RequestContext): Promise<boolean> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  return ctx.transaction(async (tx) => {
    const removed = await tx.em.nativeDelete(ResearchCallSubscription, { subject: ctx.viewer.subject! });
    return removed > 0;
  });
}

/**
 * The inbox for those not connected: calls published since the subscription was made that match it, newest first
 * (closed ones stay, with their status). Without a subscription: NOT_SUBSCRIBED.
 */
export async function myAlerts(ctx: RequestContext, args: ConnectionArgs): Promise<ConnectionShape<ResearchCall>> {
  const subscription = await mySubscription(ctx);
  if (!subscription) throw ResearchErrors.notSubscribed();
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const clauses = [`c.status in ('PUBLISHED', 'CLOSED')`, `c.published_at >= ?`];
  const params: unknown[] = [subscription.createdAt];
  if (subscription.programmes.length) {
    clauses.push(`c.programme = any(?::text[])`);
    params.push(sqlArray(subscription.programmes));
  }
  if (subscription.fields.length) {
    clauses.push(FIELDS_MATCH_SQL);
    params.push(sqlArray(subscription.fields));
  }
  const base = clauses.join(' and ');
  let keyset = '';
  const keysetParams: unknown[] = [];
  if (page.after) {
    const [at, id] = page.after.values as [string, string];
    if (typeof at !== 'string' || typeof id !== 'string' || Number.isNaN(Date.parse(at)) || !UUID.test(id)) {
      throw invalidInput('after', 'after is not a cursor of myResearchCallAlerts', 'INVALID_CURSOR');
    }
    keyset = ` and (c.published_at, c.id) < (?::timestamptz, ?::uuid)`;
    keysetParams.push(at, id);
  }
  const rows =
    page.first === 0
      ? []
      : await ctx.em.execute<{ id: string }[]>(
          `select c.id from research_call c where ${base}${keyset} order by c.published_at desc, c.id desc limit ?`,
          [...params, ...keysetParams, page.first + 1],
        );
  const calls = await ctx.em.find(ResearchCall, { id: { $in: rows.map((r) => r.id) } });
  const byId = new Map(calls.map((c) => [c.id, c]));
  const ordered = rows.slice(0, page.first).map((r) => byId.get(r.id)!).filter(Boolean);
  return connectionOf(
    ordered,
    rows.length > page.first,
    !!page.after,
    (c) => encodeCursor([c.publishedAt!.toISOString(), c.id]),
    async () => {
      const [{ n }] = await ctx.em.execute<{ n: number }[]>(`select count(*)::int as n from research_call c where ${base}`, params);
      return n;
    },
  );
}

/**
 * The live stream of `researchCall.published` for one viewer: each event is checked against the viewer's subscription
 * as it is when the event arrives (re-read, so a change or an unsubscription takes effect at once without
 * reconnecting). Anonymous visitors are refused (UNAUTHENTICATED).
 */
export function followPublishedCalls(ctx: RequestContext): AsyncIterableIterator<DeliveredEvent> {
  if (!ctx.viewer.authenticated) throw unauthenticated();
  const subject = ctx.viewer.subject!;
  const inner = ctx.follow((event) => event.type === RESEARCH_CALL_EVENTS.published);
  const matches = async (event: DeliveredEvent) => {
    ctx.refresh();
    const subscription = await ctx.em.findOne(ResearchCallSubscription, { subject });
    return !!subscription && subscriptionMatches(subscription, eventCall(event));
  };
  const iterator: AsyncIterableIterator<DeliveredEvent> = {
    async next() {
      for (;;) {
        const result = await inner.next();
        if (result.done || (await matches(result.value))) return result;
      }
    },
    return: () => inner.return!(),
    throw: (e) => inner.throw!(e),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  return iterator;
}

export function eventCall(event: DeliveredEvent): { fields: string[]; programme: string; callId: string } {
  const p = event.payload;
  return { fields: (p.fields as string[]) ?? [], programme: p.programme as string, callId: p.callId as string };
}

/** The viewer's fields that matched a call (for the alert shown to them). */
export async function matchedFieldsFor(ctx: RequestContext, fields: string[]): Promise<string[]> {
  const subscription = await ctx.em.findOne(ResearchCallSubscription, { subject: ctx.viewer.subject! });
  return subscription ? matchedFields(subscription.fields, fields) : [];
}

// --- Helpers ------------------------------------------------------------------------------------------------------------------

function announce(tx: Transaction, call: ResearchCall, payload: Record<string, unknown>): void {
  tx.emit({
    type: RESEARCH_CALL_EVENTS.changed,
    aggregateType: RESEARCH_CALL_TYPE,
    aggregateId: call.id,
    aggregateVersion: call.version,
    payload: { status: call.status, ...payload },
  });
}

/** Locked: a concurrent change waits here and then sees the new version, instead of overwriting it. */
export async function lockCall(em: EntityManager, id: string, globalId: string, version?: number): Promise<ResearchCall> {
  const call = await em.findOne(ResearchCall, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!call) throw notFound(RESEARCH_CALL_TYPE, globalId);
  if (version !== undefined && call.version !== version) throw versionConflict(RESEARCH_CALL_TYPE, version, call.version);
  return call;
}

function topicIds(given: string[]): string[] {
  const ids = [...new Set(given.map((t) => t.trim()))];
  ids.forEach((t, i) => {
    if (!isTopicId(t)) throw ResearchErrors.invalidTopicId(`topicIds[${i}]`, t);
  });
  return ids;
}

function applyFields(call: ResearchCall, input: CreateResearchCallInput | UpdateResearchCallInput): void {
  if (input.description) call.description = mergeLocalised(call.description ?? {}, input.description as never);
  if (input.secondStageDeadline !== undefined) call.secondStageDeadline = input.secondStageDeadline ?? undefined;
  for (const key of ['budgetTotal', 'budgetPerProjectMin', 'budgetPerProjectMax'] as const) {
    if (input[key] !== undefined && input[key] !== null) call[key] = money(input[key]);
  }
  if (input.currency) call.currency = input.currency;
  if (input.links) {
    input.links.forEach((link, i) => {
      if (!isHttpUrl(link)) throw ResearchErrors.invalidUrl(`links[${i}]`);
    });
    call.links = [...new Set(input.links.map((l) => l.trim()))];
  }
  if (input.fields) {
    const fields = normaliseFields(input.fields);
    fields.forEach((f, i) => {
      if (!isValidField(f)) throw ResearchErrors.invalidField(`fields[${i}]`, input.fields![i]);
    });
    call.fields = fields;
  }
}

/** Dates in order and budgets consistent; `closesAt` follows the deadlines. */
function checkCall(call: ResearchCall): void {
  if (!(call.deadline > call.opensAt)) throw ResearchErrors.invalidDeadlines('deadline', 'The deadline must be after the call opens');
  if (call.secondStageDeadline && !(call.secondStageDeadline > call.deadline)) {
    throw ResearchErrors.invalidDeadlines('secondStageDeadline', 'The second-stage deadline must be after the first');
  }
  call.closesAt = call.secondStageDeadline ?? call.deadline;
  const min = call.budgetPerProjectMin === undefined ? undefined : Number(call.budgetPerProjectMin);
  const max = call.budgetPerProjectMax === undefined ? undefined : Number(call.budgetPerProjectMax);
  const total = call.budgetTotal === undefined ? undefined : Number(call.budgetTotal);
  if (min !== undefined && max !== undefined && min > max) throw ResearchErrors.invalidBudget('budgetPerProjectMax', 'The upper end is below the lower end');
  if (total !== undefined && max !== undefined && max > total) throw ResearchErrors.invalidBudget('budgetPerProjectMax', 'A project gets more than the call’s total');
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

const LABELS: Record<Locale, Record<string, string>> = {
  tr: { topics: 'Konu kodları', opens: 'Açılış', deadline: 'Son başvuru', second: 'İkinci aşama son başvuru', budget: 'Bütçe', perProject: 'Proje başına', links: 'Bağlantılar', help: 'Proje hazırlığında destek için Dış İlişkiler Ofisi’ne başvurabilirsiniz.' },
  en: { topics: 'Topics', opens: 'Opens', deadline: 'Deadline', second: 'Second-stage deadline', budget: 'Budget', perProject: 'Per project', links: 'Links', help: 'The International Relations Office helps with proposals: file a support request.' },
};

const day = (d: Date) => d.toISOString().slice(0, 10);

function summaryOf(call: ResearchCall): Record<Locale, string> {
  const text = (locale: Locale) => `${call.topicIds.join(', ')} · ${LABELS[locale].deadline}: ${day(call.deadline)}`.slice(0, 500);
  return { tr: text('tr'), en: text('en') };
}

/** The announcement's Markdown in one language: the description, then the facts of the call. */
function bodyOf(call: ResearchCall, locale: Locale): string {
  const l = LABELS[locale];
  const lines = [call.description[locale] ?? call.description[locale === 'tr' ? 'en' : 'tr'] ?? '', ''];
  lines.push(`- **${l.topics}:** ${call.topicIds.map((t) => `\`${t}\``).join(', ')}`);
  lines.push(`- **${l.opens}:** ${day(call.opensAt)}`);
  lines.push(`- **${l.deadline}:** ${day(call.deadline)}`);
  if (call.secondStageDeadline) lines.push(`- **${l.second}:** ${day(call.secondStageDeadline)}`);
  if (call.budgetTotal) lines.push(`- **${l.budget}:** ${call.budgetTotal} ${call.currency}`);
  if (call.budgetPerProjectMin || call.budgetPerProjectMax) {
    lines.push(`- **${l.perProject}:** ${[call.budgetPerProjectMin, call.budgetPerProjectMax].filter(Boolean).join(' – ')} ${call.currency}`);
  }
  if (call.links.length) lines.push(`- **${l.links}:** ${call.links.map((u) => `<${u}>`).join(' ')}`);
  lines.push('', l.help);
  return lines.join('\n').trim();
}
