import type { Insertable, Kysely } from 'kysely';

import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import type { AuthTables, RefreshTokenRow } from './auth.tables.js';

export interface NewRefreshToken {
  id: string;
  userId: string;
  familyId: string;
  /** Hex SHA-256 of the token; the token itself is never stored. */
  tokenHash: string;
  expiresAt: Date;
}

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  familyId: string;
  expiresAt: Date;
  usedAt: Date | null;
  /**
   * True when any token of the family is revoked. Revocation is a property of the family: a
   * successor created while its family was being revoked must not outlive the revocation.
   */
  familyRevoked: boolean;
}

export interface RefreshTokensRepository {
  insert(token: NewRefreshToken): Promise<void>;
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * Atomically spends token `spentId` (only if it is neither spent nor revoked) and inserts its
   * successor. False, with nothing changed, when the token was spent or revoked meanwhile.
   */
  rotate(spentId: string, usedAt: Date, successor: NewRefreshToken): Promise<boolean>;
  /** Revokes every token of the family. Idempotent. */
  revokeFamily(familyId: string, revokedAt: Date): Promise<void>;
}

export class SqlRefreshTokensRepository implements RefreshTokensRepository {
  private readonly db: Kysely<AuthTables>;

  constructor(database: SqlDatabase) {
    this.db = database.kysely<AuthTables>();
  }

  async insert(token: NewRefreshToken): Promise<void> {
    await this.db.insertInto('auth.refresh_tokens').values(toRow(token)).execute();
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.db
      .selectFrom('auth.refresh_tokens as t')
      .select((eb) => [
        't.id',
        't.user_id',
        't.family_id',
        't.expires_at',
        't.used_at',
        eb
          .exists(
            eb
              .selectFrom('auth.refresh_tokens as f')
              .select('f.id')
              .whereRef('f.family_id', '=', 't.family_id')
              .where('f.revoked_at', 'is not', null),
          )
          .as('family_revoked'),
      ])
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      id: row.id,
      userId: row.user_id,
      familyId: row.family_id,
      expiresAt: row.expires_at,
      usedAt: row.used_at,
      familyRevoked: Boolean(row.family_revoked),
    };
  }

  rotate(spentId: string, usedAt: Date, successor: NewRefreshToken): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      // The `used_at is null` condition is the race guard: of two concurrent refreshes with the
      // same token, the second waits on the row lock, re-checks, and updates nothing.
      const spent = await trx
        .updateTable('auth.refresh_tokens')
        .set({ used_at: usedAt })
        .where('id', '=', spentId)
        .where('used_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (spent.numUpdatedRows === 0n) return false;
      await trx.insertInto('auth.refresh_tokens').values(toRow(successor)).execute();
      return true;
    });
  }

  async revokeFamily(familyId: string, revokedAt: Date): Promise<void> {
    await this.db
      .updateTable('auth.refresh_tokens')
      .set({ revoked_at: revokedAt })
      .where('family_id', '=', familyId)
      .where('revoked_at', 'is', null)
      .execute();
  }
}

function toRow(token: NewRefreshToken): Insertable<RefreshTokenRow> {
  return {
    id: token.id,
    user_id: token.userId,
    family_id: token.familyId,
    token_hash: token.tokenHash,
    expires_at: token.expiresAt,
  };
}
