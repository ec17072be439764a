import { beforeEach, describe, expect, it, vi, type Mocked } from 'vitest';

import type { UserService } from '../../generated/glimpse/user/v1/user.js';
import { DomainError } from '../../platform/errors.js';
import { AccessTokens } from '../../platform/security/access-tokens.js';
import { rejection } from '../../testing/rejection.js';
import type { AccountRecord, AccountsRepository } from './accounts.repository.js';
import { AuthServiceImpl } from './auth.service.js';
import type { PasswordHasher } from './password.hasher.js';
import { hashRefreshToken } from './refresh-token.js';
import type { RefreshTokenRecord, RefreshTokensRepository } from './refresh-tokens.repository.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
/** Any decimal id: the generator's values are not the point of these assertions. */
const anyId: unknown = expect.any(String);
const DAY_MS = 24 * 60 * 60 * 1000;
const accessTokens = new AccessTokens({ secret: 'unit-test-secret-of-at-least-32-bytes!!', now: () => NOW });

const ada: AccountRecord = {
  userId: '1001',
  username: 'ada',
  email: 'ada@example.com',
  passwordHash: 'hashed:correct horse',
};

function setup() {
  const accounts: Mocked<AccountsRepository> = {
    insert: vi.fn<AccountsRepository['insert']>().mockResolvedValue(true),
    findById: vi.fn<AccountsRepository['findById']>().mockResolvedValue(undefined),
    findByUsername: vi.fn<AccountsRepository['findByUsername']>().mockResolvedValue(undefined),
    findByEmail: vi.fn<AccountsRepository['findByEmail']>().mockResolvedValue(undefined),
    setAdmin: vi.fn<AccountsRepository['setAdmin']>().mockResolvedValue(true),
  };
  const refreshTokens: Mocked<RefreshTokensRepository> = {
    insert: vi.fn<RefreshTokensRepository['insert']>().mockResolvedValue(undefined),
    findByHash: vi.fn<RefreshTokensRepository['findByHash']>().mockResolvedValue(undefined),
    rotate: vi.fn<RefreshTokensRepository['rotate']>().mockResolvedValue(true),
    revokeFamily: vi.fn<RefreshTokensRepository['revokeFamily']>().mockResolvedValue(undefined),
  };
  const users = {
    createProfile: vi.fn<UserService['createProfile']>().mockImplementation((request) =>
      Promise.resolve({
        id: request.userId,
        username: request.username,
        displayName: request.displayName || request.username,
        bio: '',
        followerCount: '0',
        followingCount: '0',
        postCount: '0',
        createdAt: NOW.toISOString(),
      }),
    ),
  };
  // A transparent stand-in: argon2 itself is covered by password.hasher.spec.ts.
  const hasher: Mocked<PasswordHasher> = {
    hash: vi
      .fn<PasswordHasher['hash']>()
      .mockImplementation((password) => Promise.resolve(`hashed:${password}`)),
    verify: vi
      .fn<PasswordHasher['verify']>()
      .mockImplementation((hash, password) => Promise.resolve(hash === `hashed:${password}`)),
  };
  let nextId = 5000;
  const ids = { next: vi.fn(() => String(nextId++)) };
  const service = new AuthServiceImpl({
    accounts,
    refreshTokens,
    users,
    hasher,
    accessTokens,
    ids,
    refreshTokenTtlSeconds: 30 * 24 * 60 * 60,
    now: () => NOW,
  });
  return { service, accounts, refreshTokens, users, hasher, ids };
}

type Setup = ReturnType<typeof setup>;

function storedToken(overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    id: '700',
    userId: ada.userId,
    familyId: '600',
    expiresAt: new Date(NOW.getTime() + DAY_MS),
    usedAt: null,
    familyRevoked: false,
    ...overrides,
  };
}

describe('AuthServiceImpl', () => {
  let t: Setup;
  beforeEach(() => {
    t = setup();
  });

  describe('signup', () => {
    const valid = { username: 'Ada.Lovelace_1', email: ' Ada@Example.COM ', password: 'correct horse' };

    it('creates the account with a hashed password, lowercased names, the profile and a session', async () => {
      const session = await t.service.signup({ ...valid, displayName: '  Ada Lovelace ' });

      expect(t.hasher.hash).toHaveBeenCalledWith('correct horse');
      expect(t.accounts.insert).toHaveBeenCalledWith({
        userId: '5000',
        username: 'ada.lovelace_1',
        email: 'ada@example.com',
        passwordHash: 'hashed:correct horse',
      });
      expect(t.users.createProfile).toHaveBeenCalledWith({
        userId: '5000',
        username: 'ada.lovelace_1',
        displayName: 'Ada Lovelace',
      });
      expect(session.userId).toBe('5000');
      expect(session.tokens?.expiresIn).toBe(900);
      await expect(accessTokens.verify(session.tokens?.accessToken ?? '')).resolves.toMatchObject({
        userId: '5000',
        username: 'ada.lovelace_1',
      });
      // The refresh token is stored hashed, in a new family, expiring after the configured TTL.
      const refreshToken = session.tokens?.refreshToken ?? '';
      expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(t.refreshTokens.insert).toHaveBeenCalledWith({
        id: anyId,
        userId: '5000',
        familyId: anyId,
        tokenHash: hashRefreshToken(refreshToken),
        expiresAt: new Date(NOW.getTime() + 30 * DAY_MS),
      });
    });

    it('passes an empty display name so that the profile defaults to the username', async () => {
      await t.service.signup(valid);
      expect(t.users.createProfile).toHaveBeenCalledWith({
        userId: '5000',
        username: 'ada.lovelace_1',
        displayName: '',
      });
    });

    it.each([
      ['ab', 'must be 3 to 30 characters'],
      ['a'.repeat(31), 'must be 3 to 30 characters'],
      ['ada lovelace', 'may contain only letters, digits, periods and underscores'],
      ['ada-lovelace', 'may contain only letters, digits, periods and underscores'],
      ['ada@home', 'may contain only letters, digits, periods and underscores'],
      ['.ada', 'must not start or end with a period'],
      ['ada.', 'must not start or end with a period'],
    ])('rejects the username %j: %s', async (username, message) => {
      const err = await rejection(t.service.signup({ ...valid, username }));
      expect(err.kind).toBe('invalid');
      expect(err.errors).toEqual([{ path: 'username', message }]);
      expect(t.accounts.insert).not.toHaveBeenCalled();
    });

    it('accepts usernames at the length bounds', async () => {
      await t.service.signup({ ...valid, username: 'abc' });
      await t.service.signup({ ...valid, username: 'a'.repeat(30) });
      expect(t.accounts.insert).toHaveBeenCalledTimes(2);
    });

    it.each([
      ['not-an-email', 'must be an email address'],
      ['ada@', 'must be an email address'],
      ['@example.com', 'must be an email address'],
      ['ada@localhost', 'must be an email address'],
      ['ada lovelace@example.com', 'must be an email address'],
      ['ada@exa mple.com', 'must be an email address'],
      ['ada@@example.com', 'must be an email address'],
      [`${'a'.repeat(64)}@${'b'.repeat(186)}.com`, 'must be at most 254 characters'],
    ])('rejects the email %j: %s', async (email, message) => {
      const err = await rejection(t.service.signup({ ...valid, email }));
      expect(err.errors).toEqual([{ path: 'email', message }]);
    });

    it('accepts an email of exactly 254 characters and internationalised domains', async () => {
      await t.service.signup({ ...valid, email: `${'a'.repeat(64)}@${'b'.repeat(186)}.co` });
      await t.service.signup({ ...valid, email: 'ada+tag@bücher.example' });
      expect(t.accounts.insert).toHaveBeenCalledTimes(2);
    });

    it.each([
      ['short77', 'must be 8 to 128 characters'],
      ['x'.repeat(129), 'must be 8 to 128 characters'],
    ])('rejects the password %j', async (password, message) => {
      const err = await rejection(t.service.signup({ ...valid, password }));
      expect(err.errors).toEqual([{ path: 'password', message }]);
    });

    it('counts characters, not UTF-16 units, for lengths', async () => {
      await t.service.signup({ ...valid, password: '🔒'.repeat(8), displayName: '😀'.repeat(64) });
      expect(t.accounts.insert).toHaveBeenCalledOnce();
    });

    it('rejects a display name over 64 characters or with control characters', async () => {
      const long = await rejection(t.service.signup({ ...valid, displayName: 'x'.repeat(65) }));
      expect(long.errors).toEqual([{ path: 'displayName', message: 'must be at most 64 characters' }]);
      const control = await rejection(t.service.signup({ ...valid, displayName: 'Ada\nLovelace' }));
      expect(control.errors).toEqual([
        { path: 'displayName', message: 'must not contain control characters' },
      ]);
    });

    it('reports every invalid field at once', async () => {
      const err = await rejection(
        t.service.signup({ username: 'a', email: 'b', password: 'c', displayName: 'd' }),
      );
      expect(err.kind).toBe('invalid');
      expect(err.errors?.map((e) => e.path)).toEqual(['username', 'email', 'password']);
    });

    it('names the username as the conflict when it is taken', async () => {
      t.accounts.insert.mockResolvedValue(false);
      t.accounts.findByUsername.mockResolvedValue({ ...ada, username: 'ada.lovelace_1' });
      const err = await rejection(t.service.signup(valid));
      expect(err).toMatchObject({ kind: 'conflict', message: 'Username is already taken' });
      expect(err.errors).toEqual([{ path: 'username', message: 'is already taken' }]);
      expect(t.users.createProfile).not.toHaveBeenCalled();
      expect(t.refreshTokens.insert).not.toHaveBeenCalled();
    });

    it('names the email as the conflict when it is taken', async () => {
      t.accounts.insert.mockResolvedValue(false);
      t.accounts.findByEmail.mockResolvedValue(ada);
      const err = await rejection(t.service.signup(valid));
      expect(err).toMatchObject({ kind: 'conflict', message: 'Email is already registered' });
      expect(err.errors).toEqual([{ path: 'email', message: 'is already registered' }]);
    });

    it('names both when both belong to other accounts', async () => {
      t.accounts.insert.mockResolvedValue(false);
      t.accounts.findByUsername.mockResolvedValue({ ...ada, userId: '1' });
      t.accounts.findByEmail.mockResolvedValue({ ...ada, userId: '2' });
      const err = await rejection(t.service.signup(valid));
      expect(err.kind).toBe('conflict');
      expect(err.errors?.map((e) => e.path)).toEqual(['username', 'email']);
    });

    it('treats the same username, email and password as a retry: ensures the profile and opens a session', async () => {
      const existing = { ...ada, username: 'ada.lovelace_1' };
      t.accounts.insert.mockResolvedValue(false);
      t.accounts.findByUsername.mockResolvedValue(existing);
      t.accounts.findByEmail.mockResolvedValue(existing);

      const session = await t.service.signup({ ...valid, displayName: 'Ada' });

      expect(t.accounts.findByUsername).toHaveBeenCalledWith('ada.lovelace_1');
      expect(t.accounts.findByEmail).toHaveBeenCalledWith('ada@example.com');
      expect(t.users.createProfile).toHaveBeenCalledWith({
        userId: '1001',
        username: 'ada.lovelace_1',
        displayName: 'Ada',
      });
      expect(session.userId).toBe('1001');
      expect(t.refreshTokens.insert).toHaveBeenCalledOnce();
    });

    it('is a conflict, not a retry, when the password differs', async () => {
      const existing = { ...ada, username: 'ada.lovelace_1', passwordHash: 'hashed:another one' };
      t.accounts.insert.mockResolvedValue(false);
      t.accounts.findByUsername.mockResolvedValue(existing);
      t.accounts.findByEmail.mockResolvedValue(existing);
      const err = await rejection(t.service.signup(valid));
      expect(err.kind).toBe('conflict');
      expect(err.errors?.map((e) => e.path)).toEqual(['username', 'email']);
      expect(t.refreshTokens.insert).not.toHaveBeenCalled();
    });

    it('propagates a failed profile call, so that the client retries the signup', async () => {
      t.users.createProfile.mockRejectedValueOnce(DomainError.unavailable('user service down'));
      const err = await rejection(t.service.signup(valid));
      expect(err.kind).toBe('unavailable');
      expect(t.refreshTokens.insert).not.toHaveBeenCalled();
    });
  });

  describe('login', () => {
    beforeEach(() => {
      t.accounts.findByUsername.mockImplementation((username) =>
        Promise.resolve(username === 'ada' ? ada : undefined),
      );
      t.accounts.findByEmail.mockImplementation((email) =>
        Promise.resolve(email === 'ada@example.com' ? ada : undefined),
      );
    });

    it('accepts the username case-insensitively, ensures the profile and opens a session', async () => {
      const session = await t.service.login({ login: ' ADA ', password: 'correct horse' });
      expect(t.accounts.findByUsername).toHaveBeenCalledWith('ada');
      expect(t.users.createProfile).toHaveBeenCalledWith({
        userId: '1001',
        username: 'ada',
        displayName: '',
      });
      expect(session.userId).toBe('1001');
      await expect(accessTokens.verify(session.tokens?.accessToken ?? '')).resolves.toMatchObject({
        userId: '1001',
        username: 'ada',
      });
    });

    it('gives the admin role to admin accounts only', async () => {
      t.accounts.findByUsername.mockResolvedValue({ ...ada, admin: true });
      const session = await t.service.login({ login: 'ada', password: 'correct horse' });
      await expect(accessTokens.verify(session.tokens?.accessToken ?? '')).resolves.toMatchObject({
        userId: '1001',
        username: 'ada',
        admin: true,
      });
      t.accounts.findByUsername.mockResolvedValue({ ...ada, admin: false });
      const plain = await t.service.login({ login: 'ada', password: 'correct horse' });
      expect(await accessTokens.verify(plain.tokens?.accessToken ?? '')).not.toHaveProperty('admin');
    });

    it('accepts the email case-insensitively', async () => {
      const session = await t.service.login({ login: 'Ada@Example.com', password: 'correct horse' });
      expect(t.accounts.findByEmail).toHaveBeenCalledWith('ada@example.com');
      expect(t.accounts.findByUsername).not.toHaveBeenCalled();
      expect(session.userId).toBe('1001');
    });

    it('opens a new token family on every login', async () => {
      await t.service.login({ login: 'ada', password: 'correct horse' });
      await t.service.login({ login: 'ada', password: 'correct horse' });
      const families = t.refreshTokens.insert.mock.calls.map(([token]) => token.familyId);
      expect(new Set(families).size).toBe(2);
    });

    it('answers a wrong password and an unknown user the same way, verifying a password in both cases', async () => {
      const wrong = await rejection(t.service.login({ login: 'ada', password: 'wrong password' }));
      expect(t.hasher.verify).toHaveBeenCalledTimes(1);
      const unknown = await rejection(t.service.login({ login: 'grace', password: 'wrong password' }));
      expect(t.hasher.verify).toHaveBeenCalledTimes(2);
      const unknownEmail = await rejection(t.service.login({ login: 'grace@example.com', password: 'x' }));
      expect(t.hasher.verify).toHaveBeenCalledTimes(3);

      for (const err of [wrong, unknown, unknownEmail]) {
        expect(err).toMatchObject({ kind: 'unauthenticated', message: 'Invalid credentials' });
      }
      // The dummy hash is computed with the real hasher once, then reused.
      expect(t.hasher.hash).toHaveBeenCalledTimes(1);
      expect(t.users.createProfile).not.toHaveBeenCalled();
      expect(t.refreshTokens.insert).not.toHaveBeenCalled();
    });

    it('rejects empty fields as invalid', async () => {
      const err = await rejection(t.service.login({ login: '  ', password: '' }));
      expect(err.kind).toBe('invalid');
      expect(err.errors).toEqual([
        { path: 'login', message: 'is required' },
        { path: 'password', message: 'is required' },
      ]);
    });
  });

  describe('refresh', () => {
    const presented = 'presented-refresh-token';

    beforeEach(() => {
      t.accounts.findById.mockImplementation((id) => Promise.resolve(id === ada.userId ? ada : undefined));
    });

    it('rotates: spends the token and returns a successor in the same family', async () => {
      t.refreshTokens.findByHash.mockResolvedValue(storedToken());

      const pair = await t.service.refresh({ refreshToken: presented });

      expect(t.refreshTokens.findByHash).toHaveBeenCalledWith(hashRefreshToken(presented));
      expect(pair.refreshToken).not.toBe(presented);
      expect(t.refreshTokens.rotate).toHaveBeenCalledWith('700', NOW, {
        id: anyId,
        userId: ada.userId,
        familyId: '600',
        tokenHash: hashRefreshToken(pair.refreshToken),
        expiresAt: new Date(NOW.getTime() + 30 * DAY_MS),
      });
      expect(pair.expiresIn).toBe(900);
      await expect(accessTokens.verify(pair.accessToken)).resolves.toMatchObject({
        userId: ada.userId,
        username: 'ada',
      });
      expect(t.refreshTokens.revokeFamily).not.toHaveBeenCalled();
    });

    it('rejects an unknown token', async () => {
      const err = await rejection(t.service.refresh({ refreshToken: presented }));
      expect(err).toMatchObject({ kind: 'unauthenticated', message: 'Invalid refresh token' });
      expect(t.refreshTokens.rotate).not.toHaveBeenCalled();
    });

    it('rejects an empty token without a lookup', async () => {
      const err = await rejection(t.service.refresh({ refreshToken: '' }));
      expect(err.kind).toBe('unauthenticated');
      expect(t.refreshTokens.findByHash).not.toHaveBeenCalled();
    });

    it('rejects a token whose family was revoked', async () => {
      t.refreshTokens.findByHash.mockResolvedValue(storedToken({ familyRevoked: true }));
      const err = await rejection(t.service.refresh({ refreshToken: presented }));
      expect(err).toMatchObject({ kind: 'unauthenticated', message: 'Invalid refresh token' });
      expect(t.refreshTokens.rotate).not.toHaveBeenCalled();
    });

    it('rejects an expired token', async () => {
      t.refreshTokens.findByHash.mockResolvedValue(storedToken({ expiresAt: NOW }));
      const err = await rejection(t.service.refresh({ refreshToken: presented }));
      expect(err).toMatchObject({ kind: 'unauthenticated', message: 'Refresh token expired' });
      expect(t.refreshTokens.rotate).not.toHaveBeenCalled();
      expect(t.refreshTokens.revokeFamily).not.toHaveBeenCalled();
    });

    it('revokes the whole family when a spent token is presented again', async () => {
      t.refreshTokens.findByHash.mockResolvedValue(storedToken({ usedAt: new Date(NOW.getTime() - 1000) }));
      const err = await rejection(t.service.refresh({ refreshToken: presented }));
      expect(err.kind).toBe('unauthenticated');
      expect(err.message).toMatch(/reuse/);
      expect(t.refreshTokens.revokeFamily).toHaveBeenCalledWith('600', NOW);
      expect(t.refreshTokens.rotate).not.toHaveBeenCalled();
    });

    it('treats losing a concurrent rotation of the same token as reuse', async () => {
      t.refreshTokens.findByHash.mockResolvedValue(storedToken());
      t.refreshTokens.rotate.mockResolvedValue(false);
      const err = await rejection(t.service.refresh({ refreshToken: presented }));
      expect(err.kind).toBe('unauthenticated');
      expect(err.message).toMatch(/reuse/);
      expect(t.refreshTokens.revokeFamily).toHaveBeenCalledWith('600', NOW);
    });

    it('rejects a token whose account no longer exists', async () => {
      t.refreshTokens.findByHash.mockResolvedValue(storedToken({ userId: '999' }));
      const err = await rejection(t.service.refresh({ refreshToken: presented }));
      expect(err.kind).toBe('unauthenticated');
      expect(t.refreshTokens.rotate).not.toHaveBeenCalled();
    });
  });

  describe('logout', () => {
    it('revokes the family of the presented token', async () => {
      t.refreshTokens.findByHash.mockResolvedValue(storedToken());
      await expect(t.service.logout({ refreshToken: 'some-token' })).resolves.toEqual({});
      expect(t.refreshTokens.findByHash).toHaveBeenCalledWith(hashRefreshToken('some-token'));
      expect(t.refreshTokens.revokeFamily).toHaveBeenCalledWith('600', NOW);
    });

    it('is idempotent: an unknown or empty token is fine', async () => {
      await expect(t.service.logout({ refreshToken: 'unknown' })).resolves.toEqual({});
      await expect(t.service.logout({ refreshToken: '' })).resolves.toEqual({});
      expect(t.refreshTokens.revokeFamily).not.toHaveBeenCalled();
    });
  });

  describe('getAccount', () => {
    it('returns the private fields', async () => {
      t.accounts.findById.mockResolvedValue(ada);
      await expect(t.service.getAccount({ userId: '1001' })).resolves.toEqual({
        userId: '1001',
        username: 'ada',
        email: 'ada@example.com',
      });
    });

    it('is not found for an unknown or malformed id', async () => {
      expect((await rejection(t.service.getAccount({ userId: '1001' }))).kind).toBe('not_found');
      expect((await rejection(t.service.getAccount({ userId: 'abc' }))).kind).toBe('not_found');
      expect(t.accounts.findById).toHaveBeenCalledTimes(1);
    });
  });
});
