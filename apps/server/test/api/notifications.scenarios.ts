import { describe, expect, it } from 'vitest';

import type { EventBus, EventEnvelope } from '../../src/platform/events/events.port.js';
import { eventually } from '../support/eventually.js';
import type { ApiClient } from '../support/http-client.js';
import { SseClient } from '../../src/testing/sse-client.js';
import { publishedPost } from './engagement.scenarios.js';

type Person = { id: string; username: string; accessToken: string };

export interface NotificationScenarioContext {
  api: ApiClient;
  bus: EventBus;
  signup(): Promise<Person>;
  waitForEvent(predicate: (event: EventEnvelope) => boolean): Promise<EventEnvelope>;
}

interface NotificationDto {
  id: string;
  type: 'like' | 'comment' | 'follow';
  actors: Array<{ id: string; username: string }>;
  actorCount: number;
  post: { id: string; thumbnailUrl: string | null } | null;
  comment: { id: string; body: string } | null;
  createdAt: string;
  read: boolean;
}

/**
 * Notifications through the public API, on every shape: grouped on the server, kept exactly
 * once whatever the redeliveries, paged with stable cursors, and delivered live over SSE with
 * resume by Last-Event-ID.
 */
export function describeNotificationScenarios(context: () => NotificationScenarioContext): void {
  const ctx = () => context();
  let seed = 900;

  async function notificationsOf(person: Person, query = ''): Promise<NotificationDto[]> {
    const res = await ctx().api.get(`/api/notifications${query}`, { token: person.accessToken });
    expect(res.status, res.text).toBe(200);
    return res.body.items as NotificationDto[];
  }

  async function unreadCount(person: Person): Promise<number> {
    const res = await ctx().api.get('/api/notifications/unread-count', { token: person.accessToken });
    expect(res.status, res.text).toBe(200);
    return res.body.count as number;
  }

  const like = (fan: Person, postId: string) =>
    ctx().api.put(`/api/posts/${postId}/like`, { token: fan.accessToken });
  const follow = (fan: Person, author: Person) =>
    ctx().api.put(`/api/users/${author.username}/follow`, { token: fan.accessToken });
  const comment = (fan: Person, postId: string, body: string) =>
    ctx().api.post(`/api/posts/${postId}/comments`, { body }, { token: fan.accessToken });

  describe('notifications', () => {
    it('groups likes of one post: the actor count and the three newest actors, newest first', async () => {
      const author = await ctx().signup();
      const fans = [await ctx().signup(), await ctx().signup(), await ctx().signup(), await ctx().signup()];
      const postId = await publishedPost(ctx().api, author, seed++);
      for (const fan of fans) expect((await like(fan, postId)).status).toBe(200);

      await eventually(async () => {
        const items = await notificationsOf(author);
        expect(items).toHaveLength(1);
        expect(items[0]).toMatchObject({ type: 'like', actorCount: 4, read: false, comment: null });
        expect(items[0]!.actors.map((actor) => actor.username)).toEqual(
          [fans[3]!, fans[2]!, fans[1]!].map((fan) => fan.username),
        );
        expect(items[0]!.post?.id).toBe(postId);
        expect(items[0]!.post?.thumbnailUrl).toEqual(expect.any(String));
      });
      expect(await unreadCount(author)).toBe(1);
    });

    it('ignores acting on your own content, and keeps comments one notification each', async () => {
      const author = await ctx().signup();
      const fan = await ctx().signup();
      const postId = await publishedPost(ctx().api, author, seed++);
      expect((await like(author, postId)).status).toBe(200);
      expect((await comment(author, postId, 'my own')).status).toBe(201);
      expect((await comment(fan, postId, 'first 🎉')).status).toBe(201);
      expect((await comment(fan, postId, 'second')).status).toBe(201);

      // A post's events are consumed in order: once the fan's comments are in, the author's
      // own like and comment were seen and passed over.
      await eventually(async () => {
        const items = await notificationsOf(author);
        expect(items.map((item) => [item.type, item.comment?.body, item.actors[0]?.username])).toEqual([
          ['comment', 'second', fan.username],
          ['comment', 'first 🎉', fan.username],
        ]);
      });
    });

    it('groups follows; an unfollow or unlike before it is read takes the actor back', async () => {
      const author = await ctx().signup();
      const [ana, ben] = [await ctx().signup(), await ctx().signup()];
      const postId = await publishedPost(ctx().api, author, seed++);
      await follow(ana, author);
      await follow(ben, author);
      await like(ana, postId);
      await like(ben, postId);
      // Follows and likes are different topics, consumed side by side: their order may vary.
      const byType = async () => (await notificationsOf(author)).sort((a, b) => a.type.localeCompare(b.type));
      await eventually(async () => {
        expect((await byType()).map((item) => [item.type, item.actorCount])).toEqual([
          ['follow', 2],
          ['like', 2],
        ]);
      });

      await ctx().api.delete(`/api/posts/${postId}/like`, { token: ana.accessToken });
      await ctx().api.delete(`/api/users/${author.username}/follow`, { token: ben.accessToken });
      await eventually(async () => {
        expect(
          (await byType()).map((item) => [item.type, item.actors.map((actor) => actor.username)]),
        ).toEqual([
          ['follow', [ana.username]],
          ['like', [ben.username]],
        ]);
      });

      // The last actor gone, the notification goes too.
      await ctx().api.delete(`/api/posts/${postId}/like`, { token: ben.accessToken });
      await eventually(async () => {
        expect((await notificationsOf(author)).map((item) => item.type)).toEqual(['follow']);
      });
    });

    it('changes nothing when an event is delivered again', async () => {
      const author = await ctx().signup();
      const fan = await ctx().signup();
      const postId = await publishedPost(ctx().api, author, seed++);
      await like(fan, postId);
      const event = await ctx().waitForEvent(
        (e) => e.type === 'like.created' && (e.payload as { postId?: string }).postId === postId,
      );
      await eventually(async () => expect(await notificationsOf(author)).toHaveLength(1));
      const before = await notificationsOf(author);

      await ctx().bus.publish([event, event]);
      // A later event of the same post is consumed after the redelivered ones.
      await comment(fan, postId, 'after the replay');
      await eventually(async () => expect(await notificationsOf(author)).toHaveLength(2));
      const after = await notificationsOf(author);
      expect(after[1]).toEqual(before[0]);
      expect(await unreadCount(author)).toBe(2);
    });

    it('marks read up to a notification; activity after that opens a new notification', async () => {
      const author = await ctx().signup();
      const [ana, ben, cy] = [await ctx().signup(), await ctx().signup(), await ctx().signup()];
      const postId = await publishedPost(ctx().api, author, seed++);
      await follow(ana, author);
      await eventually(async () => expect(await notificationsOf(author)).toHaveLength(1));
      await like(ben, postId);
      await eventually(async () => expect(await notificationsOf(author)).toHaveLength(2));
      const [likes, follows] = await notificationsOf(author);

      const marked = await ctx().api.post(
        '/api/notifications/read',
        { upTo: follows!.id },
        { token: author.accessToken },
      );
      expect(marked.status, marked.text).toBe(204);
      expect(await unreadCount(author)).toBe(1);
      expect((await notificationsOf(author)).map((item) => item.read)).toEqual([false, true]);

      const all = await ctx().api.post('/api/notifications/read', {}, { token: author.accessToken });
      expect(all.status).toBe(204);
      expect(await unreadCount(author)).toBe(0);

      // A read group is closed: the next like is news again, the old one stays as it was.
      await like(cy, postId);
      await eventually(async () => expect(await unreadCount(author)).toBe(1));
      const items = await notificationsOf(author);
      expect(items).toHaveLength(3);
      expect(items[0]).toMatchObject({ type: 'like', actorCount: 1, read: false });
      expect(items[1]).toMatchObject({ id: likes!.id, actorCount: 1, read: true });

      // Read notifications are history: an unlike leaves them alone.
      await ctx().api.delete(`/api/posts/${postId}/like`, { token: ben.accessToken });
      await ctx().api.delete(`/api/posts/${postId}/like`, { token: cy.accessToken });
      await eventually(async () => expect(await notificationsOf(author)).toHaveLength(2));
      expect((await notificationsOf(author))[0]).toMatchObject({ id: likes!.id, read: true });
    });

    it('refuses marking read up to someone else’s notification, a malformed id, and anonymous callers', async () => {
      const author = await ctx().signup();
      const stranger = await ctx().signup();
      await follow(stranger, author);
      await eventually(async () => expect(await notificationsOf(author)).toHaveLength(1));
      const [mine] = await notificationsOf(author);

      const theirs = await ctx().api.post(
        '/api/notifications/read',
        { upTo: mine!.id },
        { token: stranger.accessToken },
      );
      expect(theirs.status).toBe(404);
      expect(theirs.headers.get('content-type')).toContain('application/problem+json');
      const malformed = await ctx().api.post(
        '/api/notifications/read',
        { upTo: 'x' },
        { token: author.accessToken },
      );
      expect([400, 422]).toContain(malformed.status);
      expect((await ctx().api.get('/api/notifications')).status).toBe(401);
      expect((await ctx().api.get('/api/notifications/unread-count')).status).toBe(401);
      expect(
        (await ctx().api.get('/api/notifications?cursor=nonsense', { token: author.accessToken })).status,
      ).toBe(400);
      // Only the stream takes its token from the query string.
      const viaQuery = await ctx().api.get(`/api/notifications?access_token=${author.accessToken}`);
      expect(viaQuery.status).toBe(401);
    });

    it('pages newest first with cursors that hold while notifications arrive', async () => {
      const author = await ctx().signup();
      const fan = await ctx().signup();
      const postId = await publishedPost(ctx().api, author, seed++);
      for (const body of ['c1', 'c2', 'c3', 'c4']) await comment(fan, postId, body);
      await eventually(async () => expect(await notificationsOf(author)).toHaveLength(4));

      const first = await ctx().api.get('/api/notifications?limit=2', { token: author.accessToken });
      expect(first.body.items.map((item: NotificationDto) => item.comment?.body)).toEqual(['c4', 'c3']);
      await comment(fan, postId, 'c5');
      await eventually(async () => expect(await notificationsOf(author)).toHaveLength(5));
      const second = await ctx().api.get(`/api/notifications?limit=2&cursor=${first.body.nextCursor}`, {
        token: author.accessToken,
      });
      // c5 arrived at the top: the pages below the cursor neither repeat c3 nor skip c2.
      expect(second.body.items.map((item: NotificationDto) => item.comment?.body)).toEqual(['c2', 'c1']);
      expect(second.body.nextCursor).toBeNull();
    });

    it('streams notifications and the unread count live, and resumes from Last-Event-ID', async () => {
      const author = await ctx().signup();
      const [ana, ben] = [await ctx().signup(), await ctx().signup()];
      const postId = await publishedPost(ctx().api, author, seed++);
      const url = new URL('/api/notifications/stream', ctx().api.baseUrl);

      const anonymous = await SseClient.open(url);
      expect(anonymous.status).toBe(401);

      const stream = await SseClient.open(url, { token: author.accessToken });
      try {
        expect(stream.status).toBe(200);
        expect(stream.contentType).toContain('text/event-stream');
        await stream.next((e) => e.event === 'unread-count' && JSON.parse(e.data).count === 0);

        await like(ana, postId);
        const liked = await stream.next((e) => e.event === 'notification');
        expect(JSON.parse(liked.data)).toMatchObject({ type: 'like', actorCount: 1, post: { id: postId } });
        expect(liked.id).toMatch(/^\d+$/);
        await stream.next((e) => e.event === 'unread-count' && JSON.parse(e.data).count === 1);

        // The same notification again, with the second actor, and a newer event id.
        await like(ben, postId);
        const grouped = await stream.next(
          (e) => e.event === 'notification' && JSON.parse(e.data).actorCount === 2,
        );
        expect(JSON.parse(grouped.data).id).toBe(JSON.parse(liked.data).id);
        expect(BigInt(grouped.id!)).toBeGreaterThan(BigInt(liked.id!));
      } finally {
        await stream.close();
      }

      // Away: what happens meanwhile arrives on reconnect, and nothing before it again.
      const lastEventId = stream.lastEventId;
      await comment(ana, postId, 'while you were away');
      await eventually(async () => expect(await notificationsOf(author)).toHaveLength(2));
      const resumed = await SseClient.open(`${url.href}?access_token=${author.accessToken}`, { lastEventId });
      try {
        expect(resumed.status).toBe(200);
        const missed = await resumed.next((e) => e.event === 'notification');
        expect(JSON.parse(missed.data)).toMatchObject({
          type: 'comment',
          comment: { body: 'while you were away' },
        });
        await resumed.next((e) => e.event === 'unread-count' && JSON.parse(e.data).count === 2);
        expect(resumed.payloads('notification')).toHaveLength(1);
      } finally {
        await resumed.close();
      }
    });
  });
}
