import { describe, expect, it } from 'vitest';

import { notifySafely, PeriodicTask } from './periodic-task.js';

describe('PeriodicTask', () => {
  it('runs at once, then after each run ends, never overlapping, through failures', async () => {
    let runs = 0;
    let inFlight = 0;
    let overlapped = false;
    const task = new PeriodicTask(async () => {
      runs++;
      inFlight++;
      overlapped ||= inFlight > 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      if (runs === 2) throw new Error('a failed run');
    }, 5);
    task.start();
    task.start();
    expect(runs).toBe(1);
    while (runs < 4) await new Promise((resolve) => setTimeout(resolve, 5));
    await task.stop();
    const stoppedAt = runs;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(runs).toBe(stoppedAt);
    expect(overlapped).toBe(false);
  });

  it('waits for the run in progress when stopped', async () => {
    let finished = false;
    const task = new PeriodicTask(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      finished = true;
    }, 1000);
    task.start();
    await task.stop();
    expect(finished).toBe(true);
  });

  it('refuses an interval that is not positive', () => {
    expect(() => new PeriodicTask(() => Promise.resolve(), 0)).toThrow(RangeError);
  });

  it('ignores a failing hook', () => {
    expect(() =>
      notifySafely(() => {
        throw new Error('broken metric');
      }),
    ).not.toThrow();
  });
});
