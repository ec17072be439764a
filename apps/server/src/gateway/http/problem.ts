import { HttpException } from '@nestjs/common';
import { ZodError } from 'zod';

import { isDomainError, type DomainErrorKind, type FieldError } from '../../platform/errors.js';

/** RFC 9457 problem details, the body of every error response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const STATUS_BY_KIND: Record<DomainErrorKind, number> = {
  malformed: 400,
  invalid: 422,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
};

export function problem(
  status: number,
  detail?: string,
  extra?: { type?: string; errors?: FieldError[] },
): Problem {
  const body: Problem = {
    type: extra?.type ?? 'about:blank',
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
  };
  if (detail !== undefined) body.detail = detail;
  if (extra?.errors) body.errors = extra.errors;
  return body;
}

export function validationProblem(errors: FieldError[], detail = 'The request is not valid.'): Problem {
  return problem(422, detail, { type: '/problems/validation-error', errors });
}

export function fieldErrorsFromZod(error: ZodError, prefix?: string): FieldError[] {
  return error.issues.map((issue) => {
    const path = [...(prefix ? [prefix] : []), ...issue.path.map(String)].join('.');
    return { path: path === '' ? '(root)' : path, message: issue.message };
  });
}

/** Errors raised by Fastify itself (body parsing, limits) carry a status and a code. */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

function isFrameworkError(err: unknown): err is FrameworkError {
  return typeof err === 'object' && err !== null && typeof (err as FrameworkError).statusCode === 'number';
}

const FRAMEWORK_DETAILS: Record<string, string> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'This content type is not supported here; send application/json.',
  FST_ERR_CTP_BODY_TOO_LARGE: 'The request body is larger than this server accepts.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body.',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'The JSON body is empty.',
  FST_ERR_CTP_INVALID_JSON_BODY: 'The body is not valid JSON.',
};

/**
 * Maps anything thrown while handling a request to a problem. Unknown errors become a
 * bare 500 without details: internals never leak to clients.
 */
export function toProblem(err: unknown): Problem {
  if (isDomainError(err)) {
    const status = STATUS_BY_KIND[err.kind];
    return problem(status, err.message, err.errors ? { errors: [...err.errors] } : undefined);
  }
  if (err instanceof ZodError) return validationProblem(fieldErrorsFromZod(err));
  if (err instanceof HttpException) {
    // Nest wraps Fastify's own errors (body parsing, limits); their codes say more.
    if (isFrameworkError(err.cause)) return toProblem(err.cause);
    const status = err.getStatus();
    const response = err.getResponse();
    if (typeof response === 'object' && response !== null && 'type' in response && 'status' in response) {
      return response as Problem;
    }
    return problem(status, status === 404 ? 'No such resource.' : err.message);
  }
  if (err instanceof SyntaxError) return problem(400, 'The body is not valid JSON.');
  if (isFrameworkError(err)) {
    const status = err.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const detail =
        (err.code && FRAMEWORK_DETAILS[err.code]) ?? (status === 400 ? 'Malformed request.' : undefined);
      return problem(status, detail);
    }
  }
  return problem(500, 'Something went wrong on our side.');
}

/** Thrown by gateway code that has already decided the exact problem to answer with. */
export class ProblemException extends HttpException {
  constructor(readonly problem: Problem) {
    super(problem, problem.status);
  }
}
