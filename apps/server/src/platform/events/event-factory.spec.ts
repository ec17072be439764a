import { describe, expect, it } from 'vitest';

import { EventFactory } from './event-factory.js';

describe('EventFactory', () => {
  const ids = {
    next: (() => {
      let n = 0;
      return () => String(++n);
    })(),
  };
  const at = new Date('2026-11-24T12:00:00.000Z');

  it('stamps a fresh id, the time, and the current trace context', () => {
    const factory = new EventFactory(ids, () => '00-abc-def-01');
    expect(factory.create('post.deleted', '42', { postId: '42' }, at)).toEqual({
      id: '1',
      type: 'post.deleted',
      key: '42',
      occurredAt: '2026-11-24T12:00:00.000Z',
      payload: { postId: '42' },
      traceparent: '00-abc-def-01',
    });
    expect(factory.create('post.deleted', '42', {}, at).id).toBe('2');
  });

  it('leaves the trace context out when there is none, and takes an explicit one', () => {
    const factory = new EventFactory(ids);
    expect(factory.create('media.ready', '7', {}, at)).not.toHaveProperty('traceparent');
    expect(factory.create('media.ready', '7', {}, at, '00-from-event-01').traceparent).toBe(
      '00-from-event-01',
    );
  });
});
