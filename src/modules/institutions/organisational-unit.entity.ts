import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';
import { Institution, type LocalisedTextData } from './institution.entity';

export enum UnitKind {
  FACULTY = 'FACULTY',
  DEPARTMENT = 'DEPARTMENT',
  INSTITUTE = 'INSTITUTE',
  GRADUATE_SCHOOL = 'GRADUATE_SCHOOL',
  SCHOOL = 'SCHOOL',
  VOCATIONAL_SCHOOL = 'VOCATIONAL_SCHOOL',
  RESEARCH_CENTRE = 'RESEARCH_CENTRE',
  OFFICE = 'OFFICE',
}
registerEnumType(UnitKind, {
  name: 'UnitKind',
  description: 'Faculty (fakülte), department (bölüm), institute (enstitü), school (yüksekokul), vocational school (MYO), ...',
});

/** A faculty, department, institute or office of an institution; units form a tree through `parent`. */
@ObjectType({ implements: [Node, VersionedNode], description: 'An organisational unit (faculty, department, ...) of an institution.' })
@Entity({ tableName: 'organisational_unit' })
@Unique({ properties: ['institution', 'code'] })
@Index({ properties: ['parent'] })
export class OrganisationalUnit extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @ManyToOne(() => Institution, { ref: true, deleteRule: 'cascade' })
  institution!: Ref<Institution>;

  @ManyToOne(() => OrganisationalUnit, { ref: true, nullable: true, deleteRule: 'restrict' })
  parent?: Ref<OrganisationalUnit>;

  @Field(() => UnitKind)
  @Enum({ items: () => UnitKind })
  kind!: UnitKind;

  @Field({ description: 'Short code, unique within the institution (e.g. "ENG", "ENG-CENG").' })
  @Property({ type: 'text' })
  code!: string;

  @Property({ type: 'json' })
  name!: LocalisedTextData;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  email?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  website?: string;

  /** Office-internal; readable by the office and the unit's coordinators (resolved with a scope check). */
  @Property({ type: 'text', nullable: true })
  internalNote?: string;
}
