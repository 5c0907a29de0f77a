/**
 * The gRPC edge of errors: an OAuthError becomes a standard status code plus the binary
 * `tessera.v1.OAuthError` in the trailer `tessera-error-bin`, which the gateway renders back.
 * Anything else is logged and answered as INTERNAL/server_error without internals, or as
 * UNAVAILABLE when the database cannot be reached or kept conflicting (storage/transient.ts).
 */
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { OAuthError as OAuthErrorMessage } from '../../proto/gen/tessera/v1/errors.js';
import { OAuthError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { isConnectionFailure } from '../storage/retry.js';
import { isTransientConflict } from '../storage/transient.js';

export const ERROR_TRAILER = 'tessera-error-bin';

function statusFor(httpStatus: number): status {
  switch (httpStatus) {
    case 400:
      return status.INVALID_ARGUMENT;
    case 401:
      return status.UNAUTHENTICATED;
    case 403:
      return status.PERMISSION_DENIED;
    case 404:
      return status.NOT_FOUND;
    case 409:
      return status.ALREADY_EXISTS;
    case 410:
    case 412:
      return status.FAILED_PRECONDITION;
    case 429:
      return status.RESOURCE_EXHAUSTED;
    case 503:
      return status.UNAVAILABLE;
    default:
      return httpStatus >= 500 ? status.INTERNAL : status.INVALID_ARGUMENT;
  }
}

// Lives with the storage retry (the migrator uses it too, without loading gRPC).
export { isConnectionFailure };

/** Turns any thrown value into the ServiceError a handler passes to its callback. */
export function toServiceError(err: unknown, logger: Logger, method: string): ServiceError {
  let oauth: OAuthError;
  if (err instanceof OAuthError) {
    oauth = err;
    if (oauth.status >= 500) logger.error({ err: oauth.cause ?? oauth, method }, 'request failed');
  } else if (isConnectionFailure(err)) {
    logger.error({ err, method }, 'database unreachable');
    oauth = new OAuthError('temporarily_unavailable', { hint: 'The database is unreachable; retry later.' });
  } else if (isTransientConflict(err)) {
    // Still conflicting after the storage's own retries; nothing was written, so the client may retry.
    logger.error({ err, method }, 'database conflict persisted through retries');
    oauth = new OAuthError('temporarily_unavailable', { hint: 'The database reported a conflict with concurrent requests; retry the request.' });
  } else {
    logger.error({ err, method }, 'unexpected error');
    oauth = new OAuthError('server_error');
  }
  const trailer = new Metadata();
  trailer.set(
    ERROR_TRAILER,
    Buffer.from(
      OAuthErrorMessage.encode({
        error: oauth.code,
        error_description: oauth.description,
        error_hint: oauth.hint,
        status_code: oauth.status,
        error_debug: oauth.debug,
      }).finish(),
    ),
  );
  return Object.assign(new Error(oauth.description), {
    code: statusFor(oauth.status),
    details: oauth.hint ? `${oauth.code}: ${oauth.description} ${oauth.hint}` : `${oauth.code}: ${oauth.description}`,
    metadata: trailer,
  });
}
