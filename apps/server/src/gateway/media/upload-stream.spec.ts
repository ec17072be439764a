import { PassThrough, Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';

import { describe, expect, it } from 'vitest';

import { DomainError } from '../../platform/errors.js';
import { SNIFF_BYTES } from '../../services/media/image/media-format.js';
import { ByteLimit, openImageUpload, type UploadLimits } from './upload-stream.js';

const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function heicHead(): Buffer {
  const box = Buffer.alloc(24);
  box.writeUInt32BE(24, 0);
  box.write('ftypheic', 4, 'latin1');
  box.writeUInt32BE(0, 12);
  box.write('mif1heic', 16, 'latin1');
  return box;
}

/** A JPEG-looking file of exactly `size` bytes (the head, then filler). */
function jpegOf(size: number): Buffer {
  const file = Buffer.alloc(size, 0x5a);
  JPEG_HEAD.copy(file);
  return file;
}

/** A source that hands out `data` in `chunkSize` pieces, as a socket would, and records reads. */
class ChunkedSource extends Readable {
  reads = 0;
  private offset = 0;

  constructor(
    private readonly data: Buffer,
    private readonly chunkSize: number,
  ) {
    // A small buffer, so that what the stream reads ahead stays close to what was asked for.
    super({ highWaterMark: chunkSize });
  }

  override _read(): void {
    this.reads += 1;
    if (this.offset >= this.data.byteLength) {
      this.push(null);
      return;
    }
    this.push(this.data.subarray(this.offset, this.offset + this.chunkSize));
    this.offset += this.chunkSize;
  }
}

async function errorOf(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError, got success');
}

describe('openImageUpload', () => {
  const limits: UploadLimits = { maxBytes: 1000 };

  it('passes a file of exactly the limit through whole, detected from its bytes', async () => {
    const file = jpegOf(1000);
    const upload = await openImageUpload(new ChunkedSource(file, 7), limits);
    expect(upload.format).toBe('jpeg');
    expect(upload.mimeType).toBe('image/jpeg');
    expect((await buffer(upload.body)).equals(file)).toBe(true);
  });

  it('refuses a file one byte over the limit', async () => {
    const upload = await openImageUpload(new ChunkedSource(jpegOf(1001), 7), limits);
    expect((await errorOf(buffer(upload.body))).kind).toBe('too_large');
  });

  it('fails as soon as the limit is crossed, leaving the rest of the source unread and open', async () => {
    const source = new ChunkedSource(jpegOf(5000), 100);
    const upload = await openImageUpload(source, limits);
    const err = await errorOf(buffer(upload.body));
    expect(err.kind).toBe('too_large');
    expect(err.message).toMatch(/limit/);
    // The request still has to be answered: refusing the upload must not kill its connection.
    expect(source.destroyed).toBe(false);
    expect(source.reads).toBeLessThan(20);
  });

  it('refuses a declared Content-Length over the limit before reading anything', async () => {
    const source = new ChunkedSource(jpegOf(2000), 100);
    const err = await errorOf(openImageUpload(source, { maxBytes: 1000, declaredBytes: 1001 }));
    expect(err.kind).toBe('too_large');
    expect(source.reads).toBe(0);
  });

  it('reads no more than the first chunk holding SNIFF_BYTES before deciding', async () => {
    const source = new ChunkedSource(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg">'.padEnd(500, ' ')),
      16,
    );
    const err = await errorOf(openImageUpload(source, limits));
    expect(err.kind).toBe('unsupported_media_type');
    expect(err.message).toMatch(/SVG/);
    // 32 chunks of 16 bytes: about SNIFF_BYTES / 16 of them were read, plus what was buffered ahead.
    expect(source.reads).toBeLessThan(SNIFF_BYTES / 16 + 4);
    expect(source.destroyed).toBe(false);
  });

  it('refuses text and says why', async () => {
    const err = await errorOf(
      openImageUpload(Readable.from([Buffer.from('hello, this is not a photo at all')]), limits),
    );
    expect(err.kind).toBe('unsupported_media_type');
    expect(err.message).toMatch(/text/);
  });

  it('takes HEIC by its ftyp brands', async () => {
    const file = Buffer.concat([heicHead(), Buffer.alloc(200, 1)]);
    const upload = await openImageUpload(new ChunkedSource(file, 10), limits);
    expect(upload).toMatchObject({ format: 'heic', mimeType: 'image/heic' });
    expect((await buffer(upload.body)).equals(file)).toBe(true);
  });

  it('handles a whole stream shorter than SNIFF_BYTES', async () => {
    const tiny = Buffer.concat([PNG_SIGNATURE, Buffer.from([0, 0, 0, 13])]);
    expect(tiny.byteLength).toBeLessThan(SNIFF_BYTES);
    const upload = await openImageUpload(new ChunkedSource(tiny, 5), limits);
    expect(upload.format).toBe('png');
    expect((await buffer(upload.body)).equals(tiny)).toBe(true);
  });

  it('refuses an empty body as unsupported', async () => {
    const err = await errorOf(openImageUpload(Readable.from([]), limits));
    expect(err.kind).toBe('unsupported_media_type');
  });

  it('holds a direct upload to its declared size: longer is too_large, shorter is malformed', async () => {
    const longer = await openImageUpload(new ChunkedSource(jpegOf(501), 50), {
      maxBytes: 1000,
      exactBytes: 500,
    });
    expect((await errorOf(buffer(longer.body))).kind).toBe('too_large');

    const shorter = await openImageUpload(new ChunkedSource(jpegOf(499), 50), {
      maxBytes: 1000,
      exactBytes: 500,
    });
    const err = await errorOf(buffer(shorter.body));
    expect(err.kind).toBe('malformed');
    expect(err.message).toMatch(/499 bytes.*500/);

    const exact = await openImageUpload(new ChunkedSource(jpegOf(500), 50), {
      maxBytes: 1000,
      exactBytes: 500,
    });
    expect((await buffer(exact.body)).byteLength).toBe(500);
  });

  it('refuses at once a declared length that differs from the declared upload size', async () => {
    const source = new ChunkedSource(jpegOf(500), 50);
    expect(
      (await errorOf(openImageUpload(source, { maxBytes: 1000, exactBytes: 500, declaredBytes: 400 }))).kind,
    ).toBe('malformed');
    expect(
      (await errorOf(openImageUpload(source, { maxBytes: 1000, exactBytes: 500, declaredBytes: 600 }))).kind,
    ).toBe('too_large');
    expect(source.reads).toBe(0);
  });

  it('turns a client going away mid-upload into a malformed-request error', async () => {
    const source = new PassThrough();
    source.write(jpegOf(100));
    const upload = await openImageUpload(source, limits);
    const collected = buffer(upload.body);
    source.destroy(new Error('aborted'));
    const err = await errorOf(collected);
    expect(err.kind).toBe('malformed');
    expect(err.message).toMatch(/ended before/);
  });
});

describe('ByteLimit', () => {
  it('counts what passes and refuses the chunk that crosses the limit', async () => {
    const limit = new ByteLimit({ maxBytes: 10 });
    const out = buffer(limit);
    limit.write(Buffer.alloc(6));
    limit.write(Buffer.alloc(4));
    expect(limit.bytes).toBe(10);
    limit.write(Buffer.alloc(1));
    expect((await errorOf(out)).kind).toBe('too_large');
  });
});
