/**
 * Waiting for the database at start: an orchestrator may start the core before the database
 * answers, so an unreachable database is retried with exponential backoff (each attempt
 * logged) instead of crash-looping. Anything else (a pending migration, a bad secret) is final.
 */
import type { Logger } from '../shared/logger.js';

export interface RetryOptions {
  logger: Logger;
  /** True for errors worth retrying (the database could not be reached). */
  retryable: (err: unknown) => boolean;
  /** First wait in ms; doubles up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `attempt` until it succeeds or fails with a non-retryable error.
 * @example await retryWhileUnreachable(() => assertSchemaCurrent(orm, dsn), { logger, retryable: isConnectionFailure });
 */
export async function retryWhileUnreachable<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const max = options.maxDelayMs ?? 10_000;
  let delay = options.initialDelayMs ?? 250;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (err) {
      if (!options.retryable(err)) throw err;
      options.logger.warn({ err, attempt: n, retry_in_ms: delay }, 'database unreachable; retrying');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, max);
    }
  }
}
