import { InvalidEnvelopeError } from './event-bus.errors.js';
import type { EventEnvelope } from './events.port.js';

/**
 * The wire form of an envelope: JSON. The in-process bus stores the same text as Kafka carries,
 * so handlers of both adapters get an identical, JSON-shaped copy (a `Date` in a payload arrives
 * as a string on both) and a payload that Kafka could not carry is refused by both at publish.
 */
export function encodeEnvelope(event: EventEnvelope): string {
  if (event === null || typeof event !== 'object')
    throw new InvalidEnvelopeError('an event must be an object');
  const { id, type, occurredAt, key, payload, traceparent } = event;
  for (const [field, value] of [
    ['id', id],
    ['type', type],
    ['occurredAt', occurredAt],
  ] as const) {
    if (typeof value !== 'string' || value.length === 0) {
      throw new InvalidEnvelopeError(`event ${String(id)}: "${field}" must be a non-empty string`);
    }
  }
  if (typeof key !== 'string') throw new InvalidEnvelopeError(`event ${id}: "key" must be a string`);
  if (traceparent !== undefined && typeof traceparent !== 'string') {
    throw new InvalidEnvelopeError(`event ${id}: "traceparent" must be a string when present`);
  }
  if (payload === undefined)
    throw new InvalidEnvelopeError(`event ${id}: "payload" is required (null is fine)`);
  const wire: EventEnvelope = { id, type, occurredAt, key, payload };
  if (traceparent !== undefined) wire.traceparent = traceparent;
  try {
    return JSON.stringify(wire);
  } catch (err) {
    throw new InvalidEnvelopeError(
      `event ${id}: payload is not JSON-serialisable (${(err as Error).message})`,
      {
        cause: err,
      },
    );
  }
}

export function decodeEnvelope(text: string | undefined): EventEnvelope {
  if (text === undefined) throw new InvalidEnvelopeError('record without a value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidEnvelopeError(`record value is not JSON (${(err as Error).message})`, { cause: err });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidEnvelopeError('record value is not an envelope object');
  }
  const record = parsed as Record<string, unknown>;
  const { id, type, occurredAt, key, traceparent } = record;
  if (
    typeof id !== 'string' ||
    typeof type !== 'string' ||
    typeof occurredAt !== 'string' ||
    typeof key !== 'string' ||
    !('payload' in record) ||
    (traceparent !== undefined && typeof traceparent !== 'string')
  ) {
    throw new InvalidEnvelopeError(`record value is not a valid envelope: ${text.slice(0, 200)}`);
  }
  const event: EventEnvelope = { id, type, occurredAt, key, payload: record.payload };
  if (typeof traceparent === 'string') event.traceparent = traceparent;
  return event;
}
