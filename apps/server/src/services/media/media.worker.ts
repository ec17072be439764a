import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

import { Semaphore } from '../../platform/concurrency/semaphore.js';
import { EventFactory } from '../../platform/events/event-factory.js';
import type { EventEnvelope } from '../../platform/events/events.port.js';
import type { ObjectStorage } from '../../platform/storage/storage.port.js';
import { ImageRejectedError } from './image/image.errors.js';
import type { ProcessedImage } from './image/image.processor.js';
import {
  MEDIA_FAILED,
  MEDIA_READY,
  type MediaFailedPayload,
  type MediaReadyPayload,
} from './media.events.js';
import { originalKey, variantKey } from './media.keys.js';
import type { MediaRecord, MediaRepository } from './media.repository.js';
import type { StoredVariant } from './media.tables.js';

/** Variants never change under their URL (the name carries a content hash). */
export const VARIANT_CACHE_CONTROL = 'public, max-age=31536000, immutable';

export interface ImageProcessing {
  /** Rejects with ImageRejectedError when the file is not an image we can take. */
  process(original: Buffer): Promise<ProcessedImage>;
}

export interface MediaWorkerObserver {
  queued(count: number): void;
  processed(outcome: 'ready' | 'failed', seconds: number): void;
}

export interface MediaWorkerDeps {
  media: MediaRepository;
  storage: Pick<ObjectStorage, 'get' | 'put'>;
  processor: ImageProcessing;
  ids: { next(): string };
  /** Images decoded at once by this process; the rest wait (memory grows with each). */
  concurrency: number;
  /** Originals larger than this are refused without being read (uploads are checked too). */
  maxBytes: number;
  /** A media whose processing crashed this many times is failed instead of retried. */
  maxAttempts?: number;
  observer?: MediaWorkerObserver;
  now?: () => Date;
}

/**
 * The media worker: turns an uploaded original into its variants (`uploaded -> processing ->
 * ready | failed`). Fed by `media.uploaded`; idempotent under redelivery, since every step is
 * a compare-and-set on the media's status and variant keys are derived from their content.
 *
 * A file we refuse fails the media with a reason. Anything else (storage or database down)
 * throws, so the event bus delivers the event again later.
 */
export class MediaWorker {
  private readonly semaphore: Semaphore;
  private readonly maxAttempts: number;
  private readonly now: () => Date;
  private readonly events: EventFactory;

  constructor(private readonly deps: MediaWorkerDeps) {
    this.semaphore = new Semaphore(deps.concurrency);
    this.maxAttempts = deps.maxAttempts ?? 3;
    this.now = deps.now ?? (() => new Date());
    this.events = new EventFactory(deps.ids);
  }

  /** The `media.uploaded` handler. */
  readonly handle = async (event: EventEnvelope): Promise<void> => {
    const mediaId = mediaIdOf(event.payload);
    if (mediaId === undefined) return;
    this.deps.observer?.queued(this.semaphore.queued + 1);
    try {
      await this.semaphore.run(() => {
        this.deps.observer?.queued(this.semaphore.queued);
        return this.process(mediaId, event.traceparent);
      });
    } finally {
      this.deps.observer?.queued(this.semaphore.queued);
    }
  };

  /** Processes one media if it is waiting for it; returns its final record, if it changed. */
  async process(mediaId: string, traceparent?: string): Promise<MediaRecord | undefined> {
    const started = performance.now();
    const claimed = await this.deps.media.transition(mediaId, 'processing', { countAttempt: true }, []);
    // Unknown, still pending, or already ready/failed (a redelivery): nothing to do.
    if (claimed === undefined) return undefined;
    const finish = (outcome: 'ready' | 'failed') =>
      this.deps.observer?.processed(outcome, (performance.now() - started) / 1000);

    if (claimed.attempts > this.maxAttempts) {
      finish('failed');
      return this.fail(claimed, 'The file could not be processed', traceparent);
    }
    const original = await this.readOriginal(claimed);
    if (typeof original === 'string') {
      finish('failed');
      return this.fail(claimed, original, traceparent);
    }

    let image: ProcessedImage;
    try {
      image = await this.deps.processor.process(original);
    } catch (err) {
      if (!(err instanceof ImageRejectedError)) throw err;
      finish('failed');
      return this.fail(claimed, err.reason, traceparent);
    }

    const variants = await Promise.all(image.variants.map((variant) => this.store(claimed.id, variant)));
    const payload: MediaReadyPayload = { mediaId: claimed.id, ownerId: claimed.ownerId };
    const ready = await this.deps.media.transition(
      claimed.id,
      'ready',
      {
        mimeType: image.mimeType,
        width: image.width,
        height: image.height,
        placeholder: image.placeholder,
        variants,
      },
      [this.events.create(MEDIA_READY, claimed.id, payload, this.now(), traceparent)],
    );
    finish('ready');
    return ready;
  }

  /** The original's bytes, or the reason it cannot be processed. */
  private async readOriginal(media: MediaRecord): Promise<Buffer | string> {
    const object = await this.deps.storage.get(originalKey(media.id));
    if (object === null) return 'The uploaded file is missing';
    if (object.bytes > this.deps.maxBytes) {
      object.body.destroy();
      return 'The file is too large';
    }
    return readAll(object.body, object.bytes);
  }

  private async store(mediaId: string, variant: ProcessedImage['variants'][number]): Promise<StoredVariant> {
    const hash = createHash('sha256').update(variant.data).digest('hex');
    const key = variantKey(mediaId, variant.name, hash, variant.format === 'jpeg' ? 'jpg' : variant.format);
    await this.deps.storage.put(key, variant.data, {
      contentType: variant.mimeType,
      contentLength: variant.data.byteLength,
      cacheControl: VARIANT_CACHE_CONTROL,
    });
    return {
      name: variant.name,
      width: variant.width,
      height: variant.height,
      format: variant.format,
      bytes: variant.data.byteLength,
      key,
    };
  }

  private async fail(
    media: MediaRecord,
    reason: string,
    traceparent?: string,
  ): Promise<MediaRecord | undefined> {
    const payload: MediaFailedPayload = { mediaId: media.id, ownerId: media.ownerId, reason };
    return this.deps.media.transition(media.id, 'failed', { failureReason: reason }, [
      this.events.create(MEDIA_FAILED, media.id, payload, this.now(), traceparent),
    ]);
  }
}

function mediaIdOf(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { mediaId } = payload as { mediaId?: unknown };
  return typeof mediaId === 'string' ? mediaId : undefined;
}

async function readAll(stream: Readable, expectedBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  const data = Buffer.concat(chunks);
  if (data.byteLength !== expectedBytes)
    throw new Error(`Read ${data.byteLength} bytes of an original of ${expectedBytes}`);
  return data;
}
