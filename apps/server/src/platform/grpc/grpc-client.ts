import {
  Client,
  credentials as grpcCredentials,
  Metadata,
  status as Status,
  type ChannelCredentials,
  type ChannelOptions,
  type MethodDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { SpanKind } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

import { DomainError } from '../errors.js';
import { currentRequestContext } from '../logging/requestContext.js';
import { injectTraceHeaders, withSpan } from '../telemetry/tracing.js';
import {
  CircuitBreaker,
  type BreakerPermit,
  type BreakerState,
  type CircuitBreakerOptions,
} from '../resilience/circuit-breaker.js';
import {
  isSideEffectFree,
  methodPath,
  toGrpcServiceDefinition,
  type ServiceImplementation,
  type UnaryMethodDefinition,
  type UnaryServiceDefinition,
} from './grpc-definition.js';
import { errorFromStatus, isServiceError, isTransportFailure, statusName } from './grpc-errors.js';
import { grpcClientMetrics, type GrpcClientMetrics } from './grpc-metrics.js';

export const DEFAULT_DEADLINE_MS = 2000;
export const DEFAULT_HEALTH_TIMEOUT_MS = 1000;

export interface GrpcClientOptions {
  /** `host:port` of the service. */
  url: string;
  /** Names the dependency in errors and logs (`user is unavailable`); default: the proto service name. */
  serviceLabel?: string;
  /** Budget of one call, its retry included (default 2000). */
  deadlineMs?: number;
  /** Always on; these override the defaults (5 failures, 2000 ms cooldown). */
  breaker?: CircuitBreakerOptions;
  logger: Logger;
  /** Where `grpc_client_*` metrics go; none when omitted. */
  registry?: Registry;
  /** Default: plaintext, for a private network or a service mesh that adds mTLS. */
  credentials?: ChannelCredentials;
  /** grpc-js channel options, merged over ours (reconnect backoff, keepalive). */
  channelOptions?: ChannelOptions;
}

export interface GrpcClientControls {
  /** Closes the channel; calls made afterwards fail. */
  close(): void;
  /** Resolves when the channel connects within `timeoutMs` (default 1000); rejects with `unavailable` otherwise. */
  health(timeoutMs?: number): Promise<void>;
  breakerState(): BreakerState;
}

/** The generated Promise interface of the service, plus channel controls. */
export type GrpcClient<D extends UnaryServiceDefinition> = ServiceImplementation<D> & GrpcClientControls;

const CONTROL_NAMES: ReadonlySet<string> = new Set(['close', 'health', 'breakerState']);

/**
 * grpc-js defaults back off up to 120 s between reconnection attempts, which would keep a restarted service
 * unreachable for minutes. Keepalive pings (during calls) find a connection whose peer vanished without a
 * FIN sooner than TCP would.
 */
const DEFAULT_CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 200,
  'grpc.max_reconnect_backoff_ms': 5000,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
};

type Attempt<Res> = { ok: true; value: Res } | { ok: false; error: unknown };

/**
 * A client implementing the generated Promise interface of `definition` over gRPC, so callers cannot tell
 * it from the in-process service.
 *
 * Every call has a deadline, carries `x-request-id`, `traceparent`/`tracestate` and `idempotency-key` from
 * the current context, and runs in a CLIENT span. Errors come back as the server's DomainError when it sent
 * one; a transport failure (server unreachable, connection dropped, deadline) as `DomainError.unavailable`.
 *
 * Retries: a read (`idempotency_level = NO_SIDE_EFFECTS`) is retried once, at once, on a transport-level
 * UNAVAILABLE, within the same deadline (the caller's budget is the whole call). Writes are never retried.
 * An UNAVAILABLE the server chose to answer (a DomainError) is not retried: the service is up and decided.
 *
 * Breaker: one outcome per call (not per attempt). Only transport failures (UNAVAILABLE or
 * DEADLINE_EXCEEDED without our error trailer) count as failures; any answer, even NOT_FOUND or INTERNAL,
 * is a success. While open, calls fail with `unavailable` without touching the network.
 */
export function createGrpcClient<D extends UnaryServiceDefinition>(
  definition: D,
  options: GrpcClientOptions,
): GrpcClient<D> {
  for (const key of Object.keys(definition.methods)) {
    if (CONTROL_NAMES.has(key))
      throw new Error(`${definition.fullName}.${key} clashes with a gRPC client control method`);
  }
  const serviceLabel = options.serviceLabel ?? definition.name;
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  if (!Number.isFinite(deadlineMs) || deadlineMs <= 0) {
    throw new RangeError(`deadlineMs must be a positive number, got ${deadlineMs}`);
  }
  const logger = options.logger.child({
    component: 'grpc-client',
    dependency: serviceLabel,
    url: options.url,
  });
  const metrics: GrpcClientMetrics | undefined =
    options.registry === undefined ? undefined : grpcClientMetrics(options.registry);
  const service = definition.fullName;
  metrics?.breakerOpen.set({ service }, 0);

  const breaker = new CircuitBreaker({
    ...options.breaker,
    name: serviceLabel,
    onStateChange: (state, previous) => {
      metrics?.breakerOpen.set({ service }, state === 'closed' ? 0 : 1);
      if (state === 'open') logger.warn({ previous }, 'circuit breaker opened: calls fail fast');
      else logger.info({ state, previous }, 'circuit breaker state changed');
      options.breaker?.onStateChange?.(state, previous);
    },
  });

  const client = new Client(options.url, options.credentials ?? grpcCredentials.createInsecure(), {
    ...DEFAULT_CHANNEL_OPTIONS,
    ...options.channelOptions,
  });
  const grpcDefinition = toGrpcServiceDefinition(definition) as Record<
    string,
    MethodDefinition<unknown, unknown>
  >;

  function attempt(
    key: string,
    request: unknown,
    metadata: Metadata,
    deadline: number,
  ): Promise<Attempt<unknown>> {
    const method = grpcDefinition[key]!;
    return new Promise((resolve) => {
      try {
        client.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          metadata,
          { deadline },
          (error: ServiceError | null, value?: unknown) => {
            resolve(error ? { ok: false, error } : { ok: true, value });
          },
        );
      } catch (error) {
        // A closed channel throws synchronously.
        resolve({ ok: false, error });
      }
    });
  }

  function outgoingMetadata(): Metadata {
    const metadata = new Metadata();
    const context = currentRequestContext();
    if (context !== undefined) {
      metadata.set('x-request-id', context.requestId);
      if (context.idempotencyKey !== undefined) metadata.set('idempotency-key', context.idempotencyKey);
    }
    // Inside the CLIENT span: the server's span becomes its child.
    const { traceparent, tracestate } = injectTraceHeaders();
    if (traceparent !== undefined) metadata.set('traceparent', traceparent);
    if (tracestate !== undefined) metadata.set('tracestate', tracestate);
    return metadata;
  }

  async function call(
    key: string,
    method: UnaryMethodDefinition<unknown, unknown>,
    request: unknown,
  ): Promise<unknown> {
    const path = methodPath(definition, method);
    const labels = { service, method: method.name };
    const retryable = isSideEffectFree(method);
    return withSpan(
      `${service}/${method.name}`,
      async (span) => {
        let permit: BreakerPermit;
        try {
          permit = breaker.acquire();
        } catch (error) {
          metrics?.breakerRejectedTotal.inc({ service });
          span.setAttribute('glimpse.breaker', 'open');
          throw error;
        }
        const deadline = Date.now() + deadlineMs;
        const metadata = outgoingMetadata();
        for (let attemptNumber = 1; ; attemptNumber++) {
          const started = performance.now();
          const outcome = await attempt(key, request, metadata.clone(), deadline);
          const code = outcome.ok
            ? Status.OK
            : isServiceError(outcome.error)
              ? outcome.error.code
              : Status.UNKNOWN;
          metrics?.handledTotal.inc({ ...labels, code: statusName(code) });
          metrics?.handlingSeconds.observe(labels, (performance.now() - started) / 1000);
          span.setAttribute('rpc.grpc.status_code', code);
          if (outcome.ok) {
            permit.success();
            return outcome.value;
          }
          const error = outcome.error;
          if (!isServiceError(error)) {
            permit.success();
            throw error instanceof Error ? error : new Error(String(error));
          }
          const transport = isTransportFailure(error);
          if (
            transport &&
            error.code === Status.UNAVAILABLE &&
            retryable &&
            attemptNumber === 1 &&
            Date.now() < deadline
          ) {
            logger.debug(
              { method: path, details: error.details },
              'gRPC read failed at the transport; retrying once',
            );
            span.addEvent('retry', { 'rpc.grpc.status_code': error.code });
            continue;
          }
          if (transport) {
            permit.failure();
            logger.debug(
              { method: path, code: statusName(error.code), details: error.details },
              'gRPC call failed',
            );
          } else {
            permit.success();
          }
          throw errorFromStatus(error, serviceLabel, path);
        }
      },
      undefined,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method.name },
      },
    );
  }

  const stub: Record<string, unknown> = {};
  for (const [key, method] of Object.entries(definition.methods)) {
    stub[key] = (request: unknown) => call(key, method, request);
  }
  const controls: GrpcClientControls = {
    close: () => client.close(),
    health: (timeoutMs = DEFAULT_HEALTH_TIMEOUT_MS) =>
      new Promise<void>((resolve, reject) => {
        try {
          client.waitForReady(Date.now() + timeoutMs, (error) => {
            if (error) reject(DomainError.unavailable(`${serviceLabel} is unavailable`));
            else resolve();
          });
        } catch {
          reject(DomainError.unavailable(`${serviceLabel} is unavailable`));
        }
      }),
    breakerState: () => breaker.state(),
  };
  return Object.assign(stub, controls) as GrpcClient<D>;
}
