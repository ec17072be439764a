import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

/** How long a refused client gets to read the answer before its connection is torn down. */
const CLOSE_GRACE_MS = 1000;

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
  // A multipart parser may still be attached, stalled on a file part nobody reads.
  raw.unpipe();
  if (Number.isFinite(declared) && declared > budgetBytes) {
    closeGracefully(raw);
    return;
  }
  let drained = 0;
  raw.on('data', (chunk: Buffer) => {
    drained += chunk.byteLength;
    if (drained > budgetBytes) closeGracefully(raw);
  });
  raw.resume();
}

/**
 * Ends the connection without losing the answer: a socket destroyed while the client is still
 * sending resets the connection, and a reset can discard the answer from the client's receive
 * buffer before the client has read it. So the server half-closes first (its FIN follows the
 * answer), stops reading (the client's writes back up instead of costing the server), and
 * tears the connection down only after a grace period.
 */
function closeGracefully(raw: IncomingMessage): void {
  const socket: Socket = raw.socket;
  if (socket.destroyed || socket.writableEnded) return;
  raw.pause();
  socket.pause();
  socket.end();
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}
