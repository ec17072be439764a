import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so `{a,b}` and `{b,a}` are the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Identifies "the same request": method, target and body. */
export function requestFingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${canonicalJson(body)}`)
    .digest('base64url');
}

/**
 * The same for a streamed body (an upload), which cannot be hashed before it is read -- and a
 * replay must not read it at all. Its type and length stand in for it. Parameters of the type
 * are left out: a multipart boundary is random on every attempt (its length is not, so the
 * Content-Length of a retried form stays the same).
 */
export function streamedRequestFingerprint(
  method: string,
  url: string,
  contentType: string | undefined,
  contentLength: string | undefined,
): string {
  const type = (contentType?.split(';')[0] ?? '').trim().toLowerCase();
  return createHash('sha256')
    .update(`${method} ${url}\nstream ${type} ${contentLength ?? 'chunked'}`)
    .digest('base64url');
}
