import { sql, type Kysely, type Transaction } from 'kysely';

import type { EventEnvelope } from '../../platform/events/events.port.js';
import { appendToOutbox } from '../../platform/outbox/outbox.repository.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import { toSummaryRecord, type SummaryRecord } from './profiles.repository.js';
import type { FollowCreatedPayload, FollowRemovedPayload } from './user.events.js';
import type { UsersTables } from './user.tables.js';

export interface NewFollow {
  id: string;
  followerId: string;
  followeeId: string;
  createdAt: Date;
}

export interface FollowOutcome {
  /** True when this call created (or removed) the follow; false when it already was so. */
  changed: boolean;
  /** The followee's follower count after the call. */
  followerCount: string;
}

export interface Relationship {
  /** The viewer follows the user. */
  following: boolean;
  /** The user follows the viewer. */
  followedBy: boolean;
}

export interface FollowListRecord extends SummaryRecord {
  /** Orders the list (newest first) and positions its cursor. */
  followId: string;
}

export interface FollowerIdRecord {
  userId: string;
  /** Orders the list (newest first) and positions its cursor. */
  followId: string;
}

export interface FolloweeRecord {
  userId: string;
  followerCount: string;
}

export interface FollowsRepository {
  /**
   * Creates the follow unless it exists. Only when it creates it, and in the same transaction,
   * it bumps both counters and appends `event` to the outbox: retries and races count once.
   */
  follow(follow: NewFollow, event: EventEnvelope<FollowCreatedPayload>): Promise<FollowOutcome>;
  /** The mirror of `follow`; the event is built from the removed follow's id. */
  unfollow(
    followerId: string,
    followeeId: string,
    eventFor: (followId: string) => EventEnvelope<FollowRemovedPayload>,
  ): Promise<FollowOutcome>;
  relationship(viewerId: string, userId: string): Promise<Relationship>;
  /** Who follows `userId`, newest follow first, before the follow `beforeFollowId` when given. */
  listFollowers(
    userId: string,
    beforeFollowId: string | undefined,
    limit: number,
  ): Promise<FollowListRecord[]>;
  /** Whom `userId` follows, newest follow first, before the follow `beforeFollowId` when given. */
  listFollowing(
    userId: string,
    beforeFollowId: string | undefined,
    limit: number,
  ): Promise<FollowListRecord[]>;
  /** As listFollowers, ids only. */
  listFollowerIds(
    userId: string,
    beforeFollowId: string | undefined,
    limit: number,
  ): Promise<FollowerIdRecord[]>;
  /** Whom `userId` follows with their follower counts, newest follow first; at most `limit`. */
  listFollowees(userId: string, limit: number): Promise<FolloweeRecord[]>;
}

type UsersTransaction = Transaction<UsersTables>;

export class SqlFollowsRepository implements FollowsRepository {
  private readonly db: Kysely<UsersTables>;

  constructor(database: SqlDatabase) {
    this.db = database.kysely<UsersTables>();
  }

  follow(follow: NewFollow, event: EventEnvelope<FollowCreatedPayload>): Promise<FollowOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const inserted = await trx
        .insertInto('users.follows')
        .values({
          id: follow.id,
          follower_id: follow.followerId,
          followee_id: follow.followeeId,
          created_at: follow.createdAt,
        })
        .onConflict((oc) => oc.columns(['follower_id', 'followee_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted === undefined) {
        return { changed: false, followerCount: await followerCount(trx, follow.followeeId) };
      }
      const count = await adjustCounts(trx, follow.followerId, follow.followeeId, 1);
      await appendToOutbox<UsersTables>(trx, [event]);
      return { changed: true, followerCount: count };
    });
  }

  unfollow(
    followerId: string,
    followeeId: string,
    eventFor: (followId: string) => EventEnvelope<FollowRemovedPayload>,
  ): Promise<FollowOutcome> {
    return this.db.transaction().execute(async (trx) => {
      const removed = await trx
        .deleteFrom('users.follows')
        .where('follower_id', '=', followerId)
        .where('followee_id', '=', followeeId)
        .returning('id')
        .executeTakeFirst();
      if (removed === undefined) {
        return { changed: false, followerCount: await followerCount(trx, followeeId) };
      }
      const count = await adjustCounts(trx, followerId, followeeId, -1);
      await appendToOutbox<UsersTables>(trx, [eventFor(removed.id)]);
      return { changed: true, followerCount: count };
    });
  }

  async relationship(viewerId: string, userId: string): Promise<Relationship> {
    const { rows } = await sql<{ following: boolean; followed_by: boolean }>`
      select
        exists (select 1 from users.follows where follower_id = ${viewerId} and followee_id = ${userId}) as following,
        exists (select 1 from users.follows where follower_id = ${userId} and followee_id = ${viewerId}) as followed_by
    `.execute(this.db);
    const row = rows[0];
    return { following: row?.following ?? false, followedBy: row?.followed_by ?? false };
  }

  listFollowers(
    userId: string,
    beforeFollowId: string | undefined,
    limit: number,
  ): Promise<FollowListRecord[]> {
    return this.listFollows('followers', userId, beforeFollowId, limit);
  }

  listFollowing(
    userId: string,
    beforeFollowId: string | undefined,
    limit: number,
  ): Promise<FollowListRecord[]> {
    return this.listFollows('following', userId, beforeFollowId, limit);
  }

  async listFollowerIds(
    userId: string,
    beforeFollowId: string | undefined,
    limit: number,
  ): Promise<FollowerIdRecord[]> {
    // follows_followee_idx (followee_id, id desc): a range scan in page order, no join, no sort.
    let query = this.db
      .selectFrom('users.follows')
      .select(['id', 'follower_id'])
      .where('followee_id', '=', userId)
      .orderBy('id', 'desc')
      .limit(limit);
    if (beforeFollowId !== undefined) query = query.where('id', '<', beforeFollowId);
    const rows = await query.execute();
    return rows.map((row) => ({ userId: row.follower_id, followId: row.id }));
  }

  async listFollowees(userId: string, limit: number): Promise<FolloweeRecord[]> {
    // follows_follower_idx finds the user's follows; each followee's count is one primary-key
    // probe into profiles. The cap is rarely reached, so all the user's follows are read either
    // way, and PostgreSQL may bitmap-scan them and sort them in memory (at most MAX_FOLLOWING
    // rows, a few hundred kB) rather than walk the index in order: both are fine.
    const rows = await this.db
      .selectFrom('users.follows as f')
      .innerJoin('users.profiles as p', 'p.user_id', 'f.followee_id')
      .select(['f.followee_id', 'p.follower_count'])
      .where('f.follower_id', '=', userId)
      .orderBy('f.id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({ userId: row.followee_id, followerCount: row.follower_count }));
  }

  /**
   * One side of `userId`'s follows, newest follow first: `followers` matches `followee_id` and
   * lists the followers, `following` matches `follower_id` and lists the followees. Each side is
   * served by its own `(<matched column>, id desc)` index.
   */
  private async listFollows(
    side: 'followers' | 'following',
    userId: string,
    beforeFollowId: string | undefined,
    limit: number,
  ): Promise<FollowListRecord[]> {
    const [matched, listed] =
      side === 'followers'
        ? (['f.followee_id', 'f.follower_id'] as const)
        : (['f.follower_id', 'f.followee_id'] as const);
    let query = this.db
      .selectFrom('users.follows as f')
      .innerJoin('users.profiles as p', 'p.user_id', listed)
      .select(['f.id as follow_id', 'p.user_id', 'p.username', 'p.display_name', 'p.avatar_media_id'])
      .where(matched, '=', userId)
      .orderBy('f.id', 'desc')
      .limit(limit);
    if (beforeFollowId !== undefined) query = query.where('f.id', '<', beforeFollowId);
    const rows = await query.execute();
    return rows.map((row) => ({ ...toSummaryRecord(row), followId: row.follow_id }));
  }
}

async function followerCount(trx: UsersTransaction, userId: string): Promise<string> {
  const row = await trx
    .selectFrom('users.profiles')
    .select('follower_count')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.follower_count ?? '0';
}

/** Moves both counters by `delta` and returns the followee's follower count. */
async function adjustCounts(
  trx: UsersTransaction,
  followerId: string,
  followeeId: string,
  delta: 1 | -1,
): Promise<string> {
  const adjustFollowing = async (): Promise<void> => {
    await trx
      .updateTable('users.profiles')
      .set({ following_count: sql<string>`greatest(following_count + ${delta}, 0)` })
      .where('user_id', '=', followerId)
      .execute();
  };
  const adjustFollowers = async (): Promise<string> => {
    const row = await trx
      .updateTable('users.profiles')
      .set({ follower_count: sql<string>`greatest(follower_count + ${delta}, 0)` })
      .where('user_id', '=', followeeId)
      .returning('follower_count')
      .executeTakeFirst();
    return row?.follower_count ?? '0';
  };
  // Lock the two profile rows in id order, so that A following B while B follows A cannot deadlock.
  if (BigInt(followerId) < BigInt(followeeId)) {
    await adjustFollowing();
    return adjustFollowers();
  }
  const count = await adjustFollowers();
  await adjustFollowing();
  return count;
}
