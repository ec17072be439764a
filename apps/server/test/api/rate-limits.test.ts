import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient, uniqueName } from '../support/http-client.js';
import { startEmbeddedApp, type StartedApp } from '../support/start-app.js';

/**
 * Limits at RATE_LIMIT_MULTIPLIER=0.01: 12 requests a minute per address, one credential
 * request a minute per address. The other suites run with a large multiplier instead.
 */
describe('rate limits', () => {
  let target: StartedApp;
  let api: ApiClient;

  beforeAll(async () => {
    target = await startEmbeddedApp({ RATE_LIMIT_MULTIPLIER: '0.01' });
    api = new ApiClient(target.baseUrl);
  });

  afterAll(async () => {
    await target?.close();
  });

  it('limits credential endpoints, then every API request per address, with RateLimit-* and Retry-After', async () => {
    const username = uniqueName('rl');
    const first = await api.post('/api/auth/signup', {
      username,
      email: `${username}@example.com`,
      password: 'a long password',
    });
    expect(first.status).toBe(201);
    expect(first.headers.get('ratelimit-limit')).toBe('1');
    expect(first.headers.get('ratelimit-remaining')).toBe('0');

    const second = await api.post('/api/auth/login', { login: username, password: 'a long password' });
    expect(second.status).toBe(429);
    expect(second.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(second.headers.get('retry-after'))).toBeLessThanOrEqual(60);

    const remaining: number[] = [];
    let limited;
    for (let i = 0; i < 20 && !limited; i++) {
      const res = await api.get(`/api/users?query=${username}`);
      if (res.status === 429) limited = res;
      else {
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit-limit')).toBe('12');
        remaining.push(Number(res.headers.get('ratelimit-remaining')));
      }
    }
    // Two requests were spent above; ten more fit in the window of twelve.
    expect(remaining).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
    expect(limited?.status).toBe(429);
    expect(limited?.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited?.body).toMatchObject({ status: 429, type: '/problems/rate-limited' });

    // Operations endpoints are never limited: probes must always get through.
    expect((await api.get('/healthz')).status).toBe(200);
    expect((await api.get('/readyz')).status).toBe(200);
  });
});
