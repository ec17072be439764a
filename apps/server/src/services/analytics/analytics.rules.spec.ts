import { describe, expect, it } from 'vitest';

import { DomainError } from '../../platform/errors.js';
import { DEFAULT_DAYS, MAX_DAYS, periodDays } from './analytics.rules.js';

describe('analytics rules', () => {
  it('takes 1..365 days, and the default for 0', () => {
    expect(periodDays(0)).toBe(DEFAULT_DAYS);
    expect(periodDays(1)).toBe(1);
    expect(periodDays(MAX_DAYS)).toBe(MAX_DAYS);
  });

  it('refuses any other period as invalid, naming the field', () => {
    for (const days of [-1, MAX_DAYS + 1, 1.5, Number.NaN]) {
      let thrown: unknown;
      try {
        periodDays(days);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(DomainError);
      expect(thrown).toMatchObject({ kind: 'invalid', errors: [{ path: 'days' }] });
    }
  });
});
