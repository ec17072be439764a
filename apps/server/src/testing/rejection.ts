import { expect } from 'vitest';

import { DomainError } from '../platform/errors.js';

/**
 * Awaits a promise that must reject with a DomainError and returns the error, so a test can
 * assert on its kind, message and field errors. Fails the test when it resolves or rejects
 * with anything else.
 */
export async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DomainError);
  return err as DomainError;
}
