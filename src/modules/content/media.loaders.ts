import DataLoader from 'dataloader';
import { defineLoader } from '../../platform/graphql/context';
import { MediaAsset } from './media-asset.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Media assets by uuid, one statement per batch, whoever may see them: pass what it gives through
 * `visibleMediaAsset(ctx, asset)` (media.service.ts) before showing it to the viewer.
 */
export const mediaAssetById = defineLoader('mediaAssetById', (ctx) =>
  new DataLoader<string, MediaAsset | null>(async (ids) => {
    const valid = ids.filter((id) => UUID.test(id));
    const rows = valid.length ? await ctx.em.find(MediaAsset, { id: { $in: valid } }) : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }),
);
