/**
 * Waiting for a change to reach another core replica, no longer than its documented bound
 * (core-service/storage/change-feed.ts STALE_AFTER_MS).
 */
import assert from 'node:assert/strict';

/**
 * Resolves with how long `check` took to pass after the change (ms); fails when a check that
 * started later than `boundMs` after the change still does not pass.
 * @example await within(STALE_AFTER_MS, 'revocation', async () => !(await isActiveOnB(token)));
 */
export async function within(boundMs: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const changedAt = performance.now();
  for (;;) {
    const startedAt = performance.now();
    if (await check()) return startedAt - changedAt;
    assert.ok(startedAt - changedAt <= boundMs, `${what}: still not seen by a check started ${Math.round(startedAt - changedAt)} ms after the change (bound ${boundMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
