import { describe, expect, it } from 'vitest';

import {
  MAX_OUTPUT_SIDE,
  PLACEHOLDER_MAX_SIDE,
  placeholderSize,
  VARIANT_SPECS,
  variantSize,
  workingSize,
  type Size,
} from './image.variants.js';

const sizes = (source: Size) => VARIANT_SPECS.map((spec) => [spec.name, variantSize(spec, source)]);

describe('variant sizes', () => {
  it('gives a 12-megapixel photo the standard sizes', () => {
    expect(sizes({ width: 4000, height: 3000 })).toEqual([
      ['thumb', { width: 150, height: 150 }],
      ['small', { width: 320, height: 240 }],
      ['medium', { width: 640, height: 480 }],
      ['large', { width: 1080, height: 810 }],
      ['large-jpeg', { width: 1080, height: 810 }],
    ]);
  });

  it('never upscales, and keeps the thumbnail square', () => {
    expect(sizes({ width: 100, height: 40 })).toEqual([
      ['thumb', { width: 40, height: 40 }],
      ['small', { width: 100, height: 40 }],
      ['medium', { width: 100, height: 40 }],
      ['large', { width: 100, height: 40 }],
      ['large-jpeg', { width: 100, height: 40 }],
    ]);
  });

  it('keeps at least one pixel of a thin panorama', () => {
    expect(
      variantSize({ name: 'small', format: 'webp', fit: 'width', width: 320 }, { width: 20_000, height: 5 }),
    ).toEqual({ width: 320, height: 1 });
  });

  it('fits a very tall image within what WebP can encode', () => {
    const large = variantSize(
      { name: 'large', format: 'webp', fit: 'width', width: 1080 },
      { width: 1000, height: 100_000 },
    );
    expect(large.height).toBe(MAX_OUTPUT_SIDE);
    expect(large.width).toBe(Math.round((1000 * MAX_OUTPUT_SIDE) / 100_000));
  });

  it('renders the placeholder within 100x100', () => {
    expect(placeholderSize({ width: 4000, height: 3000 })).toEqual({ width: 100, height: 75 });
    expect(placeholderSize({ width: 30, height: 20 })).toEqual({ width: 30, height: 20 });
    expect(placeholderSize({ width: 5000, height: 20 })).toEqual({ width: PLACEHOLDER_MAX_SIDE, height: 1 });
  });
});

describe('workingSize', () => {
  it('is the smallest size every variant can be cut from', () => {
    expect(workingSize({ width: 4000, height: 3000 })).toEqual({ width: 1080, height: 810 });
    // The square thumbnail of a panorama needs its full height of 150.
    expect(workingSize({ width: 5000, height: 200 })).toEqual({ width: 3750, height: 150 });
    expect(workingSize({ width: 50, height: 50 })).toEqual({ width: 50, height: 50 });
  });

  it.each<[number, number]>([
    [4032, 3024],
    [3024, 4032],
    [5000, 200],
    [200, 5000],
    [1081, 7],
    [7, 1081],
    [1, 1],
    [12_345, 6_789],
    [1000, 100_000],
  ])('for %ix%i is no larger than the source and no smaller than any output', (width, height) => {
    const source = { width, height };
    const working = workingSize(source);
    expect(working.width).toBeLessThanOrEqual(width);
    expect(working.height).toBeLessThanOrEqual(height);
    for (const spec of VARIANT_SPECS) {
      const out = variantSize(spec, source);
      expect(out.width).toBeLessThanOrEqual(working.width);
      expect(out.height).toBeLessThanOrEqual(working.height);
    }
    const placeholder = placeholderSize(source);
    expect(placeholder.width).toBeLessThanOrEqual(working.width);
    expect(placeholder.height).toBeLessThanOrEqual(working.height);
  });
});
