/**
 * Core's readiness and liveness as far as the database goes, for the gRPC health service
 * (grpc/server.ts polls `check`).
 *
 *   ready   the pool answers `SELECT 1` (orm.ts pingDatabase).
 *   stuck   the pool has answered no query for `stuckTimeoutMs` while a new connection opened
 *           outside it does (orm.ts pingOutsidePool). The bounded waits of orm.ts heal a pool
 *           within seconds of the database answering again; a pool still stuck this long
 *           later is one only a restart cures, so `onStuck` runs (main.ts exits 1 and the
 *           supervisor, Kubernetes or compose, starts a fresh core).
 *
 * A database outage is never "stuck": the new connection fails too, and core waits it out
 * NOT_SERVING, as it should, without restarting.
 */
import type { Logger } from '../shared/logger.js';

export interface PoolWatchOptions {
  /** Asks through the pool. */
  ping: () => Promise<boolean>;
  /** Asks on a new connection outside the pool; always false where there is none (SQLite). */
  pingOutsidePool: () => Promise<boolean>;
  /** How long the pool may answer nothing while the database does; 0 never calls `onStuck`. */
  stuckTimeoutMs: number;
  onStuck: (stuckForMs: number) => void;
  logger: Logger;
  now?: () => number;
}

export interface PoolWatch {
  /** True while the pool answers. */
  check(): Promise<boolean>;
  /** Records that the pool answered a query (any query counts: a busy pool is not stuck). */
  answered(): void;
}

/**
 * @example const watch = watchPool({ ping: () => pingDatabase(orm), pingOutsidePool: () => pingOutsidePool(orm, 'postgres'), stuckTimeoutMs: 120_000, onStuck, logger });
 */
export function watchPool(options: PoolWatchOptions): PoolWatch {
  const now = options.now ?? (() => performance.now());
  let lastAnswer = now();
  let warned = false;
  const answered = () => {
    lastAnswer = now();
  };
  return {
    answered,
    async check() {
      if (await options.ping()) {
        if (warned) options.logger.info('the connection pool answers again');
        warned = false;
        answered();
        return true;
      }
      if (options.stuckTimeoutMs === 0) return false;
      // The database itself does not answer: an outage the pool will survive, not a stuck pool.
      if (!(await options.pingOutsidePool())) return false;
      const silentFor = now() - lastAnswer;
      if (!warned) {
        warned = true;
        options.logger.warn({ silent_ms: Math.round(silentFor), exit_after_ms: options.stuckTimeoutMs }, 'the connection pool answers nothing while a new connection to the database does');
      }
      if (silentFor >= options.stuckTimeoutMs) options.onStuck(silentFor);
      return false;
    },
  };
}
