import { sql, type ColumnType, type Generated, type Kysely, type Transaction } from 'kysely';
import type { EventEnvelope } from '../events/events.port.js';

export interface OutboxTables {
  'outbox.events': {
    id: string;
    topic: string;
    key: string;
    /** JSON text in, parsed value out. */
    payload: ColumnType<unknown, string, never>;
    traceparent: string | null;
    occurred_at: ColumnType<Date, string, never>;
    created_at: Generated<Date>;
  };
}

// 6 parameters per event; PostgreSQL allows 65535 per statement.
const INSERT_CHUNK = 1000;

/**
 * Records events to publish. Call it with the transaction that makes the change the events
 * describe (`trx`), so both commit or neither does; the outbox relay publishes them after
 * commit. Any service's `Transaction<MyTables>` (or `Kysely<MyTables>`) is accepted; the union
 * in the signature is what lets TypeScript infer `DB` from a `Transaction`.
 */
export async function appendToOutbox<DB>(
  trx: Kysely<DB> | Transaction<DB>,
  events: readonly EventEnvelope[],
): Promise<void> {
  for (let start = 0; start < events.length; start += INSERT_CHUNK) {
    const rows = events.slice(start, start + INSERT_CHUNK).map(
      (event) =>
        // The payload goes in as JSON text: pg would turn a top-level array into a PostgreSQL array.
        sql`(${event.id}, ${event.type}, ${event.key}, ${JSON.stringify(event.payload)}, ${event.traceparent ?? null}, ${event.occurredAt})`,
    );
    await sql`
      insert into outbox.events (id, topic, key, payload, traceparent, occurred_at)
      values ${sql.join(rows)}`.execute(trx);
  }
}

/**
 * Locks the oldest pending events (skipping those another relay holds) and returns the ones
 * that may be published now. An event is held back while an older event with the same key is
 * still pending outside this batch (claimed by a concurrent relay, or committed late), so
 * events of one key reach the bus in id order even with several relays running.
 */
export async function claimOutboxBatch(
  trx: Transaction<OutboxTables>,
  limit: number,
): Promise<EventEnvelope[]> {
  const rows = await trx
    .selectFrom('outbox.events')
    .select(['id', 'topic', 'key', 'payload', 'traceparent', 'occurred_at'])
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
  const last = rows.at(-1);
  if (last === undefined) return [];

  const ids = rows.map((row) => row.id);
  const olderPending = await trx
    .selectFrom('outbox.events')
    .select(['key', (eb) => eb.fn.min('id').as('first_id')])
    .where('key', 'in', [...new Set(rows.map((row) => row.key))])
    .where('id', '<', last.id)
    .where('id', 'not in', ids)
    .groupBy('key')
    .execute();
  const heldFrom = new Map(olderPending.map((row) => [row.key, BigInt(row.first_id)]));

  return rows
    .filter((row) => {
      const firstPending = heldFrom.get(row.key);
      return firstPending === undefined || BigInt(row.id) < firstPending;
    })
    .map((row) => ({
      id: row.id,
      type: row.topic,
      occurredAt: row.occurred_at.toISOString(),
      key: row.key,
      payload: row.payload,
      ...(row.traceparent !== null && { traceparent: row.traceparent }),
    }));
}

export async function deleteOutboxEvents(
  trx: Transaction<OutboxTables>,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .deleteFrom('outbox.events')
    .where('id', 'in', [...ids])
    .execute();
}

/** Events not published yet; for readiness checks and metrics (a growing number = bus trouble). */
export async function countPendingOutboxEvents(db: Kysely<OutboxTables>): Promise<number> {
  const row = await db
    .selectFrom('outbox.events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
