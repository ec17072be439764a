/**
 * Decides what an upload is from its first bytes. The name, the extension and the
 * Content-Type a client sends are all under the client's control; the magic numbers are what
 * the decoder will actually see, so they are the only thing we trust.
 */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif' | 'tiff' | 'heic';

/** How many leading bytes `sniffImage` looks at: enough for an ISO-BMFF `ftyp` box with brands. */
export const SNIFF_BYTES = 64;

export type SniffResult = { ok: true; format: ImageFormat; mimeType: string } | { ok: false; reason: string };

export const SUPPORTED_MIME_TYPES: readonly string[] = Object.freeze([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/avif',
  'image/gif',
  'image/tiff',
  'image/heic',
  'image/heif',
]);

export const MIME_TYPE_OF: Readonly<Record<ImageFormat, string>> = Object.freeze({
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  gif: 'image/gif',
  tiff: 'image/tiff',
  heic: 'image/heic',
});

const SUPPORTED_LIST = 'JPEG, PNG, WebP, AVIF, GIF, TIFF or HEIC';

// HEIF brands (ISO/IEC 23008-12 and Apple's): the image is HEVC-coded, which libvips cannot
// decode, so these go to the HEIC decoder.
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const AVIF_BRANDS = new Set(['avif', 'avis']);
// Structural brands that say "some HEIF" without naming the codec.
const GENERIC_HEIF_BRANDS = new Set(['mif1', 'msf1', 'heif', 'miaf', 'MiHE', 'MiHB']);

function ok(format: ImageFormat, mimeType: string = MIME_TYPE_OF[format]): SniffResult {
  return { ok: true, format, mimeType };
}

function reject(reason: string): SniffResult {
  return { ok: false, reason };
}

function startsWith(head: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (head.length < at + bytes.length) return false;
  return bytes.every((b, i) => head[at + i] === b);
}

function ascii(head: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...head.subarray(start, Math.min(end, head.length)));
}

export function sniffImage(head: Uint8Array): SniffResult {
  if (head.length === 0) return reject('the file is empty');

  if (startsWith(head, [0xff, 0xd8, 0xff])) return ok('jpeg');
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return ok('png');
  const gif = ascii(head, 0, 6);
  if (gif === 'GIF87a' || gif === 'GIF89a') return ok('gif');
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return ok('webp');
  // Classic and BigTIFF, either byte order.
  if (
    startsWith(head, [0x49, 0x49, 0x2a, 0x00]) ||
    startsWith(head, [0x4d, 0x4d, 0x00, 0x2a]) ||
    startsWith(head, [0x49, 0x49, 0x2b, 0x00]) ||
    startsWith(head, [0x4d, 0x4d, 0x00, 0x2b])
  ) {
    return ok('tiff');
  }
  if (ascii(head, 4, 8) === 'ftyp') return sniffIsoBmff(head);

  return rejectUnsupported(head);
}

/** AVIF and HEIC share the ISO base media file format; the `ftyp` brands tell them apart. */
function sniffIsoBmff(head: Uint8Array): SniffResult {
  const boxSize = new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(0);
  // Major brand at 8, minor version at 12, compatible brands from 16 to the end of the box
  // (a size of 0 or 1 means "to the end of the file" or "64-bit size": read what we have).
  const brands = [ascii(head, 8, 12)];
  const end = boxSize > 16 ? Math.min(boxSize, head.length) : head.length;
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(head, at, at + 4));

  if (brands.some((b) => AVIF_BRANDS.has(b))) return ok('avif');
  if (brands.some((b) => HEIC_BRANDS.has(b))) return ok('heic');
  if (brands.some((b) => GENERIC_HEIF_BRANDS.has(b))) return ok('heic', 'image/heif');
  if (brands.some((b) => b === 'jxl ')) return reject('JPEG XL images are not supported');
  if (brands.some((b) => b.startsWith('qt') || b.startsWith('mp4') || b.startsWith('iso'))) {
    return reject(`videos are not accepted; upload a ${SUPPORTED_LIST} image`);
  }
  return reject(
    `unsupported file type (ISO media, but neither AVIF nor HEIC); upload a ${SUPPORTED_LIST} image`,
  );
}

function rejectUnsupported(head: Uint8Array): SniffResult {
  const text = leadingText(head);
  if (text !== undefined) {
    const lower = text.toLowerCase();
    // An SVG can run script and fetch URLs when opened directly; we never serve one.
    if (lower.includes('<svg') || lower.startsWith('<?xml') || lower.includes('<!doctype svg')) {
      return reject('SVG images are not accepted');
    }
    if (lower.startsWith('<!doctype html') || lower.startsWith('<html')) {
      return reject('not an image (starts with HTML)');
    }
    return reject('not an image (starts with text)');
  }
  if (ascii(head, 0, 4) === '%PDF') return reject('PDF documents are not accepted');
  if (ascii(head, 0, 2) === 'BM')
    return reject(`BMP images are not supported; upload a ${SUPPORTED_LIST} image`);
  if (startsWith(head, [0x00, 0x00, 0x01, 0x00])) return reject('icon files are not supported');
  if (ascii(head, 0, 4) === '8BPS') return reject('Photoshop documents are not supported');
  if (startsWith(head, [0xff, 0x0a]) || startsWith(head, [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) {
    return reject('JPEG XL images are not supported');
  }
  if (startsWith(head, [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20])) {
    return reject('JPEG 2000 images are not supported');
  }
  if (head.length < 12) return reject('the file is too short to be an image');
  return reject(`unrecognised file type; upload a ${SUPPORTED_LIST} image`);
}

/**
 * The head as text when it looks like text (UTF-8 without control bytes, BOM and leading
 * whitespace dropped), else undefined.
 */
function leadingText(head: Uint8Array): string | undefined {
  let text: string;
  try {
    // A multi-byte character cut at the end of the head is not a reason to call it binary.
    text = new TextDecoder('utf-8', { fatal: true }).decode(trimIncompleteUtf8(head));
  } catch {
    return undefined;
  }
  if (text.length === 0) return undefined;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    const whitespace = code === 0x09 || code === 0x0a || code === 0x0d;
    if ((code < 0x20 && !whitespace) || code === 0x7f) return undefined;
  }
  return text.replace(/^\uFEFF/, '').trimStart();
}

function trimIncompleteUtf8(bytes: Uint8Array): Uint8Array {
  // Walk back over continuation bytes to the last lead byte and drop it if its sequence is cut.
  let i = bytes.length - 1;
  let continuation = 0;
  while (i >= 0 && continuation < 3 && ((bytes[i] ?? 0) & 0xc0) === 0x80) {
    i--;
    continuation++;
  }
  if (i < 0) return bytes;
  const lead = bytes[i] ?? 0;
  const needed = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : lead >= 0xc0 ? 1 : 0;
  return needed > continuation ? bytes.subarray(0, i) : bytes;
}
