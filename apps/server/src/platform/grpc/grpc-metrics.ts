import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** From an in-memory read (1 ms) to a call that used its whole default deadline (2 s) and more. */
export const GRPC_DURATION_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
] as const;

// Several clients and servers share one registry per process: the first creates a metric, the others
// reuse it (prom-client refuses a second registration of a name).
function counter<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Counter<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Counter) return existing;
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function histogram<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: L[],
): Histogram<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Histogram) return existing;
  return new Histogram({
    name,
    help,
    labelNames,
    buckets: [...GRPC_DURATION_BUCKETS_SECONDS],
    registers: [registry],
  });
}

function gauge<L extends string>(registry: Registry, name: string, help: string, labelNames: L[]): Gauge<L> {
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

export interface GrpcServerMetrics {
  handledTotal: Counter<'service' | 'method' | 'code'>;
  handlingSeconds: Histogram<'service' | 'method'>;
}

export interface GrpcClientMetrics {
  /** One per network attempt (a retried read counts twice); calls refused by the breaker are not here. */
  handledTotal: Counter<'service' | 'method' | 'code'>;
  handlingSeconds: Histogram<'service' | 'method'>;
  breakerOpen: Gauge<'service'>;
  breakerRejectedTotal: Counter<'service'>;
}

/** Labels: `service` is the full proto name (`glimpse.user.v1.UserService`), `method` the proto method name. */
export function grpcServerMetrics(registry: Registry): GrpcServerMetrics {
  return {
    handledTotal: counter(registry, 'grpc_server_handled_total', 'gRPC calls handled, by status code.', [
      'service',
      'method',
      'code',
    ]),
    handlingSeconds: histogram(
      registry,
      'grpc_server_handling_seconds',
      'gRPC call handling time in seconds.',
      ['service', 'method'],
    ),
  };
}

export function grpcClientMetrics(registry: Registry): GrpcClientMetrics {
  return {
    handledTotal: counter(
      registry,
      'grpc_client_handled_total',
      'gRPC call attempts completed, by status code (a retry is a second attempt).',
      ['service', 'method', 'code'],
    ),
    handlingSeconds: histogram(
      registry,
      'grpc_client_handling_seconds',
      'gRPC call attempt time in seconds, as seen by the caller.',
      ['service', 'method'],
    ),
    breakerOpen: gauge(
      registry,
      'grpc_client_breaker_open',
      '1 while the circuit breaker of a gRPC dependency is open or half-open, else 0.',
      ['service'],
    ),
    breakerRejectedTotal: counter(
      registry,
      'grpc_client_breaker_rejected_total',
      'gRPC calls failed fast by an open circuit breaker, without a network attempt.',
      ['service'],
    ),
  };
}
