import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { PubSubClosedError } from './pubsub.errors.js';
import type { PubSub } from './pubsub.port.js';

export interface OpenOptions {
  keyPrefix: string;
  onError?: (err: Error) => void;
}

export interface PubSubUnderTest {
  /** Opens an instance; the suite closes every instance it opened. */
  open(options: OpenOptions): Promise<PubSub>;
  /**
   * Whether separate instances share one broker, as processes on one Redis do (instances of one
   * prefix then hear each other), or each is a world of its own (in process).
   */
  shared: boolean;
  /** Runs after the suite closed its instances. */
  cleanup?: () => Promise<void>;
}

export type PubSubFactory = () => Promise<PubSubUnderTest>;

/** Polls until `check` holds; the limit only stops a broken adapter from hanging the run. */
export async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > giveUpAt) throw new Error(`gave up waiting for: ${what}`);
    await sleep(10);
  }
}

/** Records what a handler heard. */
export class Inbox {
  readonly messages: string[] = [];
  readonly handler = (message: string): void => {
    this.messages.push(message);
  };

  has(message: string): boolean {
    return this.messages.includes(message);
  }
}

/**
 * The behaviour every pub/sub adapter must have. A message that must NOT arrive is followed,
 * once its publish resolved, by a sentinel to the same subscriber connection (channels of one
 * test share a hash tag, so on Redis Cluster they share a shard): once the sentinel is in, the
 * earlier message would have been too.
 */
export function describePubSubContract(name: string, factory: PubSubFactory): void {
  describe(`PubSub contract: ${name}`, () => {
    let subject: PubSubUnderTest;
    let opened: PubSub[] = [];
    let prefix: string;
    let tag: string;

    beforeEach(async () => {
      subject = await factory();
      prefix = `test:pubsub:${randomUUID()}:`;
      tag = `{${randomUUID().slice(0, 8)}}`;
    });

    afterEach(async () => {
      try {
        await Promise.all(opened.map((pubsub) => pubsub.close()));
      } finally {
        opened = [];
        await subject.cleanup?.();
      }
    });

    async function open(options: Partial<OpenOptions> = {}): Promise<PubSub> {
      const pubsub = await subject.open({ keyPrefix: prefix, ...options });
      opened.push(pubsub);
      return pubsub;
    }

    const channel = (label: string): string => `${tag}:${label}`;

    /** Publishes a sentinel on `pubsub`'s own sentinel channel and waits for it to come back. */
    async function roundTrip(pubsub: PubSub): Promise<void> {
      const sentinel = new Inbox();
      const unsubscribe = await pubsub.subscribe(channel('sentinel'), sentinel.handler);
      const marker = randomUUID();
      await pubsub.publish(channel('sentinel'), marker);
      await eventually(() => sentinel.has(marker), 'the sentinel');
      await unsubscribe();
    }

    it('answers ping', async () => {
      const pubsub = await open();
      await expect(pubsub.ping()).resolves.toBeUndefined();
    });

    it('delivers a message to every subscriber of its channel, and to no other channel', async () => {
      const pubsub = await open();
      const [a1, a2, b] = [new Inbox(), new Inbox(), new Inbox()];
      await pubsub.subscribe(channel('a'), a1.handler);
      await pubsub.subscribe(channel('a'), a2.handler);
      await pubsub.subscribe(channel('b'), b.handler);
      await pubsub.publish(channel('a'), 'for a');
      await pubsub.publish(channel('b'), 'for b');
      await eventually(() => a1.has('for a') && a2.has('for a') && b.has('for b'), 'both messages');
      expect(a1.messages).toEqual(['for a']);
      expect(a2.messages).toEqual(['for a']);
      expect(b.messages).toEqual(['for b']);
    });

    it('delivers every message of a concurrent burst once, and awaited publishes in their order', async () => {
      const pubsub = await open();
      const [burst, sequence] = [new Inbox(), new Inbox()];
      await pubsub.subscribe(channel('burst'), burst.handler);
      await pubsub.subscribe(channel('sequence'), sequence.handler);
      const messages = Array.from({ length: 100 }, (_, i) => `m${String(i).padStart(3, '0')}`);
      await Promise.all(messages.map((message) => pubsub.publish(channel('burst'), message)));
      await eventually(() => burst.messages.length >= messages.length, 'every message of the burst');
      expect([...burst.messages].sort()).toEqual(messages);
      for (const message of messages.slice(0, 20)) await pubsub.publish(channel('sequence'), message);
      await eventually(() => sequence.messages.length >= 20, 'every message of the sequence');
      expect(sequence.messages).toEqual(messages.slice(0, 20));
    });

    it('carries any string intact, and takes channel names of any characters', async () => {
      const pubsub = await open();
      const inbox = new Inbox();
      const odd = channel('ünï cödé: *?[x] {inner}');
      await pubsub.subscribe(odd, inbox.handler);
      const messages = [
        '',
        'héllo ✓ 😀',
        'line\nbreak\r\n\0nul',
        JSON.stringify({ seq: '42' }),
        'x'.repeat(64 * 1024),
      ];
      for (const message of messages) await pubsub.publish(odd, message);
      await eventually(() => inbox.messages.length === messages.length, 'every message');
      expect(inbox.messages).toEqual(messages);
    });

    it('stops delivering to a subscriber that unsubscribed, and unsubscribes twice without harm', async () => {
      const pubsub = await open();
      const [gone, staying] = [new Inbox(), new Inbox()];
      const unsubscribe = await pubsub.subscribe(channel('u'), gone.handler);
      await pubsub.subscribe(channel('other'), staying.handler);
      await pubsub.publish(channel('u'), 'before');
      await eventually(() => gone.has('before'), 'the first message');
      await unsubscribe();
      await unsubscribe();
      await pubsub.publish(channel('u'), 'after');
      await pubsub.publish(channel('other'), 'sentinel');
      await eventually(() => staying.has('sentinel'), 'the sentinel');
      expect(gone.messages).toEqual(['before']);
    });

    it('keeps a channel while any of its subscribers remains, and subscribes it afresh later', async () => {
      const pubsub = await open();
      const [first, second, third] = [new Inbox(), new Inbox(), new Inbox()];
      const unsubscribeFirst = await pubsub.subscribe(channel('shared'), first.handler);
      const unsubscribeSecond = await pubsub.subscribe(channel('shared'), second.handler);
      await unsubscribeFirst();
      // Idempotent: a second call must not take the other subscriber's share.
      await unsubscribeFirst();
      await pubsub.publish(channel('shared'), 'one');
      await eventually(() => second.has('one'), 'the message in the remaining subscriber');
      expect(first.messages).toEqual([]);

      await unsubscribeSecond();
      await pubsub.subscribe(channel('shared'), third.handler);
      await pubsub.publish(channel('shared'), 'two');
      await eventually(() => third.has('two'), 'the message in the new subscriber');
      expect(second.messages).toEqual(['one']);
      expect(third.messages).toEqual(['two']);
    });

    it('lets a handler unsubscribe itself while a message is being delivered', async () => {
      const pubsub = await open();
      const seen: string[] = [];
      const unsubscribeSelf = await pubsub.subscribe(channel('self'), (message) => {
        seen.push(`self ${message}`);
        void unsubscribeSelf();
      });
      const last = new Inbox();
      await pubsub.subscribe(channel('self'), last.handler);
      await pubsub.publish(channel('self'), 'one');
      await pubsub.publish(channel('self'), 'two');
      await eventually(() => last.has('two'), 'both messages in the other subscriber');
      expect(seen).toEqual(['self one']);
      expect(last.messages).toEqual(['one', 'two']);
    });

    it('keeps instances with different prefixes apart, and joins instances of one prefix', async () => {
      const mine = await open();
      const theirs = await open({ keyPrefix: `test:pubsub:${randomUUID()}:` });
      const [inMine, inTheirs] = [new Inbox(), new Inbox()];
      await mine.subscribe(channel('same-name'), inMine.handler);
      await theirs.subscribe(channel('same-name'), inTheirs.handler);
      await mine.publish(channel('same-name'), 'for mine');
      await theirs.publish(channel('same-name'), 'for theirs');
      await eventually(() => inMine.has('for mine') && inTheirs.has('for theirs'), 'one message each');
      // Anything crossing over was sent before these sentinels and would be in by now.
      await roundTrip(mine);
      await roundTrip(theirs);
      expect(inMine.messages).toEqual(['for mine']);
      expect(inTheirs.messages).toEqual(['for theirs']);

      if (subject.shared) {
        const sibling = await open();
        await sibling.publish(channel('same-name'), 'from a sibling');
        await eventually(() => inMine.has('from a sibling'), 'the message of the same-prefix instance');
      }
    });

    it('keeps delivering to the others when a handler throws, and reports what it threw', async () => {
      const errors: Error[] = [];
      const pubsub = await open({ onError: (err) => errors.push(err) });
      const inbox = new Inbox();
      await pubsub.subscribe(channel('throwing'), () => {
        throw new Error('handler failure (expected by the test)');
      });
      await pubsub.subscribe(channel('throwing'), inbox.handler);
      await pubsub.publish(channel('throwing'), 'one');
      await pubsub.publish(channel('throwing'), 'two');
      await eventually(() => inbox.messages.length === 2 && errors.length === 2, 'both messages and errors');
      expect(inbox.messages).toEqual(['one', 'two']);
      expect(errors.map((err) => err.message)).toEqual([
        'handler failure (expected by the test)',
        'handler failure (expected by the test)',
      ]);
    });

    it('refuses a channel that is not a non-empty string', async () => {
      const pubsub = await open();
      await expect(pubsub.publish('', 'm')).rejects.toBeInstanceOf(TypeError);
      await expect(pubsub.subscribe('', () => undefined)).rejects.toBeInstanceOf(TypeError);
      await expect(pubsub.publish(channel('c'), 42 as unknown as string)).rejects.toBeInstanceOf(TypeError);
    });

    it('refuses every call once closed, closes twice without harm, and delivers nothing more', async () => {
      const pubsub = await open();
      const inbox = new Inbox();
      const unsubscribe = await pubsub.subscribe(channel('closing'), inbox.handler);
      await pubsub.close();
      await pubsub.close();
      await expect(pubsub.publish(channel('closing'), 'm')).rejects.toBeInstanceOf(PubSubClosedError);
      await expect(pubsub.subscribe(channel('closing'), inbox.handler)).rejects.toBeInstanceOf(
        PubSubClosedError,
      );
      await expect(pubsub.ping()).rejects.toBeInstanceOf(PubSubClosedError);
      await expect(unsubscribe()).resolves.toBeUndefined();

      if (subject.shared) {
        const other = await open();
        await other.publish(channel('closing'), 'after close');
        await roundTrip(other);
      }
      expect(inbox.messages).toEqual([]);
    });
  });
}
