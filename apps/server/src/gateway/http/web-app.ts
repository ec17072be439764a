import { existsSync } from 'node:fs';
import path from 'node:path';

import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

import { problem } from './problem.js';
import { sendProblem } from './send-problem.js';

/** Paths that belong to the API or to operations, never to the web app. */
const NOT_THE_APP = /^\/(api|healthz|readyz|metrics)(\/|$|\?)/;

/**
 * Serves the built web app (apps/web/dist) at `/`: hashed assets with year-long immutable
 * caching, and index.html (never cached) for every other GET that is not an API route, so
 * the app's own router handles deep links such as /u/ana.
 */
export async function serveWebApp(fastify: FastifyInstance, webRoot: string): Promise<void> {
  const index = path.join(webRoot, 'index.html');
  if (!existsSync(index)) {
    fastify.get('/', (_request, reply) =>
      sendProblem(
        reply,
        problem(404, 'The web app is not built; run `npm run build` (npm start does it for you).'),
      ),
    );
    return;
  }
  await fastify.register(fastifyStatic, {
    root: webRoot,
    prefix: '/',
    wildcard: false,
    index: false,
    // Vite names every asset by its content hash: they can be cached for good.
    setHeaders: (reply: FastifyReply, file: string) => {
      const hashed = file.includes(`${path.sep}assets${path.sep}`);
      void reply.header('cache-control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const sendIndex = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html');
  fastify.get('/', (_request, reply) => sendIndex(reply));
  fastify.get('/*', (request, reply) => {
    if (NOT_THE_APP.test(request.url)) return sendProblem(reply, problem(404, 'No such resource.'));
    return sendIndex(reply);
  });
}
