/**
 * Waiting on a condition instead of sleeping: a test polls what a user would look at (a status
 * code, a log line) until it holds, and fails with a message once `timeoutMs` has passed.
 */
import { setTimeout as pause } from 'node:timers/promises';

/**
 * Resolves with the milliseconds it took once `condition()` is true; polls every `everyMs`.
 * @example const ms = await waitUntil(async () => (await request(url)).statusCode === 200, 15_000, 'ready again');
 */
export async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string, everyMs = 50): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await condition()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await pause(everyMs);
  }
}
