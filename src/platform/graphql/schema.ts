import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray, type PubSub } from 'type-graphql';
import { authChecker } from './auth-checker';
import { NodeResolver } from './node';

/**
 * Subscriptions here declare their own `subscribe` (a stream read from the outbox), so type-graphql's pub/sub is
 * never used; it insists on having one, and this one refuses anyone who tries.
 */
const outboxOnly: PubSub = {
  publish() {
    throw new Error('publish through the outbox: ctx.transaction(tx => tx.emit(...))');
  },
  subscribe() {
    throw new Error('subscriptions declare `subscribe` and follow the outbox (ctx.follow)');
  },
};

export async function buildHubSchema(resolvers: NonEmptyArray<Function>): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [NodeResolver, ...resolvers],
    authChecker,
    pubSub: outboxOnly,
    validate: { forbidUnknownValues: false, skipMissingProperties: false },
    emitSchemaFile: false,
  });
}

/** The SDL committed as `schema.graphql`: sorted, so that the diff shows real changes only. */
export function printHubSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

export function writeSchemaFile(schema: GraphQLSchema, file = path.resolve(process.cwd(), 'schema.graphql')): string {
  writeFileSync(file, printHubSchema(schema));
  return file;
}
