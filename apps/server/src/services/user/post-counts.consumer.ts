import { z } from 'zod';

import type { EventEnvelope } from '../../platform/events/events.port.js';
import { isId } from '../../platform/ids/snowflake.js';
import type { PostCountsRepository } from './post-counts.repository.js';

export const POST_COUNT_TOPICS = ['post.published', 'post.deleted'] as const;

const postEvent = z.object({ postId: z.string().refine(isId), authorId: z.string().refine(isId) });

/**
 * Keeps `postCount` on profiles from the post service's events: the user service owns the
 * profile, the post service owns posts, and neither reads the other's tables.
 */
export class PostCountsConsumer {
  constructor(private readonly counts: PostCountsRepository) {}

  readonly handle = async (event: EventEnvelope): Promise<void> => {
    const parsed = postEvent.safeParse(event.payload);
    // Not ours to fix: a malformed event would fail forever, so it is passed over.
    if (!parsed.success) return;
    const { authorId, postId } = parsed.data;
    if (event.type === 'post.published') await this.counts.recordPublished(authorId, postId);
    if (event.type === 'post.deleted') await this.counts.recordDeleted(authorId, postId);
  };
}
