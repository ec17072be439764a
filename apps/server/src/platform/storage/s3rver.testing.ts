import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
export const S3_TEST_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
export const S3_TEST_REGION = 'us-east-1';

export interface RunningS3 {
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * A private S3 server on a free 127.0.0.1 port, storing under a fresh temporary directory, with
 * the test's buckets created at start. (Not through CreateBucket: this server verifies SigV4 but
 * canonicalises bucket-level paths without the trailing slash the SDK signs, so it refuses them.)
 */
export async function startS3(buckets: string[]): Promise<RunningS3> {
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
