import type { z } from 'zod';

import type { MediaService } from '../../generated/glimpse/media/v1/media.js';
import type { PostService } from '../../generated/glimpse/post/v1/post.js';
import type { PostRefSchema } from '../schemas/notifications.schemas.js';
import type { MediaPresenter } from './media.presenter.js';

export type PostRefDto = z.output<typeof PostRefSchema>;

const THUMBNAIL_VARIANT = 'thumb';

export interface PostRefPresenterDeps {
  posts: Pick<PostService, 'getPosts'>;
  media: Pick<MediaService, 'getMediaBatch'>;
  mediaPresenter: MediaPresenter;
}

/**
 * Posts as notifications and analytics show them (id and the first photo's thumbnail): one
 * getPosts and one getMediaBatch for any number of posts.
 */
export class PostRefPresenter {
  constructor(private readonly deps: PostRefPresenterDeps) {}

  /** Posts the viewer can no longer see (deleted) are left out of the map. */
  async present(postIds: readonly string[], viewerId: string): Promise<Map<string, PostRefDto>> {
    const ids = [...new Set(postIds)];
    if (ids.length === 0) return new Map();
    const { items: posts } = await this.deps.posts.getPosts({ postIds: ids, viewerId });
    const firstMedia = posts.flatMap((post) => post.mediaIds.slice(0, 1));
    const { items: media } =
      firstMedia.length > 0 ? await this.deps.media.getMediaBatch({ mediaIds: firstMedia }) : { items: [] };
    const thumbnails = new Map(
      media.map((item) => {
        const variants = this.deps.mediaPresenter.present(item).variants;
        const thumbnail = variants.find((variant) => variant.name === THUMBNAIL_VARIANT) ?? variants[0];
        return [item.id, thumbnail?.url ?? null] as const;
      }),
    );
    return new Map(
      posts.map((post) => {
        const mediaId = post.mediaIds[0];
        const thumbnailUrl = mediaId === undefined ? null : (thumbnails.get(mediaId) ?? null);
        return [post.id, { id: post.id, thumbnailUrl }];
      }),
    );
  }
}
