/**
 * Errors that carry a business meaning across every transport. Services throw them; the
 * HTTP gateway maps them to problem+json, and the gRPC transport maps them to status codes
 * and back, so "not found" stays 404 wherever the service runs.
 */
export type DomainErrorKind =
  | 'malformed' // 400: syntactically wrong input, e.g. a cursor that was not ours
  | 'invalid' // 422: semantically invalid input
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'conflict' // 409
  | 'too_large' // 413: over a size limit, e.g. an upload
  | 'unsupported_media_type' // 415: content of a kind we do not accept, e.g. an SVG as a photo
  | 'unavailable'; // 503: a dependency is down and no fallback exists

export interface FieldError {
  /** JSON path of the offending field, e.g. `username` or `mediaIds.2`. */
  path: string;
  message: string;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    readonly errors?: readonly FieldError[],
  ) {
    super(message);
  }

  static malformed(message: string): DomainError {
    return new DomainError('malformed', message);
  }

  static invalid(message: string, errors?: readonly FieldError[]): DomainError {
    return new DomainError('invalid', message, errors);
  }

  static unauthenticated(message: string): DomainError {
    return new DomainError('unauthenticated', message);
  }

  static forbidden(message: string): DomainError {
    return new DomainError('forbidden', message);
  }

  static notFound(message: string): DomainError {
    return new DomainError('not_found', message);
  }

  static conflict(message: string, errors?: readonly FieldError[]): DomainError {
    return new DomainError('conflict', message, errors);
  }

  static tooLarge(message: string): DomainError {
    return new DomainError('too_large', message);
  }

  static unsupportedMediaType(message: string): DomainError {
    return new DomainError('unsupported_media_type', message);
  }

  static unavailable(message: string): DomainError {
    return new DomainError('unavailable', message);
  }
}

export function isDomainError(err: unknown): err is DomainError {
  return err instanceof DomainError;
}

/*
 * Errors that cannot be thrown at a caller (they arise in client event handlers, in the caller's
 * own listeners, or after the work they concern has committed) go to an `onError` listener.
 */

/** Anything thrown or rejected, as an Error. */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * The caller's error listener, made unable to throw: it is called from client event handlers,
 * where a throw would crash the process, and a failing logger has nowhere left to report to.
 */
export function safeErrorListener(onError: ((err: Error) => void) | undefined): (err: Error) => void {
  return (err) => {
    try {
      onError?.(err);
    } catch {
      // Nowhere left to report it.
    }
  };
}
