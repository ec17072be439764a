import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MediaStatus } from '../../generated/glimpse/media/v1/media.js';
import { IdGenerator } from '../../platform/ids/snowflake.js';
import type { OutboxTables } from '../../platform/outbox/outbox.repository.js';
import { migrate } from '../../platform/sql/migrator.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import { LocalDiskStorage } from '../../platform/storage/local-disk.storage.js';
import { rejection } from '../../testing/rejection.js';
import { ImageProcessor } from './image/image.processor.js';
import { MEDIA_FAILED, MEDIA_READY, MEDIA_UPLOADED } from './media.events.js';
import { originalKey } from './media.keys.js';
import { SqlMediaRepository } from './media.repository.js';
import { MediaServiceImpl } from './media.service.js';
import { MediaWorker, VARIANT_CACHE_CONTROL } from './media.worker.js';

const MAX_BYTES = 2 * 1024 * 1024;

/**
 * The media service and worker with their real repository, the real outbox, real local-disk
 * storage and the real image processor, on a freshly migrated database. Run by one spec per
 * SQL adapter.
 */
export function describeMediaScenarios(name: string, open: () => Promise<SqlDatabase>): void {
  describe(`media service and worker on ${name}`, () => {
    let db: SqlDatabase;
    let dir: string;
    let storage: LocalDiskStorage;
    let service: MediaServiceImpl;
    let worker: MediaWorker;
    let jpeg: Buffer;
    const ids = new IdGenerator(5);
    const owner = ids.next();

    async function eventsFor(type: string, key: string): Promise<unknown[]> {
      const rows = await db
        .kysely<OutboxTables>()
        .selectFrom('outbox.events')
        .select('payload')
        .where('topic', '=', type)
        .where('key', '=', key)
        .execute();
      return rows.map((row) => row.payload);
    }

    /** A media whose original is in storage, not yet completed. */
    async function uploadedBytes(bytes: Buffer, contentType = 'image/jpeg'): Promise<string> {
      const media = await service.createMedia({
        ownerId: owner,
        contentType,
        bytes: String(bytes.byteLength),
      });
      await storage.put(originalKey(media.id), bytes, { contentType });
      return media.id;
    }

    beforeAll(async () => {
      db = await open();
      await migrate(db, { schemas: ['media', 'outbox'] });
      dir = await mkdtemp(join(tmpdir(), 'glimpse-media-'));
      storage = new LocalDiskStorage({ root: dir, publicBaseUrl: '/media' });
      const media = new SqlMediaRepository(db);
      service = new MediaServiceImpl({ media, storage, ids, limits: { maxBytes: MAX_BYTES } });
      worker = new MediaWorker({
        media,
        storage,
        processor: new ImageProcessor({ maxPixels: 50_000_000 }),
        ids,
        concurrency: 2,
        maxBytes: MAX_BYTES,
      });
      jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#3a7' } })
        .jpeg()
        .toBuffer();
    });

    afterAll(async () => {
      await db?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('reserves a pending media for a supported type and refuses others and oversize ones', async () => {
      const media = await service.createMedia({
        ownerId: owner,
        contentType: 'Image/JPEG; q=1',
        bytes: '1000',
      });
      expect(media).toMatchObject({
        ownerId: owner,
        status: MediaStatus.MEDIA_STATUS_PENDING,
        mimeType: 'image/jpeg',
      });
      expect(media.originalKey).toBe(`originals/${media.id}`);

      expect(
        (await rejection(service.createMedia({ ownerId: owner, contentType: 'image/svg+xml', bytes: '10' })))
          .kind,
      ).toBe('unsupported_media_type');
      const tooLarge = await rejection(
        service.createMedia({ ownerId: owner, contentType: 'image/png', bytes: String(MAX_BYTES + 1) }),
      );
      expect(tooLarge).toMatchObject({ kind: 'too_large', message: 'Photos can be at most 2 MB' });
    });

    it('completes an upload once, decides its type from the bytes and queues it', async () => {
      // Declared as PNG; the bytes say JPEG, and the bytes win.
      const id = await uploadedBytes(jpeg, 'image/png');
      const stranger = ids.next();
      expect((await rejection(service.completeUpload({ mediaId: id, ownerId: stranger }))).kind).toBe(
        'not_found',
      );

      const completed = await service.completeUpload({ mediaId: id, ownerId: owner });
      expect(completed).toMatchObject({
        status: MediaStatus.MEDIA_STATUS_UPLOADED,
        mimeType: 'image/jpeg',
        bytes: String(jpeg.byteLength),
      });
      expect(await service.completeUpload({ mediaId: id, ownerId: owner })).toEqual(completed);
      expect(await eventsFor(MEDIA_UPLOADED, id)).toEqual([{ mediaId: id, ownerId: owner }]);
    });

    it('refuses to complete before the bytes arrived, and fails an upload that is not an image', async () => {
      const waiting = await service.createMedia({ ownerId: owner, contentType: 'image/jpeg', bytes: '10' });
      expect((await rejection(service.completeUpload({ mediaId: waiting.id, ownerId: owner }))).kind).toBe(
        'conflict',
      );

      const svg = await uploadedBytes(
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      );
      const refused = await rejection(service.completeUpload({ mediaId: svg, ownerId: owner }));
      expect(refused.kind).toBe('unsupported_media_type');
      const failed = await service.getMedia({ mediaId: svg, ownerId: owner });
      expect(failed.status).toBe(MediaStatus.MEDIA_STATUS_FAILED);
      expect(failed.failureReason).toBe(refused.message);
      expect(await eventsFor(MEDIA_FAILED, svg)).toHaveLength(1);
    });

    it('processes an upload into stored variants once, however often the event comes', async () => {
      const id = await uploadedBytes(jpeg);
      await service.completeUpload({ mediaId: id, ownerId: owner });
      const event = {
        id: ids.next(),
        type: MEDIA_UPLOADED,
        key: id,
        occurredAt: new Date().toISOString(),
        payload: { mediaId: id, ownerId: owner },
      };
      await Promise.all([worker.handle(event), worker.handle(event)]);
      await worker.handle(event);

      const ready = await service.getMedia({ mediaId: id });
      expect(ready).toMatchObject({
        status: MediaStatus.MEDIA_STATUS_READY,
        width: 400,
        height: 300,
        mimeType: 'image/jpeg',
      });
      expect(ready.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
      expect(ready.variants.map((variant) => variant.name).sort()).toEqual([
        'large',
        'large-jpeg',
        'medium',
        'small',
        'thumb',
      ]);
      for (const variant of ready.variants) {
        expect(variant.key).toMatch(
          new RegExp(`^variants/${id}/${variant.name}\\.[0-9a-f]{16}\\.(webp|jpg)$`),
        );
        const head = await storage.head(variant.key);
        expect(head).toMatchObject({ bytes: Number(variant.bytes), cacheControl: VARIANT_CACHE_CONTROL });
      }
      expect(await eventsFor(MEDIA_READY, id)).toEqual([{ mediaId: id, ownerId: owner }]);
    });

    it('fails a corrupt upload with a reason and announces it', async () => {
      const id = await uploadedBytes(jpeg.subarray(0, Math.floor(jpeg.byteLength / 3)));
      await service.completeUpload({ mediaId: id, ownerId: owner });
      await worker.process(id);
      const failed = await service.getMedia({ mediaId: id });
      expect(failed.status).toBe(MediaStatus.MEDIA_STATUS_FAILED);
      expect(failed.failureReason).toEqual(expect.any(String));
      expect(failed.variants).toEqual([]);
      expect(await eventsFor(MEDIA_FAILED, id)).toEqual([
        { mediaId: id, ownerId: owner, reason: failed.failureReason },
      ]);
    });

    it('gives up on a media whose processing keeps crashing', async () => {
      const id = await uploadedBytes(jpeg);
      await service.completeUpload({ mediaId: id, ownerId: owner });
      const crashing = new MediaWorker({
        media: new SqlMediaRepository(db),
        storage,
        processor: { process: () => Promise.reject(new Error('worker ran out of memory')) },
        ids,
        concurrency: 1,
        maxBytes: MAX_BYTES,
        maxAttempts: 2,
      });
      await expect(crashing.process(id)).rejects.toThrow('out of memory');
      await expect(crashing.process(id)).rejects.toThrow('out of memory');
      await crashing.process(id);
      expect(await service.getMedia({ mediaId: id })).toMatchObject({
        status: MediaStatus.MEDIA_STATUS_FAILED,
        failureReason: 'The file could not be processed',
      });
    });

    it('serves batches in request order, leaving out unknown ids, and hides media from non-owners', async () => {
      const a = await service.createMedia({ ownerId: owner, contentType: 'image/png', bytes: '1' });
      const b = await service.createMedia({ ownerId: owner, contentType: 'image/gif', bytes: '1' });
      const batch = await service.getMediaBatch({ mediaIds: [b.id, ids.next(), a.id, b.id, 'nope'] });
      expect(batch.items.map((media) => media.id)).toEqual([b.id, a.id]);
      expect((await rejection(service.getMedia({ mediaId: a.id, ownerId: ids.next() }))).kind).toBe(
        'not_found',
      );
      expect((await rejection(service.getMedia({ mediaId: 'nope' }))).kind).toBe('not_found');
    });
  });
}
