/**
 * Media over plain HTTP (GraphQL carries no files):
 * - `POST /media` (office; multipart/form-data: one file field `file`, optional text fields `altTr`, `altEn`) → 201 with
 *   the new asset as JSON. Refusals: 400 FILE_REQUIRED / ONE_FILE_ONLY / MULTIPART_REQUIRED / MALFORMED_UPLOAD,
 *   401, 403, 413 PAYLOAD_TOO_LARGE / IMAGE_TOO_LARGE, 415 UNSUPPORTED_MEDIA_TYPE / IMAGE_UNREADABLE.
 * - `GET /media/:uuid/:filename` (and HEAD) → the bytes, with ETag (304 on If-None-Match) and single byte ranges.
 *   Published: `public, max-age=86400`; unpublished: 404 unless the office's bearer token or a valid signed link
 *   (`?expires=&signature=`) comes with the request, then `private, no-store`.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { Express, Request, RequestHandler, Response } from 'express';
import { DomainError } from '../../platform/errors/domain-error';
import { route, type HttpRoutes } from '../../platform/http/routes';
import type { Logger } from '../../platform/logging/logger';
import { toGlobalId } from '../../platform/graphql/relay';
import type { Localised } from './content.entity';
import { fileStoreFor, type ByteRange } from './file-store';
import { MEDIA_HTTP_STATUS, MediaErrors } from './media.errors';
import { createMediaAsset, MEDIA_TYPE, mediaForDownload, type ReceivedUpload } from './media.service';
import { assertOffice } from '../../platform/auth/office';

/** Room for the multipart framing and the text fields beside the file. */
const UPLOAD_OVERHEAD_BYTES = 64 * 1024;
const PUBLIC_MAX_AGE = 86_400;

export function mountMediaRoutes(app: Express, routes: HttpRoutes): void {
  app.post('/media', mediaRoute(routes.log, (req, res) => upload(routes, req, res)));
  app.get('/media/:id/:filename', mediaRoute(routes.log, (req, res) => download(routes, req, res)));
}

/** The platform's `route()`, with the upload refusals that have their own HTTP status (413, 415). */
function mediaRoute(log: Logger, handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return route(log, async (req, res) => {
    try {
      await handler(req, res);
    } catch (e) {
      const status = e instanceof DomainError ? MEDIA_HTTP_STATUS[e.reason] : undefined;
      if (!status || res.headersSent) throw e;
      const error = e as DomainError;
      res.setHeader('Cache-Control', 'no-store');
      res.status(status).json({ error: { code: error.category, reason: error.reason, message: error.message, field: error.details.field } });
    }
  });
}

// --- Upload ----------------------------------------------------------------------------------------------------------

async function upload(routes: HttpRoutes, req: Request, res: Response): Promise<void> {
  const ctx = await routes.contextFor(req);
  // Refused before a byte of the body is read.
  assertOffice(ctx, 'Media assets are managed by the office');
  const { maxBytes } = routes.config.files;
  if (!req.is('multipart/form-data')) throw MediaErrors.multipartRequired();
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes + UPLOAD_OVERHEAD_BYTES) {
    // Not read at all: the connection is closed after the answer rather than drained.
    res.setHeader('Connection', 'close');
    throw MediaErrors.tooLarge(maxBytes);
  }
  const store = fileStoreFor(routes.config);
  await mkdir(store.incomingDir, { recursive: true });
  const received = await receive(req, res, store.incomingDir, maxBytes);
  let asset;
  try {
    asset = await createMediaAsset(ctx, received);
  } finally {
    // Gone before the answer leaves: a client never sees the incoming file still lying around.
    await rm(received.path, { force: true });
  }
  res.status(201).setHeader('Cache-Control', 'no-store');
  res.json({
    id: toGlobalId(MEDIA_TYPE, asset.id),
    filename: asset.filename,
    contentType: asset.contentType,
    sizeBytes: asset.sizeBytes,
    width: asset.width ?? null,
    height: asset.height ?? null,
    sha256: asset.sha256,
    version: asset.version,
  });
}

/**
 * Reads the multipart body, streaming the one file into a new file of `dir` while counting and hashing it. Settles
 * once the whole body is read; on any refusal the partial file is removed before the promise rejects.
 */
function receive(req: Request, res: Response, dir: string, maxBytes: number): Promise<ReceivedUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // File names as browsers send them (UTF-8), not latin1.
        defParamCharset: 'utf8',
        // busboy truncates a file when it reaches the limit: one byte more tells "exactly the limit" from "over".
        limits: { files: 1, fileSize: maxBytes + 1, fields: 8, fieldSize: 4096, parts: 12, headerPairs: 32 },
      });
    } catch {
      reject(MediaErrors.multipartRequired());
      return;
    }
    const temp = path.join(dir, `${randomUUID()}.upload`);
    let writing: Promise<{ size: number; sha256: string; truncated: boolean }> | undefined;
    let filename = '';
    let fileParts = 0;
    let otherFileField = false;
    let tooMany = false;
    const alt: Localised = {};
    let bodyBytes = 0;
    let done = false;

    const finish = (error?: unknown) => {
      if (done) return;
      done = true;
      void (async () => {
        const file = writing
          ? await writing.catch((e: unknown) => {
              error ??= MediaErrors.malformedUpload((e as Error).message);
              return undefined;
            })
          : undefined;
        if (!error) {
          if (tooMany || fileParts > 1) error = MediaErrors.oneFileOnly();
          else if (!file || otherFileField) error = MediaErrors.fileRequired();
          else if (file.truncated || file.size > maxBytes) error = MediaErrors.tooLarge(maxBytes);
        }
        if (error || !file) {
          await rm(temp, { force: true });
          reject(error);
        } else {
          resolve({ path: temp, size: file.size, sha256: file.sha256, filename, alt });
        }
      })();
    };

    parser.on('file', (name, stream, info) => {
      fileParts++;
      if (name !== 'file' || writing) {
        otherFileField ||= name !== 'file';
        stream.resume();
        return;
      }
      filename = info.filename ?? '';
      writing = writeHashed(stream, temp);
      writing.catch(() => undefined);
    });
    parser.on('field', (name, value) => {
      if (name === 'altTr') alt.tr = value;
      else if (name === 'altEn') alt.en = value;
    });
    parser.on('filesLimit', () => {
      tooMany = true;
    });
    parser.on('error', (e: Error) => finish(MediaErrors.malformedUpload(e.message)));
    parser.on('close', () => finish());
    req.on('data', (chunk: Buffer) => {
      bodyBytes += chunk.length;
      // A body without Content-Length that goes on and on: stop reading and close the connection after answering.
      if (bodyBytes > maxBytes + UPLOAD_OVERHEAD_BYTES && !done) {
        res.setHeader('Connection', 'close');
        req.unpipe(parser);
        req.resume();
        parser.destroy();
        finish(MediaErrors.tooLarge(maxBytes));
      }
    });
    req.on('close', () => {
      if (!req.complete) {
        parser.destroy();
        finish(MediaErrors.malformedUpload('the upload was interrupted'));
      }
    });
    req.pipe(parser);
  });
}

async function writeHashed(stream: Readable & { truncated?: boolean }, file: string) {
  const hash = createHash('sha256');
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(stream, counter, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
  return { size, sha256: hash.digest('hex'), truncated: stream.truncated === true };
}

// --- Download --------------------------------------------------------------------------------------------------------

const notFound = () => new DomainError('NOT_FOUND', 'MEDIA_NOT_FOUND', 'No such file');

async function download(routes: HttpRoutes, req: Request, res: Response): Promise<void> {
  const ctx = await routes.contextFor(req);
  const id = String(req.params.id);
  const found = await mediaForDownload(ctx, id, String(req.params.filename), {
    expires: req.query.expires,
    signature: req.query.signature,
  });
  if (!found) throw notFound();
  const { asset, access } = found;
  const etag = `"${asset.sha256}"`;
  const common = {
    ETag: etag,
    'Cache-Control': access === 'public' ? `public, max-age=${PUBLIC_MAX_AGE}` : 'private, no-store',
    'X-Content-Type-Options': 'nosniff',
    'Accept-Ranges': 'bytes',
  };
  if (etagMatches(req.headers['if-none-match'], asset.sha256)) {
    res.status(304).set(common).end();
    return;
  }

  const size = asset.sizeBytes;
  const ifRange = req.headers['if-range'];
  const range = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, size) : undefined;
  if (range === 'unsatisfiable') {
    res.status(416).set({ ...common, 'Content-Range': `bytes */${size}` }).end();
    return;
  }
  const headers: Record<string, string> = {
    ...common,
    'Content-Type': asset.contentType,
    'Content-Disposition': contentDisposition(asset.filename),
    'Content-Length': String(range ? range.end - range.start + 1 : size),
    ...(range ? { 'Content-Range': `bytes ${range.start}-${range.end}/${size}` } : {}),
  };
  if (req.method === 'HEAD') {
    res.status(range ? 206 : 200).set(headers).end();
    return;
  }
  const file = await fileStoreFor(routes.config).get(asset.storageKey, range);
  if (!file) {
    routes.log.error({ mediaAssetId: asset.id, storageKey: asset.storageKey }, 'media asset has no stored file');
    throw notFound();
  }
  res.status(range ? 206 : 200).set(headers);
  try {
    await pipeline(file.body, res);
  } catch (e) {
    // A client that goes away mid-file is not an error of ours.
    if ((e as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') routes.log.warn({ err: e, mediaAssetId: asset.id }, 'media download failed');
    if (!res.destroyed) res.destroy();
  }
}

function etagMatches(header: string | undefined, sha256: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t.replace(/^W\//, '') === `"${sha256}"`;
  });
}

/** One byte range (`bytes=a-b`, `bytes=a-`, `bytes=-n`); anything else is ignored and the whole file is sent. */
function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return { start, end };
}

/** `inline` with the name twice: plain ASCII for old clients, and UTF-8 (RFC 6266 / 8187). */
function contentDisposition(filename: string): string {
  const ascii = filename
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
