import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { activeTraceIds } from '../telemetry/trace-ids.js';
import { currentRequestId } from './requestContext.js';

export type Logger = PinoLogger;

export interface LoggerOptions {
  /** A pino level (fatal, error, warn, info, debug, trace) or silent. */
  level: string;
  /** Added to every line so logs of a multi-role deployment can be told apart. */
  role?: string;
  /** Where lines go; defaults to stdout. Tests pass an in-memory stream. */
  destination?: DestinationStream;
}

export const REDACTED = '[Redacted]';

/** Field names whose values never reach the logs, wherever they appear (see REDACT_DEPTH). */
export const REDACTED_KEYS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'password',
  'newPassword',
  'currentPassword',
  'oldPassword',
  'passwordHash',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'access_token',
  'refresh_token',
  'secret',
  'jwtSecret',
  'clientSecret',
  'apiKey',
] as const;

/**
 * pino's redaction matches fixed paths, a wildcard standing for exactly one level, so each key is listed at
 * depths 0..REDACT_DEPTH. Depth 3 covers the usual shapes (`req.headers.authorization`,
 * `err.config.headers.authorization`, `body.user.password`); deeper secrets are not caught, so do not log
 * whole foreign objects.
 */
const REDACT_DEPTH = 3;

function redactPaths(): string[] {
  const paths: string[] = [];
  for (const key of REDACTED_KEYS) {
    const plain = /^[A-Za-z_$][\w$]*$/.test(key);
    for (let depth = 0; depth <= REDACT_DEPTH; depth++) {
      const prefix = '*.'.repeat(depth);
      paths.push(plain ? `${prefix}${key}` : `${prefix.replace(/\.$/, '')}["${key}"]`);
    }
  }
  return paths;
}

/**
 * JSON lines to stdout with ISO timestamps and textual levels. Every line logged while a request context or
 * a span is active carries `requestId` and `traceId`/`spanId`, including lines from child loggers.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base:
        options.role === undefined
          ? { pid: process.pid, hostname: hostname() }
          : { pid: process.pid, hostname: hostname(), role: options.role },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: redactPaths(), censor: REDACTED },
      mixin: () => {
        const requestId = currentRequestId();
        const traceIds = activeTraceIds();
        return { ...(requestId === undefined ? {} : { requestId }), ...traceIds };
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
