import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Ref } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';
import { Institution } from './institution.entity';
import { OrganisationalUnit } from './organisational-unit.entity';

export enum ContactRole {
  INTERNATIONAL_COORDINATOR = 'INTERNATIONAL_COORDINATOR',
  ACADEMIC_COORDINATOR = 'ACADEMIC_COORDINATOR',
  SIGNATORY = 'SIGNATORY',
  ADMISSIONS = 'ADMISSIONS',
  OTHER = 'OTHER',
}
registerEnumType(ContactRole, { name: 'ContactRole' });

/** A person to contact at an institution or one of its units. Staff-only contacts never reach the public API. */
@ObjectType({ implements: [Node, VersionedNode] })
@Entity({ tableName: 'contact_person' })
@Index({ properties: ['institution'] })
export class ContactPerson extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  @ManyToOne(() => Institution, { ref: true, deleteRule: 'cascade' })
  institution!: Ref<Institution>;

  @ManyToOne(() => OrganisationalUnit, { ref: true, nullable: true, deleteRule: 'set null' })
  unit?: Ref<OrganisationalUnit>;

  @Field(() => ContactRole)
  @Enum({ items: () => ContactRole })
  role!: ContactRole;

  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  email?: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  phone?: string;

  @Field(() => Boolean, { description: 'Shown to the office only (never on the public website).' })
  @Property({ type: 'boolean', default: false })
  staffOnly: boolean = false;
}
