/**
 * Transient database conflicts (issue 15 §3): a deadlock, a serialisation failure, a lock wait
 * that timed out, or SQLite's busy database means the transaction was rolled back whole and
 * may simply run again. Such a transaction is retried a bounded number of times with jittered
 * backoff (so the racers that collided do not collide again in step); once the retries are
 * spent it is answered as a 503 (grpc/errors.ts), never a 500, since nothing was written.
 */

/**
 * PostgreSQL 40P01 deadlock_detected, 40001 serialization_failure, 55P03 lock_not_available;
 * MySQL/MariaDB 1213 ER_LOCK_DEADLOCK, 1205 ER_LOCK_WAIT_TIMEOUT; SQLite SQLITE_BUSY/LOCKED.
 */
const CONFLICT_CODES = new Set(['40P01', '40001', '55P03', 'ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT', '1213', '1205', 'SQLITE_BUSY', 'SQLITE_LOCKED']);
const CONFLICT_MESSAGE = /deadlock|could not serialize access|Lock wait timeout exceeded|database is locked|SQLITE_BUSY/i;

/** True when the error is a rolled-back conflict worth running again. */
export function isTransientConflict(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const { code, errno, sqlState } = err as { code?: unknown; errno?: unknown; sqlState?: unknown };
  for (const value of [code, errno, sqlState]) if (value !== undefined && CONFLICT_CODES.has(String(value))) return true;
  const cause = (err as { cause?: unknown }).cause;
  return CONFLICT_MESSAGE.test(err.message) || (cause !== undefined && cause !== err && isTransientConflict(cause));
}

export interface ConflictRetry {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Upper bound of the first wait in ms; each later wait's bound doubles. Full jitter: a wait is uniform in [0, bound]. */
  baseDelayMs: number;
}

/** Five attempts, waits of at most 10, 20, 40, 80 ms: well inside a token request's budget. */
export const DEFAULT_CONFLICT_RETRY: ConflictRetry = { attempts: 5, baseDelayMs: 10 };

/**
 * Runs `transaction` again while it fails with a transient conflict, at most `attempts` times;
 * the last error is thrown as it is. `transaction` must be whole: a retry repeats all of it.
 * @example const outcome = await retryOnConflict(() => knex.transaction((trx) => rotate(trx)));
 */
export async function retryOnConflict<T>(transaction: () => Promise<T>, retry: ConflictRetry = DEFAULT_CONFLICT_RETRY, random: () => number = Math.random): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await transaction();
    } catch (err) {
      if (attempt >= retry.attempts || !isTransientConflict(err)) throw err;
      const bound = retry.baseDelayMs * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, Math.round(random() * bound)));
    }
  }
}
