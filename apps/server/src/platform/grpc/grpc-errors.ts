import { Metadata, status as Status, type ServerErrorResponse, type ServiceError } from '@grpc/grpc-js';
import { z } from 'zod';

import { DomainError, type DomainErrorKind } from '../errors.js';

/**
 * Trailing metadata entry carrying `{ kind, message, errors }` of a DomainError as UTF-8 JSON, so the
 * client rebuilds the exact error (the status code alone cannot tell `malformed` from `invalid`). Its
 * presence also tells the client the status came from our server, not from the transport.
 */
export const ERROR_METADATA_KEY = 'glimpse-error-bin';

/** What a caller sees of an error that is not a DomainError: nothing about the internals. */
export const INTERNAL_ERROR_MESSAGE = 'Internal error';

/** DomainError kind -> status code; the kind itself travels in ERROR_METADATA_KEY. */
export const STATUS_BY_KIND: Readonly<Record<DomainErrorKind, Status>> = {
  malformed: Status.INVALID_ARGUMENT,
  invalid: Status.INVALID_ARGUMENT,
  unauthenticated: Status.UNAUTHENTICATED,
  forbidden: Status.PERMISSION_DENIED,
  not_found: Status.NOT_FOUND,
  conflict: Status.ALREADY_EXISTS,
  too_large: Status.OUT_OF_RANGE,
  unsupported_media_type: Status.INVALID_ARGUMENT,
  unavailable: Status.UNAVAILABLE,
};

// Trailers share the HTTP/2 header list limit (8 KiB by default) with everything else.
const MAX_ERROR_METADATA_BYTES = 4096;

/** `NOT_FOUND` for 5: the label value of the metrics. */
export function statusName(code: Status): string {
  return Status[code] ?? String(code);
}

function encodeDomainError(error: DomainError): Buffer {
  let errors = error.errors;
  for (;;) {
    const bytes = Buffer.from(
      JSON.stringify({ kind: error.kind, message: error.message, ...(errors !== undefined && { errors }) }),
    );
    if (bytes.length <= MAX_ERROR_METADATA_BYTES || errors === undefined || errors.length === 0) return bytes;
    // A long list of field errors is cut rather than failing the whole call; the first ones survive.
    errors = errors.slice(0, Math.floor(errors.length / 2));
  }
}

/** The status a server answers for a DomainError. */
export function domainErrorStatus(error: DomainError): ServerErrorResponse {
  const metadata = new Metadata();
  metadata.set(ERROR_METADATA_KEY, encodeDomainError(error));
  return {
    name: 'DomainError',
    message: error.message,
    code: STATUS_BY_KIND[error.kind],
    details: error.message,
    metadata,
  };
}

/** The status a server answers for anything else. */
export function internalErrorStatus(): ServerErrorResponse {
  return {
    name: 'Error',
    message: INTERNAL_ERROR_MESSAGE,
    code: Status.INTERNAL,
    details: INTERNAL_ERROR_MESSAGE,
  };
}

const wireDomainError = z.object({
  kind: z.enum([
    'malformed',
    'invalid',
    'unauthenticated',
    'forbidden',
    'not_found',
    'conflict',
    'too_large',
    'unsupported_media_type',
    'unavailable',
  ]),
  message: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** The DomainError a server of ours sent, or undefined when the status did not come with one. */
export function domainErrorFromMetadata(metadata: Metadata | undefined): DomainError | undefined {
  const value = metadata?.get(ERROR_METADATA_KEY)[0];
  if (!(value instanceof Buffer)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = wireDomainError.safeParse(json);
  if (!parsed.success) return undefined;
  const { kind, message, errors } = parsed.data;
  return new DomainError(kind, message, errors);
}

/** A gRPC failure with no business meaning (INTERNAL, UNIMPLEMENTED, ...): the gateway answers 500. */
export class GrpcCallError extends Error {
  override readonly name = 'GrpcCallError';

  constructor(
    /** `glimpse.user.v1.UserService/GetProfile`. */
    readonly method: string,
    readonly code: Status,
    /** The status details, for logs only: they may come from a server that is not ours. */
    readonly details: string,
  ) {
    super(`${method} failed with ${statusName(code)}`);
  }
}

export function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error &&
    typeof (error as Partial<ServiceError>).code === 'number' &&
    (error as Partial<ServiceError>).metadata instanceof Metadata
  );
}

/**
 * The dependency did not answer: it is unreachable (connection refused or dropped, no server), or it did
 * not answer in time. Only these are retried (reads) and counted by the circuit breaker. An UNAVAILABLE our
 * server sent on purpose (a DomainError, with ERROR_METADATA_KEY) is an answer: the service is up and
 * fast, and has already decided; so is every other status.
 */
export function isTransportFailure(error: ServiceError): boolean {
  return (
    (error.code === Status.UNAVAILABLE || error.code === Status.DEADLINE_EXCEEDED) &&
    domainErrorFromMetadata(error.metadata) === undefined
  );
}

/**
 * The error a client call rejects with. `serviceLabel` names the dependency in the `unavailable` message
 * the gateway shows (`user is unavailable`); `method` names the call in non-domain errors (for logs).
 */
export function errorFromStatus(error: ServiceError, serviceLabel: string, method: string): Error {
  const domain = domainErrorFromMetadata(error.metadata);
  if (domain !== undefined) return domain;
  switch (error.code) {
    case Status.UNAVAILABLE:
    case Status.DEADLINE_EXCEEDED:
    case Status.CANCELLED:
    case Status.RESOURCE_EXHAUSTED:
      return DomainError.unavailable(`${serviceLabel} is unavailable`);
    case Status.NOT_FOUND:
      return DomainError.notFound(error.details);
    case Status.ALREADY_EXISTS:
    case Status.ABORTED:
    case Status.FAILED_PRECONDITION:
      return DomainError.conflict(error.details);
    case Status.INVALID_ARGUMENT:
    case Status.OUT_OF_RANGE:
      return DomainError.invalid(error.details);
    case Status.UNAUTHENTICATED:
      return DomainError.unauthenticated(error.details);
    case Status.PERMISSION_DENIED:
      return DomainError.forbidden(error.details);
    case Status.OK: // a failed call never has it; if a broken peer sends it, it is no answer either
    case Status.UNKNOWN:
    case Status.INTERNAL:
    case Status.UNIMPLEMENTED:
    case Status.DATA_LOSS:
      return new GrpcCallError(method, error.code, error.details);
  }
  // A code this version of grpc-js does not know.
  return new GrpcCallError(method, error.code, error.details);
}
