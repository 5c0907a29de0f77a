/**
 * Hydra's metadata endpoints, served on both listeners: `/health/alive` (this process answers),
 * `/health/ready` (core answers and reports SERVING) and `/version`.
 */
import type { FastifyInstance } from 'fastify';
import { VERSION } from '../core-service/shared/paths.js';
import type { CoreConnection } from './grpc-client/core.js';
import { HttpError } from './errors/http-error.js';
import { operation } from './openapi/schemas.js';

/** Readiness must answer fast for load balancers, even when core hangs. */
const READY_TIMEOUT_MS = 2_000;

/** Registers `/health/alive`, `/health/ready` (503 once `draining()`) and `/version` on one listener. */
export function registerHealthRoutes(app: FastifyInstance, core: Pick<CoreConnection, 'health'>, draining: () => boolean = () => false, quiet = false): void {
  // Hydra's serve.<listener>.request_log.disable_for_health: probes every few seconds drown the request log.
  const logLevel = quiet ? ('silent' as const) : undefined;
  app.get('/health/alive', { schema: operation({ id: 'isAlive', tag: 'metadata', summary: 'Check HTTP Server Status', responses: { 200: 'healthStatus' } }), ...(logLevel ? { logLevel } : {}) }, async () => ({ status: 'ok' }));

  const ready = operation({ id: 'isReady', tag: 'metadata', summary: 'Check HTTP Server and Database Status', responses: { 200: 'healthStatus', 503: 'healthNotReadyStatus' } });
  app.get('/health/ready', { schema: ready, ...(logLevel ? { logLevel } : {}) }, async (request, reply) => {
    let problem: string;
    // Shutting down: load balancers must stop sending traffic before the listener closes.
    if (draining()) return reply.code(503).send({ errors: { shutdown: 'the gateway is shutting down' } });
    try {
      const status = await core.health({ requestId: request.id, timeoutMs: READY_TIMEOUT_MS });
      if (status === 'SERVING') return { status: 'ok' };
      problem = `core-service reports ${status}`;
    } catch (err) {
      problem = `core-service is not reachable: ${err instanceof HttpError ? err.body.error : 'unknown error'}`;
    }
    // Hydra's healthNotReadyStatus: a map of check name to what failed.
    return reply.code(503).send({ errors: { core: problem } });
  });

  app.get('/version', { schema: operation({ id: 'getVersion', tag: 'metadata', summary: 'Return Running Software Version.', responses: { 200: 'version' } }) }, async () => ({ version: VERSION }));
}
