/** Events of the media service (through the outbox), keyed by the media id. */
export const MEDIA_UPLOADED = 'media.uploaded';
export const MEDIA_READY = 'media.ready';
export const MEDIA_FAILED = 'media.failed';

export interface MediaUploadedPayload {
  mediaId: string;
  ownerId: string;
}

export interface MediaReadyPayload {
  mediaId: string;
  ownerId: string;
}

export interface MediaFailedPayload {
  mediaId: string;
  ownerId: string;
  reason: string;
}
