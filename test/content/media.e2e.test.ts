import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  MediaAssetByIdDocument,
  MediaDeleteDocument,
  MediaLibraryDocument,
  MediaNodeDocument,
  MediaPublishContentDocument,
  MediaUpdateDocument,
  MediaUseInContentDocument,
  MediaUseInDocumentVersionDocument,
} from '../generated/graphql';
import { LocalFileStore } from '../../src/modules/content/file-store';
import { signedMediaPath } from '../../src/modules/content/media.service';
import { startTestHub, type Identity, type TestHub } from '../support/hub';

let hub: TestHub;
const STAFF: Identity = { role: 'STAFF' };
const ADMIN: Identity = { role: 'ADMIN' };
const APPLICANT: Identity = { role: 'APPLICANT' };
const COORDINATOR: Identity = { role: 'COORDINATOR', units: ['00000000-0000-4000-8000-000000000001'] };

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.close());

// --- Test files, made here (no binary fixtures) ---------------------------------------------------------------------

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A real RGB PNG of the given size (a colour gradient), optionally padded after IEND to exactly `totalBytes`. */
function png(width: number, height: number, totalBytes?: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width * 3; x++) raw[y * (width * 3 + 1) + 1 + x] = (x * 7 + y * 13) & 0xff;
  const file = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
  if (totalBytes === undefined) return file;
  if (totalBytes < file.length) throw new Error(`a ${width}×${height} PNG needs ${file.length} bytes`);
  return Buffer.concat([file, Buffer.alloc(totalBytes - file.length)]);
}

/** A baseline JPEG header (JFIF APP0 and SOF0) with the given size. */
function jpeg(width: number, height: number): Buffer {
  return Buffer.from([
    0xff, 0xd8,
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00,
    0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01,
    0xff, 0xd9,
  ]);
}

/** The classic one-pixel GIF89a, with the logical screen size changed. */
function gif(width: number, height: number): Buffer {
  const bytes = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
  bytes.writeUInt16LE(width, 6);
  bytes.writeUInt16LE(height, 8);
  return bytes;
}

const pdf = () =>
  Buffer.from('%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n');

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];

// --- HTTP helpers ----------------------------------------------------------------------------------------------------

interface FilePart {
  bytes: Buffer;
  filename: string;
  /** What the client claims; never trusted. */
  type?: string;
  field?: string;
}

async function upload(
  files: FilePart[],
  as: Identity | null = STAFF,
  fields: Record<string, string> = {},
  target: TestHub = hub,
): Promise<{ status: number; body: Record<string, any> }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const f of files) form.append(f.field ?? 'file', new Blob([f.bytes], { type: f.type ?? 'application/octet-stream' }), f.filename);
  const headers: Record<string, string> = as ? { authorization: `Bearer ${await target.token(as)}` } : {};
  const res = await fetch(`${target.origin}/media`, { method: 'POST', body: form, headers });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function uploaded(file: FilePart, fields: Record<string, string> = {}) {
  const res = await upload([file], STAFF, fields);
  expect(res.status).toBe(201);
  return res.body as { id: string; filename: string; contentType: string; sizeBytes: number; width: number | null; height: number | null; sha256: string; version: number };
}

async function get(pathAndQuery: string, as?: Identity, headers: Record<string, string> = {}) {
  const auth: Record<string, string> = as ? { authorization: `Bearer ${await hub.token(as)}` } : {};
  const res = await fetch(`${hub.origin}${pathAndQuery}`, { headers: { ...auth, ...headers } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

const filePath = (asset: { id: string; filename: string }) => `/media/${uuidOf(asset.id)}/${encodeURIComponent(asset.filename)}`;

// --- Database and disk -----------------------------------------------------------------------------------------------

function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  return (hub.hub.orm.em.fork() as EntityManager).execute<T[]>(query, params);
}
const mediaRows = async () => (await sql<{ n: number }>('select count(*)::int as n from media_asset'))[0].n;
const storageKeyOf = async (globalId: string) => (await sql<{ storage_key: string }>('select storage_key from media_asset where id = ?', [uuidOf(globalId)]))[0]?.storage_key;
const publishDirectly = (globalId: string) => sql('update media_asset set published_at = now() where id = ?', [uuidOf(globalId)]);

/** Every file under a folder (the store's incoming folder included), as relative paths. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** Runs `fn` and asserts that it left no row and no file behind. */
async function leavesNothing(target: TestHub, fn: () => Promise<void>): Promise<void> {
  const rows = await mediaRows();
  const files = filesUnder(target.hub.config.files.dir);
  await fn();
  expect(await mediaRows()).toBe(rows);
  expect(filesUnder(target.hub.config.files.dir)).toEqual(files);
}

// --- Upload ----------------------------------------------------------------------------------------------------------

describe('uploading', () => {
  it('uploads a PNG and records the sniffed type, size, dimensions and sha256; the name is cleaned and the bytes stored', async () => {
    const bytes = png(3, 2);
    const res = await upload([{ bytes, filename: '../../etc/Kampüs\u202e Fotoğrafı.PNG', type: 'text/plain' }], STAFF, {
      altTr: 'Kampüsün girişi',
      altEn: 'The campus entrance',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      filename: 'Kampüs Fotoğrafı.png',
      contentType: 'image/png',
      sizeBytes: bytes.length,
      width: 3,
      height: 2,
      sha256: sha256(bytes),
      version: 1,
    });

    const read = await hub.request(MediaAssetByIdDocument, { id: res.body.id }, STAFF, { 'accept-language': 'en' });
    expect(read.errors).toBeUndefined();
    expect(read.data!.mediaAsset).toMatchObject({
      id: res.body.id,
      filename: 'Kampüs Fotoğrafı.png',
      contentType: 'image/png',
      sizeBytes: bytes.length,
      width: 3,
      height: 2,
      sha256: sha256(bytes),
      alt: 'The campus entrance',
      altTranslations: { tr: 'Kampüsün girişi', en: 'The campus entrance' },
      publishedAt: null,
      version: 1,
    });

    // The bytes are in the local store under a random key, not under the client's name.
    const key = await storageKeyOf(res.body.id);
    expect(key).toMatch(/^\d{4}\/\d{2}\/[0-9a-f]{32}$/);
    expect(readFileSync(path.join(hub.hub.config.files.dir, key))).toEqual(bytes);
    const [row] = await sql<{ uploaded_by: string }>('select uploaded_by from media_asset where id = ?', [uuidOf(res.body.id)]);
    expect(row.uploaded_by).toBe('test-staff');
  });

  it('uploads a JPEG, a GIF and a PDF, correcting the extension to the sniffed type whatever the client claimed', async () => {
    const photo = await uploaded({ bytes: jpeg(640, 480), filename: 'photo.png', type: 'image/png' });
    expect(photo).toMatchObject({ contentType: 'image/jpeg', filename: 'photo.jpg', width: 640, height: 480 });
    const animation = await uploaded({ bytes: gif(32, 16), filename: 'spinner', type: 'text/html' });
    expect(animation).toMatchObject({ contentType: 'image/gif', filename: 'spinner.gif', width: 32, height: 16 });
    const guide = await uploaded({ bytes: pdf(), filename: 'C:\\Users\\ayse\\Başvuru Rehberi.docx' });
    expect(guide).toMatchObject({ contentType: 'application/pdf', filename: 'Başvuru Rehberi.pdf', width: null, height: null, sizeBytes: pdf().length });
  });

  it('refuses a script disguised as an image with 415 UNSUPPORTED_MEDIA_TYPE, writing no row and leaving no file', async () => {
    const disguises: FilePart[] = [
      { bytes: Buffer.from('<script>alert(document.cookie)</script>'), filename: 'cat.png', type: 'image/png' },
      { bytes: Buffer.from('<!doctype html><html><body onload="steal()">hi</body></html>'), filename: 'cat.jpg', type: 'image/jpeg' },
      {
        bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        filename: 'logo.png',
        type: 'image/svg+xml',
      },
      { bytes: Buffer.from('#!/bin/sh\nrm -rf /\n'), filename: 'run.gif', type: 'image/gif' },
    ];
    for (const file of disguises) {
      await leavesNothing(hub, async () => {
        const res = await upload([file]);
        expect(res.status).toBe(415);
        expect(res.body.error).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'UNSUPPORTED_MEDIA_TYPE', field: 'file' });
      });
    }
  });

  it('refuses a recognised type outside the allowlist (a ZIP) with 415', async () => {
    const zip = Buffer.from('504b0506000000000000000000000000000000000000', 'hex'); // an empty ZIP archive
    await leavesNothing(hub, async () => {
      const res = await upload([{ bytes: zip, filename: 'photos.png', type: 'image/png' }]);
      expect(res.status).toBe(415);
      expect(res.body.error.reason).toBe('UNSUPPORTED_MEDIA_TYPE');
    });
  });

  it('refuses images larger than 20000 px on a side (413 IMAGE_TOO_LARGE) and images whose size cannot be read (415 IMAGE_UNREADABLE)', async () => {
    await leavesNothing(hub, async () => {
      const bomb = await upload([{ bytes: png(20_001, 1), filename: 'wide.png' }]);
      expect(bomb.status).toBe(413);
      expect(bomb.body.error).toMatchObject({ reason: 'IMAGE_TOO_LARGE', field: 'file' });
      const tall = await upload([{ bytes: jpeg(10, 30_000), filename: 'tall.jpg' }]);
      expect(tall.status).toBe(413);
      expect(tall.body.error.reason).toBe('IMAGE_TOO_LARGE');
      // Recognisably PNG (signature and chunks), but without the header that gives the size.
      const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      const headerless = Buffer.concat([signature, pngChunk('IDAT', deflateSync(Buffer.alloc(16))), pngChunk('IEND', Buffer.alloc(0))]);
      const headless = await upload([{ bytes: headerless, filename: 'broken.png' }]);
      expect(headless.status).toBe(415);
      expect(headless.body.error.reason).toBe('IMAGE_UNREADABLE');
    });
    // Exactly 20000 px is still accepted.
    expect(await uploaded({ bytes: png(20_000, 1), filename: 'panorama.png' })).toMatchObject({ width: 20_000, height: 1 });
  });

  it('refuses uploads from visitors (401), applicants and coordinators (403), storing nothing', async () => {
    await leavesNothing(hub, async () => {
      const visitor = await upload([{ bytes: png(1, 1), filename: 'a.png' }], null);
      expect(visitor.status).toBe(401);
      expect(visitor.body.error).toMatchObject({ code: 'UNAUTHENTICATED' });
      for (const who of [APPLICANT, COORDINATOR]) {
        const res = await upload([{ bytes: png(1, 1), filename: 'a.png' }], who);
        expect(res.status).toBe(403);
        expect(res.body.error).toMatchObject({ code: 'FORBIDDEN' });
      }
      const badToken = await fetch(`${hub.origin}/media`, { method: 'POST', headers: { authorization: 'Bearer not-a-token' }, body: new FormData() });
      expect(badToken.status).toBe(401);
    });
    // Admins upload like staff.
    const res = await upload([{ bytes: png(1, 1), filename: 'admin.png' }], ADMIN);
    expect(res.status).toBe(201);
  });

  it('needs exactly one file in the field "file" (400 FILE_REQUIRED, ONE_FILE_ONLY, MULTIPART_REQUIRED)', async () => {
    await leavesNothing(hub, async () => {
      const none = await upload([], STAFF, { altTr: 'boş' });
      expect(none.status).toBe(400);
      expect(none.body.error).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'FILE_REQUIRED', field: 'file' });
      const otherField = await upload([{ bytes: png(1, 1), filename: 'a.png', field: 'image' }]);
      expect(otherField.status).toBe(400);
      expect(otherField.body.error.reason).toBe('FILE_REQUIRED');
      const two = await upload([
        { bytes: png(1, 1), filename: 'a.png' },
        { bytes: png(2, 2), filename: 'b.png' },
      ]);
      expect(two.status).toBe(400);
      expect(two.body.error.reason).toBe('ONE_FILE_ONLY');
      const json = await fetch(`${hub.origin}/media`, {
        method: 'POST',
        headers: { authorization: `Bearer ${await hub.token(STAFF)}`, 'content-type': 'application/json' },
        body: '{"file":"aGVsbG8="}',
      });
      expect(json.status).toBe(400);
      expect(((await json.json()) as { error: { reason: string } }).error.reason).toBe('MULTIPART_REQUIRED');
    });
  });
});

describe('the size limit', () => {
  let small: TestHub;
  beforeAll(async () => {
    small = await startTestHub({ UPLOAD_MAX_BYTES: '2048' });
  });
  afterAll(() => small.close());

  it('refuses an upload over the size limit with 413 PAYLOAD_TOO_LARGE and leaves nothing behind', async () => {
    await leavesNothing(small, async () => {
      // Read and counted while it streams: one byte over the limit.
      const over = await upload([{ bytes: png(4, 4, 2049), filename: 'big.png' }], STAFF, {}, small);
      expect(over.status).toBe(413);
      expect(over.body.error).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PAYLOAD_TOO_LARGE', field: 'file' });
      expect(over.body.error.message).toContain('2048');
      // Refused from its declared length, before the body is read.
      const huge = await upload([{ bytes: png(4, 4, 512 * 1024), filename: 'huge.png' }], STAFF, {}, small);
      expect(huge.status).toBe(413);
      expect(huge.body.error.reason).toBe('PAYLOAD_TOO_LARGE');
    });
    expect(filesUnder(path.join(small.hub.config.files.dir, '.incoming'))).toEqual([]);
    // Sent in chunks without a declared length: reading stops once the body is well past the limit.
    await leavesNothing(small, async () => {
      const boundary = 'media-test-boundary';
      const token = await small.token(STAFF);
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          `${small.origin}/media`,
          { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` } },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode!, body }));
          },
        );
        req.on('error', reject);
        req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="endless.png"\r\nContent-Type: image/png\r\n\r\n`);
        req.write(png(4, 4));
        let sent = 0;
        const more = () => {
          // About 1 MiB in 16 KiB chunks, unless the server has answered and closed already.
          while (sent < 64 && !req.destroyed) {
            sent++;
            if (!req.write(Buffer.alloc(16 * 1024, 1))) return void req.once('drain', more);
          }
          if (!req.destroyed) req.end(`\r\n--${boundary}--\r\n`);
        };
        more();
      });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body).error.reason).toBe('PAYLOAD_TOO_LARGE');
    });
    // Exactly at the limit is accepted.
    const exact = await upload([{ bytes: png(4, 4, 2048), filename: 'exact.png' }], STAFF, {}, small);
    expect(exact.status).toBe(201);
    expect(exact.body).toMatchObject({ sizeBytes: 2048, width: 4, height: 4 });
  });
});

// --- Serving ---------------------------------------------------------------------------------------------------------

describe('serving files', () => {
  it('serves an unpublished asset only to the office or with a signed link, 404 otherwise', async () => {
    const bytes = png(5, 5);
    const asset = await uploaded({ bytes, filename: 'taslak görsel.png' });
    const url = filePath(asset);

    const unknown = await get(`/media/00000000-0000-4000-8000-000000000000/${encodeURIComponent(asset.filename)}`);
    expect(unknown.status).toBe(404);
    for (const who of [undefined, APPLICANT, COORDINATOR]) {
      const res = await get(url, who);
      expect(res.status).toBe(404);
      // Exactly what an unknown id gets: nothing tells that the file exists.
      expect(res.bytes).toEqual(unknown.bytes);
    }

    const office = await get(url, STAFF);
    expect(office.status).toBe(200);
    expect(office.bytes).toEqual(bytes);
    expect(office.headers.get('content-type')).toBe('image/png');
    expect(office.headers.get('cache-control')).toBe('private, no-store');
    expect(office.headers.get('x-content-type-options')).toBe('nosniff');
    expect(office.headers.get('content-disposition')).toBe(`inline; filename="taslak gorsel.png"; filename*=UTF-8''taslak%20g%C3%B6rsel.png`);
    expect(office.headers.get('etag')).toBe(`"${sha256(bytes)}"`);

    // The office's GraphQL url is a signed link that works for anyone, for an hour.
    const read = await hub.request(MediaAssetByIdDocument, { id: asset.id }, STAFF);
    const signed = read.data!.mediaAsset!.url!;
    expect(signed).toMatch(new RegExp(`^${url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\?expires=\\d+&signature=[\\w-]+$`));
    const expires = Number(new URL(signed, hub.origin).searchParams.get('expires'));
    expect(expires - Date.now() / 1000).toBeGreaterThan(3500);
    expect(expires - Date.now() / 1000).toBeLessThanOrEqual(3600);
    const withLink = await get(signed);
    expect(withLink.status).toBe(200);
    expect(withLink.bytes).toEqual(bytes);
    expect(withLink.headers.get('cache-control')).toBe('private, no-store');

    // A changed signature, an expired link or a link for another file open nothing.
    expect((await get(signed.replace(/signature=.{4}/, 'signature=AAAA'))).status).toBe(404);
    expect((await get(signed.replace(/expires=\d+/, `expires=${expires + 60}`))).status).toBe(404);
    const expired = signedMediaPath(hub.hub.config, { id: uuidOf(asset.id), filename: asset.filename }, Math.floor(Date.now() / 1000) - 1);
    expect((await get(expired)).status).toBe(404);
    const other = await uploaded({ bytes: png(6, 6), filename: 'other.png' });
    const query = signed.slice(signed.indexOf('?'));
    expect((await get(`${filePath(other)}${query}`)).status).toBe(404);

    // The file name is part of the address.
    expect((await get(`/media/${uuidOf(asset.id)}/wrong.png`, STAFF)).status).toBe(404);
  });

  it('serves a published asset publicly with cache headers, answers 304 to If-None-Match and serves byte ranges', async () => {
    const bytes = png(8, 8);
    const asset = await uploaded({ bytes, filename: 'afiş.png' });
    await publishDirectly(asset.id);
    const url = filePath(asset);

    const res = await get(url);
    expect(res.status).toBe(200);
    expect(res.bytes).toEqual(bytes);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toMatch(/^inline; /);
    const etag = res.headers.get('etag')!;
    expect(etag).toBe(`"${sha256(bytes)}"`);

    const again = await get(url, undefined, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.bytes.length).toBe(0);
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe('public, max-age=86400');
    expect((await get(url, undefined, { 'if-none-match': '"something-else"' })).status).toBe(200);

    const part = await get(url, undefined, { range: 'bytes=8-15' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 8-15/${bytes.length}`);
    expect(part.bytes).toEqual(bytes.subarray(8, 16));
    const tail = await get(url, undefined, { range: 'bytes=-4' });
    expect(tail.bytes).toEqual(bytes.subarray(bytes.length - 4));
    expect((await get(url, undefined, { range: `bytes=${bytes.length}-` })).status).toBe(416);

    const head = await fetch(`${hub.origin}${url}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
  });
});

// --- GraphQL ---------------------------------------------------------------------------------------------------------

describe('media in GraphQL', () => {
  it('gives visitors null for an unpublished asset (node and url), and the public URL once it is published', async () => {
    const asset = await uploaded({ bytes: png(4, 3), filename: 'poster.png' }, { altTr: 'Afiş', altEn: 'Poster' });
    for (const who of [undefined, APPLICANT, COORDINATOR]) {
      const res = await hub.request(MediaNodeDocument, { id: asset.id }, who);
      expect(res.errors).toBeUndefined();
      expect(res.data!.node).toBeNull();
    }
    const office = await hub.request(MediaNodeDocument, { id: asset.id }, STAFF);
    expect(office.data!.node).toMatchObject({ id: asset.id, filename: 'poster.png', url: expect.stringContaining('signature=') });

    await publishDirectly(asset.id);
    const publicUrl = `/media/${uuidOf(asset.id)}/poster.png`;
    const visitor = await hub.request(MediaNodeDocument, { id: asset.id }, undefined, { 'accept-language': 'en-GB,en;q=0.8' });
    expect(visitor.data!.node).toEqual({ id: asset.id, filename: 'poster.png', contentType: 'image/png', url: publicUrl, alt: 'Poster' });
    // The office gets the same public address once published.
    const staff = await hub.request(MediaNodeDocument, { id: asset.id }, STAFF);
    expect(staff.data!.node).toMatchObject({ url: publicUrl, alt: 'Afiş' });
  });

  it('keeps the media library and its queries to the office', async () => {
    const asset = await uploaded({ bytes: png(1, 1), filename: 'secret.png' });
    for (const [who, code] of [
      [undefined, 'UNAUTHENTICATED'],
      [APPLICANT, 'FORBIDDEN'],
      [COORDINATOR, 'FORBIDDEN'],
    ] as const) {
      const list = await hub.request(MediaLibraryDocument, {}, who);
      expect(list.errors![0].extensions!.code).toBe(code);
      const one = await hub.request(MediaAssetByIdDocument, { id: asset.id }, who);
      expect(one.errors![0].extensions!.code).toBe(code);
      const update = await hub.request(MediaUpdateDocument, { input: { id: asset.id, version: 1, filename: 'x' } }, who);
      expect(update.errors![0].extensions!.code).toBe(code);
      const del = await hub.request(MediaDeleteDocument, { id: asset.id, version: 1 }, who);
      expect(del.errors![0].extensions!.code).toBe(code);
    }
    expect(await storageKeyOf(asset.id)).toBeDefined();
  });

  it('lists the media library newest first, filtered by type, name and publication, page by page', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const a = await uploaded({ bytes: png(2, 2), filename: `liste-${tag}-a.png` });
    const b = await uploaded({ bytes: pdf(), filename: `liste-${tag}-b.pdf` });
    const c = await uploaded({ bytes: jpeg(3, 3), filename: `LISTE-${tag}-c.jpg` });
    await publishDirectly(b.id);

    const all = await hub.request(MediaLibraryDocument, { filter: { search: `liste-${tag}` }, first: 2 }, STAFF);
    expect(all.errors).toBeUndefined();
    expect(all.data!.mediaAssets.totalCount).toBe(3);
    expect(all.data!.mediaAssets.nodes.map((n) => n.id)).toEqual([c.id, b.id]);
    expect(all.data!.mediaAssets.pageInfo.hasNextPage).toBe(true);
    const next = await hub.request(
      MediaLibraryDocument,
      { filter: { search: `liste-${tag}` }, first: 2, after: all.data!.mediaAssets.pageInfo.endCursor },
      STAFF,
    );
    expect(next.data!.mediaAssets.nodes.map((n) => n.id)).toEqual([a.id]);
    expect(next.data!.mediaAssets.pageInfo.hasNextPage).toBe(false);

    const images = await hub.request(MediaLibraryDocument, { filter: { search: `liste-${tag}`, contentTypes: ['image/*'] } }, STAFF);
    expect(images.data!.mediaAssets.nodes.map((n) => n.id)).toEqual([c.id, a.id]);
    const pngs = await hub.request(MediaLibraryDocument, { filter: { search: `liste-${tag}`, contentTypes: ['image/png', 'application/pdf'] } }, STAFF);
    expect(pngs.data!.mediaAssets.nodes.map((n) => n.id)).toEqual([b.id, a.id]);
    const published = await hub.request(MediaLibraryDocument, { filter: { search: `liste-${tag}`, published: true } }, STAFF);
    expect(published.data!.mediaAssets.nodes.map((n) => n.id)).toEqual([b.id]);
    const unpublished = await hub.request(MediaLibraryDocument, { filter: { search: `liste-${tag}`, published: false } }, STAFF);
    expect(unpublished.data!.mediaAssets.nodes.map((n) => n.id)).toEqual([c.id, a.id]);
    // LIKE wildcards in the search are plain characters.
    const wildcard = await hub.request(MediaLibraryDocument, { filter: { search: `liste_${tag}` } }, STAFF);
    expect(wildcard.data!.mediaAssets.totalCount).toBe(0);
  });

  it('updates the alt text and the file name with a version check (CONFLICT / VERSION_CONFLICT on a stale version)', async () => {
    const asset = await uploaded({ bytes: png(2, 2), filename: 'eski.png' }, { altTr: 'Eski' });
    const res = await hub.request(
      MediaUpdateDocument,
      { input: { id: asset.id, version: 1, alt: { tr: 'Yeni açıklama', en: 'New description' }, filename: 'yeni/ad.jpg' } },
      STAFF,
      { 'accept-language': 'tr' },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateMediaAsset).toMatchObject({
      version: 2,
      filename: 'ad.png',
      alt: 'Yeni açıklama',
      altTranslations: { tr: 'Yeni açıklama', en: 'New description' },
    });
    // The address follows the name.
    expect((await get(`/media/${uuidOf(asset.id)}/ad.png`, STAFF)).status).toBe(200);
    expect((await get(`/media/${uuidOf(asset.id)}/eski.png`, STAFF)).status).toBe(404);

    const stale = await hub.request(MediaUpdateDocument, { input: { id: asset.id, version: 1, alt: { en: 'Mine' } } }, STAFF);
    expect(stale.data).toBeNull();
    expect(stale.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT', expectedVersion: 1, currentVersion: 2 });
    const unchanged = await hub.request(MediaAssetByIdDocument, { id: asset.id }, STAFF);
    expect(unchanged.data!.mediaAsset).toMatchObject({ version: 2, altTranslations: { tr: 'Yeni açıklama', en: 'New description' } });

    const cleared = await hub.request(MediaUpdateDocument, { input: { id: asset.id, version: 2, alt: null } }, STAFF);
    expect(cleared.data!.updateMediaAsset).toMatchObject({ version: 3, alt: null, altTranslations: { tr: null, en: null } });
    const invalid = await hub.request(MediaUpdateDocument, { input: { id: asset.id, version: 3, filename: '../..' } }, STAFF);
    expect(invalid.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_FILENAME' });
  });

  it('refuses deleting an asset in use as a cover image, an attachment or a document version (CONFLICT / MEDIA_IN_USE)', async () => {
    const cover = await uploaded({ bytes: png(2, 2), filename: 'kapak.png' });
    const attachment = await uploaded({ bytes: pdf(), filename: 'ek.pdf' });
    const version = await uploaded({ bytes: pdf(), filename: 'form.pdf' });

    const page = await hub.request(
      MediaUseInContentDocument,
      { input: { type: 'PAGE', title: { tr: `Medya sayfası ${Math.random()}` }, coverImageId: cover.id, attachmentIds: [attachment.id] } },
      STAFF,
    );
    expect(page.errors).toBeUndefined();
    const document = await hub.request(
      MediaUseInContentDocument,
      { input: { type: 'DOCUMENT', title: { tr: `Medya belgesi ${Math.random()}` }, document: { kind: 'FORM' } } },
      STAFF,
    );
    expect(document.errors).toBeUndefined();
    const added = await hub.request(MediaUseInDocumentVersionDocument, { input: { documentId: document.data!.createContent.id, fileId: version.id } }, STAFF);
    expect(added.errors).toBeUndefined();

    for (const [asset, uses] of [
      [cover, { contentItems: 1, documentVersions: 0 }],
      [attachment, { contentItems: 1, documentVersions: 0 }],
      [version, { contentItems: 0, documentVersions: 1 }],
    ] as const) {
      const key = await storageKeyOf(asset.id);
      const res = await hub.request(MediaDeleteDocument, { id: asset.id, version: 1 }, STAFF);
      expect(res.data).toBeNull();
      expect(res.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'MEDIA_IN_USE', ...uses });
      expect(await storageKeyOf(asset.id)).toBe(key);
      expect(existsSync(path.join(hub.hub.config.files.dir, key))).toBe(true);
    }
  });

  it('deletes an unused asset and its stored bytes', async () => {
    const asset = await uploaded({ bytes: png(2, 2), filename: 'silinecek.png' });
    const file = path.join(hub.hub.config.files.dir, await storageKeyOf(asset.id));
    expect(existsSync(file)).toBe(true);

    const stale = await hub.request(MediaDeleteDocument, { id: asset.id, version: 7 }, STAFF);
    expect(stale.errors![0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'VERSION_CONFLICT' });
    expect(existsSync(file)).toBe(true);

    const res = await hub.request(MediaDeleteDocument, { id: asset.id, version: 1 }, STAFF);
    expect(res.errors).toBeUndefined();
    expect(res.data!.deleteMediaAsset).toBe(asset.id);
    expect(await storageKeyOf(asset.id)).toBeUndefined();
    expect(existsSync(file)).toBe(false);
    expect((await get(filePath(asset), STAFF)).status).toBe(404);
    const again = await hub.request(MediaDeleteDocument, { id: asset.id, version: 1 }, STAFF);
    expect(again.errors![0].extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'MEDIA_ASSET_NOT_FOUND' });
  });

  it('makes an asset public when content using it is published', async () => {
    const cover = await uploaded({ bytes: png(3, 3), filename: 'yayın.png' });
    expect((await get(filePath(cover))).status).toBe(404);
    const page = await hub.request(
      MediaUseInContentDocument,
      { input: { type: 'PAGE', title: { tr: `Yayınlanan sayfa ${Math.random()}` }, coverImageId: cover.id } },
      STAFF,
    );
    expect(page.errors).toBeUndefined();
    const published = await hub.request(MediaPublishContentDocument, { id: page.data!.createContent.id, version: page.data!.createContent.version }, STAFF);
    expect(published.errors).toBeUndefined();
    const res = await get(filePath(cover));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
  });
});

describe('the local file store', () => {
  it('keeps every key inside its folder and refuses keys that would leave it', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'iro-hub-store-'));
    const store = new LocalFileStore(path.join(root, 'files'));
    for (const key of ['../outside', 'a/../../outside', '/etc/passwd', '.incoming/x', 'a//b', 'a\\..\\b', '', 'a/./b', 'ü/x']) {
      await expect(store.put(key, Buffer.from('x'), { contentType: 'text/plain', size: 1 })).rejects.toThrow('invalid file store key');
      await expect(store.get(key)).rejects.toThrow('invalid file store key');
      await expect(store.delete(key)).rejects.toThrow('invalid file store key');
    }
    expect(readdirSync(root)).toEqual([]);

    await store.put('2026/11/abc', Buffer.from('hello'), { contentType: 'text/plain', size: 5 });
    expect(readFileSync(path.join(root, 'files/2026/11/abc'), 'utf8')).toBe('hello');
    const part = await store.get('2026/11/abc', { start: 1, end: 3 });
    expect(part!.size).toBe(3);
    expect(Buffer.concat(await part!.body.toArray()).toString()).toBe('ell');
    await store.delete('2026/11/abc');
    // The key's folders go with it; the store's folder stays.
    expect(readdirSync(path.join(root, 'files'))).toEqual([]);
    expect(await store.get('2026/11/abc')).toBeNull();
    await store.delete('2026/11/abc');
  });
});
