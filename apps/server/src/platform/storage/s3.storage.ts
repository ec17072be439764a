import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

import {
  assertBufferLength,
  assertPresignOptions,
  assertPutOptions,
  assertValidKey,
  MeasuringStream,
  normaliseBaseUrl,
  StorageClosedError,
} from './storage.keys.js';
import type {
  ObjectHead,
  ObjectStorage,
  PresignedPut,
  PresignPutOptions,
  PutOptions,
  PutResult,
  StoredObject,
} from './storage.port.js';

export interface S3StorageOptions {
  /** For S3-compatible stores (MinIO, R2, ...); AWS itself when absent. */
  endpoint?: string;
  bucket: string;
  region: string;
  /** Both or neither; without them the SDK's default chain (env, profile, instance role) applies. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `endpoint/bucket/key` instead of `bucket.endpoint/key`; most self-hosted stores need it. */
  forcePathStyle?: boolean;
  /** Base of `publicUrl`, usually a CDN in front of the bucket (MEDIA_PUBLIC_URL). */
  publicBaseUrl: string;
}

/** S3's minimum multipart part size; with two parts in flight a stream holds at most ~10 MB. */
const PART_SIZE = 5 * 1024 * 1024;
const PARTS_IN_FLIGHT = 2;
/** Outside the key alphabet, so it can never name a real object. */
const PING_KEY = '.glimpse-PING';

/**
 * Objects in one S3 bucket through AWS SDK v3. Streams go up through multipart uploads of bounded
 * memory; a stream that fails or has the wrong length aborts its upload, so nothing appears.
 */
export class S3Storage implements ObjectStorage {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly publicBaseUrl: string;
  private closed = false;

  constructor(options: S3StorageOptions) {
    if (!options.bucket) throw new RangeError('S3Storage needs a bucket');
    if (!options.region) throw new RangeError('S3Storage needs a region');
    if (Boolean(options.accessKeyId) !== Boolean(options.secretAccessKey)) {
      throw new RangeError('S3Storage needs both accessKeyId and secretAccessKey, or neither');
    }
    this.bucket = options.bucket;
    this.publicBaseUrl = normaliseBaseUrl(options.publicBaseUrl);
    const config: S3ClientConfig = {
      region: options.region,
      forcePathStyle: options.forcePathStyle ?? false,
      // The SDK's default extra checksums (aws-chunked trailers) are not understood by many
      // S3-compatible stores, and would be signed into presigned URLs that browsers cannot satisfy.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    if (options.endpoint) config.endpoint = options.endpoint;
    if (options.accessKeyId && options.secretAccessKey) {
      config.credentials = { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey };
    }
    this.client = new S3Client(config);
  }

  async put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult> {
    this.assertOpen();
    assertValidKey(key);
    assertPutOptions(options);
    const common = {
      Bucket: this.bucket,
      Key: key,
      ContentType: options.contentType,
      ...(options.cacheControl === undefined ? {} : { CacheControl: options.cacheControl }),
    };
    if (body instanceof Uint8Array) {
      assertBufferLength(body, options.contentLength);
      const result = await this.client.send(
        new PutObjectCommand({ ...common, Body: body, ContentLength: body.byteLength }),
      );
      return { bytes: body.byteLength, etag: requireEtag(result.ETag, key) };
    }
    const measuring = new MeasuringStream(options.contentLength);
    // A source error or a wrong length fails `measuring`, whose reader (the upload) then aborts.
    const piping = pipeline(body, measuring);
    const upload = new Upload({
      client: this.client,
      params: { ...common, Body: measuring },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    try {
      const result = await upload.done();
      await piping;
      return { bytes: measuring.bytes, etag: requireEtag(result.ETag, key) };
    } catch (err) {
      measuring.destroy();
      await piping.catch(() => undefined);
      throw err;
    }
  }

  async get(key: string): Promise<StoredObject | null> {
    this.assertOpen();
    assertValidKey(key);
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!(result.Body instanceof Readable)) throw new Error(`S3 returned no readable body for ${key}`);
      return {
        body: result.Body,
        ...toHead(key, result.ContentType, result.ContentLength, result.ETag, result.CacheControl),
      };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async head(key: string): Promise<ObjectHead | null> {
    this.assertOpen();
    assertValidKey(key);
    try {
      const result = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return toHead(key, result.ContentType, result.ContentLength, result.ETag, result.CacheControl);
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    this.assertOpen();
    assertValidKey(key);
    // S3 answers 204 whether or not the object existed.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async presignPut(key: string, options: PresignPutOptions): Promise<PresignedPut> {
    this.assertOpen();
    assertValidKey(key);
    assertPresignOptions(options);
    const signedAt = new Date();
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ContentType: options.contentType,
      ContentLength: options.bytes,
    });
    const url = await getSignedUrl(this.client, command, {
      expiresIn: options.expiresInSeconds,
      signingDate: signedAt,
      // Signed, so the store refuses an upload of another type or size than was asked for.
      signableHeaders: new Set(['content-type', 'content-length']),
    });
    // SigV4 dates have whole seconds: the URL dies at the start of the second it was signed in, plus
    // the lifetime.
    const expiresAt = new Date(
      Math.floor(signedAt.getTime() / 1000) * 1000 + options.expiresInSeconds * 1000,
    );
    return {
      url,
      method: 'PUT',
      // Content-Length is left to the HTTP client (browsers refuse to set it) but is still checked.
      headers: { 'Content-Type': options.contentType },
      expiresAt: expiresAt.toISOString(),
    };
  }

  publicUrl(key: string): string {
    assertValidKey(key);
    return `${this.publicBaseUrl}/${key}`;
  }

  /**
   * Reads a probe key rather than calling HeadBucket: "no such key" proves the bucket exists and
   * the credentials work, and object requests are the one thing every S3-compatible store (and
   * the test server, which mis-signs bucket-level paths) gets right.
   */
  async ping(): Promise<void> {
    this.assertOpen();
    try {
      const result = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: PING_KEY }));
      if (result.Body instanceof Readable) result.Body.destroy();
    } catch (err) {
      if (err instanceof S3ServiceException && err.name === 'NoSuchKey') return;
      throw err;
    }
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.client.destroy();
    }
    return Promise.resolve();
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageClosedError();
  }
}

function toHead(
  key: string,
  contentType: string | undefined,
  bytes: number | undefined,
  etag: string | undefined,
  cacheControl: string | undefined,
): ObjectHead {
  if (bytes === undefined) throw new Error(`S3 returned no Content-Length for ${key}`);
  const head: ObjectHead = {
    contentType: contentType ?? 'application/octet-stream',
    bytes,
    etag: requireEtag(etag, key),
  };
  if (cacheControl !== undefined) head.cacheControl = cacheControl;
  return head;
}

function requireEtag(etag: string | undefined, key: string): string {
  if (!etag) throw new Error(`S3 returned no ETag for ${key}`);
  return etag.replace(/^(W\/)?"(.*)"$/, '$2');
}

function isNotFound(err: unknown): boolean {
  if (err instanceof S3ServiceException) {
    // A missing bucket is a configuration error, not a missing object.
    if (err.name === 'NoSuchBucket') return false;
    return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata.httpStatusCode === 404;
  }
  return false;
}
