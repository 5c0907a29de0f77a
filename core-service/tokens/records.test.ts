import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GrantSession } from '../oauth2/grant-session.js';
import { storageKey } from './opaque.js';
import { accessTokenRecord, authorizationCodeRecord, refreshTokenRecord, type TokenRowInput } from './records.js';

const INPUT: TokenRowInput = {
  signature: 'sig-in-the-clear',
  requestId: 'req-1',
  clientId: 'app',
  subject: 'alice',
  scope: ['openid'],
  audience: ['https://api.example'],
  requestedAt: new Date(1_700_000_000_000),
  expiresAt: null,
};

const GRANT: GrantSession = {
  subject: 'alice',
  obfuscated_subject: '',
  granted_scope: ['openid'],
  granted_audience: [],
  access_token_claims: {},
  id_token_claims: {},
  auth_time: 0,
  acr: '',
  amr: [],
  nonce: '',
  sid: '',
  consent_challenge_id: '',
};

test('every kind starts active and keeps only the storage key of its signature', () => {
  const rows = [
    accessTokenRecord(INPUT, {}),
    refreshTokenRecord({ ...INPUT, accessTokenSignature: storageKey('at') }, {}),
    authorizationCodeRecord(INPUT, { grant: GRANT, redirect_uri: '', code_challenge: '', code_challenge_method: '' }),
  ];
  assert.deepEqual(rows.map((r) => r.kind), ['access_token', 'refresh_token', 'authorization_code']);
  for (const row of rows) {
    assert.equal(row.signature, storageKey('sig-in-the-clear'));
    assert.equal(row.active, true);
    assert.equal(row.request_id, 'req-1');
    assert.equal(row.expires_at, null);
  }
  assert.equal(rows[1]?.kind === 'refresh_token' ? rows[1].access_token_signature : undefined, storageKey('at'));
});
