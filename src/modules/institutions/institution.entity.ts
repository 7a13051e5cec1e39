import { BeforeCreate, BeforeUpdate, Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';
import { searchTextOf } from './institution-identifiers';

export type LocalisedTextData = { tr?: string; en?: string };

export enum InstitutionKind {
  HEI = 'HEI',
  COMPANY = 'COMPANY',
  ASSOCIATION = 'ASSOCIATION',
  NATIONAL_AGENCY = 'NATIONAL_AGENCY',
  MINISTRY = 'MINISTRY',
  OTHER = 'OTHER',
}
registerEnumType(InstitutionKind, {
  name: 'InstitutionKind',
  description: 'Higher education institution, company (traineeships), association or network, national agency, ministry, other.',
});

/**
 * An institution of the directory: the home university, partner universities and every other organisation the office
 * deals with (imported from the ECHE list and the world universities list, or entered by staff). Its organisational
 * units hang below it.
 */
@ObjectType({ implements: [Node, VersionedNode], description: 'A higher education institution or other organisation.' })
@Entity({ tableName: 'institution' })
@Index({ name: 'institution_single_home_uq', expression: 'create unique index "institution_single_home_uq" on "institution" ("is_home") where is_home' })
@Index({ properties: ['country', 'city'] })
@Index({ name: 'institution_search_trgm', expression: 'create index "institution_search_trgm" on "institution" using gin ("search_text" gin_trgm_ops)' })
@Index({ name: 'institution_email_domains_gin', expression: 'create index "institution_email_domains_gin" on "institution" using gin ("email_domains")' })
export class Institution extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  /** Display name per language; reads fall back to the official name. */
  @Property({ type: 'json' })
  name!: LocalisedTextData;

  @Field(() => String, { description: 'The legal name, as the institution writes it (e.g. from the ECHE list).' })
  @Property({ type: 'text' })
  officialName!: string;

  @Field(() => [String], { description: 'Other names and spellings (local-language names, former names).' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  otherNames: string[] = [];

  @Field(() => InstitutionKind)
  @Enum({ items: () => InstitutionKind, default: InstitutionKind.HEI })
  kind: InstitutionKind = InstitutionKind.HEI;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  abbreviation?: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2 country code.' })
  @Property({ columnType: 'char(2)', type: 'string' })
  country!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  city?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  street?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  postCode?: string;

  @Field(() => String, { nullable: true, description: 'Home page, normalised to an https:// or http:// URL.' })
  @Property({ type: 'text', nullable: true })
  website?: string;

  @Field(() => [String], { description: 'Internet domains of the institution (e-mail and web), lower case.' })
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  emailDomains: string[] = [];

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  logoUrl?: string;

  @Field(() => String, { nullable: true, description: 'SCHAC code: the institution domain, its EWP hei-id.' })
  @Property({ type: 'text', nullable: true, unique: true })
  schacCode?: string;

  @Field(() => String, { nullable: true, description: 'Erasmus code in canonical form (e.g. "TR ANKARA01").' })
  @Property({ type: 'text', nullable: true, unique: true })
  erasmusCode?: string;

  @Field(() => String, { nullable: true, description: 'EU Participant Identification Code (9 digits).' })
  @Property({ type: 'text', nullable: true, unique: true })
  pic?: string;

  @Field(() => String, { nullable: true, description: 'Erasmus+ organisation ID (E + 8 digits).' })
  @Property({ type: 'text', nullable: true, unique: true })
  oid?: string;

  @Field(() => String, { nullable: true, description: 'ECHE validity start (YYYY-MM-DD).' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  echeStart?: string;

  @Field(() => String, { nullable: true, description: 'ECHE validity end (YYYY-MM-DD).' })
  @Property({ columnType: 'date', type: 'string', nullable: true })
  echeEnd?: string;

  /** Office-internal; resolved only for STAFF and ADMIN. */
  @Property({ type: 'text', nullable: true })
  internalNote?: string;

  /** Where the record came from (`eche`, `world-universities`, `staff`, `ewp`): imports merge by these. */
  @Property({ columnType: 'text[]', type: 'string[]', default: '{}' })
  sources: string[] = [];

  /** Lower-case, accent-folded names, abbreviation, codes and domains, for trigram search and duplicate detection. */
  @Property({ type: 'text', default: '' })
  searchText = '';

  @Field(() => Boolean, { description: 'True for the university this hub belongs to.' })
  @Property({ type: 'boolean', default: false })
  isHome: boolean = false;

  /** Kept in step with the names and identifiers on every write, whoever writes. */
  @BeforeCreate()
  @BeforeUpdate()
  refreshSearchText(): void {
    this.searchText = searchTextOf(this);
  }
}
