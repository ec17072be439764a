import { describe, expect, it } from 'vitest';

import { DomainError } from '../errors.js';
import { CircuitBreaker, type BreakerState, type CircuitBreakerOptions } from './circuit-breaker.js';

function setup(options: Omit<CircuitBreakerOptions, 'now' | 'onStateChange'> = {}) {
  const clock = { now: 1_000_000 };
  const transitions: Array<[BreakerState, BreakerState]> = [];
  const breaker = new CircuitBreaker({
    failureThreshold: 3,
    cooldownMs: 2000,
    name: 'user',
    ...options,
    now: () => clock.now,
    onStateChange: (state, previous) => transitions.push([previous, state]),
  });
  const fail = (times: number) => {
    for (let i = 0; i < times; i++) breaker.acquire().failure();
  };
  return { clock, breaker, transitions, fail };
}

function rejectionOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('CircuitBreaker', () => {
  it('stays closed below the threshold and resets the count on a success', () => {
    const { breaker, fail } = setup();
    fail(2);
    breaker.acquire().success();
    fail(2);
    expect(breaker.state()).toBe('closed');
    fail(1);
    expect(breaker.state()).toBe('open');
  });

  it('fails fast with DomainError.unavailable while open', async () => {
    const { breaker, fail, transitions } = setup();
    fail(3);
    expect(transitions).toEqual([['closed', 'open']]);

    const error = rejectionOf(() => breaker.acquire());
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ kind: 'unavailable', message: 'user is unavailable' });

    let called = false;
    await expect(
      breaker.run(() => {
        called = true;
        return Promise.resolve();
      }),
    ).rejects.toMatchObject({ kind: 'unavailable' });
    expect(called).toBe(false);
  });

  it('lets exactly one trial call through after the cooldown; its success closes the circuit', () => {
    const { breaker, clock, fail, transitions } = setup();
    fail(3);
    clock.now += 1999;
    expect(breaker.state()).toBe('open');
    expect(() => breaker.acquire()).toThrow(DomainError);

    clock.now += 1;
    expect(breaker.state()).toBe('half_open');
    const trial = breaker.acquire();
    // Others still fail fast while the trial is in flight.
    expect(() => breaker.acquire()).toThrow(DomainError);
    expect(breaker.state()).toBe('half_open');

    trial.success();
    expect(breaker.state()).toBe('closed');
    expect(transitions).toEqual([
      ['closed', 'open'],
      ['open', 'half_open'],
      ['half_open', 'closed'],
    ]);
    // Closed again with a fresh count.
    fail(2);
    expect(breaker.state()).toBe('closed');
  });

  it('re-opens for a full cooldown when the trial call fails', () => {
    const { breaker, clock, fail } = setup();
    fail(3);
    clock.now += 5000;
    breaker.acquire().failure();
    expect(breaker.state()).toBe('open');

    clock.now += 1999;
    expect(() => breaker.acquire()).toThrow(DomainError);
    clock.now += 1;
    breaker.acquire().success();
    expect(breaker.state()).toBe('closed');
  });

  it('ignores outcomes of calls admitted before the last transition, and second settlements', () => {
    const { breaker, clock, fail } = setup();
    const early = breaker.acquire();
    fail(3);
    // A call that started while closed and answers now proves nothing about the open circuit.
    early.success();
    expect(breaker.state()).toBe('open');

    clock.now += 2000;
    const trial = breaker.acquire();
    const stale = early;
    stale.failure();
    expect(breaker.state()).toBe('half_open');
    trial.success();
    trial.failure();
    expect(breaker.state()).toBe('closed');
  });

  it('run() counts only what isFailure calls a failure', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    const notFound = DomainError.notFound('User not found');
    await expect(
      breaker.run(
        () => Promise.reject(notFound),
        (e) => e !== notFound,
      ),
    ).rejects.toBe(notFound);
    expect(breaker.state()).toBe('closed');
    await expect(breaker.run(() => Promise.resolve(42))).resolves.toBe(42);

    const down = new Error('connection refused');
    await expect(
      breaker.run(
        () => Promise.reject(down),
        (e) => e === down,
      ),
    ).rejects.toBe(down);
    expect(breaker.state()).toBe('open');
  });

  it('has the documented defaults and rejects nonsense options', () => {
    const clock = { now: 0 };
    const breaker = new CircuitBreaker({ now: () => clock.now });
    for (let i = 0; i < 4; i++) breaker.acquire().failure();
    expect(breaker.state()).toBe('closed');
    breaker.acquire().failure();
    expect(breaker.state()).toBe('open');
    expect(rejectionOf(() => breaker.acquire())).toMatchObject({ message: 'dependency is unavailable' });
    clock.now = 1999;
    expect(breaker.state()).toBe('open');
    clock.now = 2000;
    expect(breaker.state()).toBe('half_open');

    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ failureThreshold: 1.5 })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ cooldownMs: -1 })).toThrow(RangeError);
  });
});
