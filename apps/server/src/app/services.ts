import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

import { AuthServiceDefinition, type AuthService } from '../generated/glimpse/auth/v1/auth.js';
import { UserServiceDefinition, type UserService } from '../generated/glimpse/user/v1/user.js';
import { formatHostPort, type Config } from '../platform/config/config.js';
import { createGrpcClient, type GrpcClient } from '../platform/grpc/grpc-client.js';
import type { UnaryServiceDefinition } from '../platform/grpc/grpc-definition.js';
import type { HealthCheck } from '../platform/health/health.controller.js';
import type { IdGenerator } from '../platform/ids/snowflake.js';
import type { AccessTokens } from '../platform/security/access-tokens.js';
import type { SqlDatabase } from '../platform/sql/sql.port.js';
import { injectTraceparent } from '../platform/telemetry/tracing.js';
import { SqlAccountsRepository } from '../services/auth/accounts.repository.js';
import { AuthServiceImpl } from '../services/auth/auth.service.js';
import { Argon2PasswordHasher } from '../services/auth/password.hasher.js';
import { SqlRefreshTokensRepository } from '../services/auth/refresh-tokens.repository.js';
import { SqlFollowsRepository } from '../services/user/follows.repository.js';
import { SqlProfilesRepository } from '../services/user/profiles.repository.js';
import { UserServiceImpl } from '../services/user/user.service.js';
import type { RolePlan, ServiceRole } from './roles.js';

export interface ServiceDependencies {
  config: Config;
  plan: RolePlan;
  sql: SqlDatabase | undefined;
  ids: IdGenerator;
  accessTokens: AccessTokens;
  logger: Logger;
  registry: Registry;
}

/**
 * Every service contract, each satisfied by the implementation when its role runs here and by
 * a gRPC client otherwise. Callers (the gateway, other services) cannot tell which.
 */
export interface Services {
  /** Undefined when nothing in this process calls the service. */
  auth: AuthService | undefined;
  users: UserService | undefined;
  /** The local implementations, for the gRPC server to expose. */
  local: Partial<{ auth: AuthService; user: UserService }>;
  /** Readiness of the services reached over gRPC. */
  healthChecks: HealthCheck[];
  close(): void;
}

function requireSql(sql: SqlDatabase | undefined): SqlDatabase {
  if (!sql) throw new Error('a service role runs here but no database was opened');
  return sql;
}

export function createServices(deps: ServiceDependencies): Services {
  const { config, plan, ids, logger, registry } = deps;
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

  // Who calls whom: the gateway calls both; the auth service calls the user service.
  const usersNeeded = plan.gateway || plan.local.has('user') || plan.local.has('auth');
  const authNeeded = plan.gateway || plan.local.has('auth');

  let users: UserService | undefined;
  if (plan.local.has('user')) {
    users = new UserServiceImpl({
      profiles: new SqlProfilesRepository(requireSql(deps.sql)),
      follows: new SqlFollowsRepository(requireSql(deps.sql)),
      ids,
      traceparent: () => injectTraceparent(),
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

  return {
    auth,
    users,
    local: {
      ...(plan.local.has('auth') && auth && { auth }),
      ...(plan.local.has('user') && users && { user: users }),
    },
    healthChecks,
    close: () => closers.forEach((close) => close()),
  };
}
