/** Errors both event bus adapters throw alike, so callers and the contract suite can tell them apart. */

/** Topics are created by `ensureTopics` only (Kafka runs with auto-creation off). */
export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';

  constructor(readonly topic: string) {
    super(`topic "${topic}" does not exist: create it with ensureTopics() first`);
  }
}

export class EventBusClosedError extends Error {
  override readonly name = 'EventBusClosedError';

  constructor() {
    super('the event bus is closed');
  }
}

/** An envelope that cannot travel on the bus (missing field, payload that is not JSON). */
export class InvalidEnvelopeError extends Error {
  override readonly name = 'InvalidEnvelopeError';
}

/** Kafka's rule for topic names, applied by both adapters so a name valid in one is valid in the other. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function assertTopicName(topic: string): void {
  if (!TOPIC_NAME.test(topic) || topic === '.' || topic === '..') {
    throw new TypeError(`invalid topic name "${topic}": use 1 to 249 of [a-zA-Z0-9._-]`);
  }
}

export function assertGroupName(group: string): void {
  if (typeof group !== 'string' || group.length === 0)
    throw new TypeError('a consumer group name is required');
}
