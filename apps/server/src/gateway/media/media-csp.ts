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

/**
 * The Content-Security-Policy `connect-src` sources that direct uploads need: the origin
 * presigned upload URLs point at (the S3 endpoint or bucket), nothing for the server's own
 * upload URL. Presigning is local computation, so this costs no request.
 */
export async function mediaUploadSources(storage: Pick<ObjectStorage, 'presignPut'>): Promise<string[]> {
  const presigned = await storage.presignPut('originals/csp-probe', {
    contentType: 'image/jpeg',
    bytes: 1,
    expiresInSeconds: 60,
  });
  if (presigned === null) return [];
  const url = new URL(presigned.url);
  return url.protocol === 'http:' || url.protocol === 'https:' ? [url.origin] : [];
}
