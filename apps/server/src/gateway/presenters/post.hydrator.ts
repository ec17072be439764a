import type { z } from 'zod';

import type { CommentService } from '../../generated/glimpse/comment/v1/comment.js';
import type { LikeService } from '../../generated/glimpse/like/v1/like.js';
import type { Media, MediaService } from '../../generated/glimpse/media/v1/media.js';
import { PostStatus, type Post } from '../../generated/glimpse/post/v1/post.js';
import type { Summary, UserService } from '../../generated/glimpse/user/v1/user.js';
import type { PostSchema } from '../schemas/posts.schemas.js';
import type { MediaPresenter } from './media.presenter.js';
import { toUserSummary } from './user.presenter.js';

export type PostDto = z.output<typeof PostSchema>;

function publicStatus(status: PostStatus): PostDto['status'] {
  switch (status) {
    case PostStatus.POST_STATUS_PUBLISHED:
      return 'published';
    case PostStatus.POST_STATUS_FAILED:
      return 'failed';
    case PostStatus.POST_STATUS_PENDING:
    case PostStatus.POST_STATUS_UNSPECIFIED:
    case PostStatus.UNRECOGNIZED:
      return 'pending';
  }
}

export interface PostHydratorDeps {
  users: Pick<UserService, 'getSummaries'>;
  media: Pick<MediaService, 'getMediaBatch'>;
  likes: Pick<LikeService, 'getLikeSummaries'>;
  comments: Pick<CommentService, 'getCommentCounts'>;
  mediaPresenter: MediaPresenter;
}

interface Engagement {
  likeCount: number;
  commentCount: number;
  liked: boolean;
}

/**
 * Turns posts (which hold only ids) into their public shape: the hydration step of the read
 * pipeline. However many posts, it makes ONE call each for the authors, the media, the like
 * counts (with the viewer's likes) and the comment counts, all in parallel; a page of posts
 * never costs a round trip per post.
 */
export class PostHydrator {
  constructor(private readonly deps: PostHydratorDeps) {}

  /**
   * In the given order. A post whose author is gone (a deleted account not yet swept from
   * the posts) is left out; a photo the media service no longer knows is left out of its post.
   */
  async hydrate(posts: readonly Post[], viewerId: string | undefined): Promise<PostDto[]> {
    if (posts.length === 0) return [];
    const authorIds = unique(posts.map((post) => post.authorId));
    const mediaIds = unique(posts.flatMap((post) => post.mediaIds));
    const postIds = unique(posts.map((post) => post.id));
    const { users, media, likes, comments } = this.deps;
    const [summaries, mediaList, likeList, commentList] = await Promise.all([
      users.getSummaries({ userIds: authorIds }),
      mediaIds.length > 0 ? media.getMediaBatch({ mediaIds }) : Promise.resolve({ items: [] }),
      likes.getLikeSummaries({ postIds, ...(viewerId !== undefined && { viewerId }) }),
      comments.getCommentCounts({ postIds }),
    ]);
    const authors = new Map<string, Summary>(summaries.items.map((summary) => [summary.id, summary]));
    const mediaById = new Map<string, Media>(mediaList.items.map((item) => [item.id, item]));
    const commentCounts = new Map(commentList.items.map((item) => [item.postId, Number(item.commentCount)]));
    const engagement = new Map<string, Engagement>(
      likeList.items.map((item) => [
        item.postId,
        {
          likeCount: Number(item.likeCount),
          liked: item.likedByViewer,
          commentCount: commentCounts.get(item.postId) ?? 0,
        },
      ]),
    );
    return posts.flatMap((post) => {
      const author = authors.get(post.authorId);
      if (!author) return [];
      const counts = engagement.get(post.id) ?? {
        likeCount: 0,
        liked: false,
        commentCount: commentCounts.get(post.id) ?? 0,
      };
      return [this.present(post, author, mediaById, counts, viewerId)];
    });
  }

  private present(
    post: Post,
    author: Summary,
    mediaById: ReadonlyMap<string, Media>,
    counts: Engagement,
    viewerId: string | undefined,
  ): PostDto {
    const status = publicStatus(post.status);
    const dto: PostDto = {
      id: post.id,
      author: toUserSummary(author),
      caption: post.caption,
      media: post.mediaIds.flatMap((id) => {
        const item = mediaById.get(id);
        return item ? [this.deps.mediaPresenter.present(item)] : [];
      }),
      status,
      hashtags: post.hashtags,
      mentions: post.mentions,
      likeCount: counts.likeCount,
      commentCount: counts.commentCount,
      createdAt: post.createdAt,
      viewer: viewerId === undefined ? null : { liked: counts.liked },
    };
    if (status === 'failed') dto.failureReason = post.failureReason ?? 'A photo could not be processed.';
    return dto;
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
