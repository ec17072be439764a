import type { Logger } from 'pino';

import {
  AnalyticsServiceDefinition,
  type AnalyticsService,
} from '../generated/glimpse/analytics/v1/analytics.js';
import { AuthServiceDefinition, type AuthService } from '../generated/glimpse/auth/v1/auth.js';
import { CommentServiceDefinition, type CommentService } from '../generated/glimpse/comment/v1/comment.js';
import { FeedServiceDefinition, type FeedService } from '../generated/glimpse/feed/v1/feed.js';
import { LikeServiceDefinition, type LikeService } from '../generated/glimpse/like/v1/like.js';
import { MediaServiceDefinition, type MediaService } from '../generated/glimpse/media/v1/media.js';
import {
  NotificationServiceDefinition,
  type NotificationService,
} from '../generated/glimpse/notification/v1/notification.js';
import { PostServiceDefinition, type PostService } from '../generated/glimpse/post/v1/post.js';
import { UserServiceDefinition, type UserService } from '../generated/glimpse/user/v1/user.js';
import { formatHostPort, type Config } from '../platform/config/config.js';
import { createGrpcClient, type GrpcClient } from '../platform/grpc/grpc-client.js';
import type { UnaryServiceDefinition } from '../platform/grpc/grpc-definition.js';
import type { HealthCheck } from '../platform/health/health.controller.js';
import type { IdGenerator } from '../platform/ids/snowflake.js';
import type { AccessTokens } from '../platform/security/access-tokens.js';
import type { Cache } from '../platform/cache/cache.port.js';
import type { EventBus } from '../platform/events/events.port.js';
import type { PubSub } from '../platform/pubsub/pubsub.port.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import { CircuitBreaker } from '../platform/resilience/circuit-breaker.js';
import type { SqlDatabase } from '../platform/sql/sql.port.js';
import type { ObjectStorage } from '../platform/storage/storage.port.js';
import { injectTraceparent } from '../platform/telemetry/tracing.js';
import { SqlAnalyticsRepository } from '../services/analytics/analytics.repository.js';
import { AnalyticsServiceImpl } from '../services/analytics/analytics.service.js';
import { readFanoutLag } from '../services/feed/fanout.lag.js';
import { SqlAccountsRepository } from '../services/auth/accounts.repository.js';
import { AuthServiceImpl } from '../services/auth/auth.service.js';
import { Argon2PasswordHasher } from '../services/auth/password.hasher.js';
import { SqlRefreshTokensRepository } from '../services/auth/refresh-tokens.repository.js';
import { SqlCommentsRepository } from '../services/comment/comments.repository.js';
import { CommentServiceImpl } from '../services/comment/comment.service.js';
import { SqlLikesRepository } from '../services/like/likes.repository.js';
import { LikeServiceImpl } from '../services/like/like.service.js';
import { ExploreRanker } from '../services/feed/explore.ranking.js';
import { FeedServiceImpl } from '../services/feed/feed.service.js';
import { feedSettings } from '../services/feed/feed.settings.js';
import { SqlMediaRepository } from '../services/media/media.repository.js';
import { MediaServiceImpl } from '../services/media/media.service.js';
import type { NotificationServiceImpl } from '../services/notification/notification.service.js';
import { notificationService } from './notifications.js';
import { SqlPostsRepository } from '../services/post/posts.repository.js';
import { PostServiceImpl } from '../services/post/post.service.js';
import { SqlFollowsRepository } from '../services/user/follows.repository.js';
import { SqlProfilesRepository } from '../services/user/profiles.repository.js';
import { UserServiceImpl } from '../services/user/user.service.js';
import { ALL_CONSUMER_GROUPS } from './consumer-groups.js';
import type { RolePlan, ServiceRole } from './roles.js';

export interface ServiceDependencies {
  config: Config;
  plan: RolePlan;
  sql: SqlDatabase | undefined;
  storage: ObjectStorage | undefined;
  cache: Cache | undefined;
  bus: EventBus | undefined;
  pubsub: PubSub | undefined;
  ids: IdGenerator;
  accessTokens: AccessTokens;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Every service contract, each satisfied by the implementation when its role runs here and by
 * a gRPC client otherwise. Callers (the gateway, other services) cannot tell which.
 */
export interface Services {
  /** Undefined when nothing in this process calls the service. */
  auth: AuthService | undefined;
  users: UserService | undefined;
  media: MediaService | undefined;
  posts: PostService | undefined;
  feed: FeedService | undefined;
  likes: LikeService | undefined;
  comments: CommentService | undefined;
  notifications: NotificationService | undefined;
  analytics: AnalyticsService | undefined;
  /** The local implementations, for the gRPC server to expose. */
  local: Partial<{
    auth: AuthService;
    user: UserService;
    media: MediaService;
    post: PostService;
    feed: FeedService;
    like: LikeService;
    comment: CommentService;
    /** Also consumes events and prunes: the implementation itself. */
    notification: NotificationServiceImpl;
    analytics: AnalyticsServiceImpl;
  }>;
  /** Readiness of the services reached over gRPC. */
  healthChecks: HealthCheck[];
  close(): void;
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`a service role runs here but no ${what} was opened`);
  return value;
}

const requireSql = (sql: SqlDatabase | undefined): SqlDatabase => required(sql, 'database');

export function createServices(deps: ServiceDependencies): Services {
  const { config, plan, ids, logger, metrics } = deps;
  const registry = metrics.registry;
  const healthChecks: HealthCheck[] = [];
  const closers: Array<() => void> = [];

  function remote<D extends UnaryServiceDefinition>(role: ServiceRole, definition: D): GrpcClient<D> {
    const client = createGrpcClient(definition, {
      url: formatHostPort(config.grpc.urls[role]),
      serviceLabel: role,
      deadlineMs: config.grpc.deadlineMs,
      breaker: { cooldownMs: config.grpc.breakerCooldownMs },
      logger,
      registry,
    });
    // A service being down degrades the gateway (its routes answer 503); it is not a reason
    // to take the gateway out of service, hence not critical.
    healthChecks.push({ name: `${role}-service`, critical: false, check: () => client.health() });
    closers.push(() => client.close());
    return client;
  }

  // Who calls whom: the gateway calls them all; the auth service calls the user service; the
  // post service calls the media service.
  const usersNeeded =
    plan.gateway || plan.local.has('user') || plan.local.has('auth') || plan.local.has('feed') || plan.fanout;
  const authNeeded = plan.gateway || plan.local.has('auth');
  const mediaNeeded = plan.gateway || plan.local.has('media') || plan.local.has('post');
  const postsNeeded =
    plan.gateway ||
    plan.fanout ||
    (['post', 'feed', 'like', 'comment', 'analytics'] as const).some((role) => plan.local.has(role));
  const likesNeeded = plan.gateway || plan.local.has('like');
  const commentsNeeded = plan.gateway || plan.local.has('comment');
  const feedNeeded = plan.gateway || plan.local.has('feed');
  const notificationsNeeded = plan.gateway || plan.local.has('notification');
  const analyticsNeeded = plan.gateway || plan.local.has('analytics');
  const traceparent = () => injectTraceparent();

  let users: UserService | undefined;
  if (plan.local.has('user')) {
    users = new UserServiceImpl({
      profiles: new SqlProfilesRepository(requireSql(deps.sql)),
      follows: new SqlFollowsRepository(requireSql(deps.sql)),
      ids,
      traceparent,
    });
  } else if (usersNeeded) {
    users = remote('user', UserServiceDefinition);
  }

  let auth: AuthService | undefined;
  if (plan.local.has('auth') && users) {
    auth = new AuthServiceImpl({
      accounts: new SqlAccountsRepository(requireSql(deps.sql)),
      refreshTokens: new SqlRefreshTokensRepository(requireSql(deps.sql)),
      users,
      hasher: new Argon2PasswordHasher(),
      accessTokens: deps.accessTokens,
      ids,
      refreshTokenTtlSeconds: config.auth.refreshTokenTtlSeconds,
    });
  } else if (authNeeded) {
    auth = remote('auth', AuthServiceDefinition);
  }

  let media: MediaService | undefined;
  if (plan.local.has('media')) {
    media = new MediaServiceImpl({
      media: new SqlMediaRepository(requireSql(deps.sql)),
      storage: required(deps.storage, 'object storage'),
      ids,
      limits: { maxBytes: config.media.maxBytes },
      traceparent,
    });
  } else if (mediaNeeded) {
    media = remote('media', MediaServiceDefinition);
  }

  let posts: PostService | undefined;
  if (plan.local.has('post') && media) {
    posts = new PostServiceImpl({
      posts: new SqlPostsRepository(requireSql(deps.sql)),
      media,
      ids,
      traceparent,
      ...(deps.cache && { cache: deps.cache }),
      onCacheError: (err) => logger.warn({ err }, 'post cache failed; reading from the database'),
    });
  } else if (postsNeeded) {
    posts = remote('post', PostServiceDefinition);
  }

  let feed: FeedService | undefined;
  if (plan.local.has('feed') && users && posts) {
    const cache = required(deps.cache, 'cache');
    feed = new FeedServiceImpl({
      cache,
      // Opens after a few failed Redis calls, so a dead Redis costs no timeout per read.
      cacheBreaker: new CircuitBreaker({ name: 'feed cache', failureThreshold: 3, cooldownMs: 2000 }),
      users,
      posts,
      explore: new ExploreRanker({
        posts,
        counters: cache,
        refreshMs: config.feed.exploreRefreshSeconds * 1000,
        onError: (err) => logger.warn({ err }, 'explore ranking could not be refreshed'),
      }),
      settings: feedSettings(config),
      observer: {
        fallback: () => metrics.feedReadsOffCacheTotal.inc({ source: 'database' }),
        rebuilt: () => metrics.feedReadsOffCacheTotal.inc({ source: 'rebuilt' }),
      },
      onCacheError: (err) => logger.warn({ err }, 'feed cache failed; serving from the database'),
    });
  } else if (feedNeeded) {
    feed = remote('feed', FeedServiceDefinition);
  }

  let likes: LikeService | undefined;
  if (plan.local.has('like') && posts) {
    likes = new LikeServiceImpl({
      likes: new SqlLikesRepository(requireSql(deps.sql)),
      posts,
      ids,
      traceparent,
      ...(deps.cache && { cache: deps.cache }),
      onCacheError: (err) => logger.warn({ err }, 'like counters failed; counting in the database'),
    });
  } else if (likesNeeded) {
    likes = remote('like', LikeServiceDefinition);
  }

  let comments: CommentService | undefined;
  if (plan.local.has('comment') && posts) {
    comments = new CommentServiceImpl({
      comments: new SqlCommentsRepository(requireSql(deps.sql)),
      posts,
      cache: required(deps.cache, 'cache'),
      ids,
      traceparent,
      onCacheError: (err) => logger.warn({ err }, 'comment counters failed; counting in the database'),
    });
  } else if (commentsNeeded) {
    comments = remote('comment', CommentServiceDefinition);
  }

  let notifications: NotificationService | undefined;
  let notificationImpl: NotificationServiceImpl | undefined;
  if (plan.local.has('notification')) {
    notifications = notificationImpl = notificationService({
      config,
      sql: requireSql(deps.sql),
      pubsub: required(deps.pubsub, 'pub/sub'),
      ids,
      logger,
    });
  } else if (notificationsNeeded) {
    notifications = remote('notification', NotificationServiceDefinition);
  }

  let analytics: AnalyticsService | undefined;
  let analyticsImpl: AnalyticsServiceImpl | undefined;
  if (plan.local.has('analytics') && posts) {
    const cache = required(deps.cache, 'cache');
    const bus = required(deps.bus, 'the event bus');
    analytics = analyticsImpl = new AnalyticsServiceImpl({
      analytics: new SqlAnalyticsRepository(requireSql(deps.sql)),
      posts,
      ids,
      traceparent,
      fanoutLag: () => readFanoutLag(cache),
      consumerLag: () => bus.consumerLag(ALL_CONSUMER_GROUPS),
      onLagError: (err) => logger.warn({ err }, 'a lag figure could not be read; left out of the stats'),
    });
  } else if (analyticsNeeded) {
    analytics = remote('analytics', AnalyticsServiceDefinition);
  }

  return {
    auth,
    users,
    media,
    posts,
    feed,
    likes,
    comments,
    notifications,
    analytics,
    local: {
      ...(plan.local.has('auth') && auth && { auth }),
      ...(plan.local.has('user') && users && { user: users }),
      ...(plan.local.has('media') && media && { media }),
      ...(plan.local.has('post') && posts && { post: posts }),
      ...(plan.local.has('feed') && feed && { feed }),
      ...(plan.local.has('like') && likes && { like: likes }),
      ...(plan.local.has('comment') && comments && { comment: comments }),
      ...(notificationImpl && { notification: notificationImpl }),
      ...(analyticsImpl && { analytics: analyticsImpl }),
    },
    healthChecks,
    close: () => closers.forEach((close) => close()),
  };
}
