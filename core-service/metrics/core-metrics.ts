/**
 * The core's Prometheus metrics, named after what operators of gRPC services expect
 * (go-grpc-prometheus: `grpc_server_handled_total`, `grpc_server_handling_seconds`) and what a
 * Hydra replacement is watched for: tokens issued per grant, refresh-token reuse, DB pool use.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import { createMetricsRegistry, LATENCY_BUCKETS, type Registry } from '../shared/metrics.js';

/** The tarn pool knex keeps; only its counters are read. */
export interface PoolCounters {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

/** Creates the core's metrics on their own registry. */
export function createCoreMetrics() {
  const registry = createMetricsRegistry();
  let pool: (() => PoolCounters | undefined) | undefined;
  const poolGauge = (name: string, help: string, read: (p: PoolCounters) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        const current = pool?.();
        if (current) this.set(read(current));
      },
    });

  return {
    registry,
    grpcHandled: new Counter({
      name: 'grpc_server_handled_total',
      help: 'gRPC calls completed, by service, method and status code.',
      labelNames: ['grpc_service', 'grpc_method', 'grpc_code'] as const,
      registers: [registry],
    }),
    grpcHandlingSeconds: new Histogram({
      name: 'grpc_server_handling_seconds',
      help: 'Time from receiving a gRPC call to sending its answer, in seconds.',
      labelNames: ['grpc_service', 'grpc_method', 'grpc_code'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    tokensIssued: new Counter({
      name: 'tessera_tokens_issued_total',
      help: 'Successful token endpoint responses, by grant type.',
      labelNames: ['grant_type'] as const,
      registers: [registry],
    }),
    refreshTokenReuse: new Counter({
      name: 'tessera_refresh_token_reuse_detected_total',
      help: 'Refresh tokens presented again after rotation, outside the grace period (the grant was revoked).',
      registers: [registry],
    }),
    tokenHookCalls: new Counter({
      name: 'tessera_token_hook_calls_total',
      help: 'Token hook calls (oauth2.token_hook, oauth2.refresh_token_hook) by hook and outcome: updated (200), unchanged (204), denied (403), failed (any other answer), unreachable (network error or oauth2.hooks.timeout).',
      labelNames: ['hook', 'outcome'] as const,
      registers: [registry],
    }),
    tokenHookSeconds: new Histogram({
      name: 'tessera_token_hook_duration_seconds',
      help: 'Time a token hook call took, retries included, in seconds.',
      labelNames: ['hook'] as const,
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    tokenInsertBatch: new Histogram({
      name: 'tessera_token_insert_batch_size',
      help: 'Token requests whose rows one group-committed INSERT wrote (storage/group-commit.ts).',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    }),
    cacheLookups: new Counter({
      name: 'tessera_cache_lookups_total',
      help: 'Reads through core\'s caches (cache: client, token) by result: hit, miss (read from the database), bypass (the change feed was not current, so the cache was not trusted). Hit ratio: hit / (hit + miss + bypass).',
      labelNames: ['cache', 'result'] as const,
      registers: [registry],
    }),
    cacheInvalidations: new Counter({
      name: 'tessera_cache_invalidations_total',
      help: 'Changes applied to core\'s caches, from this replica or another, by topic: client, grant, all (caches emptied because changes may have been missed).',
      labelNames: ['topic'] as const,
      registers: [registry],
    }),
    poolUsed: poolGauge('tessera_db_pool_connections_used', 'Database connections in use.', (p) => p.numUsed()),
    poolFree: poolGauge('tessera_db_pool_connections_free', 'Idle database connections in the pool.', (p) => p.numFree()),
    poolPendingAcquires: poolGauge('tessera_db_pool_pending_acquires', 'Queries waiting for a database connection.', (p) => p.numPendingAcquires()),
    poolPendingCreates: poolGauge('tessera_db_pool_pending_creates', 'Database connections being opened.', (p) => p.numPendingCreates()),
    /** Points the pool gauges at the pool to read at each scrape. */
    observePool(read: () => PoolCounters | undefined): void {
      pool = read;
    },
  };
}

export type CoreMetrics = ReturnType<typeof createCoreMetrics>;
export type { Registry };
