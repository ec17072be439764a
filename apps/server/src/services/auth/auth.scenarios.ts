import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { IdGenerator } from '../../platform/ids/snowflake.js';
import { AccessTokens } from '../../platform/security/access-tokens.js';
import { migrate } from '../../platform/sql/migrator.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import { rejection } from '../../testing/rejection.js';
import { SqlFollowsRepository } from '../user/follows.repository.js';
import { SqlProfilesRepository } from '../user/profiles.repository.js';
import { UserServiceImpl } from '../user/user.service.js';
import { AccountRoles } from './account-roles.js';
import { SqlAccountsRepository } from './accounts.repository.js';
import { AuthServiceImpl } from './auth.service.js';
import { Argon2PasswordHasher } from './password.hasher.js';
import { hashRefreshToken, newRefreshToken } from './refresh-token.js';
import { SqlRefreshTokensRepository } from './refresh-tokens.repository.js';

/**
 * The auth service with its real repositories, the real user service, argon2 and JWTs, on a
 * freshly migrated database. Run by one spec per SQL adapter, so PGlite is held to PostgreSQL.
 */
export function describeAuthScenarios(name: string, open: () => Promise<SqlDatabase>): void {
  describe(`auth service on ${name}`, () => {
    let db: SqlDatabase;
    let auth: AuthServiceImpl;
    let users: UserServiceImpl;
    let accounts: SqlAccountsRepository;
    let refreshTokens: SqlRefreshTokensRepository;
    const ids = new IdGenerator(1);
    const hasher = new Argon2PasswordHasher();
    const accessTokens = new AccessTokens({ secret: 'medium-test-secret-of-at-least-32-bytes' });

    beforeAll(async () => {
      db = await open();
      await migrate(db, { schemas: ['auth', 'users', 'outbox'] });
      accounts = new SqlAccountsRepository(db);
      refreshTokens = new SqlRefreshTokensRepository(db);
      users = new UserServiceImpl({
        profiles: new SqlProfilesRepository(db),
        follows: new SqlFollowsRepository(db),
        ids,
      });
      auth = new AuthServiceImpl({ accounts, refreshTokens, users, hasher, accessTokens, ids });
    });

    afterAll(async () => {
      await db?.close();
    });

    it('signs up, logs in, rotates refresh tokens and revokes the family on reuse', async () => {
      const signup = await auth.signup({
        username: 'Ada.Lovelace',
        email: 'Ada@Example.com',
        password: 'correct horse battery',
        displayName: 'Ada Lovelace',
      });
      const userId = signup.userId;
      await expect(accessTokens.verify(signup.tokens?.accessToken ?? '')).resolves.toMatchObject({
        userId,
        username: 'ada.lovelace',
      });
      await expect(auth.getAccount({ userId })).resolves.toEqual({
        userId,
        username: 'ada.lovelace',
        email: 'ada@example.com',
      });
      const profile = await users.getProfile({ by: { $case: 'username', value: 'ADA.LOVELACE' } });
      expect(profile).toMatchObject({ id: userId, displayName: 'Ada Lovelace', followerCount: '0' });

      // The password is stored as an argon2id hash, never in clear.
      const stored = await accounts.findById(userId);
      expect(stored?.passwordHash).toMatch(/^\$argon2id\$/);

      const byEmail = await auth.login({ login: 'ADA@example.COM', password: 'correct horse battery' });
      const byUsername = await auth.login({ login: 'ada.lovelace', password: 'correct horse battery' });
      expect(byEmail.userId).toBe(userId);
      expect(byUsername.userId).toBe(userId);

      const wrong = await rejection(auth.login({ login: 'ada.lovelace', password: 'wrong horse battery' }));
      const unknown = await rejection(
        auth.login({ login: 'nobody.here', password: 'correct horse battery' }),
      );
      expect(wrong).toMatchObject({ kind: 'unauthenticated', message: 'Invalid credentials' });
      expect(unknown).toMatchObject({ kind: 'unauthenticated', message: 'Invalid credentials' });

      const first = byEmail.tokens?.refreshToken ?? '';
      const second = await auth.refresh({ refreshToken: first });
      expect(second.refreshToken).not.toBe(first);
      await expect(accessTokens.verify(second.accessToken)).resolves.toMatchObject({
        userId,
        username: 'ada.lovelace',
      });
      const third = await auth.refresh({ refreshToken: second.refreshToken });

      // Someone replays the spent first token: the whole family dies, including the live third one.
      const reuse = await rejection(auth.refresh({ refreshToken: first }));
      expect(reuse.kind).toBe('unauthenticated');
      expect(reuse.message).toMatch(/reuse/);
      expect((await rejection(auth.refresh({ refreshToken: third.refreshToken }))).kind).toBe(
        'unauthenticated',
      );

      // Other sessions (families) of the same user are untouched.
      await expect(
        auth.refresh({ refreshToken: byUsername.tokens?.refreshToken ?? '' }),
      ).resolves.toMatchObject({
        expiresIn: 900,
      });
      // The database only ever saw hashes.
      await expect(refreshTokens.findByHash(hashRefreshToken(first))).resolves.toMatchObject({
        familyRevoked: true,
      });
    });

    it('grants and withdraws the admin role, shown in the next access token', async () => {
      const signup = await auth.signup({
        username: 'Operator',
        email: 'op@example.com',
        password: 'correct horse battery',
      });
      const roles = new AccountRoles(accounts);
      await roles.setAdmin('OPERATOR', true);
      const login = await auth.login({ login: 'operator', password: 'correct horse battery' });
      expect(await accessTokens.verify(login.tokens?.accessToken ?? '')).toMatchObject({ admin: true });
      // The session keeps its refresh token; the withdrawal shows at its next refresh.
      await roles.setAdmin('operator', false);
      const refreshed = await auth.refresh({ refreshToken: login.tokens?.refreshToken ?? '' });
      expect(await accessTokens.verify(refreshed.accessToken)).not.toHaveProperty('admin');
      expect(await accessTokens.verify(signup.tokens?.accessToken ?? '')).not.toHaveProperty('admin');
      const unknown = await rejection(roles.setAdmin('nobody', true));
      expect(unknown.kind).toBe('not_found');
    });

    it('lets exactly one of two concurrent refreshes with the same token win, and then revokes the family', async () => {
      const session = await auth.signup({
        username: 'racer',
        email: 'racer@example.com',
        password: 'correct horse battery',
      });
      const token = session.tokens?.refreshToken ?? '';

      const results = await Promise.allSettled([
        auth.refresh({ refreshToken: token }),
        auth.refresh({ refreshToken: token }),
      ]);

      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0]?.reason).toMatchObject({ kind: 'unauthenticated' });
      // The loser revoked the family, so the winner's successor is dead too.
      const winner = won[0]?.status === 'fulfilled' ? won[0].value : undefined;
      expect((await rejection(auth.refresh({ refreshToken: winner?.refreshToken ?? '' }))).kind).toBe(
        'unauthenticated',
      );
    });

    it('logs out by revoking the family, idempotently', async () => {
      const session = await auth.signup({
        username: 'leaver',
        email: 'leaver@example.com',
        password: 'correct horse battery',
      });
      const token = session.tokens?.refreshToken ?? '';
      await expect(auth.logout({ refreshToken: token })).resolves.toEqual({});
      await expect(auth.logout({ refreshToken: token })).resolves.toEqual({});
      await expect(auth.logout({ refreshToken: newRefreshToken() })).resolves.toEqual({});
      expect((await rejection(auth.refresh({ refreshToken: token }))).message).toBe('Invalid refresh token');
    });

    it('names the taken field, case-insensitively', async () => {
      await auth.signup({ username: 'taken', email: 'taken@example.com', password: 'correct horse battery' });

      const username = await rejection(
        auth.signup({ username: 'TAKEN', email: 'other@example.com', password: 'correct horse battery' }),
      );
      expect(username.kind).toBe('conflict');
      expect(username.errors).toEqual([{ path: 'username', message: 'is already taken' }]);

      const email = await rejection(
        auth.signup({ username: 'other', email: 'Taken@Example.com', password: 'correct horse battery' }),
      );
      expect(email.errors).toEqual([{ path: 'email', message: 'is already registered' }]);

      // Same username and email but another password: a conflict, not a retry.
      const both = await rejection(
        auth.signup({ username: 'taken', email: 'taken@example.com', password: 'another password' }),
      );
      expect(both.errors?.map((e) => e.path)).toEqual(['username', 'email']);
    });

    it('completes a signup whose profile was never created when it is retried, and login repairs it too', async () => {
      // The state a signup leaves when the user service failed after the account insert.
      const userId = ids.next();
      await accounts.insert({
        userId,
        username: 'halfway',
        email: 'halfway@example.com',
        passwordHash: await hasher.hash('correct horse battery'),
      });
      expect((await rejection(users.getProfile({ by: { $case: 'userId', value: userId } }))).kind).toBe(
        'not_found',
      );

      const retried = await auth.signup({
        username: 'halfway',
        email: 'halfway@example.com',
        password: 'correct horse battery',
        displayName: 'Half Way',
      });
      expect(retried.userId).toBe(userId);
      await expect(users.getProfile({ by: { $case: 'userId', value: userId } })).resolves.toMatchObject({
        username: 'halfway',
        displayName: 'Half Way',
      });

      const orphanId = ids.next();
      await accounts.insert({
        userId: orphanId,
        username: 'orphan',
        email: 'orphan@example.com',
        passwordHash: await hasher.hash('correct horse battery'),
      });
      await auth.login({ login: 'orphan', password: 'correct horse battery' });
      await expect(users.getProfile({ by: { $case: 'userId', value: orphanId } })).resolves.toMatchObject({
        username: 'orphan',
        displayName: 'orphan',
      });
    });

    it('refuses a token of a family revoked while its successor was being created', async () => {
      // A logout that races a refresh can revoke the family just before the successor lands;
      // revocation is checked on the family, so the late successor is refused as well.
      const session = await auth.signup({
        username: 'lately',
        email: 'lately@example.com',
        password: 'correct horse battery',
      });
      const familyId = ids.next();
      const early = newRefreshToken();
      const late = newRefreshToken();
      const expiresAt = new Date(Date.now() + 60_000);
      await refreshTokens.insert({
        id: ids.next(),
        userId: session.userId,
        familyId,
        tokenHash: hashRefreshToken(early),
        expiresAt,
      });
      await refreshTokens.revokeFamily(familyId, new Date());
      await refreshTokens.insert({
        id: ids.next(),
        userId: session.userId,
        familyId,
        tokenHash: hashRefreshToken(late),
        expiresAt,
      });

      expect((await rejection(auth.refresh({ refreshToken: late }))).message).toBe('Invalid refresh token');
    });
  });
}
