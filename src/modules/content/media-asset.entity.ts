import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Int, ObjectType } from 'type-graphql';
import { VersionedNode } from '../../platform/db/versioned-node';
import { Node } from '../../platform/graphql/relay';
import type { Localised } from './content.entity';

/**
 * An uploaded file (image, PDF, video). The bytes live in the file store (local disk or S3) under `storageKey`; the
 * type is sniffed from the bytes, never taken from the client. It has a public URL only once published.
 */
@ObjectType({ implements: [Node, VersionedNode], description: 'An uploaded image, PDF or video.' })
@Entity({ tableName: 'media_asset' })
@Index({ properties: ['createdAt'] })
export class MediaAsset extends VersionedNode {
  @PrimaryKey({ type: 'uuid' })
  override id: string = randomUUID();

  /** Where the bytes are in the file store. */
  @Property({ type: 'text', unique: true })
  storageKey!: string;

  @Field({ description: 'The file name as uploaded (cleaned).' })
  @Property({ type: 'text' })
  filename!: string;

  @Field({ description: 'Sniffed from the bytes, e.g. image/png.' })
  @Property({ type: 'text' })
  contentType!: string;

  @Field(() => Int)
  @Property({ type: 'integer' })
  sizeBytes!: number;

  @Field(() => Int, { nullable: true, description: 'Pixels, for images.' })
  @Property({ type: 'integer', nullable: true })
  width?: number;

  @Field(() => Int, { nullable: true, description: 'Pixels, for images.' })
  @Property({ type: 'integer', nullable: true })
  height?: number;

  @Field({ description: 'SHA-256 of the bytes (hex).' })
  @Property({ type: 'text' })
  sha256!: string;

  /** Alternative text per locale, for images. */
  @Property({ type: 'json', default: '{}' })
  alt: Localised = {};

  @Field(() => Date, { nullable: true, description: 'When it was made public; null while private.' })
  @Property({ type: 'Date', columnType: 'timestamptz', nullable: true })
  publishedAt?: Date;

  @Property({ type: 'text', nullable: true })
  uploadedBy?: string;
}
