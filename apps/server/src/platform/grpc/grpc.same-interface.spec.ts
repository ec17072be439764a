import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UserServiceDefinition, type UserService } from '../../generated/glimpse/user/v1/user.js';
import { SqlFollowsRepository } from '../../services/user/follows.repository.js';
import { SqlProfilesRepository } from '../../services/user/profiles.repository.js';
import { UserServiceImpl } from '../../services/user/user.service.js';
import { DomainError } from '../errors.js';
import { IdGenerator } from '../ids/snowflake.js';
import { createLogger } from '../logging/logger.js';
import { migrate } from '../sql/migrator.js';
import { PgliteDatabase } from '../sql/pglite.database.js';
import { createGrpcClient, type GrpcClient } from './grpc-client.js';
import { GrpcServer } from './grpc-server.js';

async function outcome<T>(promise: Promise<T>): Promise<{ ok: T } | { error: unknown }> {
  return promise.then(
    (ok) => ({ ok }),
    (error: unknown) => ({ error }),
  );
}

/** The real user service, called in process and through gRPC: the caller cannot tell which. */
describe('UserServiceImpl in process and over gRPC', () => {
  const logger = createLogger({ level: 'silent' });
  const ids = new IdGenerator(3);
  let db: PgliteDatabase;
  let local: UserServiceImpl;
  let server: GrpcServer;
  let remote: GrpcClient<typeof UserServiceDefinition>;

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    await migrate(db, { schemas: ['users', 'outbox'] });
    local = new UserServiceImpl({
      profiles: new SqlProfilesRepository(db),
      follows: new SqlFollowsRepository(db),
      ids,
    });
    server = new GrpcServer({ host: '127.0.0.1', port: 0, logger });
    server.addService(UserServiceDefinition, local);
    const port = await server.start();
    remote = createGrpcClient(UserServiceDefinition, {
      url: `127.0.0.1:${port}`,
      serviceLabel: 'user',
      logger,
    });
  });

  afterAll(async () => {
    remote?.close();
    await server?.stop(1000);
    await db?.close();
  });

  it('answers follow, getProfile and listFollowers the same way', async () => {
    const users: UserService = remote;
    const ada = ids.next();
    const grace = ids.next();
    const alan = ids.next();
    await users.createProfile({ userId: ada, username: 'ada', displayName: 'Ada Lovelace' });
    await users.createProfile({ userId: grace, username: 'grace', displayName: '' });
    await local.createProfile({ userId: alan, username: 'alan', displayName: 'Alan' });

    await expect(users.follow({ followerId: grace, followeeUsername: 'ada' })).resolves.toEqual({
      following: true,
      followerCount: '1',
    });
    await expect(local.follow({ followerId: alan, followeeUsername: 'ADA' })).resolves.toEqual({
      following: true,
      followerCount: '2',
    });
    // Idempotent over the wire as in process.
    expect(await users.follow({ followerId: alan, followeeUsername: 'ada' })).toEqual(
      await local.follow({ followerId: alan, followeeUsername: 'ada' }),
    );

    const profileRequests = [
      { by: { $case: 'username' as const, value: 'ada' }, viewerId: grace },
      { by: { $case: 'userId' as const, value: ada } },
      { by: { $case: 'username' as const, value: 'grace' }, viewerId: ada },
    ];
    for (const request of profileRequests) {
      const overGrpc = await users.getProfile(request);
      expect(overGrpc).toEqual(await local.getProfile(request));
    }
    const viewed = await users.getProfile(profileRequests[0]!);
    expect(viewed).toMatchObject({ followerCount: '2', viewer: { following: true, followedBy: false } });

    const firstPage = await users.listFollowers({ username: 'ada', limit: 1 });
    expect(firstPage).toEqual(await local.listFollowers({ username: 'ada', limit: 1 }));
    expect(firstPage.items).toHaveLength(1);
    expect(firstPage.nextCursor).toBeDefined();
    const secondPage = await users.listFollowers({ username: 'ada', limit: 1, cursor: firstPage.nextCursor });
    expect(secondPage).toEqual(
      await local.listFollowers({ username: 'ada', limit: 1, cursor: firstPage.nextCursor }),
    );
    expect([...firstPage.items, ...secondPage.items].map((s) => s.id).sort()).toEqual([grace, alan].sort());
  });

  it('fails the same way', async () => {
    await local.createProfile({ userId: ids.next(), username: 'taken', displayName: '' });
    const requests: Array<(users: UserService) => Promise<unknown>> = [
      (users) => users.getProfile({ by: { $case: 'username', value: 'nobody' } }),
      (users) => users.getProfile({}),
      (users) => users.follow({ followerId: 'x', followeeUsername: 'taken' }),
      (users) => users.listFollowers({ username: 'taken', limit: 10, cursor: 'not-a-cursor' }),
      (users) => users.createProfile({ userId: ids.next(), username: 'TAKEN', displayName: '' }),
    ];
    for (const request of requests) {
      const overGrpc = await outcome(request(remote));
      const inProcess = await outcome(request(local));
      expect('error' in inProcess && inProcess.error).toBeInstanceOf(DomainError);
      expect('error' in overGrpc && overGrpc.error).toBeInstanceOf(DomainError);
      const [a, b] = [overGrpc, inProcess].map((o) => ('error' in o ? (o.error as DomainError) : undefined));
      expect({ kind: a?.kind, message: a?.message, errors: a?.errors }).toEqual({
        kind: b?.kind,
        message: b?.message,
        errors: b?.errors,
      });
    }
  });
});
