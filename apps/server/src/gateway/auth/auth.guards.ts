import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import { problem, ProblemException } from '../http/problem.js';
import type { Principal } from './principal.js';

function requestOf(context: ExecutionContext): FastifyRequest {
  return context.switchToHttp().getRequest<FastifyRequest>();
}

function unauthorized(detail: string): ProblemException {
  return new ProblemException(problem(401, detail));
}

/** The route needs a signed-in caller. */
@Injectable()
export class AuthRequired implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = requestOf(context);
    if (request.principal) return true;
    throw unauthorized(request.authError ?? 'Sign in to do this: send Authorization: Bearer <accessToken>.');
  }
}

/** The route is for operators: a signed-in caller whose token carries the admin role. */
@Injectable()
export class AdminRequired implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = requestOf(context);
    if (!request.principal) {
      throw unauthorized(
        request.authError ?? 'Sign in to do this: send Authorization: Bearer <accessToken>.',
      );
    }
    if (request.principal.admin !== true) {
      throw new ProblemException(problem(403, 'This is for operators only.'));
    }
    return true;
  }
}

/** Anyone may call; a token, when sent, must be valid (so clients learn to refresh it). */
@Injectable()
export class AuthOptional implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = requestOf(context);
    if (request.authError) throw unauthorized(request.authError);
    return true;
  }
}

/** The signed-in caller; only on routes guarded by AuthRequired. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = requestOf(context).principal;
  if (!principal) throw unauthorized('Sign in to do this.');
  return principal;
});

/** The caller when signed in, otherwise undefined. */
export const Viewer = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal | undefined => requestOf(context).principal,
);
