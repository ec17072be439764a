import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: unguessable, and safe in JSON, headers and URLs. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What the database stores instead of the token. A fast hash is enough (unlike passwords): the
 * token already has 256 bits of entropy, so there is nothing to brute-force.
 */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
