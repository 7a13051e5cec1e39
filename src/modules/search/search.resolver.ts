import { Arg, Args, Ctx, Field, Float, InputType, Int, ObjectType, Query, Resolver, createUnionType, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, IsOptional, Length, Matches } from 'class-validator';
import type { Locale, RequestContext } from '../../platform/graphql/context';
import { LocaleCode } from '../../platform/graphql/localised-text';
import { ConnectionArgs, PageInfo, encodeCursor } from '../../platform/graphql/relay';
import { Agreement } from '../agreements/agreement.entity';
import { getAgreement } from '../agreements/agreement.service';
import { Announcement, ContentDocument, ContentEvent, Page, PromotionalMaterial } from '../content/content.entity';
import { getContent } from '../content/content.service';
import { Institution } from '../institutions/institution.entity';
import { getInstitution } from '../institutions/institution.service';
import { SearchErrors } from './search.errors';
import { MAX_SEARCH_OFFSET, runSearch, searchableTypes } from './search.service';
import { SEARCH_TYPES, type FacetCount, type SearchHitRef, type SearchType } from './search.types';

const SearchTypeEnum = Object.fromEntries(SEARCH_TYPES.map((t) => [t, t])) as Record<SearchType, SearchType>;
registerEnumType(SearchTypeEnum, {
  name: 'SearchType',
  description: 'What search finds. AGREEMENT is office-only; INSTITUTION means the partners for the public and the whole directory for the office.',
});

const SearchResultObject = createUnionType({
  name: 'SearchResultObject',
  description: 'The record a search hit is about.',
  types: () => [Institution, Agreement, Announcement, ContentEvent, Page, ContentDocument, PromotionalMaterial] as const,
});

@InputType({ description: 'Narrows a search; the same dimensions are counted in `facets`.' })
class SearchFilterInput {
  @Field(() => [String], { nullable: true, description: 'ISO 3166-1 alpha-2 codes.' })
  @IsOptional()
  @ArrayMaxSize(50)
  @Matches(/^[A-Z]{2}$/, { each: true, message: 'countries are ISO 3166-1 alpha-2 codes, e.g. DE' })
  countries?: string[];

  @Field(() => [String], { nullable: true, description: 'Content category keys.' })
  @IsOptional()
  @ArrayMaxSize(20)
  @Length(1, 60, { each: true })
  categories?: string[];

  @Field(() => [String], { nullable: true, description: 'ISCED-F broad fields (2 digits) of partners’ agreements.' })
  @IsOptional()
  @ArrayMaxSize(20)
  @Matches(/^\d{2}$/, { each: true, message: 'iscedBroadFields are 2-digit ISCED-F codes, e.g. 06' })
  iscedBroadFields?: string[];

  @Field(() => [String], { nullable: true, description: 'ISO 639-1 codes: content languages, or partners’ teaching languages.' })
  @IsOptional()
  @ArrayMaxSize(20)
  @Matches(/^[a-z]{2}$/, { each: true, message: 'languages are ISO 639-1 codes, e.g. en' })
  languages?: string[];
}

@ObjectType({ description: 'A matched passage: the text HTML-escaped, the matches in <mark>.' })
class SearchHighlight {
  @Field({ description: 'title, text or keywords.' })
  field!: string;

  @Field()
  snippet!: string;
}

@ObjectType()
class SearchHit {
  @Field(() => SearchTypeEnum)
  type!: SearchType;

  @Field(() => Float, { nullable: true, description: 'Relevance from 0 to 1, when the engine gives one.' })
  score!: number | null;

  @Field(() => SearchResultObject)
  node!: object;

  @Field(() => [SearchHighlight])
  highlights!: SearchHighlight[];
}

@ObjectType()
class SearchHitEdge {
  @Field()
  cursor!: string;

  @Field(() => SearchHit)
  node!: SearchHit;
}

@ObjectType()
class SearchFacetCount {
  @Field()
  value!: string;

  @Field(() => Int)
  count!: number;
}

@ObjectType({ description: 'Matches per value of each dimension, for the same search and filter.' })
class SearchFacets {
  @Field(() => [SearchFacetCount])
  types!: FacetCount[];

  @Field(() => [SearchFacetCount])
  countries!: FacetCount[];

  @Field(() => [SearchFacetCount])
  categories!: FacetCount[];

  @Field(() => [SearchFacetCount])
  iscedBroadFields!: FacetCount[];

  @Field(() => [SearchFacetCount])
  languages!: FacetCount[];
}

@ObjectType({ description: 'One ranked page of search hits across types.' })
class SearchConnection {
  @Field(() => [SearchHitEdge])
  edges!: SearchHitEdge[];

  @Field(() => [SearchHit])
  nodes!: SearchHit[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;

  @Field(() => Int, { description: 'Matches in all (an estimate past 1,000 on Meilisearch).' })
  totalCount!: number;

  @Field(() => SearchFacets)
  facets!: SearchFacets;

  @Field({ description: 'meilisearch or postgres: which engine answered.' })
  engine!: string;
}

const EMPTY_FACETS = { types: [], countries: [], categories: [], iscedBroadFields: [], languages: [] };

@Resolver()
export class SearchResolver {
  @Query(() => SearchConnection, {
    description:
      'One ranked search over partners (the whole directory for the office), announcements, events, pages, documents and promotional material (and agreements, for the office). It finds exactly what you may read.',
  })
  async search(
    @Ctx() ctx: RequestContext,
    @Args() page: ConnectionArgs,
    @Arg('query', { description: 'What was typed (1–200 characters); typos, Turkish letters and missing accents are tolerated.' }) query: string,
    @Arg('types', () => [SearchTypeEnum], { nullable: true }) types?: SearchType[],
    @Arg('filter', () => SearchFilterInput, { nullable: true }) filter?: SearchFilterInput,
    @Arg('locale', () => LocaleCode, { nullable: true }) locale?: Locale,
  ): Promise<SearchConnection> {
    ctx.useLocale(locale);
    const limit = Math.min(page.first ?? 20, ctx.config.graphql.maxPageSize);
    if (limit < 0) throw SearchErrors.invalidCursor();
    const offset = page.after ? offsetOf(page.after) : 0;
    if (offset + limit > MAX_SEARCH_OFFSET) throw SearchErrors.tooDeep(MAX_SEARCH_OFFSET);
    const result = await runSearch(ctx, { query, types: searchableTypes(ctx, types), filter, offset, limit, facets: true });
    // Each hit is read with the viewer's own access rules; a hit whose record is gone or hidden is left out.
    const loaded = await Promise.all(result.hits.map((hit) => loadHit(ctx, hit)));
    const edges = loaded
      .map((node, i) => ({ node, hit: result.hits[i], cursor: encodeCursor([offset + i + 1]) }))
      .filter((e): e is typeof e & { node: object } => e.node !== null)
      .map((e) => ({ cursor: e.cursor, node: { type: e.hit.type, score: e.hit.score, node: e.node, highlights: e.hit.highlights } }));
    const endOffset = offset + result.hits.length;
    return {
      edges,
      nodes: edges.map((e) => e.node),
      pageInfo: {
        hasNextPage: endOffset < Math.min(result.total, MAX_SEARCH_OFFSET),
        hasPreviousPage: offset > 0,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: result.hits.length ? encodeCursor([endOffset]) : null,
      },
      totalCount: result.total,
      facets: result.facets ?? EMPTY_FACETS,
      engine: result.engine,
    };
  }
}

function offsetOf(cursor: string): number {
  try {
    const [offset] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw SearchErrors.invalidCursor();
}

function loadHit(ctx: RequestContext, hit: SearchHitRef): Promise<object | null> {
  switch (hit.type) {
    case 'INSTITUTION':
      return getInstitution(ctx, hit.id);
    case 'AGREEMENT':
      return ctx.viewer.isOffice ? getAgreement(ctx, hit.id) : Promise.resolve(null);
    default:
      return getContent(ctx, hit.id);
  }
}
