import { randomUUID } from 'node:crypto';

import sharp from 'sharp';
import { describe, expect, it } from 'vitest';

import { patternPixels } from '../fixtures/media/fixtures.js';
import { eventually } from '../support/eventually.js';
import type { ApiClient } from '../support/http-client.js';

export interface EngagementScenarioContext {
  api: ApiClient;
  signup(): Promise<{ id: string; username: string; accessToken: string }>;
}

type Person = { id: string; username: string; accessToken: string };

/** A published post with one small photo, made through the API. */
export async function publishedPost(api: ApiClient, author: Person, seed: number): Promise<string> {
  const jpeg = await sharp(patternPixels(32, 24, 3, seed), { raw: { width: 32, height: 24, channels: 3 } })
    .jpeg()
    .toBuffer();
  const upload = await api.request<{ id: string }>('POST', '/api/media', {
    token: author.accessToken,
    raw: { body: jpeg, contentType: 'image/jpeg' },
  });
  expect(upload.status, upload.text).toBe(202);
  const created = await api.post(
    '/api/posts',
    { caption: 'liked', mediaIds: [upload.body.id] },
    { token: author.accessToken },
  );
  expect(created.status, created.text).toBe(201);
  await eventually(async () =>
    expect((await api.get(`/api/posts/${created.body.id}`)).body.status).toBe('published'),
  );
  return created.body.id as string;
}

/**
 * Likes and comments through the public API: retry-safe, race-safe, counted once. Part of the
 * API suite, so it runs on every shape and infrastructure.
 */
export function describeEngagementScenarios(context: () => EngagementScenarioContext): void {
  const ctx = () => context();
  let seed = 500;

  describe('likes', () => {
    it('likes once however often, shows it on the post, lists likers, and unlikes', async () => {
      const author = await ctx().signup();
      const fan = await ctx().signup();
      const postId = await publishedPost(ctx().api, author, seed++);
      const like = () => ctx().api.put(`/api/posts/${postId}/like`, { token: fan.accessToken });

      const first = await like();
      expect(first.status, first.text).toBe(200);
      expect(first.body).toEqual({ liked: true, likeCount: 1 });
      expect((await like()).body).toEqual({ liked: true, likeCount: 1 });

      const post = await ctx().api.get(`/api/posts/${postId}`, { token: fan.accessToken });
      expect(post.body).toMatchObject({ likeCount: 1, viewer: { liked: true } });
      const asAuthor = await ctx().api.get(`/api/posts/${postId}`, { token: author.accessToken });
      expect(asAuthor.body).toMatchObject({ likeCount: 1, viewer: { liked: false } });

      const likers = await ctx().api.get(`/api/posts/${postId}/likes`);
      expect(likers.status).toBe(200);
      expect(likers.body.items.map((u: { username: string }) => u.username)).toEqual([fan.username]);

      const unlike = await ctx().api.delete(`/api/posts/${postId}/like`, { token: fan.accessToken });
      expect(unlike.body).toEqual({ liked: false, likeCount: 0 });
      expect((await ctx().api.delete(`/api/posts/${postId}/like`, { token: fan.accessToken })).body).toEqual({
        liked: false,
        likeCount: 0,
      });
    });

    it('makes one like of twenty-five concurrent double taps', async () => {
      const author = await ctx().signup();
      const fan = await ctx().signup();
      const postId = await publishedPost(ctx().api, author, seed++);
      const taps = await Promise.all(
        Array.from({ length: 50 }, () =>
          ctx().api.put(`/api/posts/${postId}/like`, { token: fan.accessToken }),
        ),
      );
      expect(taps.map((tap) => tap.status)).toEqual(Array(50).fill(200));
      const post = await ctx().api.get(`/api/posts/${postId}`);
      expect(post.body.likeCount).toBe(1);
    });

    it('replays a like sent again with the same Idempotency-Key, and refuses the key on another request', async () => {
      const author = await ctx().signup();
      const fan = await ctx().signup();
      const postId = await publishedPost(ctx().api, author, seed++);
      const other = await publishedPost(ctx().api, author, seed++);
      const key = randomUUID();
      const headers = { 'idempotency-key': key };
      const first = await ctx().api.put(`/api/posts/${postId}/like`, { token: fan.accessToken, headers });
      expect(first.body).toEqual({ liked: true, likeCount: 1 });
      const replay = await ctx().api.put(`/api/posts/${postId}/like`, { token: fan.accessToken, headers });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body).toEqual(first.body);
      const reused = await ctx().api.put(`/api/posts/${other}/like`, { token: fan.accessToken, headers });
      expect(reused.status).toBe(422);
    });

    it('answers 404 for an unknown or deleted post, and 401 without a token', async () => {
      const author = await ctx().signup();
      const postId = await publishedPost(ctx().api, author, seed++);
      expect((await ctx().api.put(`/api/posts/${postId}/like`)).status).toBe(401);
      expect((await ctx().api.put('/api/posts/123456789/like', { token: author.accessToken })).status).toBe(
        404,
      );
      expect((await ctx().api.delete(`/api/posts/${postId}`, { token: author.accessToken })).status).toBe(
        204,
      );
      expect((await ctx().api.put(`/api/posts/${postId}/like`, { token: author.accessToken })).status).toBe(
        404,
      );
    });
  });

  describe('comments', () => {
    it('comments with Unicode kept exactly, oldest first, counted, deleted by the right people', async () => {
      const author = await ctx().signup();
      const fan = await ctx().signup();
      const stranger = await ctx().signup();
      const postId = await publishedPost(ctx().api, author, seed++);
      const bodies = ['first 🌅', 'Zoë & “quotes”\nsecond line', 'नमस्ते 👋🏽'];
      const ids: string[] = [];
      for (const [index, body] of bodies.entries()) {
        const res = await ctx().api.post(
          `/api/posts/${postId}/comments`,
          { body },
          { token: fan.accessToken },
        );
        expect(res.status, res.text).toBe(201);
        expect(res.body.comment).toMatchObject({ body, postId, author: { username: fan.username } });
        expect(res.body.commentCount).toBe(index + 1);
        ids.push(res.body.comment.id as string);
      }
      const page = await ctx().api.get(`/api/posts/${postId}/comments?limit=2`);
      expect(page.body.items.map((c: { body: string }) => c.body)).toEqual(bodies.slice(0, 2));
      const rest = await ctx().api.get(
        `/api/posts/${postId}/comments?limit=2&cursor=${encodeURIComponent(page.body.nextCursor)}`,
      );
      expect(rest.body.items.map((c: { body: string }) => c.body)).toEqual(bodies.slice(2));
      expect((await ctx().api.get(`/api/posts/${postId}`)).body.commentCount).toBe(3);

      expect(
        (await ctx().api.delete(`/api/comments/${ids[0]}`, { token: stranger.accessToken })).status,
      ).toBe(403);
      expect((await ctx().api.delete(`/api/comments/${ids[0]}`, { token: fan.accessToken })).status).toBe(
        204,
      );
      expect((await ctx().api.delete(`/api/comments/${ids[1]}`, { token: author.accessToken })).status).toBe(
        204,
      );
      const after = await ctx().api.get(`/api/posts/${postId}/comments`);
      expect(after.body.items.map((c: { body: string }) => c.body)).toEqual([bodies[2]]);
      expect((await ctx().api.get(`/api/posts/${postId}`)).body.commentCount).toBe(1);
    });

    it('refuses empty and over-long comments, and comments on unknown posts', async () => {
      const author = await ctx().signup();
      const postId = await publishedPost(ctx().api, author, seed++);
      const comment = (body: string, id = postId) =>
        ctx().api.post(`/api/posts/${id}/comments`, { body }, { token: author.accessToken });
      expect((await comment('')).status).toBe(422);
      expect((await comment('x'.repeat(2201))).status).toBe(422);
      expect((await comment('🌅'.repeat(2200))).status).toBe(201);
      expect((await comment('hello', '123456789')).status).toBe(404);
    });
  });
}
