import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, parseGoDuration } from './durations.js';

test('parses the durations Hydra configs use', () => {
  assert.equal(parseGoDuration('1h'), 3_600_000);
  assert.equal(parseGoDuration('10m'), 600_000);
  assert.equal(parseGoDuration('720h'), 720 * 3_600_000);
  assert.equal(parseGoDuration('0s'), 0);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('250ms'), 250);
  assert.equal(parseGoDuration('-1s'), -1000);
});

test('rejects what Go would reject', () => {
  for (const bad of ['', '1', '1d', 'h', '1 h', 'ten minutes', '1h-', '-', '5x']) {
    assert.equal(parseGoDuration(bad), undefined, bad);
  }
});

test('formats like Go', () => {
  assert.equal(formatGoDuration(3_600_000), '1h0m0s');
  assert.equal(formatGoDuration(90_000), '1m30s');
  assert.equal(formatGoDuration(1500), '1.5s');
  assert.equal(formatGoDuration(0), '0s');
  assert.equal(parseGoDuration(formatGoDuration(5_400_000)), 5_400_000);
});
