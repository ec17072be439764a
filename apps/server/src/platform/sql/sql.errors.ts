/**
 * PostgreSQL errors carry their SQLSTATE in `code` on both adapters (pg's DatabaseError and
 * PGlite's error alike), so callers test the condition, not the driver.
 */
export const SqlState = {
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  notNullViolation: '23502',
  checkViolation: '23514',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
} as const;

/** The SQLSTATE of a database error (looking through `cause` wrappers), or undefined. */
export function sqlState(err: unknown): string | undefined {
  for (let current = err, depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    // `syscall` marks Node's own errors, whose codes (EPIPE) can look like a SQLSTATE.
    const code = 'code' in current && !('syscall' in current) ? current.code : undefined;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = 'cause' in current ? current.cause : undefined;
  }
  return undefined;
}

/** True when `err` is a unique-constraint violation (`23505`), e.g. a duplicate like. */
export function isUniqueViolation(err: unknown): boolean {
  return sqlState(err) === SqlState.uniqueViolation;
}
