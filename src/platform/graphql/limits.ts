import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import type { Config } from '../../config/config';
import { DEFAULT_PAGE_SIZE } from './relay';

export function limitError(reason: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', reason, http: { status: 400 } } });
}

const report = (reason: string) => (ctx: ValidationContext | null, err: GraphQLError) =>
  ctx?.reportError(limitError(reason, err.message.replace(/^Syntax Error: /, '')));

/** Depth and alias limits as validation rules: checked for HTTP and WebSocket operations before execution. */
export function limitRules(config: Config['graphql']): ValidationRule[] {
  return [
    maxDepthRule({ n: config.maxDepth, propagateOnRejection: false, onReject: [report('MAX_DEPTH_EXCEEDED')] }),
    maxAliasesRule({ n: config.maxAliases, propagateOnRejection: false, onReject: [report('MAX_ALIASES_EXCEEDED')] }),
  ] as ValidationRule[];
}

/** A list field costs its page size times what each item costs (connections and plain `first` lists alike). */
const pageSizeEstimator: ComplexityEstimator = ({ args, childComplexity, field }) => {
  if (!field.args.some((a) => a.name === 'first')) return undefined;
  const first = typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
  return 1 + Math.max(first, 1) * Math.max(childComplexity, 1);
};

/** The estimated cost of an operation; an error when it is over the limit (checked once variables are known). */
export function checkCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined | null,
  maxCost: number,
): GraphQLError | undefined {
  let cost: number;
  try {
    cost = getComplexity({
      schema,
      query: document,
      variables: variables ?? {},
      operationName: operationName ?? undefined,
      estimators: [pageSizeEstimator, fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    return undefined; // bad variables are reported by execution with their own clear error
  }
  if (cost > maxCost) {
    return limitError('MAX_COST_EXCEEDED', `Query cost ${cost} exceeds the maximum of ${maxCost}; ask for smaller pages or fewer fields.`);
  }
  return undefined;
}
