import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { MemoryCache } from '../../platform/cache/memory.cache.js';
import { rateLimitHook } from './rate-limit.hook.js';
import { RateLimiter } from './rate-limiter.js';

/*
 * At a multiplier of 0.05: 3 uploads, 6 writes and 30 requests a minute per user. The routes
 * stand in for the real ones; what matters is their method and route config.
 */
describe('rateLimitHook: per-user write and upload buckets', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = Fastify();
    app.addHook('onRequest', (request, _reply, done) => {
      const user = request.headers['x-user'];
      if (typeof user === 'string') request.principal = { userId: user, username: user };
      done();
    });
    app.addHook(
      'onRequest',
      rateLimitHook(new RateLimiter(new MemoryCache()), {
        multiplier: 0.05,
        onError: (err) => {
          throw err;
        },
      }),
    );
    app.post('/api/media', { config: { rateLimitBucket: 'upload' } }, (_request, reply) =>
      reply.send({ ok: true }),
    );
    app.post('/api/posts', (_request, reply) => reply.send({ ok: true }));
    app.get('/api/posts', (_request, reply) => reply.send({ ok: true }));
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
  });

  const hit = (method: 'GET' | 'POST', url: string, user: string) =>
    app.inject({ method, url, headers: { 'x-user': user } });

  it('limits uploads per user, apart from other writes', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await hit('POST', '/api/media', 'uploader')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await hit('POST', '/api/media', 'uploader');
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.json()).toMatchObject({ status: 429 });
    // Another user has a bucket of their own.
    expect((await hit('POST', '/api/media', 'someone-else')).statusCode).toBe(200);
  });

  it('limits writes such as post creation per user, and leaves reads to the general limit', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await hit('POST', '/api/posts', 'poster')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    expect((await hit('GET', '/api/posts', 'poster')).statusCode).toBe(200);
  });
});
