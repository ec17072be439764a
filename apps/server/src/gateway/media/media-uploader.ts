import { MediaStatus, type Media, type MediaService } from '../../generated/glimpse/media/v1/media.js';
import { DomainError, isDomainError } from '../../platform/errors.js';
import type { ObjectStorage, PresignedPut } from '../../platform/storage/storage.port.js';
import type { UploadSource } from './upload-source.js';
import { openImageUpload, type ImageUpload } from './upload-stream.js';

/** How long a client has to send the file of a direct upload, whichever the target, by default. */
export const DEFAULT_UPLOAD_URL_TTL_SECONDS = 15 * 60;

export interface MediaUploaderOptions {
  media: MediaService;
  storage: ObjectStorage;
  /** The largest file accepted, in bytes. */
  maxBytes: number;
  /** How long a direct upload's URL (presigned, or this server's) stays usable. */
  uploadUrlTtlSeconds?: number;
  now?: () => Date;
}

export interface DirectUpload {
  media: Media;
  upload: PresignedPut;
}

/**
 * The gateway's side of an upload: the bytes go from the request to object storage as a
 * stream, and the media service is told about them. The service keeps every rule about
 * the media itself; this class keeps the byte-level ones (type by content, size limits).
 */
export class MediaUploader {
  private readonly media: MediaService;
  private readonly storage: ObjectStorage;
  /** The largest file accepted, in bytes. */
  readonly maxBytes: number;
  private readonly uploadUrlTtlSeconds: number;
  private readonly now: () => Date;

  constructor(options: MediaUploaderOptions) {
    this.media = options.media;
    this.storage = options.storage;
    this.maxBytes = options.maxBytes;
    this.uploadUrlTtlSeconds = options.uploadUrlTtlSeconds ?? DEFAULT_UPLOAD_URL_TTL_SECONDS;
    this.now = options.now ?? (() => new Date());
  }

  /** The whole upload in one request: sniff, reserve, store, complete. */
  async upload(ownerId: string, source: UploadSource): Promise<Media> {
    const upload = await openImageUpload(source.stream, {
      maxBytes: this.maxBytes,
      declaredBytes: source.declaredBytes,
    });
    let media: Media;
    try {
      media = await this.media.createMedia({
        ownerId,
        contentType: upload.mimeType,
        // The real size is not known before the end of the stream; completeUpload records it.
        bytes: String(Math.min(source.bytesAtMost ?? this.maxBytes, this.maxBytes)),
      });
    } catch (err) {
      upload.body.destroy();
      throw err;
    }
    await this.store(media.originalKey, upload, source.declaredBytes);
    return this.media.completeUpload({ mediaId: media.id, ownerId });
  }

  /** Reserves a media and says where to PUT its file: object storage itself, or this server. */
  async createDirectUpload(ownerId: string, contentType: string, bytes: number): Promise<DirectUpload> {
    // The media service decides what is accepted (type, size) and normalises the type.
    const media = await this.media.createMedia({ ownerId, contentType, bytes: String(bytes) });
    const type = media.mimeType;
    const presigned = await this.storage.presignPut(media.originalKey, {
      contentType: type,
      bytes,
      expiresInSeconds: this.uploadUrlTtlSeconds,
    });
    return {
      media,
      upload: presigned ?? {
        // Local disk has no upload URL of its own: the file comes through this server.
        url: `/api/media/${media.id}/content`,
        method: 'PUT',
        headers: { 'Content-Type': type },
        expiresAt: this.expiryOf(media).toISOString(),
      },
    };
  }

  /** The local target of a direct upload: exactly the declared bytes, once, in time. */
  async putContent(ownerId: string, mediaId: string, source: UploadSource): Promise<void> {
    const media = await this.media.getMedia({ mediaId, ownerId });
    if (media.status !== MediaStatus.MEDIA_STATUS_PENDING) {
      throw DomainError.conflict('This media has received its file already.');
    }
    // Held to the same deadline as a presigned URL, so both targets behave alike.
    if (this.expiryOf(media).getTime() < this.now().getTime()) {
      throw DomainError.conflict('The time to upload this file has run out; start a new upload.');
    }
    const exactBytes = Number(media.bytes);
    const upload = await openImageUpload(source.stream, {
      maxBytes: this.maxBytes,
      declaredBytes: source.declaredBytes,
      exactBytes,
    });
    await this.store(media.originalKey, upload, exactBytes);
  }

  private expiryOf(media: Media): Date {
    return new Date(Date.parse(media.createdAt) + this.uploadUrlTtlSeconds * 1000);
  }

  private async store(key: string, upload: ImageUpload, contentLength: number | undefined): Promise<void> {
    try {
      await this.storage.put(key, upload.body, {
        contentType: upload.mimeType,
        ...(contentLength !== undefined && { contentLength }),
      });
    } catch (err) {
      // A storage adapter may wrap the stream's failure; the upload's own reason is the answer.
      const cause: unknown = upload.body.errored;
      if (isDomainError(cause)) throw cause;
      throw err;
    }
  }
}
