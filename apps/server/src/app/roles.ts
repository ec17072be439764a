import { hasRole, type Config } from '../platform/config/config.js';
import type { InfrastructureNeeds } from './infrastructure.js';

/** The service roles: each owns a .proto service and, run on its own, a gRPC port. */
export const SERVICE_ROLES = ['auth', 'user'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

/**
 * What a process does follows from its roles alone (Loki's `-target=`): which services run
 * here, which are reached over gRPC, which ports it opens.
 */
export interface RolePlan {
  gateway: boolean;
  outboxRelay: boolean;
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
  return {
    gateway,
    outboxRelay,
    local,
    // The monolith calls its services in process; nothing needs to reach them from outside.
    served: monolith ? new Set() : local,
    infrastructure: {
      // Services keep their truth in SQL and write their events to the outbox, in SQL too.
      sql: local.size > 0 || outboxRelay,
      // Rate limits and idempotency records live in the cache.
      cache: gateway,
      events: outboxRelay,
    },
  };
}
