import type { Readable } from 'node:stream';

/**
 * The object storage port: what the media pipeline needs from S3, and nothing more. The local
 * disk adapter implements the same semantics (held to it by one contract suite).
 *
 * Keys use `a-z0-9/._-` only, in `/`-separated segments that are neither empty nor `.` or `..`
 * (see storage.keys.ts); every method rejects any other key before touching storage.
 *
 * An etag is opaque (no surrounding quotes): the same content under the same adapter always gets
 * the same etag, so it can back HTTP `ETag` headers.
 */
export interface PutOptions {
  contentType: string;
  /** When given, a body of any other length is refused and nothing is stored. */
  contentLength?: number;
  /** Stored with the object and returned by `get`/`head`, e.g. for immutable variants. */
  cacheControl?: string;
}

export interface PutResult {
  bytes: number;
  etag: string;
}

export interface ObjectHead {
  contentType: string;
  bytes: number;
  etag: string;
  cacheControl?: string;
}

export interface StoredObject extends ObjectHead {
  /** The caller must consume or destroy it. */
  body: Readable;
}

export interface PresignPutOptions {
  contentType: string;
  /** The exact size the client will upload; a body of another size is refused by the store. */
  bytes: number;
  expiresInSeconds: number;
}

export interface PresignedPut {
  url: string;
  method: 'PUT';
  /** Headers the client must send as they are (the store checks them against the signature). */
  headers: Record<string, string>;
  /** ISO 8601. */
  expiresAt: string;
}

export interface ObjectStorage {
  /**
   * Streams `body` to `key`, replacing any object there. The object appears whole or not at all:
   * a stream that fails or has the wrong length leaves the previous state untouched.
   */
  put(key: string, body: Readable | Uint8Array, options: PutOptions): Promise<PutResult>;
  /** null when there is no object at `key`. */
  get(key: string): Promise<StoredObject | null>;
  head(key: string): Promise<ObjectHead | null>;
  /** Idempotent: deleting a missing object succeeds. */
  delete(key: string): Promise<void>;
  /** A URL a client can PUT the object to directly; null when the adapter has no direct upload. */
  presignPut(key: string, options: PresignPutOptions): Promise<PresignedPut | null>;
  /** Where the object is served from (a CDN in production); no check that it exists. */
  publicUrl(key: string): string;
  /** Rejects when the store is unreachable or unusable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
