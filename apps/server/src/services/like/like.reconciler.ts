import type { LikeService, ReconcileResult } from '../../generated/glimpse/like/v1/like.js';
import { notifySafely, PeriodicTask } from '../../platform/lifecycle/periodic-task.js';

/** What a reconciler run tells its owner (metrics, logs). */
export interface LikeReconcileObserver {
  /** After each successful run: the run's total drift (0 when every counter was right). */
  drift(n: number): void;
  /** The whole result of each successful run. */
  reconciled?(result: ReconcileResult): void;
  /** A run failed (Redis or PostgreSQL down); the next one is still scheduled. */
  failed?(err: unknown): void;
}

export interface LikeCounterReconcilerOptions {
  /** The like service, in process or over gRPC. */
  likes: Pick<LikeService, 'reconcile'>;
  /** Pause between the end of one run and the start of the next. */
  intervalMs: number;
  observer?: LikeReconcileObserver;
}

/** Default pause between runs: drift lasts minutes at most. */
export const DEFAULT_RECONCILE_INTERVAL_MS = 5 * 60 * 1000;

/**
 * Runs Reconcile now and then every `intervalMs`. Runs never overlap: the next one is scheduled
 * when the last one ends. Several replicas may each run one: a repair writes the count read
 * from PostgreSQL, so concurrent runs agree.
 */
export class LikeCounterReconciler {
  private readonly likes: Pick<LikeService, 'reconcile'>;
  private readonly observer: LikeReconcileObserver | undefined;
  private readonly schedule: PeriodicTask;

  constructor(options: LikeCounterReconcilerOptions) {
    if (!Number.isSafeInteger(options.intervalMs) || options.intervalMs <= 0) {
      throw new RangeError(`intervalMs must be a positive integer, got ${options.intervalMs}`);
    }
    this.likes = options.likes;
    this.observer = options.observer;
    this.schedule = new PeriodicTask(() => this.runOnce(), options.intervalMs);
  }

  /** Runs at once, then every `intervalMs` (no-op when started). */
  start(): void {
    this.schedule.start();
  }

  /** Stops the schedule; resolves once a run in progress, if any, has finished. */
  stop(): Promise<void> {
    return this.schedule.stop();
  }

  /** One run; never rejects (failures go to the observer). The result, when it succeeded. */
  async runOnce(): Promise<ReconcileResult | undefined> {
    let result: ReconcileResult;
    try {
      result = await this.likes.reconcile({});
    } catch (err) {
      notifySafely(() => this.observer?.failed?.(err));
      return undefined;
    }
    notifySafely(() => {
      this.observer?.drift(Number(result.drift));
      this.observer?.reconciled?.(result);
    });
    return result;
  }
}
