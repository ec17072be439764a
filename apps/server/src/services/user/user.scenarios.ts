import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { IdGenerator } from '../../platform/ids/snowflake.js';
import type { OutboxTables } from '../../platform/outbox/outbox.repository.js';
import { encodeCursor } from '../../platform/pagination/cursor.js';
import { migrate } from '../../platform/sql/migrator.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import { rejection } from '../../testing/rejection.js';
import { SqlFollowsRepository } from './follows.repository.js';
import { SqlProfilesRepository } from './profiles.repository.js';
import { PostCountsConsumer } from './post-counts.consumer.js';
import { SqlPostCountsRepository } from './post-counts.repository.js';
import { FOLLOW_CREATED, FOLLOW_REMOVED } from './user.events.js';
import { MAX_FOLLOWER_IDS_PAGE, MAX_FOLLOWING } from './user.rules.js';
import type { UsersTables } from './user.tables.js';
import { UserServiceImpl } from './user.service.js';

/**
 * The user service with its real repositories and the real outbox on a freshly migrated
 * database. Run by one spec per SQL adapter, so PGlite is held to PostgreSQL.
 */
export function describeUserScenarios(name: string, open: () => Promise<SqlDatabase>): void {
  describe(`user service on ${name}`, () => {
    let db: SqlDatabase;
    let users: UserServiceImpl;
    const ids = new IdGenerator(2);

    /** A profile with a fresh id; the username doubles as the display name unless given. */
    async function person(username: string, displayName = ''): Promise<string> {
      const userId = ids.next();
      await users.createProfile({ userId, username, displayName });
      return userId;
    }

    /** The outbox rows of one type and key, oldest first (nothing relays them in these tests). */
    async function eventsFor(type: string, key: string): Promise<{ id: string; payload: unknown }[]> {
      return db
        .kysely<OutboxTables>()
        .selectFrom('outbox.events')
        .select(['id', 'payload'])
        .where('topic', '=', type)
        .where('key', '=', key)
        .orderBy('id')
        .execute();
    }

    beforeAll(async () => {
      db = await open();
      await migrate(db, { schemas: ['users', 'outbox'] });
      users = new UserServiceImpl({
        profiles: new SqlProfilesRepository(db),
        follows: new SqlFollowsRepository(db),
        ids,
      });
    });

    afterAll(async () => {
      await db?.close();
    });

    it('creates profiles idempotently and keeps usernames unique case-insensitively', async () => {
      const userId = ids.next();
      const created = await users.createProfile({ userId, username: 'Margaret', displayName: 'Margaret H.' });
      expect(created).toMatchObject({
        id: userId,
        username: 'margaret',
        displayName: 'Margaret H.',
        bio: '',
      });
      expect(Date.parse(created.createdAt)).not.toBeNaN();

      const again = await users.createProfile({ userId, username: 'margaret', displayName: 'Changed' });
      expect(again).toEqual(created);

      const taken = await rejection(
        users.createProfile({ userId: ids.next(), username: 'MARGARET', displayName: '' }),
      );
      expect(taken.kind).toBe('conflict');
      expect(taken.errors).toEqual([{ path: 'username', message: 'is already taken' }]);
    });

    it('counts profiles, exactly while the table is small', async () => {
      const before = Number((await users.countUsers({})).count);
      await person('counted');
      expect(await users.countUsers({})).toEqual({ count: String(before + 1), exact: true });
    });

    it('updates the profile and serves summaries in request order', async () => {
      const userId = await person('updater');
      const updated = await users.updateProfile({
        userId,
        displayName: ' Up Dater ',
        bio: 'Writes bios. 📸',
        clearAvatar: true,
      });
      expect(updated).toMatchObject({ displayName: 'Up Dater', bio: 'Writes bios. 📸' });
      await expect(users.getProfile({ by: { $case: 'userId', value: userId } })).resolves.toMatchObject({
        displayName: 'Up Dater',
        bio: 'Writes bios. 📸',
      });
      const avatar = await rejection(
        users.updateProfile({ userId, avatarMediaId: '123', clearAvatar: false }),
      );
      expect(avatar.errors).toEqual([{ path: 'avatarMediaId', message: 'unknown media' }]);

      const other = await person('summarised');
      const { items } = await users.getSummaries({ userIds: [other, '999999', userId] });
      expect(items).toEqual([
        { id: other, username: 'summarised', displayName: 'summarised' },
        { id: userId, username: 'updater', displayName: 'Up Dater' },
      ]);
    });

    it('counts ten concurrent follows once, with one outbox event', async () => {
      const star = await person('star');
      const fan = await person('fan');

      const results = await Promise.all(
        Array.from({ length: 10 }, () => users.follow({ followerId: fan, followeeUsername: 'STAR' })),
      );

      for (const result of results) expect(result.following).toBe(true);
      expect(results.map((r) => r.followerCount)).toContain('1');
      const starProfile = await users.getProfile({ by: { $case: 'userId', value: star }, viewerId: fan });
      expect(starProfile.followerCount).toBe('1');
      expect(starProfile.viewer).toEqual({ following: true, followedBy: false });
      const fanProfile = await users.getProfile({ by: { $case: 'userId', value: fan }, viewerId: star });
      expect(fanProfile.followingCount).toBe('1');
      expect(fanProfile.viewer).toEqual({ following: false, followedBy: true });

      const events = await eventsFor(FOLLOW_CREATED, star);
      expect(events).toHaveLength(1);
      expect(events[0]?.payload).toMatchObject({ followerId: fan, followeeId: star });
    });

    it('unfollows idempotently, with one follow.removed event', async () => {
      const idol = await person('idol');
      const follower = await person('follower');
      await users.follow({ followerId: follower, followeeUsername: 'idol' });

      await expect(users.unfollow({ followerId: follower, followeeUsername: 'idol' })).resolves.toEqual({
        following: false,
        followerCount: '0',
      });
      await expect(users.unfollow({ followerId: follower, followeeUsername: 'idol' })).resolves.toEqual({
        following: false,
        followerCount: '0',
      });
      const followerProfile = await users.getProfile({ by: { $case: 'userId', value: follower } });
      expect(followerProfile.followingCount).toBe('0');
      const removed = await eventsFor(FOLLOW_REMOVED, idol);
      expect(removed).toHaveLength(1);
      const created = await eventsFor(FOLLOW_CREATED, idol);
      expect(removed[0]?.payload).toMatchObject({
        followerId: follower,
        followeeId: idol,
        followId: (created[0]?.payload as { followId?: string } | undefined)?.followId,
      });

      expect((await rejection(users.follow({ followerId: idol, followeeUsername: 'idol' }))).message).toBe(
        'You cannot follow yourself',
      );
      expect(
        (await rejection(users.follow({ followerId: idol, followeeUsername: 'nobody.at.all' }))).kind,
      ).toBe('not_found');
    });

    it('neither deadlocks nor miscounts when pairs follow each other at once', async () => {
      const pairs = await Promise.all(
        Array.from(
          { length: 5 },
          async (_, i) => [await person(`mutual_a${i}`), await person(`mutual_b${i}`)] as const,
        ),
      );
      await Promise.all(
        pairs.flatMap(([a, b], i) => [
          users.follow({ followerId: a, followeeUsername: `mutual_b${i}` }),
          users.follow({ followerId: b, followeeUsername: `mutual_a${i}` }),
        ]),
      );
      for (const [a] of pairs) {
        const profile = await users.getProfile({ by: { $case: 'userId', value: a } });
        expect([profile.followerCount, profile.followingCount]).toEqual(['1', '1']);
      }
    });

    it('searches prefixes of usernames and display names, taking LIKE wildcards literally', async () => {
      await person('under_score');
      await person('underxscore');
      await person('percent_one', '100% Real');
      await person('percent_two', '1000 Real');
      await person('backslash', 'Back\\slash');
      await person('backslashy', 'Backxslash');

      const underscore = await users.searchUsers({ query: 'under_', limit: 10 });
      expect(underscore.items.map((s) => s.username)).toEqual(['under_score']);
      const percent = await users.searchUsers({ query: '100%', limit: 10 });
      expect(percent.items.map((s) => s.username)).toEqual(['percent_one']);
      const backslash = await users.searchUsers({ query: 'back\\', limit: 10 });
      expect(backslash.items.map((s) => s.username)).toEqual(['backslash']);
      const byDisplayName = await users.searchUsers({ query: '1000 r', limit: 10 });
      expect(byDisplayName.items.map((s) => s.username)).toEqual(['percent_two']);
      await expect(users.searchUsers({ query: '%', limit: 10 })).resolves.toEqual({ items: [] });
      await expect(users.searchUsers({ query: '', limit: 10 })).resolves.toEqual({ items: [] });
    });

    it('pages search results by username without duplicates or gaps', async () => {
      const names = Array.from({ length: 7 }, (_, i) => `pager${i}`);
      for (const name of names) await person(name);
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await users.searchUsers({ query: 'PAGER', limit: 3, cursor });
        expect(page.items.length).toBeLessThanOrEqual(3);
        seen.push(...page.items.map((s) => s.username));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(seen).toEqual(names);
    });

    it('pages 45 followers newest first without duplicates or gaps, even as new followers arrive', async () => {
      const celebrity = await person('celebrity');
      const followers: string[] = [];
      for (let i = 0; i < 45; i++) {
        const id = await person(`fan_${String(i).padStart(2, '0')}`);
        await users.follow({ followerId: id, followeeUsername: 'celebrity' });
        followers.push(id);
      }

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await users.listFollowers({ username: 'Celebrity', limit: 10, cursor });
        seen.push(...page.items.map((s) => s.id));
        cursor = page.nextCursor;
        pages++;
        // Someone new follows between two page reads; they belong at the top, not in later pages.
        if (pages === 1) {
          const late = await person('late_fan');
          await users.follow({ followerId: late, followeeUsername: 'celebrity' });
        }
      } while (cursor !== undefined);

      expect(pages).toBe(5);
      expect(new Set(seen).size).toBe(45);
      expect(seen).toEqual([...followers].reverse());

      // The other direction: whom one fan follows.
      const following = await users.listFollowing({ username: 'fan_00', limit: 100 });
      expect(following).toEqual({
        items: [{ id: celebrity, username: 'celebrity', displayName: 'celebrity' }],
      });
      expect((await rejection(users.listFollowers({ username: 'nobody.at.all', limit: 10 }))).kind).toBe(
        'not_found',
      );
    });

    it('answers a follow cursor beyond the 64-bit id range as malformed, not with a database error', async () => {
      await person('far_cursor');
      const cursor = encodeCursor({ id: '9999999999999999999' });
      expect((await rejection(users.listFollowers({ username: 'far_cursor', limit: 10, cursor }))).kind).toBe(
        'malformed',
      );
    });
    it('counts posts from post.published / post.deleted exactly once, whatever is redelivered', async () => {
      const authorId = await person('prolific');
      const consumer = new PostCountsConsumer(new SqlPostCountsRepository(db));
      const postCount = async () =>
        (await users.getProfile({ by: { $case: 'userId', value: authorId } })).postCount;
      const event = (type: string, postId: string) => ({
        id: ids.next(),
        type,
        key: postId,
        occurredAt: new Date().toISOString(),
        payload: { postId, authorId },
      });
      const [first, second, third] = [ids.next(), ids.next(), ids.next()];

      await consumer.handle(event('post.published', first));
      await consumer.handle(event('post.published', first));
      await Promise.all([
        consumer.handle(event('post.published', second)),
        consumer.handle(event('post.published', second)),
      ]);
      expect(await postCount()).toBe('2');

      await consumer.handle(event('post.deleted', first));
      await consumer.handle(event('post.deleted', first));
      // Redelivered after its deletion: still uncounted.
      await consumer.handle(event('post.published', first));
      expect(await postCount()).toBe('1');

      // A deletion seen first leaves a tombstone: the late publication counts nothing.
      await consumer.handle(event('post.deleted', third));
      await consumer.handle(event('post.published', third));
      expect(await postCount()).toBe('1');

      // Not a post event of ours: passed over rather than retried forever.
      await consumer.handle({ ...event('post.published', 'x'), payload: { postId: 'x' } });
      expect(await postCount()).toBe('1');
    });

    it('pages follower ids newest first without duplicates or gaps, with the followers cursor', async () => {
      const idol = await person('id_idol');
      const fans: string[] = [];
      for (let i = 0; i < 12; i++) {
        const fan = await person(`id_fan_${i}`);
        await users.follow({ followerId: fan, followeeUsername: 'id_idol' });
        fans.unshift(fan);
      }
      // An unfollow and a re-follow: the re-follow is the newest.
      await users.unfollow({ followerId: fans[5] ?? '', followeeUsername: 'id_idol' });
      await users.follow({ followerId: fans[5] ?? '', followeeUsername: 'id_idol' });
      const expected = [fans[5], ...fans.filter((_, i) => i !== 5)];

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await users.listFollowerIds({ userId: idol, limit: 5, cursor });
        seen.push(...page.userIds);
        cursor = page.nextCursor;
        pages++;
        if (pages === 1) {
          const late = await person('id_late_fan');
          await users.follow({ followerId: late, followeeUsername: 'id_idol' });
        }
      } while (cursor !== undefined);
      expect(pages).toBe(3);
      expect(seen).toEqual(expected);

      // Its cursor is the followers list's: one list's page continues in the other.
      const summaries = await users.listFollowers({ username: 'id_idol', limit: 4 });
      const rest = await users.listFollowerIds({ userId: idol, limit: 100, cursor: summaries.nextCursor });
      expect([...summaries.items.map((s) => s.id), ...rest.userIds].slice(1)).toEqual(expected);

      const loner = await person('id_loner');
      await expect(users.listFollowerIds({ userId: loner, limit: 10 })).resolves.toEqual({ userIds: [] });
      expect((await rejection(users.listFollowerIds({ userId: ids.next(), limit: 10 }))).kind).toBe(
        'not_found',
      );
    });

    it('serves follower ids a thousand at a time', async () => {
      const star = await person('id_star');
      // Bulk follows (the followers need no profile for an id list): follow ids ascending.
      await sql`
        insert into users.follows (id, follower_id, followee_id)
        select 700000000000 + n, 800000000000 + n, ${star}::bigint from generate_series(1, 1100) n
      `.execute(db.kysely<UsersTables>());
      const first = await users.listFollowerIds({ userId: star, limit: 5000 });
      expect(first.userIds).toHaveLength(MAX_FOLLOWER_IDS_PAGE);
      expect(first.userIds[0]).toBe('800000001100');
      expect(first.userIds.at(-1)).toBe('800000000101');
      const second = await users.listFollowerIds({ userId: star, limit: 0, cursor: first.nextCursor });
      expect(second.nextCursor).toBeUndefined();
      expect(second.userIds).toEqual(Array.from({ length: 100 }, (_, i) => String(800_000_000_100 - i)));
    });

    it('lists everyone a user follows with their follower counts, newest first, at most MAX_FOLLOWING', async () => {
      const reader = await person('fi_reader');
      const [big, small] = [await person('fi_big'), await person('fi_small')];
      await person('fi_gone');
      for (let i = 0; i < 3; i++) {
        const fan = await person(`fi_fan_${i}`);
        await users.follow({ followerId: fan, followeeUsername: 'fi_big' });
      }
      for (const name of ['fi_big', 'fi_gone', 'fi_small']) {
        await users.follow({ followerId: reader, followeeUsername: name });
      }
      await users.unfollow({ followerId: reader, followeeUsername: 'fi_gone' });
      await expect(users.listFollowingIds({ userId: reader })).resolves.toEqual({
        items: [
          { userId: small, followerCount: '1' },
          { userId: big, followerCount: '4' },
        ],
      });
      await expect(users.listFollowingIds({ userId: ids.next() })).resolves.toEqual({ items: [] });

      // Bulk: a user following MAX_FOLLOWING + 5 accounts gets the newest MAX_FOLLOWING.
      const hoarder = await person('fi_hoarder');
      const kysely = db.kysely<UsersTables>();
      await sql`
        insert into users.profiles (user_id, username, display_name, follower_count)
        select 900000000000 + n, 'fi_bulk_' || n, 'bulk', n % 7 from generate_series(1, ${MAX_FOLLOWING + 5}) n
      `.execute(kysely);
      await sql`
        insert into users.follows (id, follower_id, followee_id)
        select 710000000000 + n, ${hoarder}::bigint, 900000000000 + n from generate_series(1, ${MAX_FOLLOWING + 5}) n
      `.execute(kysely);
      const { items } = await users.listFollowingIds({ userId: hoarder });
      expect(items).toHaveLength(MAX_FOLLOWING);
      expect(items[0]).toEqual({ userId: String(900_000_000_000 + MAX_FOLLOWING + 5), followerCount: '2' });
      expect(items.at(-1)).toEqual({ userId: '900000000006', followerCount: '6' });
    });
  });
}
