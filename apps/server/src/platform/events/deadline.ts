/**
 * Rejects after `ms` with an error naming `what`. The operation itself goes on (Kafka requests
 * cannot be cancelled); its late failure is swallowed so it never surfaces as unhandled.
 */
export async function withDeadline<T>(operation: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Kafka ${what} did not complete within ${ms} ms`)), ms);
  });
  operation.catch(() => undefined);
  try {
    return await Promise.race([operation, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
