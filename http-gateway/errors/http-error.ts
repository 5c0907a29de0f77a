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

  constructor(body: ErrorBody, options?: { cause?: unknown }) {
    super(body.error_description, options);
    this.name = 'HttpError';
    this.body = body;
  }

  get status(): number {
    return this.body.status_code;
  }
}

const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`);

/**
 * Builds the body Hydra sends: like fosite, the hint is appended to the description (clients
 * show `error_description`) and also kept apart in `error_hint` for tooling.
 */
export function errorBody(error: string, description: string, hint: string, status: number): ErrorBody {
  const body: ErrorBody = {
    error,
    error_description: hint && !description.includes(hint) ? `${sentence(description)} ${hint}` : description,
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
  return new HttpError(errorBody(err.code, err.description, err.hint, err.status), { cause: opts.cause });
}
