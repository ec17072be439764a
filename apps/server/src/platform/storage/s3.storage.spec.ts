import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { S3Storage } from './s3.storage.js';
import { describeObjectStorageContract } from './storage.contract.js';

/** The parts of @20minutes/s3rver (a pure-JS S3 server that checks SigV4) these tests use. */
interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  vhostBuckets: boolean;
  configureBuckets: { name: string }[];
}) => S3rverServer;

const S3rver = createRequire(import.meta.url)('@20minutes/s3rver') as S3rverConstructor;

// The server's built-in account.
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const REGION = 'us-east-1';

interface RunningS3 {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * A private S3 server on a free 127.0.0.1 port, storing under a fresh temporary directory, with
 * the test's buckets created at start. (Not through CreateBucket: this server verifies SigV4 but
 * canonicalises bucket-level paths without the trailing slash the SDK signs, so it refuses them.)
 */
async function startS3(buckets: string[]): Promise<RunningS3> {
  const directory = await mkdtemp(join(tmpdir(), 'glimpse-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    vhostBuckets: false,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  try {
    const { port } = await server.run();
    return {
      endpoint: `http://127.0.0.1:${port}`,
      stop: async () => {
        await server.close();
        await rm(directory, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(directory, { recursive: true, force: true });
    throw err;
  }
}

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
