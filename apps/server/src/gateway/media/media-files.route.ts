import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

import { InvalidObjectKeyError } from '../../platform/storage/storage.keys.js';
import type { ObjectHead, ObjectStorage } from '../../platform/storage/storage.port.js';
import { PUBLIC_PREFIX } from '../../services/media/media.keys.js';
import { problem } from '../http/problem.js';
import { sendProblem } from '../http/send-problem.js';

/** Where the local-disk storage's public URLs point: `${publicBaseUrl}/${key}` with base `.../media`. */
export const MEDIA_FILES_PREFIX = '/media/';

/** Variant keys carry a hash of their content: a URL always means the same bytes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** `"abc", W/"def"` -> [abc, def]; `*` matches anything. */
function etagMatches(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1');
    return tag === '*' || tag === etag;
  });
}

function cacheHeaders(reply: FastifyReply, head: ObjectHead): FastifyReply {
  return reply
    .header('etag', `"${head.etag}"`)
    .header('cache-control', IMMUTABLE)
    .header('x-content-type-options', 'nosniff');
}

/**
 * Serves the public media files (variants) straight from object storage, for the shape where
 * no CDN or bucket serves them (local disk). Originals are private: anything outside
 * `variants/` is 404, as is a key the storage would refuse. Bodies are streamed, never
 * buffered. This is not part of the API, hence not in the OpenAPI document.
 */
export function registerMediaFiles(fastify: FastifyInstance, storage: ObjectStorage, logger: Logger): void {
  const notFound = (reply: FastifyReply) => sendProblem(reply, problem(404, 'No such file.'));

  fastify.get(`${MEDIA_FILES_PREFIX}*`, async (request: FastifyRequest, reply: FastifyReply) => {
    const key = (request.params as { '*'?: string })['*'] ?? '';
    if (!key.startsWith(PUBLIC_PREFIX)) return notFound(reply);
    const ifNoneMatch = request.headers['if-none-match'];
    try {
      if (ifNoneMatch !== undefined) {
        const head = await storage.head(key);
        if (!head) return notFound(reply);
        if (etagMatches(ifNoneMatch, head.etag)) return cacheHeaders(reply, head).code(304).send();
      }
      const object = await storage.get(key);
      if (!object) return notFound(reply);
      return cacheHeaders(reply, object)
        .header('content-type', object.contentType)
        .header('content-length', object.bytes)
        .send(object.body);
    } catch (err) {
      if (err instanceof InvalidObjectKeyError) return notFound(reply);
      logger.error({ err, key }, 'serving a media file failed');
      return sendProblem(reply, problem(503, 'Media storage is unavailable; try again shortly.'));
    }
  });
}
