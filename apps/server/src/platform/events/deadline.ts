/**
 * Rejects after `ms` with an error naming `what` (e.g. `Kafka publish`). The operation itself
 * goes on, as neither Kafka requests nor event bus publishes can be cancelled; its late failure
 * is swallowed so it never surfaces as an unhandled rejection.
 */
export async function withDeadline<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not complete within ${ms} ms`)), ms);
  });
  operation.catch(() => undefined);
  try {
    return await Promise.race([operation, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
