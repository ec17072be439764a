import { MediaStatus, type Media } from '../../generated/glimpse/media/v1/media.js';

/** A post's life: `pending` until its photos are ready, then `published`, or `failed` for good. */
export type PostState = 'pending' | 'published' | 'failed';

export const POST_MEDIA_MIN = 1;
/** Instagram's carousel limit. */
export const POST_MEDIA_MAX = 10;

/**
 * Why a media cannot go into a new post of `authorId`, or undefined when it can. Unknown and
 * someone else's media get the same answer, so ids of other people's uploads reveal nothing.
 * A media still waiting for its bytes is refused too: an upload that never completes would
 * leave the post pending forever.
 */
export function mediaProblem(media: Media | undefined, authorId: string): string | undefined {
  if (media === undefined || media.ownerId !== authorId) return 'unknown media';
  switch (media.status) {
    case MediaStatus.MEDIA_STATUS_UPLOADED:
    case MediaStatus.MEDIA_STATUS_PROCESSING:
    case MediaStatus.MEDIA_STATUS_READY:
      return undefined;
    case MediaStatus.MEDIA_STATUS_PENDING:
      return 'has not been uploaded yet';
    case MediaStatus.MEDIA_STATUS_FAILED:
      return `failed processing: ${failureReasonOf(media)}`;
    case MediaStatus.MEDIA_STATUS_UNSPECIFIED:
    case MediaStatus.UNRECOGNIZED:
      return 'unknown media';
  }
}

export type Settlement = { outcome: 'publish' } | { outcome: 'fail'; reason: string } | { outcome: 'wait' };

/**
 * What the current state of a pending post's media (in the post's order; undefined where the
 * media service no longer knows one) makes of the post. One failed photo fails the post at
 * once, even while others are still processing: it can never be published.
 */
export function settlementOf(media: readonly (Media | undefined)[]): Settlement {
  for (const [index, item] of media.entries()) {
    if (item === undefined) return { outcome: 'fail', reason: `photo ${index + 1} no longer exists` };
    if (item.status === MediaStatus.MEDIA_STATUS_FAILED) {
      return { outcome: 'fail', reason: `photo ${index + 1} failed processing: ${failureReasonOf(item)}` };
    }
  }
  return media.length > 0 && media.every(isReady) ? { outcome: 'publish' } : { outcome: 'wait' };
}

export function isReady(media: Media | undefined): boolean {
  return media?.status === MediaStatus.MEDIA_STATUS_READY;
}

function failureReasonOf(media: Media): string {
  return media.failureReason ?? 'unknown reason';
}

/** Most authors one pull query takes: the feed passes everyone a user follows (MAX_FOLLOWING). */
export const MAX_PULL_AUTHORS = 10_000;
/** Most post refs one ListRecentByAuthors / ListRecentPublished call returns. */
export const MAX_POST_REFS = 1000;

/**
 * The number of post refs to return: proto3's unset (0) means as many as allowed, which is what
 * the feed's rebuilds want; anything else is clamped into 1..MAX_POST_REFS.
 */
export function postRefLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit) || limit === 0) return MAX_POST_REFS;
  return Math.min(MAX_POST_REFS, Math.max(1, Math.trunc(limit)));
}
