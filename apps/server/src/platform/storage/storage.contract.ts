import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer as readAll } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { InvalidObjectKeyError } from './storage.keys.js';
import type { ObjectStorage } from './storage.port.js';

export interface StorageUnderTest {
  storage: ObjectStorage;
  /** The `publicBaseUrl` the adapter was built with. */
  publicBaseUrl: string;
  /** Runs after the suite has closed `storage`: remove directories, stop servers. */
  cleanup?: () => Promise<void>;
}

export type StorageFactory = () => Promise<StorageUnderTest>;

export interface StorageCapabilities {
  /** Whether `presignPut` must return a working URL (true) or null (false). */
  presign: boolean;
}

const STREAM_BYTES = 6 * 1024 * 1024 + 12_345; // more than one 5 MB multipart part, not a multiple
const CHUNK_BYTES = 64 * 1024;

/** A deterministic generated stream of `total` bytes, yielded in chunks like a socket would. */
export function generatedStream(total: number, seed: Buffer): Readable {
  let sent = 0;
  let block = seed;
  return new Readable({
    read() {
      if (sent >= total) {
        this.push(null);
        return;
      }
      block = createHash('sha512').update(block).digest();
      const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, total - sent), block);
      sent += chunk.byteLength;
      this.push(chunk);
    },
  });
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Fails after `bytesBeforeFailure` bytes, like a client that disconnects mid-upload. */
function failingStream(bytesBeforeFailure: number): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(randomBytes(bytesBeforeFailure));
        return;
      }
      this.destroy(new Error('client went away (expected by the test)'));
    },
  });
}

const INVALID_KEYS = [
  '',
  '/leading-slash',
  'trailing-slash/',
  'double//slash',
  '..',
  '../escape',
  'a/../../escape',
  'a/./b',
  '.',
  'Upper.jpg',
  'with space',
  'back\\slash',
  'query?x=1',
  'percent%2f',
  'ünïcode',
  'nul\u0000byte',
  `long/${'x'.repeat(1024)}`,
];

/**
 * The behaviour every object storage adapter must have, written against S3's semantics. Each
 * adapter's spec calls this with a factory; keys carry a random per-run prefix.
 */
export function describeObjectStorageContract(
  name: string,
  factory: StorageFactory,
  capabilities: StorageCapabilities,
): void {
  describe(`ObjectStorage contract: ${name}`, () => {
    const run = randomUUID().slice(0, 8);
    let counter = 0;
    const key = (label: string): string => {
      counter += 1;
      return `contract/${run}/${counter}/${label}`;
    };
    let subject: StorageUnderTest | undefined;
    let storage: ObjectStorage;
    let setupError: Error | undefined;

    beforeAll(async () => {
      try {
        subject = await factory();
        storage = subject.storage;
      } catch (err) {
        setupError = err instanceof Error ? err : new Error(String(err));
      }
    });

    beforeEach(() => {
      if (setupError) throw setupError;
    });

    afterAll(async () => {
      if (!subject) return;
      await subject.storage.close();
      await subject.cleanup?.();
    });

    it('answers ping', async () => {
      await expect(storage.ping()).resolves.toBeUndefined();
    });

    it('stores a buffer and gives it back byte for byte with its metadata', async () => {
      const k = key('photo.jpg');
      const data = randomBytes(12_345);
      const put = await storage.put(k, data, {
        contentType: 'image/jpeg',
        contentLength: data.byteLength,
        cacheControl: 'public, max-age=31536000, immutable',
      });
      expect(put.bytes).toBe(data.byteLength);
      expect(put.etag).toMatch(/^[^"\s]+$/);

      const got = await storage.get(k);
      expect(got).not.toBeNull();
      expect(got!.contentType).toBe('image/jpeg');
      expect(got!.bytes).toBe(data.byteLength);
      expect(got!.etag).toBe(put.etag);
      expect(got!.cacheControl).toBe('public, max-age=31536000, immutable');
      expect((await readAll(got!.body)).equals(data)).toBe(true);

      expect(await storage.head(k)).toEqual({
        contentType: 'image/jpeg',
        bytes: data.byteLength,
        etag: put.etag,
        cacheControl: 'public, max-age=31536000, immutable',
      });
    });

    it('stores an empty object', async () => {
      const k = key('empty');
      const put = await storage.put(k, new Uint8Array(0), { contentType: 'application/octet-stream' });
      expect(put.bytes).toBe(0);
      const got = await storage.get(k);
      expect(got!.bytes).toBe(0);
      expect((await readAll(got!.body)).byteLength).toBe(0);
    });

    it('streams a body of several megabytes in and out unchanged', async () => {
      const k = key('large.webp');
      const seed = randomBytes(16);
      const expected = await readAll(generatedStream(STREAM_BYTES, seed));

      const put = await storage.put(k, generatedStream(STREAM_BYTES, seed), { contentType: 'image/webp' });
      expect(put.bytes).toBe(STREAM_BYTES);

      const head = await storage.head(k);
      expect(head).toMatchObject({ contentType: 'image/webp', bytes: STREAM_BYTES, etag: put.etag });
      expect(head!.cacheControl).toBeUndefined();

      const got = await storage.get(k);
      expect(got!.bytes).toBe(STREAM_BYTES);
      const back = await readAll(got!.body);
      expect(back.byteLength).toBe(STREAM_BYTES);
      expect(sha256(back)).toBe(sha256(expected));
    });

    it('accepts a stream with a matching contentLength', async () => {
      const k = key('declared');
      const seed = randomBytes(16);
      const put = await storage.put(k, generatedStream(300_000, seed), {
        contentType: 'image/png',
        contentLength: 300_000,
      });
      expect(put.bytes).toBe(300_000);
      expect((await storage.head(k))!.bytes).toBe(300_000);
    });

    it('gives the same content the same etag, and different content a different one', async () => {
      const data = randomBytes(4096);
      const first = await storage.put(key('a'), data, { contentType: 'image/png' });
      const second = await storage.put(
        key('b'),
        Readable.from([data.subarray(0, 1000), data.subarray(1000)]),
        {
          contentType: 'image/png',
        },
      );
      const other = await storage.put(key('c'), randomBytes(4096), { contentType: 'image/png' });
      expect(second.etag).toBe(first.etag);
      expect(other.etag).not.toBe(first.etag);
    });

    it('replaces an object on overwrite', async () => {
      const k = key('replaced');
      const before = await storage.put(k, Buffer.from('first version'), { contentType: 'text/plain' });
      const after = await storage.put(k, Buffer.from('second, longer version'), { contentType: 'image/gif' });
      expect(after.etag).not.toBe(before.etag);
      const got = await storage.get(k);
      expect(got).toMatchObject({ contentType: 'image/gif', bytes: 22, etag: after.etag });
      expect((await readAll(got!.body)).toString()).toBe('second, longer version');
    });

    it('returns null for a missing object', async () => {
      expect(await storage.get(key('never-written'))).toBeNull();
      expect(await storage.head(key('never-written'))).toBeNull();
    });

    it('deletes idempotently', async () => {
      const k = key('doomed');
      await storage.put(k, Buffer.from('bye'), { contentType: 'text/plain' });
      await storage.delete(k);
      expect(await storage.get(k)).toBeNull();
      expect(await storage.head(k)).toBeNull();
      await expect(storage.delete(k)).resolves.toBeUndefined();
      await expect(storage.delete(key('never-written'))).resolves.toBeUndefined();
    });

    it('stores nothing when the body stream fails half way', async () => {
      const k = key('aborted');
      await expect(storage.put(k, failingStream(100_000), { contentType: 'image/jpeg' })).rejects.toThrow(
        /client went away/,
      );
      expect(await storage.head(k)).toBeNull();

      // A failed overwrite leaves the previous version in place.
      await storage.put(k, Buffer.from('kept'), { contentType: 'text/plain' });
      await expect(storage.put(k, failingStream(100_000), { contentType: 'image/jpeg' })).rejects.toThrow();
      const got = await storage.get(k);
      expect(got!.contentType).toBe('text/plain');
      expect((await readAll(got!.body)).toString()).toBe('kept');
    });

    it('refuses a stream longer or shorter than its contentLength, storing nothing', async () => {
      const longer = key('longer');
      await expect(
        storage.put(longer, generatedStream(200_000, randomBytes(16)), {
          contentType: 'image/jpeg',
          contentLength: 100_000,
        }),
      ).rejects.toThrow(/contentLength/);
      expect(await storage.head(longer)).toBeNull();

      const shorter = key('shorter');
      await expect(
        storage.put(shorter, generatedStream(100_000, randomBytes(16)), {
          contentType: 'image/jpeg',
          contentLength: 200_000,
        }),
      ).rejects.toThrow(/contentLength/);
      expect(await storage.head(shorter)).toBeNull();
    });

    it('refuses a buffer whose length differs from contentLength', async () => {
      const k = key('mismatch');
      await expect(
        storage.put(k, Buffer.alloc(10), { contentType: 'image/png', contentLength: 11 }),
      ).rejects.toThrow(RangeError);
      expect(await storage.head(k)).toBeNull();
    });

    it('refuses a content type that could split headers', async () => {
      await expect(
        storage.put(key('header'), Buffer.alloc(1), { contentType: 'image/png\r\nX-Evil: 1' }),
      ).rejects.toThrow(/contentType/);
      await expect(storage.put(key('header'), Buffer.alloc(1), { contentType: '' })).rejects.toThrow(
        /contentType/,
      );
    });

    it.each(INVALID_KEYS)('rejects the invalid key %j in every method', async (bad) => {
      const reject = InvalidObjectKeyError;
      await expect(storage.put(bad, Buffer.from('x'), { contentType: 'text/plain' })).rejects.toThrow(reject);
      await expect(
        storage.put(bad, Readable.from([Buffer.from('x')]), { contentType: 'text/plain' }),
      ).rejects.toThrow(reject);
      await expect(storage.get(bad)).rejects.toThrow(reject);
      await expect(storage.head(bad)).rejects.toThrow(reject);
      await expect(storage.delete(bad)).rejects.toThrow(reject);
      await expect(
        storage.presignPut(bad, { contentType: 'image/png', bytes: 1, expiresInSeconds: 60 }),
      ).rejects.toThrow(reject);
      expect(() => storage.publicUrl(bad)).toThrow(reject);
    });

    it('accepts every character of the key alphabet', async () => {
      const k = key('abc-xyz_0.9/-._/a..b/.hidden');
      await storage.put(k, Buffer.from('ok'), { contentType: 'text/plain' });
      expect((await storage.head(k))!.bytes).toBe(2);
      await storage.delete(k);
    });

    it('builds public URLs under its base', () => {
      const base = subject!.publicBaseUrl.replace(/\/+$/, '');
      const url = storage.publicUrl('media/abc123/thumb.webp');
      expect(url).toBe(`${base}/media/abc123/thumb.webp`);
      expect(new URL(url).pathname.endsWith('/media/abc123/thumb.webp')).toBe(true);
    });

    it('validates presign options', async () => {
      await expect(
        storage.presignPut(key('p'), { contentType: 'image/png', bytes: -1, expiresInSeconds: 60 }),
      ).rejects.toThrow(RangeError);
      await expect(
        storage.presignPut(key('p'), { contentType: 'image/png', bytes: 1, expiresInSeconds: 0 }),
      ).rejects.toThrow(RangeError);
    });

    if (!capabilities.presign) {
      it('has no direct upload: presignPut returns null', async () => {
        expect(
          await storage.presignPut(key('direct'), {
            contentType: 'image/png',
            bytes: 10,
            expiresInSeconds: 60,
          }),
        ).toBeNull();
      });
    } else {
      describe('direct upload', () => {
        it('presigns a PUT that lives as long as asked', async () => {
          const before = Date.now();
          const presigned = await storage.presignPut(key('direct'), {
            contentType: 'image/png',
            bytes: 10,
            expiresInSeconds: 600,
          });
          expect(presigned).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'image/png' } });
          expect(new URL(presigned!.url).protocol).toMatch(/^https?:$/);
          const expiresAt = Date.parse(presigned!.expiresAt);
          expect(expiresAt).toBeGreaterThan(before + 598_000);
          expect(expiresAt).toBeLessThanOrEqual(Date.now() + 600_000);
        });

        it('stores what a client PUTs to the presigned URL with the given headers', async () => {
          const k = key('uploaded.png');
          const data = randomBytes(50_000);
          const presigned = await storage.presignPut(k, {
            contentType: 'image/png',
            bytes: data.byteLength,
            expiresInSeconds: 300,
          });
          const response = await fetch(presigned!.url, {
            method: 'PUT',
            headers: presigned!.headers,
            body: data,
          });
          expect(response.status).toBe(200);
          await response.arrayBuffer();
          const got = await storage.get(k);
          expect(got!.contentType).toBe('image/png');
          expect((await readAll(got!.body)).equals(data)).toBe(true);
        });

        it('refuses a presigned PUT with another content type or size', async () => {
          const k = key('tampered');
          const data = randomBytes(1000);
          const presigned = await storage.presignPut(k, {
            contentType: 'image/png',
            bytes: data.byteLength,
            expiresInSeconds: 300,
          });
          const wrongType = await fetch(presigned!.url, {
            method: 'PUT',
            headers: { ...presigned!.headers, 'Content-Type': 'text/html' },
            body: data,
          });
          expect(wrongType.status).toBe(403);
          await wrongType.arrayBuffer();
          const wrongSize = await fetch(presigned!.url, {
            method: 'PUT',
            headers: presigned!.headers,
            body: Buffer.concat([data, data]),
          });
          expect(wrongSize.status).toBe(403);
          await wrongSize.arrayBuffer();
          expect(await storage.head(k)).toBeNull();
        });

        it('refuses a presigned PUT after it expired', async () => {
          const k = key('late');
          const presigned = await storage.presignPut(k, {
            contentType: 'image/png',
            bytes: 3,
            expiresInSeconds: 1,
          });
          // Waits past the advertised expiry (plus a second of clock rounding): the store must agree.
          const deadAt = Date.parse(presigned!.expiresAt);
          while (Date.now() <= deadAt + 1000) await sleep(100);
          const response = await fetch(presigned!.url, {
            method: 'PUT',
            headers: presigned!.headers,
            body: Buffer.from('abc'),
          });
          expect(response.status).toBe(403);
          await response.arrayBuffer();
          expect(await storage.head(k)).toBeNull();
        });
      });
    }

    it('refuses calls once closed', async () => {
      const other = await factory();
      await other.storage.close();
      try {
        await expect(other.storage.head('any')).rejects.toThrow(/closed/);
        await expect(
          other.storage.put('any', Buffer.from('x'), { contentType: 'text/plain' }),
        ).rejects.toThrow(/closed/);
      } finally {
        await other.cleanup?.();
      }
    });
  });
}
