import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ObjectType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';

export type LocalisedTextData = { tr?: string; en?: string };

/**
 * An institution: for now the home university (the partner directory extends this same record). Its
 * organisational units hang below it.
 */
@ObjectType({ implements: [Node, VersionedNode], description: 'A higher education institution or other organisation.' })
@Entity({ tableName: 'institution' })
@Index({ name: 'institution_single_home_uq', expression: 'create unique index "institution_single_home_uq" on "institution" ("is_home") where is_home' })
export class Institution extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Property({ type: 'json' })
  name!: LocalisedTextData;

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
  website?: string;

  @Field(() => String, { nullable: true, description: 'SCHAC code: the institution domain, its EWP hei-id.' })
  @Property({ type: 'text', nullable: true, unique: true })
  schacCode?: string;

  @Field(() => String, { nullable: true, description: 'Erasmus code in canonical form (e.g. "TR ANKARA01").' })
  @Property({ type: 'text', nullable: true, unique: true })
  erasmusCode?: string;

  @Field(() => Boolean, { description: 'True for the university this hub belongs to.' })
  @Property({ type: 'boolean', default: false })
  isHome: boolean = false;
}
