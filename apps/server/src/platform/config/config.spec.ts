import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, describeConfig, hasRole, loadConfig } from './config.js';

const GOOD_SECRET = 'x'.repeat(32);

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('loadConfig', () => {
  it('applies every default on an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      nodeEnv: 'development',
      roles: ['all'],
      dataDir: path.resolve('./data'),
      http: { host: '127.0.0.1', port: 8080, corsOrigins: [], bodyLimitBytes: 1_048_576 },
      database: { url: undefined, poolMax: 10 },
      redis: { url: undefined, clusterNodes: undefined, keyPrefix: '' },
      kafka: { brokers: undefined, clientId: 'glimpse', namespace: undefined },
      grpc: {
        urls: {
          auth: { host: '127.0.0.1', port: 50051 },
          user: { host: '127.0.0.1', port: 50052 },
          media: { host: '127.0.0.1', port: 50053 },
          post: { host: '127.0.0.1', port: 50054 },
          feed: { host: '127.0.0.1', port: 50055 },
          like: { host: '127.0.0.1', port: 50056 },
          comment: { host: '127.0.0.1', port: 50057 },
          notification: { host: '127.0.0.1', port: 50058 },
          analytics: { host: '127.0.0.1', port: 50059 },
        },
        deadlineMs: 2000,
        breakerCooldownMs: 2000,
      },
      auth: {
        jwtSecret: undefined,
        accessTokenTtlSeconds: 900,
        refreshTokenTtlSeconds: 2_592_000,
      },
      rateLimit: { multiplier: 1 },
      storage: { localDir: path.resolve('./data/media'), s3: undefined, publicUrl: undefined },
      feed: { fanoutFollowerThreshold: 10_000, maxItems: 800, activeDays: 7, exploreRefreshSeconds: 60 },
      engagement: { reconcileSeconds: 300 },
      notifications: { groupWindowSeconds: 43_200, streamHeartbeatSeconds: 15, maxStreamsPerUser: 5 },
      media: { maxBytes: 52_428_800, maxPixels: 100_000_000, workerConcurrency: 2, uploadUrlTtlSeconds: 900 },
      log: { level: 'info' },
      workerId: undefined,
      outbox: { pollIntervalMs: 250 },
      shutdown: { graceMs: 10_000 },
      tracing: { exporter: 'none' },
    });
  });

  it('configures S3 media storage, and requires its public URL and both credentials', () => {
    const config = loadConfig({
      S3_BUCKET: 'photos',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
      MEDIA_PUBLIC_URL: 'https://cdn.example.com/photos/',
    });
    expect(config.storage).toEqual({
      localDir: path.resolve('./data/media'),
      s3: {
        endpoint: 'http://127.0.0.1:9000',
        bucket: 'photos',
        region: 'us-east-1',
        accessKeyId: 'key',
        secretAccessKey: 'secret',
        forcePathStyle: true,
      },
      publicUrl: 'https://cdn.example.com/photos',
    });
    expect(() => loadConfig({ S3_BUCKET: 'photos' })).toThrow(/MEDIA_PUBLIC_URL: required with S3_BUCKET/);
    const halfCredentials = () =>
      loadConfig({ S3_BUCKET: 'p', MEDIA_PUBLIC_URL: 'https://cdn.example.com', S3_ACCESS_KEY_ID: 'key' });
    expect(halfCredentials).toThrow(/S3_SECRET_ACCESS_KEY: set both/);
    // A secret is never echoed.
    expect(() =>
      loadConfig({ S3_SECRET_ACCESS_KEY: ' ' + 'x'.repeat(5), S3_ACCESS_KEY_ID: 'k', MEDIA_MAX_BYTES: '1' }),
    ).toThrow(/MEDIA_MAX_BYTES: expected an integer between 1024/);
  });

  it('treats empty and blank strings as unset and ignores unknown variables', () => {
    const config = loadConfig({ PORT: '', LOG_LEVEL: '  ', KAFKA_BROKERS: '', SOMETHING_ELSE: '???' });
    expect(config.http.port).toBe(8080);
    expect(config.log.level).toBe('info');
    expect(config.kafka.brokers).toBeUndefined();
  });

  it('parses every kind of value', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      HOST: '0.0.0.0',
      PORT: '3000',
      ROLES: 'gateway, auth,feed,gateway',
      DATA_DIR: '/var/lib/glimpse',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/glimpse',
      DATABASE_POOL_MAX: '25',
      REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001,[::1]:7002',
      REDIS_KEY_PREFIX: 'g1:',
      KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092',
      KAFKA_CLIENT_ID: 'glimpse-test',
      JWT_SECRET: GOOD_SECRET,
      ACCESS_TOKEN_TTL_SECONDS: '60',
      REFRESH_TOKEN_TTL_SECONDS: '3600',
      RATE_LIMIT_MULTIPLIER: '0.5',
      CORS_ORIGINS: 'https://glimpse.example, http://localhost:5173/',
      BODY_LIMIT_BYTES: '2048',
      LOG_LEVEL: 'silent',
      WORKER_ID: '0',
      OUTBOX_POLL_INTERVAL_MS: '100',
      SHUTDOWN_GRACE_MS: '0',
      TRACING_EXPORTER: 'console',
    });
    expect(config.nodeEnv).toBe('production');
    expect(config.roles).toEqual(['gateway', 'auth', 'feed']);
    expect(config.dataDir).toBe('/var/lib/glimpse');
    expect(config.http).toEqual({
      host: '0.0.0.0',
      port: 3000,
      corsOrigins: ['https://glimpse.example', 'http://localhost:5173'],
      bodyLimitBytes: 2048,
    });
    expect(config.database).toEqual({
      url: 'postgres://postgres@127.0.0.1:5432/glimpse',
      poolMax: 25,
    });
    expect(config.redis).toEqual({
      url: undefined,
      clusterNodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      keyPrefix: 'g1:',
    });
    expect(config.kafka).toEqual({
      brokers: [
        { host: 'kafka-1', port: 9092 },
        { host: 'kafka-2', port: 9092 },
      ],
      clientId: 'glimpse-test',
    });
    expect(config.auth).toEqual({
      jwtSecret: GOOD_SECRET,
      accessTokenTtlSeconds: 60,
      refreshTokenTtlSeconds: 3600,
    });
    expect(config.rateLimit.multiplier).toBe(0.5);
    expect(config.log.level).toBe('silent');
    expect(config.workerId).toBe(0);
    expect(config.outbox.pollIntervalMs).toBe(100);
    expect(config.shutdown.graceMs).toBe(0);
    expect(config.tracing.exporter).toBe('console');
  });

  it('accepts "*" as CORS origin and a plain Redis URL', () => {
    const config = loadConfig({ CORS_ORIGINS: '*', REDIS_URL: 'redis://127.0.0.1:6379/0' });
    expect(config.http.corsOrigins).toBe('*');
    expect(config.redis.url).toBe('redis://127.0.0.1:6379/0');
    expect(config.redis.clusterNodes).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc', 'PORT: expected an integer between 0 and 65535, got "abc"'],
    ['PORT', '70000', 'PORT: expected an integer between 0 and 65535, got "70000"'],
    ['PORT', '80.5', 'PORT: expected an integer between 0 and 65535, got "80.5"'],
    ['NODE_ENV', 'staging', 'NODE_ENV: expected one of development|test|production, got "staging"'],
    [
      'LOG_LEVEL',
      'verbose',
      'LOG_LEVEL: expected one of fatal|error|warn|info|debug|trace|silent, got "verbose"',
    ],
    ['TRACING_EXPORTER', 'otlp', 'TRACING_EXPORTER: expected one of none|console, got "otlp"'],
    ['GRPC_USER_URL', 'user-service', 'GRPC_USER_URL: expected host:port, got "user-service"'],
    ['GRPC_DEADLINE_MS', '10', 'GRPC_DEADLINE_MS: expected an integer between 50 and 60000, got "10"'],
    ['ROLES', 'gateway,bogus', 'ROLES: expected a comma-separated list of roles from'],
    ['ROLES', 'gateway,bogus', '(unknown: bogus), got "gateway,bogus"'],
    ['ROLES', ',', 'ROLES: expected a comma-separated list of roles'],
    [
      'KAFKA_BROKERS',
      'kafka-1',
      'KAFKA_BROKERS: expected a comma-separated list of host:port, got "kafka-1"',
    ],
    ['KAFKA_BROKERS', 'a:9092,b:99999', 'KAFKA_BROKERS: expected a comma-separated list of host:port'],
    ['REDIS_CLUSTER_NODES', 'a:1,,b:2', 'REDIS_CLUSTER_NODES: expected a comma-separated list of host:port'],
    ['WORKER_ID', '1024', 'WORKER_ID: expected an integer between 0 and 1023, got "1024"'],
    ['WORKER_ID', '-1', 'WORKER_ID: expected an integer between 0 and 1023, got "-1"'],
    ['RATE_LIMIT_MULTIPLIER', '0', 'RATE_LIMIT_MULTIPLIER: expected a positive number, got "0"'],
    ['RATE_LIMIT_MULTIPLIER', '-2', 'RATE_LIMIT_MULTIPLIER: expected a positive number, got "-2"'],
    ['RATE_LIMIT_MULTIPLIER', 'fast', 'RATE_LIMIT_MULTIPLIER: expected a positive number, got "fast"'],
    [
      'CORS_ORIGINS',
      'https://a.example/path',
      'CORS_ORIGINS: expected "*" or a comma-separated list of origins',
    ],
    ['CORS_ORIGINS', 'not a url', 'CORS_ORIGINS: expected "*" or a comma-separated list of origins'],
    [
      'DATABASE_URL',
      'mysql://db/x',
      'DATABASE_URL: expected a URL starting with postgres:// or postgresql://',
    ],
    ['REDIS_URL', 'http://cache', 'REDIS_URL: expected a URL starting with redis:// or rediss://'],
    ['DATABASE_POOL_MAX', '0', 'DATABASE_POOL_MAX: expected an integer between 1 and 1000, got "0"'],
    ['BODY_LIMIT_BYTES', '1MB', 'BODY_LIMIT_BYTES: expected an integer between 1 and 1073741824, got "1MB"'],
    ['JWT_SECRET', 'short', 'JWT_SECRET: expected at least 32 characters'],
  ])('names %s=%j in the error', (name, value, expected) => {
    const error = configError({ [name]: value });
    expect(error.message.startsWith('Invalid configuration: ')).toBe(true);
    expect(error.message).toContain(expected);
    expect(error.issues.map((i) => i.variable)).toEqual([name]);
  });

  it('never echoes values that may hold credentials', () => {
    const error = configError({
      DATABASE_URL: 'mysql://root:hunter2@db/x',
      JWT_SECRET: 'sup3r-secret',
    });
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('sup3r-secret');
    expect(error.message).toContain(
      'JWT_SECRET: expected at least 32 characters, got a value of 12 characters',
    );
  });

  it('names every bad variable at once, in declaration order', () => {
    const error = configError({
      PORT: 'abc',
      KAFKA_BROKERS: 'nope',
      LOG_LEVEL: 'loud',
      ROLES: 'gateway,unknown-role',
      NODE_ENV: 'production',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_CLUSTER_NODES: '127.0.0.1:7000',
    });
    expect(error.issues.map((i) => i.variable)).toEqual([
      'PORT',
      'ROLES',
      'REDIS_CLUSTER_NODES',
      'KAFKA_BROKERS',
      'JWT_SECRET',
      'LOG_LEVEL',
    ]);
    expect(error.message).toMatch(
      /^Invalid configuration: PORT: expected an integer between 0 and 65535, got "abc"; ROLES: .*; KAFKA_BROKERS: /,
    );
  });

  it('requires JWT_SECRET in production only', () => {
    const error = configError({ NODE_ENV: 'production' });
    expect(error.message).toBe(
      'Invalid configuration: JWT_SECRET: required when NODE_ENV=production (at least 32 characters)',
    );
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: GOOD_SECRET }).auth.jwtSecret).toBe(GOOD_SECRET);
    expect(loadConfig({ NODE_ENV: 'test' }).auth.jwtSecret).toBeUndefined();
  });

  it('rejects REDIS_URL together with REDIS_CLUSTER_NODES', () => {
    const error = configError({ REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7000' });
    expect(error.issues).toEqual([
      { variable: 'REDIS_CLUSTER_NODES', message: 'cannot be combined with REDIS_URL; set one or the other' },
    ]);
  });
});

describe('hasRole', () => {
  it('treats all as every role', () => {
    expect(hasRole(loadConfig({}), 'feed')).toBe(true);
    const gatewayOnly = loadConfig({ ROLES: 'gateway,outbox-relay' });
    expect(hasRole(gatewayOnly, 'gateway')).toBe(true);
    expect(hasRole(gatewayOnly, 'outbox-relay')).toBe(true);
    expect(hasRole(gatewayOnly, 'feed')).toBe(false);
  });
});

describe('CONFIG_VARIABLES', () => {
  it('documents exactly the variables loadConfig reads, with defaults that parse', () => {
    const names = CONFIG_VARIABLES.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('JWT_SECRET');
    expect(names).toHaveLength(54);
    // The documented defaults, written out as if set explicitly, must load.
    expect(() =>
      loadConfig(Object.fromEntries(CONFIG_VARIABLES.map((v) => [v.name, v.default]))),
    ).not.toThrow();
    for (const v of CONFIG_VARIABLES) expect(v.description.length).toBeGreaterThan(10);
    expect(describeConfig()).toContain('| `PORT` | `8080` | HTTP listen port (0: any free port). |');
    expect(describeConfig()).toContain('| `DATABASE_URL` | (unset) |');
  });
});
