import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OAuthError } from '../shared/errors.js';
import { DEFAULT_CLIENT_SCOPE, readClientDocument } from './validation.js';

const PRODUCTION = { allowPlainHttp: false };
const read = (doc: unknown) => readClientDocument(doc, PRODUCTION);

function refusal(doc: unknown, field: RegExp) {
  assert.throws(
    () => read(doc),
    (err: unknown) => err instanceof OAuthError && err.status === 400 && field.test(err.hint),
  );
}

test("Hydra's defaults for an empty client", () => {
  const client = read({});
  assert.deepEqual(client.grant_types, ['authorization_code']);
  assert.deepEqual(client.response_types, ['code']);
  assert.equal(client.scope, DEFAULT_CLIENT_SCOPE);
  assert.equal(client.token_endpoint_auth_method, 'client_secret_basic');
  assert.equal(client.subject_type, 'public');
});

test('redirect URIs must be absolute and fragment-free (RFC 6749 §3.1.2)', () => {
  refusal({ redirect_uris: ['/relative'] }, /redirect_uris/);
  refusal({ redirect_uris: ['https://app.example/cb#frag'] }, /fragment/);
  assert.deepEqual(read({ redirect_uris: ['https://app.example/cb', 'http://127.0.0.1:8080/cb'] }).redirect_uris.length, 2);
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
  assert.equal(read({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://app.example/jwks' }).jwks_uri, 'https://app.example/jwks');
});

test('a body that is not an object is a bad request', () => {
  assert.throws(() => read([]), (err: unknown) => err instanceof OAuthError && err.code === 'invalid_request');
  assert.throws(() => read(null), OAuthError);
});

/** The code and the field an admin API refusal carries. */
function refusedAs(doc: unknown, code: string, field: string, opts = PRODUCTION) {
  assert.throws(
    () => readClientDocument(doc, opts),
    (err: unknown) => err instanceof OAuthError && err.status === 400 && err.code === code && err.hint.includes(`"${field}"`),
    `${JSON.stringify(doc)} must be refused as ${code} naming ${field}`,
  );
}

// Script and local schemes, spelled as a browser would still read them.
const SCRIPT_URIS = ['javascript:alert(document.domain)//', 'JavaScript:alert(1)', ' java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'file:///etc/passwd', 'blob:https://app.example/0b5c'];

test('redirect URIs: https, loopback http, and private-use schemes for public clients only (RFC 8252 §7)', () => {
  for (const uri of [...SCRIPT_URIS, 'http://app.example/cb', 'http://10.0.0.1/cb', 'ftp://app.example/cb', 'https://app.example/cb#', 'https://app.example/cb#frag']) {
    refusedAs({ redirect_uris: ['https://app.example/ok', uri] }, 'invalid_redirect_uri', 'redirect_uris');
    refusedAs({ redirect_uris: [uri], token_endpoint_auth_method: 'none' }, 'invalid_redirect_uri', 'redirect_uris');
  }
  // RFC 8252 §7.1: private-use schemes are for native apps, which cannot keep a secret.
  refusedAs({ redirect_uris: ['com.example.app:/cb'] }, 'invalid_redirect_uri', 'redirect_uris');
  const loopback = ['http://127.0.0.1/cb', 'http://127.0.0.1:8080/cb', 'http://[::1]:8080/cb', 'http://localhost:3000/cb', 'http://app.localhost/cb'];
  assert.deepEqual(read({ redirect_uris: ['https://app.example/cb', ...loopback] }).redirect_uris.length, 6);
  const native = read({ token_endpoint_auth_method: 'none', redirect_uris: ['com.example.app:/oauth2redirect', 'com.example.app://cb', 'http://127.0.0.1/cb'] });
  assert.equal(native.redirect_uris.length, 3);
});

test('every other URI field accepts only https and loopback http, naming the field', () => {
  const single = ['frontchannel_logout_uri', 'backchannel_logout_uri', 'jwks_uri', 'policy_uri', 'tos_uri', 'logo_uri', 'client_uri'];
  for (const uri of [...SCRIPT_URIS, 'http://app.example/x', 'com.example.app:/x']) {
    for (const field of single) refusedAs({ [field]: uri }, 'invalid_client_metadata', field);
    refusedAs({ request_uris: [uri] }, 'invalid_client_metadata', 'request_uris');
    refusedAs({ sector_identifier_uri: uri }, 'invalid_client_metadata', 'sector_identifier_uri');
    refusedAs({ post_logout_redirect_uris: [uri] }, 'invalid_client_metadata', 'post_logout_redirect_uris');
  }
  const ok = read({
    frontchannel_logout_uri: 'https://app.example/fc',
    backchannel_logout_uri: 'http://127.0.0.1:9000/bc',
    policy_uri: 'http://localhost/policy',
    post_logout_redirect_uris: ['https://app.example/bye', 'http://[::1]/bye'],
    request_uris: ['https://app.example/request.jwt'],
  });
  assert.equal(ok.backchannel_logout_uri, 'http://127.0.0.1:9000/bc');
  // OpenID Connect Core §8.1: the sector identifier is https, even on loopback.
  refusedAs({ sector_identifier_uri: 'http://127.0.0.1/sector.json' }, 'invalid_client_metadata', 'sector_identifier_uri');
  refusedAs({ allowed_cors_origins: ['javascript://app.example'] }, 'invalid_client_metadata', 'allowed_cors_origins');
});

test('dev mode accepts plain http on any host, never a script scheme', () => {
  const dev = { allowPlainHttp: true };
  const client = readClientDocument({ redirect_uris: ['http://app.example/cb'], post_logout_redirect_uris: ['http://app.example/bye'], frontchannel_logout_uri: 'http://app.example/fc' }, dev);
  assert.deepEqual(client.redirect_uris, ['http://app.example/cb']);
  for (const uri of SCRIPT_URIS) {
    refusedAs({ redirect_uris: [uri] }, 'invalid_redirect_uri', 'redirect_uris', dev);
    refusedAs({ frontchannel_logout_uri: uri }, 'invalid_client_metadata', 'frontchannel_logout_uri', dev);
  }
});
