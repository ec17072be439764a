import type { Readable } from 'node:stream';

import {
  MediaStatus,
  type CompleteUploadRequest,
  type CreateMediaRequest,
  type GetMediaBatchRequest,
  type GetMediaRequest,
  type Media,
  type MediaList,
  type MediaService,
} from '../../generated/glimpse/media/v1/media.js';
import { EventFactory } from '../../platform/events/event-factory.js';
import { DomainError } from '../../platform/errors.js';
import { isId } from '../../platform/ids/snowflake.js';
import type { ObjectStorage } from '../../platform/storage/storage.port.js';
import { SNIFF_BYTES, sniffImage } from './image/media-format.js';
import {
  MEDIA_FAILED,
  MEDIA_UPLOADED,
  type MediaFailedPayload,
  type MediaUploadedPayload,
} from './media.events.js';
import { originalKey } from './media.keys.js';
import { checkDeclaredUpload, formatBytes, tooLarge } from './media.rules.js';
import type { MediaRecord, MediaRepository } from './media.repository.js';
import type { MediaState } from './media.state.js';

export interface MediaServiceDeps {
  media: MediaRepository;
  /** Where originals arrive; read here only to check an upload before accepting it. */
  storage: Pick<ObjectStorage, 'head' | 'get'>;
  ids: { next(): string };
  limits: { maxBytes: number };
  now?: () => Date;
  traceparent?: () => string | undefined;
}

/** Hydration asks for at most a page of posts' media at once (100 posts x 10 photos). */
export const MAX_BATCH = 1000;

const STATUS: Readonly<Record<MediaState, MediaStatus>> = {
  pending: MediaStatus.MEDIA_STATUS_PENDING,
  uploaded: MediaStatus.MEDIA_STATUS_UPLOADED,
  processing: MediaStatus.MEDIA_STATUS_PROCESSING,
  ready: MediaStatus.MEDIA_STATUS_READY,
  failed: MediaStatus.MEDIA_STATUS_FAILED,
};

/**
 * Media records and the upload half of their state machine (pending -> uploaded, or failed
 * when the bytes are not an image we take). Processing is the media worker's.
 */
export class MediaServiceImpl implements MediaService {
  private readonly media: MediaRepository;
  private readonly storage: Pick<ObjectStorage, 'head' | 'get'>;
  private readonly ids: { next(): string };
  private readonly maxBytes: number;
  private readonly now: () => Date;
  private readonly events: EventFactory;

  constructor(deps: MediaServiceDeps) {
    this.media = deps.media;
    this.storage = deps.storage;
    this.ids = deps.ids;
    this.maxBytes = deps.limits.maxBytes;
    this.now = deps.now ?? (() => new Date());
    this.events = new EventFactory(deps.ids, deps.traceparent);
  }

  async createMedia(request: CreateMediaRequest): Promise<Media> {
    if (!isId(request.ownerId))
      throw DomainError.invalid('Invalid owner', [{ path: 'ownerId', message: 'must be a user id' }]);
    const mimeType = checkDeclaredUpload(request.contentType, request.bytes, this.maxBytes);
    const bytes = Number(request.bytes);
    const record = await this.media.insert({
      id: this.ids.next(),
      ownerId: request.ownerId,
      mimeType,
      bytes,
    });
    return toMedia(record);
  }

  async completeUpload(request: CompleteUploadRequest): Promise<Media> {
    const record = await this.owned(request.mediaId, request.ownerId);
    // Idempotent: a retry after success (or after the worker took over) changes nothing.
    if (record.status !== 'pending') return toMedia(record);

    const key = originalKey(record.id);
    const head = await this.storage.head(key);
    if (head === null) throw DomainError.conflict('The upload has not been received yet');
    if (head.bytes > this.maxBytes) {
      await this.fail(record, `The file is larger than ${formatBytes(this.maxBytes)}`);
      throw tooLarge(this.maxBytes);
    }
    // Decided from the bytes: a direct upload may have been anything at all.
    const sniffed = sniffImage(await this.readHead(key));
    if (!sniffed.ok) {
      await this.fail(record, sniffed.reason);
      throw DomainError.unsupportedMediaType(sniffed.reason);
    }
    const payload: MediaUploadedPayload = { mediaId: record.id, ownerId: record.ownerId };
    const uploaded = await this.media.transition(
      record.id,
      'uploaded',
      { mimeType: sniffed.mimeType, bytes: head.bytes },
      [this.events.create(MEDIA_UPLOADED, record.id, payload, this.now())],
    );
    // Lost a race with a concurrent completion: whatever it did is the answer.
    return toMedia(uploaded ?? (await this.owned(record.id, record.ownerId)));
  }

  async getMedia(request: GetMediaRequest): Promise<Media> {
    const record = isId(request.mediaId) ? await this.media.findById(request.mediaId) : undefined;
    if (record === undefined || (request.ownerId !== undefined && record.ownerId !== request.ownerId)) {
      throw DomainError.notFound('Media not found');
    }
    return toMedia(record);
  }

  async getMediaBatch(request: GetMediaBatchRequest): Promise<MediaList> {
    const ids = [...new Set(request.mediaIds)].filter(isId);
    if (ids.length > MAX_BATCH) {
      throw DomainError.invalid(`At most ${MAX_BATCH} media per batch`, [
        { path: 'mediaIds', message: `must hold at most ${MAX_BATCH} ids` },
      ]);
    }
    const byId = new Map((await this.media.findMany(ids)).map((record) => [record.id, record]));
    return {
      items: ids.flatMap((id) => {
        const record = byId.get(id);
        return record === undefined ? [] : [toMedia(record)];
      }),
    };
  }

  private async owned(mediaId: string, ownerId: string): Promise<MediaRecord> {
    const record = isId(mediaId) ? await this.media.findById(mediaId) : undefined;
    // Someone else's media is "not found": its existence is nobody else's business.
    if (record === undefined || record.ownerId !== ownerId) throw DomainError.notFound('Media not found');
    return record;
  }

  private async readHead(key: string): Promise<Uint8Array> {
    const object = await this.storage.get(key);
    if (object === null) throw DomainError.conflict('The upload has not been received yet');
    return readPrefix(object.body, SNIFF_BYTES);
  }

  private async fail(record: MediaRecord, reason: string): Promise<void> {
    const payload: MediaFailedPayload = { mediaId: record.id, ownerId: record.ownerId, reason };
    await this.media.transition(record.id, 'failed', { failureReason: reason }, [
      this.events.create(MEDIA_FAILED, record.id, payload, this.now()),
    ]);
  }
}

export function toMedia(record: MediaRecord): Media {
  return {
    id: record.id,
    ownerId: record.ownerId,
    status: STATUS[record.status],
    mimeType: record.mimeType,
    width: record.width ?? 0,
    height: record.height ?? 0,
    ...(record.placeholder !== null && { placeholder: record.placeholder }),
    variants: record.variants.map((variant) => ({ ...variant, bytes: String(variant.bytes) })),
    ...(record.failureReason !== null && { failureReason: record.failureReason }),
    createdAt: record.createdAt.toISOString(),
    originalKey: originalKey(record.id),
    bytes: String(record.bytes),
  };
}

/** The first `count` bytes of a stream (fewer if it is shorter), then the stream is released. */
export async function readPrefix(stream: Readable, count: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      chunks.push(buffer);
      length += buffer.byteLength;
      if (length >= count) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, count);
}
