import sharp from 'sharp';
import { describe, expect, it } from 'vitest';

import { patternPixels } from '../fixtures/media/fixtures.js';
import { eventually } from '../support/eventually.js';
import type { ApiClient } from '../support/http-client.js';

export interface FeedScenarioContext {
  api: ApiClient;
  signup(): Promise<{ id: string; username: string; accessToken: string }>;
}

/** Low on purpose: an author with more followers than this is a "celebrity" in these tests. */
export const TEST_FANOUT_FOLLOWER_THRESHOLD = 3;

type Person = { id: string; username: string; accessToken: string };

/**
 * The home feed and Explore through the public API: push authors, celebrities merged at read
 * time, own posts, order, paging while posts arrive, follow backfill, unfollow and delete.
 * Part of the API suite, so it runs on every shape and infrastructure.
 */
export function describeFeedScenarios(context: () => FeedScenarioContext): void {
  const ctx = () => context();
  let seed = 100;

  /** A published post with one small photo. */
  async function post(author: Person, caption = `post ${seed}`): Promise<string> {
    const jpeg = await sharp(patternPixels(64, 48, 3, seed++), {
      raw: { width: 64, height: 48, channels: 3 },
    })
      .jpeg()
      .toBuffer();
    const upload = await ctx().api.request<{ id: string }>('POST', '/api/media', {
      token: author.accessToken,
      raw: { body: jpeg, contentType: 'image/jpeg' },
    });
    expect(upload.status, upload.text).toBe(202);
    const created = await ctx().api.post(
      '/api/posts',
      { caption, mediaIds: [upload.body.id] },
      { token: author.accessToken },
    );
    expect(created.status, created.text).toBe(201);
    await eventually(async () => {
      expect((await ctx().api.get(`/api/posts/${created.body.id}`)).body.status).toBe('published');
    });
    return created.body.id as string;
  }

  async function follow(follower: Person, followee: Person): Promise<void> {
    const res = await ctx().api.put(`/api/users/${followee.username}/follow`, {
      token: follower.accessToken,
    });
    expect(res.status, res.text).toBe(200);
  }

  async function feedIds(reader: Person, query = ''): Promise<string[]> {
    const res = await ctx().api.get(`/api/feed${query}`, { token: reader.accessToken });
    expect(res.status, res.text).toBe(200);
    return (res.body.items as { id: string }[]).map((item) => item.id);
  }

  /** Every page of the feed, following cursors. */
  async function allPages(reader: Person, limit: number, between?: () => Promise<void>): Promise<string[]> {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await ctx().api.get(`/api/feed${query}`, { token: reader.accessToken });
      expect(res.status, res.text).toBe(200);
      seen.push(...(res.body.items as { id: string }[]).map((item) => item.id));
      cursor = res.body.nextCursor as string | null;
      await between?.();
    } while (cursor);
    return seen;
  }

  describe('home feed', () => {
    it('needs a token, and shows a new user their own posts at once', async () => {
      expect((await ctx().api.get('/api/feed')).status).toBe(401);
      const me = await ctx().signup();
      expect(await feedIds(me)).toEqual([]);
      const mine = await post(me);
      await eventually(async () => expect(await feedIds(me)).toEqual([mine]));
    });

    it('pushes an ordinary author’s posts into followers’ feeds, newest first, hydrated', async () => {
      const author = await ctx().signup();
      const reader = await ctx().signup();
      await follow(reader, author);
      expect(await feedIds(reader)).toEqual([]);
      const first = await post(author, 'first #feed');
      const second = await post(author, 'second');
      await eventually(async () => expect(await feedIds(reader)).toEqual([second, first]));
      const res = await ctx().api.get('/api/feed', { token: reader.accessToken });
      expect(res.body.items[0]).toMatchObject({
        id: second,
        status: 'published',
        author: { id: author.id, username: author.username },
        media: [expect.objectContaining({ status: 'ready' })],
        viewer: { liked: false },
      });
    });

    it('merges a celebrity’s posts in at read time', async () => {
      const celebrity = await ctx().signup();
      const fans = [];
      for (let i = 0; i <= TEST_FANOUT_FOLLOWER_THRESHOLD; i++) fans.push(await ctx().signup());
      for (const fan of fans) await follow(fan, celebrity);
      const reader = fans[0]!;
      const ordinary = await ctx().signup();
      await follow(reader, ordinary);
      expect(await feedIds(reader)).toEqual([]);

      const older = await post(ordinary, 'ordinary');
      const star = await post(celebrity, 'celebrity');
      await eventually(async () => expect(await feedIds(reader)).toEqual([star, older]));
      for (const fan of fans.slice(1)) expect(await feedIds(fan)).toEqual([star]);
    });

    it('pages newest first with no duplicates and no gaps while new posts arrive', async () => {
      const author = await ctx().signup();
      const reader = await ctx().signup();
      await follow(reader, author);
      const existing: string[] = [];
      for (let i = 0; i < 5; i++) existing.unshift(await post(author));
      await eventually(async () => expect(await feedIds(reader)).toEqual(existing));

      const arrived: string[] = [];
      const seen = await allPages(reader, 2, async () => {
        if (arrived.length < 2) arrived.push(await post(author));
      });
      expect(seen).toEqual(existing);
      // The new ones are at the top of a fresh read.
      await eventually(async () =>
        expect((await feedIds(reader)).slice(0, 2)).toEqual([...arrived].reverse()),
      );
    });

    it('backfills on follow, removes on unfollow and on delete', async () => {
      const author = await ctx().signup();
      const reader = await ctx().signup();
      const kept = await post(author);
      const deleted = await post(author);
      const other = await ctx().signup();
      await follow(reader, other);
      const unrelated = await post(other);
      expect(await feedIds(reader)).toEqual([unrelated]);

      await follow(reader, author);
      // Newest first: the unrelated post came last.
      await eventually(async () => expect(await feedIds(reader)).toEqual([unrelated, deleted, kept]));

      const removal = await ctx().api.delete(`/api/posts/${deleted}`, { token: author.accessToken });
      expect(removal.status).toBe(204);
      await eventually(async () => expect(await feedIds(reader)).toEqual([unrelated, kept]));

      const unfollow = await ctx().api.delete(`/api/users/${author.username}/follow`, {
        token: reader.accessToken,
      });
      expect(unfollow.status).toBe(200);
      await eventually(async () => expect(await feedIds(reader)).toEqual([unrelated]));
    });

    it('answers a cursor that is not ours with 400', async () => {
      const me = await ctx().signup();
      const res = await ctx().api.get('/api/feed?cursor=not-a-cursor', { token: me.accessToken });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    });
  });

  describe('explore', () => {
    it('shows recent posts from everyone, signed in or not', async () => {
      const author = await ctx().signup();
      const id = await post(author, 'for everyone');
      await eventually(async () => {
        const res = await ctx().api.get('/api/explore?limit=100');
        expect(res.status, res.text).toBe(200);
        expect((res.body.items as { id: string }[]).map((item) => item.id)).toContain(id);
      }, 90_000);
      const signedIn = await ctx().api.get('/api/explore?limit=1', { token: author.accessToken });
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.items).toHaveLength(1);
    });
  });
}
