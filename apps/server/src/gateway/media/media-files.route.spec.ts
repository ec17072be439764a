import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { LocalDiskStorage } from '../../platform/storage/local-disk.storage.js';
import { registerMediaFiles } from './media-files.route.js';

const VARIANT = 'variants/123/small.0123456789abcdef.webp';
const WEBP = Buffer.concat([Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.alloc(4000, 7)]);

describe('GET /media/*', () => {
  let dir: string;
  let storage: LocalDiskStorage;
  let app: FastifyInstance;
  let etag: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'glimpse-media-files-'));
    storage = new LocalDiskStorage({ root: dir, publicBaseUrl: 'http://127.0.0.1:3000/media' });
    etag = (await storage.put(VARIANT, WEBP, { contentType: 'image/webp' })).etag;
    await storage.put('originals/123', Buffer.from([0xff, 0xd8, 0xff, 0xe0]), { contentType: 'image/jpeg' });
    app = Fastify();
    registerMediaFiles(app, storage, pino({ level: 'silent' }));
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves a variant whole, with immutable caching, its etag, type and nosniff', async () => {
    // The URL the storage hands out maps onto this route.
    expect(new URL(storage.publicUrl(VARIANT)).pathname).toBe(`/media/${VARIANT}`);
    const res = await app.inject({ method: 'GET', url: `/media/${VARIANT}` });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(WEBP)).toBe(true);
    expect(res.headers['content-type']).toBe('image/webp');
    expect(res.headers['content-length']).toBe(String(WEBP.byteLength));
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers.etag).toBe(`"${etag}"`);
  });

  it('answers 304 without a body to a matching If-None-Match, weak or in a list', async () => {
    for (const ifNoneMatch of [`"${etag}"`, `W/"${etag}"`, `"other", "${etag}"`, '*']) {
      const res = await app.inject({
        method: 'GET',
        url: `/media/${VARIANT}`,
        headers: { 'if-none-match': ifNoneMatch },
      });
      expect(res.statusCode, ifNoneMatch).toBe(304);
      expect(res.body).toBe('');
      expect(res.headers.etag).toBe(`"${etag}"`);
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
  });

  it('serves the file again when the etag does not match', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/media/${VARIANT}`,
      headers: { 'if-none-match': '"stale"' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.byteLength).toBe(WEBP.byteLength);
  });

  it('never serves originals, even though they are in the same storage', async () => {
    expect(await storage.head('originals/123')).not.toBeNull();
    const res = await app.inject({ method: 'GET', url: '/media/originals/123' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers 404 to a missing variant, a key the storage refuses, and a way out of variants/', async () => {
    for (const url of [
      '/media/variants/123/missing.webp',
      '/media/variants/UPPER/a.webp',
      '/media/variants/../originals/123',
      '/media/variants/%2e%2e/originals/123',
      '/media/variants',
      '/media/',
    ]) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
    }
  });
});
