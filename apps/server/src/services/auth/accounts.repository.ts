import { sql, type Kysely, type Selectable } from 'kysely';

import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import type { AccountRow, AuthTables } from './auth.tables.js';

export interface AccountRecord {
  userId: string;
  username: string;
  email: string;
  passwordHash: string;
}

export interface AccountsRepository {
  /** Inserts unless the username or email (case-insensitively) is taken; true when it inserted. */
  insert(account: AccountRecord): Promise<boolean>;
  findById(userId: string): Promise<AccountRecord | undefined>;
  /** `username` is already lowercased. */
  findByUsername(username: string): Promise<AccountRecord | undefined>;
  /** `email` is already lowercased. */
  findByEmail(email: string): Promise<AccountRecord | undefined>;
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

  async findById(userId: string): Promise<AccountRecord | undefined> {
    const row = await this.db
      .selectFrom('auth.accounts')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row && toAccountRecord(row);
  }

  async findByUsername(username: string): Promise<AccountRecord | undefined> {
    const row = await this.db
      .selectFrom('auth.accounts')
      .selectAll()
      .where(sql<string>`lower(username)`, '=', username)
      .executeTakeFirst();
    return row && toAccountRecord(row);
  }

  async findByEmail(email: string): Promise<AccountRecord | undefined> {
    const row = await this.db
      .selectFrom('auth.accounts')
      .selectAll()
      .where(sql<string>`lower(email)`, '=', email)
      .executeTakeFirst();
    return row && toAccountRecord(row);
  }
}

function toAccountRecord(row: Selectable<AccountRow>): AccountRecord {
  return { userId: row.user_id, username: row.username, email: row.email, passwordHash: row.password_hash };
}
