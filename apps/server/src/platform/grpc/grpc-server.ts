import { randomUUID } from 'node:crypto';
import {
  Server,
  ServerCredentials,
  status as Status,
  type handleUnaryCall,
  type Metadata,
  type ServerErrorResponse,
  type ServerOptions,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

import { isDomainError } from '../errors.js';
import {
  isAcceptableRequestId,
  runWithRequestContext,
  type RequestContext,
} from '../logging/requestContext.js';
import { extractTraceContext, withSpan } from '../telemetry/tracing.js';
import {
  toGrpcServiceDefinition,
  type ServiceImplementation,
  type UnaryMethodDefinition,
  type UnaryServiceDefinition,
} from './grpc-definition.js';
import { domainErrorStatus, internalErrorStatus, statusName } from './grpc-errors.js';
import { grpcServerMetrics, type GrpcServerMetrics } from './grpc-metrics.js';

export interface GrpcServerOptions {
  host: string;
  /** 0 binds any free port; `start()` answers the port bound. */
  port: number;
  logger: Logger;
  /** Where `grpc_server_*` metrics go; none when omitted. */
  registry?: Registry;
  /** grpc-js server options (message size limits, keepalive, ...). */
  serverOptions?: ServerOptions;
}

/** Matches the HTTP gateway's own limit on Idempotency-Key. */
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Status codes that mean the server failed (OpenTelemetry's rule for server spans); others are answers. */
const SERVER_FAULTS: ReadonlySet<Status> = new Set([
  Status.UNKNOWN,
  Status.DEADLINE_EXCEEDED,
  Status.UNIMPLEMENTED,
  Status.INTERNAL,
  Status.UNAVAILABLE,
  Status.DATA_LOSS,
]);

interface Registration {
  definition: UnaryServiceDefinition;
  handlers: UntypedServiceImplementation;
}

function firstString(metadata: Metadata, key: string): string | undefined {
  const value = metadata.get(key)[0];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function hostPort(host: string, port: number): string {
  // An IPv6 literal needs brackets in a target string.
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * Serves ts-proto generic definitions over gRPC with grpc-js, with the same implementation object the
 * monolith calls in process. Each call runs in a request context (request id, idempotency key from the
 * metadata) and in a SERVER span continuing the caller's trace; DomainErrors become status codes plus a
 * trailer the client turns back into the same DomainError; anything else becomes a bare INTERNAL.
 *
 * Can be started again after `stop()` (a fresh grpc-js server each time), on the port it bound the first
 * time, so clients find it where they left it.
 */
export class GrpcServer {
  readonly #options: GrpcServerOptions;
  readonly #logger: Logger;
  readonly #metrics: GrpcServerMetrics | undefined;
  readonly #registrations: Registration[] = [];
  #server: Server | undefined;
  #boundPort: number | undefined;

  constructor(options: GrpcServerOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ component: 'grpc-server' });
    this.#metrics = options.registry === undefined ? undefined : grpcServerMetrics(options.registry);
  }

  addService<D extends UnaryServiceDefinition>(
    definition: D,
    implementation: ServiceImplementation<D>,
  ): void {
    if (this.#server !== undefined) throw new Error('add services before start()');
    if (this.#registrations.some((r) => r.definition.fullName === definition.fullName)) {
      throw new Error(`${definition.fullName} is already registered`);
    }
    const calls = implementation as unknown as Record<string, (request: unknown) => Promise<unknown>>;
    const handlers: UntypedServiceImplementation = {};
    for (const [key, method] of Object.entries(definition.methods)) {
      if (typeof calls[key] !== 'function')
        throw new Error(`${definition.fullName} implementation lacks ${key}`);
      handlers[key] = this.#handler(definition, method, (request) =>
        calls[key]!.call(implementation, request),
      );
    }
    this.#registrations.push({ definition, handlers });
  }

  /** Binds and starts serving; resolves with the port bound. */
  start(): Promise<number> {
    if (this.#server !== undefined) return Promise.reject(new Error('the gRPC server is already started'));
    const server = new Server(this.#options.serverOptions);
    for (const { definition, handlers } of this.#registrations) {
      server.addService(toGrpcServiceDefinition(definition), handlers);
    }
    this.#server = server;
    const target = hostPort(this.#options.host, this.#boundPort ?? this.#options.port);
    return new Promise<number>((resolve, reject) => {
      server.bindAsync(target, ServerCredentials.createInsecure(), (error, port) => {
        if (error) {
          this.#server = undefined;
          server.forceShutdown();
          reject(new Error(`gRPC server could not bind ${target}: ${error.message}`, { cause: error }));
          return;
        }
        this.#boundPort = port;
        this.#logger.info(
          { host: this.#options.host, port, services: this.#registrations.map((r) => r.definition.fullName) },
          'gRPC server listening',
        );
        resolve(port);
      });
    });
  }

  /**
   * Stops accepting calls and waits for in-flight calls to finish, for at most `graceMs`; then cancels
   * whatever is left. Resolves once the server is down; a no-op when not started.
   */
  async stop(graceMs = 10_000): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#logger.warn({ graceMs }, 'gRPC calls still running after the grace period; cancelling them');
        server.forceShutdown();
        resolve();
      }, graceMs);
      server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  #handler(
    definition: UnaryServiceDefinition,
    method: UnaryMethodDefinition<unknown, unknown>,
    invoke: (request: unknown) => Promise<unknown>,
  ): handleUnaryCall<unknown, unknown> {
    const labels = { service: definition.fullName, method: method.name };
    const spanName = `${definition.fullName}/${method.name}`;
    const attributes = {
      'rpc.system': 'grpc',
      'rpc.service': definition.fullName,
      'rpc.method': method.name,
    };

    return (call, callback) => {
      const started = performance.now();
      const metadata = call.metadata;
      const header = firstString(metadata, 'x-request-id');
      const requestId = isAcceptableRequestId(header) ? header : randomUUID();
      const idempotencyKey = firstString(metadata, 'idempotency-key');
      const context: RequestContext =
        idempotencyKey === undefined || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH
          ? { requestId }
          : { requestId, idempotencyKey };
      const parent = extractTraceContext({
        traceparent: firstString(metadata, 'traceparent'),
        tracestate: firstString(metadata, 'tracestate'),
      });

      const handled = runWithRequestContext(context, () =>
        withSpan(
          spanName,
          async (span) => {
            let code: Status = Status.OK;
            try {
              const response = await invoke(call.request);
              callback(null, response);
            } catch (error) {
              const failure = this.#failure(error, spanName);
              code = failure.code ?? Status.UNKNOWN;
              if (SERVER_FAULTS.has(code)) {
                if (error instanceof Error) span.recordException(error);
                span.setStatus({ code: SpanStatusCode.ERROR, message: statusName(code) });
              }
              callback(failure);
            } finally {
              span.setAttribute('rpc.grpc.status_code', code);
              this.#metrics?.handledTotal.inc({ ...labels, code: statusName(code) });
              this.#metrics?.handlingSeconds.observe(labels, (performance.now() - started) / 1000);
            }
          },
          parent,
          { kind: SpanKind.SERVER, attributes },
        ),
      );
      handled.catch((error: unknown) =>
        this.#logger.error({ err: error, method: spanName }, 'gRPC handler failed'),
      );
    };
  }

  /** Runs inside the call's request context and span, so the log line carries its request and trace ids. */
  #failure(error: unknown, method: string): ServerErrorResponse {
    if (isDomainError(error)) {
      this.#logger.debug({ method, kind: error.kind }, 'gRPC call answered with a domain error');
      return domainErrorStatus(error);
    }
    this.#logger.error({ err: error, method }, 'gRPC call failed unexpectedly');
    return internalErrorStatus();
  }
}
