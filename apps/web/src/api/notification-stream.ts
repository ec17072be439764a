import { currentAccessToken } from '#/api/client';
import type { components } from '#/api/schema';

type Notification = components['schemas']['Notification'];

export interface NotificationStreamHandlers {
  /** A new notification, or one that changed (same `id`: it replaces the old one). */
  notification: (notification: Notification) => void;
  removed: (id: string) => void;
  unreadCount: (count: number) => void;
  /**
   * The stream was opened again but could not resume (no change had come through yet), so
   * whatever happened while it was down is not replayed: lists loaded earlier are stale.
   */
  restarted: () => void;
}

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;

/** Exponential back-off with jitter: 1 s, 2 s, 4 s … up to 30 s, each somewhere in its upper half. */
function retryDelay(attempt: number): number {
  const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

function parse<T>(event: MessageEvent): T | undefined {
  try {
    return JSON.parse(event.data as string) as T;
  } catch {
    return undefined;
  }
}

/**
 * The live notification stream (Server-Sent Events), kept open while signed in. EventSource
 * cannot send an Authorization header, so the access token rides in the URL; and it would
 * reconnect by itself with the token it started with, which expires. So on any error the
 * stream is closed and opened again here, with a fresh token and the id of the last change
 * received (a new EventSource does not send Last-Event-ID), after a growing pause.
 *
 * Returns a function that closes it for good (sign-out, unmount).
 */
export function openNotificationStream(handlers: NotificationStreamHandlers): () => void {
  let source: EventSource | undefined;
  let lastEventId: string | undefined;
  let attempt = 0;
  let timer: number | undefined;
  let stopped = false;
  let opened = false;

  const remember = (event: MessageEvent) => {
    if (event.lastEventId) lastEventId = event.lastEventId;
    // Something arrived: the connection works, so the next failure starts the back-off over.
    attempt = 0;
  };

  const connect = async () => {
    timer = undefined;
    const token = await currentAccessToken();
    if (stopped) return;
    // Signed out meanwhile: whoever opened the stream closes it when the session ends.
    if (!token) return;
    const query = new URLSearchParams({ access_token: token });
    if (lastEventId !== undefined) query.set('lastEventId', lastEventId);
    else if (opened) handlers.restarted();
    opened = true;
    const next = new EventSource(`/api/notifications/stream?${query.toString()}`);
    source = next;
    next.addEventListener('notification', (event) => {
      remember(event);
      const notification = parse<Notification>(event);
      if (notification) handlers.notification(notification);
    });
    next.addEventListener('notification-removed', (event) => {
      remember(event);
      const removed = parse<{ id: string }>(event);
      if (removed) handlers.removed(removed.id);
    });
    next.addEventListener('unread-count', (event) => {
      remember(event);
      const unread = parse<{ count: number }>(event);
      if (unread) handlers.unreadCount(unread.count);
    });
    next.addEventListener('error', () => {
      next.close();
      if (source !== next || stopped) return;
      source = undefined;
      schedule(retryDelay(attempt));
      attempt += 1;
    });
  };

  const schedule = (delayMs: number) => {
    if (timer !== undefined || stopped) return;
    timer = window.setTimeout(() => void connect(), delayMs);
  };

  // Back online: no need to sit out the rest of the pause.
  const onOnline = () => {
    if (timer === undefined) return;
    window.clearTimeout(timer);
    timer = undefined;
    void connect();
  };
  window.addEventListener('online', onOnline);

  void connect();

  return () => {
    stopped = true;
    window.removeEventListener('online', onOnline);
    if (timer !== undefined) window.clearTimeout(timer);
    source?.close();
    source = undefined;
  };
}
