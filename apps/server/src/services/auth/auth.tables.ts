import type { ColumnType, Generated } from 'kysely';

/** int8 columns read back as decimal strings on both adapters. */
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;

export interface AccountRow {
  user_id: Int8;
  username: string;
  email: string;
  password_hash: string;
  is_admin: Generated<boolean>;
  created_at: Generated<Date>;
}

export interface RefreshTokenRow {
  id: Int8;
  user_id: Int8;
  family_id: Int8;
  token_hash: string;
  expires_at: Date;
  used_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  revoked_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
  created_at: Generated<Date>;
}

/** The `auth` schema, owned by the auth service alone. */
export interface AuthTables {
  'auth.accounts': AccountRow;
  'auth.refresh_tokens': RefreshTokenRow;
}
