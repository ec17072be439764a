import type { ColumnType, Generated } from 'kysely';

import type { MediaState } from './media.state.js';

/** int8 columns read back as decimal strings on both adapters. */
type Int8 = ColumnType<string, string | number | bigint, string | number | bigint>;

export interface StoredVariant {
  name: string;
  width: number;
  height: number;
  format: string;
  bytes: number;
  key: string;
}

export interface MediaRow {
  id: Int8;
  owner_id: Int8;
  status: MediaState;
  mime_type: string;
  bytes: Int8;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  /** JSON text in (pg would turn a top-level array into a PostgreSQL array), parsed value out. */
  variants: ColumnType<StoredVariant[], string | undefined, string>;
  failure_reason: string | null;
  attempts: Generated<number>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

/** The `media` schema, owned by the media service alone. */
export interface MediaTables {
  'media.media': MediaRow;
}
