import { context, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

import { extractTraceContext, injectTraceparent, TRACER_NAME } from '../../platform/telemetry/tracing.js';

declare module 'fastify' {
  interface FastifyRequest {
    span?: Span;
  }
}

/**
 * One server span per request, continuing the caller's W3C trace when it sent `traceparent`.
 * The rest of the request runs inside the span's context, so logs, outbound calls and the
 * events the request causes all carry its trace id. The response names the trace too.
 */
export function tracingHooks() {
  const onRequest = (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const parent = extractTraceContext(request.headers);
    const span = trace.getTracer(TRACER_NAME).startSpan(
      `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method, 'url.path': request.url.split('?')[0] },
      },
      parent,
    );
    request.span = span;
    const active = trace.setSpan(parent, span);
    const traceparent = injectTraceparent(active);
    if (traceparent) reply.header('traceparent', traceparent);
    context.with(active, done);
  };

  const onResponse = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const span = request.span;
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  };

  return { onRequest, onResponse };
}
