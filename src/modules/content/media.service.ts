import { sqlArray } from '../../platform/db/sql-array';
/**
 * Media assets: uploaded images, PDFs and videos of the content module.
 *
 * Who sees what (the one rule, also for the content fields that show media — cover images, attachments, files):
 * - the office (STAFF, ADMIN) sees every asset, published or not;
 * - everyone else sees an asset only once it is published (`publishedAt` set — publishMediaAssets does it when content
 *   using the asset is published); an unpublished one is null in GraphQL and 404 over HTTP, as if it did not exist.
 *   Load with the `mediaAssetById` loader (media.loaders.ts), then pass the row through `visibleMediaAsset(ctx, asset)`.
 * - a signed link (`?expires=&signature=`, made by `signedMediaPath`) opens one unpublished file to whoever holds it
 *   until it expires; the office's `url` field gives such links, valid for an hour.
 *
 * The bytes live in the file store (file-store.ts: local folder or S3) under a random key; the row is written only
 * after the bytes are stored, and the bytes are removed if the row cannot be written. The content type is sniffed from
 * the bytes (never the client's word) and checked against UPLOAD_ALLOWED_TYPES; images must have readable dimensions of
 * at most MAX_IMAGE_SIDE pixels a side.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { LockMode, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { imageSizeFromFile } from 'image-size/fromFile';
import type { Config } from '../../config/config';
import { developmentSecret } from '../../platform/auth/tokens';
import { findPage } from '../../platform/db/pagination';
import { invalidInput, notFound, versionConflict } from '../../platform/errors/domain-error';
import type { RequestContext } from '../../platform/graphql/context';
import { fromGlobalId, pageRequest, toGlobalId, type ConnectionArgs, type ConnectionShape } from '../../platform/graphql/relay';
import type { Localised } from './content.entity';
import { fileStoreFor } from './file-store';
import { MediaAsset } from './media-asset.entity';
import { MediaErrors } from './media.errors';
import type { MediaAssetFilter, UpdateMediaAssetInput } from './media.inputs';
import { mediaAssetById } from './media.loaders';
import { assertOffice } from '../../platform/auth/office';

export const MEDIA_TYPE = 'MediaAsset';

export const MEDIA_EVENTS = {
  uploaded: 'media.uploaded',
  updated: 'media.updated',
  deleted: 'media.deleted',
};

/** Images larger than this on a side are refused (decoding them could exhaust memory anywhere they are shown). */
export const MAX_IMAGE_SIDE = 20_000;
export const MAX_FILENAME_LENGTH = 200;
export const MAX_ALT_LENGTH = 500;
/** How long the office's signed links (`MediaAsset.url` of an unpublished asset) work. */
export const SIGNED_URL_TTL_SECONDS = 3600;
/** Bytes read from the start of a file to recognise its type. */
const SNIFF_BYTES = 64 * 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// --- Access ----------------------------------------------------------------------------------------------------------

/** What the office alone does here (FORBIDDEN for anyone else). */
const OFFICE_WORK = 'Media assets are managed by the office';

/** The asset if this viewer may see it (the office: always; others: once published), else null. */
export function visibleMediaAsset(ctx: RequestContext, asset: MediaAsset | null | undefined): MediaAsset | null {
  if (!asset) return null;
  return asset.publishedAt || ctx.viewer.isOffice ? asset : null;
}

/** For node(id) and content fields: the asset by uuid, null when absent or not visible to the viewer. */
export async function findVisibleMediaAsset(ctx: RequestContext, id: string): Promise<MediaAsset | null> {
  return visibleMediaAsset(ctx, await ctx.loader(mediaAssetById).load(id));
}

// --- Reads -----------------------------------------------------------------------------------------------------------

/** The office's media library, newest first. */
export async function listMediaAssets(
  ctx: RequestContext,
  filter: MediaAssetFilter | undefined,
  args: ConnectionArgs,
): Promise<ConnectionShape<MediaAsset>> {
  assertOffice(ctx, OFFICE_WORK);
  const page = pageRequest(args, ctx.config.graphql.maxPageSize);
  const where: FilterQuery<MediaAsset>[] = [];
  if (filter?.contentTypes?.length) {
    const exact = filter.contentTypes.filter((t) => !t.endsWith('/*'));
    const families = filter.contentTypes.filter((t) => t.endsWith('/*')).map((t) => t.slice(0, -1));
    where.push({
      $or: [
        ...(exact.length ? [{ contentType: { $in: exact } }] : []),
        ...families.map((prefix) => ({ contentType: { $like: `${escapeLike(prefix)}%` } })),
      ],
    });
  }
  if (filter?.search) where.push({ filename: { $ilike: `%${escapeLike(filter.search)}%` } });
  if (filter?.published === true) where.push({ publishedAt: { $ne: null } });
  if (filter?.published === false) where.push({ publishedAt: null });
  return findPage(ctx.em, MediaAsset, where.length ? { $and: where } : {}, [
    { field: 'createdAt', direction: 'desc' },
    { field: 'id', direction: 'desc' },
  ], page);
}

/** One asset by uuid, for the office. */
export async function getMediaAsset(ctx: RequestContext, id: string): Promise<MediaAsset | null> {
  assertOffice(ctx, OFFICE_WORK);
  return ctx.loader(mediaAssetById).load(id);
}

/**
 * Where the file can be fetched: the public address once published; for the office, a signed link valid for
 * SIGNED_URL_TTL_SECONDS while unpublished; null for anyone else (who cannot see an unpublished asset anyway).
 */
export function mediaUrl(ctx: RequestContext, asset: MediaAsset): string | null {
  const base = ctx.config.publicUrl ?? '';
  if (asset.publishedAt) return `${base}${mediaPath(asset)}`;
  if (!ctx.viewer.isOffice) return null;
  return `${base}${signedMediaPath(ctx.config, asset, Math.floor(Date.now() / 1000) + SIGNED_URL_TTL_SECONDS)}`;
}

export function mediaPath(asset: Pick<MediaAsset, 'id' | 'filename'>): string {
  return `/media/${asset.id}/${encodeURIComponent(asset.filename)}`;
}

// --- Signed links ----------------------------------------------------------------------------------------------------

const linkKeys = new WeakMap<Config, Buffer>();

/**
 * The key of signed links, derived from JWT_SECRET, else from the development secret under DATA_DIR; without either
 * (production with OIDC only) a random key per process: links then work only on the instance that made them, until
 * it restarts — set JWT_SECRET too when several instances serve media.
 */
function linkKey(config: Config): Buffer {
  let key = linkKeys.get(config);
  if (!key) {
    const secret = config.auth.jwtSecret ?? developmentSecret(config, false);
    key = secret ? createHmac('sha256', secret).update('iro-hub media links v1').digest() : randomBytes(32);
    linkKeys.set(config, key);
  }
  return key;
}

function linkSignature(config: Config, id: string, expires: number): Buffer {
  return createHmac('sha256', linkKey(config)).update(`${id}:${expires}`).digest();
}

/** `/media/<uuid>/<filename>?expires=<unix seconds>&signature=<HMAC-SHA256 of uuid and expires>`. */
export function signedMediaPath(config: Config, asset: Pick<MediaAsset, 'id' | 'filename'>, expires: number): string {
  return `${mediaPath(asset)}?expires=${expires}&signature=${linkSignature(config, asset.id, expires).toString('base64url')}`;
}

export function verifyMediaLink(config: Config, id: string, link: { expires?: unknown; signature?: unknown }): boolean {
  const { expires, signature } = link;
  if (typeof expires !== 'string' || typeof signature !== 'string' || !/^\d{1,12}$/.test(expires)) return false;
  const at = Number(expires);
  if (at <= Math.floor(Date.now() / 1000)) return false;
  const given = Buffer.from(signature, 'base64url');
  const expected = linkSignature(config, id, at);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * The asset behind `GET /media/:id/:filename` if this request may have it: published ones for everyone (`public`),
 * unpublished ones for the office or with a valid signed link (`private`). Null otherwise, exactly as for an unknown
 * id or a wrong file name, so that the answer says nothing about unpublished files.
 */
export async function mediaForDownload(
  ctx: RequestContext,
  id: string,
  filename: string,
  link: { expires?: unknown; signature?: unknown },
): Promise<{ asset: MediaAsset; access: 'public' | 'private' } | null> {
  if (!UUID.test(id)) return null;
  const asset = await ctx.em.findOne(MediaAsset, { id });
  if (!asset || asset.filename !== filename) return null;
  if (asset.publishedAt) return { asset, access: 'public' };
  if (ctx.viewer.isOffice || verifyMediaLink(ctx.config, id, link)) return { asset, access: 'private' };
  return null;
}

// --- Upload ----------------------------------------------------------------------------------------------------------

/** A file received into the store's incoming folder, counted and hashed while it arrived. */
export interface ReceivedUpload {
  /** The temporary file; the caller removes it afterwards, whatever happened. */
  path: string;
  size: number;
  /** Hex SHA-256 of the bytes. */
  sha256: string;
  /** As the client named it (never trusted: cleaned, extension corrected). */
  filename: string;
  alt?: Localised;
}

/**
 * Checks a received file and makes it a media asset: sniffs the type (refusing types not allowed and bytes of no
 * recognisable type), reads image dimensions (refusing unreadable or oversized images), stores the bytes under a new
 * random key and writes the row; if the row cannot be written the stored bytes are removed again.
 */
export async function createMediaAsset(ctx: RequestContext, upload: ReceivedUpload): Promise<MediaAsset> {
  assertOffice(ctx, OFFICE_WORK);
  const { files } = ctx.config;
  if (upload.size > files.maxBytes) throw MediaErrors.tooLarge(files.maxBytes);
  const alt = cleanAlt(upload.alt ?? {}, (locale) => `alt${locale === 'tr' ? 'Tr' : 'En'}`);

  const type = await sniffType(upload.path);
  if (!type || !files.allowedTypes.includes(type.mime)) throw MediaErrors.unsupportedType(type?.mime ?? null, files.allowedTypes);
  let width: number | undefined;
  let height: number | undefined;
  if (type.mime.startsWith('image/')) {
    ({ width, height } = await imageDimensions(upload.path, upload.size, type.mime));
    if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) throw MediaErrors.imageTooLarge(width, height, MAX_IMAGE_SIDE);
  }
  const filename = cleanFilename(upload.filename, type.ext) ?? `file.${type.ext}`;

  const store = fileStoreFor(ctx.config);
  const storageKey = newStorageKey();
  await store.put(storageKey, createReadStream(upload.path), { contentType: type.mime, size: upload.size });
  try {
    return await ctx.transaction(async (tx) => {
      const asset = tx.em.create(MediaAsset, {
        storageKey,
        filename,
        contentType: type.mime,
        sizeBytes: upload.size,
        width,
        height,
        sha256: upload.sha256,
        alt,
        uploadedBy: ctx.viewer.subject ?? undefined,
      } as never);
      await tx.em.flush();
      tx.emit({
        type: MEDIA_EVENTS.uploaded,
        aggregateType: MEDIA_TYPE,
        aggregateId: asset.id,
        aggregateVersion: asset.version,
        payload: { contentType: asset.contentType, sizeBytes: asset.sizeBytes },
      });
      return asset;
    });
  } catch (e) {
    await store.delete(storageKey).catch((err: unknown) => ctx.log.warn({ err, storageKey }, 'could not remove the bytes of a failed upload'));
    throw e;
  }
}

/** The type the bytes say they are (file-type's magic numbers); APNG counts as PNG. Undefined when unrecognised. */
async function sniffType(file: string): Promise<{ mime: string; ext: string } | undefined> {
  const handle = await open(file, 'r');
  let head: Buffer;
  try {
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    head = buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.length === 0) return undefined;
  // A parser choking on hostile bytes means the same as bytes of no known type.
  const found = await fileTypeFromBuffer(head).catch(() => undefined);
  if (!found) return undefined;
  if (found.mime === 'image/apng') return { mime: 'image/png', ext: 'png' };
  return { mime: found.mime, ext: found.ext };
}

/** Width and height from the image's header (the first 512 KiB; the whole file when the header lies further in). */
async function imageDimensions(file: string, size: number, mime: string): Promise<{ width: number; height: number }> {
  let result: { width?: number; height?: number } | undefined;
  try {
    result = await imageSizeFromFile(file);
  } catch {
    if (size > 512 * 1024) {
      const handle = await open(file, 'r');
      try {
        result = imageSize(await handle.readFile());
      } catch {
        result = undefined;
      } finally {
        await handle.close();
      }
    }
  }
  const width = result?.width;
  const height = result?.height;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width! <= 0 || height! <= 0) throw MediaErrors.imageUnreadable(mime);
  return { width: width!, height: height! };
}

/** `2026/11/<32 hex>`: random, so names say nothing and never collide. */
function newStorageKey(): string {
  const now = new Date();
  return `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/${randomBytes(16).toString('hex')}`;
}

/**
 * A file name safe to store and serve: the last path part only, without control or bidirectional-override
 * characters and characters file systems refuse, at most MAX_FILENAME_LENGTH characters, ending in `.ext` (the
 * sniffed type's extension replaces whatever the client wrote). Null when nothing usable is left of the name.
 */
export function cleanFilename(raw: string, ext: string): string | null {
  let name = raw.normalize('NFC').split(/[\\/]/).pop() ?? '';
  name = name
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '')
    .replace(/[<>:"|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.[A-Za-z0-9]{1,8}$/, '')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (!name) return null;
  const room = MAX_FILENAME_LENGTH - ext.length - 1;
  let base = '';
  for (const ch of name) {
    if (base.length + ch.length > room) break;
    base += ch;
  }
  return `${base.replace(/[\s.]+$/, '')}.${ext}`;
}

function cleanAlt(alt: Localised, fieldOf: (locale: string) => string): Localised {
  const out: Localised = {};
  for (const locale of ['tr', 'en'] as const) {
    const text = alt[locale]?.replace(/[\p{Cc}]/gu, ' ').trim();
    if (!text) continue;
    if (text.length > MAX_ALT_LENGTH) throw invalidInput(fieldOf(locale), `alternative text may have at most ${MAX_ALT_LENGTH} characters`);
    out[locale] = text;
  }
  return out;
}

// --- Changes ---------------------------------------------------------------------------------------------------------

export async function updateMediaAsset(ctx: RequestContext, input: UpdateMediaAssetInput): Promise<MediaAsset> {
  assertOffice(ctx, OFFICE_WORK);
  const id = fromGlobalId(input.id, MEDIA_TYPE, 'id');
  return ctx.transaction(async (tx) => {
    // Locked: a concurrent update waits here and then sees the new version.
    const asset = await tx.em.findOne(MediaAsset, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!asset) throw notFound(MEDIA_TYPE, input.id);
    if (asset.version !== input.version) throw versionConflict(MEDIA_TYPE, input.version, asset.version);
    const changed: string[] = [];
    if (input.alt !== undefined) {
      const alt = cleanAlt(input.alt ?? {}, (locale) => `input.alt.${locale}`);
      if (JSON.stringify(alt) !== JSON.stringify({ tr: asset.alt.tr, en: asset.alt.en })) {
        asset.alt = alt;
        changed.push('alt');
      }
    }
    if (input.filename !== undefined && input.filename !== null) {
      const filename = cleanFilename(input.filename, path.extname(asset.filename).slice(1) || 'bin');
      if (!filename) throw MediaErrors.filenameInvalid();
      if (filename !== asset.filename) {
        asset.filename = filename;
        changed.push('filename');
      }
    }
    if (!changed.length) return asset;
    await tx.em.flush();
    tx.emit({
      type: MEDIA_EVENTS.updated,
      aggregateType: MEDIA_TYPE,
      aggregateId: asset.id,
      aggregateVersion: asset.version,
      payload: { changed },
    });
    return asset;
  });
}

/** How many content items (cover image, file, attachments) and document versions refer to an asset. */
export async function mediaUses(em: EntityManager, id: string): Promise<{ contentItems: number; documentVersions: number }> {
  const [row] = await em.execute<{ items: number; versions: number }[]>(
    `select (select count(*) from content_item
              where cover_image_id = ?::uuid or file_id = ?::uuid or attachment_ids @> array[?::uuid])::int as items,
            (select count(*) from document_version where file_id = ?::uuid)::int as versions`,
    [id, id, id, id],
  );
  return { contentItems: row.items, documentVersions: row.versions };
}

/** Removes an unused asset; its bytes are removed from the store after the commit. Returns its global ID. */
export async function deleteMediaAsset(ctx: RequestContext, globalId: string, version: number): Promise<string> {
  assertOffice(ctx, OFFICE_WORK);
  const id = fromGlobalId(globalId, MEDIA_TYPE, 'id');
  const storageKey = await ctx.transaction(async (tx) => {
    // The row lock also holds back content being saved with a reference to it (foreign keys lock the referenced row).
    const asset = await tx.em.findOne(MediaAsset, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!asset) throw notFound(MEDIA_TYPE, globalId);
    if (asset.version !== version) throw versionConflict(MEDIA_TYPE, version, asset.version);
    const uses = await mediaUses(tx.em, id);
    if (uses.contentItems || uses.documentVersions) throw MediaErrors.inUse(uses);
    tx.em.remove(asset);
    await tx.em.flush();
    tx.emit({ type: MEDIA_EVENTS.deleted, aggregateType: MEDIA_TYPE, aggregateId: id, aggregateVersion: asset.version });
    return asset.storageKey;
  });
  await fileStoreFor(ctx.config)
    .delete(storageKey)
    .catch((err: unknown) => ctx.log.warn({ err, storageKey }, 'media asset deleted, but its bytes could not be removed from the store'));
  return toGlobalId(MEDIA_TYPE, id);
}

// --- For the content service ---------------------------------------------------------------------------------------

/** Makes assets public (their URL starts working for everyone): called when content using them is published. */
export async function publishMediaAssets(em: EntityManager, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await em.execute(`update media_asset set published_at = now() where published_at is null and id = any(?::uuid[])`, [sqlArray(ids)]);
}

/** Refuses references to assets that do not exist, naming the input field. */
export async function assertMediaAssetsExist(em: EntityManager, ids: string[], field: string): Promise<void> {
  const unique = [...new Set(ids)];
  if (!unique.length) return;
  const found = await em.find(MediaAsset, { id: { $in: unique } }, { fields: ['id'] });
  const missing = unique.filter((id) => !found.some((a) => a.id === id));
  if (missing.length) throw MediaErrors.notFound(field, missing);
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
