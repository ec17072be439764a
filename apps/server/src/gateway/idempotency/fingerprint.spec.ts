import { describe, expect, it } from 'vitest';

import { requestFingerprint, streamedRequestFingerprint } from './fingerprint.js';

describe('requestFingerprint', () => {
  it('ignores key order but not values', () => {
    const a = requestFingerprint('POST', '/api/posts', { caption: 'hi', mediaIds: ['1'] });
    expect(requestFingerprint('POST', '/api/posts', { mediaIds: ['1'], caption: 'hi' })).toBe(a);
    expect(requestFingerprint('POST', '/api/posts', { mediaIds: ['2'], caption: 'hi' })).not.toBe(a);
  });
});

describe('streamedRequestFingerprint', () => {
  const upload = (contentType: string | undefined, length: string | undefined, url = '/api/media') =>
    streamedRequestFingerprint('POST', url, contentType, length);

  it('is the same for a retried upload of the same type and size', () => {
    expect(upload('image/jpeg', '1000')).toBe(upload('image/jpeg', '1000'));
    expect(upload('IMAGE/JPEG', '1000')).toBe(upload('image/jpeg', '1000'));
  });

  it('ignores the multipart boundary, which every retry draws anew', () => {
    expect(upload('multipart/form-data; boundary=----a1b2c3', '2048')).toBe(
      upload('multipart/form-data; boundary=----z9y8x7', '2048'),
    );
  });

  it('tells apart another size, type, target or method', () => {
    const base = upload('image/jpeg', '1000');
    expect(upload('image/jpeg', '1001')).not.toBe(base);
    expect(upload('image/png', '1000')).not.toBe(base);
    expect(upload('image/jpeg', undefined)).not.toBe(base);
    expect(upload('image/jpeg', '1000', '/api/media/1/content')).not.toBe(base);
    expect(streamedRequestFingerprint('PUT', '/api/media', 'image/jpeg', '1000')).not.toBe(base);
  });

  it('never equals the fingerprint of a JSON request to the same target', () => {
    expect(upload(undefined, undefined)).not.toBe(requestFingerprint('POST', '/api/media', undefined));
  });
});
