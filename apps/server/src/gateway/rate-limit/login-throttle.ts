import type { RateLimitDecision, RateLimiter } from './rate-limiter.js';

/** Ten failed logins per account per fifteen minutes; RATE_LIMIT_MULTIPLIER does not apply. */
export const FAILED_LOGIN_LIMIT = 10;
const WINDOW_MS = 15 * 60_000;

/**
 * Counts failed logins per account name, so that guessing one account's password is slow
 * however many addresses the guesses come from.
 */
export class LoginThrottle {
  constructor(private readonly limiter: RateLimiter) {}

  private key(login: string): string {
    return `login-failures:{${login.trim().toLowerCase()}}`;
  }

  check(login: string): Promise<RateLimitDecision> {
    return this.limiter.peek(this.key(login), FAILED_LOGIN_LIMIT);
  }

  recordFailure(login: string): Promise<void> {
    return this.limiter.count(this.key(login), WINDOW_MS);
  }
}
