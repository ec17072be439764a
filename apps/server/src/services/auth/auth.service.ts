import { randomBytes } from 'node:crypto';

import type {
  Account,
  AuthService,
  Empty,
  GetAccountRequest,
  LoginRequest,
  LogoutRequest,
  RefreshRequest,
  Session,
  SignupRequest,
  TokenPair,
} from '../../generated/glimpse/auth/v1/auth.js';
import type { UserService } from '../../generated/glimpse/user/v1/user.js';
import { DomainError, type FieldError } from '../../platform/errors.js';
import { isId } from '../../platform/ids/snowflake.js';
import type { AccessTokenClaims, SignedAccessToken } from '../../platform/security/access-tokens.js';
import type { AccountRecord, AccountsRepository } from './accounts.repository.js';
import { checkSignup, type SignupInput } from './auth.rules.js';
import type { PasswordHasher } from './password.hasher.js';
import { hashRefreshToken, newRefreshToken } from './refresh-token.js';
import type { NewRefreshToken, RefreshTokensRepository } from './refresh-tokens.repository.js';

export const DEFAULT_REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

export interface AuthServiceDeps {
  accounts: AccountsRepository;
  refreshTokens: RefreshTokensRepository;
  /** Profiles belong to the user service, in process or over gRPC. */
  users: Pick<UserService, 'createProfile'>;
  hasher: PasswordHasher;
  /** `AccessTokens` from platform/security. */
  accessTokens: { sign(claims: AccessTokenClaims): Promise<SignedAccessToken> };
  /** Source of 64-bit time-sortable ids (user ids, token ids, token families). */
  ids: { next(): string };
  refreshTokenTtlSeconds?: number;
  now?: () => Date;
}

const INVALID_CREDENTIALS = 'Invalid credentials';
const INVALID_REFRESH_TOKEN = 'Invalid refresh token';

/**
 * Accounts and sessions. A session is a short-lived access token plus a refresh token that
 * rotates on every use within its family (one family per login); presenting a spent refresh
 * token means two parties hold the family, so the whole family is revoked (OAuth 2.0 Security
 * BCP, refresh token rotation).
 */
export class AuthServiceImpl implements AuthService {
  private readonly accounts: AccountsRepository;
  private readonly refreshTokens: RefreshTokensRepository;
  private readonly users: Pick<UserService, 'createProfile'>;
  private readonly hasher: PasswordHasher;
  private readonly accessTokens: AuthServiceDeps['accessTokens'];
  private readonly ids: { next(): string };
  private readonly refreshTokenTtlMs: number;
  private readonly now: () => Date;
  private dummyHash: Promise<string> | undefined;

  constructor(deps: AuthServiceDeps) {
    this.accounts = deps.accounts;
    this.refreshTokens = deps.refreshTokens;
    this.users = deps.users;
    this.hasher = deps.hasher;
    this.accessTokens = deps.accessTokens;
    this.ids = deps.ids;
    this.refreshTokenTtlMs = (deps.refreshTokenTtlSeconds ?? DEFAULT_REFRESH_TOKEN_TTL_SECONDS) * 1000;
    this.now = deps.now ?? (() => new Date());
  }

  async signup(request: SignupRequest): Promise<Session> {
    const checked = checkSignup(request);
    if (checked.errors !== undefined) throw DomainError.invalid('Invalid signup', checked.errors);
    const input = checked.input;

    const passwordHash = await this.hasher.hash(input.password);
    const candidate: AccountRecord = {
      userId: this.ids.next(),
      username: input.username,
      email: input.email,
      passwordHash,
    };
    const account = (await this.accounts.insert(candidate)) ? candidate : await this.signupRetryOf(input);

    // Idempotent: a retried signup whose profile call failed the first time completes it now.
    await this.users.createProfile({
      userId: account.userId,
      username: account.username,
      displayName: input.displayName,
    });
    return this.openSession(account);
  }

  async login(request: LoginRequest): Promise<Session> {
    const login = request.login.trim().toLowerCase();
    const errors: FieldError[] = [];
    if (login === '') errors.push({ path: 'login', message: 'is required' });
    if (request.password === '') errors.push({ path: 'password', message: 'is required' });
    if (errors.length > 0) throw DomainError.invalid('Invalid login', errors);

    // Usernames cannot contain '@', so the login names exactly one kind of account.
    const account = login.includes('@')
      ? await this.accounts.findByEmail(login)
      : await this.accounts.findByUsername(login);
    if (account === undefined) {
      // Spend the same time as a real verification, so timing does not reveal who exists.
      await this.hasher.verify(await this.dummyPasswordHash(), request.password);
      throw DomainError.unauthenticated(INVALID_CREDENTIALS);
    }
    if (!(await this.hasher.verify(account.passwordHash, request.password))) {
      throw DomainError.unauthenticated(INVALID_CREDENTIALS);
    }

    // Repairs an account whose signup stopped before its profile was created. An empty display
    // name makes the profile default to the username.
    await this.users.createProfile({ userId: account.userId, username: account.username, displayName: '' });
    return this.openSession(account);
  }

  async refresh(request: RefreshRequest): Promise<TokenPair> {
    if (request.refreshToken === '') throw DomainError.unauthenticated(INVALID_REFRESH_TOKEN);
    const now = this.now();
    const token = await this.refreshTokens.findByHash(hashRefreshToken(request.refreshToken));
    if (token === undefined || token.familyRevoked) throw DomainError.unauthenticated(INVALID_REFRESH_TOKEN);
    if (token.usedAt !== null) return this.reuseDetected(token.familyId, now);
    if (token.expiresAt.getTime() <= now.getTime())
      throw DomainError.unauthenticated('Refresh token expired');

    const account = await this.accounts.findById(token.userId);
    if (account === undefined) throw DomainError.unauthenticated(INVALID_REFRESH_TOKEN);

    const successor = this.newRefreshToken(account.userId, token.familyId, now);
    // Lost the race against a concurrent refresh with the same token: that is a reuse too.
    if (!(await this.refreshTokens.rotate(token.id, now, successor.record))) {
      return this.reuseDetected(token.familyId, now);
    }
    const access = await this.signAccess(account);
    return { accessToken: access.token, refreshToken: successor.token, expiresIn: access.expiresIn };
  }

  async logout(request: LogoutRequest): Promise<Empty> {
    if (request.refreshToken === '') return {};
    const token = await this.refreshTokens.findByHash(hashRefreshToken(request.refreshToken));
    if (token !== undefined) await this.refreshTokens.revokeFamily(token.familyId, this.now());
    return {};
  }

  async getAccount(request: GetAccountRequest): Promise<Account> {
    const account = isId(request.userId) ? await this.accounts.findById(request.userId) : undefined;
    if (account === undefined) throw DomainError.notFound('Account not found');
    return { userId: account.userId, username: account.username, email: account.email };
  }

  /**
   * The insert conflicted. Same username, same email and the right password: this is a retry of
   * a signup that already created the account, so carry on with it. Anything else is a conflict.
   */
  private async signupRetryOf(input: SignupInput): Promise<AccountRecord> {
    const [byUsername, byEmail] = await Promise.all([
      this.accounts.findByUsername(input.username),
      this.accounts.findByEmail(input.email),
    ]);
    if (
      byUsername !== undefined &&
      byEmail !== undefined &&
      byUsername.userId === byEmail.userId &&
      (await this.hasher.verify(byUsername.passwordHash, input.password))
    ) {
      return byUsername;
    }
    const errors: FieldError[] = [];
    if (byUsername !== undefined) errors.push({ path: 'username', message: 'is already taken' });
    if (byEmail !== undefined) errors.push({ path: 'email', message: 'is already registered' });
    if (errors.length === 0) {
      // Neither is taken now, yet the insert conflicted: only a duplicate generated id could do it.
      throw new Error('Account insert conflicted on neither username nor email');
    }
    const message =
      errors.length === 2
        ? 'Username and email are already taken'
        : byUsername !== undefined
          ? 'Username is already taken'
          : 'Email is already registered';
    throw DomainError.conflict(message, errors);
  }

  private async reuseDetected(familyId: string, now: Date): Promise<never> {
    await this.refreshTokens.revokeFamily(familyId, now);
    throw DomainError.unauthenticated('Refresh token reuse detected; the session was revoked');
  }

  /** The role is read from the account at every signing, so a withdrawal holds from the next refresh. */
  private signAccess(account: AccountRecord): Promise<SignedAccessToken> {
    return this.accessTokens.sign({
      userId: account.userId,
      username: account.username,
      ...(account.admin === true && { admin: true }),
    });
  }

  /** A new session: a new refresh token family, and its first token. */
  private async openSession(account: AccountRecord): Promise<Session> {
    const now = this.now();
    const refresh = this.newRefreshToken(account.userId, this.ids.next(), now);
    await this.refreshTokens.insert(refresh.record);
    const access = await this.signAccess(account);
    return {
      userId: account.userId,
      tokens: { accessToken: access.token, refreshToken: refresh.token, expiresIn: access.expiresIn },
    };
  }

  private newRefreshToken(
    userId: string,
    familyId: string,
    now: Date,
  ): { token: string; record: NewRefreshToken } {
    const token = newRefreshToken();
    return {
      token,
      record: {
        id: this.ids.next(),
        userId,
        familyId,
        tokenHash: hashRefreshToken(token),
        expiresAt: new Date(now.getTime() + this.refreshTokenTtlMs),
      },
    };
  }

  /** A hash of a random password with the real parameters, computed once. */
  private dummyPasswordHash(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('base64url'));
    return this.dummyHash;
  }
}
