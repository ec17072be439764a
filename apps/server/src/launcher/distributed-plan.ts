import { GRPC_SERVICE_ROLES, type GrpcServiceRole } from '../platform/config/config.js';
import type { RoleProcessSpec } from './distributed-cluster.js';

/** Processes without a gateway: each answers /healthz, /readyz and /metrics on its own port. */
export const OPS_PROCESSES = [
  'auth',
  'user',
  'media',
  'post',
  'feed',
  'like',
  'comment',
  'notification',
  'analytics',
  'mediaWorker',
  'fanout',
  'outboxRelay',
] as const;
export type OpsProcess = (typeof OPS_PROCESSES)[number];

export interface DistributedPorts {
  /** HTTP port of the gateway (the public API). */
  gateway: number;
  /** gRPC ports of the service roles. */
  grpc: Record<GrpcServiceRole, number>;
  /** HTTP ports of the processes without a gateway; 0 = any. */
  ops: Record<OpsProcess, number>;
}

/** Ops ports of the processes without a gateway; the API and gRPC ports come from configuration. */
export const DEFAULT_OPS_PORTS: DistributedPorts['ops'] = {
  auth: 9101,
  user: 9102,
  outboxRelay: 9103,
  media: 9104,
  post: 9105,
  mediaWorker: 9106,
  feed: 9107,
  fanout: 9108,
  like: 9109,
  comment: 9110,
  notification: 9111,
  analytics: 9112,
};

/**
 * The distributed shape: one process per role, each a Deployment of the same image on
 * Kubernetes. Every process gets its own WORKER_ID so the ids they generate never collide.
 * Services start before the gateway, and callees before their callers.
 */
export function distributedPlan(ports: DistributedPorts): {
  env: Record<string, string>;
  processes: RoleProcessSpec[];
} {
  const role = (name: string, roles: string, ops: number, workerId: number): RoleProcessSpec => ({
    name,
    env: { ROLES: roles, PORT: String(ops), WORKER_ID: String(workerId) },
  });
  return {
    env: Object.fromEntries(
      GRPC_SERVICE_ROLES.map((name) => [`GRPC_${name.toUpperCase()}_URL`, `127.0.0.1:${ports.grpc[name]}`]),
    ),
    processes: [
      role('user', 'user', ports.ops.user, 3),
      role('auth', 'auth', ports.ops.auth, 2),
      role('media', 'media', ports.ops.media, 5),
      role('post', 'post', ports.ops.post, 6),
      role('feed', 'feed', ports.ops.feed, 8),
      role('like', 'like', ports.ops.like, 10),
      role('comment', 'comment', ports.ops.comment, 11),
      role('notification', 'notification', ports.ops.notification, 12),
      role('analytics', 'analytics', ports.ops.analytics, 13),
      role('media-worker', 'media-worker', ports.ops.mediaWorker, 7),
      role('fanout', 'fanout', ports.ops.fanout, 9),
      role('outbox-relay', 'outbox-relay', ports.ops.outboxRelay, 4),
      role('gateway', 'gateway', ports.gateway, 1),
    ],
  };
}
