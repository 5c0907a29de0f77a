/**
 * The gateway's Prometheus metrics, served on the admin listener at `/admin/metrics/prometheus`
 * (Hydra's path): request count and latency per route template, method and status, plus
 * Node's process metrics. One registry per running gateway, shared by both listeners.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Histogram } from 'prom-client';
import { createMetricsRegistry, LATENCY_BUCKETS } from '../core-service/shared/metrics.js';
import { operation } from './openapi/schemas.js';

/** Hydra serves its metrics here on the admin port. */
export const METRICS_PATH = '/admin/metrics/prometheus';

/** Creates the gateway's metrics on their own registry. */
export function createGatewayMetrics() {
  const registry = createMetricsRegistry();
  const labelNames = ['method', 'route', 'status_code'] as const;
  return {
    registry,
    requests: new Counter({ name: 'http_requests_total', help: 'HTTP requests answered, by route template, method and status.', labelNames, registers: [registry] }),
    duration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by route template, method and status, in seconds.',
      labelNames,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

/**
 * Counts and times every request of `app`. Routes are labelled by template (`/admin/clients/:id`),
 * never by the raw URL, so ids and query strings neither explode the series nor leak.
 */
export function instrumentListener(app: FastifyInstance, metrics: GatewayMetrics): void {
  // The labelled series, bound once per route, method and status: prom-client hashes a label
  // object on every inc/observe, which the bound children skip (issue 11 profile).
  const series = new Map<string, { requests: { inc(): void }; duration: { observe(value: number): void } }>();
  // Callback style: an async hook costs a promise and a microtask on every request.
  app.addHook('onResponse', (request, reply, done) => {
    // Unmatched URLs (404s) share one series.
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let bound = series.get(key);
    if (bound === undefined) {
      const labels = { method: request.method, route, status_code: String(reply.statusCode) };
      bound = { requests: metrics.requests.labels(labels), duration: metrics.duration.labels(labels) };
      series.set(key, bound);
    }
    bound.requests.inc();
    bound.duration.observe(reply.elapsedTime / 1000);
    done();
  });
}

/** Registers `GET /admin/metrics/prometheus` (text exposition format). */
export function registerMetricsRoute(app: FastifyInstance, metrics: GatewayMetrics): void {
  const schema = operation({ id: 'getPrometheusMetrics', tag: 'metadata', summary: 'Prometheus metrics of the gateway', responses: { 200: { media: 'text/plain', description: 'Prometheus text exposition format' } } });
  app.get(METRICS_PATH, { schema }, async (_request, reply) => reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()));
}
