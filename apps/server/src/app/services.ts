import type { AuthService } from '../generated/glimpse/auth/v1/auth.js';
import type { UserService } from '../generated/glimpse/user/v1/user.js';
import type { Config } from '../platform/config/config.js';
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

export interface ServiceDependencies {
  config: Config;
  sql: SqlDatabase;
  ids: IdGenerator;
  accessTokens: AccessTokens;
}

export interface Services {
  auth: AuthService;
  users: UserService;
}

/** Builds the in-process services: each gets only the ports and peers it needs. */
export function createServices({ config, sql, ids, accessTokens }: ServiceDependencies): Services {
  const users = new UserServiceImpl({
    profiles: new SqlProfilesRepository(sql),
    follows: new SqlFollowsRepository(sql),
    ids,
    traceparent: () => injectTraceparent(),
  });
  const auth = new AuthServiceImpl({
    accounts: new SqlAccountsRepository(sql),
    refreshTokens: new SqlRefreshTokensRepository(sql),
    users,
    hasher: new Argon2PasswordHasher(),
    accessTokens,
    ids,
    refreshTokenTtlSeconds: config.auth.refreshTokenTtlSeconds,
  });
  return { auth, users };
}
