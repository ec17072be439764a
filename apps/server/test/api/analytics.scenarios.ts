import { describe, expect, it } from 'vitest';

import { eventually } from '../support/eventually.js';
import type { ApiClient } from '../support/http-client.js';
import { publishedPost } from './engagement.scenarios.js';

type Person = { id: string; username: string; password: string; accessToken: string };

export interface AnalyticsScenarioContext {
  api: ApiClient;
  signup(): Promise<Person>;
  grantAdmin(username: string): Promise<void>;
}

interface Figures {
  followersGained: number;
  followersLost: number;
  likes: number;
  comments: number;
  impressions: number;
}

/**
 * Creator analytics, impressions and operators' figures through the public API, on every
 * shape: counted asynchronously from events, impressions once per viewer, post and hour, only
 * aggregates out, each resource for its owner only.
 */
export function describeAnalyticsScenarios(context: () => AnalyticsScenarioContext): void {
  const ctx = () => context();
  let seed = 1300;

  const impressions = (viewer: Person, postIds: unknown) =>
    ctx().api.post('/api/analytics/impressions', { postIds }, { token: viewer.accessToken });

  async function totals(person: Person): Promise<Figures> {
    const res = await ctx().api.get('/api/analytics/me', { token: person.accessToken });
    expect(res.status, res.text).toBe(200);
    return res.body.totals as Figures;
  }

  describe('analytics', () => {
    it('counts impressions once per viewer, post and hour, and never the author’s own', async () => {
      const author = await ctx().signup();
      const [ana, ben] = [await ctx().signup(), await ctx().signup()];
      const postId = await publishedPost(ctx().api, author, seed++);

      const first = await impressions(ana, [postId, postId]);
      expect(first.status, first.text).toBe(202);
      expect(first.body).toEqual({ accepted: 1 });
      expect((await impressions(ana, [postId])).status).toBe(202);
      expect((await impressions(ben, [postId])).status).toBe(202);
      expect((await impressions(author, [postId])).status).toBe(202);

      await eventually(async () => expect((await totals(author)).impressions).toBe(2));
      const post = await ctx().api.get(`/api/analytics/posts/${postId}`, { token: author.accessToken });
      expect(post.status, post.text).toBe(200);
      expect(post.body.totals.impressions).toBe(2);
    });

    it('rolls up followers gained and lost, likes and comments into days and top posts', async () => {
      const author = await ctx().signup();
      const fan = await ctx().signup();
      const quiet = await publishedPost(ctx().api, author, seed++);
      const popular = await publishedPost(ctx().api, author, seed++);
      await ctx().api.put(`/api/users/${author.username}/follow`, { token: fan.accessToken });
      await ctx().api.put(`/api/posts/${popular}/like`, { token: fan.accessToken });
      await ctx().api.post(`/api/posts/${popular}/comments`, { body: 'wow' }, { token: fan.accessToken });
      await ctx().api.delete(`/api/users/${author.username}/follow`, { token: fan.accessToken });
      await impressions(fan, [quiet, popular]);

      await eventually(async () =>
        expect(await totals(author)).toEqual({
          followersGained: 1,
          followersLost: 1,
          likes: 1,
          comments: 1,
          impressions: 2,
        }),
      );
      const res = await ctx().api.get('/api/analytics/me?days=7', { token: author.accessToken });
      expect(res.body.days).toHaveLength(7);
      const today = new Date().toISOString().slice(0, 10);
      // The last day is today (unless the clock crossed midnight UTC since the likes).
      const last = res.body.days.at(-1);
      if (last.date === today) expect(last).toMatchObject({ likes: 1, comments: 1, impressions: 2 });
      expect(res.body.days.map((day: { date: string }) => day.date)).toEqual(
        [...res.body.days.map((day: { date: string }) => day.date)].sort(),
      );
      expect(res.body.topPosts.map((top: { post: { id: string } }) => top.post.id)).toEqual([popular, quiet]);
      expect(res.body.topPosts[0]).toMatchObject({ likes: 1, comments: 1, impressions: 1 });
      expect(res.body.topPosts[0].post.thumbnailUrl).toEqual(expect.any(String));
      // Aggregates only: nothing names who viewed or engaged.
      expect(res.text).not.toContain(fan.id);
      expect(res.text).not.toContain(fan.username);

      expect(
        (await ctx().api.get('/api/analytics/me', { token: author.accessToken })).body.days,
      ).toHaveLength(30);
      // An unlike is counted too: the figures are net.
      await ctx().api.delete(`/api/posts/${popular}/like`, { token: fan.accessToken });
      await eventually(async () => expect((await totals(author)).likes).toBe(0));
    });

    it('shows a post’s figures to its author only', async () => {
      const author = await ctx().signup();
      const stranger = await ctx().signup();
      const postId = await publishedPost(ctx().api, author, seed++);
      const path = `/api/analytics/posts/${postId}`;

      const mine = await ctx().api.get(`${path}?days=3`, { token: author.accessToken });
      expect(mine.status, mine.text).toBe(200);
      expect(mine.body).toMatchObject({ postId, days: expect.any(Array) });
      expect(mine.body.days).toHaveLength(3);
      const theirs = await ctx().api.get(path, { token: stranger.accessToken });
      expect(theirs.status).toBe(403);
      expect(theirs.headers.get('content-type')).toContain('application/problem+json');
      expect((await ctx().api.get(path)).status).toBe(401);
      expect(
        (await ctx().api.get('/api/analytics/posts/999999999', { token: author.accessToken })).status,
      ).toBe(404);
      await ctx().api.delete(`/api/posts/${postId}`, { token: author.accessToken });
      expect((await ctx().api.get(path, { token: author.accessToken })).status).toBe(404);
    });

    it('refuses bad periods and bad impression batches with problems', async () => {
      const viewer = await ctx().signup();
      for (const days of ['0', '366', 'many']) {
        const res = await ctx().api.get(`/api/analytics/me?days=${days}`, { token: viewer.accessToken });
        expect(res.status, days).toBe(422);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
      const tooMany = Array.from({ length: 101 }, (_, i) => String(1000 + i));
      for (const postIds of [[], tooMany, ['not-an-id'], 'x']) {
        const res = await impressions(viewer, postIds);
        expect(res.status, JSON.stringify(postIds).slice(0, 40)).toBe(422);
      }
      expect((await ctx().api.post('/api/analytics/impressions', { postIds: ['1'] })).status).toBe(401);
    });

    it('gives operators system figures, and nobody else', async () => {
      const operator = await ctx().signup();
      const someone = await ctx().signup();
      await publishedPost(ctx().api, someone, seed++);
      // Not yet an operator: the role is granted out of band and shows in the next token.
      expect((await ctx().api.get('/api/admin/stats', { token: operator.accessToken })).status).toBe(403);
      await ctx().grantAdmin(operator.username);
      const login = await ctx().api.post('/api/auth/login', {
        login: operator.username,
        password: operator.password,
      });
      expect(login.status, login.text).toBe(200);
      const admin = { accessToken: login.body.accessToken as string };

      expect((await ctx().api.get('/api/admin/stats')).status).toBe(401);
      const refused = await ctx().api.get('/api/admin/stats', { token: someone.accessToken });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');

      const stats = await ctx().api.get('/api/admin/stats', { token: admin.accessToken });
      expect(stats.status, stats.text).toBe(200);
      expect(stats.body.users.count).toBeGreaterThanOrEqual(2);
      expect(stats.body.posts.count).toBeGreaterThanOrEqual(1);
      expect(stats.body.perMinute).toEqual({
        likes: expect.any(Number),
        comments: expect.any(Number),
        posts: expect.any(Number),
        follows: expect.any(Number),
        impressions: expect.any(Number),
      });
      const groups = stats.body.consumerLag.map((lag: { group: string }) => lag.group);
      expect(groups).toEqual(expect.arrayContaining(['fanout', 'notifications', 'analytics']));
      expect(stats.body.fanoutLagSeconds === null || typeof stats.body.fanoutLagSeconds === 'number').toBe(
        true,
      );
    });
  });
}
