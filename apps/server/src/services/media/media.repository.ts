import { sql, type Kysely, type Selectable } from 'kysely';

import type { EventEnvelope } from '../../platform/events/events.port.js';
import { appendToOutbox } from '../../platform/outbox/outbox.repository.js';
import type { SqlDatabase } from '../../platform/sql/sql.port.js';
import { statesBefore, type MediaState } from './media.state.js';
import type { MediaRow, MediaTables, StoredVariant } from './media.tables.js';

export interface MediaRecord {
  id: string;
  ownerId: string;
  status: MediaState;
  mimeType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  placeholder: string | null;
  variants: StoredVariant[];
  failureReason: string | null;
  attempts: number;
  createdAt: Date;
}

export interface NewMedia {
  id: string;
  ownerId: string;
  mimeType: string;
  bytes: number;
}

/** What a transition may change besides the status. */
export interface MediaChanges {
  mimeType?: string;
  bytes?: number;
  width?: number;
  height?: number;
  placeholder?: string;
  variants?: StoredVariant[];
  failureReason?: string;
  /** Counts a processing attempt. */
  countAttempt?: boolean;
}

export interface MediaRepository {
  insert(media: NewMedia): Promise<MediaRecord>;
  findById(id: string): Promise<MediaRecord | undefined>;
  /** Unknown ids are left out; order is unspecified. */
  findMany(ids: readonly string[]): Promise<MediaRecord[]>;
  /**
   * Moves the media to `to` if, and only if, its current status may precede `to` in the state
   * machine (compare-and-set), applying `changes` and appending `events` to the outbox in the
   * same transaction. Undefined when the media is unknown or in a status `to` cannot follow.
   */
  transition(
    id: string,
    to: MediaState,
    changes: MediaChanges,
    events: readonly EventEnvelope[],
  ): Promise<MediaRecord | undefined>;
}

export class SqlMediaRepository implements MediaRepository {
  private readonly db: Kysely<MediaTables>;

  constructor(database: SqlDatabase) {
    this.db = database.kysely<MediaTables>();
  }

  async insert(media: NewMedia): Promise<MediaRecord> {
    const row = await this.db
      .insertInto('media.media')
      .values({
        id: media.id,
        owner_id: media.ownerId,
        status: 'pending',
        mime_type: media.mimeType,
        bytes: media.bytes,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toRecord(row);
  }

  async findById(id: string): Promise<MediaRecord | undefined> {
    const row = await this.db.selectFrom('media.media').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async findMany(ids: readonly string[]): Promise<MediaRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('media.media').selectAll().where('id', 'in', ids).execute();
    return rows.map(toRecord);
  }

  async transition(
    id: string,
    to: MediaState,
    changes: MediaChanges,
    events: readonly EventEnvelope[],
  ): Promise<MediaRecord | undefined> {
    const from = statesBefore(to);
    if (from.length === 0) return undefined;
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .updateTable('media.media')
        .set({
          status: to,
          updated_at: sql<Date>`now()`,
          ...(changes.mimeType !== undefined && { mime_type: changes.mimeType }),
          ...(changes.bytes !== undefined && { bytes: changes.bytes }),
          ...(changes.width !== undefined && { width: changes.width }),
          ...(changes.height !== undefined && { height: changes.height }),
          ...(changes.placeholder !== undefined && { placeholder: changes.placeholder }),
          ...(changes.variants !== undefined && { variants: JSON.stringify(changes.variants) }),
          ...(changes.failureReason !== undefined && { failure_reason: changes.failureReason }),
          ...(changes.countAttempt && { attempts: sql<number>`attempts + 1` }),
        })
        .where('id', '=', id)
        .where('status', 'in', from)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) return undefined;
      if (events.length > 0) await appendToOutbox(trx, events);
      return toRecord(row);
    });
  }
}

function toRecord(row: Selectable<MediaRow>): MediaRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    status: row.status,
    mimeType: row.mime_type,
    bytes: Number(row.bytes),
    width: row.width,
    height: row.height,
    placeholder: row.placeholder,
    variants: row.variants,
    failureReason: row.failure_reason,
    attempts: row.attempts,
    createdAt: row.created_at,
  };
}
