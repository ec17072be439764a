import type { IncomingMessage } from 'node:http';

/**
 * After an upload was answered before its body had all arrived (refused mid-stream, refused
 * by its Content-Length, replayed, rate limited), the rest of the body is still on its way.
 * Left unread, the connection would hang; closed at once, most clients would see a reset
 * instead of the answer, because they are still writing. So the rest is read and thrown away
 * -- up to `budgetBytes`; a client that keeps sending beyond that (or announced more) has its
 * connection closed. A client that stops in time keeps its connection for the next request.
 */
export function lingerOnUnreadBody(raw: IncomingMessage, budgetBytes: number): void {
  if (raw.complete || raw.readableEnded || raw.destroyed) return;
  const declared = Number(raw.headers['content-length']);
  if (Number.isFinite(declared) && declared > budgetBytes) {
    raw.socket.destroy();
    return;
  }
  let drained = 0;
  // A multipart parser may still be attached, stalled on a file part nobody reads.
  raw.unpipe();
  raw.on('data', (chunk: Buffer) => {
    drained += chunk.byteLength;
    if (drained > budgetBytes) raw.socket.destroy();
  });
  raw.resume();
}
