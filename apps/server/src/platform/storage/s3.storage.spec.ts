import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  S3_TEST_CREDENTIALS as CREDENTIALS,
  S3_TEST_REGION as REGION,
  startS3,
  type RunningS3,
} from './s3rver.testing.js';
import { S3Storage } from './s3.storage.js';
import { describeObjectStorageContract } from './storage.contract.js';

describeObjectStorageContract(
  'S3Storage (s3rver)',
  async () => {
    const s3 = await startS3(['glimpse-media']);
    try {
      const publicBaseUrl = `${s3.endpoint}/glimpse-media`;
      const storage = new S3Storage({
        endpoint: s3.endpoint,
        bucket: 'glimpse-media',
        region: REGION,
        ...CREDENTIALS,
        forcePathStyle: true,
        publicBaseUrl,
      });
      return { storage, publicBaseUrl, cleanup: () => s3.stop() };
    } catch (err) {
      await s3.stop();
      throw err;
    }
  },
  { presign: true },
);

describe('S3Storage', () => {
  let s3: RunningS3;

  beforeAll(async () => {
    s3 = await startS3(['public-media']);
  });

  afterAll(() => s3.stop());

  it('serves stored objects at publicUrl when the base points at the bucket', async () => {
    const storage = new S3Storage({
      endpoint: s3.endpoint,
      bucket: 'public-media',
      region: REGION,
      ...CREDENTIALS,
      forcePathStyle: true,
      publicBaseUrl: `${s3.endpoint}/public-media/`,
    });
    try {
      await storage.put('media/p1/small.webp', Buffer.from('variant'), {
        contentType: 'image/webp',
        cacheControl: 'public, max-age=31536000, immutable',
      });
      const response = await fetch(storage.publicUrl('media/p1/small.webp'));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/webp');
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await response.text()).toBe('variant');
    } finally {
      await storage.close();
    }
  });

  it('fails ping for a bucket that does not exist, and does not mistake it for a missing object', async () => {
    const storage = new S3Storage({
      endpoint: s3.endpoint,
      bucket: 'no-such-bucket',
      region: REGION,
      ...CREDENTIALS,
      forcePathStyle: true,
      publicBaseUrl: 'https://cdn.example.test/media',
    });
    try {
      await expect(storage.ping()).rejects.toThrow();
      await expect(storage.get('media/x')).rejects.toThrow();
    } finally {
      await storage.close();
    }
  });

  it('needs both credentials or neither', () => {
    expect(
      () =>
        new S3Storage({
          bucket: 'b',
          region: REGION,
          accessKeyId: 'only-the-id',
          publicBaseUrl: 'https://cdn.example.test',
        }),
    ).toThrow(/both/);
  });
});
