import { beforeEach, describe, expect, it } from 'vitest';

import {
  MediaStatus,
  type GetMediaBatchRequest,
  type Media,
  type MediaList,
  type MediaService,
} from '../../generated/glimpse/media/v1/media.js';
import type {
  CommentCountList,
  CommentService,
  GetCommentCountsRequest,
} from '../../generated/glimpse/comment/v1/comment.js';
import type {
  GetLikeSummariesRequest,
  LikeService,
  LikeSummaryList,
} from '../../generated/glimpse/like/v1/like.js';
import { PostStatus, type Post } from '../../generated/glimpse/post/v1/post.js';
import type {
  GetSummariesRequest,
  Summary,
  SummaryList,
  UserService,
} from '../../generated/glimpse/user/v1/user.js';
import { MediaPresenter } from './media.presenter.js';
import { PostHydrator } from './post.hydrator.js';

/** The user service's batch lookup over a fixed set of users, counting its calls. */
class Users implements Pick<UserService, 'getSummaries'> {
  calls: GetSummariesRequest[] = [];

  constructor(private readonly known: Summary[]) {}

  getSummaries(request: GetSummariesRequest): Promise<SummaryList> {
    this.calls.push(request);
    return Promise.resolve({
      items: request.userIds.flatMap((id) => this.known.filter((user) => user.id === id)),
    });
  }
}

/** The media service's batch lookup, same idea: in request order, unknown ids left out. */
class MediaBatch implements Pick<MediaService, 'getMediaBatch'> {
  calls: GetMediaBatchRequest[] = [];

  constructor(private readonly known: Media[]) {}

  getMediaBatch(request: GetMediaBatchRequest): Promise<MediaList> {
    this.calls.push(request);
    return Promise.resolve({
      items: request.mediaIds.flatMap((id) => this.known.filter((media) => media.id === id)),
    });
  }
}

function user(id: string): Summary {
  return { id, username: `user${id}`, displayName: `User ${id}` };
}

function readyMedia(id: string, ownerId: string): Media {
  return {
    id,
    ownerId,
    status: MediaStatus.MEDIA_STATUS_READY,
    mimeType: 'image/jpeg',
    width: 1080,
    height: 1350,
    placeholder: 'k0oGLQaSVsN3BVhoZ2h3aHh8bw==',
    variants: [
      {
        name: 'thumb',
        width: 160,
        height: 200,
        format: 'webp',
        bytes: '4100',
        key: `variants/${id}/thumb.abc.webp`,
      },
      {
        name: 'large',
        width: 1080,
        height: 1350,
        format: 'webp',
        bytes: '180000',
        key: `variants/${id}/large.def.webp`,
      },
    ],
    createdAt: '2026-01-01T00:00:00.000Z',
    originalKey: `originals/${id}`,
    bytes: '2400000',
  };
}

function post(id: string, authorId: string, mediaIds: string[], overrides: Partial<Post> = {}): Post {
  return {
    id,
    authorId,
    caption: `post ${id} #Sun`,
    mediaIds,
    status: PostStatus.POST_STATUS_PUBLISHED,
    hashtags: ['sun'],
    mentions: [],
    createdAt: '2026-01-02T00:00:00.000Z',
    publishedAt: '2026-01-02T00:00:05.000Z',
    ...overrides,
  };
}

const presenter = new MediaPresenter({ publicUrl: (key) => `https://cdn.example/${key}` });

/** Post 300 has 7 likes, one of them the viewer's (user 2), and 2 comments; the rest none. */
class Engagement implements Pick<LikeService, 'getLikeSummaries'>, Pick<CommentService, 'getCommentCounts'> {
  likeCalls: GetLikeSummariesRequest[] = [];
  commentCalls: GetCommentCountsRequest[] = [];

  getLikeSummaries(request: GetLikeSummariesRequest): Promise<LikeSummaryList> {
    this.likeCalls.push(request);
    return Promise.resolve({
      items: request.postIds.map((postId) => ({
        postId,
        likeCount: postId === '300' ? '7' : '0',
        likedByViewer: postId === '300' && request.viewerId === '2',
      })),
    });
  }

  getCommentCounts(request: GetCommentCountsRequest): Promise<CommentCountList> {
    this.commentCalls.push(request);
    return Promise.resolve({
      items: request.postIds.map((postId) => ({ postId, commentCount: postId === '300' ? '2' : '0' })),
    });
  }
}

let engagement = new Engagement();

describe('PostHydrator', () => {
  beforeEach(() => {
    engagement = new Engagement();
  });

  it('hydrates a page with one author lookup and one media lookup, keeping the order', async () => {
    const users = new Users([user('1'), user('2'), user('3')]);
    const media = new MediaBatch(['11', '12', '21', '31', '32'].map((id) => readyMedia(id, id[0] ?? '')));
    const hydrator = new PostHydrator({
      users,
      media,
      likes: engagement,
      comments: engagement,
      mediaPresenter: presenter,
    });
    const posts = [
      post('300', '3', ['32', '31']),
      post('200', '2', ['21']),
      post('100', '1', ['11', '12']),
      post('90', '1', ['12']),
    ];

    const hydrated = await hydrator.hydrate(posts, '2');

    expect(users.calls).toHaveLength(1);
    expect(media.calls).toHaveLength(1);
    expect(engagement.likeCalls).toEqual([{ postIds: ['300', '200', '100', '90'], viewerId: '2' }]);
    expect(engagement.commentCalls).toEqual([{ postIds: ['300', '200', '100', '90'] }]);
    // Each id asked for once, however many posts share it.
    expect(users.calls[0]?.userIds).toEqual(['3', '2', '1']);
    expect(media.calls[0]?.mediaIds).toEqual(['32', '31', '21', '11', '12']);
    expect(hydrated.map((p) => p.id)).toEqual(['300', '200', '100', '90']);
    expect(hydrated[0]?.media.map((m) => m.id)).toEqual(['32', '31']);
    expect(hydrated[0]).toMatchObject({
      author: { id: '3', username: 'user3', displayName: 'User 3', avatar: null },
      caption: 'post 300 #Sun',
      status: 'published',
      hashtags: ['sun'],
      mentions: [],
      likeCount: 7,
      commentCount: 2,
      createdAt: '2026-01-02T00:00:00.000Z',
      viewer: { liked: true },
    });
    expect(hydrated[1]).toMatchObject({ likeCount: 0, commentCount: 0, viewer: { liked: false } });
    expect(hydrated[0]?.media[0]).toEqual({
      id: '32',
      status: 'ready',
      mimeType: 'image/jpeg',
      width: 1080,
      height: 1350,
      placeholder: 'k0oGLQaSVsN3BVhoZ2h3aHh8bw==',
      variants: [
        {
          name: 'thumb',
          width: 160,
          height: 200,
          format: 'webp',
          bytes: 4100,
          url: 'https://cdn.example/variants/32/thumb.abc.webp',
        },
        {
          name: 'large',
          width: 1080,
          height: 1350,
          format: 'webp',
          bytes: 180000,
          url: 'https://cdn.example/variants/32/large.def.webp',
        },
      ],
    });
    expect(hydrated[0]).not.toHaveProperty('failureReason');
  });

  it('drops posts whose author is gone and photos the media service no longer knows', async () => {
    const users = new Users([user('1')]);
    const media = new MediaBatch([readyMedia('11', '1')]);
    const hydrator = new PostHydrator({
      users,
      media,
      likes: engagement,
      comments: engagement,
      mediaPresenter: presenter,
    });

    const hydrated = await hydrator.hydrate(
      [post('2', '9', ['91']), post('1', '1', ['11', '13'])],
      undefined,
    );

    expect(hydrated.map((p) => p.id)).toEqual(['1']);
    expect(hydrated[0]?.media.map((m) => m.id)).toEqual(['11']);
    expect(hydrated[0]?.viewer).toBeNull();
  });

  it('shows a pending post with processing media, and a failed post with its reason', async () => {
    const users = new Users([user('1')]);
    const processing: Media = {
      ...readyMedia('11', '1'),
      status: MediaStatus.MEDIA_STATUS_UPLOADED,
      width: 0,
      height: 0,
      placeholder: undefined,
      variants: [],
    };
    const failed: Media = {
      ...processing,
      id: '12',
      status: MediaStatus.MEDIA_STATUS_FAILED,
      failureReason: 'not decodable',
    };
    const hydrator = new PostHydrator({
      users,
      media: new MediaBatch([processing, failed]),
      likes: engagement,
      comments: engagement,
      mediaPresenter: presenter,
    });

    const [pending, failing] = await hydrator.hydrate(
      [
        post('1', '1', ['11'], { status: PostStatus.POST_STATUS_PENDING, publishedAt: undefined }),
        post('2', '1', ['12'], {
          status: PostStatus.POST_STATUS_FAILED,
          failureReason: 'photo 1 failed processing',
        }),
      ],
      '1',
    );

    expect(pending).toMatchObject({
      status: 'pending',
      media: [{ status: 'processing', width: null, height: null, placeholder: null, variants: [] }],
    });
    expect(pending).not.toHaveProperty('failureReason');
    expect(failing).toMatchObject({
      status: 'failed',
      failureReason: 'photo 1 failed processing',
      media: [{ status: 'failed', failureReason: 'not decodable' }],
    });
  });

  it('calls nothing for an empty page', async () => {
    const users = new Users([]);
    const media = new MediaBatch([]);
    expect(
      await new PostHydrator({
        users,
        media,
        likes: engagement,
        comments: engagement,
        mediaPresenter: presenter,
      }).hydrate([], '1'),
    ).toEqual([]);
    expect(users.calls).toHaveLength(0);
    expect(media.calls).toHaveLength(0);
  });
});
