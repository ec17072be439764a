import type { EventEnvelope } from './events.port.js';

/**
 * Makes the envelopes a service writes to its outbox: a fresh time-sortable id, the time of
 * the change, and the trace context of the request that caused it (when tracing is on).
 */
export class EventFactory {
  constructor(
    private readonly ids: { next(): string },
    private readonly currentTraceparent: () => string | undefined = () => undefined,
  ) {}

  /** `traceparent` defaults to the current request's; a worker passes its event's own. */
  create<T>(
    type: string,
    key: string,
    payload: T,
    occurredAt: Date,
    traceparent: string | undefined = this.currentTraceparent(),
  ): EventEnvelope<T> {
    return {
      id: this.ids.next(),
      type,
      key,
      occurredAt: occurredAt.toISOString(),
      payload,
      ...(traceparent !== undefined && { traceparent }),
    };
  }
}
