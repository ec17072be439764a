import { Readable } from 'node:stream';

import type { MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';

import { DomainError } from '../../platform/errors.js';
import { fileTooLarge } from './upload-stream.js';

/**
 * Room for what a multipart body carries besides the file: boundaries, part headers and a few
 * small fields. A Content-Length beyond the file limit plus this cannot hold an acceptable file.
 */
export const MULTIPART_OVERHEAD_BYTES = 16 * 1024;

/** Small fields (a caption typed in the same form, say) are tolerated and ignored. */
export const MULTIPART_LIMITS = { files: 1, fields: 10, fieldSize: 4096, parts: 11, headerPairs: 20 };

export interface UploadSource {
  /** The file's bytes, unread. */
  stream: Readable;
  /** The file's own size as announced (a raw body's Content-Length), when known. */
  declaredBytes: number | undefined;
  /** A size the file cannot exceed, as far as the headers tell (the whole body's length). */
  bytesAtMost: number | undefined;
}

function contentLength(request: FastifyRequest): number | undefined {
  const header = request.headers['content-length'];
  if (header === undefined || !/^\d+$/.test(header)) return undefined;
  return Number(header);
}

/** Errors of @fastify/multipart and busboy: a malformed form is the client's fault. */
function multipartError(err: unknown): DomainError {
  const statusCode = (err as { statusCode?: unknown } | null)?.statusCode;
  if (statusCode === 413) return DomainError.tooLarge('The form has more parts than a photo upload needs.');
  return DomainError.malformed('The multipart body is malformed.');
}

function missingFile(): DomainError {
  return DomainError.invalid('Send the photo in a file field named "file".', [
    { path: 'file', message: 'required: the photo as a file part' },
  ]);
}

/**
 * The photo's byte stream, from a multipart form (its `file` field) or from a raw `image/*`
 * body, which the image parser hands over untouched. Nothing is read beyond the part headers.
 */
export async function uploadSource(request: FastifyRequest, maxBytes: number): Promise<UploadSource> {
  const length = contentLength(request);
  if (request.isMultipart()) {
    if (length !== undefined && length > maxBytes + MULTIPART_OVERHEAD_BYTES) {
      throw fileTooLarge(maxBytes);
    }
    let part: MultipartFile | undefined;
    try {
      // One byte over the limit reaches ByteLimit, which owns the refusal and its message.
      part = await request.file({ limits: { ...MULTIPART_LIMITS, fileSize: maxBytes + 1 } });
    } catch (err) {
      throw multipartError(err);
    }
    if (!part || part.fieldname !== 'file') throw missingFile();
    return { stream: part.file, declaredBytes: undefined, bytesAtMost: length };
  }
  if (request.body instanceof Readable) {
    return { stream: request.body, declaredBytes: length, bytesAtMost: length };
  }
  throw DomainError.unsupportedMediaType(
    'Send the photo as multipart/form-data (a file field named "file") or as a raw image/* body.',
  );
}
