import type { Kysely } from 'kysely';
import { withDeadline } from '../events/deadline.js';
import type { EventBus } from '../events/events.port.js';
import type { SqlDatabase } from '../sql/sql.port.js';
import { claimOutboxBatch, deleteOutboxEvents, type OutboxTables } from './outbox.repository.js';

export interface OutboxRelayOptions {
  sql: SqlDatabase;
  bus: EventBus;
  /** Events per cycle (default 100). */
  batchSize?: number;
  /** Pause between cycles when the outbox was drained (default 500); `wake()` cuts it short. */
  pollIntervalMs?: number;
  /** Longest pause after failed cycles; the pause doubles from 200 ms up to it (default 5000). */
  maxBackoffMs?: number;
  /** Deadline for one `bus.publish` (default 30000); past it the cycle fails and rolls back. */
  publishTimeoutMs?: number;
  /** A failed cycle (bus down, database down); the loop goes on. Default: logged to stderr. */
  onError?: (err: unknown) => void;
  /** Events published by one cycle, in all and per topic (called only when > 0). */
  onPublished?: (n: number, byTopic: ReadonlyMap<string, number>) => void;
}

const FIRST_BACKOFF_MS = 200;

/**
 * Publishes the outbox to the event bus. One cycle: lock a batch (`for update skip locked`),
 * publish it in one call, delete it, commit. A failed publish rolls back, so the events stay
 * for a later cycle; several relays can run at once without publishing an event twice. Delivery
 * stays at least once: a crash between the bus accepting a batch and the commit republishes it.
 */
export class OutboxRelay {
  readonly #db: Kysely<OutboxTables>;
  readonly #bus: EventBus;
  readonly #batchSize: number;
  readonly #pollIntervalMs: number;
  readonly #maxBackoffMs: number;
  readonly #publishTimeoutMs: number;
  readonly #onError: (err: unknown) => void;
  readonly #onPublished: (n: number, byTopic: ReadonlyMap<string, number>) => void;

  #running = false;
  #loop: Promise<void> | undefined;
  #wakeRequested = false;
  /** Ends the current pause; set while the loop sleeps. */
  #endPause: ((byWake: boolean) => void) | undefined;

  constructor(options: OutboxRelayOptions) {
    this.#db = options.sql.kysely<OutboxTables>();
    this.#bus = options.bus;
    this.#batchSize = options.batchSize ?? 100;
    this.#pollIntervalMs = options.pollIntervalMs ?? 500;
    this.#maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.#publishTimeoutMs = options.publishTimeoutMs ?? 30_000;
    this.#onError = options.onError ?? ((err) => console.error('outbox relay: cycle failed', err));
    this.#onPublished = options.onPublished ?? (() => {});
  }

  /** Starts the loop (no-op when running). The first cycle runs at once. */
  start(): void {
    if (this.#loop !== undefined) return;
    this.#running = true;
    this.#loop = this.#run().finally(() => {
      this.#loop = undefined;
    });
  }

  /** Stops the loop; resolves once the cycle in progress, if any, has finished. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#endPause?.(false);
    await this.#loop;
  }

  /** Asks for a cycle soon (call after committing events). Does not shorten a failure backoff. */
  wake(): void {
    this.#wakeRequested = true;
    this.#endPause?.(true);
  }

  /** One cycle: publishes at most one batch and returns how many events it published. */
  async runOnce(): Promise<number> {
    const published = await this.#db.transaction().execute(async (trx) => {
      const events = await claimOutboxBatch(trx, this.#batchSize);
      if (events.length === 0) return events;
      await withDeadline(
        this.#bus.publish(events),
        this.#publishTimeoutMs,
        `publishing ${events.length} outbox events`,
      );
      await deleteOutboxEvents(
        trx,
        events.map((event) => event.id),
      );
      return events;
    });
    if (published.length > 0) {
      const byTopic = new Map<string, number>();
      for (const event of published) byTopic.set(event.type, (byTopic.get(event.type) ?? 0) + 1);
      this.#notify(() => this.#onPublished(published.length, byTopic));
    }
    return published.length;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (this.#running) {
      this.#wakeRequested = false;
      let published = 0;
      try {
        published = await this.runOnce();
        failures = 0;
      } catch (err) {
        failures++;
        this.#notify(() => this.#onError(err));
      }
      if (!this.#running) break;
      if (failures > 0) {
        await this.#pause(Math.min(this.#maxBackoffMs, FIRST_BACKOFF_MS * 2 ** (failures - 1)), false);
      } else if (published < this.#batchSize && !this.#wakeRequested) {
        await this.#pause(this.#pollIntervalMs, true);
      }
      // A full batch means more may be waiting: go again at once.
    }
  }

  /** Sleeps `ms`; `stop()` ends the pause early, and so does `wake()` when `wakeable`. */
  async #pause(ms: number, wakeable: boolean): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(end, ms);
      this.#endPause = (byWake) => {
        if (!byWake || wakeable) end();
      };
      function end(): void {
        clearTimeout(timer);
        resolve();
      }
    });
    this.#endPause = undefined;
  }

  #notify(callback: () => void): void {
    try {
      callback();
    } catch {
      // A failing callback must not stop the relay.
    }
  }
}
