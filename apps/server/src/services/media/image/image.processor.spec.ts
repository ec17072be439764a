import sharp from 'sharp';
import { thumbHashToApproximateAspectRatio, thumbHashToAverageRGBA, thumbHashToRGBA } from 'thumbhash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  COMMITTED,
  allImageFixtures,
  imageFixtures,
  isRejected,
  patternPixels,
  type AcceptedExpectation,
  type ImageFixture,
  type ImageFixtureName,
} from '../../../../test/fixtures/media/fixtures.js';
import { jpegSegments, metadataLeaks } from '../../../../test/fixtures/media/inspect.js';
import { HeicDecoder } from './heic.decoder.js';
import { ImageRejectedError } from './image.errors.js';
import {
  DEFAULT_MAX_PIXELS,
  ImageProcessor,
  type ProcessedImage,
  type ProcessedVariant,
} from './image.processor.js';

const heicDecoder = new HeicDecoder();
const processor = new ImageProcessor({ maxPixels: DEFAULT_MAX_PIXELS, heicDecoder });

const acceptedFixtures = allImageFixtures.filter((f) => !isRejected(f.expect));
const rejectedFixtures = allImageFixtures.filter((f) => isRejected(f.expect));

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

// Each fixture is processed once; the assertions below read the results.
const results = new Map<string, ProcessedImage>();

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  for (const fixture of acceptedFixtures)
    results.set(fixture.name, await processor.process(await fixture.bytes()));
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await heicDecoder.close();
});

function result(name: ImageFixtureName): ProcessedImage {
  const processed = results.get(name);
  if (processed === undefined) throw new Error(`${name} was not processed`);
  return processed;
}

function variant(image: ProcessedImage, name: ProcessedVariant['name']): ProcessedVariant {
  const found = image.variants.find((v) => v.name === name);
  if (found === undefined) throw new Error(`no ${name} variant`);
  return found;
}

async function rejection(promise: Promise<unknown>): Promise<ImageRejectedError> {
  const err: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ImageRejectedError);
  return err as ImageRejectedError;
}

/** The colour of one pixel of an encoded image. */
async function pixel(
  data: Buffer,
  x: number,
  y: number,
): Promise<{ r: number; g: number; b: number; a: number }> {
  const { data: raw, info } = await sharp(data).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * 4;
  return { r: raw[at] ?? -1, g: raw[at + 1] ?? -1, b: raw[at + 2] ?? -1, a: raw[at + 3] ?? -1 };
}

function jpegOf(width: number, height: number): Promise<Buffer> {
  return sharp(patternPixels(width, height), { raw: { width, height, channels: 3 } })
    .jpeg()
    .toBuffer();
}

describe('ImageProcessor: every accepted format', () => {
  it.each(acceptedFixtures.map((f): [string, ImageFixture] => [f.name, f]))(
    '%s: recognised by content, measured after orientation',
    (name, fixture) => {
      const expected = fixture.expect as AcceptedExpectation;
      const processed = result(name as ImageFixtureName);
      expect({
        format: processed.format,
        mimeType: processed.mimeType,
        width: processed.width,
        height: processed.height,
        animated: processed.animated,
      }).toEqual(expected);
      expect(processed.variants.map((v) => [v.name, v.format, v.mimeType])).toEqual([
        ['thumb', 'webp', 'image/webp'],
        ['small', 'webp', 'image/webp'],
        ['medium', 'webp', 'image/webp'],
        ['large', 'webp', 'image/webp'],
        ['large-jpeg', 'jpeg', 'image/jpeg'],
      ]);
    },
  );

  it.each(acceptedFixtures.map((f) => [f.name]))(
    '%s: each variant is what it says, in sRGB, never upscaled',
    async (name) => {
      const processed = result(name as ImageFixtureName);
      for (const v of processed.variants) {
        const meta = await sharp(v.data).metadata();
        expect({ name: v.name, format: meta.format, width: meta.width, height: meta.height }).toEqual({
          name: v.name,
          format: v.format,
          width: v.width,
          height: v.height,
        });
        expect(meta.space).toBe('srgb');
        expect(v.width).toBeLessThanOrEqual(processed.width);
        expect(v.height).toBeLessThanOrEqual(processed.height);
      }
      const thumbSide = Math.min(150, processed.width, processed.height);
      expect(variant(processed, 'thumb')).toMatchObject({ width: thumbSide, height: thumbSide });
      for (const [variantName, width] of [
        ['small', 320],
        ['medium', 640],
        ['large', 1080],
        ['large-jpeg', 1080],
      ] as const) {
        expect(variant(processed, variantName).width).toBe(Math.min(width, processed.width));
      }
    },
  );

  it.each(acceptedFixtures.map((f) => [f.name]))('%s: no metadata survives in any output', async (name) => {
    for (const v of result(name as ImageFixtureName).variants) {
      expect({ variant: v.name, leaks: await metadataLeaks(v.data) }).toEqual({ variant: v.name, leaks: [] });
    }
  });

  it.each(acceptedFixtures.map((f) => [f.name]))(
    '%s: the placeholder is a ThumbHash of the image',
    (name) => {
      const processed = result(name as ImageFixtureName);
      const hash = Buffer.from(processed.placeholder, 'base64');
      expect(hash.length).toBeGreaterThanOrEqual(5);
      expect(hash.length).toBeLessThanOrEqual(25);
      const rendered = thumbHashToRGBA(hash);
      expect(rendered.w).toBeGreaterThan(0);
      expect(rendered.h).toBeGreaterThan(0);
      expect(rendered.rgba.length).toBe(rendered.w * rendered.h * 4);
      // ThumbHash stores the aspect ratio coarsely, as a ratio of small integers up to 7:1.
      const aspect = Math.min(Math.max(processed.width / processed.height, 1 / 7), 7);
      const ratio = thumbHashToApproximateAspectRatio(hash) / aspect;
      expect(ratio).toBeGreaterThan(0.5);
      expect(ratio).toBeLessThan(2);
    },
  );
});

describe('ImageProcessor: orientation, colour and metadata of a camera JPEG', () => {
  it('records the upright size, swapped from the stored one', () => {
    const processed = result('jpegCamera');
    expect([COMMITTED.camera.storedWidth, COMMITTED.camera.storedHeight]).toEqual([64, 48]);
    expect([processed.width, processed.height]).toEqual([48, 64]);
  });

  it('makes portrait variants with the pixels turned upright (rotated 90 degrees clockwise)', async () => {
    const processed = result('jpegCamera');
    for (const v of processed.variants.filter((x) => x.name !== 'thumb')) {
      expect(v.height).toBeGreaterThan(v.width);
    }
    // Stored: top half red, bottom half blue. Upright: left half blue, right half red.
    const jpeg = variant(processed, 'large-jpeg');
    const left = await pixel(jpeg.data, 5, 32);
    const right = await pixel(jpeg.data, 42, 32);
    expect(left.b).toBeGreaterThan(150);
    expect(left.r).toBeLessThan(100);
    expect(right.r).toBeGreaterThan(150);
    expect(right.b).toBeLessThan(100);
  });

  it('strips the EXIF, GPS, XMP, camera make and ICC profile the original carries', async () => {
    const original = await imageFixtures.jpegCamera.bytes();
    // The fixture really has what must be removed...
    const before = await metadataLeaks(original);
    expect(before).toEqual(
      expect.arrayContaining([
        'EXIF block',
        'XMP block',
        'ICC profile',
        `bytes ${JSON.stringify(COMMITTED.camera.make)}`,
        'JPEG APP1 (EXIF/XMP) segment',
      ]),
    );
    // ...and no output has any of it, down to the marker segments of the JPEG.
    for (const v of result('jpegCamera').variants) expect(await metadataLeaks(v.data)).toEqual([]);
    const markers = jpegSegments(variant(result('jpegCamera'), 'large-jpeg').data).map((s) => s.marker);
    expect(markers.filter((m) => m >= 0xe1 && m <= 0xef)).toEqual([]);
  });

  it('converts a CMYK JPEG to three-channel sRGB', async () => {
    for (const v of result('jpegCmyk').variants) {
      const meta = await sharp(v.data).metadata();
      expect([meta.space, meta.channels]).toEqual(['srgb', 3]);
    }
  });
});

describe('ImageProcessor: sizes', () => {
  it('never upscales: a 100px-wide image gets variants at most 100 wide', async () => {
    const processed = await processor.process(await jpegOf(100, 60));
    expect(processed.variants.map((v) => [v.name, v.width, v.height])).toEqual([
      ['thumb', 60, 60],
      ['small', 100, 60],
      ['medium', 100, 60],
      ['large', 100, 60],
      ['large-jpeg', 100, 60],
    ]);
  });

  it('keeps a 1x1 image at 1x1', () => {
    expect(result('pngTiny').variants.map((v) => [v.width, v.height])).toEqual(Array(5).fill([1, 1]));
  });

  it('scales a 12-megapixel photo to the standard widths', async () => {
    const processed = await processor.process(await jpegOf(4000, 3000));
    expect(processed.variants.map((v) => [v.name, v.width, v.height])).toEqual([
      ['thumb', 150, 150],
      ['small', 320, 240],
      ['medium', 640, 480],
      ['large', 1080, 810],
      ['large-jpeg', 1080, 810],
    ]);
  });

  it('crops a panorama square for the thumbnail and keeps its ratio elsewhere', () => {
    expect(result('jpegPanorama').variants.map((v) => [v.name, v.width, v.height])).toEqual([
      ['thumb', 150, 150],
      ['small', 320, 13],
      ['medium', 640, 26],
      ['large', 1080, 43],
      ['large-jpeg', 1080, 43],
    ]);
  });
});

describe('ImageProcessor: animation and transparency', () => {
  it('keeps an animated GIF animated in every WebP variant; the JPEG is its first frame', async () => {
    const processed = result('gifAnimated');
    for (const v of processed.variants) {
      const meta = await sharp(v.data).metadata();
      if (v.format === 'webp') {
        expect({ name: v.name, pages: meta.pages, delay: meta.delay }).toEqual({
          name: v.name,
          pages: 3,
          delay: [100, 100, 100],
        });
      } else {
        expect(meta.pages ?? 1).toBe(1);
        expect([meta.width, meta.height]).toEqual([48, 32]);
        const first = await pixel(v.data, 24, 16);
        expect(first.r).toBeGreaterThan(150);
        expect(first.g).toBeLessThan(100);
      }
    }
    // The placeholder shows the first (red) frame.
    const average = thumbHashToAverageRGBA(Buffer.from(processed.placeholder, 'base64'));
    expect(average.r).toBeGreaterThan(average.g + 0.3);
  });

  it('keeps an animated WebP animated', async () => {
    for (const v of result('webpAnimated').variants.filter((x) => x.format === 'webp')) {
      expect((await sharp(v.data).metadata()).pages).toBe(2);
    }
  });

  it('keeps transparency in WebP and puts white behind it in the JPEG', async () => {
    const processed = result('pngTransparent');
    const webp = variant(processed, 'large');
    expect((await pixel(webp.data, 5, 32)).a).toBe(0);
    expect((await pixel(webp.data, 58, 32)).a).toBe(255);
    expect(await pixel(variant(processed, 'large-jpeg').data, 5, 32)).toMatchObject({ a: 255 });
    const white = await pixel(variant(processed, 'large-jpeg').data, 5, 32);
    expect(Math.min(white.r, white.g, white.b)).toBeGreaterThan(240);
  });
});

describe('ImageProcessor: HEIC', () => {
  it('decodes the HEVC image with its size and colours', async () => {
    const processed = result('heicPhone');
    expect([processed.format, processed.width, processed.height]).toEqual(['heic', 64, 48]);
    const jpeg = variant(processed, 'large-jpeg');
    const left = await pixel(jpeg.data, 8, 24);
    const right = await pixel(jpeg.data, 56, 24);
    expect(left.r).toBeGreaterThan(150);
    expect(left.b).toBeLessThan(100);
    expect(right.b).toBeGreaterThan(150);
    expect(right.r).toBeLessThan(100);
    // The placeholder averages the two halves: much red and blue, little green.
    const average = thumbHashToAverageRGBA(Buffer.from(processed.placeholder, 'base64'));
    expect(average.r).toBeGreaterThan(average.g + 0.2);
    expect(average.b).toBeGreaterThan(average.g + 0.2);
  });

  it('drops the EXIF and GPS position the phone stored in the HEIC', async () => {
    const original = await imageFixtures.heicPhone.bytes();
    expect(original.includes(Buffer.from(COMMITTED.heic.make))).toBe(true);
    for (const v of result('heicPhone').variants) expect(await metadataLeaks(v.data)).toEqual([]);
  });
});

describe('ImageProcessor: rejections', () => {
  it.each(rejectedFixtures.map((f): [string, ImageFixture] => [f.name, f]))(
    '%s is rejected with a reason',
    async (_name, fixture) => {
      if (!isRejected(fixture.expect)) throw new Error('not a rejected fixture');
      const err = await rejection(processor.process(await fixture.bytes()));
      expect(err.kind).toBe(fixture.expect.kind);
      expect(err.reason).toMatch(fixture.expect.rejected);
      expect(err.message).toBe(err.reason);
    },
  );

  it('refuses the decompression bomb from its header, before any decoding', async () => {
    const before = process.memoryUsage().rss;
    const err = await rejection(processor.process(await imageFixtures.pngBomb.bytes()));
    // Only the header check knows the declared size; libvips' own guard would not say it.
    expect(err.reason).toBe('the image has 40000x40000 pixels, more than the limit of 100 megapixels');
    // Decoding would need 6.4 GB; nothing close to that was allocated.
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('honours a configured pixel limit, counting every frame of an animation', async () => {
    const small = new ImageProcessor({ maxPixels: 999_999, heicDecoder });
    expect((await rejection(small.process(await imageFixtures.jpegPanorama.bytes()))).reason).toBe(
      'the image has 5000x200 pixels, more than the limit of 1 megapixel',
    );
    expect((await small.process(await jpegOf(320, 240))).width).toBe(320);

    const gif = await imageFixtures.gifAnimated.bytes(); // 3 frames of 48x32 = 4608 pixels
    const err = await rejection(new ImageProcessor({ maxPixels: 4000 }).process(gif));
    expect([err.kind, err.reason]).toEqual([
      'too_large',
      expect.stringContaining('3 frames of 48x32 pixels'),
    ]);
    expect((await new ImageProcessor({ maxPixels: 5000 }).process(gif)).animated).toBe(true);

    const heic = await imageFixtures.heicPhone.bytes(); // 64x48 = 3072 pixels
    const heicErr = await rejection(new ImageProcessor({ maxPixels: 3000, heicDecoder }).process(heic));
    expect([heicErr.kind, heicErr.reason]).toEqual(['too_large', expect.stringContaining('64x48')]);
  });

  it.each([
    ['JPEG', Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(300, 0x5a)]), /JPEG/],
    ['PNG', Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.alloc(300, 7)]), /PNG/],
    ['GIF', Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(300, 1)]), /GIF/],
    [
      'WebP',
      Buffer.concat([Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'latin1'), Buffer.alloc(300, 3)]),
      /WebP/,
    ],
    ['TIFF', Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0x00]), Buffer.alloc(300, 9)]), /TIFF/],
    [
      'AVIF',
      Buffer.concat([
        Buffer.from('\x00\x00\x00\x18ftypavif\x00\x00\x00\x00avifmif1', 'latin1'),
        Buffer.alloc(300, 2),
      ]),
      /AVIF/,
    ],
    [
      'HEIC',
      Buffer.concat([
        Buffer.from('\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic', 'latin1'),
        Buffer.alloc(300, 4),
      ]),
      /HEIC/,
    ],
  ])('a %s signature followed by garbage is rejected as corrupt', async (_label, bytes, named) => {
    const err = await rejection(processor.process(bytes));
    expect(err.kind).toBe('corrupt');
    expect(err.reason).toMatch(named);
  });

  it('processes many uploads at once, good and bad, without an unhandled rejection', async () => {
    const uploads = await Promise.all(allImageFixtures.map((f) => f.bytes()));
    const outcomes = await Promise.allSettled(uploads.map((bytes) => processor.process(bytes)));
    expect(outcomes.map((o) => o.status)).toEqual(
      allImageFixtures.map((f) => (isRejected(f.expect) ? 'rejected' : 'fulfilled')),
    );
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ImageRejectedError);
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });
});
