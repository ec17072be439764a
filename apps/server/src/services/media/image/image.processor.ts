import sharp, { type Sharp, type SharpOptions } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';

import { sharedHeicDecoder, type HeicDecoder } from './heic.decoder.js';
import { ImageRejectedError, tooManyPixels } from './image.errors.js';
import {
  placeholderSize,
  VARIANT_SPECS,
  variantSize,
  workingSize,
  type Size,
  type VariantName,
  type VariantSpec,
} from './image.variants.js';
import { SNIFF_BYTES, sniffImage, type ImageFormat } from './media-format.js';

export type { VariantName } from './image.variants.js';

export const DEFAULT_MAX_PIXELS = 100_000_000;

export interface ImageProcessorOptions {
  /** Decoded pixels allowed (width x height, times frames for animations). Default 100 megapixels. */
  maxPixels: number;
  /** WebP quality, 1-100 (default 80). */
  webpQuality?: number;
  /** WebP encoder effort, 0 (fastest) to 6 (smallest) (default 4). */
  webpEffort?: number;
  /** JPEG quality, 1-100 (default 82). */
  jpegQuality?: number;
  /** Any single libvips pipeline running longer than this is stopped (default 30 s). */
  timeoutSeconds?: number;
  /** Defaults to the process-wide decoder (one WebAssembly libheif in a worker thread). */
  heicDecoder?: HeicDecoder;
}

export interface ProcessedVariant {
  name: VariantName;
  width: number;
  height: number;
  format: 'webp' | 'jpeg';
  mimeType: string;
  data: Buffer;
}

export interface ProcessedImage {
  /** What the original is, from its bytes. */
  format: ImageFormat;
  mimeType: string;
  /** Of the original as it should be displayed, that is after EXIF orientation. */
  width: number;
  height: number;
  animated: boolean;
  /** ThumbHash, base64. */
  placeholder: string;
  /** In VARIANT_SPECS order: thumb, small, medium, large, large-jpeg. */
  variants: ProcessedVariant[];
}

// What sharp's metadata() calls each format we let through to it.
const SHARP_FORMAT: Readonly<Record<Exclude<ImageFormat, 'heic'>, string>> = {
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  avif: 'heif',
  gif: 'gif',
  tiff: 'tiff',
};

const LABEL: Readonly<Record<ImageFormat, string>> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  avif: 'AVIF',
  gif: 'GIF',
  tiff: 'TIFF',
  heic: 'HEIC',
};

/** The decoded source, ready to be cut into variants. */
interface Source {
  /** Displayed size of the original (after orientation; one frame of an animation). */
  size: Size;
  animated: boolean;
  /** Every output is a clone of this. */
  base: Sharp;
  /** The still image that the JPEG variant and the placeholder come from. */
  still: Sharp;
}

/**
 * Turns an uploaded original into the variants and placeholder Glimpse serves: decode once
 * (validated by content, bounded in pixels), orient, convert to sRGB, strip every piece of
 * metadata, then encode all outputs in parallel from the one decoded image.
 */
export class ImageProcessor {
  private readonly maxPixels: number;
  private readonly webpQuality: number;
  private readonly webpEffort: number;
  private readonly jpegQuality: number;
  private readonly timeoutSeconds: number;
  private readonly heicDecoder: HeicDecoder | undefined;

  constructor(options: ImageProcessorOptions = { maxPixels: DEFAULT_MAX_PIXELS }) {
    if (!(Number.isInteger(options.maxPixels) && options.maxPixels > 0)) {
      throw new RangeError(`maxPixels must be a positive integer, got ${options.maxPixels}`);
    }
    this.maxPixels = options.maxPixels;
    this.webpQuality = options.webpQuality ?? 80;
    this.webpEffort = options.webpEffort ?? 4;
    this.jpegQuality = options.jpegQuality ?? 82;
    this.timeoutSeconds = options.timeoutSeconds ?? 30;
    this.heicDecoder = options.heicDecoder;
  }

  /** Throws ImageRejectedError when the file is not an image we accept, too large, or corrupt. */
  async process(original: Buffer): Promise<ProcessedImage> {
    const sniffed = sniffImage(original.subarray(0, SNIFF_BYTES));
    if (!sniffed.ok) throw new ImageRejectedError('unsupported', sniffed.reason);
    const { format } = sniffed;

    const source = format === 'heic' ? await this.decodeHeic(original) : await this.open(original, format);
    // Every output at once, each a clone of the one decoded image.
    const [placeholder, variants] = await guard(format, () =>
      Promise.all([
        this.placeholder(source),
        Promise.all(VARIANT_SPECS.map((spec) => this.variant(source, spec))),
      ]),
    );
    return {
      format,
      mimeType: sniffed.mimeType,
      width: source.size.width,
      height: source.size.height,
      animated: source.animated,
      placeholder,
      variants,
    };
  }

  /** Reads the header, refuses what is too big, then decodes once to the working size. */
  private async open(original: Buffer, format: Exclude<ImageFormat, 'heic'>): Promise<Source> {
    // Header only: no pixel is decoded here, whatever size the file declares.
    const meta = await guard(format, () =>
      sharp(original, { failOn: 'error', limitInputPixels: false }).metadata(),
    );
    if (meta.format !== SHARP_FORMAT[format]) {
      throw new ImageRejectedError('corrupt', `the file is not a valid ${LABEL[format]} image`);
    }
    const pages = meta.pages ?? 1;
    const animated = (format === 'gif' || format === 'webp') && pages > 1;
    // For an animation, height is one frame's; orientation is not applied to animations.
    const frame = animated
      ? { width: meta.width, height: meta.pageHeight ?? meta.height }
      : { width: meta.autoOrient.width, height: meta.autoOrient.height };
    const frames = animated ? pages : 1;
    if (!(frame.width > 0 && frame.height > 0)) {
      throw new ImageRejectedError('corrupt', `the ${LABEL[format]} file declares no image size`);
    }
    if (frame.width * frame.height * frames > this.maxPixels) {
      throw tooManyPixels({ ...frame, frames }, this.maxPixels);
    }

    const input = (options: SharpOptions): Sharp =>
      // The pixel limit again, enforced by libvips itself in case the header lied.
      sharp(original, { failOn: 'error', limitInputPixels: this.maxPixels, ...options }).timeout({
        seconds: this.timeoutSeconds,
      });
    if (animated) {
      // Frames are small and few; decoding per output keeps libvips' frame handling intact.
      return {
        size: frame,
        animated,
        base: input({ animated: true }).toColourspace('srgb'),
        still: await this.workingCopy(format, input({ pages: 1 }), frame),
      };
    }
    const base = await this.workingCopy(format, input({ autoOrient: true }), frame);
    return { size: frame, animated, base, still: base };
  }

  private async decodeHeic(original: Buffer): Promise<Source> {
    const decoded = await (this.heicDecoder ?? sharedHeicDecoder()).decode(original, this.maxPixels);
    const size = { width: decoded.width, height: decoded.height };
    const raw = sharp(decoded.data, {
      raw: { width: size.width, height: size.height, channels: 4, premultiplied: decoded.premultiplied },
      limitInputPixels: this.maxPixels,
    }).timeout({ seconds: this.timeoutSeconds });
    const base = await this.workingCopy('heic', decoded.hasAlpha ? raw : raw.removeAlpha(), size);
    return { size, animated: false, base, still: base };
  }

  /**
   * The one real decode: straight to the smallest size every variant can be cut from (JPEG
   * decoders shrink while decoding, so a 12-megapixel photo is never held at full size), in
   * sRGB, as raw pixels that carry no metadata at all.
   */
  private async workingCopy(format: ImageFormat, input: Sharp, size: Size): Promise<Sharp> {
    const working = workingSize(size);
    const { data, info } = await guard(format, () =>
      input
        .resize(working.width, working.height, { fit: 'fill' })
        .toColourspace('srgb')
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true }),
    );
    return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).timeout({
      seconds: this.timeoutSeconds,
    });
  }

  private async variant(source: Source, spec: VariantSpec): Promise<ProcessedVariant> {
    const { width, height } = variantSize(spec, source.size);
    if (spec.format === 'jpeg') {
      const data = await source.still
        .clone()
        .resize(width, height, { fit: 'fill' })
        // JPEG has no alpha: transparent areas become white, not black.
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: this.jpegQuality, progressive: true })
        .toBuffer();
      return { name: spec.name, width, height, format: 'jpeg', mimeType: 'image/jpeg', data };
    }
    const data = await source.base
      .clone()
      .resize(width, height, { fit: spec.fit === 'square' ? 'cover' : 'fill' })
      .webp({ quality: this.webpQuality, effort: this.webpEffort })
      .toBuffer();
    return { name: spec.name, width, height, format: 'webp', mimeType: 'image/webp', data };
  }

  private async placeholder(source: Source): Promise<string> {
    const { width, height } = placeholderSize(source.size);
    const { data, info } = await source.still
      .clone()
      .resize(width, height, { fit: 'fill' })
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
  }
}

/** Runs a sharp step, turning whatever libvips says about a bad file into a rejection. */
async function guard<T>(format: ImageFormat, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw asRejection(format, err);
  }
}

function asRejection(format: ImageFormat, err: unknown): ImageRejectedError {
  if (err instanceof ImageRejectedError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const reject = (kind: ImageRejectedError['kind'], reason: string) =>
    new ImageRejectedError(kind, reason, { cause: err });
  if (/pixel limit/i.test(message)) return reject('too_large', 'the image has more pixels than allowed');
  if (
    /premature end|truncat|unexpected end|end of (file|data|stream)|not enough data|short read/i.test(message)
  ) {
    return reject('corrupt', `the ${LABEL[format]} file is truncated`);
  }
  if (/timeout/i.test(message)) return reject('corrupt', 'the image took too long to process');
  return reject('corrupt', `the file is not a valid ${LABEL[format]} image`);
}
