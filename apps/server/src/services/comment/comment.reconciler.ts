import type { CommentService, ReconcileResult } from '../../generated/glimpse/comment/v1/comment.js';

export interface CommentCounterReconcilerOptions {
  /** The comment service, in process or over gRPC. */
  comments: Pick<CommentService, 'reconcile'>;
  /** Pause between runs (default 15 min). */
  intervalMs?: number;
  /** Told of the drift each run found (0 included), e.g. to add it to a metric. */
  observer?: { drift(n: number): void };
  /** A failed run (cache or database down); the schedule goes on. Default: stderr. */
  onError?: (err: unknown) => void;
}

export const DEFAULT_RECONCILE_INTERVAL_MS = 15 * 60 * 1000;

/**
 * Runs the comment service's Reconcile now and then every `intervalMs`, so that counters that
 * drifted (a cache write lost while Redis was away, a crash between a commit and its increment)
 * are repaired within one interval rather than when they expire.
 */
export class CommentCounterReconciler {
  readonly #options: CommentCounterReconcilerOptions;
  readonly #intervalMs: number;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  #current: Promise<unknown> | undefined;

  constructor(options: CommentCounterReconcilerOptions) {
    this.#options = options;
    this.#intervalMs = options.intervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS;
    if (!(this.#intervalMs > 0)) throw new RangeError(`intervalMs must be positive, got ${this.#intervalMs}`);
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

  /** One run; never rejects: undefined when it failed (the failure went to onError). */
  async runOnce(): Promise<ReconcileResult | undefined> {
    try {
      const result = await this.#options.comments.reconcile({});
      this.#notify(() => this.#options.observer?.drift(Number(result.drift)));
      return result;
    } catch (err) {
      this.#notify(() =>
        (this.#options.onError ?? ((e) => console.error('comment reconcile failed', e)))(err),
      );
      return undefined;
    }
  }

  #tick(): void {
    const run = this.runOnce().finally(() => {
      if (this.#current === run) this.#current = undefined;
      if (!this.#running) return;
      this.#timer = setTimeout(() => this.#tick(), this.#intervalMs);
      // A pending run must not keep a process alive that has nothing else to do.
      this.#timer.unref();
    });
    this.#current = run;
  }

  #notify(callback: () => void): void {
    try {
      callback();
    } catch {
      // A failing hook must not stop the reconciler.
    }
  }
}
