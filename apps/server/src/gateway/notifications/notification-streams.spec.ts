import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  NotificationType,
  type ListChangesRequest,
  type Notification,
  type NotificationChanges,
  type UnreadCount,
} from '../../generated/glimpse/notification/v1/notification.js';
import { notificationChannel } from '../../platform/pubsub/channels.js';
import type { PubSub } from '../../platform/pubsub/pubsub.port.js';
import { SseClient } from '../../testing/sse-client.js';
import type { NotificationDto } from '../presenters/notification.presenter.js';
import { NotificationStreams } from './notification-streams.js';

const USER = '1001';

/** A recipient's notifications as the service would report their changes. */
class FakeNotifications {
  changes: Array<{ item: Notification } | { removed: { id: string; seq: string } }> = [];
  unread = 0;
  failing = false;
  calls = 0;

  add(id: string, seq: string): void {
    this.changes.push({
      item: {
        id,
        seq,
        type: NotificationType.NOTIFICATION_TYPE_FOLLOW,
        actorIds: ['7'],
        actorCount: 1,
        updatedAt: '2026-11-24T00:00:00.000Z',
        read: false,
      },
    });
    this.unread += 1;
  }

  remove(id: string, seq: string): void {
    this.changes.push({ removed: { id, seq } });
    this.unread -= 1;
  }

  listChanges(request: ListChangesRequest): Promise<NotificationChanges> {
    this.calls += 1;
    if (this.failing) return Promise.reject(new Error('notification service down'));
    const after = BigInt(request.afterSeq);
    const newer = this.changes.filter((c) => BigInt('item' in c ? c.item.seq : c.removed.seq) > after);
    const page = newer.slice(0, request.limit);
    return Promise.resolve({
      items: page.flatMap((c) => ('item' in c ? [c.item] : [])),
      removed: page.flatMap((c) => ('removed' in c ? [c.removed] : [])),
      more: newer.length > page.length,
    });
  }

  getUnreadCount(): Promise<UnreadCount> {
    if (this.failing) return Promise.reject(new Error('notification service down'));
    const last = this.changes.at(-1);
    const latestSeq = last === undefined ? '0' : 'item' in last ? last.item.seq : last.removed.seq;
    return Promise.resolve({ count: String(this.unread), latestSeq });
  }
}

/** In-process pub/sub whose connection the test turns off and on. */
class SwitchablePubSub implements PubSub {
  private readonly handlers = new Map<string, Set<(message: string) => void>>();
  private readonly listeners = new Set<(connected: boolean) => void>();
  connected = true;

  publish(channel: string, message: string): Promise<void> {
    if (!this.connected) return Promise.reject(new Error('down'));
    for (const handler of this.handlers.get(channel) ?? []) handler(message);
    return Promise.resolve();
  }

  subscribe(channel: string, handler: (message: string) => void): Promise<() => Promise<void>> {
    if (!this.connected) return Promise.reject(new Error('down'));
    const set = this.handlers.get(channel) ?? new Set();
    set.add(handler);
    this.handlers.set(channel, set);
    return Promise.resolve(() => {
      set.delete(handler);
      return Promise.resolve();
    });
  }

  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  setConnected(connected: boolean): void {
    this.connected = connected;
    for (const listener of this.listeners) listener(connected);
  }

  subscribers(channel: string): number {
    return this.handlers.get(channel)?.size ?? 0;
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

const presenter = {
  present: (items: readonly Notification[]): Promise<NotificationDto[]> =>
    Promise.resolve(
      items.map((item) => ({
        id: item.id,
        type: 'follow' as const,
        actors: [],
        actorCount: item.actorCount,
        post: null,
        comment: null,
        createdAt: item.updatedAt,
        read: item.read,
      })),
    ),
};

describe('NotificationStreams', () => {
  let notifications: FakeNotifications;
  let pubsub: SwitchablePubSub;
  let streams: NotificationStreams;
  let server: Server;
  let url: string;
  const clients: SseClient[] = [];

  let expiresAt: Date | undefined;
  let openAfterClientLeft = false;

  async function start(options: { heartbeatMs?: number; maxStreamsPerUser?: number } = {}): Promise<void> {
    streams = new NotificationStreams({
      notifications,
      presenter,
      pubsub,
      heartbeatMs: options.heartbeatMs ?? 60_000,
      maxStreamsPerUser: options.maxStreamsPerUser ?? 5,
      logger: pino({ level: 'silent' }),
    });
    server = createServer((req, res) => {
      const lastEventId = req.headers['last-event-id'];
      // As if authenticating took longer than the client's patience.
      if (openAfterClientLeft) {
        res.once('close', () => void streams.open({ userId: USER }, res, undefined));
        return;
      }
      void streams.open(
        { userId: USER, ...(expiresAt && { expiresAt }) },
        res,
        typeof lastEventId === 'string' ? lastEventId : undefined,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  async function open(lastEventId?: string): Promise<SseClient> {
    const client = await SseClient.open(url, lastEventId === undefined ? {} : { lastEventId });
    clients.push(client);
    return client;
  }

  const wake = () => pubsub.publish(notificationChannel(USER), '');

  beforeEach(() => {
    expiresAt = undefined;
    openAfterClientLeft = false;
    notifications = new FakeNotifications();
    pubsub = new SwitchablePubSub();
  });

  afterEach(async () => {
    streams.close();
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await new Promise((resolve) => server.close(resolve));
  });

  it('starts with the unread count and no history, then sends what changes, in seq order', async () => {
    notifications.add('1', '100');
    await start();
    const client = await open();
    await client.next((e) => e.event === 'unread-count');
    expect(client.payloads('unread-count')).toEqual([{ count: 1 }]);

    notifications.add('2', '101');
    notifications.remove('1', '102');
    notifications.add('3', '103');
    await wake();
    await client.next((e) => e.event === 'notification' && e.id === '103');
    expect(
      client.events
        .filter((e) => e.event !== 'unread-count')
        .map((e) => [e.event, e.id, JSON.parse(e.data).id]),
    ).toEqual([
      ['notification', '101', '2'],
      ['notification-removed', '102', '1'],
      ['notification', '103', '3'],
    ]);
    await client.next((e) => e.event === 'unread-count' && JSON.parse(e.data).count === 2);
  });

  it('resumes after Last-Event-ID, a page at a time, and sends nothing it already sent', async () => {
    for (let seq = 200; seq < 450; seq++) notifications.add(String(seq), String(seq));
    await start();
    const client = await open('299');
    await client.next((e) => e.id === '449');
    const ids = client.events.filter((e) => e.event === 'notification').map((e) => e.id);
    expect(ids).toHaveLength(150);
    expect(ids[0]).toBe('300');
    expect(new Set(ids).size).toBe(150);
  });

  it('shares nothing between users and drops the subscription when the client leaves', async () => {
    await start();
    const client = await open();
    await client.next((e) => e.event === 'unread-count');
    expect(pubsub.subscribers(notificationChannel(USER))).toBe(1);
    await client.close();
    await expectSoon(() => pubsub.subscribers(notificationChannel(USER)) === 0);
    expect(streams.openStreams).toBe(0);
  });

  it('polls on heartbeats while pub/sub is down, and catches every stream up when it is back', async () => {
    await start({ heartbeatMs: 50 });
    const client = await open();
    await client.next((e) => e.event === 'unread-count');

    pubsub.setConnected(false);
    notifications.add('5', '500');
    await wake().catch(() => undefined);
    await client.next((e) => e.id === '500');
    expect(client.heartbeats).toBeGreaterThan(0);

    pubsub.setConnected(true);
    notifications.add('6', '501');
    await wake();
    await client.next((e) => e.id === '501');
  });

  it('retries on the next heartbeat when the service fails, without losing changes', async () => {
    await start({ heartbeatMs: 50 });
    const client = await open();
    await client.next((e) => e.event === 'unread-count');
    notifications.failing = true;
    notifications.add('8', '800');
    await wake();
    await expectSoon(() => notifications.calls > 0);
    notifications.failing = false;
    await client.next((e) => e.id === '800');
  });

  it('marks its starting point on the first unread count, so a reconnect before any notification resumes there', async () => {
    notifications.add('1', '100');
    await start();
    const client = await open();
    const first = await client.next((e) => e.event === 'unread-count');
    expect(first.id).toBe('100');
  });

  it('opens nothing for a client that left before its stream was opened', async () => {
    openAfterClientLeft = true;
    await start();
    const controller = new AbortController();
    const request = fetch(url, { signal: controller.signal }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await request;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(streams.openStreams).toBe(0);
    expect(pubsub.subscribers(notificationChannel(USER))).toBe(0);
  });

  it('ends the stream when the token that opened it expires', async () => {
    expiresAt = new Date(Date.now() + 300);
    await start();
    const client = await open();
    await client.next((e) => e.event === 'unread-count');
    await expect(client.next(() => false, 5000)).rejects.toThrow(/stream ended/);
    expect(streams.openStreams).toBe(0);
  });

  it('checks for changes it was not woken for every few heartbeats', async () => {
    await start({ heartbeatMs: 30 });
    const client = await open();
    await client.next((e) => e.event === 'unread-count');
    // Committed, but the wake-up never came (lost between commit and publish).
    notifications.add('9', '900');
    await client.next((e) => e.id === '900');
  });

  it('keeps the newest streams of a user beyond the limit, and ends every stream on close', async () => {
    await start({ maxStreamsPerUser: 2 });
    const first = await open();
    await first.next((e) => e.event === 'unread-count');
    const second = await open();
    await second.next((e) => e.event === 'unread-count');
    const third = await open();
    await third.next((e) => e.event === 'unread-count');
    await expect(first.next(() => false, 2000)).rejects.toThrow(/stream ended/);
    expect(streams.openStreams).toBe(2);

    streams.close();
    await expect(third.next(() => false, 2000)).rejects.toThrow(/stream ended/);
  });
});

async function expectSoon(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
