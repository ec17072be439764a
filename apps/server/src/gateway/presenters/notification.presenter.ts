import type { z } from 'zod';

import { NotificationType, type Notification } from '../../generated/glimpse/notification/v1/notification.js';
import type { Summary, UserService } from '../../generated/glimpse/user/v1/user.js';
import type { NotificationSchema } from '../schemas/notifications.schemas.js';
import type { PostRefPresenter } from './post-ref.presenter.js';
import { toUserSummary } from './user.presenter.js';

export type NotificationDto = z.output<typeof NotificationSchema>;

function publicType(type: NotificationType): NotificationDto['type'] | undefined {
  switch (type) {
    case NotificationType.NOTIFICATION_TYPE_LIKE:
      return 'like';
    case NotificationType.NOTIFICATION_TYPE_COMMENT:
      return 'comment';
    case NotificationType.NOTIFICATION_TYPE_FOLLOW:
      return 'follow';
    case NotificationType.NOTIFICATION_TYPE_UNSPECIFIED:
    case NotificationType.UNRECOGNIZED:
      return undefined;
  }
}

export interface NotificationPresenterDeps {
  users: Pick<UserService, 'getSummaries'>;
  postRefs: PostRefPresenter;
}

/**
 * Notifications (which hold ids) -> their public shape: the actors' summaries and the posts'
 * thumbnails in one parallel round, whatever the page size.
 */
export class NotificationPresenter {
  constructor(private readonly deps: NotificationPresenterDeps) {}

  /**
   * In the given order. Left out: a notification none of whose actors exists any more, one
   * about a post that is gone (an event that raced the post's deletion), or of a type this
   * gateway does not know.
   */
  async present(items: readonly Notification[], recipientId: string): Promise<NotificationDto[]> {
    if (items.length === 0) return [];
    const actorIds = [...new Set(items.flatMap((item) => item.actorIds))];
    const postIds = items.flatMap((item) => (item.postId === undefined ? [] : [item.postId]));
    const [summaries, posts] = await Promise.all([
      this.deps.users.getSummaries({ userIds: actorIds }),
      this.deps.postRefs.present(postIds, recipientId),
    ]);
    const actors = new Map<string, Summary>(summaries.items.map((summary) => [summary.id, summary]));
    return items.flatMap((item) => {
      const type = publicType(item.type);
      const present = item.actorIds.flatMap((id) => {
        const actor = actors.get(id);
        return actor ? [toUserSummary(actor)] : [];
      });
      const post = item.postId === undefined ? null : posts.get(item.postId);
      if (type === undefined || present.length === 0 || post === undefined) return [];
      const dto: NotificationDto = {
        id: item.id,
        type,
        actors: present,
        actorCount: Math.max(item.actorCount, present.length),
        post,
        comment: item.commentId === undefined ? null : { id: item.commentId, body: item.commentBody ?? '' },
        createdAt: item.updatedAt,
        read: item.read,
      };
      return [dto];
    });
  }
}
