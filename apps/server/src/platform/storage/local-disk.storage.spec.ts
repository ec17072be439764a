import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { describeObjectStorageContract } from './storage.contract.js';
import { LocalDiskStorage } from './local-disk.storage.js';
import { InvalidObjectKeyError } from './storage.keys.js';

const PUBLIC_BASE_URL = 'http://127.0.0.1:3000/media/';

describeObjectStorageContract(
  'LocalDiskStorage',
  async () => {
    const root = await mkdtemp(join(tmpdir(), 'glimpse-storage-'));
    return {
      storage: new LocalDiskStorage({ root: join(root, 'media'), publicBaseUrl: PUBLIC_BASE_URL }),
      publicBaseUrl: PUBLIC_BASE_URL,
      cleanup: () => rm(root, { recursive: true, force: true }),
    };
  },
  { presign: false },
);

describe('LocalDiskStorage', () => {
  let dir: string;
  let storage: LocalDiskStorage;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glimpse-storage-'));
    storage = new LocalDiskStorage({ root: join(dir, 'media'), publicBaseUrl: PUBLIC_BASE_URL });
  });

  afterAll(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps each object as a plain file under root with a sidecar, and no temporary files', async () => {
    await storage.put('media/p1/thumb.webp', Buffer.from('webp bytes'), { contentType: 'image/webp' });
    const files = (await readdir(join(dir, 'media/media/p1'))).sort();
    expect(files).toEqual(['thumb.webp', 'thumb.webp~META.json']);
  });

  it('leaves no temporary file behind when a stream fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('boom (expected by the test)'));
      },
    });
    await expect(storage.put('media/p2/original', failing, { contentType: 'image/jpeg' })).rejects.toThrow(
      /boom/,
    );
    expect(await readdir(join(dir, 'media/media/p2'))).toEqual([]);
  });

  it('writes nothing outside root for a traversal key', async () => {
    await expect(storage.put('../escaped', Buffer.from('x'), { contentType: 'text/plain' })).rejects.toThrow(
      InvalidObjectKeyError,
    );
    expect(existsSync(join(dir, 'escaped'))).toBe(false);
  });

  it('serialises concurrent writes to one key so data and metadata always match', async () => {
    const key = 'media/p3/race';
    const writes = Array.from({ length: 8 }, (_, i) =>
      storage.put(key, Buffer.alloc(1000 + i, i), { contentType: `image/x-${i}` }),
    );
    const reads = Array.from({ length: 8 }, () => storage.head(key));
    const results = await Promise.all(writes);
    // Whatever a reader saw is one whole version: its type, size and etag belong together.
    for (const seen of await Promise.all(reads)) {
      if (seen === null) continue;
      const i = seen.bytes - 1000;
      expect(seen).toEqual({ contentType: `image/x-${i}`, bytes: 1000 + i, etag: results[i]!.etag });
    }
    const last = results[7]!;
    const got = await storage.get(key);
    expect(got).toMatchObject({ contentType: 'image/x-7', bytes: 1007, etag: last.etag });
    got!.body.destroy();
  });

  it('accepts a path on the serving origin as publicBaseUrl', () => {
    const relative = new LocalDiskStorage({ root: dir, publicBaseUrl: '/media/' });
    expect(relative.publicUrl('variants/1/a.webp')).toBe('/media/variants/1/a.webp');
    // Protocol-relative would point at another host.
    expect(() => new LocalDiskStorage({ root: dir, publicBaseUrl: '//evil.example/media' })).toThrow();
  });

  it('refuses a bad publicBaseUrl', () => {
    expect(() => new LocalDiskStorage({ root: dir, publicBaseUrl: 'media' })).toThrow(/absolute URL/);
    expect(() => new LocalDiskStorage({ root: dir, publicBaseUrl: 'ftp://x/media' })).toThrow(/http/);
  });
});
