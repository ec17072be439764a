/**
 * Worker thread that owns the WebAssembly libheif. Decoding HEVC in WebAssembly is synchronous
 * and slow (about 0.6 s for a 12-megapixel photo on one core), so it must not run on the
 * event loop that serves requests; and a crash or runaway heap here stays out of the main
 * isolate. Node runs this file as is in tests (type stripping) and as compiled JS from dist:
 * keep it to erasable TypeScript syntax and type-only relative imports.
 */
import { createRequire } from 'node:module';
import { parentPort } from 'node:worker_threads';

import type { HeicDecodeRequest, HeicDecodeResponse } from './heic.protocol.js';

/** The part of libheif-js's embind API this worker uses (the package ships no types for it). */
interface HeifEnumValue {
  value: number;
}
interface HeifError {
  code: HeifEnumValue;
  message: string;
}
interface HeifObject {
  delete(): void;
}
interface HeifChannel {
  id: HeifEnumValue;
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}
interface HeifDecodedImage {
  image: HeifObject;
  channels: HeifChannel[];
}
interface Libheif {
  HEAPU8: Uint8Array;
  heif_error_code: { heif_error_Ok: HeifEnumValue };
  heif_colorspace: { heif_colorspace_RGB: HeifEnumValue };
  heif_chroma: { heif_chroma_interleaved_RGBA: HeifEnumValue };
  heif_channel: { heif_channel_interleaved: HeifEnumValue };
  heif_context_alloc(): HeifObject | null;
  heif_context_free(context: HeifObject): void;
  heif_context_read_from_memory(context: HeifObject, bytes: Uint8Array): HeifError;
  heif_js_context_get_primary_image_handle(context: HeifObject): HeifObject | HeifError | null;
  heif_image_handle_get_width(handle: HeifObject): number;
  heif_image_handle_get_height(handle: HeifObject): number;
  heif_image_handle_has_alpha_channel(handle: HeifObject): number;
  heif_image_handle_is_premultiplied_alpha(handle: HeifObject): number;
  heif_image_handle_release(handle: HeifObject): void;
  heif_js_decode_image2(
    handle: HeifObject,
    colorspace: HeifEnumValue,
    chroma: HeifEnumValue,
  ): HeifDecodedImage | HeifError | null;
  heif_image_release(image: HeifObject): void;
}

/** A refusal of this file; anything else thrown here is a fault of the decoder itself. */
class Rejection extends Error {
  readonly kind: 'too_large' | 'corrupt';
  readonly reason: string;
  readonly size: { width: number; height: number } | undefined;

  constructor(
    kind: 'too_large' | 'corrupt',
    reason: string,
    detail: string,
    size?: { width: number; height: number },
  ) {
    super(detail);
    this.kind = kind;
    this.reason = reason;
    this.size = size;
  }
}

let libheif: Libheif | undefined;

function load(): Libheif {
  // The bundle embeds the .wasm binary, so there is no file to locate at run time.
  libheif ??= createRequire(import.meta.url)('libheif-js/wasm-bundle') as Libheif;
  return libheif;
}

function isError(value: unknown): value is HeifError {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value;
}

function decodeFailure(err: HeifError | null, stage: string): Rejection {
  const message = err === null ? 'no result' : String(err.message);
  if (/end of (file|data)|out of bounds|outside of file/i.test(message)) {
    return new Rejection('corrupt', 'the HEIC file is truncated', `${stage}: ${message}`);
  }
  if (/unsupported|no matching decoder|codec/i.test(message)) {
    return new Rejection('corrupt', 'this HEIF file uses a codec we cannot decode', `${stage}: ${message}`);
  }
  return new Rejection('corrupt', 'the HEIC file is corrupt or not a valid image', `${stage}: ${message}`);
}

function decode(request: HeicDecodeRequest): HeicDecodeResponse {
  const lib = load();
  const context = lib.heif_context_alloc();
  if (context === null) throw new Error('libheif could not allocate a context');
  let handle: HeifObject | undefined;
  let image: HeifObject | undefined;
  try {
    const read = lib.heif_context_read_from_memory(context, request.bytes);
    if (read.code !== lib.heif_error_code.heif_error_Ok) throw decodeFailure(read, 'read');

    const primary = lib.heif_js_context_get_primary_image_handle(context);
    if (primary === null || isError(primary)) throw decodeFailure(primary, 'primary image');
    handle = primary;

    // Width and height after the file's own rotation and mirroring (irot/imir), read from
    // the header: the check costs nothing and comes before any pixel is decoded.
    const width = lib.heif_image_handle_get_width(handle);
    const height = lib.heif_image_handle_get_height(handle);
    if (!(width > 0 && height > 0)) {
      throw new Rejection('corrupt', 'the HEIC file declares no image size', `${width}x${height}`);
    }
    if (width * height > request.maxPixels) {
      // The owner words the reason: it knows the limit's units and phrasing.
      throw new Rejection('too_large', 'too many pixels', `${width}x${height} > ${request.maxPixels}`, {
        width,
        height,
      });
    }

    const decoded = lib.heif_js_decode_image2(
      handle,
      lib.heif_colorspace.heif_colorspace_RGB,
      lib.heif_chroma.heif_chroma_interleaved_RGBA,
    );
    if (decoded === null || isError(decoded)) throw decodeFailure(decoded, 'decode');
    image = decoded.image;
    const plane = decoded.channels.find((c) => c.id === lib.heif_channel.heif_channel_interleaved);
    if (plane?.width !== width || plane.height !== height) {
      throw new Rejection('corrupt', 'the HEIC file is corrupt or not a valid image', 'unexpected plane');
    }
    return {
      id: request.id,
      ok: true,
      width,
      height,
      hasAlpha: lib.heif_image_handle_has_alpha_channel(handle) !== 0,
      premultiplied: lib.heif_image_handle_is_premultiplied_alpha(handle) !== 0,
      rgba: packRows(plane),
      heapBytes: lib.HEAPU8.length,
    };
  } finally {
    if (image !== undefined) lib.heif_image_release(image);
    if (handle !== undefined) lib.heif_image_handle_release(handle);
    lib.heif_context_free(context);
  }
}

/** Copies the plane out of the WebAssembly heap (the view dies with the image), dropping row padding. */
function packRows(plane: HeifChannel): Uint8Array {
  const rowBytes = plane.width * 4;
  if (plane.stride === rowBytes) return plane.data.slice(0, rowBytes * plane.height);
  const out = new Uint8Array(rowBytes * plane.height);
  for (let y = 0; y < plane.height; y++) {
    out.set(plane.data.subarray(y * plane.stride, y * plane.stride + rowBytes), y * rowBytes);
  }
  return out;
}

function heapBytes(): number {
  return libheif?.HEAPU8.length ?? 0;
}

parentPort?.on('message', (request: HeicDecodeRequest) => {
  let response: HeicDecodeResponse;
  try {
    response = decode(request);
  } catch (err) {
    const rejection = err instanceof Rejection;
    response = {
      id: request.id,
      ok: false,
      kind: rejection ? err.kind : 'corrupt',
      reason: rejection ? err.reason : 'the HEIC file is corrupt or not a valid image',
      detail: err instanceof Error ? err.message : String(err),
      ...(rejection && err.size !== undefined ? { size: err.size } : {}),
      heapBytes: heapBytes(),
      // Anything but our own refusal came from inside libheif: its state is not to be trusted.
      fatal: !rejection,
    };
  }
  const transfer = response.ok ? [response.rgba.buffer as ArrayBuffer] : [];
  parentPort?.postMessage(response, transfer);
});
