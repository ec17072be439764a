import type { FastifyReply, FastifyRequest } from 'fastify';

/** What the gateway records per request; the platform's Prometheus metrics satisfy it. */
export interface HttpMetricsRecorder {
  observe(method: string, route: string, status: number, seconds: number): void;
}

/**
 * RED metrics per route. The route label is the route's pattern (`/api/users/:username`),
 * never the raw URL, so label cardinality stays bounded; unmatched URLs share one label.
 */
export function httpMetricsHook(recorder: HttpMetricsRecorder) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const route = request.routeOptions.url ?? 'unmatched';
    recorder.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
  };
}
