import { describe, expect, it } from 'vitest';

import {
  assertTransition,
  canTransition,
  IllegalTransitionError,
  isSettled,
  MEDIA_STATUSES,
  statesBefore,
} from './media.state.js';

describe('media state machine', () => {
  it('allows exactly pending -> uploaded -> processing -> ready | failed', () => {
    const allowed = MEDIA_STATUSES.flatMap((from) =>
      MEDIA_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'pending->uploaded',
        'pending->failed',
        'uploaded->processing',
        'uploaded->failed',
        'processing->processing',
        'processing->ready',
        'processing->failed',
      ].sort(),
    );
  });

  it('refuses going backwards or leaving a final state', () => {
    expect(() => assertTransition('ready', 'processing')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('failed', 'ready')).toThrow('A media cannot go from failed to ready');
    expect(() => assertTransition('pending', 'ready')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('uploaded', 'processing')).not.toThrow();
  });

  it('names the states each status may follow, for compare-and-set updates', () => {
    expect(statesBefore('processing')).toEqual(['uploaded', 'processing']);
    expect(statesBefore('failed')).toEqual(['pending', 'uploaded', 'processing']);
    expect(statesBefore('pending')).toEqual([]);
    expect(MEDIA_STATUSES.filter(isSettled)).toEqual(['ready', 'failed']);
  });
});
