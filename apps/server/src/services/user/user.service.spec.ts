import { beforeEach, describe, expect, it, vi, type Mocked } from 'vitest';
import { z } from 'zod';

import { decodeCursor, encodeCursor } from '../../platform/pagination/cursor.js';
import { rejection } from '../../testing/rejection.js';
import type { FollowListRecord, FollowsRepository } from './follows.repository.js';
import type { ProfileRecord, ProfilesRepository } from './profiles.repository.js';
import { MAX_FOLLOWER_IDS_PAGE, MAX_FOLLOWING } from './user.rules.js';
import { UserServiceImpl } from './user.service.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
/** Any decimal id: the generator's values are not the point of these assertions. */
const anyId: unknown = expect.any(String);

function profile(overrides: Partial<ProfileRecord> = {}): ProfileRecord {
  return {
    userId: '1001',
    username: 'ada',
    displayName: 'Ada Lovelace',
    avatarMediaId: null,
    bio: '',
    followerCount: '0',
    followingCount: '0',
    postCount: '0',
    createdAt: new Date('2026-01-02T03:04:05.000Z'),
    ...overrides,
  };
}

const ada = profile();
const grace = profile({ userId: '1002', username: 'grace', displayName: 'Grace Hopper' });

function setup() {
  const profiles: Mocked<ProfilesRepository> = {
    insertIfAbsent: vi.fn<ProfilesRepository['insertIfAbsent']>().mockResolvedValue(true),
    findById: vi.fn<ProfilesRepository['findById']>().mockResolvedValue(undefined),
    findByUsername: vi.fn<ProfilesRepository['findByUsername']>().mockResolvedValue(undefined),
    findSummaries: vi.fn<ProfilesRepository['findSummaries']>().mockResolvedValue([]),
    update: vi.fn<ProfilesRepository['update']>().mockResolvedValue(undefined),
    search: vi.fn<ProfilesRepository['search']>().mockResolvedValue([]),
    count: vi.fn<ProfilesRepository['count']>().mockResolvedValue({ count: 0, exact: true }),
  };
  const follows: Mocked<FollowsRepository> = {
    follow: vi.fn<FollowsRepository['follow']>().mockResolvedValue({ changed: true, followerCount: '1' }),
    unfollow: vi.fn<FollowsRepository['unfollow']>().mockResolvedValue({ changed: true, followerCount: '0' }),
    relationship: vi
      .fn<FollowsRepository['relationship']>()
      .mockResolvedValue({ following: false, followedBy: false }),
    listFollowers: vi.fn<FollowsRepository['listFollowers']>().mockResolvedValue([]),
    listFollowing: vi.fn<FollowsRepository['listFollowing']>().mockResolvedValue([]),
    listFollowerIds: vi.fn<FollowsRepository['listFollowerIds']>().mockResolvedValue([]),
    listFollowees: vi.fn<FollowsRepository['listFollowees']>().mockResolvedValue([]),
  };
  let nextId = 9000;
  const ids = { next: vi.fn(() => String(nextId++)) };
  const service = new UserServiceImpl({
    profiles,
    follows,
    ids,
    now: () => NOW,
    traceparent: () => '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
  });
  return { service, profiles, follows, ids };
}

type Setup = ReturnType<typeof setup>;

function listed(userId: string, followId: string): FollowListRecord {
  return { userId, username: `user${userId}`, displayName: `User ${userId}`, avatarMediaId: null, followId };
}

describe('UserServiceImpl', () => {
  let t: Setup;
  beforeEach(() => {
    t = setup();
    t.profiles.findByUsername.mockImplementation((username) =>
      Promise.resolve([ada, grace].find((p) => p.username === username)),
    );
  });

  describe('createProfile', () => {
    it('inserts the profile and returns the stored one', async () => {
      t.profiles.findById.mockResolvedValue(profile({ displayName: 'Ada' }));
      const created = await t.service.createProfile({
        userId: '1001',
        username: 'Ada',
        displayName: ' Ada ',
      });
      expect(t.profiles.insertIfAbsent).toHaveBeenCalledWith({
        userId: '1001',
        username: 'ada',
        displayName: 'Ada',
      });
      expect(created).toEqual({
        id: '1001',
        username: 'ada',
        displayName: 'Ada',
        bio: '',
        followerCount: '0',
        followingCount: '0',
        postCount: '0',
        createdAt: '2026-01-02T03:04:05.000Z',
      });
      expect(created).not.toHaveProperty('viewer');
      expect(created).not.toHaveProperty('avatarMediaId');
    });

    it('defaults the display name to the username', async () => {
      t.profiles.findById.mockResolvedValue(ada);
      await t.service.createProfile({ userId: '1001', username: 'ada', displayName: '   ' });
      expect(t.profiles.insertIfAbsent).toHaveBeenCalledWith({
        userId: '1001',
        username: 'ada',
        displayName: 'ada',
      });
    });

    it('is idempotent by user id: an existing profile comes back unchanged', async () => {
      t.profiles.insertIfAbsent.mockResolvedValue(false);
      t.profiles.findById.mockResolvedValue(ada);
      const again = await t.service.createProfile({
        userId: '1001',
        username: 'ada',
        displayName: 'Someone Else',
      });
      expect(again.displayName).toBe('Ada Lovelace');
    });

    it('is a username conflict when another user holds the username', async () => {
      t.profiles.insertIfAbsent.mockResolvedValue(false);
      const err = await rejection(
        t.service.createProfile({ userId: '1003', username: 'ada', displayName: '' }),
      );
      expect(err.kind).toBe('conflict');
      expect(err.errors).toEqual([{ path: 'username', message: 'is already taken' }]);
    });

    it('validates its input (it is reachable over gRPC)', async () => {
      const err = await rejection(
        t.service.createProfile({ userId: 'x', username: '.a', displayName: 'y'.repeat(65) }),
      );
      expect(err.kind).toBe('invalid');
      expect(err.errors).toEqual([
        { path: 'userId', message: 'must be a user id' },
        { path: 'username', message: 'must be 3 to 30 characters' },
        { path: 'displayName', message: 'must be at most 64 characters' },
      ]);
      expect(t.profiles.insertIfAbsent).not.toHaveBeenCalled();
    });
  });

  describe('getProfile', () => {
    it('finds by username case-insensitively, without viewer state when signed out', async () => {
      const found = await t.service.getProfile({ by: { $case: 'username', value: 'ADA' } });
      expect(t.profiles.findByUsername).toHaveBeenCalledWith('ada');
      expect(found.id).toBe('1001');
      expect(found.viewer).toBeUndefined();
      expect(t.follows.relationship).not.toHaveBeenCalled();
    });

    it('finds by id', async () => {
      t.profiles.findById.mockResolvedValue(ada);
      const found = await t.service.getProfile({ by: { $case: 'userId', value: '1001' } });
      expect(found.username).toBe('ada');
    });

    it('adds the viewer flags for another signed-in user', async () => {
      t.follows.relationship.mockResolvedValue({ following: true, followedBy: false });
      const found = await t.service.getProfile({ by: { $case: 'username', value: 'ada' }, viewerId: '1002' });
      expect(t.follows.relationship).toHaveBeenCalledWith('1002', '1001');
      expect(found.viewer).toEqual({ following: true, followedBy: false });
    });

    it('leaves the viewer flags out when the viewer is the user', async () => {
      const found = await t.service.getProfile({ by: { $case: 'username', value: 'ada' }, viewerId: '1001' });
      expect(found.viewer).toBeUndefined();
      expect(t.follows.relationship).not.toHaveBeenCalled();
    });

    it('is not found for an unknown username or id', async () => {
      expect(
        (await rejection(t.service.getProfile({ by: { $case: 'username', value: 'nobody' } }))).kind,
      ).toBe('not_found');
      expect((await rejection(t.service.getProfile({ by: { $case: 'userId', value: '42' } }))).kind).toBe(
        'not_found',
      );
      expect((await rejection(t.service.getProfile({ by: { $case: 'userId', value: 'abc' } }))).kind).toBe(
        'not_found',
      );
    });

    it('requires a user id or a username', async () => {
      expect((await rejection(t.service.getProfile({}))).kind).toBe('invalid');
    });
  });

  describe('getSummaries', () => {
    it('returns known users in request order, once each, leaving out unknown and malformed ids', async () => {
      t.profiles.findSummaries.mockResolvedValue([
        { userId: '1002', username: 'grace', displayName: 'Grace', avatarMediaId: '77' },
        { userId: '1001', username: 'ada', displayName: 'Ada', avatarMediaId: null },
      ]);
      const { items } = await t.service.getSummaries({ userIds: ['1001', 'bogus', '1002', '1001', '4040'] });
      expect(t.profiles.findSummaries).toHaveBeenCalledWith(['1001', '1002', '4040']);
      expect(items).toEqual([
        { id: '1001', username: 'ada', displayName: 'Ada' },
        { id: '1002', username: 'grace', displayName: 'Grace', avatarMediaId: '77' },
      ]);
    });
  });

  describe('updateProfile', () => {
    it('trims and saves the display name and bio', async () => {
      t.profiles.update.mockResolvedValue(profile({ displayName: 'Countess', bio: 'Analyst' }));
      const updated = await t.service.updateProfile({
        userId: '1001',
        displayName: '  Countess ',
        bio: ' Analyst ',
        clearAvatar: false,
      });
      expect(t.profiles.update).toHaveBeenCalledWith('1001', { displayName: 'Countess', bio: 'Analyst' });
      expect(updated).toMatchObject({ displayName: 'Countess', bio: 'Analyst' });
    });

    it('requires a display name of 1 to 64 characters', async () => {
      for (const displayName of ['', '   ', 'x'.repeat(65)]) {
        const err = await rejection(
          t.service.updateProfile({ userId: '1001', displayName, clearAvatar: false }),
        );
        expect(err.kind).toBe('invalid');
        expect(err.errors).toEqual([{ path: 'displayName', message: 'must be 1 to 64 characters' }]);
      }
      expect(t.profiles.update).not.toHaveBeenCalled();
    });

    it('limits the bio to 150 characters and allows an empty one', async () => {
      const err = await rejection(
        t.service.updateProfile({ userId: '1001', bio: 'b'.repeat(151), clearAvatar: false }),
      );
      expect(err.errors).toEqual([{ path: 'bio', message: 'must be at most 150 characters' }]);
      t.profiles.update.mockResolvedValue(ada);
      await t.service.updateProfile({ userId: '1001', bio: 'b'.repeat(150), clearAvatar: false });
      await t.service.updateProfile({ userId: '1001', bio: '', clearAvatar: false });
      expect(t.profiles.update).toHaveBeenNthCalledWith(2, '1001', { bio: '' });
    });

    it('refuses any avatar media id while there is no media service', async () => {
      const err = await rejection(
        t.service.updateProfile({ userId: '1001', avatarMediaId: '555', clearAvatar: false }),
      );
      expect(err.kind).toBe('invalid');
      expect(err.errors).toEqual([{ path: 'avatarMediaId', message: 'unknown media' }]);
      expect(t.profiles.update).not.toHaveBeenCalled();
    });

    it('clears the avatar', async () => {
      t.profiles.update.mockResolvedValue(ada);
      await t.service.updateProfile({ userId: '1001', clearAvatar: true });
      expect(t.profiles.update).toHaveBeenCalledWith('1001', { avatarMediaId: null });
    });

    it('returns the profile unchanged when nothing is to change', async () => {
      t.profiles.findById.mockResolvedValue(ada);
      const same = await t.service.updateProfile({ userId: '1001', clearAvatar: false });
      expect(same.username).toBe('ada');
      expect(t.profiles.update).not.toHaveBeenCalled();
    });

    it('is not found for an unknown user', async () => {
      const err = await rejection(t.service.updateProfile({ userId: '4040', bio: 'hi', clearAvatar: false }));
      expect(err.kind).toBe('not_found');
    });
  });

  describe('searchUsers', () => {
    it('searches a lowercased, trimmed prefix without a leading @ and pages by username', async () => {
      t.profiles.search.mockResolvedValue([
        { userId: '1', username: 'ada', displayName: 'Ada', avatarMediaId: null },
        { userId: '2', username: 'adam', displayName: 'Adam', avatarMediaId: null },
        { userId: '3', username: 'adele', displayName: 'Adele', avatarMediaId: null },
      ]);
      const page = await t.service.searchUsers({ query: '  @AD ', limit: 2 });
      expect(t.profiles.search).toHaveBeenCalledWith('ad', undefined, 3);
      expect(page.items.map((s) => s.username)).toEqual(['ada', 'adam']);
      expect(decodeCursor(page.nextCursor ?? '', z.object({ u: z.string() }))).toEqual({ u: 'adam' });

      t.profiles.search.mockResolvedValue([
        { userId: '3', username: 'adele', displayName: 'Adele', avatarMediaId: null },
      ]);
      const next = await t.service.searchUsers({ query: 'ad', limit: 2, cursor: page.nextCursor });
      expect(t.profiles.search).toHaveBeenLastCalledWith('ad', 'adam', 3);
      expect(next).toEqual({ items: [{ id: '3', username: 'adele', displayName: 'Adele' }] });
    });

    it('passes wildcard characters through literally (the repository escapes them)', async () => {
      await t.service.searchUsers({ query: '50%_off', limit: 10 });
      expect(t.profiles.search).toHaveBeenCalledWith('50%_off', undefined, 11);
    });

    it('answers an empty query with an empty page', async () => {
      await expect(t.service.searchUsers({ query: '  ', limit: 10 })).resolves.toEqual({ items: [] });
      await expect(t.service.searchUsers({ query: '@', limit: 10 })).resolves.toEqual({ items: [] });
      expect(t.profiles.search).not.toHaveBeenCalled();
    });

    it('defaults the limit to 20 and caps it at 100', async () => {
      await t.service.searchUsers({ query: 'a', limit: 0 });
      await t.service.searchUsers({ query: 'a', limit: 500 });
      expect(t.profiles.search.mock.calls.map((call) => call[2])).toEqual([21, 101]);
    });

    it('rejects a foreign cursor as malformed', async () => {
      const err = await rejection(
        t.service.searchUsers({ query: 'a', limit: 10, cursor: encodeCursor({ id: '1' }) }),
      );
      expect(err).toMatchObject({ kind: 'malformed', message: 'Invalid cursor' });
    });
  });

  describe('follow', () => {
    it('follows and appends a follow.created event keyed by the followee', async () => {
      const result = await t.service.follow({ followerId: '1002', followeeUsername: 'ADA' });
      expect(result).toEqual({ following: true, followerCount: '1' });
      expect(t.follows.follow).toHaveBeenCalledWith(
        { id: '9000', followerId: '1002', followeeId: '1001', createdAt: NOW },
        {
          id: '9001',
          type: 'follow.created',
          occurredAt: NOW.toISOString(),
          key: '1001',
          payload: { followerId: '1002', followeeId: '1001', followId: '9000', createdAt: NOW.toISOString() },
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
      );
    });

    it('is idempotent: following again reports the current state', async () => {
      t.follows.follow.mockResolvedValue({ changed: false, followerCount: '1' });
      await expect(t.service.follow({ followerId: '1002', followeeUsername: 'ada' })).resolves.toEqual({
        following: true,
        followerCount: '1',
      });
    });

    it('refuses a self-follow', async () => {
      const err = await rejection(t.service.follow({ followerId: '1001', followeeUsername: 'ada' }));
      expect(err).toMatchObject({ kind: 'invalid', message: 'You cannot follow yourself' });
      expect(t.follows.follow).not.toHaveBeenCalled();
    });

    it('is not found for an unknown followee', async () => {
      const err = await rejection(t.service.follow({ followerId: '1002', followeeUsername: 'nobody' }));
      expect(err.kind).toBe('not_found');
      expect(t.follows.follow).not.toHaveBeenCalled();
    });

    it('leaves traceparent out of the event when there is no trace', async () => {
      const service = new UserServiceImpl({
        profiles: t.profiles,
        follows: t.follows,
        ids: t.ids,
        now: () => NOW,
      });
      await service.follow({ followerId: '1002', followeeUsername: 'ada' });
      const event = t.follows.follow.mock.calls[0]?.[1];
      expect(event).toBeDefined();
      expect(event).not.toHaveProperty('traceparent');
    });
  });

  describe('unfollow', () => {
    it('unfollows and builds a follow.removed event from the removed follow', async () => {
      const result = await t.service.unfollow({ followerId: '1002', followeeUsername: 'ada' });
      expect(result).toEqual({ following: false, followerCount: '0' });
      const [followerId, followeeId, eventFor] = t.follows.unfollow.mock.calls[0] ?? [];
      expect([followerId, followeeId]).toEqual(['1002', '1001']);
      expect(eventFor?.('8888')).toEqual({
        id: anyId,
        type: 'follow.removed',
        occurredAt: NOW.toISOString(),
        key: '1001',
        payload: { followerId: '1002', followeeId: '1001', followId: '8888', removedAt: NOW.toISOString() },
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
    });

    it('is idempotent', async () => {
      t.follows.unfollow.mockResolvedValue({ changed: false, followerCount: '3' });
      await expect(t.service.unfollow({ followerId: '1002', followeeUsername: 'ada' })).resolves.toEqual({
        following: false,
        followerCount: '3',
      });
    });

    it('refuses a self-unfollow and an unknown followee', async () => {
      expect(
        (await rejection(t.service.unfollow({ followerId: '1001', followeeUsername: 'ada' }))).kind,
      ).toBe('invalid');
      expect(
        (await rejection(t.service.unfollow({ followerId: '1001', followeeUsername: 'nobody' }))).kind,
      ).toBe('not_found');
      expect(t.follows.unfollow).not.toHaveBeenCalled();
    });
  });

  describe('listFollowers / listFollowing', () => {
    it('pages followers newest first with a cursor on the follow id', async () => {
      t.follows.listFollowers.mockResolvedValue([listed('1', '300'), listed('2', '200'), listed('3', '100')]);
      const page = await t.service.listFollowers({ username: 'Ada', limit: 2 });
      expect(t.follows.listFollowers).toHaveBeenCalledWith('1001', undefined, 3);
      expect(page.items.map((s) => s.id)).toEqual(['1', '2']);

      t.follows.listFollowers.mockResolvedValue([listed('3', '100')]);
      const next = await t.service.listFollowers({ username: 'ada', limit: 2, cursor: page.nextCursor });
      expect(t.follows.listFollowers).toHaveBeenLastCalledWith('1001', '200', 3);
      expect(next.items.map((s) => s.id)).toEqual(['3']);
      expect(next.nextCursor).toBeUndefined();
    });

    it('pages followings the same way, 20 by default', async () => {
      await t.service.listFollowing({ username: 'grace', limit: 0 });
      expect(t.follows.listFollowing).toHaveBeenCalledWith('1002', undefined, 21);
    });

    it('is not found for an unknown user and malformed for a bad cursor', async () => {
      expect((await rejection(t.service.listFollowers({ username: 'nobody', limit: 5 }))).kind).toBe(
        'not_found',
      );
      expect(
        (await rejection(t.service.listFollowing({ username: 'ada', limit: 5, cursor: '%%%' }))).kind,
      ).toBe('malformed');
      expect(
        (
          await rejection(
            t.service.listFollowing({ username: 'ada', limit: 5, cursor: encodeCursor({ u: 'x' }) }),
          )
        ).kind,
      ).toBe('malformed');
      // Digits, but past bigint: the repository must never see it.
      const farCursor = encodeCursor({ id: '9223372036854775808' });
      expect(
        (await rejection(t.service.listFollowers({ username: 'ada', limit: 5, cursor: farCursor }))).kind,
      ).toBe('malformed');
      expect(t.follows.listFollowers).not.toHaveBeenCalled();
    });
  });

  describe('listFollowerIds', () => {
    it('pages follower ids newest first with the follow cursor, one query per page', async () => {
      t.follows.listFollowerIds.mockResolvedValue([
        { userId: '7', followId: '300' },
        { userId: '8', followId: '200' },
        { userId: '9', followId: '100' },
      ]);
      const page = await t.service.listFollowerIds({ userId: '1001', limit: 2 });
      expect(t.follows.listFollowerIds).toHaveBeenCalledWith('1001', undefined, 3);
      expect(page.userIds).toEqual(['7', '8']);
      expect(decodeCursor(page.nextCursor ?? '', z.object({ id: z.string() }))).toEqual({ id: '200' });

      t.follows.listFollowerIds.mockResolvedValue([{ userId: '9', followId: '100' }]);
      const last = await t.service.listFollowerIds({ userId: '1001', limit: 2, cursor: page.nextCursor });
      expect(t.follows.listFollowerIds).toHaveBeenLastCalledWith('1001', '200', 3);
      expect(last).toEqual({ userIds: ['9'] });
      // Pages with followers need no profile look-up.
      expect(t.profiles.findById).not.toHaveBeenCalled();
    });

    it('reads MAX_FOLLOWER_IDS_PAGE when the limit is unset and clamps it', async () => {
      t.profiles.findById.mockResolvedValue(ada);
      for (const limit of [0, 5000, -1, 250]) await t.service.listFollowerIds({ userId: '1001', limit });
      expect(t.follows.listFollowerIds.mock.calls.map((call) => call[2])).toEqual([
        MAX_FOLLOWER_IDS_PAGE + 1,
        MAX_FOLLOWER_IDS_PAGE + 1,
        2,
        251,
      ]);
    });

    it('answers an empty page for a known user and NOT_FOUND for an unknown one', async () => {
      t.profiles.findById.mockImplementation((id) => Promise.resolve(id === '1001' ? ada : undefined));
      await expect(t.service.listFollowerIds({ userId: '1001', limit: 10 })).resolves.toEqual({
        userIds: [],
      });
      expect((await rejection(t.service.listFollowerIds({ userId: '4040', limit: 10 }))).kind).toBe(
        'not_found',
      );
      expect((await rejection(t.service.listFollowerIds({ userId: 'ada', limit: 10 }))).kind).toBe(
        'not_found',
      );
      const farCursor = encodeCursor({ id: '9223372036854775808' });
      expect(
        (await rejection(t.service.listFollowerIds({ userId: '1001', limit: 10, cursor: farCursor }))).kind,
      ).toBe('malformed');
      expect(t.follows.listFollowerIds).toHaveBeenCalledTimes(2);
    });
  });

  describe('listFollowingIds', () => {
    it('lists the followees with their follower counts, at most MAX_FOLLOWING', async () => {
      t.follows.listFollowees.mockResolvedValue([
        { userId: '1002', followerCount: '12000' },
        { userId: '1003', followerCount: '0' },
      ]);
      await expect(t.service.listFollowingIds({ userId: '1001' })).resolves.toEqual({
        items: [
          { userId: '1002', followerCount: '12000' },
          { userId: '1003', followerCount: '0' },
        ],
      });
      expect(t.follows.listFollowees).toHaveBeenCalledWith('1001', MAX_FOLLOWING);
    });

    it('answers an empty list for a user who follows nobody or does not exist', async () => {
      await expect(t.service.listFollowingIds({ userId: '4040' })).resolves.toEqual({ items: [] });
      await expect(t.service.listFollowingIds({ userId: '' })).resolves.toEqual({ items: [] });
      expect(t.follows.listFollowees).toHaveBeenCalledTimes(1);
      expect(t.profiles.findById).not.toHaveBeenCalled();
    });
  });
});
