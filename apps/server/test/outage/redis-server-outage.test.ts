import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { patternPixels } from '../fixtures/media/fixtures.js';
import { eventually } from '../support/eventually.js';
import { ApiClient, uniqueName } from '../support/http-client.js';
import { PrivateRedis } from '../../src/platform/redis/redis.testing.js';
import { SseClient } from '../../src/testing/sse-client.js';
import { startRealApp, type StartedApp } from '../support/start-app.js';

type Person = { username: string; token: string };

/**
 * "If Redis dies, the home feed dies" must never be true: a Redis server of the test's own is
 * killed mid-test, and the feed keeps answering in full from PostgreSQL (fast, behind the
 * breaker), then goes back to Redis when it returns. Live notifications ride on Redis pub/sub,
 * which loses what is published while it is down: an open stream keeps delivering (it polls
 * PostgreSQL on its heartbeats), and live again once Redis is back.
 */
describe('home feed and live notifications through a Redis outage', () => {
  let redis: PrivateRedis;
  let target: StartedApp;
  let api: ApiClient;

  beforeAll(async () => {
    redis = await PrivateRedis.onFreePort();
    await redis.startAndWait();
    target = await startRealApp({ REDIS_URL: redis.url, SSE_HEARTBEAT_SECONDS: '1' });
    api = new ApiClient(target.baseUrl);
  });

  afterAll(async () => {
    await target?.close();
    await redis?.stop();
  });

  async function signup(): Promise<Person> {
    const username = uniqueName('fr');
    const res = await api.post('/api/auth/signup', {
      username,
      email: `${username}@example.com`,
      password: 'a long password',
    });
    expect(res.status, res.text).toBe(201);
    return { username, token: res.body.accessToken as string };
  }

  async function post(author: Person, seed: number): Promise<string> {
    const jpeg = await sharp(patternPixels(32, 32, 3, seed), { raw: { width: 32, height: 32, channels: 3 } })
      .jpeg()
      .toBuffer();
    const media = await api.request('POST', '/api/media', {
      token: author.token,
      raw: { body: jpeg, contentType: 'image/jpeg' },
    });
    expect(media.status, media.text).toBe(202);
    const created = await api.post(
      '/api/posts',
      { caption: `p${seed}`, mediaIds: [media.body.id] },
      { token: author.token },
    );
    expect(created.status, created.text).toBe(201);
    return created.body.id as string;
  }

  async function feed(reader: Person): Promise<{ ids: string[]; ms: number; status: number }> {
    const started = performance.now();
    const res = await api.get('/api/feed?limit=50', { token: reader.token });
    return {
      status: res.status,
      ids: res.status === 200 ? (res.body.items as { id: string }[]).map((item) => item.id) : [],
      ms: performance.now() - started,
    };
  }

  /** Feed reads served off the Redis feed so far, by source. */
  async function offCache(source: 'database' | 'rebuilt'): Promise<number> {
    const metrics = await api.get('/metrics');
    const match = new RegExp(`feed_reads_off_cache_total\\{source="${source}"\\} (\\d+)`).exec(metrics.text);
    return Number(match?.[1] ?? 0);
  }

  it('serves the full feed from PostgreSQL while Redis is down, and from Redis again after', async () => {
    const reader = await signup();
    const authors = [await signup(), await signup()];
    for (const author of authors) {
      const res = await api.put(`/api/users/${author.username}/follow`, { token: reader.token });
      expect(res.status).toBe(200);
    }
    expect((await feed(reader)).ids).toEqual([]);
    const posts: string[] = [];
    for (let i = 0; i < 4; i++) posts.unshift(await post(authors[i % 2]!, i));
    await eventually(async () => expect((await feed(reader)).ids).toEqual(posts));

    await redis.stop();
    // Every read answers in full, the first ones included (they pay the cache's command
    // timeout until the breaker opens); then the breaker answers at once.
    for (let i = 0; i < 5; i++) {
      const read = await feed(reader);
      expect(read.status).toBe(200);
      expect(read.ids).toEqual(posts);
    }
    expect(await offCache('database')).toBeGreaterThanOrEqual(5);

    const rebuiltBefore = await offCache('rebuilt');
    await redis.startAndWait();
    // Back on Redis (empty: nothing was persisted): the feed is rebuilt from PostgreSQL by
    // the read that finds it missing, and served from that rebuild.
    await eventually(async () => {
      expect((await feed(reader)).ids).toEqual(posts);
      expect(await offCache('rebuilt')).toBeGreaterThan(rebuiltBefore);
    }, 30_000);
    const databaseReads = await offCache('database');
    expect((await feed(reader)).ids).toEqual(posts);
    expect(await offCache('database')).toBe(databaseReads);
  });

  const followedBy = (stream: SseClient, username: string) =>
    stream.next(
      (e) =>
        e.event === 'notification' &&
        (JSON.parse(e.data) as { actors: Array<{ username: string }> }).actors[0]?.username === username,
      30_000,
    );

  it('keeps a notification stream delivering while pub/sub is down, and live again once it is back', async () => {
    const author = await signup();
    const [ana, ben, cy] = [await signup(), await signup(), await signup()];
    const stream = await SseClient.open(new URL('/api/notifications/stream', target.baseUrl), {
      token: author.token,
    });
    try {
      expect(stream.status).toBe(200);
      await stream.next((e) => e.event === 'unread-count');
      await api.put(`/api/users/${author.username}/follow`, { token: ana.token });
      await followedBy(stream, ana.username);

      await redis.stop();
      const follow = await api.put(`/api/users/${author.username}/follow`, { token: ben.token });
      expect(follow.status, follow.text).toBe(200);
      await followedBy(stream, ben.username);

      await redis.startAndWait();
      await api.put(`/api/users/${author.username}/follow`, { token: cy.token });
      await followedBy(stream, cy.username);
      expect(stream.payloads<{ count: number }>('unread-count').at(-1)?.count).toBe(1);
    } finally {
      await stream.close();
    }
  });
});
