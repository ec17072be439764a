import { DomainError } from '../../platform/errors.js';
import { SUPPORTED_MIME_TYPES } from './image/media-format.js';

/** `image/JPEG; charset=x` -> `image/jpeg`. */
export function normalizeMimeType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

export function formatBytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return Number.isInteger(mb) ? `${mb} MB` : `${bytes} bytes`;
}

export function tooLarge(maxBytes: number): DomainError {
  return DomainError.tooLarge(`Photos can be at most ${formatBytes(maxBytes)}`);
}

/**
 * What an uploader declares before sending a file: a type we take and a size within the
 * limit. Returns the normalised type; throws 415 / 413 / 422 as a DomainError otherwise.
 */
export function checkDeclaredUpload(contentType: string, bytes: string, maxBytes: number): string {
  const mimeType = normalizeMimeType(contentType);
  if (!SUPPORTED_MIME_TYPES.includes(mimeType)) {
    throw DomainError.unsupportedMediaType(
      `${contentType || 'This content type'} is not accepted; upload one of ${SUPPORTED_MIME_TYPES.join(', ')}`,
    );
  }
  const size = Number(bytes);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw DomainError.invalid('Invalid size', [{ path: 'bytes', message: 'must be a non-negative integer' }]);
  }
  if (size > maxBytes) throw tooLarge(maxBytes);
  return mimeType;
}
