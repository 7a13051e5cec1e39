import { ArgsType, Field, ID, Int, InterfaceType, ObjectType, registerEnumType, type ClassType } from 'type-graphql';
import { IsOptional, Max, Min } from 'class-validator';
import { DomainError, invalidInput } from '../errors/domain-error';

/** Relay's Node: every object with an identity has an opaque global ID (`base64url("Type:uuid")`). */
@InterfaceType({ description: 'An object with a globally unique, opaque ID (Relay).' })
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global ID; pass it to node(id).' })
  id!: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

export function parseGlobalId(globalId: string, field = 'id'): { type: string; id: string } {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const sep = decoded.indexOf(':');
  const type = decoded.slice(0, sep);
  const id = decoded.slice(sep + 1);
  if (sep <= 0 || !UUID.test(id) || globalId.length > 200) {
    throw new DomainError('BAD_USER_INPUT', 'INVALID_ID', `${field} is not a valid ID`, { field });
  }
  return { type, id: id.toLowerCase() };
}

/** The uuid behind a global ID of the expected type; a wrong type is bad input, not "not found". */
export function fromGlobalId(globalId: string, expectedType: string, field = 'id'): string {
  const parsed = parseGlobalId(globalId, field);
  if (parsed.type !== expectedType) {
    throw new DomainError('BAD_USER_INPUT', 'INVALID_ID', `${field} is not a ${expectedType} ID`, { field });
  }
  return parsed.id;
}

@ObjectType({ description: 'Relay page information for cursor pagination.' })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field()
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export enum OrderDirection {
  ASC = 'asc',
  DESC = 'desc',
}
registerEnumType(OrderDirection, { name: 'OrderDirection' });

export const DEFAULT_PAGE_SIZE = 20;
/** The schema's hard ceiling; GRAPHQL_MAX_PAGE_SIZE may lower it further. */
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 0 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).` })
  @IsOptional()
  @Min(0)
  @Max(MAX_PAGE_SIZE)
  first?: number;

  @Field(() => String, { nullable: true, description: 'Cursor after which the page starts (endCursor of the previous page).' })
  after?: string;
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  /** Counted only when asked for (a lazy getter). */
  readonly totalCount: Promise<number>;
}

/** Builds `<Name>Connection` and `<Name>Edge` object types for a node type. */
export function ConnectionType<T extends object>(nodeType: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} objects (Relay cursor connection).` })
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [nodeType], { description: 'The nodes of edges, for clients that need no cursors.' })
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Rows matching the filter, across all pages.', complexity: 5 })
    totalCount!: number;
  }
  return Connection;
}

export interface KeysetPage {
  first: number;
  after?: { values: unknown[] };
}

/** Validates `first`/`after`, with the configured ceiling. */
export function pageRequest(args: ConnectionArgs, maxPageSize: number): KeysetPage {
  const first = args.first ?? Math.min(DEFAULT_PAGE_SIZE, maxPageSize);
  if (first < 0 || first > maxPageSize) {
    throw invalidInput('first', `first must be between 0 and ${maxPageSize}`, 'PAGE_SIZE_OUT_OF_RANGE');
  }
  return { first, after: args.after ? { values: decodeCursor(args.after) } : undefined };
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): unknown[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length > 0 && values.length <= 8) return values;
  } catch {
    // fall through
  }
  throw invalidInput('after', 'after is not a cursor returned by this API', 'INVALID_CURSOR');
}
