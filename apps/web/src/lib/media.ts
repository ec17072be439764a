import type { Media, MediaVariant } from '#/state/queries/media';

/** The resized WebP variants, smallest first; `large-jpeg` is the fallback `src`, not a candidate. */
const CANDIDATES = new Set(['thumb', 'small', 'medium', 'large']);

/**
 * The `srcset` of a ready photo. `square` places (grids) may use `thumb`, which is cropped to a
 * square; places that show the whole photo may not. One candidate per width: a small original
 * comes out at the same width in several variants, and duplicate widths make srcset invalid.
 */
export function srcSetOf(media: Media, { square }: { square: boolean }): string | undefined {
  const seen = new Set<number>();
  const candidates: MediaVariant[] = [];
  const sorted = media.variants
    .filter((variant) => CANDIDATES.has(variant.name) && (square || variant.name !== 'thumb'))
    .sort((a, b) => a.width - b.width);
  for (const variant of sorted) {
    if (seen.has(variant.width)) continue;
    seen.add(variant.width);
    candidates.push(variant);
  }
  if (candidates.length === 0) return undefined;
  return candidates.map((variant) => `${variant.url} ${variant.width}w`).join(', ');
}

/** The `src` for browsers that ignore srcset: the JPEG, else the largest variant. */
export function fallbackSrcOf(media: Media): string | undefined {
  const jpeg = media.variants.find((variant) => variant.name === 'large-jpeg');
  if (jpeg) return jpeg.url;
  return [...media.variants].sort((a, b) => b.width - a.width)[0]?.url;
}

/** Width / height of the photo, 1 while its size is not known yet. */
export function aspectRatioOf(media: Media | undefined): number {
  if (!media?.width || !media.height) return 1;
  return media.width / media.height;
}

/** Instagram's frame: from 4:5 (portrait) to 1.91:1 (landscape); beyond, the photo is letterboxed. */
export function frameRatioOf(media: Media | undefined): number {
  return Math.min(1.91, Math.max(4 / 5, aspectRatioOf(media)));
}
