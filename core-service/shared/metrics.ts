/**
 * Prometheus metrics setup shared by core and gateway: one prom-client Registry per running
 * service (never the global one, so several cores in one test process keep separate counts),
 * with Node's default process metrics, and the text exposition of it.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export type { Registry };

/** A fresh registry holding the default process metrics (CPU, memory, event loop, GC). */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Latency buckets in seconds, from a cached introspection (1 ms) to a slow PBKDF2 + DB call. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
