import 'reflect-metadata';

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { startApplication, type RunningApplication } from '../../src/app/application.js';
import { loadConfig } from '../../src/platform/config/config.js';
import { createTempDatabase } from '../../src/platform/sql/testing/temp-database.js';
import { AccountRoles } from '../../src/services/auth/account-roles.js';
import { SqlAccountsRepository } from '../../src/services/auth/accounts.repository.js';
import { grantAdminWithCli } from './server-process.js';
import { S3_TEST_CREDENTIALS, S3_TEST_REGION, startS3 } from '../../src/platform/storage/s3rver.testing.js';
import type { ApiTarget } from '../api/api.scenarios.js';
import { TEST_FANOUT_FOLLOWER_THRESHOLD } from '../api/feed.scenarios.js';
import { TEST_MEDIA_MAX_BYTES } from '../api/media.scenarios.js';

/** Test apps get generous rate limits so suites can sign up many users from one address. */
const TEST_ENV = {
  NODE_ENV: 'test',
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  RATE_LIMIT_MULTIPLIER: '1000',
  OUTBOX_POLL_INTERVAL_MS: '50',
  JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
  MEDIA_MAX_BYTES: String(TEST_MEDIA_MAX_BYTES),
  FANOUT_FOLLOWER_THRESHOLD: String(TEST_FANOUT_FOLLOWER_THRESHOLD),
  EXPLORE_REFRESH_SECONDS: '1',
  // Short, so that streams catch up quickly when a test takes pub/sub away.
  SSE_HEARTBEAT_SECONDS: '2',
};

export interface StartedApp extends ApiTarget {
  app: RunningApplication;
}

function asTarget(
  app: RunningApplication,
  grantAdmin: (username: string) => Promise<void>,
  cleanup: () => Promise<void>,
): StartedApp {
  if (!app.url || !app.infrastructure.bus)
    throw new Error('the monolith did not start its gateway and event bus');
  return {
    app,
    baseUrl: app.url,
    bus: app.infrastructure.bus,
    grantAdmin,
    close: async () => {
      await app.close();
      await cleanup();
    },
  };
}

/** Everything in one process on embedded infrastructure: PGlite, memory cache, in-process bus. */
export async function startEmbeddedApp(env: Record<string, string> = {}): Promise<StartedApp> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'glimpse-test-'));
  const app = await startApplication(loadConfig({ ...TEST_ENV, DATA_DIR: dataDir, ...env }));
  // PGlite is open in this process alone: the role is granted through it, as the CLI would.
  const sql = app.infrastructure.sql;
  if (!sql) throw new Error('the monolith did not open its database');
  const roles = new AccountRoles(new SqlAccountsRepository(sql));
  return asTarget(
    app,
    (username) => roles.setAdmin(username, true),
    () => rm(dataDir, { recursive: true, force: true }),
  );
}

/**
 * Everything in one process on the real servers: a fresh PostgreSQL database, Redis with a
 * key prefix of its own, Kafka with a client id of its own, so parallel suites never meet, and
 * media in S3 (a private S3-protocol server, so direct uploads get real presigned URLs).
 */
export async function startRealApp(env: Record<string, string> = {}): Promise<StartedApp> {
  const bucket = 'glimpse-media';
  const s3 = await startS3([bucket]);
  const database = await createTempDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'glimpse-test-'));
  const app = await startApplication(
    loadConfig({
      ...TEST_ENV,
      DATA_DIR: dataDir,
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: bucket,
      S3_REGION: S3_TEST_REGION,
      S3_ACCESS_KEY_ID: S3_TEST_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3_TEST_CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      MEDIA_PUBLIC_URL: `${s3.endpoint}/${bucket}`,
      DATABASE_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `test-${randomUUID().slice(0, 8)}:`,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
      // Topics and consumer groups of its own: other suites share the broker.
      ...kafkaNamespace(),
      ...env,
    }),
  );
  return asTarget(
    app,
    (username) => grantAdminWithCli(database.url, username),
    async () => {
      await database.drop();
      await s3.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  );
}

function kafkaNamespace(): { KAFKA_CLIENT_ID: string; KAFKA_NAMESPACE: string } {
  const namespace = `test-${randomUUID().slice(0, 8)}`;
  return { KAFKA_CLIENT_ID: `glimpse-${namespace}`, KAFKA_NAMESPACE: namespace };
}
