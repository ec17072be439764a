import { describe, expect, it } from 'vitest';

import { describeCacheContract } from './cache.contract.js';
import { MemoryCache } from './memory.cache.js';

describeCacheContract('MemoryCache', () =>
  Promise.resolve({ cache: new MemoryCache({ sweepIntervalMs: 50 }) }),
);

describe('MemoryCache', () => {
  it('rejects a sweep interval that is not a positive integer', () => {
    expect(() => new MemoryCache({ sweepIntervalMs: 0 })).toThrow(RangeError);
  });
});
