import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { publishedPost } from '../api/engagement.scenarios.js';
import { ApiClient, uniqueName } from '../support/http-client.js';
import { startRealApp, type StartedApp } from '../support/start-app.js';

/**
 * "A Redis outage degrades the service, never breaks it": with the cache unreachable (here
 * a port where nothing listens), accounts and follows keep working; rate limits and
 * Idempotency-Key replays pause, and /readyz says so while the process stays in service.
 */
describe('Redis outage', () => {
  let target: StartedApp;

  beforeAll(async () => {
    target = await startRealApp({ REDIS_URL: 'redis://127.0.0.1:1' });
  });

  afterAll(async () => {
    await target?.close();
  });

  it('signs up, logs in, follows, posts, likes and comments without Redis, and reports itself degraded', async () => {
    const api = new ApiClient(target.baseUrl);
    const users = [];
    for (const prefix of ['ra', 'rb']) {
      const username = uniqueName(prefix);
      const res = await api.post(
        '/api/auth/signup',
        { username, email: `${username}@example.com`, password: 'a long password' },
        { headers: { 'idempotency-key': randomUUID() } },
      );
      expect(res.status).toBe(201);
      users.push({ username, token: res.body.accessToken as string });
    }
    const [ana, ben] = users as [{ username: string; token: string }, { username: string; token: string }];
    const login = await api.post('/api/auth/login', { login: ana.username, password: 'a long password' });
    expect(login.status).toBe(200);
    const follow = await api.put(`/api/users/${ben.username}/follow`, {
      token: ana.token,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(follow.status).toBe(200);
    expect(follow.body).toEqual({ following: true, followerCount: 1 });
    expect((await api.get(`/api/users/${ben.username}/followers`)).body.items).toHaveLength(1);

    // Likes and comments stick, counted from PostgreSQL.
    const benId = (await api.get(`/api/users/${ben.username}`)).body.id as string;
    const postId = await publishedPost(api, { id: benId, username: ben.username, accessToken: ben.token }, 2);
    const like = await api.put(`/api/posts/${postId}/like`, { token: ana.token });
    expect(like.status, like.text).toBe(200);
    expect(like.body).toEqual({ liked: true, likeCount: 1 });
    expect((await api.put(`/api/posts/${postId}/like`, { token: ana.token })).body).toEqual({
      liked: true,
      likeCount: 1,
    });
    const comment = await api.post(
      `/api/posts/${postId}/comments`,
      { body: 'no Redis, no problem' },
      { token: ana.token },
    );
    expect(comment.status, comment.text).toBe(201);
    expect(comment.body.commentCount).toBe(1);
    expect((await api.get(`/api/posts/${postId}`, { token: ana.token })).body).toMatchObject({
      likeCount: 1,
      commentCount: 1,
      viewer: { liked: true },
    });

    const ready = await api.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'degraded',
      dependencies: { database: 'up', cache: 'down', pubsub: 'down', events: 'up', storage: 'up' },
    });
  });
});
