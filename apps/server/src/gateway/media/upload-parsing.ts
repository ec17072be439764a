import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { problem } from '../http/problem.js';
import type { RawBodyType } from '../http/route-spec.js';
import { sendProblem } from '../http/send-problem.js';
import { lingerOnUnreadBody } from './upload-linger.js';
import { MULTIPART_LIMITS, MULTIPART_OVERHEAD_BYTES } from './upload-source.js';

const IMAGE = /^image\/[a-z0-9!#$&^_.+-]+$/i;
/** Fastify tests parsers' patterns against the whole header, parameters included. */
const IMAGE_HEADER = /^image\/[a-z0-9!#$&^_.+-]+\s*(?:;|$)/i;
const METHODS_WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

function mediaTypeOf(request: FastifyRequest): string | undefined {
  const header = request.headers['content-type'];
  if (header === undefined) return undefined;
  return (header.split(';')[0] ?? '').trim().toLowerCase();
}

function matches(type: string, accepted: RawBodyType): boolean {
  return accepted === 'image/*' ? IMAGE.test(type) : type === accepted;
}

function isStreamedType(type: string): boolean {
  return type === 'multipart/form-data' || IMAGE.test(type);
}

/**
 * Streamed bodies, for the upload routes only (those whose RouteSpec lists `rawBody`):
 * - `image/*` bodies are handed to the controller as the request stream itself, unread;
 * - `multipart/form-data` goes through @fastify/multipart, read by the controller part by part;
 * - an upload route refuses any other type, and every other route refuses these two (415),
 *   before a byte of the body is read;
 * - after a response to a request whose body has not fully arrived (a refusal, a replay), the
 *   rest is drained up to about one upload's worth, then the connection is closed.
 * The JSON body limit does not apply to these: their limit is the upload limit.
 */
export async function registerUploadParsing(fastify: FastifyInstance, maxBytes: number): Promise<void> {
  await fastify.register(multipart, { limits: { ...MULTIPART_LIMITS, fileSize: maxBytes + 1 } });
  fastify.addContentTypeParser(IMAGE_HEADER, (_request, payload, done) => done(null, payload));

  fastify.addHook('preParsing', async (request: FastifyRequest, reply: FastifyReply) => {
    if (METHODS_WITHOUT_BODY.has(request.method)) return undefined;
    const accepted = request.routeOptions.config.rawBody;
    const type = mediaTypeOf(request);
    if (accepted) {
      if (type !== undefined && accepted.some((candidate) => matches(type, candidate))) return undefined;
      return sendProblem(reply, problem(415, `Send the file as ${accepted.join(' or ')}.`));
    }
    if (type !== undefined && isStreamedType(type)) {
      return sendProblem(
        reply,
        problem(415, 'This content type is not supported here; send application/json.'),
      );
    }
    return undefined;
  });

  // Any route, since a large body refused with 415 above is left unread the same way.
  fastify.addHook('onResponse', (request: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    lingerOnUnreadBody(request.raw, maxBytes + MULTIPART_OVERHEAD_BYTES);
    done();
  });
}
