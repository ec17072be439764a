import { sql, type Kysely, type Selectable } from 'kysely';

import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import type { AccountRow, AuthTables } from './auth.tables.js';

export interface AccountRecord {
  userId: string;
  username: string;
  email: string;
  passwordHash: string;
  /** An operator: its access tokens carry the admin role. New accounts never are. */
  admin?: boolean;
}

export interface AccountsRepository {
  /** Inserts unless the username or email (case-insensitively) is taken; true when it inserted. */
  insert(account: AccountRecord): Promise<boolean>;
  findById(userId: string): Promise<AccountRecord | undefined>;
  /** `username` is already lowercased. */
  findByUsername(username: string): Promise<AccountRecord | undefined>;
  /** `email` is already lowercased. */
  findByEmail(email: string): Promise<AccountRecord | undefined>;
  /** `username` is already lowercased. False when no such account exists. */
  setAdmin(username: string, admin: boolean): Promise<boolean>;
}

export class SqlAccountsRepository implements AccountsRepository {
  private readonly db: Kysely<AuthTables>;

  constructor(database: SqlDatabase) {
    this.db = database.kysely<AuthTables>();
  }

  async insert(account: AccountRecord): Promise<boolean> {
    // `do nothing` rather than catching 23505: the caller looks up which field is taken anyway.
    const inserted = await this.db
      .insertInto('auth.accounts')
      .values({
        user_id: account.userId,
        username: account.username,
        email: account.email,
        password_hash: account.passwordHash,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('user_id')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  findById(userId: string): Promise<AccountRecord | undefined> {
    return this.findOne('user_id', userId);
  }

  findByUsername(username: string): Promise<AccountRecord | undefined> {
    return this.findOne('username', username);
  }

  findByEmail(email: string): Promise<AccountRecord | undefined> {
    return this.findOne('email', email);
  }

  async setAdmin(username: string, admin: boolean): Promise<boolean> {
    const updated = await this.db
      .updateTable('auth.accounts')
      .set({ is_admin: admin })
      .where(sql<string>`lower(username)`, '=', username)
      .returning('user_id')
      .executeTakeFirst();
    return updated !== undefined;
  }

  /** Names and emails are matched on lower(), the expression their unique indexes are on. */
  private async findOne(
    key: 'user_id' | 'username' | 'email',
    value: string,
  ): Promise<AccountRecord | undefined> {
    const row = await this.db
      .selectFrom('auth.accounts')
      .selectAll()
      .where(key === 'user_id' ? key : sql<string>`lower(${sql.ref(key)})`, '=', value)
      .executeTakeFirst();
    return row && toAccountRecord(row);
  }
}

function toAccountRecord(row: Selectable<AccountRow>): AccountRecord {
  return {
    userId: row.user_id,
    username: row.username,
    email: row.email,
    passwordHash: row.password_hash,
    admin: row.is_admin,
  };
}
