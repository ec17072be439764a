import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId: string;
  /** The caller's Idempotency-Key, carried to downstream services (gRPC metadata `idempotency-key`). */
  idempotencyKey?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** A caller's request id is kept (so traces join up) when it looks like one; otherwise we mint our own. */
export function isAcceptableRequestId(value: string | undefined): value is string {
  return value !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(value);
}

/** Runs `fn` with `ctx` as the request context of everything it calls, synchronously or asynchronously. */
export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The id of the request being handled, or undefined outside a request (start-up, consumers, timers). */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}
