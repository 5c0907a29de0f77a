import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomBytesPooled } from './random.js';

test('pooled random bytes are never handed out twice, across pool refills', () => {
  const seen = new Set<string>();
  const kept: Array<[Buffer, string]> = [];
  // 32 bytes × 2,000 = 64 KB: eight pools.
  for (let i = 0; i < 2_000; i++) {
    const bytes = randomBytesPooled(32);
    assert.equal(bytes.length, 32);
    const hex = bytes.toString('hex');
    assert.ok(!seen.has(hex), 'a value repeated');
    seen.add(hex);
    if (i % 100 === 0) kept.push([bytes, hex]);
  }
  // A view handed out earlier still holds what it held: refills never overwrite a pool.
  for (const [bytes, hex] of kept) assert.equal(bytes.toString('hex'), hex);
});

test('a request larger than the pool is served whole', () => {
  const bytes = randomBytesPooled(10_000);
  assert.equal(bytes.length, 10_000);
  assert.ok(bytes.some((b) => b !== 0));
});
