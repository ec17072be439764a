import { GRPC_SERVICE_ROLES, hasRole, type Config, type GrpcServiceRole } from '../platform/config/config.js';
import type { InfrastructureNeeds } from './infrastructure.js';

/** The service roles: each owns a .proto service and, run on its own, a gRPC port. */
export const SERVICE_ROLES = GRPC_SERVICE_ROLES;
export type ServiceRole = GrpcServiceRole;

/**
 * Services that keep something in the cache: feeds, the post cache, like and comment counters;
 * analytics reads the fanout's last measured lag there.
 */
const CACHED_SERVICES: readonly ServiceRole[] = ['feed', 'post', 'like', 'comment', 'analytics'];

/**
 * What a process does follows from its roles alone (Loki's `-target=`): which services run
 * here, which are reached over gRPC, which ports it opens, which events it consumes.
 */
export interface RolePlan {
  gateway: boolean;
  outboxRelay: boolean;
  /** Turns uploaded originals into variants (consumes `media.uploaded`). */
  mediaWorker: boolean;
  /** Pushes published posts into followers' feeds (consumes `post.*` and `follow.*`). */
  fanout: boolean;
  /** Services whose implementation runs in this process. */
  local: ReadonlySet<ServiceRole>;
  /** Local services exposed over gRPC: every local one, unless the process runs `all`. */
  served: ReadonlySet<ServiceRole>;
  infrastructure: InfrastructureNeeds;
}

export function planRoles(config: Pick<Config, 'roles'>): RolePlan {
  const local = new Set(SERVICE_ROLES.filter((role) => hasRole(config, role)));
  const monolith = config.roles.includes('all');
  const gateway = hasRole(config, 'gateway');
  const outboxRelay = hasRole(config, 'outbox-relay');
  const mediaWorker = hasRole(config, 'media-worker');
  const fanout = hasRole(config, 'fanout');
  // The post service waits for media.ready/failed; the user service counts posts from post.*;
  // notifications and analytics are made of engagement events.
  const consumes =
    mediaWorker ||
    fanout ||
    (['post', 'user', 'notification', 'analytics'] as const).some((role) => local.has(role));
  return {
    gateway,
    outboxRelay,
    mediaWorker,
    fanout,
    local,
    // The monolith calls its services in process; nothing needs to reach them from outside.
    served: monolith ? new Set() : local,
    infrastructure: {
      // Services keep their truth in SQL and write their events to the outbox, in SQL too;
      // the feed keeps nothing of its own (Redis, and the post and user services).
      sql: [...local].some((role) => role !== 'feed') || outboxRelay || mediaWorker,
      // Rate limits and idempotency records live in the cache; so do feeds, their authors'
      // recent posts, and the post cache.
      cache: gateway || fanout || CACHED_SERVICES.some((role) => local.has(role)),
      events: outboxRelay || consumes,
      // Changes to a user's notifications are announced on pub/sub; gateways' streams listen.
      pubsub: gateway || local.has('notification'),
      // Uploads stream through the gateway into storage; the media service checks them there
      // and the worker reads originals and writes variants.
      storage: gateway || local.has('media') || mediaWorker,
    },
  };
}
