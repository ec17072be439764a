import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('createMetrics', () => {
  it('renders every metric in the Prometheus text format, with process metrics', async () => {
    const metrics = createMetrics();
    metrics.httpRequestsTotal.inc({ method: 'GET', route: '/v1/feed', status: '200' });
    metrics.httpRequestDurationSeconds.observe({ method: 'GET', route: '/v1/feed', status: '200' }, 0.012);
    metrics.outboxPublishedTotal.inc({ topic: 'post.created' }, 3);
    metrics.outboxBacklog.set(7);
    metrics.cacheOperationErrorsTotal.inc({ operation: 'get' });
    metrics.eventsConsumedTotal.inc({ topic: 'post.created', group: 'fanout', outcome: 'ok' });

    const text = await metrics.registry.metrics();
    expect(metrics.registry.contentType).toContain('text/plain');
    expect(text).toContain('# TYPE http_requests_total counter');
    expect(text).toContain('http_requests_total{method="GET",route="/v1/feed",status="200"} 1');
    expect(text).toContain('# TYPE http_request_duration_seconds histogram');
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.005",method="GET",route="/v1/feed",status="200"} 0',
    );
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.025",method="GET",route="/v1/feed",status="200"} 1',
    );
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="10",method="GET",route="/v1/feed",status="200"} 1',
    );
    expect(text).toContain('outbox_published_total{topic="post.created"} 3');
    expect(text).toContain('outbox_backlog 7');
    expect(text).toContain('cache_operation_errors_total{operation="get"} 1');
    expect(text).toContain('events_consumed_total{topic="post.created",group="fanout",outcome="ok"} 1');
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter');
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('keeps registries apart so several can exist in one process', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.outboxBacklog.set(1);
    b.outboxBacklog.set(2);
    expect(await a.registry.metrics()).toContain('outbox_backlog 1');
    expect(await b.registry.metrics()).toContain('outbox_backlog 2');
  });
});
