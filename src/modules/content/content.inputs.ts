import { ArrayMaxSize, IsIn, IsOptional, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import type { Locale } from '../../platform/graphql/context';
import { LocaleCode, LocalisedText } from '../../platform/graphql/localised-text';
import { ConnectionArgs, OrderDirection } from '../../platform/graphql/relay';
import {
  AnnouncementKind,
  Audience,
  ContentStatus,
  ContentType,
  DocumentKind,
  EventKind,
  MaterialFormat,
  OrganiserKind,
  Programme,
} from './content.entity';

@InputType({ description: 'Markdown in Turkish and English (up to 100,000 characters each).' })
export class LocalisedMarkdownInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 100_000)
  tr?: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(0, 100_000)
  en?: string;
}

@InputType()
export class RegistrationQuestionInput {
  @Field({ description: 'Stable key the answers use (letters, digits, underscore).' })
  @Matches(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/, { message: 'key must be 1–40 letters, digits or underscores, starting with a letter' })
  key!: string;

  @Field(() => LocalisedText)
  @ValidateNested()
  label!: LocalisedText;

  @Field(() => String, { description: 'TEXT, CHOICE or BOOLEAN.' })
  @IsIn(['TEXT', 'CHOICE', 'BOOLEAN'], { message: 'kind must be TEXT, CHOICE or BOOLEAN' })
  kind!: 'TEXT' | 'CHOICE' | 'BOOLEAN';

  @Field({ nullable: true })
  @IsOptional()
  required?: boolean;

  @Field(() => [String], { nullable: true, description: 'The choices of a CHOICE question.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @Length(1, 200, { each: true })
  options?: string[];
}

@InputType({ description: 'What an announcement adds; conference and seminar announcements may carry dates and place.' })
export class AnnouncementDetailsInput {
  @Field(() => AnnouncementKind)
  kind!: AnnouncementKind;

  @Field(() => ID, { nullable: true, description: 'The mobility call a CALL announcement is about.' })
  @IsOptional()
  mobilityCallId?: string;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  startsAt?: Date;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  endsAt?: Date;

  @Field(() => String, { nullable: true, description: 'IANA time zone, e.g. Europe/Istanbul.' })
  @IsOptional()
  timeZone?: string;

  @Field(() => LocalisedText, { nullable: true })
  @IsOptional()
  @ValidateNested()
  venue?: LocalisedText;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 2000)
  onlineUrl?: string;

  @Field(() => String, { nullable: true, description: 'Who organises the conference or seminar.' })
  @IsOptional()
  @Length(1, 300)
  organiserName?: string;
}

@InputType()
export class EventDetailsInput {
  @Field(() => EventKind)
  kind!: EventKind;

  @Field(() => Date)
  startsAt!: Date;

  @Field(() => Date)
  endsAt!: Date;

  @Field({ description: 'IANA time zone the event is held in, e.g. Europe/Istanbul.' })
  timeZone!: string;

  @Field(() => LocalisedText, { nullable: true })
  @IsOptional()
  @ValidateNested()
  venue?: LocalisedText;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 2000)
  onlineUrl?: string;

  @Field(() => OrganiserKind)
  organiserKind!: OrganiserKind;

  @Field(() => ID, { nullable: true, description: 'With organiserKind UNIT.' })
  @IsOptional()
  organiserUnitId?: string;

  @Field(() => ID, { nullable: true, description: 'With organiserKind PARTNER.' })
  @IsOptional()
  organiserInstitutionId?: string;

  @Field(() => String, { nullable: true, description: 'With organiserKind EXTERNAL.' })
  @IsOptional()
  @Length(1, 300)
  organiserName?: string;

  @Field(() => Int, { nullable: true, description: 'Places; null for no registration limit.' })
  @IsOptional()
  @Min(1)
  @Max(100_000)
  capacity?: number;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  registrationOpensAt?: Date;

  @Field(() => Date, { nullable: true, description: 'Default: when the event starts.' })
  @IsOptional()
  registrationClosesAt?: Date;

  @Field(() => [RegistrationQuestionInput], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(30)
  @ValidateNested({ each: true })
  registrationQuestions?: RegistrationQuestionInput[];
}

@InputType()
export class PageDetailsInput {
  @Field(() => ID, { nullable: true, description: 'The parent page; none for a top-level page.' })
  @IsOptional()
  parentId?: string;

  @Field(() => Int, { nullable: true, description: 'Order among its siblings.' })
  @IsOptional()
  @Min(0)
  @Max(10_000)
  position?: number;
}

@InputType()
export class DocumentDetailsInput {
  @Field(() => DocumentKind)
  kind!: DocumentKind;
}

@InputType()
export class MaterialDetailsInput {
  @Field(() => MaterialFormat)
  format!: MaterialFormat;

  @Field(() => [Audience], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  audiences?: Audience[];

  @Field(() => String, { nullable: true, description: 'ISO 639-1 language the material is in.' })
  @IsOptional()
  @Matches(/^[a-z]{2}$/, { message: 'language must be an ISO 639-1 code (e.g. en)' })
  language?: string;

  @Field(() => ID, { nullable: true, description: 'The uploaded file (a media asset).' })
  @IsOptional()
  fileId?: string;

  @Field(() => String, { nullable: true, description: 'A video hosted elsewhere.' })
  @IsOptional()
  @Length(1, 2000)
  videoUrl?: string;
}

/** Fields every content type shares; create and update both take them. */
@InputType('ContentFieldsInput')
abstract class ContentFieldsInput {
  @Field(() => LocalisedText, { nullable: true })
  @IsOptional()
  @ValidateNested()
  summary?: LocalisedText;

  @Field(() => LocalisedMarkdownInput, { nullable: true, description: 'Markdown; served also as sanitised HTML.' })
  @IsOptional()
  @ValidateNested()
  body?: LocalisedMarkdownInput;

  @Field(() => LocalisedText, { nullable: true, description: 'Per-locale slug; derived from the title when left out.' })
  @IsOptional()
  @ValidateNested()
  slug?: LocalisedText;

  @Field(() => String, { nullable: true, description: 'A content category key (see contentCategories); empty string clears it.' })
  @IsOptional()
  @Length(0, 60)
  categoryKey?: string;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  tags?: string[];

  @Field(() => ID, { nullable: true, description: 'A media asset (image).' })
  @IsOptional()
  coverImageId?: string;

  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  attachmentIds?: string[];

  @Field(() => [ID], { nullable: true, description: 'Partner institutions the item is about.' })
  @IsOptional()
  @ArrayMaxSize(100)
  partnerIds?: string[];

  @Field(() => [Programme], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  programmes?: Programme[];

  @Field(() => [ID], { nullable: true, description: 'Events the item announces or relates to.' })
  @IsOptional()
  @ArrayMaxSize(50)
  relatedEventIds?: string[];

  @Field(() => AnnouncementDetailsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  announcement?: AnnouncementDetailsInput;

  @Field(() => EventDetailsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  event?: EventDetailsInput;

  @Field(() => PageDetailsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  page?: PageDetailsInput;

  @Field(() => DocumentDetailsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  document?: DocumentDetailsInput;

  @Field(() => MaterialDetailsInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  material?: MaterialDetailsInput;
}

@InputType()
export class CreateContentInput extends ContentFieldsInput {
  @Field(() => ContentType)
  type!: ContentType;

  @Field(() => LocalisedText)
  @ValidateNested()
  title!: LocalisedText;
}

@InputType({ description: 'Only the fields given change; details replace the type’s details as a whole.' })
export class UpdateContentInput extends ContentFieldsInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => LocalisedText, { nullable: true })
  @IsOptional()
  @ValidateNested()
  title?: LocalisedText;
}

@InputType()
export class AddDocumentVersionInput {
  @Field(() => ID)
  documentId!: string;

  @Field(() => ID, { description: 'The uploaded file (a media asset).' })
  fileId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 1000)
  note?: string;

  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' })
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'effectiveFrom is a date, YYYY-MM-DD' })
  effectiveFrom?: string;
}

export enum ContentWhen {
  UPCOMING = 'UPCOMING',
  PAST = 'PAST',
}
registerEnumType(ContentWhen, {
  name: 'ContentWhen',
  description: 'For events (and dated announcements): not yet ended, or ended.',
});

@InputType()
export class ContentFilter {
  @Field(() => [ContentType], { nullable: true })
  @IsOptional()
  types?: ContentType[];

  @Field(() => [String], { nullable: true, description: 'Subtypes: AnnouncementKind, EventKind, DocumentKind or MaterialFormat values.' })
  @IsOptional()
  @ArrayMaxSize(20)
  kinds?: string[];

  @Field(() => [ContentStatus], { nullable: true, description: 'Office only; everyone else sees published, live content.' })
  @IsOptional()
  statuses?: ContentStatus[];

  @Field(() => String, { nullable: true, description: 'Category key.' })
  @IsOptional()
  @Length(1, 60)
  category?: string;

  @Field(() => [String], { nullable: true, description: 'Items carrying any of these tags.' })
  @IsOptional()
  @ArrayMaxSize(20)
  tags?: string[];

  @Field(() => Programme, { nullable: true })
  @IsOptional()
  programme?: Programme;

  @Field(() => ID, { nullable: true, description: 'Items about this partner institution.' })
  @IsOptional()
  partnerId?: string;

  @Field(() => Audience, { nullable: true, description: 'Promotional material for this audience.' })
  @IsOptional()
  audience?: Audience;

  @Field(() => ContentWhen, { nullable: true })
  @IsOptional()
  when?: ContentWhen;

  @Field(() => Date, { nullable: true, description: 'Events (or dated items) ending on or after this instant.' })
  @IsOptional()
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Events (or dated items) starting before this instant.' })
  @IsOptional()
  to?: Date;

  @Field(() => String, { nullable: true, description: 'Words in the title (any locale).' })
  @IsOptional()
  @Length(1, 100)
  search?: string;

  @Field(() => ID, { nullable: true, description: 'Pages under this parent page.' })
  @IsOptional()
  parentId?: string;

  @Field({ nullable: true, description: 'Top-level pages only.' })
  @IsOptional()
  topLevel?: boolean;
}

export enum ContentOrderField {
  PUBLISHED = 'PUBLISHED',
  STARTS = 'STARTS',
  UPDATED = 'UPDATED',
  POSITION = 'POSITION',
}
registerEnumType(ContentOrderField, {
  name: 'ContentOrderField',
  valuesConfig: {
    PUBLISHED: { description: 'When it went (or goes) live; newest first by default.' },
    STARTS: { description: 'Event start; soonest first by default.' },
    UPDATED: { description: 'Last change.' },
    POSITION: { description: 'Page order among siblings.' },
  },
});

@InputType()
export class ContentOrder {
  @Field(() => ContentOrderField)
  field!: ContentOrderField;

  @Field(() => OrderDirection, { nullable: true })
  @IsOptional()
  direction?: OrderDirection;
}

@InputType({ description: 'A content category: created when the key is new, renamed or reordered otherwise.' })
export class ContentCategoryInput {
  @Field({ description: 'Stable key: lower-case letters, digits and hyphens.' })
  @Matches(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'key must be lower-case letters, digits and single hyphens' })
  @Length(1, 60)
  key!: string;

  @Field(() => LocalisedText)
  @ValidateNested()
  name!: LocalisedText;

  @Field(() => Int, { nullable: true })
  @IsOptional()
  @Min(0)
  @Max(10_000)
  position?: number;
}

/** The arguments every content list takes. */
@ArgsType()
export class ContentListArgs extends ConnectionArgs {
  @Field(() => ContentFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  filter?: ContentFilter;

  @Field(() => ContentOrder, { nullable: true })
  @IsOptional()
  @ValidateNested()
  orderBy?: ContentOrder;

  @Field(() => String, { nullable: true, description: 'Search words (the engine of `search`: typos, Turkish letters and accents tolerated).' })
  @IsOptional()
  query?: string;

  @Field(() => LocaleCode, { nullable: true, description: 'Language of the texts (default: Accept-Language).' })
  @IsOptional()
  locale?: Locale;
}
