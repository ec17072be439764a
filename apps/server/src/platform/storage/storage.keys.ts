/**
 * Key, option and body checks shared by both storage adapters, so a bad call fails the same way
 * on local disk as on S3, and before anything is written.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

import type { PresignPutOptions, PutOptions } from './storage.port.js';

export class InvalidObjectKeyError extends Error {
  override readonly name = 'InvalidObjectKeyError';
}

export class StorageClosedError extends Error {
  override readonly name = 'StorageClosedError';

  constructor() {
    super('Object storage is closed');
  }
}

/** S3's own limit on key length, in bytes (our keys are ASCII). */
const MAX_KEY_LENGTH = 1024;
const KEY_PATTERN = /^[a-z0-9._-]+(\/[a-z0-9._-]+)*$/;

export function assertValidKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) {
    throw new InvalidObjectKeyError('Object key must be a non-empty string');
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new InvalidObjectKeyError(`Object key is longer than ${MAX_KEY_LENGTH} characters`);
  }
  if (!KEY_PATTERN.test(key)) {
    throw new InvalidObjectKeyError(
      `Invalid object key ${JSON.stringify(key)}: use a-z 0-9 . _ - in non-empty segments separated by single /`,
    );
  }
  // `.` and `..` would walk the local disk adapter's tree, and S3 consoles misrender them.
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new InvalidObjectKeyError(
      `Invalid object key ${JSON.stringify(key)}: "." and ".." segments are not allowed`,
    );
  }
}

// Refused because a CR or LF in a header value would split the HTTP request.
const HEADER_VALUE_PATTERN = /^[\x20-\x7e]+$/;

function assertHeaderValue(value: string, name: string): void {
  if (typeof value !== 'string' || !HEADER_VALUE_PATTERN.test(value)) {
    throw new RangeError(`${name} must be a non-empty printable ASCII string, got ${JSON.stringify(value)}`);
  }
}

function assertByteCount(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

export function assertPutOptions(options: PutOptions): void {
  assertHeaderValue(options.contentType, 'contentType');
  if (options.cacheControl !== undefined) assertHeaderValue(options.cacheControl, 'cacheControl');
  if (options.contentLength !== undefined) assertByteCount(options.contentLength, 'contentLength');
}

/** A week is SigV4's upper bound on presigned URLs. */
const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

export function assertPresignOptions(options: PresignPutOptions): void {
  assertHeaderValue(options.contentType, 'contentType');
  assertByteCount(options.bytes, 'bytes');
  const { expiresInSeconds } = options;
  if (
    !Number.isSafeInteger(expiresInSeconds) ||
    expiresInSeconds < 1 ||
    expiresInSeconds > MAX_PRESIGN_SECONDS
  ) {
    throw new RangeError(
      `expiresInSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS}, got ${expiresInSeconds}`,
    );
  }
}

export function assertBufferLength(body: Uint8Array, contentLength: number | undefined): void {
  if (contentLength !== undefined && body.byteLength !== contentLength) {
    throw new RangeError(`Body has ${body.byteLength} bytes but contentLength is ${contentLength}`);
  }
}

/**
 * Passes bytes through while counting (and optionally hashing) them; fails the stream as soon as
 * it exceeds `expectedLength`, or at its end when it falls short, so the upload is abandoned.
 */
export class MeasuringStream extends Transform {
  bytes = 0;
  private readonly hash: Hash | undefined;
  private digestValue: string | undefined;

  constructor(
    private readonly expectedLength: number | undefined,
    hashAlgorithm?: 'sha256' | 'md5',
  ) {
    super();
    this.hash = hashAlgorithm ? createHash(hashAlgorithm) : undefined;
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!(chunk instanceof Uint8Array)) {
      callback(new TypeError('Object body streams must yield bytes (Buffer or Uint8Array)'));
      return;
    }
    this.bytes += chunk.byteLength;
    if (this.expectedLength !== undefined && this.bytes > this.expectedLength) {
      callback(new RangeError(`Body is longer than contentLength ${this.expectedLength}`));
      return;
    }
    this.hash?.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expectedLength !== undefined && this.bytes !== this.expectedLength) {
      callback(new RangeError(`Body has ${this.bytes} bytes but contentLength is ${this.expectedLength}`));
      return;
    }
    this.digestValue = this.hash?.digest('hex');
    callback();
  }

  /** The hex digest, once the stream has ended. */
  digest(): string {
    if (this.digestValue === undefined)
      throw new Error('The body has not been fully read, or was not hashed');
    return this.digestValue;
  }
}

/** Checks an http(s) base URL and drops trailing slashes, so `${base}/${key}` is well formed. */
export function normaliseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`publicBaseUrl must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RangeError(`publicBaseUrl must be http(s), got ${JSON.stringify(value)}`);
  }
  if (url.search || url.hash)
    throw new RangeError(`publicBaseUrl must not have a query or fragment: ${value}`);
  return value.replace(/\/+$/, '');
}
