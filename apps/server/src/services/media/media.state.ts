/**
 * The media state machine, in one place. Every status change goes through `assertTransition`,
 * and the repository applies it as a compare-and-set on the current status, so two workers
 * (or a redelivered event) can never move a media backwards or finish it twice.
 *
 *   pending -> uploaded -> processing -> ready
 *      |          |            |  ^
 *      +----------+------------+--+--> failed(reason)
 *
 * `processing -> processing` is a retry: a worker died mid-way and the event came back.
 */
export const MEDIA_STATUSES = ['pending', 'uploaded', 'processing', 'ready', 'failed'] as const;
export type MediaState = (typeof MEDIA_STATUSES)[number];

const TRANSITIONS: Readonly<Record<MediaState, readonly MediaState[]>> = {
  pending: ['uploaded', 'failed'],
  uploaded: ['processing', 'failed'],
  processing: ['processing', 'ready', 'failed'],
  ready: [],
  failed: [],
};

export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';

  constructor(
    readonly from: MediaState,
    readonly to: MediaState,
  ) {
    super(`A media cannot go from ${from} to ${to}`);
  }
}

export function canTransition(from: MediaState, to: MediaState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function assertTransition(from: MediaState, to: MediaState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

/** The states a media may be in for `to` to be the next one. */
export function statesBefore(to: MediaState): MediaState[] {
  return MEDIA_STATUSES.filter((from) => canTransition(from, to));
}

export function isSettled(state: MediaState): boolean {
  return TRANSITIONS[state].length === 0;
}
