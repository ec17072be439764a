import { setTimeout as sleep } from 'node:timers/promises';

import type { EventEnvelope } from './events.port.js';

/**
 * How both adapters redeliver to a handler that threw: the same event again after a bounded
 * exponential backoff, for as long as the subscription lives. Later events of the same key wait
 * behind it (same partition); other partitions go on.
 */
export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialDelayMs: 50, maxDelayMs: 5_000 };

export function retryPolicy(overrides: Partial<RetryPolicy> | undefined): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...overrides };
}

/** Delay before the next attempt after `failures` consecutive failures (1-based). */
export function retryDelayMs(policy: RetryPolicy, failures: number): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** exponent);
}

/** Resolves after `ms`, or as soon as `signal` aborts; never rejects. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return;
  try {
    await sleep(ms, undefined, signal ? { signal } : undefined);
  } catch {
    // Aborted: the caller checks its own state.
  }
}

export interface DeliveryErrorContext {
  group?: string;
  topic?: string;
  /** The event whose handler failed, when the failure is a handler's. */
  event?: EventEnvelope;
  /** Consecutive failures of this event's handler so far. */
  attempt?: number;
}

/**
 * Receives what the bus cannot throw at a caller: handler failures (the event will be retried),
 * undecodable records (skipped) and broker trouble of consumers (they reconnect). Wire a logger.
 */
export type EventBusErrorListener = (error: Error, context: DeliveryErrorContext) => void;

export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

/** A listener that throws must not break delivery. */
export function safeListener(listener: EventBusErrorListener | undefined): EventBusErrorListener {
  if (!listener) return () => undefined;
  return (error, context) => {
    try {
      listener(error, context);
    } catch {
      // Nothing better to do with a failing error listener.
    }
  };
}
