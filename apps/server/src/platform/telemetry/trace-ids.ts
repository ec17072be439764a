import { trace } from '@opentelemetry/api';

export interface TraceIds {
  traceId: string;
  spanId: string;
}

/**
 * Trace and span id of the active span, when there is a valid one. Depends on @opentelemetry/api only, so
 * the logger can use it without loading the SDK.
 */
export function activeTraceIds(): TraceIds | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
