import type { ServerResponse } from 'node:http';

import type { Logger } from 'pino';

import type { NotificationService } from '../../generated/glimpse/notification/v1/notification.js';
import { isId } from '../../platform/ids/snowflake.js';
import { notificationChannel } from '../../platform/pubsub/channels.js';
import type { PubSub } from '../../platform/pubsub/pubsub.port.js';
import type { NotificationPresenter } from '../presenters/notification.presenter.js';
import { compareSeq, mergeBySeq } from './change-order.js';

/** A change page; a stream that fell far behind catches up a page at a time. */
const CHANGES_PAGE = 100;
/** A client that stops reading is dropped once this much is buffered for it (it reconnects). */
const MAX_BUFFERED_BYTES = 1 << 20;
/** Tells EventSource how soon to reconnect after the connection drops. */
const RETRY_MS = 3000;
/**
 * Every this many heartbeats a stream checks for changes it was not woken for (a wake-up
 * published while the publisher's connection blipped, or lost with a process that died between
 * its commit and its publish): one indexed read per stream per minute at the default heartbeat.
 */
const SAFETY_CHECK_EVERY_BEATS = 4;

export interface NotificationStreamsDeps {
  notifications: Pick<NotificationService, 'listChanges' | 'getUnreadCount'>;
  presenter: Pick<NotificationPresenter, 'present'>;
  pubsub: PubSub;
  heartbeatMs: number;
  maxStreamsPerUser: number;
  logger: Logger;
}

export interface StreamOwner {
  userId: string;
  /** When the token that opened the stream expires: the stream ends there (the client reconnects with a fresh one). */
  expiresAt?: Date;
}

/**
 * The gateway's Server-Sent Events streams of notifications. Any gateway instance can hold a
 * user's stream: the notification service announces "this user's notifications changed" on
 * the user's pub/sub channel, and every stream of that user asks the service what changed
 * after the last change it sent (its `seq`, also the SSE event id). The announcement carries
 * nothing but the wake-up, so a lost one loses nothing: the next wake-up, a reconnect with
 * Last-Event-ID, the periodic safety check or, while pub/sub is down, every heartbeat,
 * catches up from PostgreSQL.
 */
export class NotificationStreams {
  private readonly byUser = new Map<string, Set<NotificationStream>>();
  private pubsubUp = true;
  private readonly stopWatching: () => void;

  constructor(private readonly deps: NotificationStreamsDeps) {
    this.stopWatching = deps.pubsub.onConnectionChange((connected) => {
      const recovered = connected && !this.pubsubUp;
      this.pubsubUp = connected;
      // Wake-ups may have been lost while it was down: every stream catches up once, spread
      // over a heartbeat so that thousands of streams do not ask in the same instant.
      if (recovered) {
        for (const stream of this.streams()) stream.catchUpWithin(deps.heartbeatMs);
      }
    });
  }

  get openStreams(): number {
    let count = 0;
    for (const streams of this.byUser.values()) count += streams.size;
    return count;
  }

  /**
   * Takes over `res` (already hijacked from the framework) and streams until the client goes
   * away, its token expires or the gateway shuts down. `lastEventId` is the client's
   * Last-Event-ID, if any.
   */
  async open(owner: StreamOwner, res: ServerResponse, lastEventId: string | undefined): Promise<void> {
    // The client may have left while the request was being authenticated: 'close' has fired.
    if (res.destroyed || res.closed) return;
    const stream = new NotificationStream(owner, res, this.deps, () => this.pubsubUp);
    res.on('close', () => this.untrack(stream));
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-store, no-transform',
      connection: 'keep-alive',
      // nginx and similar proxies would otherwise buffer the stream.
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    res.write(`retry: ${RETRY_MS}\n\n`);
    this.track(stream);
    await stream.start(lastEventId !== undefined && isSeq(lastEventId) ? lastEventId : undefined);
  }

  /** Ends every stream (clients reconnect to another instance) and stops listening. */
  close(): void {
    this.stopWatching();
    for (const stream of this.streams()) stream.close();
  }

  private track(stream: NotificationStream): void {
    let streams = this.byUser.get(stream.userId);
    if (!streams) {
      streams = new Set();
      this.byUser.set(stream.userId, streams);
    }
    streams.add(stream);
    // The oldest goes first: a user who opened one tab too many keeps the newest ones.
    while (streams.size > this.deps.maxStreamsPerUser) {
      const oldest = streams.values().next().value;
      if (oldest === undefined) break;
      streams.delete(oldest);
      oldest.close();
    }
  }

  private untrack(stream: NotificationStream): void {
    stream.close();
    const streams = this.byUser.get(stream.userId);
    streams?.delete(stream);
    if (streams?.size === 0) this.byUser.delete(stream.userId);
  }

  private *streams(): Iterable<NotificationStream> {
    for (const streams of [...this.byUser.values()]) yield* [...streams];
  }
}

function isSeq(value: string): boolean {
  return value === '0' || isId(value);
}

/** One client's stream. */
class NotificationStream {
  readonly userId: string;
  private lastSeq = '0';
  private lastCount: string | undefined;
  /** Until the starting point is known, a wake-up only asks for a sync afterwards. */
  private started = false;
  private starting: Promise<void> | undefined;
  private subscribing: Promise<void> | undefined;
  private syncing = false;
  private again = false;
  /** A sync failed or was missed (pub/sub down): the next heartbeat syncs. */
  private stale = false;
  private closed = false;
  private beats = 0;
  private unsubscribe: (() => Promise<void>) | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private catchUpTimer: NodeJS.Timeout | undefined;

  constructor(
    owner: StreamOwner,
    private readonly res: ServerResponse,
    private readonly deps: NotificationStreamsDeps,
    private readonly pubsubUp: () => boolean,
  ) {
    this.userId = owner.userId;
    this.timers.push(setInterval(() => this.beat(), deps.heartbeatMs));
    if (owner.expiresAt) {
      // setTimeout holds at most 2^31-1 ms; an access token lives minutes.
      const ms = Math.min(Math.max(owner.expiresAt.getTime() - Date.now(), 0), 2 ** 31 - 1);
      this.timers.push(setTimeout(() => this.close(), ms));
    }
    for (const timer of this.timers) timer.unref();
  }

  /** Where to start from: the client's Last-Event-ID, or now (no history, the unread count). */
  start(lastEventId: string | undefined): Promise<void> {
    this.starting ??= this.begin(lastEventId).finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Catches up at a random moment within `ms` (a crowd of streams spreads its reads). */
  catchUpWithin(ms: number): void {
    clearTimeout(this.catchUpTimer);
    this.catchUpTimer = setTimeout(() => void this.resubscribeAndSync(), Math.random() * ms);
    this.catchUpTimer.unref();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    clearTimeout(this.catchUpTimer);
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = undefined;
    if (unsubscribe) {
      unsubscribe().catch((err: unknown) =>
        this.deps.logger.warn({ err }, 'notification stream could not unsubscribe'),
      );
    }
    if (!this.res.writableEnded) this.res.end();
  }

  /**
   * Subscribes before reading where to start, so a change committed in between wakes the
   * stream rather than falling between the two.
   */
  private async begin(lastEventId: string | undefined): Promise<void> {
    if (lastEventId !== undefined) {
      this.lastSeq = lastEventId;
      this.started = true;
    }
    await this.subscribe();
    if (!this.started) {
      try {
        const unread = await this.deps.notifications.getUnreadCount({ recipientId: this.userId });
        if (compareSeq(unread.latestSeq || '0', this.lastSeq) > 0) this.lastSeq = unread.latestSeq;
        this.sendCount(unread.count);
      } catch (err) {
        // Without a starting point, history would pour in: retried at the next heartbeat.
        this.deps.logger.warn({ err }, 'notification stream could not read its starting point');
        this.stale = true;
        return;
      }
      this.started = true;
      if (!this.again) return;
    }
    await this.sync();
  }

  private async resubscribeAndSync(): Promise<void> {
    if (!this.started || this.closed) return;
    await this.subscribe();
    await this.sync();
  }

  private subscribe(): Promise<void> {
    if (this.unsubscribe || this.closed) return Promise.resolve();
    this.subscribing ??= this.subscribeOnce().finally(() => {
      this.subscribing = undefined;
    });
    return this.subscribing;
  }

  private async subscribeOnce(): Promise<void> {
    try {
      const unsubscribe = await this.deps.pubsub.subscribe(notificationChannel(this.userId), () => {
        if (this.started) void this.sync();
        else this.again = true;
      });
      if (this.closed) await unsubscribe();
      else this.unsubscribe = unsubscribe;
    } catch (err) {
      // Live delivery is degraded, not the stream: heartbeats poll until pub/sub is back.
      this.deps.logger.warn({ err }, 'notification stream could not subscribe; polling on heartbeats');
      this.stale = true;
    }
  }

  private beat(): void {
    if (this.closed) return;
    this.beats += 1;
    this.write(': heartbeat\n\n');
    if (!this.started) void this.start(undefined);
    else if (this.stale || !this.pubsubUp() || !this.unsubscribe) void this.resubscribeAndSync();
    else if (this.beats % SAFETY_CHECK_EVERY_BEATS === 0) void this.checkForMissedChanges();
  }

  private async checkForMissedChanges(): Promise<void> {
    try {
      const { latestSeq } = await this.deps.notifications.getUnreadCount({ recipientId: this.userId });
      if (compareSeq(latestSeq || '0', this.lastSeq) > 0) await this.sync();
    } catch (err) {
      this.deps.logger.warn({ err }, 'notification stream safety check failed');
    }
  }

  /** Sends what changed after lastSeq, then the unread count. Wake-ups during a sync coalesce. */
  private async sync(): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return;
    }
    this.syncing = true;
    try {
      do {
        this.again = false;
        await this.sendChanges();
        const unread = await this.deps.notifications.getUnreadCount({ recipientId: this.userId });
        this.sendCount(unread.count);
      } while (this.again && !this.closed);
      this.stale = false;
    } catch (err) {
      this.deps.logger.warn(
        { err },
        'notification stream could not catch up; retrying on the next heartbeat',
      );
      this.stale = true;
    } finally {
      this.syncing = false;
    }
  }

  private async sendChanges(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      const changes = await this.deps.notifications.listChanges({
        recipientId: this.userId,
        afterSeq: this.lastSeq,
        limit: CHANGES_PAGE,
      });
      const presented = new Map(
        (await this.deps.presenter.present(changes.items, this.userId)).map((dto) => [dto.id, dto]),
      );
      for (const change of mergeBySeq(changes.items, changes.removed)) {
        if (change.kind === 'changed') {
          // Left out by the presenter (its actors or its post are gone): nothing to show, but passed.
          const dto = presented.get(change.id);
          if (dto) this.send('notification', dto, change.seq);
        } else {
          this.send('notification-removed', { id: change.id }, change.seq);
        }
        this.lastSeq = change.seq;
      }
      if (!changes.more) return;
    }
  }

  /**
   * Carries the stream's position as its id too: a client whose connection drops before any
   * notification arrived still resumes from here rather than from whatever is newest then.
   */
  private sendCount(count: string): void {
    if (count === this.lastCount) return;
    this.lastCount = count;
    this.send('unread-count', { count: Number(count) }, this.lastSeq);
  }

  private send(event: string, data: unknown, id: string): void {
    // JSON has no raw newlines, so the payload is one `data:` line.
    this.write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(chunk: string): void {
    if (this.closed) return;
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.deps.logger.warn('notification stream client stopped reading; closing its stream');
      this.close();
      return;
    }
    this.res.write(chunk);
  }
}
