import { Worker } from 'node:worker_threads';

import type { HeicDecodeRequest, HeicDecodeResponse } from './heic.protocol.js';
import { ImageRejectedError, tooManyPixels } from './image.errors.js';

/** A decoded HEIC primary image: 8-bit RGBA, already rotated and mirrored as the file says. */
export interface DecodedHeic {
  width: number;
  height: number;
  channels: 4;
  /** Whether the alpha channel carries real transparency (else it is all opaque). */
  hasAlpha: boolean;
  premultiplied: boolean;
  data: Buffer;
}

export interface HeicDecoderOptions {
  /** A decode still running after this long is abandoned and its worker replaced (default 60 s). */
  timeoutMs?: number;
  /**
   * A WebAssembly heap never shrinks: once a decode leaves it larger than this, the worker is
   * retired when idle and the next HEIC starts a fresh one (default 256 MiB).
   */
  recycleHeapBytes?: number;
}

interface Job {
  id: number;
  bytes: Uint8Array;
  maxPixels: number;
  resolve: (decoded: DecodedHeic) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
}

// From dist this module is .js and its worker too; under the test runner it is the .ts source,
// which Node runs directly (type stripping).
const WORKER_URL = new URL(
  import.meta.url.endsWith('.ts') ? './heic.worker.ts' : './heic.worker.js',
  import.meta.url,
);

/**
 * Decodes HEIC/HEIF (HEVC-coded) images, which sharp's prebuilt libvips cannot, with the
 * WebAssembly build of libheif in one worker thread, started on the first HEIC and reused.
 * Jobs run one at a time (the decode is single-threaded anyway), so a timeout or a crash
 * concerns exactly one file: the queue behind it goes on in a fresh worker.
 */
export class HeicDecoder {
  private readonly timeoutMs: number;
  private readonly recycleHeapBytes: number;
  private worker: Worker | undefined;
  private readonly queue: Job[] = [];
  private current: Job | undefined;
  private nextId = 1;
  private retireWhenIdle = false;

  constructor(options: HeicDecoderOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.recycleHeapBytes = options.recycleHeapBytes ?? 256 * 1024 * 1024;
  }

  /** Rejects with ImageRejectedError for a bad or oversized file, with Error for a decoder fault. */
  decode(bytes: Uint8Array, maxPixels: number): Promise<DecodedHeic> {
    return new Promise<DecodedHeic>((resolve, reject) => {
      // A copy of just this view: a pooled Buffer's whole backing store must not be sent along.
      this.queue.push({ id: this.nextId++, bytes: new Uint8Array(bytes), maxPixels, resolve, reject });
      this.pump();
    });
  }

  /** Stops the worker; queued decodes are rejected. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    for (const job of this.queue.splice(0)) job.reject(new Error('the HEIC decoder was closed'));
    if (this.current !== undefined)
      this.finish(this.current).reject(new Error('the HEIC decoder was closed'));
    if (worker !== undefined) await worker.terminate();
  }

  private pump(): void {
    if (this.current !== undefined) return;
    const job = this.queue.shift();
    if (job === undefined) {
      this.idle();
      return;
    }
    this.current = job;
    const worker = this.ensureWorker();
    worker.ref();
    job.timer = setTimeout(() => this.onTimeout(job), this.timeoutMs);
    const request: HeicDecodeRequest = { id: job.id, bytes: job.bytes, maxPixels: job.maxPixels };
    worker.postMessage(request, [job.bytes.buffer as ArrayBuffer]);
  }

  private ensureWorker(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(WORKER_URL);
    worker.on('message', (response: HeicDecodeResponse) => this.onResponse(worker, response));
    worker.on('error', (err: Error) => this.onWorkerGone(worker, err));
    worker.on('exit', (code) => this.onWorkerGone(worker, new Error(`HEIC worker exited with code ${code}`)));
    this.worker = worker;
    this.retireWhenIdle = false;
    return worker;
  }

  private onResponse(worker: Worker, response: HeicDecodeResponse): void {
    const job = this.current;
    if (worker !== this.worker || job?.id !== response.id) return;
    this.finish(job);
    if (response.heapBytes > this.recycleHeapBytes) this.retireWhenIdle = true;
    if (response.ok) {
      job.resolve({
        width: response.width,
        height: response.height,
        channels: 4,
        hasAlpha: response.hasAlpha,
        premultiplied: response.premultiplied,
        data: Buffer.from(response.rgba.buffer, response.rgba.byteOffset, response.rgba.byteLength),
      });
    } else {
      if (response.fatal) this.discardWorker();
      const cause = new Error(`libheif: ${response.detail}`);
      job.reject(
        response.kind === 'too_large' && response.size !== undefined
          ? tooManyPixels(response.size, job.maxPixels)
          : new ImageRejectedError(response.kind, response.reason, { cause }),
      );
    }
    this.pump();
  }

  private onTimeout(job: Job): void {
    if (this.current !== job) return;
    this.finish(job);
    this.discardWorker();
    job.reject(new ImageRejectedError('corrupt', 'the HEIC image took too long to decode'));
    this.pump();
  }

  private onWorkerGone(worker: Worker, err: Error): void {
    if (worker !== this.worker) return;
    this.worker = undefined;
    const job = this.current;
    if (job !== undefined) {
      this.finish(job);
      job.reject(new Error('the HEIC decoder failed', { cause: err }));
    }
    this.pump();
  }

  private finish(job: Job): Job {
    clearTimeout(job.timer);
    if (this.current === job) this.current = undefined;
    return job;
  }

  private idle(): void {
    if (this.worker === undefined) return;
    if (this.retireWhenIdle) {
      this.discardWorker();
      return;
    }
    // An idle worker must not keep the process alive.
    this.worker.unref();
  }

  private discardWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) void worker.terminate();
  }
}

let shared: HeicDecoder | undefined;

/** The process-wide decoder: one WebAssembly instance, created on the first HEIC. */
export function sharedHeicDecoder(): HeicDecoder {
  shared ??= new HeicDecoder();
  return shared;
}
