/**
 * Messages between the HEIC decoder (main thread) and its worker thread. Plain data only:
 * they cross a structured-clone boundary.
 */
export interface HeicDecodeRequest {
  id: number;
  bytes: Uint8Array;
  /** Refuse before decoding when the primary image declares more pixels than this. */
  maxPixels: number;
}

export type HeicDecodeResponse =
  | {
      id: number;
      ok: true;
      width: number;
      height: number;
      /** Whether the image has real transparency (`rgba` always has four channels). */
      hasAlpha: boolean;
      /** Whether the alpha in `rgba` is premultiplied (sharp needs to know). */
      premultiplied: boolean;
      /** Interleaved 8-bit RGBA, `width * height * 4` bytes, rows packed without padding. */
      rgba: Uint8Array;
      /** The WebAssembly heap after this decode: it only grows, so the owner can recycle. */
      heapBytes: number;
    }
  | {
      id: number;
      ok: false;
      kind: 'too_large' | 'corrupt';
      /** For the uploader. */
      reason: string;
      /** For the logs: libheif's own message, or the exception. */
      detail: string;
      /** The declared size, when the refusal is about it. */
      size?: { width: number; height: number };
      heapBytes: number;
      /** The WebAssembly instance may be broken (it threw, or aborted): replace the worker. */
      fatal: boolean;
    };
