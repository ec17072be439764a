import type {
  Notification,
  RemovedNotification,
} from '../../generated/glimpse/notification/v1/notification.js';

export interface Change {
  kind: 'changed' | 'removed';
  id: string;
  seq: string;
}

/** Orders two decimal 64-bit seqs (beyond 2^53, so not as numbers). */
export function compareSeq(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Changed and removed notifications in one list, oldest change first: the order a stream sends
 * them in, so that its Last-Event-ID only ever moves forward.
 */
export function mergeBySeq(
  changed: readonly Notification[],
  removed: readonly RemovedNotification[],
): Change[] {
  return [
    ...changed.map((item): Change => ({ kind: 'changed', id: item.id, seq: item.seq })),
    ...removed.map((item): Change => ({ kind: 'removed', id: item.id, seq: item.seq })),
  ].sort((a, b) => compareSeq(a.seq, b.seq));
}
