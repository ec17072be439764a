import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PrivateRedis } from '../../src/platform/cache/redis.testing.js';
import { ApiClient, uniqueName } from '../support/http-client.js';
import { SseClient } from '../../src/testing/sse-client.js';
import { startRealApp, type StartedApp } from '../support/start-app.js';

type Person = { username: string; token: string };

/**
 * Live notifications ride on Redis pub/sub, which loses what is published while it is down.
 * A Redis server of the test's own is stopped under an open stream: notifications still arrive
 * (the stream polls PostgreSQL on its heartbeats), and after Redis returns they arrive again.
 */
describe('notification stream through a Redis outage', () => {
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
    const username = uniqueName('ns');
    const res = await api.post('/api/auth/signup', {
      username,
      email: `${username}@example.com`,
      password: 'a long password',
    });
    expect(res.status, res.text).toBe(201);
    return { username, token: res.body.accessToken as string };
  }

  const followedBy = (stream: SseClient, username: string) =>
    stream.next(
      (e) =>
        e.event === 'notification' &&
        (JSON.parse(e.data) as { actors: Array<{ username: string }> }).actors[0]?.username === username,
      30_000,
    );

  it('keeps delivering while pub/sub is down, and live again once it is back', async () => {
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
