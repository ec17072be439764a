/**
 * Runs a task at once and then `intervalMs` after each run ends: runs never overlap, a failure
 * never stops the schedule, and a pending run does not keep the process alive. The schedule of
 * every background job (partition maintenance, counter reconciliation).
 */
export class PeriodicTask {
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #current: Promise<unknown> | undefined;

  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly intervalMs: number,
  ) {
    if (!(intervalMs > 0) || !Number.isFinite(intervalMs)) {
      throw new RangeError(`intervalMs must be positive, got ${intervalMs}`);
    }
  }

  /** Runs at once, then every `intervalMs` (no-op when started). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#tick();
  }

  /** Stops the schedule; resolves once a run in progress, if any, has finished. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#current;
  }

  #tick(): void {
    const run = this.run()
      .catch(() => undefined)
      .then(() => {
        if (this.#current === run) this.#current = undefined;
        if (!this.#running) return;
        this.#timer = setTimeout(() => this.#tick(), this.intervalMs);
        this.#timer.unref();
      });
    this.#current = run;
  }
}

/** Calls a hook, ignoring its failure: a broken metric or log hook must not stop a job. */
export function notifySafely(callback: () => void): void {
  try {
    callback();
  } catch {
    // Deliberately ignored (see above).
  }
}
