import { describe, expect, it } from 'vitest';

import { describeCacheContract } from './cache.contract.js';
import { MemoryCache } from './memory.cache.js';

describeCacheContract('MemoryCache', () =>
  Promise.resolve({ cache: new MemoryCache({ sweepIntervalMs: 50 }) }),
);

describe('MemoryCache', () => {
  it('reports errors thrown by pub/sub handlers to onError', async () => {
    const errors: Error[] = [];
    const cache = new MemoryCache({ onError: (err) => errors.push(err) });
    try {
      await cache.subscribe('c', () => {
        throw new Error('boom');
      });
      await cache.publish('c', 'm');
      await new Promise((resolve) => setImmediate(resolve));
      expect(errors.map((e) => e.message)).toEqual(['boom']);
    } finally {
      await cache.close();
    }
  });

  it('rejects a sweep interval that is not a positive integer', () => {
    expect(() => new MemoryCache({ sweepIntervalMs: 0 })).toThrow(RangeError);
  });
});
