import { describe, expect, it } from 'vitest';

import { MemoryPubSub } from './memory.pubsub.js';
import { describePubSubContract, eventually, Inbox } from './pubsub.contract.js';

describePubSubContract('MemoryPubSub', () =>
  Promise.resolve({ open: ({ onError }) => Promise.resolve(new MemoryPubSub({ onError })), shared: false }),
);

describe('MemoryPubSub', () => {
  it('delivers after publish returns, as over a network, and only to those subscribed when it was published', async () => {
    const pubsub = new MemoryPubSub();
    const [early, late] = [new Inbox(), new Inbox()];
    await pubsub.subscribe('c', early.handler);
    const published = pubsub.publish('c', 'm');
    // Joins before the delivery runs, but after the message was published.
    const joined = pubsub.subscribe('c', late.handler);
    expect(early.messages).toEqual([]);
    await published;
    await joined;
    await eventually(() => early.messages.length === 1, 'the message');
    expect(early.messages).toEqual(['m']);
    expect(late.messages).toEqual([]);
    await pubsub.close();
  });

  it('never reports a connection change, and unregisters listeners', async () => {
    const pubsub = new MemoryPubSub();
    const changes: boolean[] = [];
    const unregister = pubsub.onConnectionChange((connected) => changes.push(connected));
    unregister();
    unregister();
    await pubsub.close();
    expect(changes).toEqual([]);
  });
});
