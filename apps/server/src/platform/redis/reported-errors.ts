/**
 * Errors that cannot be thrown at a caller (they arise in a client's event handlers, or in the
 * caller's own handlers and listeners) go to an `onError` listener: the cache and pub/sub adapters
 * report them alike.
 */

/** Anything thrown or rejected, as an Error. */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * The caller's error listener, made unable to throw: it is called from client event handlers,
 * where a throw would crash the process, and a failing logger has nowhere left to report to.
 */
export function safeErrorListener(onError: ((err: Error) => void) | undefined): (err: Error) => void {
  return (err) => {
    try {
      onError?.(err);
    } catch {
      // Nowhere left to report it.
    }
  };
}
