/**
 * Client side of the standard gRPC health service (grpc/health/v1/health.proto), which core
 * serves. Two one-field messages, so they are encoded by hand rather than generated:
 *   HealthCheckRequest  { string service = 1; }
 *   HealthCheckResponse { ServingStatus status = 1; }
 */
import { BinaryReader, BinaryWriter } from '@bufbuild/protobuf/wire';
import { unary, type CallContext } from './call.js';
import type { Http2Channel } from './http2-channel.js';

/** grpc.health.v1.HealthCheckResponse.ServingStatus. */
export type ServingStatus = 'UNKNOWN' | 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';

const STATUSES: readonly ServingStatus[] = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];
const CHECK_PATH = '/grpc.health.v1.Health/Check';

function encodeRequest(service: string): Buffer {
  const writer = new BinaryWriter();
  if (service) writer.uint32((1 << 3) | 2).string(service);
  return Buffer.from(writer.finish());
}

function decodeResponse(bytes: Buffer): ServingStatus {
  const reader = new BinaryReader(bytes);
  let status = 0;
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag === (1 << 3)) status = reader.int32();
    else reader.skip(tag & 7);
  }
  return STATUSES[status] ?? 'UNKNOWN';
}

/** Asks core's health service about `service` ("" = the whole server). Rejects with an HttpError. */
export function checkHealth(channel: Http2Channel, service: string, ctx: CallContext): Promise<ServingStatus> {
  return unary<ServingStatus>(ctx, (metadata, options, callback) => {
    const deadline = options.deadline;
    channel.unary(CHECK_PATH, encodeRequest, decodeResponse, service, metadata, typeof deadline === 'number' ? deadline : (deadline?.getTime() ?? Infinity), callback);
  });
}
