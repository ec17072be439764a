import { describe, expect, it } from 'vitest';

import { allImageFixtures, isRejected } from '../../../../test/fixtures/media/fixtures.js';
import {
  MIME_TYPE_OF,
  SNIFF_BYTES,
  SUPPORTED_MIME_TYPES,
  sniffImage,
  type ImageFormat,
} from './media-format.js';

function bytes(...parts: (string | number[])[]): Uint8Array {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
}

/** An ISO-BMFF `ftyp` box with the given major and compatible brands. */
function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const size = 16 + 4 * compatible.length;
  return bytes([0, 0, 0, size], 'ftyp', major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 8], 'meta');
}

describe('sniffImage', () => {
  it('needs at most 64 bytes', () => {
    expect(SNIFF_BYTES).toBeLessThanOrEqual(64);
  });

  it.each<[string, Uint8Array, ImageFormat, string]>([
    ['JPEG (JFIF)', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], 'JFIF'), 'jpeg', 'image/jpeg'],
    ['JPEG (EXIF)', bytes([0xff, 0xd8, 0xff, 0xe1, 0x12, 0x34], 'Exif'), 'jpeg', 'image/jpeg'],
    ['PNG', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR'), 'png', 'image/png'],
    ['GIF87a', bytes('GIF87a', [1, 0, 1, 0]), 'gif', 'image/gif'],
    ['GIF89a', bytes('GIF89a', [1, 0, 1, 0]), 'gif', 'image/gif'],
    ['WebP', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '), 'webp', 'image/webp'],
    ['TIFF little-endian', bytes([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]), 'tiff', 'image/tiff'],
    ['TIFF big-endian', bytes([0x4d, 0x4d, 0, 0x2a, 0, 0, 0, 8]), 'tiff', 'image/tiff'],
    ['BigTIFF', bytes([0x49, 0x49, 0x2b, 0, 8, 0, 0, 0]), 'tiff', 'image/tiff'],
    ['AVIF', ftyp('avif', 'avif', 'mif1', 'miaf'), 'avif', 'image/avif'],
    ['AVIF behind a generic major brand', ftyp('mif1', 'mif1', 'avif'), 'avif', 'image/avif'],
    ['AVIF sequence', ftyp('avis', 'avis', 'msf1'), 'avif', 'image/avif'],
    ['HEIC (iPhone)', ftyp('heic', 'mif1', 'heic'), 'heic', 'image/heic'],
    ['HEIC with 10-bit (heix)', ftyp('heix', 'mif1', 'heix'), 'heic', 'image/heic'],
    ['HEIC behind a generic major brand', ftyp('mif1', 'mif1', 'heic'), 'heic', 'image/heic'],
    ['HEIF with only structural brands', ftyp('mif1', 'mif1', 'miaf'), 'heic', 'image/heif'],
  ])('recognises %s', (_label, head, format, mimeType) => {
    expect(sniffImage(head)).toEqual({ ok: true, format, mimeType });
  });

  it.each<[string, Uint8Array, RegExp]>([
    ['an SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg">'), /^SVG images are not accepted$/],
    ['an SVG with an XML declaration', bytes('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE'), /^SVG/],
    ['an SVG behind a BOM and blank lines', bytes([0xef, 0xbb, 0xbf], '\n\n  <svg width="1">'), /^SVG/],
    ['an SVG with a doctype', bytes('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"'), /^SVG/],
    ['HTML', bytes('<!DOCTYPE html><html><body>'), /not an image \(starts with HTML\)/],
    ['plain text', bytes('hello world, this is text'), /^not an image \(starts with text\)$/],
    ['UTF-8 text cut mid-character', bytes('caf', [0xc3]), /starts with text/],
    ['JSON', bytes('{"image": "no"}'), /starts with text/],
    ['a PDF', bytes('%PDF-1.7\n%', [0xe2, 0xe3, 0xcf, 0xd3]), /PDF documents are not accepted/],
    ['a BMP', bytes('BM', [0x36, 0x28, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0]), /BMP images are not supported/],
    ['a Photoshop file', bytes('8BPS', [0, 1, 0, 0, 0, 0, 0, 0]), /Photoshop/],
    ['a JPEG XL codestream', bytes([0xff, 0x0a, 0xfa, 0x7f]), /JPEG XL/],
    ['a JPEG XL container', bytes([0, 0, 0, 0x0c], 'JXL ', [0x0d, 0x0a, 0x87, 0x0a]), /JPEG XL/],
    ['a JPEG 2000', bytes([0, 0, 0, 0x0c], 'jP  ', [0x0d, 0x0a, 0x87, 0x0a]), /JPEG 2000/],
    ['an MP4 video', ftyp('isom', 'isom', 'iso2', 'mp41'), /videos are not accepted/],
    ['a QuickTime video', ftyp('qt  ', 'qt  '), /videos are not accepted/],
    ['an unknown ISO media file', ftyp('zzzz', 'zzzz'), /unsupported file type/],
    ['an empty file', new Uint8Array(0), /^the file is empty$/],
    ['a few binary bytes', bytes([0, 1, 2]), /too short/],
    [
      'unknown binary',
      bytes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]),
      /unrecognised file type/,
    ],
  ])('rejects %s with a reason', (_label, head, reason) => {
    const result = sniffImage(head);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('reads only what it is given: a truncated head of a real format still sniffs', () => {
    expect(sniffImage(bytes([0xff, 0xd8, 0xff]))).toMatchObject({ ok: true, format: 'jpeg' });
    expect(sniffImage(bytes([0, 0, 0, 0x18], 'ftypheic'))).toMatchObject({ ok: true, format: 'heic' });
  });

  it('agrees with every fixture that has a known format, from its first SNIFF_BYTES bytes', async () => {
    for (const fixture of allImageFixtures) {
      if (isRejected(fixture.expect)) continue;
      const head = (await fixture.bytes()).subarray(0, SNIFF_BYTES);
      expect({ fixture: fixture.name, sniffed: sniffImage(head) }).toEqual({
        fixture: fixture.name,
        sniffed: { ok: true, format: fixture.expect.format, mimeType: fixture.expect.mimeType },
      });
    }
  });

  it('lists a supported MIME type for every format', () => {
    for (const mimeType of Object.values(MIME_TYPE_OF)) expect(SUPPORTED_MIME_TYPES).toContain(mimeType);
    expect(SUPPORTED_MIME_TYPES).toContain('image/heif');
    expect(SUPPORTED_MIME_TYPES).not.toContain('image/svg+xml');
  });
});
