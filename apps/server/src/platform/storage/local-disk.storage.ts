import { createHash, randomUUID } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import {
  access,
  type FileHandle,
  mkdir,
  open,
  readFile,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import {
  assertBufferLength,
  assertPresignOptions,
  assertPutOptions,
  assertValidKey,
  MeasuringStream,
  normaliseBaseUrl,
  StorageClosedError,
} from './storage.keys.js';
import type {
  ObjectHead,
  ObjectStorage,
  PresignedPut,
  PresignPutOptions,
  PutOptions,
  PutResult,
  StoredObject,
} from './storage.port.js';

export interface LocalDiskStorageOptions {
  /** Directory holding the objects, e.g. `${DATA_DIR}/media`; created when missing. */
  root: string;
  /**
   * Base of `publicUrl`: an absolute URL (`http://localhost:3000/media`) or a path on the
   * serving origin (`/media`), which keeps media same-origin whatever host name the app is
   * reached by.
   */
  publicBaseUrl: string;
}

interface Sidecar {
  contentType: string;
  bytes: number;
  etag: string;
  cacheControl?: string;
  /** Inode of the data file this metadata describes; tells a reader it raced an overwrite. */
  ino: number;
}

// `~` and upper case never occur in keys, so these names cannot collide with an object's.
const SIDECAR_SUFFIX = '~META.json';
const TEMP_SUFFIX = '.TMP';
const READ_ATTEMPTS = 5;

/**
 * Objects as plain files under `root` (`root/<key>`), with content type and etag (sha256 of the
 * content, computed while streaming) in a sidecar JSON beside each file.
 *
 * A put writes the data and the sidecar to temporary files, then renames the sidecar and then the
 * data into place, so readers never see a partial object; a reader that lands between the two
 * renames sees an inode mismatch and reads again. Writes to one key are serialised within this
 * instance, so the embedded server must use one instance per root.
 *
 * Unlike S3, a key cannot be both an object and a "directory" of others (`a` and `a/b`): the file
 * system refuses that put.
 */
export class LocalDiskStorage implements ObjectStorage {
  private readonly root: string;
  private readonly publicBaseUrl: string;
  private readonly writing = new Map<string, Promise<unknown>>();
  private closed = false;

  constructor(options: LocalDiskStorageOptions) {
    if (!options.root) throw new RangeError('LocalDiskStorage needs a root directory');
    this.root = resolve(options.root);
    this.publicBaseUrl = /^\/(?!\/)/.test(options.publicBaseUrl)
      ? options.publicBaseUrl.replace(/\/+$/, '')
      : normaliseBaseUrl(options.publicBaseUrl);
  }

  async put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
    this.assertOpen();
    assertValidKey(key);
    assertPutOptions(options);
    if (body instanceof Uint8Array) assertBufferLength(body, options.contentLength);
    return this.serialised(key, () => this.write(key, body, options));
  }

  async get(key: string): Promise<StoredObject | null> {
    this.assertOpen();
    assertValidKey(key);
    const found = await this.readConsistent(key);
    if (!found) return null;
    const { meta, handle } = found;
    // The stream reads the open descriptor, so a concurrent overwrite or delete cannot change it.
    return { body: handle.createReadStream(), ...toHead(meta) };
  }

  async head(key: string): Promise<ObjectHead | null> {
    this.assertOpen();
    assertValidKey(key);
    const found = await this.readConsistent(key);
    if (!found) return null;
    await found.handle.close();
    return toHead(found.meta);
  }

  async delete(key: string): Promise<void> {
    this.assertOpen();
    assertValidKey(key);
    await this.serialised(key, async () => {
      const file = this.pathOf(key);
      // Data first: once it is gone readers see "missing", whatever happens to the sidecar.
      await rm(file, { force: true });
      await rm(file + SIDECAR_SUFFIX, { force: true });
    });
  }

  presignPut(key: string, options: PresignPutOptions): Promise<PresignedPut | null> {
    try {
      this.assertOpen();
      assertValidKey(key);
      assertPresignOptions(options);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    // No direct uploads to a disk: the server receives the bytes itself.
    return Promise.resolve(null);
  }

  publicUrl(key: string): string {
    assertValidKey(key);
    return `${this.publicBaseUrl}/${key}`;
  }

  async ping(): Promise<void> {
    this.assertOpen();
    await mkdir(this.root, { recursive: true });
    await access(this.root, constants.R_OK | constants.W_OK);
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.writing.values()]);
  }

  private async write(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
    const file = this.pathOf(key);
    await mkdir(dirname(file), { recursive: true });
    const tempData = `${file}~${randomUUID()}${TEMP_SUFFIX}`;
    const tempMeta = `${file}~${randomUUID()}${TEMP_SUFFIX}`;
    try {
      let bytes: number;
      let etag: string;
      if (body instanceof Uint8Array) {
        await writeFile(tempData, body, { flag: 'wx', flush: true });
        bytes = body.byteLength;
        etag = createHash('sha256').update(body).digest('hex');
      } else {
        const measuring = new MeasuringStream(options.contentLength, 'sha256');
        await pipeline(body, measuring, createWriteStream(tempData, { flags: 'wx', flush: true }));
        bytes = measuring.bytes;
        etag = measuring.digest();
      }
      const { ino } = await stat(tempData);
      const sidecar: Sidecar = { contentType: options.contentType, bytes, etag, ino };
      if (options.cacheControl !== undefined) sidecar.cacheControl = options.cacheControl;
      await writeFile(tempMeta, JSON.stringify(sidecar), { flag: 'wx', flush: true });
      await rename(tempMeta, file + SIDECAR_SUFFIX);
      await rename(tempData, file);
      return { bytes, etag };
    } catch (err) {
      await Promise.all([rm(tempData, { force: true }), rm(tempMeta, { force: true })]);
      throw err;
    }
  }

  /**
   * Opens the data file and reads its sidecar, retrying while a writer is between its two renames.
   * The caller owns the returned handle.
   */
  private async readConsistent(key: string): Promise<{ meta: Sidecar; handle: FileHandle } | null> {
    const file = this.pathOf(key);
    for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt += 1) {
      let handle;
      try {
        handle = await open(file, 'r');
      } catch (err) {
        if (isCode(err, 'ENOENT') || isCode(err, 'ENOTDIR') || isCode(err, 'EISDIR')) return null;
        throw err;
      }
      let handedOver = false;
      try {
        const [{ ino }, meta] = await Promise.all([handle.stat(), readSidecar(file + SIDECAR_SUFFIX)]);
        if (meta && meta.ino === ino) {
          handedOver = true;
          return { meta, handle };
        }
      } finally {
        if (!handedOver) await handle.close();
      }
      await sleep(attempt * 5);
    }
    throw new Error(`Object ${key} has no metadata matching its content under ${this.root}`);
  }

  private pathOf(key: string): string {
    const file = join(this.root, ...key.split('/'));
    // Keys were validated; this guards the invariant should the key rules ever be loosened.
    if (!file.startsWith(this.root + sep))
      throw new Error(`Object key ${key} resolves outside the storage root`);
    return file;
  }

  private async serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.writing.get(key) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.writing.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.writing.get(key) === settled) this.writing.delete(key);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageClosedError();
  }
}

async function readSidecar(path: string): Promise<Sidecar | null> {
  try {
    const meta = JSON.parse(await readFile(path, 'utf8')) as Partial<Sidecar>;
    if (
      typeof meta.contentType !== 'string' ||
      typeof meta.etag !== 'string' ||
      typeof meta.ino !== 'number'
    ) {
      throw new Error(`Unreadable object metadata in ${path}`);
    }
    return meta as Sidecar;
  } catch (err) {
    if (isCode(err, 'ENOENT')) return null;
    throw err;
  }
}

function toHead(meta: Sidecar): ObjectHead {
  const head: ObjectHead = { contentType: meta.contentType, bytes: meta.bytes, etag: meta.etag };
  if (meta.cacheControl !== undefined) head.cacheControl = meta.cacheControl;
  return head;
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
