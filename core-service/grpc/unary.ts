/**
 * Adapts an async domain call to a grpc-js unary handler: one place that catches, logs and
 * maps errors, so each service file is only parse → call → map.
 */
import type { handleUnaryCall, sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import type { Logger } from '../shared/logger.js';
import { toServiceError } from './errors.js';

export function unary<Req, Res>(
  logger: Logger,
  method: string,
  handler: (request: Req, call: ServerUnaryCall<Req, Res>) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => {
    const requestId = call.metadata.get('x-request-id')[0];
    const log = requestId ? logger.child({ request_id: String(requestId) }) : logger;
    handler(call.request, call).then(
      (response) => callback(null, response),
      (err: unknown) => callback(toServiceError(err, log, method)),
    );
  };
}
