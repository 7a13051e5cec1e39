import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root, Subscription, registerEnumType } from 'type-graphql';
import type { DeliveredEvent } from '../../platform/events/outbox';
import type { Locale, RequestContext } from '../../platform/graphql/context';
import { LocaleCode, LocalisedText, pickLocale } from '../../platform/graphql/localised-text';
import { ConnectionType, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { Institution } from '../institutions/institution.entity';
import { institutionById, unitById } from '../institutions/institution.loaders';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import {
  Announcement,
  AnnouncementKind,
  Audience,
  ContentCategory,
  ContentDocument,
  ContentEvent,
  ContentItem,
  ContentRevision,
  ContentStatus,
  ContentType,
  DocumentKind,
  DocumentVersion,
  EventKind,
  MaterialFormat,
  OrganiserKind,
  Page,
  Programme,
  PromotionalMaterial,
  type Localised,
} from './content.entity';
import { AddDocumentVersionInput, ContentCategoryInput, ContentListArgs, CreateContentInput, UpdateContentInput } from './content.inputs';
import { categoryById, contentById, pagesByParent, pathsByContent, versionsByDocument } from './content.loaders';
import { findVisibleMediaAsset } from './media.service';
import {
  addDocumentVersion,
  archiveContent,
  contentGlobalId,
  contentUuid,
  createContent,
  deleteContent,
  getContent,
  getContentBySlug,
  MOBILITY_CALL_TYPE,
  listCategories,
  listContent,
  publishContent,
  restoreRevision,
  saveCategory,
  returnToDraft,
  revisionsOf,
  submitForReview,
  updateContent,
} from './content.service';
import { contentChangeView, followContentChanges, type ContentChangeKind } from './content.subscription';
import { isLive, seesUnpublished } from './content.visibility';
import { MediaAsset } from './media-asset.entity';
import { OFFICE_ROLES } from '../../platform/auth/viewer';


export enum ContentVisibility {
  DRAFT = 'DRAFT',
  IN_REVIEW = 'IN_REVIEW',
  SCHEDULED = 'SCHEDULED',
  LIVE = 'LIVE',
  EXPIRED = 'EXPIRED',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(ContentVisibility, {
  name: 'ContentVisibility',
  description: 'Where an item stands on the website right now.',
  valuesConfig: {
    SCHEDULED: { description: 'Published, with publishAt still ahead.' },
    LIVE: { description: 'Published and inside its window: the website shows it.' },
    EXPIRED: { description: 'Published, but unpublishAt has passed (the archiving job is due).' },
  },
});

export enum ContentChange {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  STATUS_CHANGED = 'STATUS_CHANGED',
  PUBLISHED = 'PUBLISHED',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(ContentChange, {
  name: 'ContentChange',
  valuesConfig: {
    PUBLISHED: { description: 'The item went live (at once, or when its publishAt came).' },
    ARCHIVED: { description: 'The item left the website (by hand, or when its unpublishAt passed).' },
  },
});

@ObjectType({ description: 'A question an event asks at registration.' })
class RegistrationQuestion {
  @Field()
  key!: string;

  @Field({ description: 'In the requested locale, with fallback.' })
  label!: string;

  @Field(() => String, { description: 'TEXT, CHOICE or BOOLEAN.' })
  kind!: string;

  @Field()
  required!: boolean;

  @Field(() => [String])
  options!: string[];
}

@ObjectType({ description: 'A content item was created, changed, published or archived.' })
export class ContentChanged {
  @Field(() => ContentChange)
  change!: ContentChange;

  @Field(() => ID)
  contentId!: string;

  @Field(() => ContentType)
  type!: ContentType;

  @Field(() => ContentItem, { nullable: true, description: 'The item as it is now; null when you may no longer see it.' })
  content!: ContentItem | null;

  @Field(() => ContentStatus, { nullable: true, description: 'STATUS_CHANGED: the status before.' })
  from!: ContentStatus | null;

  @Field(() => ContentStatus, { nullable: true, description: 'STATUS_CHANGED: the status after.' })
  to!: ContentStatus | null;

  @Field(() => Int, { nullable: true })
  version!: number | null;

  @Field(() => String, { nullable: true, description: 'Who made the change (office viewers only; null for the scheduler).' })
  actor!: string | null;

  @Field()
  occurredAt!: Date;
}

const ContentConnection = ConnectionType(ContentItem as unknown as new () => ContentItem, 'Content');
const AnnouncementConnection = ConnectionType(Announcement, 'Announcement');
const EventConnection = ConnectionType(ContentEvent, 'Event');
const PageConnection = ConnectionType(Page, 'Page');
const DocumentConnection = ConnectionType(ContentDocument, 'Document');
const PromotionalMaterialConnection = ConnectionType(PromotionalMaterial, 'PromotionalMaterial');

const text = (ctx: RequestContext, value: Localised | undefined | null): string | null => {
  if (!value || !Object.keys(value).length) return null;
  return pickLocale(value, ctx.locale, ctx.config.defaultLocale);
};

/** Every content list: the same arguments, the type fixed or not. */
function list(ctx: RequestContext, args: ContentListArgs, type?: ContentType): Promise<ConnectionShape<ContentItem>> {
  ctx.useLocale(args.locale);
  return listContent(ctx, args.filter, args.orderBy, args, type, args.query);
}

/** Queries, mutations and the fields every content type shares. */
@Resolver(() => ContentItem)
export class ContentResolver {
  @Query(() => ContentConnection, {
    description: 'Content of every type. The website sees published, live items only; the office sees everything (drafts included).',
  })
  contents(@Ctx() ctx: RequestContext, @Args() args: ContentListArgs): Promise<ConnectionShape<ContentItem>> {
    return list(ctx, args);
  }

  @Query(() => AnnouncementConnection, { description: 'Announcements: news, calls, conferences and seminars, notices; newest first.' })
  announcements(@Ctx() ctx: RequestContext, @Args() args: ContentListArgs): Promise<ConnectionShape<ContentItem>> {
    return list(ctx, args, ContentType.ANNOUNCEMENT);
  }

  @Query(() => EventConnection, { description: 'Events, soonest first; filter `when: UPCOMING` for the calendar.' })
  events(@Ctx() ctx: RequestContext, @Args() args: ContentListArgs): Promise<ConnectionShape<ContentItem>> {
    return list(ctx, args, ContentType.EVENT);
  }

  @Query(() => PageConnection, { description: 'Website pages, in their order; `filter.topLevel` for the menu.' })
  pages(@Ctx() ctx: RequestContext, @Args() args: ContentListArgs): Promise<ConnectionShape<ContentItem>> {
    return list(ctx, args, ContentType.PAGE);
  }

  @Query(() => DocumentConnection, { description: 'Downloadable forms, regulations and guides.' })
  documents(@Ctx() ctx: RequestContext, @Args() args: ContentListArgs): Promise<ConnectionShape<ContentItem>> {
    return list(ctx, args, ContentType.DOCUMENT);
  }

  @Query(() => PromotionalMaterialConnection, { description: 'Brochures, fact sheets, presentations and videos.' })
  promotionalMaterials(@Ctx() ctx: RequestContext, @Args() args: ContentListArgs): Promise<ConnectionShape<ContentItem>> {
    return list(ctx, args, ContentType.PROMOTIONAL_MATERIAL);
  }

  @Query(() => ContentItem, { nullable: true, description: 'One item by ID; null when absent or not visible to you (the office can preview drafts).' })
  content(
    @Ctx() ctx: RequestContext,
    @Arg('id', () => ID) id: string,
    @Arg('locale', () => LocaleCode, { nullable: true }) locale?: Locale,
  ): Promise<ContentItem | null> {
    ctx.useLocale(locale);
    return getContent(ctx, contentUuid(id));
  }

  @Query(() => ContentItem, {
    nullable: true,
    description: 'One item by its slug (a page by its path). The slug of the asked locale is tried first, then the other locales’.',
  })
  contentBySlug(
    @Ctx() ctx: RequestContext,
    @Arg('type', () => ContentType) type: ContentType,
    @Arg('slug') slug: string,
    @Arg('locale', () => LocaleCode, { nullable: true }) locale?: Locale,
  ): Promise<ContentItem | null> {
    ctx.useLocale(locale);
    return getContentBySlug(ctx, type, slug, locale);
  }

  @Query(() => Page, { nullable: true, description: 'A page by its path, e.g. "erasmus/how-to-apply".' })
  page(
    @Ctx() ctx: RequestContext,
    @Arg('path') path: string,
    @Arg('locale', () => LocaleCode, { nullable: true }) locale?: Locale,
  ): Promise<ContentItem | null> {
    ctx.useLocale(locale);
    return getContentBySlug(ctx, ContentType.PAGE, path, locale);
  }

  @Query(() => [ContentCategory], { description: 'Content categories, in their order.' })
  contentCategories(@Ctx() ctx: RequestContext): Promise<ContentCategory[]> {
    return listCategories(ctx);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ContentCategory, { description: 'Office: create a category, or rename or reorder the one with this key.' })
  saveContentCategory(@Arg('input') input: ContentCategoryInput, @Ctx() ctx: RequestContext): Promise<ContentCategory> {
    return saveCategory(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ContentItem, { description: 'Office: a new item, as a draft.' })
  createContent(@Arg('input') input: CreateContentInput, @Ctx() ctx: RequestContext): Promise<ContentItem> {
    return createContent(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ContentItem, { description: 'Office: change an item (a published item changes on the website at once). Keeps a revision.' })
  updateContent(@Arg('input') input: UpdateContentInput, @Ctx() ctx: RequestContext): Promise<ContentItem> {
    return updateContent(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ContentItem, { description: 'Office: DRAFT → IN_REVIEW.' })
  submitContentForReview(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<ContentItem> {
    return submitForReview(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ContentItem, {
    description: 'Office: publish now, or from publishAt; unpublishAt archives it later. Both happen by a job that survives restarts.',
  })
  publishContent(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Ctx() ctx: RequestContext,
    @Arg('publishAt', () => Date, { nullable: true }) publishAt?: Date,
    @Arg('unpublishAt', () => Date, { nullable: true }) unpublishAt?: Date,
  ): Promise<ContentItem> {
    return publishContent(ctx, id, version, publishAt, unpublishAt);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ContentItem, { description: 'Office: back to DRAFT (from review, or off the website), with a note for the author.' })
  returnContentToDraft(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Ctx() ctx: RequestContext,
    @Arg('note', () => String, { nullable: true }) note?: string,
  ): Promise<ContentItem> {
    return returnToDraft(ctx, id, version, note);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ContentItem, { description: 'Office: take off the website and keep for the record.' })
  archiveContent(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<ContentItem> {
    return archiveContent(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ContentItem, { description: 'Office: bring back the texts and settings of an earlier revision (the status stays).' })
  restoreContentRevision(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('revision', () => Int) revision: number,
    @Ctx() ctx: RequestContext,
  ): Promise<ContentItem> {
    return restoreRevision(ctx, id, version, revision);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ID, { description: 'Office: delete a draft that was never published (archive anything else).' })
  deleteContent(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() ctx: RequestContext): Promise<string> {
    return deleteContent(ctx, id, version);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ContentDocument, { description: 'Office: a new version of a document’s file; it becomes the current one.' })
  addDocumentVersion(@Arg('input') input: AddDocumentVersionInput, @Ctx() ctx: RequestContext): Promise<ContentItem> {
    return addDocumentVersion(ctx, input);
  }

  @Subscription(() => ContentChanged, {
    description:
      'Content changes. The office receives every change; everyone else only changes to content that is (or was) on the website, for refreshing pages and caches.',
    subscribe: ({ context, args }) => followContentChanges(context as RequestContext, args.types as ContentType[] | undefined, args.changes as ContentChangeKind[] | undefined),
  })
  contentChanged(
    @Root() event: DeliveredEvent,
    @Ctx() ctx: RequestContext,
    @Arg('types', () => [ContentType], { nullable: true, description: 'Only these types (default: all).' }) _types?: ContentType[],
    @Arg('changes', () => [ContentChange], { nullable: true, description: 'Only these kinds of change (default: all).' }) _changes?: ContentChange[],
  ): Promise<ContentChanged> {
    return contentChangeView(ctx, event) as Promise<ContentChanged>;
  }

  // --- Fields every type shares ------------------------------------------------------------------------------------

  @FieldResolver(() => ID)
  id(@Root() item: ContentItem): string {
    return contentGlobalId(item);
  }

  @FieldResolver(() => ContentVisibility)
  visibility(@Root() item: ContentItem): ContentVisibility {
    const now = new Date();
    if (item.status !== ContentStatus.PUBLISHED) return item.status as unknown as ContentVisibility;
    if (item.publishAt && item.publishAt > now) return ContentVisibility.SCHEDULED;
    if (item.unpublishAt && item.unpublishAt <= now) return ContentVisibility.EXPIRED;
    return ContentVisibility.LIVE;
  }

  @FieldResolver(() => LocaleCode, { description: 'The locale the texts are served in: the one asked for, or the default one when this item lacks it.' })
  locale(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Locale {
    if (item.title[ctx.locale]) return ctx.locale;
    if (item.title[ctx.config.defaultLocale]) return ctx.config.defaultLocale;
    return (Object.keys(item.title)[0] as Locale | undefined) ?? ctx.config.defaultLocale;
  }

  @FieldResolver(() => [LocaleCode], { description: 'The locales the item has a title in.' })
  translations(@Root() item: ContentItem): Locale[] {
    // In a fixed order: jsonb stores keys sorted its own way, so the stored order is not the written one.
    return (Object.values(LocaleCode) as Locale[]).filter((locale) => item.title[locale]);
  }

  @FieldResolver(() => String)
  title(@Root() item: ContentItem, @Ctx() ctx: RequestContext): string {
    return text(ctx, item.title) ?? '';
  }

  @FieldResolver(() => String, { nullable: true })
  summary(@Root() item: ContentItem, @Ctx() ctx: RequestContext): string | null {
    return text(ctx, item.summary);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The text as written (Markdown).' })
  body(@Root() item: ContentItem, @Ctx() ctx: RequestContext): string | null {
    return text(ctx, item.body);
  }

  @FieldResolver(() => String, { nullable: true, description: 'The text as sanitised HTML, safe to insert into a page.' })
  bodyHtml(@Root() item: ContentItem, @Ctx() ctx: RequestContext): string | null {
    return text(ctx, item.bodyHtml);
  }

  @FieldResolver(() => LocalisedText, { description: 'The title in every locale (for editing).' })
  titleTranslations(@Root() item: ContentItem): Localised {
    return item.title;
  }

  @FieldResolver(() => LocalisedText)
  summaryTranslations(@Root() item: ContentItem): Localised {
    return item.summary;
  }

  @FieldResolver(() => LocalisedText, { description: 'The Markdown in every locale (for editing).' })
  bodyTranslations(@Root() item: ContentItem): Localised {
    return item.body;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The slug in the served locale.' })
  slug(@Root() item: ContentItem, @Ctx() ctx: RequestContext): string | null {
    return text(ctx, item.slug);
  }

  @FieldResolver(() => LocalisedText, { description: 'The slug in every locale.' })
  slugs(@Root() item: ContentItem): Localised {
    return item.slug;
  }

  @FieldResolver(() => String, { nullable: true, description: 'The address within its type in the served locale: a page’s full path, or the slug.' })
  async path(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<string | null> {
    return text(ctx, await ctx.loader(pathsByContent).load(item.id));
  }

  @FieldResolver(() => ContentCategory, { nullable: true })
  category(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<ContentCategory | null> | null {
    return item.category ? ctx.loader(categoryById).load(item.category.id) : null;
  }

  @FieldResolver(() => MediaAsset, { nullable: true })
  coverImage(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<MediaAsset | null> | null {
    return item.coverImage ? findVisibleMediaAsset(ctx, item.coverImage.id) : null;
  }

  @FieldResolver(() => [MediaAsset])
  async attachments(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<MediaAsset[]> {
    const assets = await Promise.all(item.attachmentIds.map((id) => findVisibleMediaAsset(ctx, id)));
    return assets.filter((a): a is MediaAsset => !!a);
  }

  @FieldResolver(() => [Institution], { description: 'Partner institutions the item is about.' })
  async partners(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<Institution[]> {
    const found = await ctx.loader(institutionById).loadMany(item.partnerIds);
    return found.filter((i): i is Institution => !!i && !(i instanceof Error));
  }

  @FieldResolver(() => [Programme])
  programmes(@Root() item: ContentItem): string[] {
    return item.programmes;
  }

  @FieldResolver(() => [ContentEvent], { description: 'Events the item announces or relates to (those you may see).' })
  async relatedEvents(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<ContentItem[]> {
    const found = await ctx.loader(contentById).loadMany(item.relatedEventIds);
    return found.filter((e): e is ContentItem => !!e && !(e instanceof Error) && (seesUnpublished(ctx.viewer) || isLive(e)));
  }

  @FieldResolver(() => [ContentRevision], { description: 'Office: every save, newest first (at most 100).' })
  revisions(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<ContentRevision[]> {
    return revisionsOf(ctx, item);
  }
}

@Resolver(() => ContentCategory)
export class ContentCategoryResolver {
  @FieldResolver(() => String)
  name(@Root() category: ContentCategory, @Ctx() ctx: RequestContext): string {
    return text(ctx, category.name) ?? category.key;
  }

  @FieldResolver(() => LocalisedText)
  nameTranslations(@Root() category: ContentCategory): Localised {
    return category.name;
  }

  @FieldResolver(() => Int)
  position(@Root() category: ContentCategory): number {
    return category.position;
  }
}

/** Dates, place and organiser, shared by events and by conference or seminar announcements. */
function occasion(item: ContentItem, ctx: RequestContext) {
  return { venue: text(ctx, item.venue), onlineUrl: item.onlineUrl ?? null };
}

@Resolver(() => Announcement)
export class AnnouncementResolver {
  @FieldResolver(() => AnnouncementKind)
  kind(@Root() item: ContentItem): string {
    return item.kind!;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'Conferences and seminars: when they start.' })
  startsAt(@Root() item: ContentItem): Date | null {
    return item.startsAt ?? null;
  }

  @FieldResolver(() => Date, { nullable: true })
  endsAt(@Root() item: ContentItem): Date | null {
    return item.endsAt ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  timeZone(@Root() item: ContentItem): string | null {
    return item.timeZone ?? null;
  }

  @FieldResolver(() => String, { nullable: true })
  venue(@Root() item: ContentItem, @Ctx() ctx: RequestContext): string | null {
    return occasion(item, ctx).venue;
  }

  @FieldResolver(() => String, { nullable: true })
  onlineUrl(@Root() item: ContentItem, @Ctx() ctx: RequestContext): string | null {
    return occasion(item, ctx).onlineUrl;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Who organises the conference or seminar.' })
  organiserName(@Root() item: ContentItem): string | null {
    return item.organiserName ?? null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The mobility call a CALL announcement is about.' })
  mobilityCallId(@Root() item: ContentItem): string | null {
    return item.mobilityCallId ? toGlobalId(MOBILITY_CALL_TYPE, item.mobilityCallId) : null;
  }
}

@Resolver(() => ContentEvent)
export class EventResolver {
  @FieldResolver(() => EventKind)
  kind(@Root() item: ContentItem): string {
    return item.kind!;
  }

  @FieldResolver(() => Date)
  startsAt(@Root() item: ContentItem): Date {
    return item.startsAt!;
  }

  @FieldResolver(() => Date)
  endsAt(@Root() item: ContentItem): Date {
    return item.endsAt!;
  }

  @FieldResolver(() => String, { description: 'IANA time zone the event is held in.' })
  timeZone(@Root() item: ContentItem): string {
    return item.timeZone!;
  }

  @FieldResolver(() => String, { nullable: true })
  venue(@Root() item: ContentItem, @Ctx() ctx: RequestContext): string | null {
    return occasion(item, ctx).venue;
  }

  @FieldResolver(() => String, { nullable: true })
  onlineUrl(@Root() item: ContentItem, @Ctx() ctx: RequestContext): string | null {
    return occasion(item, ctx).onlineUrl;
  }

  @FieldResolver(() => OrganiserKind)
  organiserKind(@Root() item: ContentItem): OrganiserKind {
    return item.organiserKind ?? OrganiserKind.OFFICE;
  }

  @FieldResolver(() => OrganisationalUnit, { nullable: true })
  organiserUnit(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<OrganisationalUnit | null> | null {
    return item.organiserUnit ? ctx.loader(unitById).load(item.organiserUnit.id) : null;
  }

  @FieldResolver(() => Institution, { nullable: true })
  organiserInstitution(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<Institution | null> | null {
    return item.organiserInstitution ? ctx.loader(institutionById).load(item.organiserInstitution.id) : null;
  }

  @FieldResolver(() => String, { nullable: true })
  organiserName(@Root() item: ContentItem): string | null {
    return item.organiserName ?? null;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Places; null when registration is not limited.' })
  capacity(@Root() item: ContentItem): number | null {
    return item.capacity ?? null;
  }

  @FieldResolver(() => Date, { nullable: true })
  registrationOpensAt(@Root() item: ContentItem): Date | null {
    return item.registrationOpensAt ?? null;
  }

  @FieldResolver(() => Date, { description: 'When registration closes (the event start unless set earlier).' })
  registrationClosesAt(@Root() item: ContentItem): Date {
    return item.registrationClosesAt ?? item.startsAt!;
  }

  @FieldResolver(() => [RegistrationQuestion])
  registrationQuestions(@Root() item: ContentItem, @Ctx() ctx: RequestContext): RegistrationQuestion[] {
    return item.registrationQuestions.map((q) => ({
      key: q.key,
      label: text(ctx, q.label) ?? q.key,
      kind: q.kind,
      required: q.required,
      options: q.options ?? [],
    }));
  }
}

@Resolver(() => Page)
export class PageResolver {
  @FieldResolver(() => Page, { nullable: true })
  async parent(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<ContentItem | null> {
    return item.parent ? getContent(ctx, item.parent.id) : null;
  }

  @FieldResolver(() => [Page], { description: 'Sub-pages you may see, in order.' })
  async children(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<ContentItem[]> {
    const children = await ctx.loader(pagesByParent).load(item.id);
    return seesUnpublished(ctx.viewer) ? children : children.filter((c) => isLive(c));
  }

  @FieldResolver(() => [Page], { description: 'The ancestors, top first (for breadcrumbs).' })
  async breadcrumbs(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<ContentItem[]> {
    const trail: ContentItem[] = [];
    let current = item;
    for (let depth = 0; current.parent && depth < 20; depth++) {
      const parent = await getContent(ctx, current.parent.id);
      if (!parent) break;
      trail.unshift(parent);
      current = parent;
    }
    return trail;
  }

  @FieldResolver(() => Int)
  position(@Root() item: ContentItem): number {
    return item.position;
  }
}

@Resolver(() => ContentDocument)
export class DocumentResolver {
  @FieldResolver(() => DocumentKind)
  kind(@Root() item: ContentItem): string {
    return item.kind!;
  }

  @FieldResolver(() => DocumentVersion, { nullable: true, description: 'The newest version: the one to download.' })
  async currentVersion(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<DocumentVersion | null> {
    return (await ctx.loader(versionsByDocument).load(item.id))[0] ?? null;
  }

  @FieldResolver(() => [DocumentVersion], { description: 'Every version, newest first.' })
  versions(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<DocumentVersion[]> {
    return ctx.loader(versionsByDocument).load(item.id);
  }
}

@Resolver(() => DocumentVersion)
export class DocumentVersionResolver {
  @FieldResolver(() => MediaAsset, { nullable: true, description: 'The file; null while it is not public and you are not the office.' })
  async file(@Root() version: DocumentVersion, @Ctx() ctx: RequestContext): Promise<MediaAsset | null> {
    return findVisibleMediaAsset(ctx, version.file.id);
  }
}

@Resolver(() => PromotionalMaterial)
export class PromotionalMaterialResolver {
  @FieldResolver(() => MaterialFormat)
  format(@Root() item: ContentItem): string {
    return item.kind!;
  }

  @FieldResolver(() => [Audience])
  audiences(@Root() item: ContentItem): string[] {
    return item.audiences;
  }

  @FieldResolver(() => String, { nullable: true, description: 'ISO 639-1 language the material is in.' })
  language(@Root() item: ContentItem): string | null {
    return item.materialLanguage ?? null;
  }

  @FieldResolver(() => MediaAsset, { nullable: true })
  file(@Root() item: ContentItem, @Ctx() ctx: RequestContext): Promise<MediaAsset | null> | null {
    return item.file ? findVisibleMediaAsset(ctx, item.file.id) : null;
  }

  @FieldResolver(() => String, { nullable: true })
  videoUrl(@Root() item: ContentItem): string | null {
    return item.videoUrl ?? null;
  }
}

export const CONTENT_RESOLVERS = [
  ContentResolver,
  ContentCategoryResolver,
  AnnouncementResolver,
  EventResolver,
  PageResolver,
  DocumentResolver,
  DocumentVersionResolver,
  PromotionalMaterialResolver,
];
