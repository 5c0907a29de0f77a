/**
 * Turns a failed gRPC call to core back into Hydra's error JSON. Core attaches the decided error
 * as a binary `tessera.v1.OAuthError` in the trailer `tessera-error-bin` (proto/tessera/v1/errors.proto),
 * so nothing is guessed here; without it only the transport status is known.
 */
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { OAuthError as OAuthErrorMessage } from '../../proto/gen/tessera/v1/errors.js';
import { errorBody, httpError, HttpError } from './http-error.js';

/** Trailing metadata key core puts the encoded OAuthError under (`-bin`: binary value). */
export const ERROR_TRAILER = 'tessera-error-bin';

/** HTTP status for a gRPC code, used only when core's error carries no status_code. */
const STATUS_FOR_CODE: Partial<Record<GrpcStatus, number>> = {
  [GrpcStatus.INVALID_ARGUMENT]: 400,
  [GrpcStatus.FAILED_PRECONDITION]: 400,
  [GrpcStatus.OUT_OF_RANGE]: 400,
  [GrpcStatus.UNAUTHENTICATED]: 401,
  [GrpcStatus.PERMISSION_DENIED]: 403,
  [GrpcStatus.NOT_FOUND]: 404,
  [GrpcStatus.ALREADY_EXISTS]: 409,
  [GrpcStatus.ABORTED]: 409,
  [GrpcStatus.RESOURCE_EXHAUSTED]: 429,
  [GrpcStatus.UNAVAILABLE]: 503,
  [GrpcStatus.DEADLINE_EXCEEDED]: 503,
};

function decodeTrailer(err: ServiceError): OAuthErrorMessage | undefined {
  const raw = err.metadata?.get(ERROR_TRAILER)[0];
  if (raw === undefined || typeof raw === 'string') return undefined;
  try {
    const decoded = OAuthErrorMessage.decode(raw);
    return decoded.error ? decoded : undefined;
  } catch {
    return undefined;
  }
}

/** Maps a gRPC error from core to the HttpError the client sees; internals never leak. */
export function fromGrpcError(err: ServiceError): HttpError {
  const decided = decodeTrailer(err);
  if (decided) {
    const status = decided.status_code >= 400 && decided.status_code <= 599 ? decided.status_code : (STATUS_FOR_CODE[err.code] ?? 500);
    return new HttpError(errorBody(decided.error, decided.error_description, decided.error_hint, status), { cause: err, debug: decided.error_debug });
  }
  if (err.code === GrpcStatus.UNAVAILABLE || err.code === GrpcStatus.DEADLINE_EXCEEDED) {
    // Core down, restarting or overloaded: the request may simply be retried (RFC 6749 §4.1.2.1).
    return httpError('temporarily_unavailable', { cause: err });
  }
  return httpError('server_error', { cause: err });
}

/** True for errors produced by @grpc/grpc-js calls (numeric `code` plus `metadata`). */
export function isServiceError(err: unknown): err is ServiceError {
  return err instanceof Error && typeof (err as Partial<ServiceError>).code === 'number' && 'metadata' in err;
}
