import { sql, type Kysely, type Selectable } from 'kysely';

import { rowCount, type RowCount } from '../../platform/sql/row-count.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import type { ProfileRow, UsersTables } from './user.tables.js';

export interface SummaryRecord {
  userId: string;
  username: string;
  displayName: string;
  avatarMediaId: string | null;
}

export interface ProfileRecord extends SummaryRecord {
  bio: string;
  followerCount: string;
  followingCount: string;
  postCount: string;
  createdAt: Date;
}

export interface NewProfile {
  userId: string;
  username: string;
  displayName: string;
}

export interface ProfileChanges {
  displayName?: string;
  bio?: string;
  /** null removes the avatar. */
  avatarMediaId?: string | null;
}

export interface ProfilesRepository {
  /** Inserts unless a profile with this id or username exists; true when it inserted. */
  insertIfAbsent(profile: NewProfile): Promise<boolean>;
  findById(userId: string): Promise<ProfileRecord | undefined>;
  /** `username` is already lowercased. */
  findByUsername(username: string): Promise<ProfileRecord | undefined>;
  /** Unknown ids are left out; order is unspecified. */
  findSummaries(userIds: readonly string[]): Promise<SummaryRecord[]>;
  /** The updated profile, or undefined when there is none with this id. */
  update(userId: string, changes: ProfileChanges): Promise<ProfileRecord | undefined>;
  /**
   * Profiles whose username or display name starts with `prefix` (lowercased, taken literally),
   * ordered by username, after `afterUsername` when given; at most `limit` rows.
   */
  search(prefix: string, afterUsername: string | undefined, limit: number): Promise<SummaryRecord[]>;
  /** How many profiles exist (estimated for a large table, see rowCount). */
  count(): Promise<RowCount>;
}

/** Escapes LIKE's wildcards so user input matches literally (backslash is the escape character). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export class SqlProfilesRepository implements ProfilesRepository {
  private readonly db: Kysely<UsersTables>;

  constructor(database: SqlDatabase) {
    this.db = database.kysely<UsersTables>();
  }

  async insertIfAbsent(profile: NewProfile): Promise<boolean> {
    // No conflict target: a taken username must not raise either, the caller tells the cases apart.
    const inserted = await this.db
      .insertInto('users.profiles')
      .values({ user_id: profile.userId, username: profile.username, display_name: profile.displayName })
      .onConflict((oc) => oc.doNothing())
      .returning('user_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  count(): Promise<RowCount> {
    return rowCount(this.db, 'users.profiles', async () => {
      const row = await this.db
        .selectFrom('users.profiles')
        .select((eb) => eb.fn.countAll<string>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    });
  }

  async findById(userId: string): Promise<ProfileRecord | undefined> {
    const row = await this.db
      .selectFrom('users.profiles')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && toProfileRecord(row);
  }

  async findByUsername(username: string): Promise<ProfileRecord | undefined> {
    const row = await this.db
      .selectFrom('users.profiles')
      .selectAll()
      .where(sql<string>`lower(username)`, '=', username)
      .executeTakeFirst();
    return row && toProfileRecord(row);
  }

  async findSummaries(userIds: readonly string[]): Promise<SummaryRecord[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('users.profiles')
      .select(['user_id', 'username', 'display_name', 'avatar_media_id'])
      .where('user_id', 'in', [...userIds])
      .execute();
    return rows.map(toSummaryRecord);
  }

  async update(userId: string, changes: ProfileChanges): Promise<ProfileRecord | undefined> {
    const row = await this.db
      .updateTable('users.profiles')
      .set({
        ...(changes.displayName !== undefined && { display_name: changes.displayName }),
        ...(changes.bio !== undefined && { bio: changes.bio }),
        ...(changes.avatarMediaId !== undefined && { avatar_media_id: changes.avatarMediaId }),
        updated_at: sql<Date>`now()`,
      })
      .where('user_id', '=', userId)
      .returningAll()
      .executeTakeFirst();
    return row && toProfileRecord(row);
  }

  async search(prefix: string, afterUsername: string | undefined, limit: number): Promise<SummaryRecord[]> {
    const pattern = `${escapeLike(prefix)}%`;
    let query = this.db
      .selectFrom('users.profiles')
      .select(['user_id', 'username', 'display_name', 'avatar_media_id'])
      // Written as lower(...) like ... so the planner can use the text_pattern_ops indexes.
      .where((eb) =>
        eb.or([
          eb(sql<string>`lower(username)`, 'like', sql<string>`${pattern} escape '\\'`),
          eb(sql<string>`lower(display_name)`, 'like', sql<string>`${pattern} escape '\\'`),
        ]),
      )
      .orderBy('username')
      .limit(limit);
    if (afterUsername !== undefined) query = query.where('username', '>', afterUsername);
    const rows = await query.execute();
    return rows.map(toSummaryRecord);
  }
}

type SummaryRow = Pick<Selectable<ProfileRow>, 'user_id' | 'username' | 'display_name' | 'avatar_media_id'>;

export function toSummaryRecord(row: SummaryRow): SummaryRecord {
  return {
    userId: row.user_id,
    username: row.username,
    displayName: row.display_name,
    avatarMediaId: row.avatar_media_id,
  };
}

function toProfileRecord(row: Selectable<ProfileRow>): ProfileRecord {
  return {
    ...toSummaryRecord(row),
    bio: row.bio,
    followerCount: row.follower_count,
    followingCount: row.following_count,
    postCount: row.post_count,
    createdAt: row.created_at,
  };
}
