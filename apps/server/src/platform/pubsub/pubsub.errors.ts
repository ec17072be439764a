/** Errors and argument checks both pub/sub adapters share, so a bad call fails alike in each. */

export class PubSubClosedError extends Error {
  override readonly name = 'PubSubClosedError';

  constructor() {
    super('the pub/sub is closed');
  }
}

export function assertChannel(channel: string): void {
  if (typeof channel !== 'string' || channel.length === 0) {
    throw new TypeError('a pub/sub channel is a non-empty string');
  }
}

export function assertMessage(message: string): void {
  if (typeof message !== 'string') throw new TypeError('a pub/sub message is a string');
}
