/**
 * The derived sizes and how big each comes out for a given source. Pure arithmetic, so the
 * processor can decode once at the smallest size that still serves every variant.
 */
export type VariantName = 'thumb' | 'small' | 'medium' | 'large' | 'large-jpeg';

export type VariantSpec =
  | { name: VariantName; format: 'webp' | 'jpeg'; fit: 'square'; size: number }
  | { name: VariantName; format: 'webp' | 'jpeg'; fit: 'width'; width: number };

export const VARIANT_SPECS: readonly VariantSpec[] = Object.freeze([
  { name: 'thumb', format: 'webp', fit: 'square', size: 150 },
  { name: 'small', format: 'webp', fit: 'width', width: 320 },
  { name: 'medium', format: 'webp', fit: 'width', width: 640 },
  { name: 'large', format: 'webp', fit: 'width', width: 1080 },
  { name: 'large-jpeg', format: 'jpeg', fit: 'width', width: 1080 },
]);

/** ThumbHash encodes images of at most 100x100. */
export const PLACEHOLDER_MAX_SIDE = 100;

/** WebP cannot be taller than this; a very tall image is scaled to fit rather than failing. */
export const MAX_OUTPUT_SIDE = 16_383;

export interface Size {
  width: number;
  height: number;
}

function scaled(source: Size, scale: number): Size {
  return {
    width: Math.max(1, Math.round(source.width * scale)),
    height: Math.max(1, Math.round(source.height * scale)),
  };
}

/** The factor a variant shrinks the source by: never above 1 (no upscaling). */
function scaleFor(spec: VariantSpec, source: Size): number {
  if (spec.fit === 'square') return squareSide(spec.size, source) / Math.min(source.width, source.height);
  return Math.min(1, spec.width / source.width, MAX_OUTPUT_SIDE / source.height);
}

function squareSide(size: number, source: Size): number {
  return Math.min(size, source.width, source.height);
}

/** Output size of a variant: square crops are `min(size, width, height)` on each side. */
export function variantSize(spec: VariantSpec, source: Size): Size {
  if (spec.fit === 'square') {
    const side = squareSide(spec.size, source);
    return { width: side, height: side };
  }
  return scaled(source, scaleFor(spec, source));
}

/** The at-most-100x100 render the ThumbHash is computed from. */
export function placeholderSize(source: Size): Size {
  return scaled(source, Math.min(1, PLACEHOLDER_MAX_SIDE / Math.max(source.width, source.height)));
}

/**
 * The smallest size from which every variant (and the placeholder) can be cut without
 * upscaling: decoding to this once is far cheaper than decoding the original per variant.
 * Rounded up, so that it is never a pixel short of what a variant needs.
 */
export function workingSize(source: Size, specs: readonly VariantSpec[] = VARIANT_SPECS): Size {
  const scale = Math.min(
    1,
    Math.max(
      Math.min(1, PLACEHOLDER_MAX_SIDE / Math.max(source.width, source.height)),
      ...specs.map((spec) => scaleFor(spec, source)),
    ),
  );
  // The epsilon keeps 4000 * 0.27 from becoming 1081 through floating-point noise.
  const up = (n: number) => Math.min(n, Math.max(1, Math.ceil(n * scale - 1e-9)));
  return { width: up(source.width), height: up(source.height) };
}
