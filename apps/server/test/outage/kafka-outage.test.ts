import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { EventEnvelope } from '../../src/platform/events/events.port.js';
import { countPendingOutboxEvents, type OutboxTables } from '../../src/platform/outbox/outbox.repository.js';
import { publishedPost } from '../api/engagement.scenarios.js';
import { ApiClient, uniqueName } from '../support/http-client.js';
import { PrivateKafka } from '../support/private-kafka.js';
import { startRealApp, type StartedApp } from '../support/start-app.js';

/**
 * "A Kafka outage delays events but loses none and never fails a request": with the broker
 * stopped a follow still succeeds; its event waits in the outbox and is published once the
 * broker is back.
 */
describe('Kafka outage', () => {
  const kafka = new PrivateKafka('kafka-outage', 19092);
  let target: StartedApp;

  beforeAll(async () => {
    await kafka.start();
    target = await startRealApp({ KAFKA_BROKERS: kafka.brokers });
  }, 240_000);

  afterAll(async () => {
    await kafka.start().catch(() => undefined); // closing the app is quicker with a live broker
    await target?.close();
    await kafka.stop();
  }, 240_000);

  it('a follow, a like and a comment succeed while Kafka is down and their events are published when Kafka returns', async () => {
    const api = new ApiClient(target.baseUrl);
    const signup = async () => {
      const username = uniqueName('ko');
      const res = await api.post('/api/auth/signup', {
        username,
        email: `${username}@example.com`,
        password: 'a long password',
      });
      expect(res.status).toBe(201);
      return { id: res.body.user.id as string, username, token: res.body.accessToken as string };
    };
    const ana = await signup();
    const ben = await signup();
    const postId = await publishedPost(api, { ...ben, accessToken: ben.token }, 1);

    await kafka.stop();

    // Likes and comments stick too; their events wait in the outbox with the follow's.
    const like = await api.put(`/api/posts/${postId}/like`, { token: ana.token });
    expect(like.status, like.text).toBe(200);
    expect(like.body).toEqual({ liked: true, likeCount: 1 });
    const comment = await api.post(
      `/api/posts/${postId}/comments`,
      { body: 'still here' },
      { token: ana.token },
    );
    expect(comment.status, comment.text).toBe(201);
    expect(comment.body.commentCount).toBe(1);

    const follow = await api.put(`/api/users/${ben.username}/follow`, { token: ana.token });
    expect(follow.status).toBe(200);
    expect(follow.body).toEqual({ following: true, followerCount: 1 });
    const ready = await api.get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'degraded',
      dependencies: { database: 'up', cache: 'up', events: 'down' },
    });
    const outbox = target.app.infrastructure.sql!.kysely<OutboxTables>();
    expect(await countPendingOutboxEvents(outbox)).toBeGreaterThanOrEqual(1);

    await kafka.start();

    const received: EventEnvelope[] = [];
    const subscription = await target.bus.subscribe({
      group: `outage-test-${randomUUID()}`,
      topics: ['follow.created', 'like.created', 'comment.created'],
      handler: (event) => {
        received.push(event);
        return Promise.resolve();
      },
    });
    try {
      const deadline = Date.now() + 90_000;
      const published = (type: string) =>
        received.some((e) => e.type === type && JSON.stringify(e.payload).includes(ana.id));
      while (!['follow.created', 'like.created', 'comment.created'].every(published)) {
        if (Date.now() > deadline)
          throw new Error(
            `events missing after Kafka came back: got ${received.map((e) => e.type).join(', ')}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      await subscription.close();
    }
    const event = received.find(
      (e) => e.type === 'follow.created' && (e.payload as { followerId?: string }).followerId === ana.id,
    );
    expect(received.find((e) => e.type === 'like.created')).toMatchObject({
      payload: { userId: ana.id, postId },
    });
    expect(event).toMatchObject({
      type: 'follow.created',
      key: ben.id,
      payload: { followerId: ana.id, followeeId: ben.id },
    });
    expect(await countPendingOutboxEvents(outbox)).toBe(0);
  }, 240_000);
});
