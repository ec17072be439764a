import { readFile } from 'node:fs/promises';

import { afterAll, describe, expect, it } from 'vitest';

import { COMMITTED } from '../../../../test/fixtures/media/fixtures.js';
import { HeicDecoder } from './heic.decoder.js';
import { ImageRejectedError } from './image.errors.js';

const decoders: HeicDecoder[] = [];
function decoder(options?: ConstructorParameters<typeof HeicDecoder>[0]): HeicDecoder {
  const created = new HeicDecoder(options);
  decoders.push(created);
  return created;
}

afterAll(async () => {
  await Promise.all(decoders.map((d) => d.close()));
});

const heic = () => readFile(COMMITTED.heic.url);

async function rejection(promise: Promise<unknown>): Promise<ImageRejectedError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageRejectedError);
  return err as ImageRejectedError;
}

function rgbaAt(data: Buffer, width: number, x: number, y: number): number[] {
  const at = (y * width + x) * 4;
  return [...data.subarray(at, at + 4)];
}

describe('HeicDecoder', () => {
  it('decodes an HEVC-coded HEIC to RGBA at its size', async () => {
    const decoded = await decoder().decode(await heic(), 100_000_000);
    expect({ ...decoded, data: decoded.data.length }).toEqual({
      width: 64,
      height: 48,
      channels: 4,
      hasAlpha: false,
      premultiplied: false,
      data: 64 * 48 * 4,
    });
    const [lr, lg, lb, la] = rgbaAt(decoded.data, 64, 8, 24);
    const [rr, rg, rb] = rgbaAt(decoded.data, 64, 56, 24);
    expect(la).toBe(255);
    expect(lr).toBeGreaterThan(180);
    expect(Math.max(lg ?? 255, lb ?? 255)).toBeLessThan(80);
    expect(rb).toBeGreaterThan(180);
    expect(Math.max(rr ?? 255, rg ?? 255)).toBeLessThan(80);
  });

  it('refuses an image over the pixel limit from its header', async () => {
    const err = await rejection(decoder().decode(await heic(), 64 * 48 - 1));
    expect(err.kind).toBe('too_large');
    expect(err.reason).toContain('64x48 pixels');
  });

  it('rejects a truncated file and garbage, and keeps working afterwards', async () => {
    const d = decoder();
    const whole = await heic();
    const truncated = await rejection(d.decode(whole.subarray(0, Math.floor(whole.length * 0.7)), 1e8));
    expect([truncated.kind, truncated.reason]).toEqual(['corrupt', 'the HEIC file is truncated']);
    const garbage = Buffer.concat([
      Buffer.from('\0\0\0\x18ftypheic\0\0\0\0mif1heic', 'latin1'),
      Buffer.alloc(64, 7),
    ]);
    expect((await rejection(d.decode(garbage, 1e8))).kind).toBe('corrupt');
    expect((await d.decode(whole, 1e8)).width).toBe(64);
  });

  it('decodes queued files one after another, each to its own result', async () => {
    const d = decoder();
    const whole = await heic();
    const results = await Promise.allSettled([
      d.decode(whole, 1e8),
      d.decode(whole.subarray(0, 100), 1e8),
      d.decode(whole, 1e8),
      d.decode(whole, 10),
    ]);
    expect(
      results.map((r) => (r.status === 'fulfilled' ? r.value.width : (r.reason as ImageRejectedError).kind)),
    ).toEqual([64, 'corrupt', 64, 'too_large']);
  });

  it('starts a fresh worker after retiring one whose heap grew past the threshold', async () => {
    const d = decoder({ recycleHeapBytes: 1 });
    const whole = await heic();
    expect((await d.decode(whole, 1e8)).height).toBe(48);
    expect((await d.decode(whole, 1e8)).height).toBe(48);
  });

  it('gives up on a decode that outlives its deadline, and on the jobs queued behind it only in turn', async () => {
    // Starting a worker and its WebAssembly alone takes far longer than a millisecond.
    const d = decoder({ timeoutMs: 1 });
    const whole = await heic();
    const results = await Promise.allSettled([d.decode(whole, 1e8), d.decode(whole, 1e8)]);
    for (const r of results) {
      expect(r.status).toBe('rejected');
      if (r.status === 'rejected') expect((r.reason as ImageRejectedError).reason).toMatch(/took too long/);
    }
  });

  it('rejects decodes still queued when closed', async () => {
    const d = new HeicDecoder();
    const bytes = await heic();
    const rejected = expect(Promise.all([d.decode(bytes, 1e8), d.decode(bytes, 1e8)])).rejects.toThrow(
      /closed/,
    );
    await d.close();
    await rejected;
  });
});
