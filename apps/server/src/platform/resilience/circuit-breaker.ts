import { DomainError } from '../errors.js';

/**
 * `closed`: calls go through. `open`: every call fails at once. `half_open`: the cooldown is over and one
 * trial call decides (reported as soon as the cooldown ends, before the trial starts).
 */
export type BreakerState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open before a trial call is let through (default 2000 ms). */
  cooldownMs?: number;
  /** Milliseconds clock; injected by tests. */
  now?: () => number;
  /** Names the dependency in the fail-fast error: `<name> is unavailable` (default `dependency`). */
  name?: string;
  /** Called on every transition, e.g. to set a gauge or log. */
  onStateChange?: (state: BreakerState, previous: BreakerState) => void;
}

/** One admitted call. Settle it exactly once; later settlements are ignored. */
export interface BreakerPermit {
  /** The dependency answered, whatever the answer (a not-found is a healthy answer). */
  success(): void;
  /** The dependency did not answer: unreachable or too slow. */
  failure(): void;
}

export const DEFAULT_FAILURE_THRESHOLD = 5;
export const DEFAULT_COOLDOWN_MS = 2000;

/**
 * A consecutive-failures circuit breaker (closed -> open -> half-open -> closed | open), so a dead
 * dependency answers in microseconds instead of holding every caller for a full deadline.
 *
 * Permits carry the generation they were issued in; a transition starts a new generation, so the outcome
 * of a call that started before the circuit opened (or before the trial) cannot close or re-open it.
 */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  readonly #name: string;
  readonly #onStateChange: ((state: BreakerState, previous: BreakerState) => void) | undefined;
  /** `half_open` here means the trial call is in flight. */
  #state: BreakerState = 'closed';
  #generation = 0;
  #failures = 0;
  #openedAt = 0;

  constructor(options: CircuitBreakerOptions = {}) {
    const threshold = options.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
    const cooldownMs = options.cooldownMs ?? DEFAULT_COOLDOWN_MS;
    if (!Number.isInteger(threshold) || threshold < 1) {
      throw new RangeError(`failureThreshold must be a positive integer, got ${threshold}`);
    }
    if (!Number.isFinite(cooldownMs) || cooldownMs < 0) {
      throw new RangeError(`cooldownMs must be a non-negative number, got ${cooldownMs}`);
    }
    this.#threshold = threshold;
    this.#cooldownMs = cooldownMs;
    this.#now = options.now ?? Date.now;
    this.#name = options.name ?? 'dependency';
    this.#onStateChange = options.onStateChange;
  }

  state(): BreakerState {
    return this.#state === 'open' && this.#cooledDown() ? 'half_open' : this.#state;
  }

  /**
   * Admits a call, or throws `DomainError.unavailable` without calling anything when the circuit is open
   * or a trial call is already in flight.
   */
  acquire(): BreakerPermit {
    if (this.#state === 'open' && this.#cooledDown()) {
      this.#transition('half_open');
      return this.#permit();
    }
    if (this.#state !== 'closed') throw DomainError.unavailable(`${this.#name} is unavailable`);
    return this.#permit();
  }

  /** Runs `fn` through the breaker; `isFailure` tells dependency failures from answers (default: all are). */
  async run<T>(fn: () => Promise<T>, isFailure: (error: unknown) => boolean = () => true): Promise<T> {
    const permit = this.acquire();
    try {
      const result = await fn();
      permit.success();
      return result;
    } catch (error) {
      if (isFailure(error)) permit.failure();
      else permit.success();
      throw error;
    }
  }

  #cooledDown(): boolean {
    return this.#now() - this.#openedAt >= this.#cooldownMs;
  }

  #permit(): BreakerPermit {
    const generation = this.#generation;
    let settled = false;
    const settle = (ok: boolean) => {
      if (settled) return;
      settled = true;
      if (generation === this.#generation) this.#record(ok);
    };
    return { success: () => settle(true), failure: () => settle(false) };
  }

  #record(ok: boolean): void {
    if (this.#state === 'half_open') {
      // Only the trial holds a permit of this generation.
      if (ok) this.#close();
      else this.#open();
      return;
    }
    if (ok) {
      this.#failures = 0;
      return;
    }
    this.#failures += 1;
    if (this.#failures >= this.#threshold) this.#open();
  }

  #open(): void {
    this.#openedAt = this.#now();
    this.#transition('open');
  }

  #close(): void {
    this.#failures = 0;
    this.#transition('closed');
  }

  #transition(state: BreakerState): void {
    const previous = this.#state;
    this.#state = state;
    this.#generation += 1;
    this.#onStateChange?.(state, previous);
  }
}
