import { describe, expect, it } from 'vitest';

import { MediaStatus, type Media } from '../../generated/glimpse/media/v1/media.js';
import { mediaProblem, settlementOf } from './post.rules.js';

function photo(status: MediaStatus, failureReason?: string): Media {
  return {
    id: '1',
    ownerId: '7',
    status,
    mimeType: 'image/png',
    width: 0,
    height: 0,
    variants: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    originalKey: 'originals/1',
    bytes: '10',
    ...(failureReason !== undefined && { failureReason }),
  };
}

const {
  MEDIA_STATUS_READY: READY,
  MEDIA_STATUS_PROCESSING: PROCESSING,
  MEDIA_STATUS_FAILED: FAILED,
} = MediaStatus;

describe('settlementOf', () => {
  it('publishes when every photo is ready, waits while any is not', () => {
    expect(settlementOf([photo(READY), photo(READY)])).toEqual({ outcome: 'publish' });
    expect(settlementOf([photo(READY), photo(PROCESSING)])).toEqual({ outcome: 'wait' });
    expect(settlementOf([photo(MediaStatus.MEDIA_STATUS_UPLOADED)])).toEqual({ outcome: 'wait' });
    expect(settlementOf([])).toEqual({ outcome: 'wait' });
  });

  it('fails on the first failed or vanished photo, naming it, even before the others are ready', () => {
    expect(settlementOf([photo(PROCESSING), photo(FAILED, 'corrupt')])).toEqual({
      outcome: 'fail',
      reason: 'photo 2 failed processing: corrupt',
    });
    expect(settlementOf([photo(FAILED)])).toEqual({
      outcome: 'fail',
      reason: 'photo 1 failed processing: unknown reason',
    });
    expect(settlementOf([photo(READY), undefined])).toEqual({
      outcome: 'fail',
      reason: 'photo 2 no longer exists',
    });
  });
});

describe('mediaProblem', () => {
  it('accepts the owner’s uploaded, processing and ready photos only', () => {
    expect(mediaProblem(photo(READY), '7')).toBeUndefined();
    expect(mediaProblem(photo(PROCESSING), '7')).toBeUndefined();
    expect(mediaProblem(photo(MediaStatus.MEDIA_STATUS_UPLOADED), '7')).toBeUndefined();
    expect(mediaProblem(photo(READY), '8')).toBe('unknown media');
    expect(mediaProblem(undefined, '7')).toBe('unknown media');
    expect(mediaProblem(photo(MediaStatus.MEDIA_STATUS_UNSPECIFIED), '7')).toBe('unknown media');
    expect(mediaProblem(photo(MediaStatus.MEDIA_STATUS_PENDING), '7')).toBe('has not been uploaded yet');
    expect(mediaProblem(photo(FAILED, 'too big'), '7')).toBe('failed processing: too big');
  });
});
