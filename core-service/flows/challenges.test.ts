import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OAuthError } from '../shared/errors.js';
import { createChallengeCodec, randomId } from './challenges.js';
import type { Flow } from './flow.js';

const SECRET = 'challenge-test-secret-0123456789';
const flow = { id: 'f', expires_at: 2_000, request_url: 'https://x/oauth2/auth' } as unknown as Flow;

function statusOf(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof OAuthError);
    return err.status;
  }
  return 0;
}

test('a sealed challenge opens to its id and flow, and only as its own kind', () => {
  const codec = createChallengeCodec([SECRET]);
  const sealed = codec.seal('login_challenge', 'id-1', flow);
  assert.deepEqual(codec.open('login_challenge', sealed, 1_000), { id: 'id-1', flow });
  assert.equal(statusOf(() => codec.open('login_verifier', sealed, 1_000)), 404, 'purpose-bound: a challenge is no verifier');
  assert.equal(statusOf(() => codec.open('consent_challenge', sealed, 1_000)), 404);
});

test('a challenge sealed by this process opens here as on another replica: same flow, same kind binding, same expiry', () => {
  const here = createChallengeCodec([SECRET]);
  const replica = createChallengeCodec([SECRET]);
  const sealed = here.seal('login_challenge', 'id-r', flow);
  assert.deepEqual(here.open('login_challenge', sealed, 1_000), replica.open('login_challenge', sealed, 1_000));
  for (const codec of [here, replica]) {
    assert.equal(statusOf(() => codec.open('login_verifier', sealed, 1_000)), 404);
    assert.equal(statusOf(() => codec.open('login_challenge', sealed, 2_000)), 401);
  }
});

test("past the flow expiry it is 401 (Hydra's request_unauthorized); tampered or foreign it is 404", () => {
  const codec = createChallengeCodec([SECRET]);
  const sealed = codec.seal('consent_verifier', 'id-2', flow);
  assert.equal(statusOf(() => codec.open('consent_verifier', sealed, 2_000)), 401);
  const tampered = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}A`;
  assert.equal(statusOf(() => codec.open('consent_verifier', tampered, 1_000)), 404);
  assert.equal(statusOf(() => createChallengeCodec(['another-secret-0123456789']).open('consent_verifier', sealed, 1_000)), 404);
  assert.equal(statusOf(() => codec.open('consent_verifier', 'garbage', 1_000)), 404);
});

test('rotated secrets still open challenges sealed before the rotation', () => {
  const sealed = createChallengeCodec([SECRET]).seal('login_verifier', 'id-3', flow);
  assert.equal(createChallengeCodec(['new-secret-0123456789abcdef', SECRET]).open('login_verifier', sealed, 1_000).id, 'id-3');
});

test('a small flow is sealed without deflate, a large one deflated; both open to the same flow', () => {
  const codec = createChallengeCodec([SECRET]);
  const small = codec.seal('login_challenge', 'id-4', flow);
  assert.deepEqual(codec.open('login_challenge', small, 1_000), { id: 'id-4', flow });
  const large = { ...flow, request_url: `https://x/oauth2/auth?scope=${'openid%20profile%20'.repeat(1_000)}` } as unknown as Flow;
  const sealed = codec.seal('login_challenge', 'id-5', large);
  assert.deepEqual(codec.open('login_challenge', sealed, 1_000), { id: 'id-5', flow: large });
  // Deflated: far shorter than the flow's JSON (18 KB of a repeated scope).
  assert.ok(sealed.length < JSON.stringify(large).length / 4, `sealed ${sealed.length} characters`);
});

test('random ids are 128 bits in base64url and do not repeat across pages of the pool', () => {
  const ids = new Set<string>();
  for (let i = 0; i < 2_000; i++) {
    const id = randomId();
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    ids.add(id);
  }
  assert.equal(ids.size, 2_000);
});
