import { describe, expect, it } from 'vitest';

import type { ReconcileResult } from '../../generated/glimpse/like/v1/like.js';
import { LikeCounterReconciler, type LikeReconcileObserver } from './like.reconciler.js';

/** A like service whose reconcile answers from a script, one entry per call (the last repeats). */
function scripted(outcomes: (ReconcileResult | Error)[]) {
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    reconcile(): Promise<ReconcileResult> {
      const outcome = outcomes[Math.min(calls, outcomes.length - 1)];
      calls += 1;
      if (outcome === undefined) return Promise.reject(new Error('no outcome scripted'));
      return outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome);
    },
  };
}

function result(drift: number): ReconcileResult {
  return { checked: '10', drifted: drift > 0 ? '1' : '0', drift: String(drift) };
}

/** An observer recording what it is told, resolving `runs(n)` once n runs have ended. */
function recorder() {
  const drifts: number[] = [];
  const failures: unknown[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const settle = () => {
    const ended = drifts.length + failures.length;
    for (const waiter of waiters.filter((w) => ended >= w.n)) waiter.resolve();
  };
  const observer: LikeReconcileObserver = {
    drift: (n) => {
      drifts.push(n);
      settle();
    },
    failed: (err) => {
      failures.push(err);
      settle();
    },
  };
  return {
    observer,
    drifts,
    failures,
    runs: (n: number) => new Promise<void>((resolve) => waiters.push({ n, resolve })),
  };
}

describe('LikeCounterReconciler', () => {
  it('tells the observer the drift of each run, and failures without stopping', async () => {
    const likes = scripted([result(3), new Error('redis down'), result(0)]);
    const seen = recorder();
    const reconciler = new LikeCounterReconciler({ likes, intervalMs: 1, observer: seen.observer });
    reconciler.start();
    reconciler.start(); // already started: no second schedule
    await seen.runs(3);
    await reconciler.stop();
    expect(seen.drifts.slice(0, 2)).toEqual([3, 0]);
    expect(seen.failures).toEqual([new Error('redis down')]);

    // Stopped: no run starts any more.
    const calls = likes.calls;
    await new Promise((resolve) => setImmediate(resolve));
    expect(likes.calls).toBe(calls);
  });

  it('runs once on demand, answering undefined when the run failed', async () => {
    const seen = recorder();
    const ok = new LikeCounterReconciler({
      likes: scripted([result(7)]),
      intervalMs: 1000,
      observer: seen.observer,
    });
    await expect(ok.runOnce()).resolves.toEqual(result(7));
    const failing = new LikeCounterReconciler({
      likes: scripted([new Error('x')]),
      intervalMs: 1000,
      observer: seen.observer,
    });
    await expect(failing.runOnce()).resolves.toBeUndefined();
    expect(seen.drifts).toEqual([7]);
    expect(seen.failures).toHaveLength(1);
  });

  it('waits for the run in progress when stopped, and survives a throwing observer', async () => {
    let release: (() => void) | undefined;
    const likes = {
      reconcile: () =>
        new Promise<ReconcileResult>((resolve) => {
          release = () => resolve(result(1));
        }),
    };
    const reconciler = new LikeCounterReconciler({
      likes,
      intervalMs: 60_000,
      observer: {
        drift: () => {
          throw new Error('metrics down');
        },
      },
    });
    reconciler.start();
    let stopped = false;
    const stopping = reconciler.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    release?.();
    await stopping;
    expect(stopped).toBe(true);
  });

  it('refuses an interval that is not a positive integer', () => {
    for (const intervalMs of [0, -1, 1.5, Number.NaN]) {
      expect(() => new LikeCounterReconciler({ likes: scripted([result(0)]), intervalMs })).toThrow(
        RangeError,
      );
    }
  });
});
