import { Property } from '@mikro-orm/core';
import { Field, Int, InterfaceType } from 'type-graphql';
import { Node } from '../graphql/relay';

/**
 * What every record staff edit carries: optimistic-locking `version` (MikroORM checks it on update) and timestamps.
 * Entities extend it and declare `@ObjectType({ implements: [Node, VersionedNode] })` and `@Entity()` themselves.
 */
@InterfaceType('Versioned', { implements: Node, description: 'A record staff edit, with an optimistic-locking version.' })
export abstract class VersionedNode extends Node {
  @Field(() => Int, { description: 'Optimistic-locking version: send it back with an update.' })
  @Property({ type: 'integer', version: true })
  version = 1;

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Field()
  @Property({ type: 'Date', columnType: 'timestamptz', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
