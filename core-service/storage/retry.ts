/**
 * Waiting for the database at start: an orchestrator may start the core (or run the migrator)
 * before the database answers, so an unreachable database is retried with exponential backoff
 * (each attempt reported) instead of crash-looping. Anything else (a pending migration, a bad
 * secret, a wrong password) is final. The core waits as long as it takes; the migrator, a job
 * that must end, gives up after a bound.
 */
import type { Logger } from '../shared/logger.js';

export interface RetryOptions {
  /** Each retry is logged as a warning here, unless `onRetry` reports it instead. */
  logger?: Logger;
  onRetry?: (err: unknown, attempt: number, retryInMs: number) => void;
  /** True for errors worth retrying (the database could not be reached). */
  retryable: (err: unknown) => boolean;
  /** First wait in ms; doubles up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Stop retrying once this many ms have passed since the first attempt and throw the last error. Default: never. */
  giveUpAfterMs?: number;
}

// ENOTFOUND/EAI_AGAIN: the database's host name does not resolve yet (a compose service or a
// Kubernetes Service whose DNS entry is not there yet); 57P03: PostgreSQL is still starting.
// EPIPE / "socket has been ended by the other party": the server closed a pooled connection
// (mysql2 reports it so); "connection error and is not queryable": node-postgres after one;
// "timeout expired": node-postgres's connect timeout (a new connection got no answer in time).
const CONNECTION_FAILURE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|Connection terminated|connect ECONN|Knex: Timeout acquiring a connection|ConnectionException|server closed the connection|PROTOCOL_CONNECTION_LOST|ended by the other party|Connection lost|not queryable|the database system is starting up|timeout expired/i;

/** True when the error says the database is unreachable rather than that the request is bad. */
export function isConnectionFailure(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return CONNECTION_FAILURE.test(`${err.name} ${err.message} ${typeof code === 'string' ? code : ''}`);
}

/** Thrown when `giveUpAfterMs` ran out; `cause` is the last attempt's error. */
export class StillUnreachableError extends Error {
  constructor(
    readonly attempts: number,
    readonly elapsedMs: number,
    override readonly cause: unknown,
  ) {
    super(`still unreachable after ${attempts} attempts in ${Math.round(elapsedMs / 1000)} s: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'StillUnreachableError';
  }
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or `giveUpAfterMs` runs out.
 * @example await retryWhileUnreachable(() => assertSchemaCurrent(orm, dsn), { logger, retryable: isConnectionFailure });
 */
export async function retryWhileUnreachable<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  const max = options.maxDelayMs ?? 10_000;
  const started = Date.now();
  let delay = options.initialDelayMs ?? 250;
  for (let n = 1; ; n += 1) {
    try {
      return await attempt();
    } catch (err) {
      if (!options.retryable(err)) throw err;
      const elapsed = Date.now() - started;
      if (options.giveUpAfterMs !== undefined) {
        if (elapsed >= options.giveUpAfterMs) throw new StillUnreachableError(n, elapsed, err);
        // The last wait ends at the bound, so one more attempt is made right there.
        delay = Math.min(delay, options.giveUpAfterMs - elapsed);
      }
      if (options.onRetry) options.onRetry(err, n, delay);
      else options.logger?.warn({ err, attempt: n, retry_in_ms: delay }, 'database unreachable; retrying');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, max);
    }
  }
}
