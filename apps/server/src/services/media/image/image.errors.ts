/**
 * Why an upload was refused, so the HTTP layer can pick a status without parsing messages:
 * - `unsupported`: not an image we accept (SVG, text, PDF, ...): 415
 * - `too_large`: declares more pixels (or frames) than the configured limit: 413 or 422
 * - `corrupt`: claims to be a supported image but cannot be decoded (truncated, damaged): 422
 */
export type ImageRejectionKind = 'unsupported' | 'too_large' | 'corrupt';

/** An image the pipeline refuses. `reason` is written for the uploader and safe to show. */
export class ImageRejectedError extends Error {
  override readonly name = 'ImageRejectedError';

  constructor(
    readonly kind: ImageRejectionKind,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

export function isImageRejectedError(err: unknown): err is ImageRejectedError {
  return err instanceof ImageRejectedError;
}

function limitText(pixels: number): string {
  if (pixels < 100_000) return `${pixels} pixels`;
  const mp = Math.round(pixels / 100_000) / 10;
  return `${mp} ${mp === 1 ? 'megapixel' : 'megapixels'}`;
}

/** The refusal for an image whose header declares more pixels than `maxPixels`. */
export function tooManyPixels(
  size: { width: number; height: number; frames?: number },
  maxPixels: number,
): ImageRejectedError {
  const frames = size.frames ?? 1;
  const what =
    frames > 1
      ? `${frames} frames of ${size.width}x${size.height} pixels`
      : `${size.width}x${size.height} pixels`;
  return new ImageRejectedError(
    'too_large',
    `the image has ${what}, more than the limit of ${limitText(maxPixels)}`,
  );
}
