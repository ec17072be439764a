import type { CommentService, ReconcileResult } from '../../generated/glimpse/comment/v1/comment.js';
import { notifySafely, PeriodicTask } from '../../platform/lifecycle/periodic-task.js';

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
  readonly #schedule: PeriodicTask;

  constructor(options: CommentCounterReconcilerOptions) {
    this.#options = options;
    this.#schedule = new PeriodicTask(
      () => this.runOnce(),
      options.intervalMs ?? DEFAULT_RECONCILE_INTERVAL_MS,
    );
  }

  /** Runs at once, then every `intervalMs` (no-op when started). */
  start(): void {
    this.#schedule.start();
  }

  /** Stops the schedule; resolves once a run in progress, if any, has finished. */
  stop(): Promise<void> {
    return this.#schedule.stop();
  }

  /** One run; never rejects: undefined when it failed (the failure went to onError). */
  async runOnce(): Promise<ReconcileResult | undefined> {
    try {
      const result = await this.#options.comments.reconcile({});
      notifySafely(() => this.#options.observer?.drift(Number(result.drift)));
      return result;
    } catch (err) {
      notifySafely(() =>
        (this.#options.onError ?? ((e) => console.error('comment reconcile failed', e)))(err),
      );
      return undefined;
    }
  }
}
