/**
 * The claim, session and hook keys of Hydra's `oauth2.*` and `strategies.jwt.*`: Hydra's
 * defaults, both shapes of a webhook (URL string or object with auth), and the refusals.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.js';

function yaml(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tessera-config-')), 'hydra.yaml');
  writeFileSync(file, text);
  return file;
}

function rejects(env: Record<string, string>, pattern: RegExp): void {
  assert.throws(() => loadConfig({ env }), (err: unknown) => err instanceof ConfigError && pattern.test(err.message));
}

test('Hydra\'s defaults: scp list, mirrored ext, nbf, sessions encrypted at rest, no default scope, no hooks', () => {
  const config = loadConfig({ env: {} });
  assert.equal(config.strategies.jwt.scopeClaim, 'list');
  assert.deepEqual(config.oauth2.allowedTopLevelClaims, []);
  assert.equal(config.oauth2.mirrorTopLevelClaims, true);
  assert.equal(config.oauth2.preserveExtClaims, false);
  assert.equal(config.oauth2.excludeNotBeforeClaim, false);
  assert.equal(config.oauth2.session.encryptAtRest, true);
  assert.equal(config.oauth2.clientCredentials.defaultGrantAllowedScope, false);
  assert.equal(config.oauth2.tokenHook, undefined);
  assert.equal(config.oauth2.refreshTokenHook, undefined);
  assert.equal(config.oauth2.hookTimeout, 5_000);
});

test('a Hydra config file: claim keys, and each hook as a URL string or as an object with api_key auth', () => {
  const config = loadConfig({
    file: yaml(`
strategies:
  jwt:
    scope_claim: both
oauth2:
  allowed_top_level_claims: [username, email]
  mirror_top_level_claims: false
  preserve_ext_claims: true
  exclude_not_before_claim: true
  session:
    encrypt_at_rest: false
  client_credentials:
    default_grant_allowed_scope: true
  refresh_token_hook: https://hooks.example/refresh
  token_hook:
    url: https://hooks.example/token
    auth:
      type: api_key
      config:
        name: Authorization
        value: Basic dXNlcjpwYXNz
        in: header
`),
    env: {},
  });
  assert.equal(config.strategies.jwt.scopeClaim, 'both');
  assert.deepEqual(config.oauth2.allowedTopLevelClaims, ['username', 'email']);
  assert.equal(config.oauth2.mirrorTopLevelClaims, false);
  assert.equal(config.oauth2.preserveExtClaims, true);
  assert.equal(config.oauth2.excludeNotBeforeClaim, true);
  assert.equal(config.oauth2.session.encryptAtRest, false);
  assert.equal(config.oauth2.clientCredentials.defaultGrantAllowedScope, true);
  assert.deepEqual(config.oauth2.refreshTokenHook, { url: 'https://hooks.example/refresh' });
  assert.deepEqual(config.oauth2.tokenHook, {
    url: 'https://hooks.example/token',
    auth: { type: 'api_key', name: 'Authorization', value: 'Basic dXNlcjpwYXNz', in: 'header' },
  });
});

test('hooks from the environment, in either spelling, with a cookie credential and a timeout', () => {
  const config = loadConfig({
    env: {
      OAUTH2_TOKEN_HOOK: 'http://hooks.internal:8080/token',
      OAUTH2_TOKEN_HOOK_AUTH_TYPE: 'api_key',
      OAUTH2_TOKEN_HOOK_AUTH_CONFIG_NAME: 'hook_session',
      OAUTH2_TOKEN_HOOK_AUTH_CONFIG_VALUE: 's3cret',
      OAUTH2_TOKEN_HOOK_AUTH_CONFIG_IN: 'cookie',
      OAUTH2_REFRESH_TOKEN_HOOK_URL: 'https://hooks.example/refresh',
      OAUTH2_HOOKS_TIMEOUT: '2500ms',
    },
  });
  assert.deepEqual(config.oauth2.tokenHook, { url: 'http://hooks.internal:8080/token', auth: { type: 'api_key', name: 'hook_session', value: 's3cret', in: 'cookie' } });
  assert.deepEqual(config.oauth2.refreshTokenHook, { url: 'https://hooks.example/refresh' });
  assert.equal(config.oauth2.hookTimeout, 2_500);
});

test('refused at start, naming the key: bad scope_claim, bad hook URL, unsupported auth, auth without in or url, timeout out of range', () => {
  rejects({ STRATEGIES_JWT_SCOPE_CLAIM: 'array' }, /strategies\.jwt\.scope_claim .*list, string, both/);
  rejects({ OAUTH2_TOKEN_HOOK: 'not a url' }, /oauth2\.token_hook .*absolute http\(s\) URL/);
  rejects({ OAUTH2_REFRESH_TOKEN_HOOK: 'ftp://hooks.example/' }, /oauth2\.refresh_token_hook .*absolute http\(s\) URL/);
  rejects({ OAUTH2_TOKEN_HOOK: 'https://a.example/', OAUTH2_TOKEN_HOOK_URL: 'https://b.example/' }, /name different URLs/);
  const auth = { OAUTH2_TOKEN_HOOK: 'https://hooks.example/', OAUTH2_TOKEN_HOOK_AUTH_CONFIG_NAME: 'X-Key', OAUTH2_TOKEN_HOOK_AUTH_CONFIG_VALUE: 'v' };
  rejects({ ...auth, OAUTH2_TOKEN_HOOK_AUTH_TYPE: 'basic', OAUTH2_TOKEN_HOOK_AUTH_CONFIG_IN: 'header' }, /oauth2\.token_hook\.auth\.type .*api_key/);
  rejects({ ...auth, OAUTH2_TOKEN_HOOK_AUTH_TYPE: 'api_key' }, /oauth2\.token_hook\.auth\.config\.in .*header, cookie/);
  rejects({ OAUTH2_TOKEN_HOOK_AUTH_TYPE: 'api_key', OAUTH2_TOKEN_HOOK_AUTH_CONFIG_NAME: 'X-Key' }, /oauth2\.token_hook\.auth is set but oauth2\.token_hook\.url/);
  rejects({ OAUTH2_HOOKS_TIMEOUT: '30s' }, /oauth2\.hooks\.timeout .*at most 8s/);
  rejects({ OAUTH2_HOOKS_TIMEOUT: '0s' }, /oauth2\.hooks\.timeout/);
});
