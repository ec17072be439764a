import type { FastifyReply, FastifyRequest } from 'fastify';

import { problem } from '../http/problem.js';
import { sendProblem } from '../http/send-problem.js';
import { requestFingerprint, streamedRequestFingerprint } from './fingerprint.js';
import type { IdempotencyStore } from './idempotency.store.js';

const HEADER = 'idempotency-key';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** An upload may take minutes on a slow link; its claim must outlive it. */
const STREAMED_CLAIM_TTL_MS = 15 * 60_000;

function fingerprintOf(request: FastifyRequest): string {
  if (!request.routeOptions.config.rawBody) {
    return requestFingerprint(request.method, request.url, request.body);
  }
  const length = request.headers['content-length'];
  return streamedRequestFingerprint(
    request.method,
    request.url,
    request.headers['content-type'],
    typeof length === 'string' ? length : undefined,
  );
}

interface Claim {
  scope: string;
  key: string;
  fingerprint: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyClaim?: Claim;
  }
}

/**
 * Idempotency-Key (IETF httpapi draft): the first request with a key runs and its response
 * is stored; a repeat replays it with `Idempotent-Replayed: true` (an upload's body unread);
 * the same key with another body is 422; the same key while the first still runs is 409.
 * Keys are per user (per client address when signed out). With the cache down, requests run
 * unprotected rather than fail: the services' own dedup (unique rows) still holds.
 */
export function idempotencyHooks(store: IdempotencyStore, onError: (err: unknown) => void) {
  const preHandler = async (
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply | undefined> => {
    if (!WRITE_METHODS.has(request.method)) return undefined;
    const header = request.headers[HEADER];
    if (header === undefined) return undefined;
    const key = Array.isArray(header) ? header[0] : header;
    if (!key || key.length > 255 || Array.isArray(header)) {
      return sendProblem(reply, problem(400, 'Idempotency-Key must be one header of 1 to 255 characters.'));
    }
    const scope = request.principal ? `user:${request.principal.userId}` : `ip:${request.ip}`;
    const fingerprint = fingerprintOf(request);
    const claimTtlMs = request.routeOptions.config.rawBody ? STREAMED_CLAIM_TTL_MS : undefined;
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        if (await store.claim(scope, key, fingerprint, claimTtlMs)) {
          request.idempotencyClaim = { scope, key, fingerprint };
          return undefined;
        }
        const existing = await store.get(scope, key);
        if (!existing) continue; // expired between the two calls: claim again
        if (existing.fingerprint !== fingerprint) {
          return sendProblem(
            reply,
            problem(422, 'This Idempotency-Key was used with a different request.', {
              type: '/problems/idempotency-key-reused',
            }),
          );
        }
        if (existing.state === 'in-flight') {
          return sendProblem(
            reply,
            problem(409, 'A request with this Idempotency-Key is still in progress.', {
              type: '/problems/idempotency-key-in-use',
            }),
          );
        }
        reply.code(existing.status).header('Idempotent-Replayed', 'true');
        if (existing.contentType) reply.header('content-type', existing.contentType);
        return reply.send(existing.body === '' ? undefined : existing.body);
      }
    } catch (err) {
      onError(err);
    }
    return undefined;
  };

  const onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const claim = request.idempotencyClaim;
    if (!claim) return payload;
    request.idempotencyClaim = undefined;
    try {
      if (
        reply.statusCode >= 500 ||
        (typeof payload !== 'string' && payload !== undefined && payload !== null)
      ) {
        // Server failures are not the request's fault, and streams cannot be replayed: let a retry run again.
        await store.release(claim.scope, claim.key);
      } else {
        const contentType = reply.getHeader('content-type');
        await store.complete(claim.scope, claim.key, {
          state: 'done',
          fingerprint: claim.fingerprint,
          status: reply.statusCode,
          contentType: typeof contentType === 'string' ? contentType : undefined,
          body: typeof payload === 'string' ? payload : '',
        });
      }
    } catch (err) {
      onError(err);
    }
    return payload;
  };

  return { preHandler, onSend };
}
