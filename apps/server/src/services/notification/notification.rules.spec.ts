import { describe, expect, it } from 'vitest';

import {
  COMMENT_EXCERPT_MAX_LENGTH,
  NOTIFICATION_GROUP_WINDOW_MS,
  commentExcerpt,
  followGroupKey,
  groupBucket,
  likeGroupKey,
} from './notification.rules.js';

describe('notification rules', () => {
  const window = NOTIFICATION_GROUP_WINDOW_MS;
  const bucketStart = new Date(Date.UTC(2026, 5, 1, 12));

  it('puts the first and last millisecond of a window in one bucket, and the next millisecond in the next', () => {
    const bucket = groupBucket(bucketStart, window);
    expect(bucketStart.getTime() % window).toBe(0);
    expect(groupBucket(new Date(bucketStart.getTime() + window - 1), window)).toBe(bucket);
    expect(groupBucket(new Date(bucketStart.getTime() + window), window)).toBe(bucket + 1);
    expect(groupBucket(new Date(bucketStart.getTime() - 1), window)).toBe(bucket - 1);
  });

  it('keys like groups by post and bucket, follow groups by bucket', () => {
    const bucket = groupBucket(bucketStart, window);
    expect(likeGroupKey('42', bucketStart, window)).toBe(`like:42:${bucket}`);
    expect(likeGroupKey('43', bucketStart, window)).toBe(`like:43:${bucket}`);
    expect(followGroupKey(bucketStart, window)).toBe(`follow:${bucket}`);
    expect(followGroupKey(new Date(bucketStart.getTime() + window), window)).toBe(`follow:${bucket + 1}`);
    expect(groupBucket(bucketStart, 1000)).toBe(bucketStart.getTime() / 1000);
  });

  it('keeps bodies up to the limit as written and cuts longer ones by code points, never inside an emoji', () => {
    expect(COMMENT_EXCERPT_MAX_LENGTH).toBe(500);
    const exact = 'a'.repeat(COMMENT_EXCERPT_MAX_LENGTH);
    expect(commentExcerpt(exact)).toBe(exact);
    expect(commentExcerpt(`${exact}b`)).toBe(exact);
    // 500 emoji are 1000 UTF-16 code units: a length in code units would cut at 250.
    const emoji = '😀'.repeat(COMMENT_EXCERPT_MAX_LENGTH);
    expect(commentExcerpt(`${emoji}😀😀`)).toBe(emoji);
    expect(commentExcerpt(`${'x'.repeat(499)}😀😀`)).toBe(`${'x'.repeat(499)}😀`);
    expect(commentExcerpt('')).toBe('');
  });
});
