import { currentAccessToken, refreshSession } from '#/api/client';
import { ApiError } from '#/api/problem';

export interface UploadTarget {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
}

export interface SendFileOptions {
  /** Called with the fraction sent, 0 to 1, as the bytes leave. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Sent only to this server (a relative URL): a presigned URL takes its own headers alone. */
  idempotencyKey?: string;
}

/** A relative URL is this server's own upload target; anything absolute is object storage. */
function isOwnServer(url: string): boolean {
  return url.startsWith('/') && !url.startsWith('//');
}

function parseProblem(xhr: XMLHttpRequest): unknown {
  try {
    return JSON.parse(xhr.responseText) as unknown;
  } catch {
    return undefined;
  }
}

function responseOf(xhr: XMLHttpRequest): Response {
  const retryAfter = xhr.getResponseHeader('Retry-After');
  return new Response(null, {
    status: xhr.status,
    statusText: xhr.statusText,
    headers: retryAfter === null ? {} : { 'Retry-After': retryAfter },
  });
}

function send(target: UploadTarget, file: Blob, token: string | undefined, options: SendFileOptions) {
  return new Promise<XMLHttpRequest>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, target.url);
    for (const [name, value] of Object.entries(target.headers)) xhr.setRequestHeader(name, value);
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    if (options.idempotencyKey) xhr.setRequestHeader('Idempotency-Key', options.idempotencyKey);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) options.onProgress?.(event.loaded / event.total);
    };
    xhr.onload = () => resolve(xhr);
    xhr.onerror = () => reject(ApiError.network());
    xhr.ontimeout = () => reject(ApiError.network());
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    const abort = () => xhr.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    xhr.onloadend = () => options.signal?.removeEventListener('abort', abort);
    if (options.signal?.aborted) {
      xhr.abort();
      return;
    }
    xhr.send(file);
  });
}

/**
 * PUTs a file to the target a direct upload gave, with XMLHttpRequest because fetch reports
 * no upload progress. This server's own URL gets the bearer token (refreshed once on a 401,
 * like every `api` call) and the Idempotency-Key; a presigned object-storage URL gets exactly
 * the headers it was signed with and nothing else. Throws an ApiError from the problem body.
 */
export async function sendFile(
  target: UploadTarget,
  file: Blob,
  options: SendFileOptions = {},
): Promise<void> {
  const own = isOwnServer(target.url);
  const token = own ? await currentAccessToken() : undefined;
  let xhr = await send(target, file, token, own ? options : { ...options, idempotencyKey: undefined });
  if (xhr.status === 401 && own && token) {
    const refreshed = await refreshSession(token);
    if (refreshed) xhr = await send(target, file, refreshed.accessToken, options);
  }
  if (xhr.status >= 200 && xhr.status < 300) {
    options.onProgress?.(1);
    return;
  }
  if (xhr.status < 200 || xhr.status > 599) throw ApiError.network();
  throw ApiError.fromResponse(parseProblem(xhr), responseOf(xhr));
}
