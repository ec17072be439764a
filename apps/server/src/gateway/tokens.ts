/** Injection tokens for what the gateway depends on: service contracts and ports. */
export const AUTH_SERVICE = Symbol('AuthService');
export const USER_SERVICE = Symbol('UserService');
export const MEDIA_SERVICE = Symbol('MediaService');
export const POST_SERVICE = Symbol('PostService');
export const LOGIN_THROTTLE = Symbol('LoginThrottle');
export const FEED_SERVICE = Symbol('FeedService');
export const LIKE_SERVICE = Symbol('LikeService');
export const COMMENT_SERVICE = Symbol('CommentService');
export const NOTIFICATION_SERVICE = Symbol('NotificationService');
export const ANALYTICS_SERVICE = Symbol('AnalyticsService');
