/**
 * The janitor (Hydra's `hydra janitor`): deletes rows no request will need again — expired
 * tokens, expired assertion ids, stale flow requests, expired login sessions, consents nothing
 * reads any more, expired trust relationships of the JWT-bearer grant — in batches of
 * `batchSize` rows per statement, at most `limit` rows per table per run, keeping anything
 * younger than `keepIfYoungerMs`. Targets run in this order: a consent waits for its tokens
 * and login session to go first. Each batch is a few short indexed statements (far below the
 * DSN's statement_timeout), and after each one the janitor rests as long as the batch took, so
 * it never holds the database more than half the time and live traffic keeps its latency. Run
 * it again to continue where `limit` stopped it.
 */

/** What the janitor can clean, one SQL table each. */
export type JanitorTarget = 'tokens' | 'jtis' | 'requests' | 'grants' | 'trusts';

/** Storage side of the janitor (storage/janitor-store.ts). */
export interface JanitorStore {
  /**
   * Deletes at most `max` rows of `target` that are stale at `cutoff`; returns how many went.
   * A target without a table yet deletes nothing.
   */
  deleteBatch(target: JanitorTarget, cutoff: Date, max: number): Promise<number>;
}

export interface JanitorOptions {
  /** Expired tokens (refresh tokens and codes are kept until they expire, for reuse detection), and expired assertion ids (client assertions and JWT-bearer grants). */
  tokens: boolean;
  /** Stale login, consent and logout requests (used-challenge records) and expired login sessions. */
  requests: boolean;
  /**
   * Granted consents whose remembered consent ran out, with no unexpired token and no login
   * session left; and trust relationships of the JWT-bearer grant past their expiry (Hydra's
   * `--grants`, FlushInactiveGrants).
   */
  grants: boolean;
  batchSize: number;
  limit: number;
  keepIfYoungerMs: number;
}

/** Rows deleted per target. */
export type JanitorReport = Record<JanitorTarget, number>;

/** Hydra's defaults for `--batch-size` and `--limit`: one run deletes at most 10,000 rows per table. */
export const DEFAULT_BATCH_SIZE = 100;
export const DEFAULT_LIMIT = 10_000;

/** The longest rest between two batches, however slow the last one was. */
const MAX_REST_MS = 1_000;

/** The janitor's clock and its way of resting; passed in so tests need not wait. */
export interface JanitorPace {
  /** Milliseconds from any fixed origin. */
  nowMs(): number;
  rest(ms: number): Promise<void>;
}

export const REAL_PACE: JanitorPace = {
  nowMs: () => performance.now(),
  rest: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Thrown for options that make no sense (nothing selected, a zero batch). */
export class JanitorOptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JanitorOptionsError';
  }
}

/** Checks options the way Hydra's janitor does before touching anything. */
export function validateJanitorOptions(options: JanitorOptions): void {
  if (!options.tokens && !options.requests && !options.grants) {
    throw new JanitorOptionsError('select at least one of --tokens, --requests, --grants');
  }
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new JanitorOptionsError('--batch-size must be a whole number ≥ 1');
  if (!Number.isInteger(options.limit) || options.limit < 1) throw new JanitorOptionsError('--limit must be a whole number ≥ 1');
  if (options.batchSize > options.limit) throw new JanitorOptionsError('--batch-size must not be larger than --limit');
  if (options.keepIfYoungerMs < 0) throw new JanitorOptionsError('--keep-if-younger must not be negative');
}

/**
 * Runs one janitor pass.
 * @example await runJanitor(store, { tokens: true, requests: false, grants: false, batchSize: 100, limit: 10000, keepIfYoungerMs: 0 }, new Date());
 */
export async function runJanitor(store: JanitorStore, options: JanitorOptions, now: Date, pace: JanitorPace = REAL_PACE): Promise<JanitorReport> {
  validateJanitorOptions(options);
  const cutoff = new Date(now.getTime() - options.keepIfYoungerMs);
  const report: JanitorReport = { tokens: 0, jtis: 0, requests: 0, grants: 0, trusts: 0 };
  const targets: JanitorTarget[] = [
    ...(options.tokens ? (['tokens', 'jtis'] as const) : []),
    ...(options.requests ? (['requests'] as const) : []),
    ...(options.grants ? (['grants', 'trusts'] as const) : []),
  ];
  for (const target of targets) {
    while (report[target] < options.limit) {
      const max = Math.min(options.batchSize, options.limit - report[target]);
      const started = pace.nowMs();
      const deleted = await store.deleteBatch(target, cutoff, max);
      report[target] += deleted;
      if (deleted < max || report[target] >= options.limit) break;
      // Give the database back to live requests for as long as this batch held it.
      await pace.rest(Math.min(MAX_REST_MS, Math.max(0, pace.nowMs() - started)));
    }
  }
  return report;
}
