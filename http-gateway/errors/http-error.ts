/**
 * The one error value the gateway renders: Hydra's `errorOAuth2` body plus the HTTP extras that
 * travel with it. Gateway-made errors start from core's shared OAuthError so codes and default
 * descriptions stay identical to those core sends over gRPC.
 */
import { OAuthError, type ErrorCode } from '../../core-service/shared/errors.js';

/** Hydra's `errorOAuth2` JSON (reference/hydra-openapi.json `#/components/schemas/errorOAuth2`). */
export interface ErrorBody {
  error: string;
  error_description: string;
  error_hint?: string;
  status_code: number;
}

/** Seconds a client should wait before retrying a 503 (RFC 9110 §10.2.3 Retry-After). */
export const RETRY_AFTER_SECONDS = 5;

/** An error ready to render; thrown by routes and the gRPC layer, rendered once by the error handler. */
export class HttpError extends Error {
  readonly body: ErrorBody;
  /** fosite's error_debug: appended to the description only with `oauth2.expose_internal_errors`. */
  readonly debug: string;

  constructor(body: ErrorBody, options?: { cause?: unknown; debug?: string }) {
    super(body.error_description, options);
    this.name = 'HttpError';
    this.body = body;
    this.debug = options?.debug ?? '';
  }

  /** The body to send: with the debug detail folded into the description when exposing is on (fosite's GetDescription). */
  bodyFor(exposeInternalErrors: boolean): ErrorBody {
    if (!exposeInternalErrors || this.debug === '') return this.body;
    return { ...this.body, error_description: joined(this.body.error_description, this.debug) };
  }

  get status(): number {
    return this.body.status_code;
  }
}

/** fosite's GetDescription: the parts joined by one space, empty ones left out. */
const joined = (...parts: string[]): string => parts.filter((part) => part !== '').join(' ');

/**
 * Builds the body Hydra sends: like fosite, the hint is appended to the description (clients
 * show `error_description`) and also kept apart in `error_hint` for tooling.
 */
export function errorBody(error: string, description: string, hint: string, status: number): ErrorBody {
  const body: ErrorBody = {
    error,
    error_description: hint && !description.includes(hint) ? joined(description, hint) : description,
    status_code: status,
  };
  if (hint) body.error_hint = hint;
  return body;
}

/**
 * An error decided by the gateway itself (malformed body, unknown route, core unreachable).
 * @example throw httpError('invalid_request', { hint: 'The request body is not valid JSON.' })
 */
export function httpError(code: ErrorCode, opts: { hint?: string; description?: string; status?: number; cause?: unknown } = {}): HttpError {
  const err = new OAuthError(code, opts);
  return new HttpError(errorBody(err.code, err.description, err.hint, err.status), { cause: opts.cause, debug: err.debug });
}
