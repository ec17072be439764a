import type { FastifyReply } from 'fastify';

import { PROBLEM_CONTENT_TYPE, type Problem } from './problem.js';

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
