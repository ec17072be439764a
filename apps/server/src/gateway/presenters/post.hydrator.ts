import type { z } from 'zod';

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

/**
 * Turns posts (which hold only ids) into their public shape: the hydration step of the read
 * pipeline. However many posts, it makes ONE call for the authors and ONE for the media, in
 * parallel; a page of posts never costs a round trip per post.
 */
export class PostHydrator {
  constructor(
    private readonly users: Pick<UserService, 'getSummaries'>,
    private readonly media: Pick<MediaService, 'getMediaBatch'>,
    private readonly mediaPresenter: MediaPresenter,
  ) {}

  /**
   * In the given order. A post whose author is gone (a deleted account not yet swept from
   * the posts) is left out; a photo the media service no longer knows is left out of its post.
   */
  async hydrate(posts: readonly Post[], viewerId: string | undefined): Promise<PostDto[]> {
    if (posts.length === 0) return [];
    const authorIds = unique(posts.map((post) => post.authorId));
    const mediaIds = unique(posts.flatMap((post) => post.mediaIds));
    const [summaries, media] = await Promise.all([
      this.users.getSummaries({ userIds: authorIds }),
      mediaIds.length > 0 ? this.media.getMediaBatch({ mediaIds }) : Promise.resolve({ items: [] }),
    ]);
    const authors = new Map<string, Summary>(summaries.items.map((summary) => [summary.id, summary]));
    const mediaById = new Map<string, Media>(media.items.map((item) => [item.id, item]));
    return posts.flatMap((post) => {
      const author = authors.get(post.authorId);
      if (!author) return [];
      return [this.present(post, author, mediaById, viewerId)];
    });
  }

  private present(
    post: Post,
    author: Summary,
    mediaById: ReadonlyMap<string, Media>,
    viewerId: string | undefined,
  ): PostDto {
    const status = publicStatus(post.status);
    const dto: PostDto = {
      id: post.id,
      author: toUserSummary(author),
      caption: post.caption,
      media: post.mediaIds.flatMap((id) => {
        const item = mediaById.get(id);
        return item ? [this.mediaPresenter.present(item)] : [];
      }),
      status,
      hashtags: post.hashtags,
      mentions: post.mentions,
      // Likes and comments arrive with their own services: the counts will come from their
      // Redis counters and viewer.liked from `user_likes:{viewer}`, in this same round.
      likeCount: 0,
      commentCount: 0,
      createdAt: post.createdAt,
      viewer: viewerId === undefined ? null : { liked: false },
    };
    if (status === 'failed') dto.failureReason = post.failureReason ?? 'A photo could not be processed.';
    return dto;
  }
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
