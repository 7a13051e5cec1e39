import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * HTTP caching of GraphQL responses. Public, published content may be kept by a CDN or browser
 * (`Cache-Control: public, max-age=CONTENT_CACHE_MAX_AGE`); everything else is `no-store`. A response is public only
 * when all of these hold:
 *   - the request carries no Authorization header (what a signed-in viewer sees may be personal or office data),
 *   - the operation is a query (never a mutation or subscription),
 *   - the response has no errors,
 *   - every root field it selects was registered as public by its module (`registerPublicQueryField`).
 * Responses always vary on Authorization and Accept-Language (the locale served follows it).
 */

const publicQueryFields = new Set<string>();
/** Introspection is the same for everyone. */
const INTROSPECTION_FIELDS = new Set(['__typename', '__schema', '__type']);

/**
 * Declares root Query fields whose answer to an anonymous visitor is public content, the same for every visitor.
 * Modules call it when they load, next to their resolvers; a field not registered is never cached.
 */
export function registerPublicQueryField(...names: string[]): void {
  for (const name of names) publicQueryFields.add(name);
}

export function isPublicQueryField(name: string): boolean {
  return INTROSPECTION_FIELDS.has(name) || publicQueryFields.has(name);
}

/** The root fields an operation selects, through inline fragments and fragment spreads (directives ignored). */
export function rootFieldNames(operation: OperationDefinitionNode, document: DocumentNode): Set<string> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const names = new Set<string>();
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) names.add(s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) visit(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const fragment = fragments.get(s.name.value);
        if (fragment) visit(fragment.selectionSet);
      }
    }
  };
  visit(operation.selectionSet);
  return names;
}

export interface CacheDecisionInput {
  authorization: boolean;
  /** Undefined when the request never got to a resolved operation (parse or validation errors). */
  operation?: OperationDefinitionNode['operation'];
  rootFields?: Iterable<string>;
  hasErrors: boolean;
  /** Incremental delivery (@defer, @stream) is never cached. */
  incremental?: boolean;
}

/** The Cache-Control value for a GraphQL response. */
export function cacheControlValue(input: CacheDecisionInput, maxAge: number): string {
  const cacheable =
    !input.authorization &&
    input.operation === 'query' &&
    !input.hasErrors &&
    !input.incremental &&
    input.rootFields !== undefined &&
    [...input.rootFields].every(isPublicQueryField);
  return cacheable ? `public, max-age=${maxAge}` : 'no-store';
}

const VARY = ['Authorization', 'Accept-Language'];

/**
 * Sets Cache-Control and Vary on every GraphQL-over-HTTP response. `varyOrigin` adds Origin to Vary when CORS is on:
 * the express cors middleware's own `Vary: Origin` is replaced by Apollo's response headers.
 */
export function cacheControlPlugin<C extends BaseContext>(options: { maxAge: number; varyOrigin?: boolean }): ApolloServerPlugin<C> {
  const vary = [...VARY, ...(options.varyOrigin ? ['Origin'] : [])];
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, operation, document, errors }) {
          const body = response.body;
          const value = cacheControlValue(
            {
              authorization: Boolean(request.http?.headers.get('authorization')),
              operation: operation?.operation,
              rootFields: operation && document ? rootFieldNames(operation, document) : undefined,
              hasErrors: Boolean(errors?.length) || (body.kind === 'single' && Boolean(body.singleResult.errors?.length)),
              incremental: body.kind !== 'single',
            },
            options.maxAge,
          );
          // Set before Apollo's own cache-control plugin looks: it leaves a value it cannot parse as its own alone.
          response.http.headers.set('cache-control', value);
          const existing = (response.http.headers.get('vary') ?? '').split(',').map((v) => v.trim()).filter(Boolean);
          const merged = [...existing, ...vary.filter((v) => !existing.some((e) => e.toLowerCase() === v.toLowerCase()))];
          response.http.headers.set('vary', merged.join(', '));
        },
      };
    },
  };
}
