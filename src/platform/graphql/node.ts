import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { invalidInput } from '../errors/domain-error';
import type { RequestContext } from './context';
import { Node, parseGlobalId } from './relay';

/** How a module fetches one of its objects by uuid for node(id), applying the same access rules as its queries. */
export type NodeFetcher = (ctx: RequestContext, id: string) => Promise<Node | null>;

const fetchers = new Map<string, NodeFetcher>();

export function registerNodeType(typeName: string, fetcher: NodeFetcher): void {
  fetchers.set(typeName, fetcher);
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global ID; null when absent or not visible to you.' })
  async node(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<Node | null> {
    const { type, id: uuid } = parseGlobalId(id);
    const fetch = fetchers.get(type);
    return fetch ? fetch(ctx, uuid) : null;
  }

  @Query(() => [Node], { nullable: 'items', description: 'Several objects by global ID, in the order asked (at most 100).' })
  async nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: RequestContext): Promise<(Node | null)[]> {
    if (ids.length > 100) {
      throw invalidInput('ids', 'at most 100 ids at once', 'TOO_MANY_IDS');
    }
    return Promise.all(ids.map((id) => this.node(id, ctx)));
  }
}
