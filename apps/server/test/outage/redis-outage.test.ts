import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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

  it('signs up, logs in and follows without Redis, and reports itself degraded', async () => {
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

    const ready = await api.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      status: 'degraded',
      dependencies: { database: 'up', cache: 'down', events: 'up', storage: 'up' },
    });
  });
});
