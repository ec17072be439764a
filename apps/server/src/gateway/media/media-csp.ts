import type { ObjectStorage } from '../../platform/storage/storage.port.js';

/**
 * The Content-Security-Policy `img-src` sources that media URLs need: the origin of the
 * storage's public URLs when they point elsewhere (a CDN, a bucket, another port), nothing
 * when they are relative to this server.
 */
export function mediaImageSources(storage: Pick<ObjectStorage, 'publicUrl'>): string[] {
  let url: URL;
  try {
    url = new URL(storage.publicUrl('variants/csp-probe'));
  } catch {
    return [];
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? [url.origin] : [];
}
