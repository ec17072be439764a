import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type SpanOptions,
  type TextMapGetter,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  ConsoleSpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export type { Context, Span, Tracer } from '@opentelemetry/api';
export type { SpanProcessor } from '@opentelemetry/sdk-trace-node';

/** Instrumentation scope of every span this code base creates. */
export const TRACER_NAME = 'glimpse';

export type TraceHeaders = Record<string, string | string[] | undefined>;

export interface TracingOptions {
  serviceName: string;
  /** `none` still creates real spans with ids, so trace ids propagate and appear in logs. */
  exporter: 'none' | 'console';
  /** Extra processors, e.g. an InMemorySpanExporter in tests. */
  spanProcessors?: readonly SpanProcessor[];
}

export interface Tracing {
  tracer: Tracer;
  /** Flushes spans and unregisters the global provider, propagator and context manager. Idempotent. */
  shutdown(): Promise<void>;
}

// Kept on globalThis rather than in module scope so a second copy of this module (test isolation,
// duplicated bundles) still sees that the OpenTelemetry globals are taken.
const ACTIVE = Symbol.for('glimpse.telemetry.tracing');
type TracingGlobal = typeof globalThis & { [ACTIVE]?: Tracing };

/**
 * Registers a NodeTracerProvider globally with the AsyncLocalStorage context manager and the W3C
 * traceparent propagator. Calling it again while tracing is set up returns the existing instance (first
 * options win) because OpenTelemetry globals can be registered only once; after shutdown() it can be
 * set up afresh.
 */
export function setupTracing(options: TracingOptions): Tracing {
  const global = globalThis as TracingGlobal;
  const existing = global[ACTIVE];
  if (existing) return existing;

  const spanProcessors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.exporter === 'console') spanProcessors.push(new SimpleSpanProcessor(new ConsoleSpanExporter()));

  const provider = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName })),
    spanProcessors,
  });
  provider.register({
    contextManager: new AsyncLocalStorageContextManager(),
    propagator: new W3CTraceContextPropagator(),
  });

  let stopping: Promise<void> | undefined;
  const tracing: Tracing = {
    tracer: provider.getTracer(TRACER_NAME),
    shutdown: () => {
      stopping ??= (async () => {
        try {
          await provider.shutdown();
        } finally {
          if (global[ACTIVE] === tracing) {
            trace.disable();
            propagation.disable();
            context.disable();
            global[ACTIVE] = undefined;
          }
        }
      })();
      return stopping;
    },
  };
  global[ACTIVE] = tracing;
  return tracing;
}

/** Node lower-cases incoming HTTP headers, but Kafka headers and hand-built maps may not be. */
const headerGetter: TextMapGetter<TraceHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const direct = carrier[key];
    if (direct !== undefined) return direct;
    const match = Object.keys(carrier).find((k) => k.toLowerCase() === key);
    return match === undefined ? undefined : carrier[match];
  },
};

/**
 * The context described by incoming `traceparent`/`tracestate` headers, on top of the root context (an
 * incoming request never inherits whatever happens to be active). Without valid headers: the root context.
 */
export function extractTraceContext(headers: TraceHeaders): Context {
  return propagation.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** `traceparent` and, when present, `tracestate` of `ctx` (default: the active context). */
export function injectTraceHeaders(ctx: Context = context.active()): {
  traceparent?: string;
  tracestate?: string;
} {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return {
    ...(carrier.traceparent === undefined ? {} : { traceparent: carrier.traceparent }),
    ...(carrier.tracestate === undefined ? {} : { tracestate: carrier.tracestate }),
  };
}

/** The active context's traceparent header, for event envelopes and outbound calls; undefined outside a span. */
export function injectTraceparent(ctx: Context = context.active()): string | undefined {
  return injectTraceHeaders(ctx).traceparent;
}

/**
 * Runs `fn` in a new active span, child of `parent` (default: the active context). A thrown error is
 * recorded on the span and marks it as failed, then rethrown; the span always ends.
 */
export function withSpan<T>(
  name: string,
  fn: (span: Span) => Promise<T>,
  parent: Context = context.active(),
  options: SpanOptions = {},
): Promise<T> {
  return trace.getTracer(TRACER_NAME).startActiveSpan(name, options, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      if (error instanceof Error) span.recordException(error);
      else span.recordException(String(error));
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : String(error),
      });
      throw error;
    } finally {
      span.end();
    }
  });
}
