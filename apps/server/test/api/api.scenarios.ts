import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { EventBus, EventEnvelope } from '../../src/platform/events/events.port.js';
import { ApiClient, uniqueName } from '../support/http-client.js';
import { describeAnalyticsScenarios } from './analytics.scenarios.js';
import { describeEngagementScenarios } from './engagement.scenarios.js';
import { describeFeedScenarios } from './feed.scenarios.js';
import { describeMediaAndPostScenarios } from './media.scenarios.js';
import { describeNotificationScenarios } from './notifications.scenarios.js';

/** A running Glimpse to test through its public HTTP API. */
export interface ApiTarget {
  baseUrl: string;
  /** The event bus the target publishes to, to observe events the API caused. */
  bus: EventBus;
  /** Gives an account the admin role, as an operator would (`npm run admin -- grant`). */
  grantAdmin(username: string): Promise<void>;
  close(): Promise<void>;
}

interface SignedUp {
  id: string;
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

const PASSWORD = 'correct horse battery';

/**
 * The HTTP API scenarios, run unchanged against every deployment shape and infrastructure:
 * the same requests must give the same answers whatever runs underneath.
 */
export function describeApiSuite(name: string, start: () => Promise<ApiTarget>): void {
  describe(`HTTP API on ${name}`, () => {
    let target: ApiTarget;
    let api: ApiClient;
    const received: EventEnvelope[] = [];
    let closeSubscription: (() => Promise<void>) | undefined;

    async function signup(
      overrides: Partial<{ username: string; email: string; displayName: string }> = {},
    ): Promise<SignedUp> {
      const username = overrides.username ?? uniqueName();
      const email = overrides.email ?? `${username}@example.com`;
      const res = await api.post('/api/auth/signup', {
        username,
        email,
        password: PASSWORD,
        displayName: overrides.displayName,
      });
      expect(res.status, res.text).toBe(201);
      return {
        id: res.body.user.id,
        username,
        email,
        password: PASSWORD,
        accessToken: res.body.accessToken,
        refreshToken: res.body.refreshToken,
      };
    }

    async function waitForEvent(
      predicate: (event: EventEnvelope) => boolean,
      timeoutMs = 20_000,
    ): Promise<EventEnvelope> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = received.find(predicate);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(
            `event not received within ${timeoutMs} ms; got ${received.map((e) => e.type).join(', ')}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }

    beforeAll(async () => {
      target = await start();
      api = new ApiClient(target.baseUrl);
      const subscription = await target.bus.subscribe({
        group: `api-test-${randomUUID()}`,
        topics: [
          'follow.created',
          'follow.removed',
          'post.published',
          'post.deleted',
          'like.created',
          'like.removed',
          'comment.created',
          'comment.deleted',
        ],
        handler: (event) => {
          received.push(event);
          return Promise.resolve();
        },
      });
      closeSubscription = () => subscription.close();
    });

    afterAll(async () => {
      await closeSubscription?.();
      await target?.close();
    });

    describe('operations', () => {
      it('answers /healthz, /readyz and /metrics', async () => {
        expect((await api.get('/healthz')).body).toEqual({ status: 'ok' });
        const ready = await api.get('/readyz');
        expect(ready.status).toBe(200);
        expect(ready.body.status).toBe('ready');
        // Which dependencies a gateway has depends on the shape; all of them must be up.
        expect(ready.body.dependencies).toHaveProperty('cache', 'up');
        expect(Object.values(ready.body.dependencies)).toEqual(
          Array(Object.keys(ready.body.dependencies).length).fill('up'),
        );
        await api.get('/api/users/nobody-here');
        const metrics = await api.get('/metrics');
        expect(metrics.status).toBe(200);
        expect(metrics.text).toContain('http_requests_total');
        expect(metrics.text).toContain('http_request_duration_seconds_bucket');
      });

      it('serves Swagger UI and an OpenAPI 3.1 document that lists every route', async () => {
        const ui = await api.get('/api/docs');
        expect(ui.status).toBe(200);
        expect(ui.text).toContain('swagger-ui');
        const doc = await api.get('/api/docs/openapi.json');
        expect(doc.status).toBe(200);
        expect(doc.body.openapi).toBe('3.1.0');
        expect(Object.keys(doc.body.paths)).toEqual(
          expect.arrayContaining([
            '/api/auth/signup',
            '/api/auth/login',
            '/api/auth/refresh',
            '/api/auth/logout',
            '/api/users/me',
            '/api/users',
            '/api/users/{username}',
            '/api/users/{username}/followers',
            '/api/users/{username}/following',
            '/api/users/{username}/follow',
          ]),
        );
        expect(doc.body.components.schemas.User.properties.viewer).toBeDefined();
      });

      it('continues the caller’s trace through the request into the events it causes', async () => {
        const ana = await signup();
        const ben = await signup();
        const traceId = randomUUID().replaceAll('-', '');
        const traceparent = `00-${traceId}-${'1'.repeat(16)}-01`;
        const res = await api.put(`/api/users/${ben.username}/follow`, {
          token: ana.accessToken,
          headers: { traceparent },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('traceparent')).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
        const event = await waitForEvent(
          (e) => e.type === 'follow.created' && (e.payload as { followerId?: string }).followerId === ana.id,
        );
        expect(event.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      });

      it('serves the web app at / with deep links, and keeps API 404s as problems', async () => {
        const home = await api.get('/');
        expect(home.status).toBe(200);
        expect(home.headers.get('content-type')).toContain('text/html');
        expect(home.text).toContain('<title>Glimpse</title>');
        expect(home.headers.get('cache-control')).toBe('no-cache');
        const deepLink = await api.get('/u/somebody/followers');
        expect(deepLink.status).toBe(200);
        expect(deepLink.text).toBe(home.text);
        const asset = /(?:src|href)="(\/assets\/[^"]+\.js)"/.exec(home.text)?.[1];
        expect(asset).toBeDefined();
        const script = await api.get(asset!);
        expect(script.status).toBe(200);
        expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
        const apiMiss = await api.get('/api/no/such/route');
        expect(apiMiss.status).toBe(404);
        expect(apiMiss.headers.get('content-type')).toContain('application/problem+json');
      });

      it('sets security headers and a request id', async () => {
        const res = await api.get('/healthz', { headers: { 'x-request-id': 'test-request-1' } });
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('x-frame-options')).toBeTruthy();
        expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
        expect(res.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
        expect(res.headers.get('x-request-id')).toBe('test-request-1');
      });
    });

    describe('errors are problem+json', () => {
      it('404 for an unknown route', async () => {
        const res = await api.get('/api/nothing-here');
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body).toMatchObject({ status: 404, title: 'Not Found' });
      });

      it('400 for malformed JSON', async () => {
        const res = await api.request('POST', '/api/auth/login', {
          raw: { body: '{"login": ', contentType: 'application/json' },
        });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body.status).toBe(400);
      });

      it('415 for a content type the route does not take', async () => {
        const res = await api.request('POST', '/api/auth/login', {
          raw: { body: 'login=a&password=b', contentType: 'text/plain' },
        });
        expect(res.status).toBe(415);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      });

      it('413 for a body over the limit', async () => {
        const huge = JSON.stringify({ login: 'x'.repeat(2 * 1024 * 1024), password: 'y' });
        const res = await api.request('POST', '/api/auth/login', {
          raw: { body: huge, contentType: 'application/json' },
        });
        expect(res.status).toBe(413);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      });

      it('422 with every invalid field named', async () => {
        const res = await api.post('/api/auth/signup', {
          username: 'a!',
          email: 'not-an-email',
          password: 'short',
        });
        expect(res.status).toBe(422);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        const paths = res.body.errors.map((e: { path: string }) => e.path);
        expect(paths).toEqual(expect.arrayContaining(['username', 'email', 'password']));
      });

      it('422 for a body that is not an object, and for bad query parameters', async () => {
        expect(
          (
            await api.request('POST', '/api/auth/login', {
              raw: { body: '[1,2]', contentType: 'application/json' },
            })
          ).status,
        ).toBe(422);
        const res = await api.get('/api/users?limit=5000');
        expect(res.status).toBe(422);
        expect(res.body.errors[0].path).toBe('query.limit');
      });

      it('400 for a cursor that is not ours', async () => {
        const user = await signup();
        const res = await api.get(`/api/users/${user.username}/followers?cursor=garbage`);
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      });
    });

    describe('auth', () => {
      it('signs up and returns the user with tokens', async () => {
        const username = uniqueName('new');
        const res = await api.post('/api/auth/signup', {
          username,
          email: `${username}@Example.com`,
          password: PASSWORD,
          displayName: 'New Person',
        });
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({
          user: {
            username,
            displayName: 'New Person',
            avatar: null,
            bio: '',
            followerCount: 0,
            followingCount: 0,
            postCount: 0,
            viewer: null,
            email: `${username}@example.com`,
          },
          expiresIn: 900,
        });
        expect(res.body.user.id).toMatch(/^[0-9]+$/);
        expect(typeof res.body.accessToken).toBe('string');
        expect(typeof res.body.refreshToken).toBe('string');
        expect(new Date(res.body.user.createdAt).toISOString()).toBe(res.body.user.createdAt);
      });

      it('409 when the username or email is taken', async () => {
        const user = await signup();
        const sameName = await api.post('/api/auth/signup', {
          username: user.username.toUpperCase(),
          email: `other-${user.email}`,
          password: PASSWORD,
        });
        expect(sameName.status).toBe(409);
        expect(sameName.headers.get('content-type')).toContain('application/problem+json');
        const sameEmail = await api.post('/api/auth/signup', {
          username: uniqueName(),
          email: user.email.toUpperCase(),
          password: PASSWORD,
        });
        expect(sameEmail.status).toBe(409);
      });

      it('logs in by username or email; wrong credentials are 401', async () => {
        const user = await signup();
        const byName = await api.post('/api/auth/login', { login: user.username, password: PASSWORD });
        expect(byName.status).toBe(200);
        expect(byName.body.user).toMatchObject({ id: user.id, username: user.username, email: user.email });
        const byEmail = await api.post('/api/auth/login', {
          login: user.email.toUpperCase(),
          password: PASSWORD,
        });
        expect(byEmail.status).toBe(200);
        const wrong = await api.post('/api/auth/login', {
          login: user.username,
          password: 'wrong password!',
        });
        expect(wrong.status).toBe(401);
        expect(wrong.headers.get('content-type')).toContain('application/problem+json');
        const unknown = await api.post('/api/auth/login', { login: uniqueName('ghost'), password: PASSWORD });
        expect(unknown.status).toBe(401);
        expect(unknown.body.detail).toBe(wrong.body.detail);
      });

      it('rotates refresh tokens and revokes the family when a spent one is reused', async () => {
        const user = await signup();
        const first = await api.post('/api/auth/refresh', { refreshToken: user.refreshToken });
        expect(first.status).toBe(200);
        expect(first.body.refreshToken).not.toBe(user.refreshToken);
        expect(first.body.expiresIn).toBe(900);
        const me = await api.get('/api/users/me', { token: first.body.accessToken });
        expect(me.status).toBe(200);
        // The spent token again: theft is assumed, the whole family dies.
        expect((await api.post('/api/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(401);
        expect((await api.post('/api/auth/refresh', { refreshToken: first.body.refreshToken })).status).toBe(
          401,
        );
      });

      it('logout revokes the refresh token; logging out twice is fine', async () => {
        const user = await signup();
        expect((await api.post('/api/auth/logout', { refreshToken: user.refreshToken })).status).toBe(204);
        expect((await api.post('/api/auth/logout', { refreshToken: user.refreshToken })).status).toBe(204);
        expect((await api.post('/api/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(401);
      });

      it('401 without a token, with a bad token, and with a tampered token', async () => {
        expect((await api.get('/api/users/me')).status).toBe(401);
        expect((await api.get('/api/users/me', { token: 'not-a-jwt' })).status).toBe(401);
        const user = await signup();
        const tampered = user.accessToken.slice(0, -3) + (user.accessToken.endsWith('AAA') ? 'BBB' : 'AAA');
        const res = await api.get('/api/users/me', { token: tampered });
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      });

      it('limits failed logins to ten per account, whatever the multiplier', async () => {
        const user = await signup();
        for (let i = 0; i < 10; i++) {
          expect(
            (await api.post('/api/auth/login', { login: user.username, password: `wrong-${i}-password` }))
              .status,
          ).toBe(401);
        }
        const blocked = await api.post('/api/auth/login', { login: user.username, password: PASSWORD });
        expect(blocked.status).toBe(429);
        expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(blocked.headers.get('ratelimit-limit')).toBe('10');
        expect(blocked.headers.get('ratelimit-remaining')).toBe('0');
        expect(blocked.headers.get('content-type')).toContain('application/problem+json');
      });
    });

    describe('profiles', () => {
      it('GET /api/users/me includes the email; others see no email', async () => {
        const user = await signup({ displayName: 'Mia Me' });
        const me = await api.get('/api/users/me', { token: user.accessToken });
        expect(me.status).toBe(200);
        expect(me.body).toMatchObject({
          id: user.id,
          username: user.username,
          displayName: 'Mia Me',
          email: user.email,
          viewer: null,
        });
        const other = await signup();
        const seen = await api.get(`/api/users/${user.username}`, { token: other.accessToken });
        expect(seen.status).toBe(200);
        expect(seen.body.email).toBeUndefined();
        expect(seen.body.viewer).toEqual({ following: false, followedBy: false });
        const anonymous = await api.get(`/api/users/${user.username.toUpperCase()}`);
        expect(anonymous.status).toBe(200);
        expect(anonymous.body.viewer).toBeNull();
      });

      it('404 for an unknown user', async () => {
        const res = await api.get(`/api/users/${uniqueName('nobody')}`);
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      });

      it('PATCH /api/users/me updates display name and bio, and validates them', async () => {
        const user = await signup();
        const res = await api.patch(
          '/api/users/me',
          { displayName: '  Ana Lima ', bio: 'Photos of 🌊 and ☕' },
          { token: user.accessToken },
        );
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ displayName: 'Ana Lima', bio: 'Photos of 🌊 and ☕' });
        expect((await api.get(`/api/users/${user.username}`)).body.bio).toBe('Photos of 🌊 and ☕');
        const tooLong = await api.patch(
          '/api/users/me',
          { bio: 'x'.repeat(151) },
          { token: user.accessToken },
        );
        expect(tooLong.status).toBe(422);
        expect(tooLong.body.errors[0].path).toBe('bio');
        const unknownMedia = await api.patch(
          '/api/users/me',
          { avatarMediaId: '12345' },
          { token: user.accessToken },
        );
        expect(unknownMedia.status).toBe(422);
        expect(unknownMedia.body.errors[0].path).toBe('avatarMediaId');
        expect((await api.patch('/api/users/me', { bio: 'x' })).status).toBe(401);
      });

      it('searches by username or display name prefix, case-insensitively', async () => {
        const tag = uniqueName('srch').slice(0, 14);
        const a = await signup({ username: `${tag}_a`, displayName: 'Zed Alpha' });
        const b = await signup({ username: `${tag}_b`, displayName: 'Zed Beta' });
        const byName = await api.get(`/api/users?query=${tag.toUpperCase()}`);
        expect(byName.status).toBe(200);
        expect(byName.body.items.map((u: { id: string }) => u.id)).toEqual([a.id, b.id]);
        expect(byName.body.items[0]).toEqual({
          id: a.id,
          username: a.username,
          displayName: 'Zed Alpha',
          avatar: null,
        });
        const page = await api.get(`/api/users?query=${tag}&limit=1`);
        expect(page.body.items).toHaveLength(1);
        const next = await api.get(
          `/api/users?query=${tag}&limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`,
        );
        expect(next.body.items[0].id).toBe(b.id);
        expect((await api.get('/api/users?query=%25')).body.items).toEqual([]);
        expect((await api.get('/api/users?query=')).body).toEqual({ items: [], nextCursor: null });
      });
    });

    describe('follows', () => {
      it('follow, followers, following, viewer flags, unfollow — all idempotent', async () => {
        const ana = await signup();
        const ben = await signup();
        const follow = await api.put(`/api/users/${ben.username}/follow`, { token: ana.accessToken });
        expect(follow.status).toBe(200);
        expect(follow.body).toEqual({ following: true, followerCount: 1 });
        expect((await api.put(`/api/users/${ben.username}/follow`, { token: ana.accessToken })).body).toEqual(
          { following: true, followerCount: 1 },
        );

        const followers = await api.get(`/api/users/${ben.username}/followers`);
        expect(followers.body).toEqual({
          items: [{ id: ana.id, username: ana.username, displayName: ana.username, avatar: null }],
          nextCursor: null,
        });
        const following = await api.get(`/api/users/${ana.username}/following`);
        expect(following.body.items.map((u: { id: string }) => u.id)).toEqual([ben.id]);

        const benSeenByAna = await api.get(`/api/users/${ben.username}`, { token: ana.accessToken });
        expect(benSeenByAna.body).toMatchObject({
          followerCount: 1,
          viewer: { following: true, followedBy: false },
        });
        const anaSeenByBen = await api.get(`/api/users/${ana.username}`, { token: ben.accessToken });
        expect(anaSeenByBen.body).toMatchObject({
          followingCount: 1,
          viewer: { following: false, followedBy: true },
        });

        const event = await waitForEvent(
          (e) => e.type === 'follow.created' && (e.payload as { followerId?: string }).followerId === ana.id,
        );
        expect(event).toMatchObject({ key: ben.id, payload: { followerId: ana.id, followeeId: ben.id } });

        const unfollow = await api.delete(`/api/users/${ben.username}/follow`, { token: ana.accessToken });
        expect(unfollow.body).toEqual({ following: false, followerCount: 0 });
        expect(
          (await api.delete(`/api/users/${ben.username}/follow`, { token: ana.accessToken })).body,
        ).toEqual({ following: false, followerCount: 0 });
        await waitForEvent(
          (e) => e.type === 'follow.removed' && (e.payload as { followerId?: string }).followerId === ana.id,
        );
        expect(
          received.filter(
            (e) =>
              e.type === 'follow.created' && (e.payload as { followerId?: string }).followerId === ana.id,
          ),
        ).toHaveLength(1);
      });

      it('ten concurrent follows count once', async () => {
        const fan = await signup();
        const star = await signup();
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            api.put(`/api/users/${star.username}/follow`, { token: fan.accessToken }),
          ),
        );
        expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
        const profile = await api.get(`/api/users/${star.username}`);
        expect(profile.body.followerCount).toBe(1);
        expect((await api.get(`/api/users/${star.username}/followers`)).body.items).toHaveLength(1);
      });

      it('422 for following yourself, 404 for an unknown user, 401 signed out', async () => {
        const me = await signup();
        const self = await api.put(`/api/users/${me.username}/follow`, { token: me.accessToken });
        expect(self.status).toBe(422);
        expect(self.headers.get('content-type')).toContain('application/problem+json');
        expect(
          (await api.put(`/api/users/${uniqueName('ghost')}/follow`, { token: me.accessToken })).status,
        ).toBe(404);
        expect((await api.put(`/api/users/${me.username}/follow`)).status).toBe(401);
        expect((await api.get(`/api/users/${uniqueName('ghost')}/followers`)).status).toBe(404);
      });

      it('pages through followers newest first without duplicates or gaps', async () => {
        const star = await signup();
        const fans: SignedUp[] = [];
        for (let i = 0; i < 23; i++) fans.push(await signup());
        for (const fan of fans) {
          expect(
            (await api.put(`/api/users/${star.username}/follow`, { token: fan.accessToken })).status,
          ).toBe(200);
        }
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
          const page = await api.get(`/api/users/${star.username}/followers?limit=10${query}`);
          expect(page.status).toBe(200);
          seen.push(...page.body.items.map((u: { id: string }) => u.id));
          cursor = page.body.nextCursor;
        } while (cursor);
        expect(seen).toEqual(fans.map((f) => f.id).reverse());
      });
    });

    describe('idempotency keys', () => {
      it('replays the stored response for a repeated key and changes nothing', async () => {
        const ana = await signup();
        const ben = await signup();
        const key = randomUUID();
        const first = await api.put(`/api/users/${ben.username}/follow`, {
          token: ana.accessToken,
          headers: { 'idempotency-key': key },
        });
        expect(first.status).toBe(200);
        expect(first.headers.get('idempotent-replayed')).toBeNull();
        await api.delete(`/api/users/${ben.username}/follow`, { token: ana.accessToken });
        const replay = await api.put(`/api/users/${ben.username}/follow`, {
          token: ana.accessToken,
          headers: { 'idempotency-key': key },
        });
        expect(replay.status).toBe(200);
        expect(replay.headers.get('idempotent-replayed')).toBe('true');
        expect(replay.body).toEqual(first.body);
        // The replay did not follow again.
        expect((await api.get(`/api/users/${ben.username}`)).body.followerCount).toBe(0);
      });

      it('replays a signup, and 422 for the same key with a different body', async () => {
        const key = randomUUID();
        const username = uniqueName('idem');
        const body = { username, email: `${username}@example.com`, password: PASSWORD };
        const first = await api.post('/api/auth/signup', body, { headers: { 'idempotency-key': key } });
        expect(first.status).toBe(201);
        const again = await api.post('/api/auth/signup', body, { headers: { 'idempotency-key': key } });
        expect(again.status).toBe(201);
        expect(again.headers.get('idempotent-replayed')).toBe('true');
        expect(again.body.user.id).toBe(first.body.user.id);
        const different = await api.post(
          '/api/auth/signup',
          { ...body, username: `${username}x`.slice(0, 30) },
          { headers: { 'idempotency-key': key } },
        );
        expect(different.status).toBe(422);
        expect(different.headers.get('content-type')).toContain('application/problem+json');
      });

      it('409 while the first request with the key is still running', async () => {
        const key = randomUUID();
        const username = uniqueName('race');
        const body = { username, email: `${username}@example.com`, password: PASSWORD };
        // Signup hashes a password (tens of milliseconds), so the second arrives mid-flight.
        const [a, b] = await Promise.all([
          api.post('/api/auth/signup', body, { headers: { 'idempotency-key': key } }),
          api.post('/api/auth/signup', body, { headers: { 'idempotency-key': key } }),
        ]);
        expect([a.status, b.status].sort()).toEqual([201, 409]);
      });

      it('400 for a key that is too long', async () => {
        const user = await signup();
        const res = await api.put(`/api/users/${user.username}/follow`, {
          token: user.accessToken,
          headers: { 'idempotency-key': 'k'.repeat(256) },
        });
        expect(res.status).toBe(400);
      });
    });

    describeMediaAndPostScenarios(() => ({ api, signup, waitForEvent }));
    describeFeedScenarios(() => ({ api, signup }));
    describeEngagementScenarios(() => ({ api, signup }));
    describeNotificationScenarios(() => ({ api, bus: target.bus, signup, waitForEvent }));
    describeAnalyticsScenarios(() => ({
      api,
      signup,
      grantAdmin: (username) => target.grantAdmin(username),
    }));
  });
}
