import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ApiClient, uniqueName } from '../support/http-client.js';
import { startEmbeddedApp, startRealApp, type StartedApp } from '../support/start-app.js';
import { publishedPost } from './engagement.scenarios.js';

/**
 * Counters drift (a cache write lost while Redis was away, a crash between a commit and its
 * increment); the reconciler finds it and puts them back to PostgreSQL's COUNT(*). Run on both
 * infrastructures: memory cache and PGlite, Redis and PostgreSQL.
 */
describe.each([
  ['embedded infrastructure', () => startEmbeddedApp()],
  ['real infrastructure', () => startRealApp()],
])('counter reconciliation on %s', (_name, start) => {
  let target: StartedApp;
  let api: ApiClient;

  beforeAll(async () => {
    target = await start();
    api = new ApiClient(target.baseUrl);
  });

  afterAll(async () => {
    await target?.close();
  });

  async function signup() {
    const username = uniqueName('rc');
    const res = await api.post('/api/auth/signup', {
      username,
      email: `${username}@example.com`,
      password: 'a long password',
    });
    expect(res.status, res.text).toBe(201);
    return { id: res.body.user.id as string, username, accessToken: res.body.accessToken as string };
  }

  it('repairs drifted like and comment counters to COUNT(*) and reports the drift', async () => {
    const author = await signup();
    const postId = await publishedPost(api, author, 900);
    const fans = [await signup(), await signup(), await signup()];
    for (const fan of fans) {
      expect((await api.put(`/api/posts/${postId}/like`, { token: fan.accessToken })).status).toBe(200);
    }
    for (const fan of fans.slice(0, 2)) {
      const res = await api.post(
        `/api/posts/${postId}/comments`,
        { body: 'nice' },
        { token: fan.accessToken },
      );
      expect(res.status).toBe(201);
    }
    expect((await api.get(`/api/posts/${postId}`)).body).toMatchObject({ likeCount: 3, commentCount: 2 });

    // Drift, as a lost write would leave it.
    const cache = target.app.infrastructure.cache!;
    await cache.set(`like_count:${postId}`, '40');
    await cache.set(`comment_count:${postId}`, '0');
    expect((await api.get(`/api/posts/${postId}`)).body).toMatchObject({ likeCount: 40, commentCount: 0 });

    const { like, comment } = target.app.services.local;
    const likes = await like!.reconcile({});
    const comments = await comment!.reconcile({});
    expect(Number(likes.drifted)).toBeGreaterThanOrEqual(1);
    expect(Number(likes.drift)).toBeGreaterThanOrEqual(37);
    expect(Number(comments.drift)).toBeGreaterThanOrEqual(2);
    expect((await api.get(`/api/posts/${postId}`)).body).toMatchObject({ likeCount: 3, commentCount: 2 });

    // And once repaired there is nothing left to repair.
    expect(Number((await like!.reconcile({})).drifted)).toBe(0);
    expect(Number((await comment!.reconcile({})).drifted)).toBe(0);
  });
});
