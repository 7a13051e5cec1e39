import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, rmdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../../config/config';

/** Bytes `start` to `end` of a file, both included (as in an HTTP Range header). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface StoredFile {
  body: Readable;
  /** Bytes in `body` (the range's length when a range was asked for). */
  size: number;
}

/**
 * Where media bytes live. Keys are relative paths of letters, digits, `.`, `_` and `-` separated by `/` (no segment
 * starting with a dot, so no `..`); the media service makes fresh random ones. Objects are written whole or not at all.
 */
export interface FileStore {
  readonly kind: 'local' | 's3';
  /** A local folder for uploads being received and checked, before they are stored. */
  readonly incomingDir: string;
  put(key: string, body: Readable | Uint8Array, meta: { contentType: string; size: number }): Promise<void>;
  /** The object's bytes (or a range of them) as a stream; null when there is no such object. */
  get(key: string, range?: ByteRange): Promise<StoredFile | null>;
  exists(key: string): Promise<boolean>;
  /** Removes the object; nothing happens when it is already gone. */
  delete(key: string): Promise<void>;
  /** Releases connections (the S3 client's sockets). */
  close(): void;
}

const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

/** Throws unless `key` is a safe relative path (see FileStore). */
export function assertSafeKey(key: string): void {
  const segments = key.split('/');
  if (key.length > 512 || segments.length > 8 || !segments.every((s) => SEGMENT.test(s))) {
    throw new Error(`invalid file store key: ${JSON.stringify(key)}`);
  }
}

/** Files under a local folder (FILES_DIR, default DATA_DIR/files); a key is a path below it and can never leave it. */
export class LocalFileStore implements FileStore {
  readonly kind = 'local' as const;
  readonly root: string;
  readonly incomingDir: string;

  constructor(dir: string) {
    this.root = path.resolve(dir);
    // Keys never start with a dot, so this folder can never be a key's.
    this.incomingDir = path.join(this.root, '.incoming');
  }

  /** The absolute path of a key, checked to be inside the folder. */
  pathOf(key: string): string {
    assertSafeKey(key);
    const full = path.resolve(this.root, key);
    if (!full.startsWith(this.root + path.sep)) throw new Error(`invalid file store key: ${JSON.stringify(key)}`);
    return full;
  }

  async put(key: string, body: Readable | Uint8Array, _meta: { contentType: string; size: number }): Promise<void> {
    const target = this.pathOf(key);
    // Written beside the target and renamed into place: a reader never sees half a file.
    const partial = `${target}.${randomBytes(6).toString('hex')}.part`;
    const source = body instanceof Uint8Array ? Readable.from([body]) : body;
    try {
      await mkdir(path.dirname(target), { recursive: true });
      const out = await open(partial, 'wx', 0o640).catch(async (e: NodeJS.ErrnoException) => {
        // A delete tidying the same (then empty) folder may have removed it just now.
        if (e.code !== 'ENOENT') throw e;
        await mkdir(path.dirname(target), { recursive: true });
        return open(partial, 'wx', 0o640);
      });
      await pipeline(source, out.createWriteStream());
      await rename(partial, target);
    } catch (e) {
      await rm(partial, { force: true });
      throw e;
    }
  }

  async get(key: string, range?: ByteRange): Promise<StoredFile | null> {
    let handle;
    try {
      handle = await open(this.pathOf(key), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    try {
      const { size } = await handle.stat();
      const body = handle.createReadStream(range ? { start: range.start, end: range.end } : {});
      return { body, size: range ? range.end - range.start + 1 : size };
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key))).isFile();
    } catch {
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    const target = this.pathOf(key);
    await rm(target, { force: true });
    // Tidy the folders the key made, while they are empty (rmdir refuses non-empty ones).
    for (let dir = path.dirname(target); dir.startsWith(this.root + path.sep); dir = path.dirname(dir)) {
      try {
        await rmdir(dir);
      } catch {
        break;
      }
    }
  }

  close(): void {}
}

type S3Settings = NonNullable<Config['files']['s3']>;

/** Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, ...); the key is the object key. */
export class S3FileStore implements FileStore {
  readonly kind = 's3' as const;
  readonly incomingDir = path.join(os.tmpdir(), 'iro-hub-incoming');
  private readonly client: S3Client;
  private readonly bucket: string;

  constructor(settings: S3Settings) {
    this.bucket = settings.bucket;
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
      // The SDK's newer default (CRC checksums sent as aws-chunked trailers) is not understood by many S3-compatible
      // servers, some of which then store the chunk framing as the object's bytes: checksums only where required.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, body: Readable | Uint8Array, meta: { contentType: string; size: number }): Promise<void> {
    assertSafeKey(key);
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: meta.size, ContentType: meta.contentType }),
    );
  }

  async get(key: string, range?: ByteRange): Promise<StoredFile | null> {
    assertSafeKey(key);
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return { body: out.Body as Readable, size: out.ContentLength ?? 0 };
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async exists(key: string): Promise<boolean> {
    assertSafeKey(key);
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (e) {
      if (isMissing(e)) return false;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  close(): void {
    this.client.destroy();
  }
}

function isMissing(e: unknown): boolean {
  const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
}

const stores = new WeakMap<Config, FileStore>();

/** The configured store: S3 when S3_BUCKET is set, else the local folder. One per configuration (and so per hub). */
export function fileStoreFor(config: Config): FileStore {
  let store = stores.get(config);
  if (!store) {
    store = config.files.s3 ? new S3FileStore(config.files.s3) : new LocalFileStore(config.files.dir);
    stores.set(config, store);
  }
  return store;
}
