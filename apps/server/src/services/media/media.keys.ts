/**
 * Object storage layout. Originals are private (never served); variants live under
 * `variants/`, the only prefix the gateway serves, with a content hash in the name so a URL
 * always means the same bytes and can be cached forever.
 */
export function originalKey(mediaId: string): string {
  return `originals/${mediaId}`;
}

export function variantKey(mediaId: string, name: string, contentHash: string, extension: string): string {
  return `variants/${mediaId}/${name}.${contentHash.slice(0, 16)}.${extension}`;
}

export const PUBLIC_PREFIX = 'variants/';
