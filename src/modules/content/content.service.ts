import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { findPage, type SortKey } from '../../platform/db/pagination';
import { forbidden, invalidInput, versionConflict } from '../../platform/errors/domain-error';
import type { Locale, RequestContext, Transaction } from '../../platform/graphql/context';
import { OrderDirection, parseGlobalId, pageRequest, toGlobalId, type ConnectionArgs, type ConnectionShape } from '../../platform/graphql/relay';
import { recordEvent } from '../../platform/events/outbox';
import { cancelPendingJob, enqueueJob } from '../../platform/jobs/job-runner';
import { INSTITUTION_TYPE } from '../institutions/institution.service';
import { Institution } from '../institutions/institution.entity';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { UNIT_TYPE } from '../institutions/organisational-unit.service';
import {
  Announcement,
  ContentCategory,
  ContentDocument,
  ContentEvent,
  ContentItem,
  ContentRevision,
  ContentSlug,
  ContentStatus,
  ContentType,
  DocumentVersion,
  OrganiserKind,
  Page,
  PromotionalMaterial,
  type Localised,
} from './content.entity';
import { ContentErrors } from './content.errors';
import type {
  AddDocumentVersionInput,
  ContentCategoryInput,
  ContentFilter,
  ContentOrder,
  CreateContentInput,
  UpdateContentInput,
} from './content.inputs';
import { contentById } from './content.loaders';
import { renderMarkdown } from './content.markdown';
import { decideSlugs, normalisePath, writeSlugRows } from './content.slugs';
import { isLive, liveWhere, seesUnpublished } from './content.visibility';
import { matchingIds } from '../search/search.service';
import { MediaAsset } from './media-asset.entity';
import { assertMediaAssetsExist, publishMediaAssets } from './media.service';
import { assertOffice } from '../../platform/auth/office';
import { mergeLocalised } from '../../platform/graphql/localised-text';

/** GraphQL type (and global-ID prefix) of each content type. */
export const CONTENT_TYPE_NAMES: Record<ContentType, string> = {
  ANNOUNCEMENT: 'Announcement',
  EVENT: 'Event',
  PAGE: 'Page',
  DOCUMENT: 'Document',
  PROMOTIONAL_MATERIAL: 'PromotionalMaterial',
};
const TYPE_BY_NAME = new Map(Object.entries(CONTENT_TYPE_NAMES).map(([type, name]) => [name, type as ContentType]));
const CLASS_OF: Record<ContentType, new () => ContentItem> = {
  ANNOUNCEMENT: Announcement,
  EVENT: ContentEvent,
  PAGE: Page,
  DOCUMENT: ContentDocument,
  PROMOTIONAL_MATERIAL: PromotionalMaterial,
};
/** Which details input belongs to which type. */
const DETAILS_OF: Record<ContentType, keyof CreateContentInput> = {
  ANNOUNCEMENT: 'announcement',
  EVENT: 'event',
  PAGE: 'page',
  DOCUMENT: 'document',
  PROMOTIONAL_MATERIAL: 'material',
};
const DETAIL_FIELDS = Object.values(DETAILS_OF);

export const CONTENT_EVENTS = {
  created: 'content.created',
  updated: 'content.updated',
  statusChanged: 'content.statusChanged',
  published: 'content.published',
  archived: 'content.archived',
  deleted: 'content.deleted',
} as const;

/** The workflow. Publishing again (from PUBLISHED) reschedules; ARCHIVED can be republished or reopened. */
export const TRANSITIONS: Record<ContentStatus, ContentStatus[]> = {
  DRAFT: [ContentStatus.IN_REVIEW, ContentStatus.PUBLISHED, ContentStatus.ARCHIVED],
  IN_REVIEW: [ContentStatus.DRAFT, ContentStatus.PUBLISHED, ContentStatus.ARCHIVED],
  PUBLISHED: [ContentStatus.DRAFT, ContentStatus.PUBLISHED, ContentStatus.ARCHIVED],
  ARCHIVED: [ContentStatus.DRAFT, ContentStatus.PUBLISHED],
};

export const MAX_TAGS = 20;
export const JOB_GO_LIVE = 'content.goLive';
export const JOB_EXPIRE = 'content.expire';

export function contentGlobalId(item: Pick<ContentItem, 'type' | 'id'>): string {
  return toGlobalId(CONTENT_TYPE_NAMES[item.type], item.id);
}

/** The uuid of a content global ID (of any content type, or of `expected`). */
export function contentUuid(globalId: string, field = 'id', expected?: ContentType): string {
  const { type, id } = parseGlobalId(globalId, field);
  const contentType = TYPE_BY_NAME.get(type);
  if (!contentType) throw invalidInput(field, `${field} is not a content ID`, 'INVALID_ID');
  if (expected && contentType !== expected) throw ContentErrors.wrongType(field, CONTENT_TYPE_NAMES[expected]);
  return id;
}

/** What the office alone does here (FORBIDDEN for anyone else). */
const OFFICE_WORK = 'Only the office writes content';

// --- Reads -----------------------------------------------------------------------------------------------------------

/** One item by uuid, or null when it does not exist or the viewer may not see it (drafts for the public). */
export async function getContent(ctx: RequestContext, id: string): Promise<ContentItem | null> {
  const item = await ctx.loader(contentById).load(id);
  if (!item) return null;
  return seesUnpublished(ctx.viewer) || isLive(item) ? item : null;
}

/** Lookup by slug in a locale (falling back to the slug in any locale, so an address in the other language works). */
export async function getContentBySlug(ctx: RequestContext, type: ContentType, slug: string, locale?: Locale): Promise<ContentItem | null> {
  const path = type === ContentType.PAGE ? normalisePath(slug) : slug.trim().toLowerCase();
  if (!path || path.length > 500) return null;
  const rows = await ctx.em.find(ContentSlug, { type, path }, { fields: ['content', 'locale'] });
  const wanted = locale ?? ctx.locale;
  const row = rows.find((r) => r.locale === wanted) ?? rows[0];
  return row ? getContent(ctx, row.content.id) : null;
}

export async function listContent(
  ctx: RequestContext,
  filter: ContentFilter | undefined,
  order: ContentOrder | undefined,
  args: ConnectionArgs,
  fixedType?: ContentType,
  query?: string,
): Promise<ConnectionShape<ContentItem>> {
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const now = new Date();
  const office = seesUnpublished(ctx.viewer);
  const where: FilterQuery<ContentItem>[] = [];
  const types = fixedType ? [fixedType] : filter?.types;
  if (types?.length) where.push({ type: { $in: types } });
  if (!office) {
    if (filter?.statuses?.length) throw forbidden('Only the office filters by status');
    where.push(liveWhere(now));
  } else if (filter?.statuses?.length) where.push({ status: { $in: filter.statuses } });
  if (filter?.kinds?.length) where.push({ kind: { $in: filter.kinds } });
  if (filter?.category) where.push({ category: { key: filter.category } });
  // Tags are stored trimmed and lower-cased: the filter is normalised the same way.
  if (filter?.tags?.length) where.push({ tags: { $overlap: filter.tags.map((t) => t.trim().toLowerCase()) } });
  if (filter?.programme) where.push({ programmes: { $contains: [filter.programme] } });
  if (filter?.audience) where.push({ audiences: { $contains: [filter.audience] } });
  if (filter?.partnerId) where.push({ partnerIds: { $contains: [partnerUuid(filter.partnerId, 'filter.partnerId')] } });
  if (filter?.parentId) where.push({ parent: contentUuid(filter.parentId, 'filter.parentId', ContentType.PAGE) });
  if (filter?.topLevel) where.push({ parent: null });
  if (filter?.when === 'UPCOMING') where.push({ $or: [{ endsAt: { $gte: now } }, { endsAt: null, startsAt: { $gte: now } }] });
  if (filter?.when === 'PAST') where.push({ $or: [{ endsAt: { $lt: now } }, { endsAt: null, startsAt: { $lt: now } }] });
  if (filter?.from) where.push({ $or: [{ endsAt: { $gte: filter.from } }, { endsAt: null, startsAt: { $gte: filter.from } }] });
  if (filter?.to) where.push({ startsAt: { $lt: filter.to } });
  if (filter?.search) {
    const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push({ $or: [{ title: { tr: { $ilike: like } } }, { title: { en: { $ilike: like } } }] } as FilterQuery<ContentItem>);
  }
  if (query?.trim()) {
    // Search words narrow the list through the search engine (typos, Turkish letters, accents), the list's order kept.
    where.push({ id: { $in: await matchingIds(ctx, types?.length ? types : Object.values(ContentType), query) } });
  }
  const sort = sortOf(order, types, office);
  if (sort[0].field === 'startsAt') where.push({ startsAt: { $ne: null } });
  return findPage(ctx.em, ContentItem, where.length ? { $and: where } : {}, sort, page);
}

function sortOf(order: ContentOrder | undefined, types: ContentType[] | undefined, office: boolean): SortKey<ContentItem>[] {
  const onlyEvents = types?.length === 1 && types[0] === ContentType.EVENT;
  const onlyPages = types?.length === 1 && types[0] === ContentType.PAGE;
  const field = order?.field ?? (onlyEvents ? 'STARTS' : onlyPages ? 'POSITION' : office ? 'UPDATED' : 'PUBLISHED');
  const column = { PUBLISHED: 'displayAt', STARTS: 'startsAt', UPDATED: 'updatedAt', POSITION: 'position' }[field] as keyof ContentItem & string;
  // OrderDirection's values are 'asc' and 'desc' (the GraphQL names are ASC and DESC).
  const dir = order?.direction ?? (field === 'STARTS' || field === 'POSITION' ? OrderDirection.ASC : OrderDirection.DESC);
  return [
    { field: column, direction: dir },
    { field: 'id', direction: dir },
  ];
}

function partnerUuid(globalId: string, field: string): string {
  const { type, id } = parseGlobalId(globalId, field);
  if (type !== INSTITUTION_TYPE) throw invalidInput(field, `${field} is not an Institution ID`, 'INVALID_ID');
  return id;
}

export async function listCategories(ctx: RequestContext): Promise<ContentCategory[]> {
  return ctx.em.find(ContentCategory, {}, { orderBy: { position: 'asc', key: 'asc' } });
}

/** Creates a category, or renames and reorders the one with this key. */
export async function saveCategory(ctx: RequestContext, input: ContentCategoryInput): Promise<ContentCategory> {
  assertOffice(ctx, OFFICE_WORK);
  const name = mergeLocalised({}, input.name as Localised);
  if (!Object.keys(name).length) throw invalidInput('name', 'Give the name in at least one language', 'NAME_REQUIRED');
  return ctx.transaction(async (tx) => {
    const category = (await tx.em.findOne(ContentCategory, { key: input.key })) ?? tx.em.create(ContentCategory, { key: input.key, name, position: input.position ?? 0 });
    category.name = name;
    if (input.position !== undefined && input.position !== null) category.position = input.position;
    await tx.em.flush();
    return category;
  });
}

export async function revisionsOf(ctx: RequestContext, item: ContentItem): Promise<ContentRevision[]> {
  if (!seesUnpublished(ctx.viewer)) throw forbidden('Revisions are office data');
  return ctx.em.find(ContentRevision, { content: item.id }, { orderBy: { number: 'desc' }, limit: 100 });
}

// --- Writes ----------------------------------------------------------------------------------------------------------

export async function createContent(ctx: RequestContext, input: CreateContentInput): Promise<ContentItem> {
  assertOffice(ctx, OFFICE_WORK);
  checkDetails(input.type, input);
  return ctx.transaction(async (tx) => {
    const item = new CLASS_OF[input.type]();
    item.type = input.type;
    item.createdBy = ctx.viewer.subject ?? undefined;
    await applyFields(tx.em, item, input, true);
    await decideSlugs(tx.em, item, input.slug);
    tx.em.persist(item);
    await tx.em.flush();
    await writeSlugRows(tx.em, item);
    await saveRevision(tx, item, ctx.viewer.subject, 'created');
    emit(tx, item, CONTENT_EVENTS.created);
    return item;
  });
}

export async function updateContent(ctx: RequestContext, input: UpdateContentInput): Promise<ContentItem> {
  assertOffice(ctx, OFFICE_WORK);
  return ctx.transaction(async (tx) => {
    const item = await lockForChange(tx.em, contentUuid(input.id), input.version);
    checkDetails(item.type, input);
    const wasLive = isLive(item);
    await applyFields(tx.em, item, input, false);
    const addressChanged = !!(input.slug || input.title || input.page);
    if (addressChanged) await decideSlugs(tx.em, item, input.slug);
    item.updatedBy = ctx.viewer.subject ?? undefined;
    await tx.em.flush();
    if (addressChanged) await writeSlugRows(tx.em, item);
    if (isLive(item)) await publishMediaAssets(tx.em, mediaIdsOf(item));
    await saveRevision(tx, item, ctx.viewer.subject, 'updated');
    emit(tx, item, CONTENT_EVENTS.updated, { public: wasLive || isLive(item) });
    return item;
  });
}

export async function submitForReview(ctx: RequestContext, id: string, version: number): Promise<ContentItem> {
  return changeStatus(ctx, id, version, ContentStatus.IN_REVIEW, 'submitted for review');
}

export async function returnToDraft(ctx: RequestContext, id: string, version: number, note?: string): Promise<ContentItem> {
  return changeStatus(ctx, id, version, ContentStatus.DRAFT, note ? `returned to draft: ${note.slice(0, 500)}` : 'returned to draft');
}

export async function archiveContent(ctx: RequestContext, id: string, version: number): Promise<ContentItem> {
  return changeStatus(ctx, id, version, ContentStatus.ARCHIVED, 'archived');
}

/**
 * Publishes now, or from `publishAt`, until `unpublishAt`. Going live and expiring at those times are jobs in the
 * database, so they happen after a restart too; the visibility rule checks the window itself, so nobody sees an item
 * early or late even if a job is delayed.
 */
export async function publishContent(
  ctx: RequestContext,
  id: string,
  version: number,
  publishAt?: Date | null,
  unpublishAt?: Date | null,
): Promise<ContentItem> {
  const now = new Date();
  if (unpublishAt && unpublishAt <= now) throw ContentErrors.invalidWindow('unpublishAt', 'unpublishAt must be in the future');
  if (publishAt && unpublishAt && unpublishAt <= publishAt) throw ContentErrors.invalidWindow('unpublishAt', 'unpublishAt must be after publishAt');
  return changeStatus(ctx, id, version, ContentStatus.PUBLISHED, publishAt && publishAt > now ? `scheduled for ${publishAt.toISOString()}` : 'published', (item, wasLive) => {
    item.publishAt = publishAt ?? undefined;
    item.unpublishAt = unpublishAt ?? undefined;
    // A live item published again without publishAt (to change its end) keeps the date it has been shown with.
    item.displayAt = publishAt ?? (wasLive ? item.displayAt : now);
  });
}

async function changeStatus(
  ctx: RequestContext,
  id: string,
  version: number,
  to: ContentStatus,
  note: string,
  adjust?: (item: ContentItem, wasLive: boolean) => void,
): Promise<ContentItem> {
  assertOffice(ctx, OFFICE_WORK);
  return ctx.transaction(async (tx) => {
    const item = await lockForChange(tx.em, contentUuid(id), version);
    const from = item.status;
    if (!TRANSITIONS[from].includes(to)) throw ContentErrors.invalidTransition(from, to, TRANSITIONS[from]);
    const wasLive = isLive(item);
    const announced = wasLive && wentLiveAnnounced(item);
    item.status = to;
    if (to !== ContentStatus.PUBLISHED) {
      item.publishAt = undefined;
      item.unpublishAt = undefined;
      if (from === ContentStatus.PUBLISHED || to === ContentStatus.ARCHIVED) await cancelSchedule(tx.em, item.id);
    }
    adjust?.(item, wasLive);
    if (to === ContentStatus.PUBLISHED && isLive(item)) markLive(item);
    item.updatedBy = ctx.viewer.subject ?? undefined;
    await tx.em.flush();
    await saveRevision(tx, item, ctx.viewer.subject, note);
    emit(tx, item, CONTENT_EVENTS.statusChanged, { from, to, public: wasLive || isLive(item) });
    if (to === ContentStatus.PUBLISHED) await scheduleOrGoLive(tx, item, announced);
    if (to === ContentStatus.ARCHIVED) emit(tx, item, CONTENT_EVENTS.archived, { public: wasLive });
    return item;
  });
}

/**
 * After publishing: live now (announce it, unless it was live and announced already: publishing a live item again
 * to change its window is no going live), or a job at publishAt; and a job at unpublishAt.
 */
async function scheduleOrGoLive(tx: Transaction, item: ContentItem, alreadyAnnounced: boolean): Promise<void> {
  if (isLive(item)) {
    await cancelPendingJob(tx.em, `${JOB_GO_LIVE}:${item.id}`);
    if (!alreadyAnnounced) await announceLive(tx.em, item, (event) => tx.emit(event));
  } else if (item.publishAt && item.publishAt > new Date()) {
    await enqueueJob(tx.em, JOB_GO_LIVE, { id: item.id }, { runAt: item.publishAt, singletonKey: `${JOB_GO_LIVE}:${item.id}`, replace: true });
  }
  if (item.unpublishAt) {
    await enqueueJob(tx.em, JOB_EXPIRE, { id: item.id }, { runAt: item.unpublishAt, singletonKey: `${JOB_EXPIRE}:${item.id}`, replace: true });
  } else {
    await cancelPendingJob(tx.em, `${JOB_EXPIRE}:${item.id}`);
  }
}

async function cancelSchedule(em: EntityManager, id: string): Promise<void> {
  await cancelPendingJob(em, `${JOB_GO_LIVE}:${id}`);
  await cancelPendingJob(em, `${JOB_EXPIRE}:${id}`);
}

type Emit = (event: Parameters<Transaction['emit']>[0]) => void;

/** Whether going live was announced for the item's current publishAt (or first publication). */
function wentLiveAnnounced(item: ContentItem): boolean {
  const announcedFor = item.liveAnnouncedFor?.getTime();
  return announcedFor !== undefined && announcedFor === (item.publishAt ?? item.publishedAt)?.getTime();
}

/** Records going live (before the flush, so publishing is one version): first publication date, and for which publishAt. */
function markLive(item: ContentItem): void {
  item.publishedAt ??= new Date();
  item.liveAnnouncedFor = item.publishAt ?? item.publishedAt;
}

/** The moment an item becomes visible: its media become public and dashboards hear of it (once per publishAt). */
async function announceLive(em: EntityManager, item: ContentItem, emitEvent: Emit): Promise<void> {
  await publishMediaAssets(em, mediaIdsOf(item));
  emitEvent({
    type: CONTENT_EVENTS.published,
    aggregateType: 'Content',
    aggregateId: item.id,
    aggregateVersion: item.version,
    payload: { contentType: item.type, public: true },
  });
}

/** The job at publishAt: goes live if the item is still published for that time (it may have been changed since). */
export async function runGoLiveJob(em: EntityManager, id: string): Promise<boolean> {
  return em.transactional(async (tx) => {
    const emitEvent: Emit = (event) => recordEvent(tx as EntityManager, event);
    const item = await tx.findOne(ContentItem, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!item) return false;
    if (!isLive(item)) {
      // Due by the database's clock but publishAt not yet reached by this process's: run again at publishAt rather
      // than never (a pending job of a later rescheduling wins).
      if (item.status === ContentStatus.PUBLISHED && item.publishAt && item.publishAt > new Date()) {
        await enqueueJob(tx as EntityManager, JOB_GO_LIVE, { id }, { runAt: item.publishAt, singletonKey: `${JOB_GO_LIVE}:${id}` });
      }
      return false;
    }
    if (wentLiveAnnounced(item)) return false;
    markLive(item);
    await tx.flush();
    await announceLive(tx as EntityManager, item, emitEvent);
    return true;
  });
}

/** The job at unpublishAt: archives the item if its window has really ended. */
export async function runExpireJob(em: EntityManager, id: string): Promise<boolean> {
  return em.transactional(async (tx) => {
    const emitEvent: Emit = (event) => recordEvent(tx as EntityManager, event);
    const item = await tx.findOne(ContentItem, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!item || item.status !== ContentStatus.PUBLISHED || !item.unpublishAt) return false;
    if (item.unpublishAt > new Date()) {
      // Due by the database's clock, not yet by this process's: run again at unpublishAt rather than never.
      await enqueueJob(tx as EntityManager, JOB_EXPIRE, { id }, { runAt: item.unpublishAt, singletonKey: `${JOB_EXPIRE}:${id}` });
      return false;
    }
    item.status = ContentStatus.ARCHIVED;
    await tx.flush();
    const txLike: Transaction = { em: tx as EntityManager, emit: emitEvent };
    await saveRevision(txLike, item, null, 'archived: unpublishAt passed');
    emit(txLike, item, CONTENT_EVENTS.statusChanged, { from: ContentStatus.PUBLISHED, to: ContentStatus.ARCHIVED, public: true });
    emit(txLike, item, CONTENT_EVENTS.archived, { public: true });
    return true;
  });
}

export async function restoreRevision(ctx: RequestContext, id: string, version: number, revision: number): Promise<ContentItem> {
  assertOffice(ctx, OFFICE_WORK);
  return ctx.transaction(async (tx) => {
    const item = await lockForChange(tx.em, contentUuid(id), version);
    const saved = await tx.em.findOne(ContentRevision, { content: item.id, number: revision });
    if (!saved) throw ContentErrors.revisionNotFound(revision);
    const wasLive = isLive(item);
    const snapshot = saved.snapshot as Record<string, unknown>;
    for (const key of RESTORED_FIELDS) {
      const value = snapshot[key];
      (item as unknown as Record<string, unknown>)[key] = DATE_FIELDS.has(key) && typeof value === 'string' ? new Date(value) : value ?? undefined;
    }
    // What the revision referred to may have been deleted since (media, categories, units, institutions): such a
    // reference is left out rather than failing the save. An earlier parent is checked like a new one (it may have
    // become a descendant since).
    const stillThere = async (entity: typeof ContentCategory | typeof MediaAsset | typeof OrganisationalUnit | typeof Institution, id: unknown) =>
      typeof id === 'string' && (await tx.em.count(entity, { id })) > 0 ? id : undefined;
    const categoryId = await stillThere(ContentCategory, snapshot.categoryId);
    item.category = categoryId ? tx.em.getReference(ContentCategory, categoryId, { wrapped: true }) : undefined;
    item.coverImage = refOrUndefined(tx.em, await stillThere(MediaAsset, snapshot.coverImageId));
    item.file = refOrUndefined(tx.em, await stillThere(MediaAsset, snapshot.fileId));
    const unitId = await stillThere(OrganisationalUnit, snapshot.organiserUnitId);
    item.organiserUnit = unitId ? tx.em.getReference(OrganisationalUnit, unitId, { wrapped: true }) : undefined;
    const institutionId = await stillThere(Institution, snapshot.organiserInstitutionId);
    item.organiserInstitution = institutionId ? tx.em.getReference(Institution, institutionId, { wrapped: true }) : undefined;
    const parentId = typeof snapshot.parentId === 'string' ? snapshot.parentId : undefined;
    if (parentId && parentId !== item.parent?.id) await assertNoCycle(tx.em, item.id, parentId);
    item.parent = parentId ? tx.em.getReference(ContentItem, parentId, { wrapped: true }) : undefined;
    item.bodyHtml = renderAll(item.body);
    item.updatedBy = ctx.viewer.subject ?? undefined;
    await decideSlugs(tx.em, item, item.slug);
    await tx.em.flush();
    await writeSlugRows(tx.em, item);
    await saveRevision(tx, item, ctx.viewer.subject, `restored from #${revision}`);
    emit(tx, item, CONTENT_EVENTS.updated, { public: wasLive || isLive(item) });
    return item;
  });
}

export async function deleteContent(ctx: RequestContext, id: string, version: number): Promise<string> {
  assertOffice(ctx, OFFICE_WORK);
  return ctx.transaction(async (tx) => {
    const item = await lockForChange(tx.em, contentUuid(id), version);
    if (item.status !== ContentStatus.DRAFT || item.publishedAt) throw ContentErrors.notDeletable();
    const [children] = await tx.em.execute<{ n: number }[]>(`select count(*)::int as n from content_item where parent_id = ?`, [item.id]);
    if (children.n > 0) throw ContentErrors.hasChildren();
    const globalId = contentGlobalId(item);
    tx.em.remove(item);
    await tx.em.flush();
    // Indexes drop its document; nothing public is announced (a draft never was on the website).
    tx.emit({ type: CONTENT_EVENTS.deleted, aggregateType: 'Content', aggregateId: item.id, payload: { contentType: item.type, public: false } });
    return globalId;
  });
}

export async function addDocumentVersion(ctx: RequestContext, input: AddDocumentVersionInput): Promise<ContentItem> {
  assertOffice(ctx, OFFICE_WORK);
  return ctx.transaction(async (tx) => {
    const document = await lockForChange(tx.em, contentUuid(input.documentId, 'documentId', ContentType.DOCUMENT));
    const fileId = mediaUuid(input.fileId, 'fileId');
    await assertMediaAssetsExist(tx.em, [fileId], 'fileId');
    const [last] = await tx.em.execute<{ n: number }[]>(`select coalesce(max(number), 0)::int as n from document_version where document_id = ?`, [
      document.id,
    ]);
    tx.em.create(DocumentVersion, {
      document: document.id,
      number: last.n + 1,
      file: fileId,
      note: input.note,
      effectiveFrom: input.effectiveFrom,
      createdBy: ctx.viewer.subject ?? undefined,
      createdAt: new Date(),
    });
    document.updatedBy = ctx.viewer.subject ?? undefined;
    document.updatedAt = new Date();
    await tx.em.flush();
    if (isLive(document)) await publishMediaAssets(tx.em, [fileId]);
    await saveRevision(tx, document, ctx.viewer.subject, `version ${last.n + 1} added`);
    emit(tx, document, CONTENT_EVENTS.updated, { public: isLive(document) });
    return document;
  });
}

// --- Rules -----------------------------------------------------------------------------------------------------------

async function lockForChange(em: EntityManager, id: string, version?: number): Promise<ContentItem> {
  const item = await em.findOne(ContentItem, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!item) throw ContentErrors.notFound(toGlobalId('Content', id));
  if (version !== undefined && item.version !== version) throw versionConflict('Content', version, item.version);
  return item;
}

function checkDetails(type: ContentType, input: CreateContentInput | UpdateContentInput): void {
  const own = DETAILS_OF[type];
  const others = DETAIL_FIELDS.filter((f) => f !== own && (input as unknown as Record<string, unknown>)[f] != null);
  if (others.length) throw ContentErrors.detailsMismatch(type, others as string[]);
  const needsDetails = type === ContentType.EVENT || type === ContentType.DOCUMENT || type === ContentType.PROMOTIONAL_MATERIAL || type === ContentType.ANNOUNCEMENT;
  if ('type' in input && needsDetails && !(input as unknown as Record<string, unknown>)[own]) throw ContentErrors.detailsRequired(own, type);
}

function mediaUuid(globalId: string, field: string): string {
  const { type, id } = parseGlobalId(globalId, field);
  if (type !== 'MediaAsset') throw invalidInput(field, `${field} is not a MediaAsset ID`, 'INVALID_ID');
  return id;
}

/** The mobility module's calls are named by global ID, as every object is; the content module checks only that the call exists. */
export const MOBILITY_CALL_TYPE = 'MobilityCall';
async function mobilityCallUuid(em: EntityManager, globalId: string): Promise<string> {
  const { type, id } = parseGlobalId(globalId, 'announcement.mobilityCallId');
  const [row] = type === MOBILITY_CALL_TYPE ? await em.execute<{ id: string }[]>(`select id from mobility_call where id = ?`, [id]) : [];
  if (!row) throw invalidInput('announcement.mobilityCallId', 'mobilityCallId is not the ID of a mobility call', 'MOBILITY_CALL_NOT_FOUND');
  return id;
}

function renderAll(body: Localised): Localised {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v).map(([locale, md]) => [locale, renderMarkdown(md!)]));
}

function checkTimeZone(zone: string, field: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw ContentErrors.invalidTimeZone(field);
  }
  if (!zone.includes('/') && zone !== 'UTC') throw ContentErrors.invalidTimeZone(field);
}

function checkUrl(url: string | undefined, field: string): void {
  if (url === undefined) return;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw ContentErrors.invalidUrl(field);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw ContentErrors.invalidUrl(field);
}

/** Copies the given fields onto the item, checking every reference; on create, the title is required. */
async function applyFields(em: EntityManager, item: ContentItem, input: CreateContentInput | UpdateContentInput, creating: boolean): Promise<void> {
  if (input.title) item.title = mergeLocalised(creating ? {} : item.title, input.title as Localised);
  if (!Object.keys(item.title).length) throw ContentErrors.titleRequired();
  if (input.summary) item.summary = mergeLocalised(item.summary, input.summary as Localised);
  if (input.body) {
    item.body = mergeLocalised(item.body, input.body as Localised);
    item.bodyHtml = renderAll(item.body);
  }
  if (input.categoryKey !== undefined && input.categoryKey !== null) {
    if (input.categoryKey === '') item.category = undefined;
    else {
      const category = await em.findOne(ContentCategory, { key: input.categoryKey });
      if (!category) throw ContentErrors.categoryNotFound(input.categoryKey);
      item.category = em.getReference(ContentCategory, category.id, { wrapped: true });
    }
  }
  if (input.tags) {
    const tags = [...new Set(input.tags.map((t) => t.trim().toLowerCase()))];
    if (tags.length > MAX_TAGS || tags.some((t) => t.length < 1 || t.length > 40)) throw ContentErrors.invalidTag('tags');
    item.tags = tags;
  }
  if (input.coverImageId !== undefined) {
    const id = input.coverImageId ? mediaUuid(input.coverImageId, 'coverImageId') : undefined;
    if (id) await assertMediaAssetsExist(em, [id], 'coverImageId');
    item.coverImage = refOrUndefined(em, id);
  }
  if (input.attachmentIds) {
    const ids = input.attachmentIds.map((g) => mediaUuid(g, 'attachmentIds'));
    await assertMediaAssetsExist(em, ids, 'attachmentIds');
    item.attachmentIds = [...new Set(ids)];
  }
  if (input.partnerIds) {
    const ids = [...new Set(input.partnerIds.map((g) => partnerUuid(g, 'partnerIds')))];
    const found = await em.count(Institution, { id: { $in: ids } });
    if (found !== ids.length) throw invalidInput('partnerIds', 'Some partner institutions do not exist', 'INSTITUTION_NOT_FOUND');
    item.partnerIds = ids;
  }
  if (input.programmes) item.programmes = [...new Set(input.programmes)];
  if (input.relatedEventIds) {
    const ids = [...new Set(input.relatedEventIds.map((g) => contentUuid(g, 'relatedEventIds', ContentType.EVENT)))];
    const found = await em.count(ContentItem, { id: { $in: ids }, type: ContentType.EVENT });
    if (found !== ids.length) throw invalidInput('relatedEventIds', 'Some related events do not exist', 'CONTENT_NOT_FOUND');
    item.relatedEventIds = ids;
  }
  if (input.announcement) {
    const a = input.announcement;
    item.kind = a.kind;
    item.mobilityCallId = a.mobilityCallId ? await mobilityCallUuid(em, a.mobilityCallId) : undefined;
    item.startsAt = a.startsAt ?? undefined;
    item.endsAt = a.endsAt ?? undefined;
    if (a.timeZone) checkTimeZone(a.timeZone, 'announcement.timeZone');
    item.timeZone = a.timeZone ?? undefined;
    item.venue = a.venue ? mergeLocalised({}, a.venue as Localised) : undefined;
    checkUrl(a.onlineUrl ?? undefined, 'announcement.onlineUrl');
    item.onlineUrl = a.onlineUrl ?? undefined;
    item.organiserName = a.organiserName ?? undefined;
    item.organiserKind = a.organiserName ? OrganiserKind.EXTERNAL : undefined;
    if (item.startsAt && item.endsAt && item.endsAt < item.startsAt) throw ContentErrors.invalidWindow('announcement.endsAt', 'endsAt must not be before startsAt');
  }
  if (input.event) await applyEvent(em, item, input.event);
  if (input.page) {
    if (input.page.parentId !== undefined) {
      const parentId = input.page.parentId ? contentUuid(input.page.parentId, 'page.parentId', ContentType.PAGE) : undefined;
      if (parentId) await assertNoCycle(em, item.id, parentId);
      item.parent = parentId ? em.getReference(ContentItem, parentId, { wrapped: true }) : undefined;
    }
    if (input.page.position !== undefined && input.page.position !== null) item.position = input.page.position;
  }
  if (input.document) item.kind = input.document.kind;
  if (input.material) {
    const m = input.material;
    item.kind = m.format;
    item.audiences = [...new Set(m.audiences ?? [])];
    item.materialLanguage = m.language ?? undefined;
    const fileId = m.fileId ? mediaUuid(m.fileId, 'material.fileId') : undefined;
    if (fileId) await assertMediaAssetsExist(em, [fileId], 'material.fileId');
    item.file = refOrUndefined(em, fileId);
    checkUrl(m.videoUrl ?? undefined, 'material.videoUrl');
    item.videoUrl = m.videoUrl ?? undefined;
  }
}

async function applyEvent(em: EntityManager, item: ContentItem, e: NonNullable<CreateContentInput['event']>): Promise<void> {
  if (e.endsAt <= e.startsAt) throw ContentErrors.invalidWindow('event.endsAt', 'endsAt must be after startsAt');
  checkTimeZone(e.timeZone, 'event.timeZone');
  checkUrl(e.onlineUrl ?? undefined, 'event.onlineUrl');
  const opens = e.registrationOpensAt ?? undefined;
  const closes = e.registrationClosesAt ?? undefined;
  if (opens && closes && closes <= opens) throw ContentErrors.invalidWindow('event.registrationClosesAt', 'registration must close after it opens');
  if (closes && closes > e.endsAt) throw ContentErrors.invalidWindow('event.registrationClosesAt', 'registration cannot close after the event ends');
  const keys = new Set<string>();
  for (const [i, q] of (e.registrationQuestions ?? []).entries()) {
    if (keys.has(q.key)) throw invalidInput(`event.registrationQuestions.${i}.key`, `Question key ${q.key} is used twice`, 'DUPLICATE_QUESTION');
    keys.add(q.key);
    if (q.kind === 'CHOICE' && !q.options?.length) throw invalidInput(`event.registrationQuestions.${i}.options`, 'A CHOICE question needs options', 'OPTIONS_REQUIRED');
  }
  item.organiserUnit = undefined;
  item.organiserInstitution = undefined;
  item.organiserName = undefined;
  if (e.organiserKind === OrganiserKind.UNIT) {
    if (!e.organiserUnitId) throw ContentErrors.organiserMismatch('event.organiserUnitId', 'A UNIT organiser needs organiserUnitId');
    const { type, id } = parseGlobalId(e.organiserUnitId, 'event.organiserUnitId');
    if (type !== UNIT_TYPE || !(await em.count(OrganisationalUnit, { id }))) {
      throw ContentErrors.organiserMismatch('event.organiserUnitId', 'No such organisational unit');
    }
    item.organiserUnit = em.getReference(OrganisationalUnit, id, { wrapped: true });
  } else if (e.organiserKind === OrganiserKind.PARTNER) {
    if (!e.organiserInstitutionId) throw ContentErrors.organiserMismatch('event.organiserInstitutionId', 'A PARTNER organiser needs organiserInstitutionId');
    const id = partnerUuid(e.organiserInstitutionId, 'event.organiserInstitutionId');
    if (!(await em.count(Institution, { id }))) throw ContentErrors.organiserMismatch('event.organiserInstitutionId', 'No such institution');
    item.organiserInstitution = em.getReference(Institution, id, { wrapped: true });
  } else if (e.organiserKind === OrganiserKind.EXTERNAL) {
    if (!e.organiserName) throw ContentErrors.organiserMismatch('event.organiserName', 'An EXTERNAL organiser needs organiserName');
    item.organiserName = e.organiserName;
  }
  item.kind = e.kind;
  item.startsAt = e.startsAt;
  item.endsAt = e.endsAt;
  item.timeZone = e.timeZone;
  item.venue = e.venue ? mergeLocalised({}, e.venue as Localised) : undefined;
  item.onlineUrl = e.onlineUrl ?? undefined;
  item.organiserKind = e.organiserKind;
  item.capacity = e.capacity ?? undefined;
  item.registrationOpensAt = opens;
  item.registrationClosesAt = closes;
  item.registrationQuestions = (e.registrationQuestions ?? []).map((q) => ({
    key: q.key,
    label: mergeLocalised({}, q.label as Localised),
    kind: q.kind,
    required: q.required ?? false,
    ...(q.options ? { options: q.options } : {}),
  }));
}

async function assertNoCycle(em: EntityManager, itemId: string, parentId: string): Promise<void> {
  if (parentId === itemId) throw ContentErrors.pageCycle();
  const [row] = await em.execute<{ n: number }[]>(
    `with recursive up(id, parent_id) as (
       select id, parent_id from content_item where id = ?
       union select c.id, c.parent_id from content_item c join up on c.id = up.parent_id
     ) select count(*)::int as n from up where id = ?`,
    [parentId, itemId],
  );
  if (row.n > 0) throw ContentErrors.pageCycle();
  if (!(await em.count(ContentItem, { id: parentId, type: ContentType.PAGE }))) throw ContentErrors.notFound(toGlobalId('Page', parentId));
}

function refOrUndefined(em: EntityManager, id: unknown) {
  return typeof id === 'string' ? em.getReference(MediaAsset, id, { wrapped: true }) : undefined;
}

export function mediaIdsOf(item: ContentItem): string[] {
  return [item.coverImage?.id, item.file?.id, ...item.attachmentIds].filter((id): id is string => !!id);
}

// --- Revisions and events -------------------------------------------------------------------------------------------

const RESTORED_FIELDS = [
  'kind', 'title', 'summary', 'body', 'slug', 'tags', 'attachmentIds', 'partnerIds', 'programmes', 'relatedEventIds', 'mobilityCallId',
  'startsAt', 'endsAt', 'timeZone', 'venue', 'onlineUrl', 'organiserKind', 'organiserName', 'capacity', 'registrationOpensAt',
  'registrationClosesAt', 'registrationQuestions', 'position', 'audiences', 'materialLanguage', 'videoUrl',
] as const;
const DATE_FIELDS = new Set<string>(['startsAt', 'endsAt', 'registrationOpensAt', 'registrationClosesAt']);

function snapshotOf(item: ContentItem): Record<string, unknown> {
  const snapshot: Record<string, unknown> = {};
  for (const key of RESTORED_FIELDS) {
    const value = (item as unknown as Record<string, unknown>)[key];
    snapshot[key] = value instanceof Date ? value.toISOString() : value ?? null;
  }
  return {
    ...snapshot,
    categoryId: item.category?.id ?? null,
    coverImageId: item.coverImage?.id ?? null,
    fileId: item.file?.id ?? null,
    organiserUnitId: item.organiserUnit?.id ?? null,
    organiserInstitutionId: item.organiserInstitution?.id ?? null,
    parentId: item.parent?.id ?? null,
    status: item.status,
    publishAt: item.publishAt?.toISOString() ?? null,
    unpublishAt: item.unpublishAt?.toISOString() ?? null,
  };
}

async function saveRevision(tx: Transaction, item: ContentItem, author: string | null, note: string): Promise<void> {
  const [last] = await tx.em.execute<{ n: number }[]>(`select coalesce(max(number), 0)::int as n from content_revision where content_id = ?`, [item.id]);
  tx.em.create(ContentRevision, {
    content: item.id,
    number: last.n + 1,
    version: item.version,
    status: item.status,
    author: author ?? undefined,
    at: new Date(),
    note,
    snapshot: snapshotOf(item),
  });
  await tx.em.flush();
}

function emit(tx: Transaction, item: ContentItem, type: string, payload: Record<string, unknown> = {}): void {
  tx.emit({
    type,
    aggregateType: 'Content',
    aggregateId: item.id,
    aggregateVersion: item.version,
    payload: { contentType: item.type, public: isLive(item), ...payload },
  });
}
