import { z } from 'zod';

import { PostStatus, type PostService } from '../../generated/glimpse/post/v1/post.js';
import type { EventEnvelope, EventHandler } from '../../platform/events/events.port.js';
import { isId } from '../../platform/ids/snowflake.js';
import { COMMENT_CREATED, COMMENT_DELETED } from '../comment/comment.events.js';
import { LIKE_CREATED, LIKE_REMOVED } from '../like/like.events.js';
import { POST_DELETED, POST_PUBLISHED } from '../post/post.events.js';
import { FOLLOW_CREATED, FOLLOW_REMOVED } from '../user/user.events.js';
import { AUTHOR_SHARDS, hourOf, minuteOf, MINUTE_SHARDS, shardOf } from './analytics.buckets.js';
import { IMPRESSIONS_RECORDED } from './analytics.events.js';
import type {
  AnalyticsRepository,
  Engagement,
  EventReceipt,
  MinuteMetric,
  PostAuthor,
  PostFacts,
} from './analytics.repository.js';
import { MAX_IMPRESSION_POSTS } from './analytics.rules.js';

/** The topics the analytics consumer group subscribes to. */
export const ANALYTICS_TOPICS = [
  POST_PUBLISHED,
  POST_DELETED,
  LIKE_CREATED,
  LIKE_REMOVED,
  COMMENT_CREATED,
  COMMENT_DELETED,
  FOLLOW_CREATED,
  FOLLOW_REMOVED,
  IMPRESSIONS_RECORDED,
] as const;

export interface AnalyticsConsumerDeps {
  analytics: AnalyticsRepository;
  /** The post service: the authors of posts an impression names before their post.published came. */
  posts: Pick<PostService, 'getPosts'>;
  /**
   * Told of every event passed over because it cannot be read (to log it): such an event would
   * fail on every redelivery, so it is skipped rather than thrown.
   */
  onMalformed: (event: EventEnvelope, problem: string) => void;
  now?: () => Date;
}

const id = z.string().refine(isId, 'not an id');
const time = z.iso.datetime({ offset: true });
// The event id keys processed_events (bigint); the occurrence time keys the roll-ups.
const envelope = z.object({ id, occurredAt: time });
const postPublished = z.object({ postId: id, authorId: id, publishedAt: time });
const postDeleted = z.object({ postId: id, authorId: id, deletedAt: time });
const impressions = z.object({ viewerId: id, postIds: z.array(id).max(MAX_IMPRESSION_POSTS) });

type Target = Omit<Engagement, 'hour' | 'authorShard' | 'delta'>;

/** Likes and comments count for the post and its author. */
const onPost: z.ZodType<Target> = z
  .object({ postId: id, postAuthorId: id })
  .transform((payload) => ({ authorId: payload.postAuthorId, postId: payload.postId }));
/** Follows count for the followee. */
const onFollowee: z.ZodType<Target> = z
  .object({ followeeId: id })
  .transform((payload) => ({ authorId: payload.followeeId }));

interface EngagementRule {
  target: z.ZodType<Target>;
  delta: Engagement['delta'];
  /** The per-minute figure the event counts for: creations only. */
  metric?: MinuteMetric;
}

const ENGAGEMENT = new Map<string, EngagementRule>([
  [LIKE_CREATED, { target: onPost, delta: { likes: 1 }, metric: 'likes' }],
  [LIKE_REMOVED, { target: onPost, delta: { likes: -1 } }],
  [COMMENT_CREATED, { target: onPost, delta: { comments: 1 }, metric: 'comments' }],
  [COMMENT_DELETED, { target: onPost, delta: { comments: -1 } }],
  [FOLLOW_CREATED, { target: onFollowee, delta: { followersGained: 1 }, metric: 'follows' }],
  [FOLLOW_REMOVED, { target: onFollowee, delta: { followersLost: 1 } }],
]);

/**
 * Turns engagement events and impression batches into the hourly roll-ups. Each event is applied
 * at most once (its id is claimed in the transaction that applies it), in the hour it happened;
 * the per-minute system figures count creations (likes, comments, posts, follows) and counted
 * impressions.
 *
 * An impression counts once per viewer, post and hour, never for the viewer's own post nor for
 * a deleted or unknown post. Authors come from analytics.posts; a post not there yet (its
 * post.published still in flight) is asked of the post service, once per batch. What it writes
 * is pruned by AnalyticsServiceImpl.prune.
 */
export class AnalyticsConsumer {
  private readonly analytics: AnalyticsRepository;
  private readonly posts: Pick<PostService, 'getPosts'>;
  private readonly onMalformed: (event: EventEnvelope, problem: string) => void;
  private readonly now: () => Date;

  constructor(deps: AnalyticsConsumerDeps) {
    this.analytics = deps.analytics;
    this.posts = deps.posts;
    this.onMalformed = deps.onMalformed;
    this.now = deps.now ?? (() => new Date());
  }

  readonly handle: EventHandler = async (event) => {
    const head = this.parse(envelope, event, event);
    if (head === undefined) return;
    const at = new Date(head.occurredAt);
    const receipt: EventReceipt = { eventId: head.id, processedAt: this.now() };
    // The event's rows: its minute's shard of the system figures, its hour's shard of its author's.
    const mark = { minute: minuteOf(at), shard: shardOf(head.id, MINUTE_SHARDS) };
    const slot = { hour: hourOf(at), authorShard: shardOf(head.id, AUTHOR_SHARDS) };

    switch (event.type) {
      case POST_PUBLISHED: {
        const post = this.parse(postPublished, event.payload, event);
        if (post === undefined) return;
        const facts = { ...post, publishedAt: new Date(post.publishedAt), deletedAt: null };
        await this.analytics.recordPost(receipt, facts, { ...mark, metric: 'posts' });
        return;
      }
      case POST_DELETED: {
        const post = this.parse(postDeleted, event.payload, event);
        if (post === undefined) return;
        const facts = { ...post, publishedAt: null, deletedAt: new Date(post.deletedAt) };
        await this.analytics.recordPost(receipt, facts, undefined);
        return;
      }
      case IMPRESSIONS_RECORDED: {
        const batch = this.parse(impressions, event.payload, event);
        if (batch === undefined) return;
        const posts = await this.countable(batch.viewerId, [...new Set(batch.postIds)]);
        if (posts.length === 0) return;
        await this.analytics.recordImpressions(receipt, { viewerId: batch.viewerId, ...slot, posts }, mark);
        return;
      }
      default: {
        const rule = ENGAGEMENT.get(event.type);
        if (rule === undefined) {
          this.onMalformed(event, `not an analytics topic: ${event.type}`);
          return;
        }
        const target = this.parse(rule.target, event.payload, event);
        if (target === undefined) return;
        await this.analytics.recordEngagement(
          receipt,
          { ...target, ...slot, delta: rule.delta },
          rule.metric === undefined ? undefined : { ...mark, metric: rule.metric },
        );
      }
    }
  };

  /** The posts among `postIds` whose impression may count for this viewer, with their authors. */
  private async countable(viewerId: string, postIds: readonly string[]): Promise<PostAuthor[]> {
    const known = await this.analytics.findPosts(postIds);
    const unknown = postIds.filter((postId) => !known.has(postId));
    if (unknown.length > 0) {
      // Without a viewer, the post service answers published, not deleted posts only.
      const { items } = await this.posts.getPosts({ postIds: unknown });
      const learned = items.flatMap((post): PostFacts[] =>
        post.status === PostStatus.POST_STATUS_PUBLISHED && post.publishedAt !== undefined
          ? [
              {
                postId: post.id,
                authorId: post.authorId,
                publishedAt: new Date(post.publishedAt),
                deletedAt: null,
              },
            ]
          : [],
      );
      await this.analytics.rememberPosts(learned);
      for (const post of learned) known.set(post.postId, { authorId: post.authorId, deleted: false });
    }
    return postIds.flatMap((postId) => {
      const post = known.get(postId);
      return post === undefined || post.deleted || post.authorId === viewerId
        ? []
        : [{ postId, authorId: post.authorId }];
    });
  }

  /** The value, or undefined after telling onMalformed why it cannot be read. */
  private parse<T>(schema: z.ZodType<T>, value: unknown, event: EventEnvelope): T | undefined {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    this.onMalformed(event, z.prettifyError(parsed.error));
    return undefined;
  }
}
