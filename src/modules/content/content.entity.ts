import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Int, InterfaceType, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import type { Locale } from '../../platform/graphql/context';
import { Node } from '../../platform/graphql/relay';
import { Institution } from '../institutions/institution.entity';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';
import { MediaAsset } from './media-asset.entity';

export type Localised = Partial<Record<Locale, string>>;

export enum ContentType {
  ANNOUNCEMENT = 'ANNOUNCEMENT',
  EVENT = 'EVENT',
  PAGE = 'PAGE',
  DOCUMENT = 'DOCUMENT',
  PROMOTIONAL_MATERIAL = 'PROMOTIONAL_MATERIAL',
}
registerEnumType(ContentType, { name: 'ContentType' });

export enum ContentStatus {
  DRAFT = 'DRAFT',
  IN_REVIEW = 'IN_REVIEW',
  PUBLISHED = 'PUBLISHED',
  ARCHIVED = 'ARCHIVED',
}
registerEnumType(ContentStatus, {
  name: 'ContentStatus',
  valuesConfig: {
    DRAFT: { description: 'Being written; only the office sees it.' },
    IN_REVIEW: { description: 'Submitted for review; only the office sees it.' },
    PUBLISHED: { description: 'Approved for the website; public inside its publishAt–unpublishAt window.' },
    ARCHIVED: { description: 'Taken off the website (by hand or when unpublishAt passed); kept for the record.' },
  },
});

export enum AnnouncementKind {
  NEWS = 'NEWS',
  CALL = 'CALL',
  CONFERENCE = 'CONFERENCE',
  SEMINAR = 'SEMINAR',
  NOTICE = 'NOTICE',
}
registerEnumType(AnnouncementKind, {
  name: 'AnnouncementKind',
  valuesConfig: {
    CALL: { description: 'A call for applications (linked to a mobility call when there is one).' },
    CONFERENCE: { description: 'A conference organised by others that staff or students may attend.' },
    SEMINAR: { description: 'A seminar organised by others that staff or students may attend.' },
    NOTICE: { description: 'A general notice.' },
  },
});

export enum EventKind {
  CONFERENCE = 'CONFERENCE',
  SEMINAR = 'SEMINAR',
  SYMPOSIUM = 'SYMPOSIUM',
  WORKSHOP = 'WORKSHOP',
  INFO_SESSION = 'INFO_SESSION',
  STUDY_VISIT = 'STUDY_VISIT',
  MEETING = 'MEETING',
  ORIENTATION = 'ORIENTATION',
}
registerEnumType(EventKind, { name: 'EventKind', valuesConfig: { ORIENTATION: { description: 'Welcome or orientation day.' } } });

export enum OrganiserKind {
  OFFICE = 'OFFICE',
  UNIT = 'UNIT',
  PARTNER = 'PARTNER',
  EXTERNAL = 'EXTERNAL',
}
registerEnumType(OrganiserKind, {
  name: 'OrganiserKind',
  valuesConfig: {
    OFFICE: { description: 'The International Relations Office.' },
    UNIT: { description: 'A faculty, department or other unit of the university (organiserUnit).' },
    PARTNER: { description: 'A partner institution (organiserInstitution).' },
    EXTERNAL: { description: 'Someone else (organiserName).' },
  },
});

export enum DocumentKind {
  FORM = 'FORM',
  REGULATION = 'REGULATION',
  GUIDE = 'GUIDE',
  TEMPLATE = 'TEMPLATE',
  OTHER = 'OTHER',
}
registerEnumType(DocumentKind, { name: 'DocumentKind' });

export enum MaterialFormat {
  BROCHURE = 'BROCHURE',
  FACT_SHEET = 'FACT_SHEET',
  PRESENTATION = 'PRESENTATION',
  VIDEO = 'VIDEO',
  POSTER = 'POSTER',
}
registerEnumType(MaterialFormat, { name: 'MaterialFormat' });

export enum Audience {
  PROSPECTIVE_STUDENTS = 'PROSPECTIVE_STUDENTS',
  OUTGOING_STUDENTS = 'OUTGOING_STUDENTS',
  INCOMING_STUDENTS = 'INCOMING_STUDENTS',
  STAFF = 'STAFF',
  PARTNERS = 'PARTNERS',
  GENERAL_PUBLIC = 'GENERAL_PUBLIC',
}
registerEnumType(Audience, { name: 'Audience' });

export enum Programme {
  ERASMUS_PLUS = 'ERASMUS_PLUS',
  MEVLANA = 'MEVLANA',
  FARABI = 'FARABI',
  BILATERAL = 'BILATERAL',
  OTHER = 'OTHER',
}
registerEnumType(Programme, { name: 'Programme' });

/** A question an event asks at registration; answers are checked against it. */
export interface RegistrationQuestion {
  key: string;
  label: Localised;
  kind: 'TEXT' | 'CHOICE' | 'BOOLEAN';
  required: boolean;
  options?: string[];
}

/**
 * Every kind of website content, in one table (single-table inheritance): one workflow, one revision history, one
 * set of slugs and one publishing job for all, and lists across types without unions of queries.
 */
@InterfaceType('Content', {
  implements: [Node, VersionedNode],
  description: 'Anything the website publishes: announcements, events, pages, documents, promotional material.',
})
@Entity({ tableName: 'content_item', discriminatorColumn: 'type', abstract: true })
@Index({ properties: ['type', 'status', 'publishAt'] })
@Index({ properties: ['type', 'startsAt'] })
@Index({ properties: ['parent'] })
@Index({ properties: ['type', 'displayAt'] })
@Index({ name: 'content_item_tags_index', expression: 'create index "content_item_tags_index" on "content_item" using gin ("tags")' })
export abstract class ContentItem extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field(() => ContentType)
  @Enum({ items: () => ContentType })
  type!: ContentType;

  /** The subtype (AnnouncementKind, EventKind, DocumentKind or MaterialFormat); pages have none. */
  @Property({ type: 'text', nullable: true })
  kind?: string;

  @Field(() => ContentStatus)
  @Enum({ items: () => ContentStatus, default: ContentStatus.DRAFT })
  status: ContentStatus = ContentStatus.DRAFT;

  @Field(() => Date, { nullable: true, description: 'When a published item appears on the website (null: at once).' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  publishAt?: Date;

  @Field(() => Date, { nullable: true, description: 'When a published item leaves the website and is archived (null: never).' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  unpublishAt?: Date;

  @Field(() => Date, { nullable: true, description: 'When it first went live on the website.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  publishedAt?: Date;

  /**
   * The date the website shows and sorts by: publishAt (or the moment of publishing) once published, the creation
   * time before. Never null, so keyset pagination can use it.
   */
  @Field({ description: 'The date the website shows and sorts by (publishAt, or when it was published; creation time for drafts).' })
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  displayAt: Date = new Date();

  /** The publishAt for which "went live" was announced, so the job announces each going-live once. */
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  liveAnnouncedFor?: Date;

  @Property({ type: 'json' })
  title: Localised = {};

  @Property({ type: 'json', default: '{}' })
  summary: Localised = {};

  /** Markdown, per locale. */
  @Property({ type: 'json', default: '{}' })
  body: Localised = {};

  /** The sanitised HTML of `body`, rendered when saved. */
  @Property({ type: 'json', default: '{}' })
  bodyHtml: Localised = {};

  /** The item's own slug per locale (a page's path is its ancestors' slugs and this one). */
  @Property({ type: 'json', default: '{}' })
  slug: Localised = {};

  @ManyToOne(() => ContentCategory, { ref: true, nullable: true, deleteRule: 'set null' })
  category?: Ref<ContentCategory>;

  @Field(() => [String])
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  tags: string[] = [];

  @ManyToOne(() => MediaAsset, { ref: true, nullable: true, deleteRule: 'set null' })
  coverImage?: Ref<MediaAsset>;

  /** Attached media, in order. */
  @Property({ columnType: 'uuid[]', type: 'string[]', default: '{}' })
  attachmentIds: string[] = [];

  /** Partner institutions the item is about. */
  @Property({ columnType: 'uuid[]', type: 'string[]', default: '{}' })
  partnerIds: string[] = [];

  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  programmes: string[] = [];

  /** Related events (announcements linking to the events they announce). */
  @Property({ columnType: 'uuid[]', type: 'string[]', default: '{}' })
  relatedEventIds: string[] = [];

  /** The mobility call a call announcement is about (the mobility module's call id). */
  @Property({ type: 'uuid', nullable: true })
  mobilityCallId?: string;

  // --- Events, and conference or seminar announcements --------------------------------------------------------------

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  startsAt?: Date;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  endsAt?: Date;

  /** IANA time zone the event is held in (times are stored as instants). */
  @Property({ type: 'text', nullable: true })
  timeZone?: string;

  @Property({ type: 'json', nullable: true })
  venue?: Localised;

  @Property({ type: 'text', nullable: true })
  onlineUrl?: string;

  @Enum({ items: () => OrganiserKind, nullable: true })
  organiserKind?: OrganiserKind;

  @ManyToOne(() => OrganisationalUnit, { ref: true, nullable: true, deleteRule: 'set null' })
  organiserUnit?: Ref<OrganisationalUnit>;

  @ManyToOne(() => Institution, { ref: true, nullable: true, deleteRule: 'set null' })
  organiserInstitution?: Ref<Institution>;

  @Property({ type: 'text', nullable: true })
  organiserName?: string;

  @Property({ type: 'integer', nullable: true })
  capacity?: number;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  registrationOpensAt?: Date;

  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  registrationClosesAt?: Date;

  @Property({ type: 'json', default: '[]' })
  registrationQuestions: RegistrationQuestion[] = [];

  // --- Pages ------------------------------------------------------------------------------------------------------

  @ManyToOne(() => ContentItem, { ref: true, nullable: true, deleteRule: 'restrict' })
  parent?: Ref<ContentItem>;

  @Property({ type: 'integer', default: 0 })
  position = 0;

  // --- Promotional material -----------------------------------------------------------------------------------------

  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  audiences: string[] = [];

  /** ISO 639-1 language the material itself is in. */
  @Property({ columnType: 'char(2)', type: 'string', nullable: true })
  materialLanguage?: string;

  @ManyToOne(() => MediaAsset, { ref: true, nullable: true, deleteRule: 'set null' })
  file?: Ref<MediaAsset>;

  @Property({ type: 'text', nullable: true })
  videoUrl?: string;

  // --- Who -----------------------------------------------------------------------------------------------------------

  @Property({ type: 'text', nullable: true })
  createdBy?: string;

  @Property({ type: 'text', nullable: true })
  updatedBy?: string;
}

@ObjectType({ implements: [ContentItem, Node, VersionedNode], description: 'News, a call, a conference or seminar organised by others, or a notice.' })
@Entity({ discriminatorValue: ContentType.ANNOUNCEMENT })
export class Announcement extends ContentItem {}

@ObjectType('Event', { implements: [ContentItem, Node, VersionedNode], description: 'An event the office or a unit organises or hosts.' })
@Entity({ discriminatorValue: ContentType.EVENT })
export class ContentEvent extends ContentItem {}

@ObjectType({ implements: [ContentItem, Node, VersionedNode], description: 'A static website page, in a tree (its path is its ancestors’ slugs).' })
@Entity({ discriminatorValue: ContentType.PAGE })
export class Page extends ContentItem {}

@ObjectType('Document', { implements: [ContentItem, Node, VersionedNode], description: 'A downloadable form, regulation or guide, with its versions.' })
@Entity({ discriminatorValue: ContentType.DOCUMENT })
export class ContentDocument extends ContentItem {}

@ObjectType({ implements: [ContentItem, Node, VersionedNode], description: 'A brochure, fact sheet, presentation or video, per language and audience.' })
@Entity({ discriminatorValue: ContentType.PROMOTIONAL_MATERIAL })
export class PromotionalMaterial extends ContentItem {}

/** One locale's slug (or, for pages, full path) of an item; unique per type and locale. */
@Entity({ tableName: 'content_slug' })
@Unique({ properties: ['type', 'locale', 'path'] })
@Index({ properties: ['content'] })
export class ContentSlug {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => ContentItem, { ref: true, deleteRule: 'cascade' })
  content!: Ref<ContentItem>;

  @Enum({ items: () => ContentType })
  type!: ContentType;

  @Property({ columnType: 'char(2)', type: 'string' })
  locale!: string;

  @Property({ type: 'text' })
  path!: string;
}

@ObjectType({ description: 'A content category (e.g. Erasmus+, Exchange, Events), localised.' })
@Entity({ tableName: 'content_category' })
export class ContentCategory {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field({ description: 'Stable key used in filters and URLs.' })
  @Property({ type: 'text', unique: true })
  key!: string;

  @Property({ type: 'json' })
  name: Localised = {};

  @Property({ type: 'integer', default: 0 })
  position = 0;
}

/** What an item looked like after one save: who, when, and a snapshot of every editable field. */
@ObjectType('ContentRevision', { description: 'One saved state of an item; it can be restored.' })
@Entity({ tableName: 'content_revision' })
@Unique({ properties: ['content', 'number'] })
export class ContentRevision {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => ContentItem, { ref: true, deleteRule: 'cascade' })
  content!: Ref<ContentItem>;

  @Field(() => Int, { description: '1 for the first save, then counting up.' })
  @Property({ type: 'integer' })
  number!: number;

  @Field(() => Int, { description: 'The item version this revision saved.' })
  @Property({ type: 'integer' })
  version!: number;

  @Field(() => ContentStatus)
  @Enum({ items: () => ContentStatus })
  status!: ContentStatus;

  @Field(() => String, { nullable: true, description: 'Subject of whoever saved it (null for the scheduler).' })
  @Property({ type: 'text', nullable: true })
  author?: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  at: Date = new Date();

  @Field(() => String, { nullable: true, description: 'What happened: created, updated, submitted, published, restored from #n, ...' })
  @Property({ type: 'text', nullable: true })
  note?: string;

  @Property({ type: 'json' })
  snapshot!: Record<string, unknown>;
}

/** One uploaded version of a document; the newest is served by default. */
@ObjectType({ description: 'One version of a document’s file.' })
@Entity({ tableName: 'document_version' })
@Unique({ properties: ['document', 'number'] })
export class DocumentVersion {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => ContentItem, { ref: true, deleteRule: 'cascade' })
  document!: Ref<ContentItem>;

  @Field(() => Int)
  @Property({ type: 'integer' })
  number!: number;

  @ManyToOne(() => MediaAsset, { ref: true, deleteRule: 'restrict' })
  file!: Ref<MediaAsset>;

  @Field(() => String, { nullable: true, description: 'What changed in this version.' })
  @Property({ type: 'text', nullable: true })
  note?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD from which this version applies.' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  effectiveFrom?: string;

  @Property({ type: 'text', nullable: true })
  createdBy?: string;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
