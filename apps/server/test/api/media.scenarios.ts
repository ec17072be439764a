import { randomUUID } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import type { EventEnvelope } from '../../src/platform/events/events.port.js';
import {
  COMMITTED,
  imageFixtures,
  isRejected,
  patternPixels,
  type ImageFixture,
} from '../fixtures/media/fixtures.js';
import { eventually } from '../support/eventually.js';
import type { ApiClient } from '../support/http-client.js';

import sharp from 'sharp';

export interface MediaScenarioContext {
  api: ApiClient;
  signup(): Promise<{ id: string; username: string; accessToken: string }>;
  waitForEvent(predicate: (event: EventEnvelope) => boolean, timeoutMs?: number): Promise<EventEnvelope>;
}

/** Smaller than the default so the oversize test stays quick; set by every target. */
export const TEST_MEDIA_MAX_BYTES = 4 * 1024 * 1024;

interface MediaDto {
  id: string;
  status: 'pending' | 'processing' | 'ready' | 'failed';
  mimeType: string;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  variants: { name: string; width: number; height: number; format: string; bytes: number; url: string }[];
  failureReason?: string;
}

const VARIANT_NAMES = ['large', 'large-jpeg', 'medium', 'small', 'thumb'];

/**
 * Media uploads (three ways in), processing, serving, and posts, through the public API. Part
 * of the API suite, so it runs on every shape and infrastructure.
 */
export function describeMediaAndPostScenarios(context: () => MediaScenarioContext): void {
  const ctx = () => context();

  async function uploadRaw(token: string, bytes: Uint8Array, contentType = 'image/jpeg') {
    return ctx().api.request<MediaDto>('POST', '/api/media', { token, raw: { body: bytes, contentType } });
  }

  async function uploadMultipart(
    token: string,
    bytes: Uint8Array,
    fileName: string,
    contentType = 'image/jpeg',
  ) {
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: contentType }), fileName);
    return ctx().api.request<MediaDto>('POST', '/api/media', { token, form });
  }

  /** Polls until processing settles. */
  async function settled(token: string, id: string, timeoutMs = 60_000): Promise<MediaDto> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await ctx().api.get<MediaDto>(`/api/media/${id}`, { token });
      expect(res.status, res.text).toBe(200);
      if (res.body.status === 'ready' || res.body.status === 'failed') return res.body;
      if (Date.now() > deadline)
        throw new Error(`media ${id} still ${res.body.status} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Local-disk media are served by the gateway itself; on S3 they come from MEDIA_PUBLIC_URL. */
  function servedByGateway(url: string): boolean {
    return new URL(url, ctx().api.baseUrl).origin === new URL(ctx().api.baseUrl).origin;
  }

  async function fetchBytes(url: string): Promise<{ response: Response; bytes: Buffer }> {
    const response = await fetch(new URL(url, ctx().api.baseUrl));
    return { response, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  async function readyMedia(token: string, seed = 1): Promise<MediaDto> {
    const jpeg = await sharp(patternPixels(320, 240, 3, seed), {
      raw: { width: 320, height: 240, channels: 3 },
    })
      .jpeg()
      .toBuffer();
    const res = await uploadRaw(token, jpeg);
    expect(res.status, res.text).toBe(202);
    return settled(token, res.body.id);
  }

  describe('media uploads', () => {
    const accepted = Object.values(imageFixtures).filter((f: ImageFixture) => !isRejected(f.expect));

    it.each(accepted.map((f) => [f.description, f] as const))(
      'takes %s and serves its variants',
      async (_description, fixture) => {
        const me = await ctx().signup();
        const bytes = await fixture.bytes();
        // The header's type is only a hint: the bytes decide (a HEIC sent as image/jpeg is a HEIC).
        const res = await uploadRaw(me.accessToken, bytes, 'image/jpeg');
        expect(res.status, res.text).toBe(202);
        expect(['processing', 'ready']).toContain(res.body.status);
        const media = await settled(me.accessToken, res.body.id);
        if (isRejected(fixture.expect)) throw new Error('unreachable');
        expect(media, JSON.stringify(media)).toMatchObject({
          status: 'ready',
          mimeType: fixture.expect.mimeType,
          width: fixture.expect.width,
          height: fixture.expect.height,
        });
        expect(media.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);
        expect(media.variants.map((v) => v.name).sort()).toEqual(VARIANT_NAMES);
        for (const variant of media.variants) {
          // Never upscaled, and the thumb is a square crop.
          expect(variant.width).toBeLessThanOrEqual(Math.max(fixture.expect.width, 1));
          if (variant.name === 'thumb') expect(variant.width).toBe(variant.height);
        }
        const large = media.variants.find((v) => v.name === 'large')!;
        const { response, bytes: served } = await fetchBytes(large.url);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('image/webp');
        expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        expect(response.headers.get('etag')).toBeTruthy();
        expect(served.byteLength).toBe(large.bytes);
        const meta = await sharp(served).metadata();
        expect([meta.width, meta.height]).toEqual([large.width, large.height]);
        if (fixture.expect.animated) expect(meta.pages).toBeGreaterThan(1);
      },
    );

    it('turns an EXIF-rotated camera photo upright and serves no EXIF, GPS, XMP or camera bytes', async () => {
      const me = await ctx().signup();
      const original = await imageFixtures.jpegCamera.bytes();
      const res = await uploadMultipart(me.accessToken, original, 'IMG_0001.JPG');
      expect(res.status, res.text).toBe(202);
      const media = await settled(me.accessToken, res.body.id);
      expect(media).toMatchObject({ status: 'ready', width: 48, height: 64 });
      for (const variant of media.variants) {
        const { response, bytes } = await fetchBytes(variant.url);
        expect(response.status).toBe(200);
        // On S3 the CDN in front of the bucket adds it (S3 cannot store that header).
        if (servedByGateway(variant.url))
          expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(variant.height).toBeGreaterThanOrEqual(variant.width);
        const text = bytes.toString('latin1');
        expect(text).not.toContain('Exif');
        expect(text).not.toContain(COMMITTED.camera.make);
        expect(text).not.toContain(COMMITTED.camera.model);
        expect(text).not.toContain(COMMITTED.camera.xmpMarker);
        const meta = await sharp(bytes).metadata();
        expect(meta.exif).toBeUndefined();
        expect(meta.xmp).toBeUndefined();
      }
    });

    it('answers 304 to a matching If-None-Match and never serves originals', async () => {
      const me = await ctx().signup();
      const media = await readyMedia(me.accessToken);
      const small = media.variants.find((v) => v.name === 'small')!;
      const first = await fetch(new URL(small.url, ctx().api.baseUrl));
      const etag = first.headers.get('etag')!;
      await first.arrayBuffer();
      const again = await fetch(new URL(small.url, ctx().api.baseUrl), {
        headers: { 'if-none-match': etag },
      });
      expect(etag).toBeTruthy();
      if (servedByGateway(small.url)) {
        expect(again.status).toBe(304);
        expect(again.headers.get('etag')).toBe(etag);
      } else {
        // S3 (and a CDN in front of it) answers conditional requests its own way.
        expect([200, 304]).toContain(again.status);
      }
      const original = await ctx().api.get(`/media/originals/${media.id}`);
      expect(original.status).toBe(404);
    });

    it('refuses what is not a photo with 415 and a reason, from the bytes whatever the name', async () => {
      const me = await ctx().signup();
      for (const fixture of [imageFixtures.textFile, imageFixtures.svgWithScript, imageFixtures.emptyFile]) {
        const bytes = await fixture.bytes();
        const multipart = await uploadMultipart(me.accessToken, bytes, fixture.fileName);
        expect(multipart.status, `${fixture.name}: ${multipart.text}`).toBe(415);
        expect(multipart.headers.get('content-type')).toContain('application/problem+json');
        const raw = await uploadRaw(me.accessToken, bytes, 'image/jpeg');
        expect(raw.status, `${fixture.name}: ${raw.text}`).toBe(415);
        if (isRejected(fixture.expect))
          expect(raw.body).toMatchObject({ detail: expect.stringMatching(fixture.expect.rejected) });
      }
      const svgDeclared = await uploadRaw(
        me.accessToken,
        await imageFixtures.pngTiny.bytes(),
        'image/svg+xml',
      );
      expect([202, 415]).toContain(svgDeclared.status);
    });

    it('fails corrupt files and decompression bombs with a reason, and keeps serving', async () => {
      const me = await ctx().signup();
      for (const fixture of [
        imageFixtures.jpegTruncated,
        imageFixtures.heicTruncated,
        imageFixtures.pngBomb,
      ]) {
        const res = await uploadRaw(me.accessToken, await fixture.bytes(), 'image/png');
        expect(res.status, `${fixture.name}: ${res.text}`).toBe(202);
        const media = await settled(me.accessToken, res.body.id);
        expect(media.status, fixture.name).toBe('failed');
        if (isRejected(fixture.expect)) expect(media.failureReason).toMatch(fixture.expect.rejected);
        expect(media.variants).toEqual([]);
      }
      // The process is fine: the next photo goes through.
      expect((await readyMedia(me.accessToken)).status).toBe('ready');
    });

    it('refuses a body over the limit with 413, while streaming and from Content-Length', async () => {
      const me = await ctx().signup();
      const big = Buffer.concat([await imageFixtures.pngTiny.bytes(), Buffer.alloc(TEST_MEDIA_MAX_BYTES)]);
      const raw = await uploadRaw(me.accessToken, big, 'image/png');
      expect(raw.status, raw.text).toBe(413);
      expect(raw.headers.get('content-type')).toContain('application/problem+json');
      const multipart = await uploadMultipart(me.accessToken, big, 'big.png', 'image/png');
      expect(multipart.status, multipart.text).toBe(413);
      const direct = await ctx().api.post(
        '/api/media/uploads',
        { contentType: 'image/png', bytes: TEST_MEDIA_MAX_BYTES + 1 },
        { token: me.accessToken },
      );
      expect(direct.status, direct.text).toBe(413);
      // Still serving.
      expect((await ctx().api.get('/healthz')).status).toBe(200);
    });

    it('takes a direct upload: reserve, PUT to the given URL, complete', async () => {
      const me = await ctx().signup();
      const bytes = await imageFixtures.webp.bytes();
      const reserved = await ctx().api.post(
        '/api/media/uploads',
        { contentType: 'image/webp', bytes: bytes.byteLength },
        { token: me.accessToken },
      );
      expect(reserved.status, reserved.text).toBe(201);
      expect(reserved.body.media.status).toBe('pending');
      const { url, method, headers } = reserved.body.upload as {
        url: string;
        method: string;
        headers: Record<string, string>;
      };
      expect(method).toBe('PUT');
      const target = new URL(url, ctx().api.baseUrl);
      // The server's own upload URL wants the bearer token; a presigned one carries its signature.
      const auth =
        target.origin === new URL(ctx().api.baseUrl).origin
          ? { authorization: `Bearer ${me.accessToken}` }
          : {};
      if (!servedByGateway(url)) {
        // The web app may send it there: the page's policy lets it connect to the bucket.
        const csp = (await ctx().api.get('/')).headers.get('content-security-policy') ?? '';
        expect(csp).toMatch(new RegExp(`connect-src 'self' ${target.origin.replaceAll('.', '\\.')}(;|$)`));
      }
      const put = await fetch(target, { method, headers: { ...headers, ...auth }, body: bytes });
      expect(put.status, await put.text()).toBeLessThan(300);

      const completed = await ctx().api.post(`/api/media/${reserved.body.media.id}/complete`, undefined, {
        token: me.accessToken,
      });
      expect(completed.status, completed.text).toBe(202);
      const again = await ctx().api.post(`/api/media/${reserved.body.media.id}/complete`, undefined, {
        token: me.accessToken,
      });
      expect(again.status).toBe(202);
      expect(await settled(me.accessToken, reserved.body.media.id)).toMatchObject({
        status: 'ready',
        width: 120,
        height: 80,
      });

      const unsupported = await ctx().api.post(
        '/api/media/uploads',
        { contentType: 'image/svg+xml', bytes: 10 },
        { token: me.accessToken },
      );
      expect(unsupported.status).toBe(415);
    });

    it('keeps media private to its owner and requires a token to upload', async () => {
      const owner = await ctx().signup();
      const stranger = await ctx().signup();
      const media = await readyMedia(owner.accessToken);
      expect((await ctx().api.get(`/api/media/${media.id}`, { token: stranger.accessToken })).status).toBe(
        404,
      );
      expect(
        (await ctx().api.post(`/api/media/${media.id}/complete`, undefined, { token: stranger.accessToken }))
          .status,
      ).toBe(404);
      expect((await uploadRaw('', await imageFixtures.pngTiny.bytes())).status).toBe(401);
    });

    it('replays an upload sent again with the same Idempotency-Key instead of storing it twice', async () => {
      const me = await ctx().signup();
      const bytes = await imageFixtures.pngTiny.bytes();
      const key = randomUUID();
      const send = () =>
        ctx().api.request<MediaDto>('POST', '/api/media', {
          token: me.accessToken,
          headers: { 'idempotency-key': key },
          raw: { body: bytes, contentType: 'image/png' },
        });
      const first = await send();
      expect(first.status, first.text).toBe(202);
      const second = await send();
      expect(second.status).toBe(202);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expect(second.body.id).toBe(first.body.id);
    });
  });

  describe('posts', () => {
    it('publishes a post by itself once its photo is processed, and announces it', async () => {
      const me = await ctx().signup();
      const jpeg = await sharp(patternPixels(2400, 1800, 3, 7), {
        raw: { width: 2400, height: 1800, channels: 3 },
      })
        .jpeg({ quality: 90 })
        .toBuffer();
      const upload = await uploadRaw(me.accessToken, jpeg);
      expect(upload.status, upload.text).toBe(202);
      const created = await ctx().api.post(
        '/api/posts',
        { caption: 'Golden hour at #Lisbon with @nobody 🌅', mediaIds: [upload.body.id] },
        { token: me.accessToken },
      );
      expect(created.status, created.text).toBe(201);
      expect(created.body).toMatchObject({
        author: { id: me.id, username: me.username },
        caption: 'Golden hour at #Lisbon with @nobody 🌅',
        hashtags: ['lisbon'],
        mentions: ['nobody'],
        likeCount: 0,
        commentCount: 0,
      });
      expect(['pending', 'published']).toContain(created.body.status);

      const event = await ctx().waitForEvent(
        (e) => e.type === 'post.published' && (e.payload as { postId?: string }).postId === created.body.id,
        60_000,
      );
      expect(event.payload).toMatchObject({ authorId: me.id, mediaIds: [upload.body.id] });
      const published = await ctx().api.get(`/api/posts/${created.body.id}`);
      expect(published.status).toBe(200);
      expect(published.body.status).toBe('published');
      expect(published.body.media[0]).toMatchObject({
        id: upload.body.id,
        status: 'ready',
        width: 2400,
        height: 1800,
      });
      expect(published.body.viewer).toBeNull();
    });

    it('lists a profile’s posts newest first with cursors, counts them, and deletes by the author only', async () => {
      const me = await ctx().signup();
      const other = await ctx().signup();
      const posts: string[] = [];
      for (let i = 0; i < 3; i++) {
        const media = await readyMedia(me.accessToken, 10 + i);
        const res = await ctx().api.post(
          '/api/posts',
          { caption: `post ${i}`, mediaIds: [media.id] },
          { token: me.accessToken },
        );
        expect(res.status, res.text).toBe(201);
        expect(res.body.status).toBe('published');
        posts.push(res.body.id);
      }
      const first = await ctx().api.get(`/api/users/${me.username}/posts?limit=2`);
      expect(first.status, first.text).toBe(200);
      expect(first.body.items.map((p: { id: string }) => p.id)).toEqual([posts[2], posts[1]]);
      const second = await ctx().api.get(
        `/api/users/${me.username}/posts?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
      );
      expect(second.body.items.map((p: { id: string }) => p.id)).toEqual([posts[0]]);
      expect(second.body.nextCursor).toBeNull();

      const postCount = async () =>
        (await ctx().api.get(`/api/users/${me.username}`)).body.postCount as number;
      await eventually(async () => expect(await postCount()).toBe(3));

      const forbidden = await ctx().api.delete(`/api/posts/${posts[1]}`, { token: other.accessToken });
      expect(forbidden.status).toBe(403);
      expect((await ctx().api.delete(`/api/posts/${posts[1]}`, { token: me.accessToken })).status).toBe(204);
      expect((await ctx().api.get(`/api/posts/${posts[1]}`)).status).toBe(404);
      const after = await ctx().api.get(`/api/users/${me.username}/posts`);
      expect(after.body.items.map((p: { id: string }) => p.id)).toEqual([posts[2], posts[0]]);
      await eventually(async () => expect(await postCount()).toBe(2));
    });

    it('validates posts: 1..10 own photos, captions up to 2200 characters', async () => {
      const me = await ctx().signup();
      const other = await ctx().signup();
      const mine = await readyMedia(me.accessToken, 20);
      const theirs = await readyMedia(other.accessToken, 21);
      const post = (body: unknown) => ctx().api.post('/api/posts', body, { token: me.accessToken });

      expect((await post({ caption: 'none', mediaIds: [] })).status).toBe(422);
      expect((await post({ caption: 'many', mediaIds: Array(11).fill(mine.id) })).status).toBe(422);
      expect((await post({ caption: 'x'.repeat(2201), mediaIds: [mine.id] })).status).toBe(422);
      const notMine = await post({ caption: 'theirs', mediaIds: [theirs.id] });
      expect(notMine.status).toBe(422);
      expect(notMine.body.errors).toEqual([expect.objectContaining({ path: 'mediaIds.0' })]);
      expect((await ctx().api.post('/api/posts', { caption: 'anon', mediaIds: [mine.id] })).status).toBe(401);

      const longest = await post({ caption: '🌅'.repeat(2200), mediaIds: [mine.id] });
      expect(longest.status, longest.text).toBe(201);
      expect(longest.body.caption).toBe('🌅'.repeat(2200));
      const reused = await post({ caption: 'again', mediaIds: [mine.id] });
      expect(reused.status).toBe(409);
    });
  });
}
