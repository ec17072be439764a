import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { activeTraceIds } from './trace-ids.js';
import {
  extractTraceContext,
  injectTraceHeaders,
  injectTraceparent,
  setupTracing,
  withSpan,
  type Tracing,
} from './tracing.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_SPAN_ID}-01`;
const TRACEPARENT_RE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;

  beforeAll(() => {
    tracing = setupTracing({
      serviceName: 'tracing-spec',
      exporter: 'none',
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
  });

  afterAll(async () => {
    await tracing.shutdown();
  });

  beforeEach(() => {
    exporter.reset();
  });

  it('continues the trace of an incoming traceparent header', async () => {
    const parent = extractTraceContext({ traceparent: TRACEPARENT, 'content-type': 'application/json' });

    const header = await withSpan(
      'handle-request',
      async (span) => {
        expect(span.spanContext().traceId).toBe(TRACE_ID);
        expect(activeTraceIds()).toEqual({ traceId: TRACE_ID, spanId: span.spanContext().spanId });
        // The async context survives awaits.
        await new Promise((resolve) => setImmediate(resolve));
        return injectTraceparent();
      },
      parent,
    );

    const match = TRACEPARENT_RE.exec(header ?? '');
    expect(match?.[1]).toBe(TRACE_ID);
    const [finished] = exporter.getFinishedSpans();
    expect(finished?.name).toBe('handle-request');
    expect(finished?.parentSpanContext?.spanId).toBe(PARENT_SPAN_ID);
    // The injected header names the new span, not the caller's.
    expect(match?.[2]).toBe(finished?.spanContext().spanId);
    expect(finished?.resource.attributes['service.name']).toBe('tracing-spec');
  });

  it('reads headers whatever their case and takes the first of repeated values', () => {
    const fromMixedCase = extractTraceContext({ TraceParent: TRACEPARENT });
    expect(trace.getSpanContext(fromMixedCase)?.traceId).toBe(TRACE_ID);
    const fromArray = extractTraceContext({ traceparent: [TRACEPARENT, '00-garbage'] });
    expect(trace.getSpanContext(fromArray)?.traceId).toBe(TRACE_ID);
  });

  it('starts a new trace when the header is missing or malformed', async () => {
    for (const headers of [{}, { traceparent: 'not-a-traceparent' }]) {
      const ctx = extractTraceContext(headers);
      expect(trace.getSpanContext(ctx)).toBeUndefined();
      const traceId = await withSpan('root', (span) => Promise.resolve(span.spanContext().traceId), ctx);
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(traceId).not.toBe(TRACE_ID);
    }
  });

  it('nests spans through the active context and carries tracestate', async () => {
    const parent = extractTraceContext({ traceparent: TRACEPARENT, tracestate: 'vendor=abc' });
    const headers = await withSpan(
      'outer',
      () => withSpan('inner', () => Promise.resolve(injectTraceHeaders())),
      parent,
    );
    expect(headers.tracestate).toBe('vendor=abc');
    const [inner, outer] = exporter.getFinishedSpans();
    expect(inner?.name).toBe('inner');
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(inner?.spanContext().traceId).toBe(TRACE_ID);
  });

  it('records a thrown error on the span, rethrows it and ends the span', async () => {
    const failure = new Error('boom');
    await expect(withSpan('failing', () => Promise.reject(failure))).rejects.toBe(failure);
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'boom' });
    expect(span?.events.map((e) => e.name)).toEqual(['exception']);
    expect(span?.events[0]?.attributes?.['exception.message']).toBe('boom');
  });

  it('has no traceparent and no trace ids outside a span', () => {
    expect(injectTraceparent(context.active())).toBeUndefined();
    expect(activeTraceIds()).toBeUndefined();
  });

  it('returns the running instance when set up twice', () => {
    expect(setupTracing({ serviceName: 'again', exporter: 'console' })).toBe(tracing);
  });
});

describe('tracing after shutdown', () => {
  it('can be set up again, and stops tracing once shut down', async () => {
    const first = setupTracing({ serviceName: 'first', exporter: 'none' });
    await first.shutdown();
    await first.shutdown();

    // After shutdown the API is back to no-op: nothing is recorded or propagated.
    const ctx = extractTraceContext({ traceparent: TRACEPARENT });
    expect(trace.getSpanContext(ctx)).toBeUndefined();

    const exporter = new InMemorySpanExporter();
    const second = setupTracing({
      serviceName: 'second',
      exporter: 'none',
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    expect(second).not.toBe(first);
    await withSpan('after-restart', () => Promise.resolve());
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['after-restart']);
    await second.shutdown();
  });

  it('prints finished spans with the console exporter', async () => {
    const printed: unknown[] = [];
    const dir = vi.spyOn(console, 'dir').mockImplementation((item: unknown) => {
      printed.push(item);
    });
    const tracing = setupTracing({ serviceName: 'console-spec', exporter: 'console' });
    try {
      await withSpan('printed', () => Promise.resolve());
    } finally {
      await tracing.shutdown();
      dir.mockRestore();
    }
    expect(printed).toEqual([expect.objectContaining({ name: 'printed' })]);
  });
});
