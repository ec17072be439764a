import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient, uniqueName } from '../support/http-client.js';
import { startDistributed, type DistributedTarget } from '../support/start-distributed.js';

const DEADLINE_MS = 1000;

async function eventually<T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * One dead service must not take the others down: with the user service killed, its routes
 * answer 503 problem+json within the gRPC deadline while token routes keep working, and they
 * recover once it is back, without restarting the gateway.
 */
describe('failure isolation in the distributed shape', () => {
  let target: DistributedTarget;
  let api: ApiClient;

  beforeAll(async () => {
    target = await startDistributed({
      GRPC_DEADLINE_MS: String(DEADLINE_MS),
      GRPC_BREAKER_COOLDOWN_MS: '500',
    });
    api = new ApiClient(target.baseUrl);
  }, 180_000);

  afterAll(async () => {
    await target?.close();
  }, 120_000);

  it('serves /healthz, /readyz and /metrics from every process', async () => {
    const expected: Record<string, Record<string, string>> = {
      auth: { database: 'up', 'user-service': 'up' },
      // The user service counts posts from post.* events.
      user: { database: 'up', events: 'up' },
      media: { database: 'up', storage: 'up' },
      // The post service waits for media.ready / media.failed, asks the media service, and
      // caches posts.
      post: { database: 'up', cache: 'up', events: 'up', 'media-service': 'up' },
      'media-worker': { database: 'up', events: 'up', storage: 'up' },
      feed: { cache: 'up', 'user-service': 'up', 'post-service': 'up' },
      fanout: { cache: 'up', events: 'up', 'user-service': 'up', 'post-service': 'up' },
      like: { database: 'up', cache: 'up', 'post-service': 'up' },
      comment: { database: 'up', cache: 'up', 'post-service': 'up' },
      'outbox-relay': { database: 'up', events: 'up' },
    };
    for (const [name, dependencies] of Object.entries(expected)) {
      const ops = new ApiClient(target.cluster.url(name));
      expect((await ops.get('/healthz')).body).toEqual({ status: 'ok' });
      expect((await ops.get('/readyz')).body).toEqual({ status: 'ready', dependencies });
      expect((await ops.get('/metrics')).text).toContain('process_cpu_seconds_total');
    }
    await api.get(`/api/users/${uniqueName('nobody')}`);
    const userMetrics = await new ApiClient(target.cluster.url('user')).get('/metrics');
    expect(userMetrics.text).toMatch(
      /grpc_server_handled_total\{[^}]*method="GetProfile"[^}]*code="NOT_FOUND"/,
    );
  });

  it('answers 503 for profiles while the user service is down, keeps auth working, and recovers', async () => {
    const username = uniqueName('iso');
    const signup = await api.post('/api/auth/signup', {
      username,
      email: `${username}@example.com`,
      password: 'a long password',
    });
    expect(signup.status).toBe(201);
    const gatewayPid = target.cluster.pid('gateway');

    await target.cluster.killProcess('user');

    const started = Date.now();
    const down = await api.get(`/api/users/${username}`);
    const elapsed = Date.now() - started;
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toContain('application/problem+json');
    expect(down.body).toMatchObject({ status: 503, title: 'Service Unavailable' });
    // A read may be retried once on UNAVAILABLE; a generous bound still proves nobody waits
    // for a TCP timeout.
    expect(elapsed).toBeLessThan(4 * DEADLINE_MS + 2000);

    // Token operations do not need the user service.
    const refreshed = await api.post('/api/auth/refresh', { refreshToken: signup.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await api.post('/api/auth/logout', { refreshToken: refreshed.body.refreshToken })).status).toBe(
      204,
    );

    const ready = await api.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.dependencies).toMatchObject({
      'user-service': 'down',
      'auth-service': 'up',
      cache: 'up',
    });

    // Enough failures trip the breaker: from then on the answer is 503 without a network attempt.
    for (let i = 0; i < 6; i++) expect((await api.get(`/api/users/${username}`)).status).toBe(503);

    await target.cluster.startProcess('user');
    const recovered = await eventually('profile routes recovering', async () => {
      const res = await api.get(`/api/users/${username}`);
      return res.status === 200 ? res : undefined;
    });
    expect(recovered.body.username).toBe(username);
    expect(target.cluster.pid('gateway')).toBe(gatewayPid);
    expect((await api.get('/readyz')).body.dependencies['user-service']).toBe('up');
  }, 180_000);
});
