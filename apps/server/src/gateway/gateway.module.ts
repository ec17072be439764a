import { Module, type DynamicModule } from '@nestjs/common';

import type { AnalyticsService } from '../generated/glimpse/analytics/v1/analytics.js';
import type { AuthService } from '../generated/glimpse/auth/v1/auth.js';
import type { CommentService } from '../generated/glimpse/comment/v1/comment.js';
import type { FeedService } from '../generated/glimpse/feed/v1/feed.js';
import type { LikeService } from '../generated/glimpse/like/v1/like.js';
import type { MediaService } from '../generated/glimpse/media/v1/media.js';
import type { NotificationService } from '../generated/glimpse/notification/v1/notification.js';
import type { PostService } from '../generated/glimpse/post/v1/post.js';
import type { UserService } from '../generated/glimpse/user/v1/user.js';
import { OpsModule, type OpsOptions } from '../platform/health/ops.module.js';
import type { ObjectStorage } from '../platform/storage/storage.port.js';
import { AdminRequired, AuthOptional, AuthRequired } from './auth/auth.guards.js';
import { AnalyticsController } from './controllers/analytics.controller.js';
import { AuthController } from './controllers/auth.controller.js';
import { FollowsController } from './controllers/follows.controller.js';
import { CommentsController } from './controllers/comments.controller.js';
import { FeedController } from './controllers/feed.controller.js';
import { LikesController } from './controllers/likes.controller.js';
import { MediaController } from './controllers/media.controller.js';
import { NotificationsController } from './controllers/notifications.controller.js';
import { PostsController } from './controllers/posts.controller.js';
import { UsersController } from './controllers/users.controller.js';
import { MediaUploader } from './media/media-uploader.js';
import { NotificationStreams, type NotificationStreamsDeps } from './notifications/notification-streams.js';
import { MediaPresenter } from './presenters/media.presenter.js';
import { NotificationPresenter } from './presenters/notification.presenter.js';
import { PostRefPresenter } from './presenters/post-ref.presenter.js';
import { PostHydrator } from './presenters/post.hydrator.js';
import type { LoginThrottle } from './rate-limit/login-throttle.js';
import {
  ANALYTICS_SERVICE,
  AUTH_SERVICE,
  COMMENT_SERVICE,
  FEED_SERVICE,
  LIKE_SERVICE,
  LOGIN_THROTTLE,
  MEDIA_SERVICE,
  NOTIFICATION_SERVICE,
  POST_SERVICE,
  USER_SERVICE,
} from './tokens.js';

export interface GatewayModuleOptions extends OpsOptions {
  auth: AuthService;
  users: UserService;
  media: MediaService;
  posts: PostService;
  feed: FeedService;
  likes: LikeService;
  comments: CommentService;
  notifications: NotificationService;
  analytics: AnalyticsService;
  /** Where uploads are streamed to, and what makes variant URLs. */
  storage: ObjectStorage;
  /** The largest photo accepted, in bytes (uploads have their own limit, not the JSON one). */
  mediaMaxBytes: number;
  /** Lifetime of a direct upload's URL, presigned or this server's own (default 15 minutes). */
  mediaUploadUrlTtlSeconds?: number;
  loginThrottle: LoginThrottle;
  /** How notification streams hear of changes, and how they behave. */
  notificationStreaming: Omit<NotificationStreamsDeps, 'notifications' | 'presenter'>;
}

/**
 * The HTTP edge. It depends only on the services' generated contracts, satisfied in process
 * or by gRPC clients: the wiring decides, the controllers cannot tell.
 */
@Module({})
export class GatewayModule {
  static register(options: GatewayModuleOptions): DynamicModule {
    const presenter = new MediaPresenter(options.storage);
    const postRefs = new PostRefPresenter({
      posts: options.posts,
      media: options.media,
      mediaPresenter: presenter,
    });
    const notificationPresenter = new NotificationPresenter({ users: options.users, postRefs });
    return {
      module: GatewayModule,
      imports: [OpsModule.register(options)],
      controllers: [
        AuthController,
        UsersController,
        FollowsController,
        MediaController,
        PostsController,
        FeedController,
        LikesController,
        CommentsController,
        NotificationsController,
        AnalyticsController,
      ],
      providers: [
        AuthRequired,
        AuthOptional,
        AdminRequired,
        { provide: AUTH_SERVICE, useValue: options.auth },
        { provide: USER_SERVICE, useValue: options.users },
        { provide: MEDIA_SERVICE, useValue: options.media },
        { provide: POST_SERVICE, useValue: options.posts },
        { provide: FEED_SERVICE, useValue: options.feed },
        { provide: LIKE_SERVICE, useValue: options.likes },
        { provide: COMMENT_SERVICE, useValue: options.comments },
        { provide: NOTIFICATION_SERVICE, useValue: options.notifications },
        { provide: ANALYTICS_SERVICE, useValue: options.analytics },
        { provide: NotificationPresenter, useValue: notificationPresenter },
        { provide: PostRefPresenter, useValue: postRefs },
        {
          provide: NotificationStreams,
          useValue: new NotificationStreams({
            ...options.notificationStreaming,
            notifications: options.notifications,
            presenter: notificationPresenter,
          }),
        },
        { provide: LOGIN_THROTTLE, useValue: options.loginThrottle },
        { provide: MediaPresenter, useValue: presenter },
        {
          provide: PostHydrator,
          useValue: new PostHydrator({
            users: options.users,
            media: options.media,
            likes: options.likes,
            comments: options.comments,
            mediaPresenter: presenter,
          }),
        },
        {
          provide: MediaUploader,
          useValue: new MediaUploader({
            media: options.media,
            storage: options.storage,
            maxBytes: options.mediaMaxBytes,
            uploadUrlTtlSeconds: options.mediaUploadUrlTtlSeconds,
          }),
        },
      ],
    };
  }
}
