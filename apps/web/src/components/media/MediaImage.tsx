import { useState, type CSSProperties } from 'react';

import { AlertIcon } from '#/components/icons';
import { Spinner } from '#/components/Spinner';
import { fallbackSrcOf, srcSetOf } from '#/lib/media';
import { placeholderDataUrl } from '#/lib/thumbhash';
import type { Media } from '#/state/queries/media';

/** Resolves once the loaded image is decoded, ready to paint (never rejects). */
function decoded(image: HTMLImageElement): Promise<void> {
  return image.decode().catch(() => undefined);
}

function placeholderStyle(media: Media): CSSProperties | undefined {
  const url = placeholderDataUrl(media.placeholder);
  return url ? { backgroundImage: `url("${url}")` } : undefined;
}

/**
 * A photo from the server: responsive (`srcset` of its variants with the caller's `sizes`),
 * lazy, decoded off the main thread, over its ThumbHash placeholder until it has loaded. It
 * fills its box (the caller sizes the box, so nothing moves when the image arrives). Before
 * the photo is ready it shows the placeholder and what is happening.
 */
export function MediaImage({
  media,
  alt,
  sizes,
  fit = 'cover',
  square = false,
  eager = false,
  className = '',
}: {
  media: Media;
  alt: string;
  sizes: string;
  /** cover: cropped to the box (grids); contain: the whole photo (posts). */
  fit?: 'cover' | 'contain';
  /** The box is square, so the square-cropped `thumb` variant may be used. */
  square?: boolean;
  /** The first photo of a page: load it now rather than when it scrolls into view. */
  eager?: boolean;
  className?: string;
}) {
  const [loaded, setLoaded] = useState(false);
  const src = media.status === 'ready' ? fallbackSrcOf(media) : undefined;

  if (!src) {
    const failed = media.status === 'failed';
    return (
      <div
        role="img"
        aria-label={failed ? `${alt} (could not be processed)` : `${alt} (processing)`}
        className={`flex size-full items-center justify-center bg-soft bg-cover bg-center text-muted ${className}`}
        style={placeholderStyle(media)}
      >
        <span className="flex size-10 items-center justify-center rounded-full bg-white/80 shadow-sm">
          {failed ? <AlertIcon size={22} className="text-danger" /> : <Spinner size={20} />}
        </span>
      </div>
    );
  }

  return (
    <img
      src={src}
      srcSet={srcSetOf(media, { square })}
      sizes={sizes}
      alt={alt}
      width={media.width ?? undefined}
      height={media.height ?? undefined}
      loading={eager ? 'eager' : 'lazy'}
      decoding="async"
      fetchPriority={eager ? 'high' : undefined}
      // Loaded is not yet painted (decoding is async): the placeholder stays until it can be.
      onLoad={(event) => void decoded(event.currentTarget).then(() => setLoaded(true))}
      style={loaded ? undefined : placeholderStyle(media)}
      className={`size-full bg-cover bg-center ${fit === 'cover' ? 'object-cover' : 'object-contain'} ${loaded ? '' : 'bg-soft'} ${className}`}
    />
  );
}
