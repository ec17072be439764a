import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';

import { DomainError, isDomainError } from '../../platform/errors.js';
import { SNIFF_BYTES, sniffImage, type ImageFormat } from '../../services/media/image/media-format.js';

export interface UploadLimits {
  /** The most bytes an upload may have. */
  maxBytes: number;
  /** The size the client announced (Content-Length of a raw body), when it did. */
  declaredBytes?: number | undefined;
  /** When set, the body must have exactly this many bytes (a direct upload's declared size). */
  exactBytes?: number | undefined;
}

export interface ImageUpload {
  format: ImageFormat;
  /** Decided from the bytes, whatever the client said. */
  mimeType: string;
  /**
   * The whole upload, first bytes included. It fails with a DomainError (too_large, or
   * malformed when it ends short of `exactBytes` or the client goes away) and never destroys
   * the source: the caller still has to answer on that connection.
   */
  body: Readable;
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MB` : `${bytes} bytes`;
}

export function fileTooLarge(maxBytes: number): DomainError {
  return DomainError.tooLarge(`The file is larger than the limit of ${formatBytes(maxBytes)}.`);
}

function tooLarge(limits: UploadLimits): DomainError {
  return limits.exactBytes === undefined
    ? fileTooLarge(limits.maxBytes)
    : DomainError.tooLarge(`The body is larger than the ${limits.exactBytes} bytes this upload declared.`);
}

function tooShort(received: number, expected: number): DomainError {
  return DomainError.malformed(`The body has ${received} bytes, but this upload declared ${expected}.`);
}

function interrupted(): DomainError {
  return DomainError.malformed('The upload ended before the whole file arrived.');
}

/** The most bytes the upload may have under these limits. */
function ceiling(limits: UploadLimits): number {
  return limits.exactBytes ?? limits.maxBytes;
}

/**
 * Refuses, before a byte is read, an upload whose announced size breaks the limits, so a
 * client sending 2 GB learns it at once instead of after the first 50 MB.
 */
export function checkDeclaredLength(limits: UploadLimits): void {
  const { declaredBytes, exactBytes } = limits;
  if (declaredBytes === undefined) return;
  if (declaredBytes > ceiling(limits)) throw tooLarge(limits);
  if (exactBytes !== undefined && declaredBytes < exactBytes) throw tooShort(declaredBytes, exactBytes);
}

/**
 * Counts the bytes going through and fails (too_large) on the chunk that crosses the limit,
 * before passing it on; with `exactBytes`, a body that ends short fails too.
 */
export class ByteLimit extends Transform {
  bytes = 0;

  constructor(private readonly limits: UploadLimits) {
    super();
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!(chunk instanceof Uint8Array)) {
      callback(new TypeError('Upload streams must yield bytes'));
      return;
    }
    this.bytes += chunk.byteLength;
    if (this.bytes > ceiling(this.limits)) {
      callback(tooLarge(this.limits));
      return;
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    const { exactBytes } = this.limits;
    callback(exactBytes !== undefined && this.bytes !== exactBytes ? tooShort(this.bytes, exactBytes) : null);
  }
}

function toBytes(chunk: unknown): Buffer {
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk);
  throw new TypeError('Upload streams must yield bytes');
}

/**
 * Opens an image upload without buffering it: reads only the first SNIFF_BYTES (or the first
 * chunk holding them) to decide by content what it is -- 415 for anything we do not take,
 * SVG and text included -- then hands on the whole stream through a ByteLimit. The source is
 * read through an iterator that does not destroy it on the way out, so after a refusal the
 * request can still be answered.
 */
export async function openImageUpload(source: Readable, limits: UploadLimits): Promise<ImageUpload> {
  checkDeclaredLength(limits);
  const iterator = source.iterator({ destroyOnReturn: false });
  const headChunks: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  try {
    while (headBytes < SNIFF_BYTES) {
      const next = await iterator.next();
      if (next.done === true) {
        ended = true;
        break;
      }
      const chunk = toBytes(next.value);
      headChunks.push(chunk);
      headBytes += chunk.byteLength;
    }
  } catch (err) {
    throw isDomainError(err) ? err : interrupted();
  }
  const head = Buffer.concat(headChunks);
  const sniffed = sniffImage(head.subarray(0, SNIFF_BYTES));
  if (head.byteLength > ceiling(limits) || !sniffed.ok) {
    await iterator.return?.();
    if (sniffed.ok) throw tooLarge(limits);
    throw DomainError.unsupportedMediaType(`This file cannot be used as a photo: ${sniffed.reason}.`);
  }

  async function* wholeUpload(): AsyncGenerator<Buffer> {
    try {
      if (head.byteLength > 0) yield head;
      if (ended) return;
      for (;;) {
        let next: IteratorResult<unknown>;
        try {
          next = await iterator.next();
        } catch {
          throw interrupted();
        }
        if (next.done === true) return;
        yield toBytes(next.value);
      }
    } finally {
      // Releases the iterator's listeners; with destroyOnReturn false the source stays open.
      await iterator.return?.();
    }
  }

  const limit = new ByteLimit(limits);
  // pipeline, so that a failure on either side tears down the other (but never the source).
  pipeline(Readable.from(wholeUpload()), limit, () => undefined);
  return { format: sniffed.format, mimeType: sniffed.mimeType, body: limit };
}
