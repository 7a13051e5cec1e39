/**
 * Media in an S3-compatible store: a real S3 server (s3rver, on a free port with a temporary folder) and a hub
 * configured with S3_* to use it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MediaDeleteDocument } from '../generated/graphql';
import { fileStoreFor } from '../../src/modules/content/file-store';
import { startTestHub, type Identity, type TestHub } from '../support/hub';

/** The part of s3rver (which ships no types) the tests use. */
interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S3rver = require('s3rver') as new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  configureBuckets: { name: string }[];
}) => S3rverServer;

const BUCKET = 'iro-hub-media';
const STAFF: Identity = { role: 'STAFF' };

let s3dir: string;
let server: S3rverServer;
let s3: S3Client;
let hub: TestHub;

beforeAll(async () => {
  s3dir = mkdtempSync(path.join(os.tmpdir(), 'iro-hub-s3rver-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3dir, configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  s3 = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  hub = await startTestHub({
    S3_BUCKET: BUCKET,
    S3_ENDPOINT: endpoint,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: 'true',
  });
});

afterAll(async () => {
  await hub?.close();
  if (hub) fileStoreFor(hub.hub.config).close();
  s3?.destroy();
  await server?.close();
  rmSync(s3dir, { recursive: true, force: true });
});

function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((width * 3 + 1) * height, 0x5a);
  for (let y = 0; y < height; y++) raw[y * (width * 3 + 1)] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString().split(':')[1];
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
  return (hub.hub.orm.em.fork() as EntityManager).execute<T[]>(query, params);
}

async function upload(bytes: Buffer, filename: string): Promise<{ status: number; body: Record<string, any> }> {
  const form = new FormData();
  form.append('file', new Blob([bytes]), filename);
  const res = await fetch(`${hub.origin}/media`, { method: 'POST', body: form, headers: { authorization: `Bearer ${await hub.token(STAFF)}` } });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

async function objectKeys(): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

async function objectBytes(key: string): Promise<Buffer | null> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    return Buffer.from(await out.Body!.transformToByteArray());
  } catch (e) {
    if ((e as { name?: string }).name === 'NoSuchKey') return null;
    throw e;
  }
}

function localFiles(): string[] {
  const dir = hub.hub.config.files.dir;
  return existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name) : [];
}

describe('media in an S3-compatible store', () => {
  it('stores an upload in the bucket, serves it from there (whole, ranges, published) and deletes it with the asset', async () => {
    const bytes = png(12, 7);
    const res = await upload(bytes, 'kampüs.png');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ contentType: 'image/png', width: 12, height: 7, sizeBytes: bytes.length, sha256: sha256(bytes), filename: 'kampüs.png' });

    const [{ storage_key: key }] = await sql<{ storage_key: string }>('select storage_key from media_asset where id = ?', [uuidOf(res.body.id)]);
    expect(await objectBytes(key)).toEqual(bytes);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    expect(head.ContentType).toBe('image/png');
    // Nothing on local disk: the incoming file was removed after it went to the bucket.
    expect(localFiles()).toEqual([]);

    const url = `${hub.origin}/media/${uuidOf(res.body.id)}/${encodeURIComponent('kampüs.png')}`;
    const token = await hub.token(STAFF);
    const office = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(office.status).toBe(200);
    expect(Buffer.from(await office.arrayBuffer())).toEqual(bytes);
    expect(office.headers.get('cache-control')).toBe('private, no-store');
    expect((await fetch(url)).status).toBe(404);

    const range = await fetch(url, { headers: { authorization: `Bearer ${token}`, range: 'bytes=0-7' } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer())).toEqual(bytes.subarray(0, 8));

    await sql('update media_asset set published_at = now() where id = ?', [uuidOf(res.body.id)]);
    const visitor = await fetch(url);
    expect(visitor.status).toBe(200);
    expect(visitor.headers.get('cache-control')).toBe('public, max-age=86400');
    expect(Buffer.from(await visitor.arrayBuffer())).toEqual(bytes);
    const notModified = await fetch(url, { headers: { 'if-none-match': visitor.headers.get('etag')! } });
    expect(notModified.status).toBe(304);

    const deleted = await hub.request(MediaDeleteDocument, { id: res.body.id, version: 1 }, STAFF);
    expect(deleted.errors).toBeUndefined();
    expect(await objectBytes(key)).toBeNull();
    expect((await fetch(url)).status).toBe(404);
  });

  it('leaves no object in the bucket when an upload is refused', async () => {
    const before = await objectKeys();
    const res = await upload(Buffer.from('<script>alert(1)</script>'), 'cat.png');
    expect(res.status).toBe(415);
    expect(res.body.error.reason).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(await objectKeys()).toEqual(before);
  });

  it('removes the stored object again when the row cannot be written', async () => {
    // A trigger makes the insert of this one file name fail after its bytes went to the bucket.
    await sql(`create or replace function media_test_refuse() returns trigger language plpgsql as $$
               begin if new.filename = 'refused-row.png' then raise exception 'refused by the test'; end if; return new; end $$`);
    await sql(`create trigger media_test_refuse before insert on media_asset for each row execute function media_test_refuse()`);
    try {
      const before = await objectKeys();
      const rows = (await sql<{ n: number }>('select count(*)::int as n from media_asset'))[0].n;
      const res = await upload(png(2, 2), 'refused-row.png');
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('INTERNAL_SERVER_ERROR');
      expect(await objectKeys()).toEqual(before);
      expect((await sql<{ n: number }>('select count(*)::int as n from media_asset'))[0].n).toBe(rows);
    } finally {
      await sql('drop trigger media_test_refuse on media_asset');
      await sql('drop function media_test_refuse()');
    }
  });
});
