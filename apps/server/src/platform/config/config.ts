import path from 'node:path';
import { z } from 'zod';
import { MAX_WORKER_ID } from '../ids/snowflake.js';

/**
 * Configuration comes from environment variables only, validated once at start-up. Every variable is
 * declared exactly once in VARIABLES below (default, description, parser), so the README table generated
 * from CONFIG_VARIABLES cannot drift from what the code accepts.
 */

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

/**
 * Deployment roles (Loki/Mimir style): `all` runs every component in one process. Roles that are not wired
 * yet are accepted already so later work only has to wire them.
 */
export const ROLES = [
  'all',
  'gateway',
  'auth',
  'user',
  'outbox-relay',
  'media',
  'post',
  'feed',
  'like',
  'comment',
  'notification',
  'analytics',
  'fanout',
  'media-worker',
] as const;
export type Role = (typeof ROLES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const TRACING_EXPORTERS = ['none', 'console'] as const;
export type TracingExporter = (typeof TRACING_EXPORTERS)[number];

export const MIN_JWT_SECRET_LENGTH = 32;

/** Roles that serve a gRPC API of their own. */
export const GRPC_SERVICE_ROLES = [
  'auth',
  'user',
  'media',
  'post',
  'feed',
  'like',
  'comment',
  'notification',
  'analytics',
] as const satisfies readonly Role[];
export type GrpcServiceRole = (typeof GRPC_SERVICE_ROLES)[number];

export interface HostPort {
  host: string;
  port: number;
}

export function formatHostPort({ host, port }: HostPort): string {
  return `${host}:${port}`;
}

/** `'*'` allows any origin; an empty list means same-origin only (no CORS headers at all). */
export type CorsOrigins = '*' | readonly string[];

export interface Config {
  nodeEnv: NodeEnv;
  roles: readonly Role[];
  /** Absolute path; holds PGlite files, local media and generated development secrets. */
  dataDir: string;
  http: {
    host: string;
    port: number;
    corsOrigins: CorsOrigins;
    bodyLimitBytes: number;
  };
  database: {
    /** Unset: embedded PGlite under dataDir. */
    url: string | undefined;
    poolMax: number;
  };
  redis: {
    /** Both unset: in-memory cache. Never both set. */
    url: string | undefined;
    clusterNodes: readonly HostPort[] | undefined;
    keyPrefix: string;
  };
  kafka: {
    /** Unset: in-process event bus. */
    brokers: readonly HostPort[] | undefined;
    clientId: string;
    /** Prefix of every topic and consumer group; unset: none. */
    namespace: string | undefined;
  };
  /** Where each service role is reached (and listens) over gRPC, and how calls to it behave. */
  grpc: {
    urls: Record<GrpcServiceRole, HostPort>;
    deadlineMs: number;
    breakerCooldownMs: number;
  };
  auth: {
    /** Unset outside production: see resolveJwtSecret() in secrets.ts. */
    jwtSecret: string | undefined;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
  };
  rateLimit: {
    multiplier: number;
  };
  /** Object storage: S3 when a bucket is set, else local disk under `localDir`. */
  storage: {
    localDir: string;
    s3:
      | {
          endpoint: string | undefined;
          bucket: string;
          region: string;
          accessKeyId: string | undefined;
          secretAccessKey: string | undefined;
          forcePathStyle: boolean;
        }
      | undefined;
    /** Base URL of served media (a CDN in production); unset: `/media` on the gateway. */
    publicUrl: string | undefined;
  };
  feed: {
    fanoutFollowerThreshold: number;
    maxItems: number;
    activeDays: number;
    exploreRefreshSeconds: number;
  };
  engagement: {
    reconcileSeconds: number;
  };
  notifications: {
    groupWindowSeconds: number;
    streamHeartbeatSeconds: number;
    maxStreamsPerUser: number;
  };
  media: {
    maxBytes: number;
    maxPixels: number;
    workerConcurrency: number;
    uploadUrlTtlSeconds: number;
  };
  log: {
    level: LogLevel;
  };
  /** Unset: chosen at random at start (see resolveWorkerId in ids/worker-id.ts). */
  workerId: number | undefined;
  outbox: {
    pollIntervalMs: number;
  };
  shutdown: {
    graceMs: number;
  };
  tracing: {
    exporter: TracingExporter;
  };
}

export interface ConfigIssue {
  variable: string;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(`Invalid configuration: ${issues.map((i) => `${i.variable}: ${i.message}`).join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Parsers. Each receives the raw string (env value, or the documented default) or undefined when unset
// with no default. Messages say what was expected; loadConfig appends what was received.

const integer = (min: number, max: number) => {
  const error = `expected an integer between ${min} and ${max}`;
  return z
    .string({ error })
    .regex(/^\d+$/, { error })
    .transform(Number)
    .pipe(z.number().int().min(min, { error }).max(max, { error }));
};

const optionalInteger = (min: number, max: number) => integer(min, max).optional();

const positiveNumber = () => {
  const error = 'expected a positive number';
  return z
    .string({ error })
    .regex(/^(\d+(\.\d*)?|\.\d+)$/, { error })
    .transform(Number)
    .pipe(z.number().positive({ error }).finite({ error }));
};

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `expected one of ${values.join('|')}` });

const text = () => z.string({ error: 'expected a value' });

const parseHostPort = (s: string): HostPort | undefined => {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(s);
  if (!match?.[1] || !match[2]) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
};

const hostPortList = () => {
  const error = 'expected a comma-separated list of host:port';
  return z
    .string()
    .optional()
    .transform((raw, ctx): HostPort[] | undefined => {
      if (raw === undefined) return undefined;
      const parsed = raw.split(',').map((s) => parseHostPort(s.trim()));
      if (!parsed.every((hp) => hp !== undefined)) {
        ctx.addIssue({ code: 'custom', message: error, input: raw });
        return z.NEVER;
      }
      return parsed;
    });
};

const hostPortValue = () => {
  const error = 'expected host:port';
  return z.string().transform((raw, ctx): HostPort => {
    const parsed = parseHostPort(raw.trim());
    if (!parsed) {
      ctx.addIssue({ code: 'custom', message: error, input: raw });
      return z.NEVER;
    }
    return parsed;
  });
};

const urlWithScheme = (schemes: readonly string[]) => {
  const error = `expected a URL starting with ${schemes.map((s) => `${s}//`).join(' or ')}`;
  return z
    .string()
    .optional()
    .refine(
      (raw) => {
        if (raw === undefined) return true;
        try {
          const url = new URL(raw);
          return schemes.includes(url.protocol) && url.hostname.length > 0;
        } catch {
          return false;
        }
      },
      { error },
    );
};

const isOrigin = (s: string): boolean => {
  try {
    const url = new URL(s);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === s.replace(/\/$/, '');
  } catch {
    return false;
  }
};

const corsOrigins = () => {
  const error = 'expected "*" or a comma-separated list of origins like https://example.com';
  return z
    .string()
    .optional()
    .transform((raw, ctx): CorsOrigins => {
      if (raw === undefined) return [];
      if (raw === '*') return '*';
      const origins = raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
      if (!origins.every(isOrigin)) {
        ctx.addIssue({ code: 'custom', message: error, input: raw });
        return z.NEVER;
      }
      return origins.map((o) => o.replace(/\/$/, ''));
    });
};

const roles = () => {
  const error = `expected a comma-separated list of roles from ${ROLES.join(', ')}`;
  return z.string().transform((raw, ctx): Role[] => {
    const names = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    const unknown = names.filter((n) => !(ROLES as readonly string[]).includes(n));
    if (names.length === 0 || unknown.length > 0) {
      const detail = unknown.length > 0 ? ` (unknown: ${unknown.join(', ')})` : '';
      ctx.addIssue({ code: 'custom', message: `${error}${detail}`, input: raw });
      return z.NEVER;
    }
    return [...new Set(names as Role[])];
  });
};

const jwtSecret = () =>
  z
    .string()
    .min(MIN_JWT_SECRET_LENGTH, { error: `expected at least ${MIN_JWT_SECRET_LENGTH} characters` })
    .optional();

// ---------------------------------------------------------------------------------------------------------

interface VariableSpec<S extends z.ZodType> {
  /** Raw default, parsed exactly like a value from the environment. Undefined: unset by default. */
  default: string | undefined;
  description: string;
  /** Values that may hold credentials are never echoed in error messages. */
  sensitive?: boolean;
  schema: S;
}

const variable = <S extends z.ZodType>(spec: VariableSpec<S>): VariableSpec<S> => spec;

const VARIABLES = {
  NODE_ENV: variable({
    default: 'development',
    description: `Environment: ${NODE_ENVS.join('|')}. production requires JWT_SECRET.`,
    schema: oneOf(NODE_ENVS),
  }),
  HOST: variable({ default: '127.0.0.1', description: 'HTTP listen address.', schema: text() }),
  PORT: variable({
    default: '8080',
    description: 'HTTP listen port (0: any free port).',
    schema: integer(0, 65535),
  }),
  ROLES: variable({
    default: 'all',
    description: `Comma-separated components this process runs: ${ROLES.join(', ')}.`,
    schema: roles(),
  }),
  DATA_DIR: variable({
    default: './data',
    description: 'Directory for PGlite files, local media and generated development secrets.',
    schema: text(),
  }),
  DATABASE_URL: variable({
    default: undefined,
    description: 'PostgreSQL URL (postgres://...). Unset: embedded PGlite under DATA_DIR.',
    sensitive: true,
    schema: urlWithScheme(['postgres:', 'postgresql:']),
  }),
  DATABASE_POOL_MAX: variable({
    default: '10',
    description: 'Maximum PostgreSQL connections per pool.',
    schema: integer(1, 1000),
  }),
  REDIS_URL: variable({
    default: undefined,
    description: 'Redis URL (redis:// or rediss://). Unset (and no cluster): in-memory cache.',
    sensitive: true,
    schema: urlWithScheme(['redis:', 'rediss:']),
  }),
  REDIS_CLUSTER_NODES: variable({
    default: undefined,
    description: 'Redis Cluster seed nodes, comma-separated host:port. Mutually exclusive with REDIS_URL.',
    schema: hostPortList(),
  }),
  REDIS_KEY_PREFIX: variable({
    default: undefined,
    description: 'Prefix for every Redis key (lets several deployments share one Redis).',
    schema: z.string().optional(),
  }),
  KAFKA_BROKERS: variable({
    default: undefined,
    description: 'Kafka bootstrap brokers, comma-separated host:port. Unset: in-process event bus.',
    schema: hostPortList(),
  }),
  KAFKA_CLIENT_ID: variable({ default: 'glimpse', description: 'Kafka client id.', schema: text() }),
  KAFKA_NAMESPACE: variable({
    default: undefined,
    description:
      'Prefix of every Kafka topic and consumer group, so several deployments can share one Kafka cluster.',
    schema: z
      .string()
      .regex(/^[a-zA-Z0-9._-]+$/, { error: 'expected a-z A-Z 0-9 . _ - only' })
      .optional(),
  }),
  GRPC_AUTH_URL: variable({
    default: '127.0.0.1:50051',
    description: 'host:port of the auth service over gRPC; the auth role listens on its port.',
    schema: hostPortValue(),
  }),
  GRPC_USER_URL: variable({
    default: '127.0.0.1:50052',
    description: 'host:port of the user service over gRPC; the user role listens on its port.',
    schema: hostPortValue(),
  }),
  GRPC_MEDIA_URL: variable({
    default: '127.0.0.1:50053',
    description: 'host:port of the media service over gRPC; the media role listens on its port.',
    schema: hostPortValue(),
  }),
  GRPC_POST_URL: variable({
    default: '127.0.0.1:50054',
    description: 'host:port of the post service over gRPC; the post role listens on its port.',
    schema: hostPortValue(),
  }),
  GRPC_FEED_URL: variable({
    default: '127.0.0.1:50055',
    description: 'host:port of the feed service over gRPC; the feed role listens on its port.',
    schema: hostPortValue(),
  }),
  GRPC_LIKE_URL: variable({
    default: '127.0.0.1:50056',
    description: 'host:port of the like service over gRPC; the like role listens on its port.',
    schema: hostPortValue(),
  }),
  GRPC_COMMENT_URL: variable({
    default: '127.0.0.1:50057',
    description: 'host:port of the comment service over gRPC; the comment role listens on its port.',
    schema: hostPortValue(),
  }),
  GRPC_NOTIFICATION_URL: variable({
    default: '127.0.0.1:50058',
    description:
      'host:port of the notification service over gRPC; the notification role listens on its port.',
    schema: hostPortValue(),
  }),
  GRPC_ANALYTICS_URL: variable({
    default: '127.0.0.1:50059',
    description: 'host:port of the analytics service over gRPC; the analytics role listens on its port.',
    schema: hostPortValue(),
  }),
  GRPC_DEADLINE_MS: variable({
    default: '2000',
    description: 'Deadline of every gRPC call, in milliseconds.',
    schema: integer(50, 60_000),
  }),
  GRPC_BREAKER_COOLDOWN_MS: variable({
    default: '2000',
    description:
      'How long a tripped circuit breaker answers 503 at once before it lets one trial call through.',
    schema: integer(50, 600_000),
  }),
  JWT_SECRET: variable({
    default: undefined,
    description:
      `HMAC secret for access tokens, at least ${MIN_JWT_SECRET_LENGTH} characters. Required in production; ` +
      'in development/test a random one is generated once and kept in DATA_DIR/secrets/jwt-secret.',
    sensitive: true,
    schema: jwtSecret(),
  }),
  ACCESS_TOKEN_TTL_SECONDS: variable({
    default: '900',
    description: 'Access token lifetime in seconds.',
    schema: integer(1, 86_400),
  }),
  REFRESH_TOKEN_TTL_SECONDS: variable({
    default: '2592000',
    description: 'Refresh token lifetime in seconds.',
    schema: integer(60, 31_536_000),
  }),
  RATE_LIMIT_MULTIPLIER: variable({
    default: '1',
    description: 'Multiplies every rate limit (e.g. 100 for load tests).',
    schema: positiveNumber(),
  }),
  CORS_ORIGINS: variable({
    default: undefined,
    description: 'Allowed CORS origins: "*" or a comma-separated list. Unset: same origin only.',
    schema: corsOrigins(),
  }),
  BODY_LIMIT_BYTES: variable({
    default: '1048576',
    description: 'Maximum JSON request body size in bytes (media uploads have their own limit).',
    schema: integer(1, 1_073_741_824),
  }),
  S3_BUCKET: variable({
    default: undefined,
    description: 'S3 bucket for media. Unset: media on local disk under DATA_DIR/media.',
    schema: z.string().optional(),
  }),
  S3_ENDPOINT: variable({
    default: undefined,
    description: 'S3-compatible endpoint (MinIO, R2, ...). Unset: AWS S3.',
    schema: urlWithScheme(['http:', 'https:']),
  }),
  S3_REGION: variable({ default: 'us-east-1', description: 'Region of the S3 bucket.', schema: text() }),
  S3_ACCESS_KEY_ID: variable({
    default: undefined,
    description: "S3 access key id. Unset: the AWS SDK's default credential chain.",
    sensitive: true,
    schema: z.string().optional(),
  }),
  S3_SECRET_ACCESS_KEY: variable({
    default: undefined,
    description: 'S3 secret access key (with S3_ACCESS_KEY_ID).',
    sensitive: true,
    schema: z.string().optional(),
  }),
  S3_FORCE_PATH_STYLE: variable({
    default: 'false',
    description: 'Address the bucket as endpoint/bucket (most self-hosted S3 stores need true).',
    schema: oneOf(['true', 'false']),
  }),
  MEDIA_PUBLIC_URL: variable({
    default: undefined,
    description:
      'Base URL media variants are served from (a CDN in front of the bucket). Required with S3_BUCKET; ' +
      'unset on local disk: /media on the gateway.',
    schema: urlWithScheme(['http:', 'https:']),
  }),
  MEDIA_MAX_BYTES: variable({
    default: '52428800',
    description: 'Largest photo accepted, in bytes (413 beyond, checked while streaming).',
    schema: integer(1024, 1_073_741_824),
  }),
  MEDIA_MAX_PIXELS: variable({
    default: '100000000',
    description: 'Largest decoded photo accepted, in pixels (refused before decoding).',
    schema: integer(1, 1_000_000_000),
  }),
  MEDIA_WORKER_CONCURRENCY: variable({
    default: '2',
    description: 'Photos a media-worker process decodes at once; further uploads queue.',
    schema: integer(1, 64),
  }),
  MEDIA_UPLOAD_URL_TTL_SECONDS: variable({
    default: '900',
    description: 'Lifetime of direct-upload (presigned) URLs, in seconds.',
    schema: integer(60, 604_800),
  }),
  FANOUT_FOLLOWER_THRESHOLD: variable({
    default: '10000',
    description:
      "Authors with more followers are merged into readers' feeds at read time instead of pushed to every follower.",
    schema: integer(0, 1_000_000_000),
  }),
  FEED_MAX_ITEMS: variable({
    default: '800',
    description: 'Post ids kept in each home feed in Redis.',
    schema: integer(10, 100_000),
  }),
  FEED_ACTIVE_DAYS: variable({
    default: '7',
    description:
      'A feed unread for this many days expires and fanout skips it; it is rebuilt on the next read.',
    schema: integer(1, 365),
  }),
  COUNTER_RECONCILE_SECONDS: variable({
    default: '300',
    description:
      'How often the like and comment roles compare their Redis counters with PostgreSQL and repair drift, in seconds.',
    schema: integer(1, 86_400),
  }),
  NOTIFICATION_GROUP_WINDOW_SECONDS: variable({
    default: '43200',
    description:
      'Likes of one post, and follows, within one window of this many seconds are one notification while unread.',
    schema: integer(60, 2_592_000),
  }),
  SSE_HEARTBEAT_SECONDS: variable({
    default: '15',
    description:
      'Seconds between heartbeats on notification streams (keeps proxies from closing them; each also re-checks for missed changes when live delivery is down).',
    schema: integer(1, 300),
  }),
  SSE_MAX_STREAMS_PER_USER: variable({
    default: '5',
    description:
      'Notification streams one user may hold open on one gateway instance; the oldest is closed beyond.',
    schema: integer(1, 100),
  }),
  EXPLORE_REFRESH_SECONDS: variable({
    default: '60',
    description: 'How often the Explore ranking is recomputed, in seconds.',
    schema: integer(1, 86_400),
  }),
  LOG_LEVEL: variable({
    default: 'info',
    description: `Log level: ${LOG_LEVELS.join('|')}.`,
    schema: oneOf(LOG_LEVELS),
  }),
  WORKER_ID: variable({
    default: undefined,
    description: `ID generator worker id, 0..${MAX_WORKER_ID}; unique per process. Unset: random at start.`,
    schema: optionalInteger(0, MAX_WORKER_ID),
  }),
  OUTBOX_POLL_INTERVAL_MS: variable({
    default: '250',
    description: 'How often the outbox relay polls for unpublished events, in milliseconds.',
    schema: integer(1, 3_600_000),
  }),
  SHUTDOWN_GRACE_MS: variable({
    default: '10000',
    description: 'Time each component gets to close on shutdown, in milliseconds.',
    schema: integer(0, 600_000),
  }),
  TRACING_EXPORTER: variable({
    default: 'none',
    description: `Where spans go: ${TRACING_EXPORTERS.join('|')}. Trace ids are propagated either way.`,
    schema: oneOf(TRACING_EXPORTERS),
  }),
};

type VariableName = keyof typeof VARIABLES;

export interface ConfigVariable {
  name: string;
  /** Raw default as it would be written in the environment; undefined when unset by default. */
  default: string | undefined;
  description: string;
}

export const CONFIG_VARIABLES: readonly ConfigVariable[] = Object.entries(VARIABLES).map(([name, spec]) => ({
  name,
  default: spec.default,
  description: spec.description,
}));

/** Markdown table of every variable, for the README. */
export function describeConfig(): string {
  const rows = CONFIG_VARIABLES.map(
    (v) =>
      `| \`${v.name}\` | ${v.default === undefined ? '(unset)' : `\`${v.default}\``} | ${v.description} |`,
  );
  return ['| Variable | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}

const schema = z.object(
  Object.fromEntries(Object.entries(VARIABLES).map(([name, spec]) => [name, spec.schema])) as {
    [K in VariableName]: (typeof VARIABLES)[K]['schema'];
  },
);

type Parsed = z.output<typeof schema>;

const normalize = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed.length === 0 ? undefined : trimmed;
};

const describeReceived = (name: VariableName, raw: string | undefined): string => {
  if (raw === undefined) return '';
  if (VARIABLES[name].sensitive) return `, got a value of ${raw.length} characters (not shown)`;
  return `, got ${JSON.stringify(raw)}`;
};

/** Rules spanning several variables; checked on raw values so they are reported alongside field errors. */
function crossFieldIssues(raw: Record<VariableName, string | undefined>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (raw.NODE_ENV === 'production' && raw.JWT_SECRET === undefined) {
    issues.push({
      variable: 'JWT_SECRET',
      message: `required when NODE_ENV=production (at least ${MIN_JWT_SECRET_LENGTH} characters)`,
    });
  }
  if (raw.REDIS_URL !== undefined && raw.REDIS_CLUSTER_NODES !== undefined) {
    issues.push({
      variable: 'REDIS_CLUSTER_NODES',
      message: 'cannot be combined with REDIS_URL; set one or the other',
    });
  }
  if (raw.S3_BUCKET !== undefined && raw.MEDIA_PUBLIC_URL === undefined) {
    issues.push({
      variable: 'MEDIA_PUBLIC_URL',
      message: 'required with S3_BUCKET (where browsers fetch the variants from)',
    });
  }
  if ((raw.S3_ACCESS_KEY_ID === undefined) !== (raw.S3_SECRET_ACCESS_KEY === undefined)) {
    issues.push({
      variable: 'S3_SECRET_ACCESS_KEY',
      message: 'set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither',
    });
  }
  return issues;
}

/**
 * Reads and validates configuration. Pure apart from resolving DATA_DIR against the working directory:
 * no files are read or written (see resolveJwtSecret for that). Empty values count as unset; unknown
 * variables are ignored.
 *
 * @throws ConfigError naming every invalid variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const names = Object.keys(VARIABLES) as VariableName[];
  const fromEnv = Object.fromEntries(names.map((n) => [n, normalize(env[n])])) as Record<
    VariableName,
    string | undefined
  >;
  const raw = Object.fromEntries(names.map((n) => [n, fromEnv[n] ?? VARIABLES[n].default])) as Record<
    VariableName,
    string | undefined
  >;

  const result = schema.safeParse(raw);
  const issues: ConfigIssue[] = [];
  if (!result.success) {
    const seen = new Set<string>();
    for (const issue of result.error.issues) {
      const name = issue.path[0] as VariableName;
      // One message per variable: several checks of one value would only repeat themselves.
      if (seen.has(name)) continue;
      seen.add(name);
      issues.push({ variable: name, message: `${issue.message}${describeReceived(name, fromEnv[name])}` });
    }
  }
  issues.push(...crossFieldIssues(raw).filter((i) => !issues.some((x) => x.variable === i.variable)));
  if (!result.success || issues.length > 0) {
    const order = new Map(names.map((n, i) => [n as string, i]));
    issues.sort((a, b) => (order.get(a.variable) ?? 0) - (order.get(b.variable) ?? 0));
    throw new ConfigError(issues);
  }

  return toConfig(result.data);
}

function toConfig(v: Parsed): Config {
  const dataDir = path.resolve(v.DATA_DIR);
  return {
    nodeEnv: v.NODE_ENV,
    roles: v.ROLES,
    dataDir,
    http: {
      host: v.HOST,
      port: v.PORT,
      corsOrigins: v.CORS_ORIGINS,
      bodyLimitBytes: v.BODY_LIMIT_BYTES,
    },
    database: {
      url: v.DATABASE_URL,
      poolMax: v.DATABASE_POOL_MAX,
    },
    redis: {
      url: v.REDIS_URL,
      clusterNodes: v.REDIS_CLUSTER_NODES,
      keyPrefix: v.REDIS_KEY_PREFIX ?? '',
    },
    kafka: {
      brokers: v.KAFKA_BROKERS,
      clientId: v.KAFKA_CLIENT_ID,
      namespace: v.KAFKA_NAMESPACE,
    },
    grpc: {
      urls: {
        auth: v.GRPC_AUTH_URL,
        user: v.GRPC_USER_URL,
        media: v.GRPC_MEDIA_URL,
        post: v.GRPC_POST_URL,
        feed: v.GRPC_FEED_URL,
        like: v.GRPC_LIKE_URL,
        comment: v.GRPC_COMMENT_URL,
        notification: v.GRPC_NOTIFICATION_URL,
        analytics: v.GRPC_ANALYTICS_URL,
      },
      deadlineMs: v.GRPC_DEADLINE_MS,
      breakerCooldownMs: v.GRPC_BREAKER_COOLDOWN_MS,
    },
    auth: {
      jwtSecret: v.JWT_SECRET,
      accessTokenTtlSeconds: v.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: v.REFRESH_TOKEN_TTL_SECONDS,
    },
    rateLimit: { multiplier: v.RATE_LIMIT_MULTIPLIER },
    storage: {
      localDir: path.join(dataDir, 'media'),
      s3:
        v.S3_BUCKET === undefined
          ? undefined
          : {
              endpoint: v.S3_ENDPOINT,
              bucket: v.S3_BUCKET,
              region: v.S3_REGION,
              accessKeyId: v.S3_ACCESS_KEY_ID,
              secretAccessKey: v.S3_SECRET_ACCESS_KEY,
              forcePathStyle: v.S3_FORCE_PATH_STYLE === 'true',
            },
      publicUrl: v.MEDIA_PUBLIC_URL?.replace(/\/+$/, ''),
    },
    feed: {
      fanoutFollowerThreshold: v.FANOUT_FOLLOWER_THRESHOLD,
      maxItems: v.FEED_MAX_ITEMS,
      activeDays: v.FEED_ACTIVE_DAYS,
      exploreRefreshSeconds: v.EXPLORE_REFRESH_SECONDS,
    },
    engagement: { reconcileSeconds: v.COUNTER_RECONCILE_SECONDS },
    notifications: {
      groupWindowSeconds: v.NOTIFICATION_GROUP_WINDOW_SECONDS,
      streamHeartbeatSeconds: v.SSE_HEARTBEAT_SECONDS,
      maxStreamsPerUser: v.SSE_MAX_STREAMS_PER_USER,
    },
    media: {
      maxBytes: v.MEDIA_MAX_BYTES,
      maxPixels: v.MEDIA_MAX_PIXELS,
      workerConcurrency: v.MEDIA_WORKER_CONCURRENCY,
      uploadUrlTtlSeconds: v.MEDIA_UPLOAD_URL_TTL_SECONDS,
    },
    log: { level: v.LOG_LEVEL },
    workerId: v.WORKER_ID,
    outbox: { pollIntervalMs: v.OUTBOX_POLL_INTERVAL_MS },
    shutdown: { graceMs: v.SHUTDOWN_GRACE_MS },
    tracing: { exporter: v.TRACING_EXPORTER },
  };
}

/** True when this process runs `role`, directly or through `all`. */
export function hasRole(config: Pick<Config, 'roles'>, role: Exclude<Role, 'all'>): boolean {
  return config.roles.includes('all') || config.roles.includes(role);
}
