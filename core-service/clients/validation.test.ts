import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OAuthError } from '../shared/errors.js';
import { DEFAULT_CLIENT_SCOPE, readClientDocument } from './validation.js';

function refusal(doc: unknown, field: RegExp) {
  assert.throws(
    () => readClientDocument(doc),
    (err: unknown) => err instanceof OAuthError && err.status === 400 && field.test(err.hint),
  );
}

test("Hydra's defaults for an empty client", () => {
  const client = readClientDocument({});
  assert.deepEqual(client.grant_types, ['authorization_code']);
  assert.deepEqual(client.response_types, ['code']);
  assert.equal(client.scope, DEFAULT_CLIENT_SCOPE);
  assert.equal(client.token_endpoint_auth_method, 'client_secret_basic');
  assert.equal(client.subject_type, 'public');
});

test('redirect URIs must be absolute and fragment-free (RFC 6749 §3.1.2)', () => {
  refusal({ redirect_uris: ['/relative'] }, /redirect_uris/);
  refusal({ redirect_uris: ['https://app.example/cb#frag'] }, /fragment/);
  assert.deepEqual(readClientDocument({ redirect_uris: ['https://app.example/cb', 'http://127.0.0.1:8080/cb'] }).redirect_uris.length, 2);
});

test('wrong types and unknown enum values name the field', () => {
  refusal({ grant_types: 'client_credentials' }, /grant_types/);
  refusal({ grant_types: ['password'] }, /grant_types/);
  refusal({ skip_consent: 'yes' }, /skip_consent/);
  refusal({ token_endpoint_auth_method: 'magic' }, /token_endpoint_auth_method/);
  refusal({ metadata: [1, 2] }, /metadata/);
  refusal({ client_secret_expires_at: -1 }, /client_secret_expires_at/);
  refusal({ authorization_code_grant_access_token_lifespan: 'a while' }, /authorization_code_grant_access_token_lifespan/);
  refusal({ allowed_cors_origins: ['https://app.example/path'] }, /allowed_cors_origins/);
  refusal({ response_types: ['code bogus'] }, /response_types/);
});

test('secret rules: public clients have none, short ones are refused, private_key_jwt needs keys', () => {
  refusal({ token_endpoint_auth_method: 'none', client_secret: 'some-secret' }, /client_secret/);
  refusal({ client_secret: 'abc' }, /client_secret/);
  refusal({ token_endpoint_auth_method: 'private_key_jwt' }, /jwks/);
  refusal({ jwks: { keys: [] }, jwks_uri: 'https://app.example/jwks' }, /jwks/);
  assert.equal(readClientDocument({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example/jwks' }).jwks_uri, 'https://app.example/jwks');
});

test('a body that is not an object is a bad request', () => {
  assert.throws(() => readClientDocument([]), (err: unknown) => err instanceof OAuthError && err.code === 'invalid_request');
  assert.throws(() => readClientDocument(null), OAuthError);
});
