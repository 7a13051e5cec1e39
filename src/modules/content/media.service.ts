import type { EntityManager } from '@mikro-orm/postgresql';
import { MediaAsset } from './media-asset.entity';
import { MediaErrors } from './media.errors';

/** Makes assets public (their URL starts working for everyone): called when content using them is published. */
export async function publishMediaAssets(em: EntityManager, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await em.execute(`update media_asset set published_at = now() where published_at is null and id = any(?::uuid[])`, [ids]);
}

/** Refuses references to assets that do not exist, naming the input field. */
export async function assertMediaAssetsExist(em: EntityManager, ids: string[], field: string): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  const found = await em.find(MediaAsset, { id: { $in: unique } }, { fields: ['id'] });
  const missing = unique.filter((id) => !found.some((a) => a.id === id));
  if (missing.length) throw MediaErrors.notFound(field, missing);
}
