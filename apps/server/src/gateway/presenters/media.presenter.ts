import type { z } from 'zod';

import { MediaStatus, type Media } from '../../generated/glimpse/media/v1/media.js';
import type { ObjectStorage } from '../../platform/storage/storage.port.js';
import type { MediaSchema } from '../schemas/media.schemas.js';

export type MediaDto = z.output<typeof MediaSchema>;

/**
 * Clients see four states: `uploaded` (received, waiting for the worker) and `processing`
 * differ only inside the pipeline, so both read as `processing`; so does a status this
 * gateway does not know yet, which is not settled as far as it can tell.
 */
function publicStatus(status: MediaStatus): MediaDto['status'] {
  switch (status) {
    case MediaStatus.MEDIA_STATUS_PENDING:
      return 'pending';
    case MediaStatus.MEDIA_STATUS_UPLOADED:
    case MediaStatus.MEDIA_STATUS_PROCESSING:
    case MediaStatus.MEDIA_STATUS_UNSPECIFIED:
    case MediaStatus.UNRECOGNIZED:
      return 'processing';
    case MediaStatus.MEDIA_STATUS_READY:
      return 'ready';
    case MediaStatus.MEDIA_STATUS_FAILED:
      return 'failed';
  }
}

/** Media -> its public shape; variant URLs come from storage (a CDN, or this server's /media). */
export class MediaPresenter {
  constructor(private readonly storage: Pick<ObjectStorage, 'publicUrl'>) {}

  present(media: Media): MediaDto {
    const status = publicStatus(media.status);
    const dto: MediaDto = {
      id: media.id,
      status,
      mimeType: media.mimeType,
      // The service says 0 until the image has been decoded.
      width: media.width > 0 ? media.width : null,
      height: media.height > 0 ? media.height : null,
      placeholder: media.placeholder ?? null,
      variants: media.variants.map((variant) => ({
        name: variant.name,
        width: variant.width,
        height: variant.height,
        format: variant.format,
        bytes: Number(variant.bytes),
        url: this.storage.publicUrl(variant.key),
      })),
    };
    if (status === 'failed') dto.failureReason = media.failureReason ?? 'Processing failed.';
    return dto;
  }
}
