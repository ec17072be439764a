import type { RoleProcessSpec } from './distributed-cluster.js';

export interface DistributedPorts {
  /** HTTP port of the gateway (the public API). */
  gateway: number;
  /** gRPC ports of the service roles. */
  grpc: { auth: number; user: number };
  /** HTTP ports of the processes without a gateway (/healthz, /readyz, /metrics); 0 = any. */
  ops: { auth: number; user: number; outboxRelay: number };
}

/** Ops ports of the processes without a gateway; the API and gRPC ports come from configuration. */
export const DEFAULT_OPS_PORTS: DistributedPorts['ops'] = { auth: 9101, user: 9102, outboxRelay: 9103 };

/**
 * The distributed shape: one process per role, each a Deployment of the same image on
 * Kubernetes. Every process gets its own WORKER_ID so the ids they generate never collide.
 */
export function distributedPlan(ports: DistributedPorts): {
  env: Record<string, string>;
  processes: RoleProcessSpec[];
} {
  return {
    env: {
      GRPC_AUTH_URL: `127.0.0.1:${ports.grpc.auth}`,
      GRPC_USER_URL: `127.0.0.1:${ports.grpc.user}`,
    },
    processes: [
      { name: 'user', env: { ROLES: 'user', PORT: String(ports.ops.user), WORKER_ID: '3' } },
      { name: 'auth', env: { ROLES: 'auth', PORT: String(ports.ops.auth), WORKER_ID: '2' } },
      {
        name: 'outbox-relay',
        env: { ROLES: 'outbox-relay', PORT: String(ports.ops.outboxRelay), WORKER_ID: '4' },
      },
      { name: 'gateway', env: { ROLES: 'gateway', PORT: String(ports.gateway), WORKER_ID: '1' } },
    ],
  };
}
