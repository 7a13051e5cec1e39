import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  visit,
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

/**
 * PostgreSQL cannot store the NUL character in text: a NUL anywhere in the operation's strings or variables is
 * refused up front as bad input instead of failing deep inside a query.
 */
export function checkNulCharacters(document: DocumentNode, variables: Record<string, unknown> | undefined | null): GraphQLError | undefined {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (node.value.includes('\u0000')) found = true;
    },
  });
  const scan = (value: unknown): boolean =>
    typeof value === 'string'
      ? value.includes('\u0000')
      : Array.isArray(value)
        ? value.some(scan)
        : value !== null && typeof value === 'object' && Object.values(value).some(scan);
  if (found || scan(variables)) {
    return limitError('NUL_CHARACTER', 'Text in the request contains a NUL character (U+0000), which cannot be stored');
  }
  return undefined;
}
