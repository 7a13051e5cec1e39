import { Entity, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Float, ObjectType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import type { Locale } from '../../platform/graphql/context';
import { Node } from '../../platform/graphql/relay';
import { OrganisationalUnit } from '../institutions/organisational-unit.entity';

/** A course of the home institution's catalogue: what Table B of a learning agreement recognises. Public. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'home_course' })
@Index({ properties: ['unit'] })
export class HomeCourse extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @Field({ description: 'The course code in the home catalogue, unique (e.g. "CENG 301").' })
  @Property({ type: 'text', unique: true })
  code!: string;

  @Property({ type: 'json' })
  title!: Partial<Record<Locale, string>>;

  @Field(() => Float, { description: 'ECTS credits.' })
  @Property({ columnType: 'numeric(4,1)', type: 'double' })
  ects!: number;

  /** The faculty or department that teaches it. */
  @ManyToOne(() => OrganisationalUnit, { ref: true, nullable: true, deleteRule: 'set null' })
  unit?: Ref<OrganisationalUnit>;

  @Field(() => String, { nullable: true, description: 'Language of instruction, ISO 639-1 (e.g. "tr", "en").' })
  @Property({ type: 'text', nullable: true })
  language?: string;

  @Field(() => String, { nullable: true, description: 'FALL, SPRING or BOTH.' })
  @Property({ type: 'text', nullable: true })
  semester?: string;

  @Field(() => String, { nullable: true, description: 'ISCED-F code of the course.' })
  @Property({ type: 'text', nullable: true })
  iscedCode?: string;

  @Field({ description: 'False once a later import no longer lists it (kept for the learning agreements that name it).' })
  @Property({ type: 'boolean', default: true })
  active: boolean = true;
}
