/** Rows one pruning statement deletes at most, so that a cleanup never holds locks for long. */
export const DELETE_BATCH = 1000;

/**
 * Runs `step` (a DELETE of at most `limit` rows, resolving to how many it deleted) until it
 * deletes fewer than a full batch; resolves to the rows deleted in all.
 */
export async function deleteInBatches(step: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (let deleted = DELETE_BATCH; deleted === DELETE_BATCH;) {
    deleted = await step(DELETE_BATCH);
    total += deleted;
  }
  return total;
}
