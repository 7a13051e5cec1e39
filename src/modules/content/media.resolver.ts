import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../platform/graphql/context';
import { LocaleCode, LocalisedText, pickLocale } from '../../platform/graphql/localised-text';
import { registerNodeType } from '../../platform/graphql/node';
import { ConnectionArgs, ConnectionType, fromGlobalId, toGlobalId, type ConnectionShape } from '../../platform/graphql/relay';
import { MediaAsset } from './media-asset.entity';
import { MediaAssetFilter, UpdateMediaAssetInput } from './media.inputs';
import {
  deleteMediaAsset,
  findVisibleMediaAsset,
  getMediaAsset,
  listMediaAssets,
  MEDIA_TYPE,
  mediaUrl,
  updateMediaAsset,
} from './media.service';
import { OFFICE_ROLES } from '../../platform/auth/viewer';


const MediaAssetConnection = ConnectionType(MediaAsset, 'MediaAsset');

// node(id): the office sees every asset, anyone else only published ones (null otherwise, as for an unknown id).
registerNodeType(MEDIA_TYPE, (ctx, id) => findVisibleMediaAsset(ctx, id));

@Resolver(() => MediaAsset)
export class MediaAssetResolver {
  @Authorized(...OFFICE_ROLES)
  @Query(() => MediaAssetConnection, { description: 'Office: the media library, newest first. Upload with `POST /media` (multipart/form-data).' })
  mediaAssets(
    @Ctx() ctx: RequestContext,
    @Args() page: ConnectionArgs,
    @Arg('filter', () => MediaAssetFilter, { nullable: true }) filter?: MediaAssetFilter,
  ): Promise<ConnectionShape<MediaAsset>> {
    return listMediaAssets(ctx, filter, page);
  }

  @Authorized(...OFFICE_ROLES)
  @Query(() => MediaAsset, { nullable: true, description: 'Office: one media asset.' })
  mediaAsset(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<MediaAsset | null> {
    return getMediaAsset(ctx, fromGlobalId(id, MEDIA_TYPE));
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => MediaAsset, { description: 'Office: change the alternative text or the file name (which changes the URL).' })
  updateMediaAsset(@Arg('input') input: UpdateMediaAssetInput, @Ctx() ctx: RequestContext): Promise<MediaAsset> {
    return updateMediaAsset(ctx, input);
  }

  @Authorized(...OFFICE_ROLES)
  @Mutation(() => ID, {
    description: 'Office: delete an asset no content uses (else CONFLICT / MEDIA_IN_USE), with its stored file. Returns its ID.',
  })
  deleteMediaAsset(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Ctx() ctx: RequestContext,
  ): Promise<string> {
    return deleteMediaAsset(ctx, id, version);
  }

  @FieldResolver(() => ID)
  id(@Root() asset: MediaAsset): string {
    return toGlobalId(MEDIA_TYPE, asset.id);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Alternative text (for images), in the locale asked for or the fallback.' })
  alt(
    @Root() asset: MediaAsset,
    @Ctx() ctx: RequestContext,
    @Arg('locale', () => LocaleCode, { nullable: true }) locale?: LocaleCode,
  ): string | null {
    return pickLocale(asset.alt, locale ?? ctx.locale, ctx.config.defaultLocale) || null;
  }

  @FieldResolver(() => LocalisedText, { description: 'The alternative text in every language.' })
  altTranslations(@Root() asset: MediaAsset): LocalisedText {
    return asset.alt ?? {};
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Where to fetch the file: the public address once published; for the office a signed link valid for an hour while unpublished; null otherwise.',
  })
  url(@Root() asset: MediaAsset, @Ctx() ctx: RequestContext): string | null {
    return mediaUrl(ctx, asset);
  }
}
