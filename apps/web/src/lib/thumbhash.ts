import { thumbHashToDataURL } from 'thumbhash';

/**
 * Decoded placeholders by their base64 ThumbHash. Decoding costs a little (a 32x32 render and
 * a PNG encode) and the same photo shows in grids, posts and tiles, so each is done once.
 * Bounded, oldest first out, so a long scroll does not grow it forever.
 */
const cache = new Map<string, string>();
const CACHE_LIMIT = 500;

function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** A PNG data URL of the blurred preview, or undefined when there is none or it is corrupt. */
export function placeholderDataUrl(thumbHash: string | null | undefined): string | undefined {
  if (!thumbHash) return undefined;
  const hit = cache.get(thumbHash);
  if (hit !== undefined) return hit;
  let url: string;
  try {
    url = thumbHashToDataURL(decodeBase64(thumbHash));
  } catch {
    // A placeholder is decoration: a bad one just means none.
    return undefined;
  }
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (!oldest.done) cache.delete(oldest.value);
  }
  cache.set(thumbHash, url);
  return url;
}
