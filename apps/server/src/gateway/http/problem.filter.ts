import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';

import { toProblem } from './problem.js';
import { sendProblem } from './send-problem.js';

/** Every error leaves the gateway as problem+json; server faults are logged, never shown. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = toProblem(exception);
    if (body.status >= 500) this.logger.error({ err: exception }, 'request failed');
    if (reply.sent) return;
    void sendProblem(reply, body);
  }
}
