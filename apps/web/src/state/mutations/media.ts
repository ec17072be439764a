import { api, unwrap } from '#/api/client';
import type { components } from '#/api/schema';
import { sendFile } from '#/api/upload';
import type { Media } from '#/state/queries/media';

export type DirectUpload = components['schemas']['DirectUpload'];

/** The image types the server takes, by extension, for files the browser gives no type (HEIC). */
const TYPE_BY_EXTENSION: Readonly<Record<string, string>> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  heic: 'image/heic',
  heif: 'image/heif',
};

/** What the file picker offers: the types above, and their extensions for HEIC on desktops. */
export const ACCEPTED_FILES = [
  ...new Set(Object.values(TYPE_BY_EXTENSION)),
  ...Object.keys(TYPE_BY_EXTENSION).map((extension) => `.${extension}`),
].join(',');

/**
 * The type to declare for a file. The server decides from the bytes anyway; this only has to
 * name an image type for the ones browsers leave blank, and pass anything else through so
 * the server can say why it is refused.
 */
export function contentTypeOf(file: File): string {
  if (file.type) return file.type;
  const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
  return TYPE_BY_EXTENSION[extension] ?? 'application/octet-stream';
}

/** Idempotency-Keys of one file's three requests, kept across retries of that file. */
export interface UploadKeys {
  reserve: string;
  put: string;
  complete: string;
}

export interface UploadSteps {
  /** The reservation, once made (a retry reuses it rather than reserving again). */
  onReserved?: (upload: DirectUpload) => void;
  onProgress?: (fraction: number) => void;
  /** The bytes are all sent; the server is being told. */
  onSent?: () => void;
}

/**
 * A file's direct upload: reserve a media (POST /api/media/uploads), PUT the bytes where the
 * server says (with progress), then complete it (POST /api/media/{id}/complete). Resolves to
 * the media, now processing. `reserved` continues an upload whose reservation was made.
 */
export async function uploadPhoto(
  file: File,
  keys: UploadKeys,
  reserved: DirectUpload | undefined,
  steps: UploadSteps,
  signal: AbortSignal,
): Promise<Media> {
  const direct =
    reserved ??
    (await unwrap(
      api.POST('/api/media/uploads', {
        body: { contentType: contentTypeOf(file), bytes: file.size },
        params: { header: { 'Idempotency-Key': keys.reserve } },
        signal,
      }),
    ));
  if (!reserved) steps.onReserved?.(direct);
  await sendFile(direct.upload, file, { onProgress: steps.onProgress, signal, idempotencyKey: keys.put });
  steps.onSent?.();
  return unwrap(
    api.POST('/api/media/{id}/complete', {
      params: { path: { id: direct.media.id }, header: { 'Idempotency-Key': keys.complete } },
      signal,
    }),
  );
}
