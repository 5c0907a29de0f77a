import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger } from '../shared/logger.js';
import { watchPool } from './pool-watch.js';

const logger = createLogger('test', { level: 'fatal', format: 'json', leakSensitiveValues: false }, new Writable({ write: (_c, _e, done) => done() }));

function scenario(stuckTimeoutMs = 60_000) {
  const state = { clock: 0, pool: true, database: true, stuck: [] as number[] };
  const watch = watchPool({
    ping: async () => state.pool,
    pingOutsidePool: async () => state.database,
    stuckTimeoutMs,
    onStuck: (ms) => state.stuck.push(ms),
    logger,
    now: () => state.clock,
  });
  return { state, watch };
}

test('a pool that answers nothing while the database does is stuck after the timeout', async () => {
  const { state, watch } = scenario();
  assert.equal(await watch.check(), true);
  state.pool = false;
  state.clock = 59_000;
  assert.equal(await watch.check(), false);
  assert.deepEqual(state.stuck, []);
  state.clock = 61_000;
  assert.equal(await watch.check(), false);
  assert.deepEqual(state.stuck, [61_000]);
});

test('a database outage, however long, is not a stuck pool', async () => {
  const { state, watch } = scenario();
  state.pool = false;
  state.database = false;
  for (const minutes of [1, 5, 30]) {
    state.clock = minutes * 60_000;
    assert.equal(await watch.check(), false);
  }
  assert.deepEqual(state.stuck, []);
});

test('a busy pool that keeps answering queries is not stuck, even when a health ping times out', async () => {
  const { state, watch } = scenario();
  state.pool = false;
  for (let t = 10_000; t <= 300_000; t += 10_000) {
    state.clock = t;
    watch.answered();
    await watch.check();
  }
  assert.deepEqual(state.stuck, []);
});

test('0 never reports a stuck pool', async () => {
  const { state, watch } = scenario(0);
  state.pool = false;
  state.clock = 3_600_000;
  await watch.check();
  assert.deepEqual(state.stuck, []);
});
