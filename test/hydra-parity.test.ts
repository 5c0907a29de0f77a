/**
 * What Hydra v2 actually does, where an app written for it notices (gateway + core + database):
 * - JSON bodies decode with Go's rules: `null` is the zero value (field and array element),
 *   unknown fields are ignored, a missing array is empty; a wrong type is 400 naming the field;
 * - error codes and texts are fosite's (invalid_state, insufficient_entropy, …), error redirects
 *   use fosite's current format (hint folded into error_description, no error_hint), admin 404
 *   bodies are Hydra's, and the debug detail shows only with `oauth2.expose_internal_errors`;
 * - consent revocation takes Hydra's three combinations of query parameters;
 * - keys of every algorithm Hydra's generator offers (plus HS* and RSA-OAEP) can be created, and
 *   `/.well-known/jwks.json` shows only public parts of asymmetric keys.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser, param } from './support/browser.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { adminCall, basic, createClient, introspect, postForm, type Answer } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';
const REDIRECT = 'https://app.example/cb';
const STATE = 'parity-state-0123456789';
const ENV = {
  URLS_SELF_ISSUER: ISSUER,
  URLS_LOGIN: 'https://login.test/login',
  URLS_CONSENT: 'https://login.test/consent',
  URLS_ERROR: 'https://login.test/error',
};

/** The parameters of an error redirect (query or fragment), all of them. */
function redirectParams(location: string): Record<string, string> {
  const url = new URL(location);
  return Object.fromEntries([...url.searchParams, ...new URLSearchParams(url.hash.slice(1))]);
}

/** An error redirect in fosite's current format: error, error_description, state; no legacy fields. */
function assertFositeError(location: string, error: string, description: string): void {
  const params = redirectParams(location);
  assert.equal(params.error, error, location);
  assert.equal(params.error_description, description, location);
  assert.equal(params.state, STATE);
  assert.equal('error_hint' in params, false, `no error_hint: ${location}`);
  assert.equal('error_debug' in params, false, `no error_debug: ${location}`);
}

const INVALID_REQUEST =
  'The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.';

for (const db of testDatabases()) {
  describe(`Hydra parity on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let admin = '';
    let pub = '';
    let client = { client_id: '', client_secret: '' };

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env: ENV });
      admin = cluster.adminUrl;
      pub = cluster.publicUrl;
      client = await createClient(admin, {
        redirect_uris: [REDIRECT],
        grant_types: ['authorization_code', 'implicit'],
        response_types: ['code', 'token', 'id_token token'],
        scope: 'openid profile',
      });
    });

    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    const browser = () => new Browser({ [new URL(ISSUER).origin]: pub });
    function authorizeUrl(params: Record<string, string>): URL {
      const url = new URL('/oauth2/auth', ISSUER);
      url.search = new URLSearchParams({ client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: STATE, ...params }).toString();
      return url;
    }
    const put = (path: string, body: unknown): Promise<Answer> => adminCall(admin, 'PUT', path, body);

    /** A login challenge of a fresh authorization in `b`. */
    async function loginChallenge(b: Browser, params: Record<string, string> = {}): Promise<string> {
      const hop = await b.go(authorizeUrl(params));
      const challenge = param(hop.location, 'login_challenge');
      assert.ok(challenge, `${hop.status} ${hop.location}`);
      return challenge;
    }

    describe('JSON bodies decode with Go semantics', () => {
      test('clients: null fields and elements are zero values, unknown fields are ignored, a missing array is empty', async () => {
        const created = await adminCall(admin, 'POST', '/admin/clients', {
          client_name: null,
          redirect_uris: [REDIRECT],
          contacts: null,
          audience: null,
          skip_consent: null,
          client_secret_expires_at: null,
          metadata: null,
          jwks: null,
          authorization_code_grant_access_token_lifespan: null,
          not_a_hydra_field: { anything: [1, 2] },
        });
        assert.equal(created.status, 201, created.text);
        assert.equal(created.body.client_name, '');
        assert.deepEqual(created.body.contacts, []);
        assert.deepEqual(created.body.audience, []);
        assert.deepEqual(created.body.post_logout_redirect_uris, [], 'absent: empty');
        assert.equal(created.body.skip_consent, false);
        assert.equal('not_a_hydra_field' in created.body, false);
        const id = String(created.body.client_id);

        const replaced = await put(`/admin/clients/${id}`, { ...created.body, client_name: 'named', contacts: [null, 'ops@example.com'], skip_consent: null, unknown: true });
        assert.equal(replaced.status, 200, replaced.text);
        assert.deepEqual(replaced.body.contacts, ['', 'ops@example.com'], 'a null element is the empty string, as in Go');

        const lifespans = await put(`/admin/clients/${id}/lifespans`, { authorization_code_grant_access_token_lifespan: null, implicit_grant_access_token_lifespan: '5m', unknown: 1 });
        assert.equal(lifespans.status, 200, lifespans.text);
        assert.equal(lifespans.body.implicit_grant_access_token_lifespan, '5m');
        assert.equal('authorization_code_grant_access_token_lifespan' in lifespans.body, false);
      });

      test('keys: null use and kid are zero values (sig, a generated kid); unknown fields are ignored', async () => {
        const created = await adminCall(admin, 'POST', '/admin/keys/go-json', { alg: 'ES256', use: null, kid: null, size: 256 });
        assert.equal(created.status, 201, created.text);
        const [key] = created.body.keys as Record<string, unknown>[];
        assert.equal(key?.use, 'sig');
        assert.match(String(key?.kid), /^[0-9a-f-]{36}$/);
      });

      test('login and consent: null everywhere is accepted; grant_scope [null] grants no scope, as in Hydra', async () => {
        const b = browser();
        const challenge = await loginChallenge(b);
        const accepted = await put(`/admin/oauth2/auth/requests/login/accept?login_challenge=${encodeURIComponent(challenge)}`, {
          subject: 'alice',
          remember: null,
          remember_for: null,
          acr: null,
          amr: [null],
          context: null,
          extend_session_lifespan: null,
          a_field_hydra_does_not_know: 'x',
        });
        assert.equal(accepted.status, 200, accepted.text);
        const consentChallenge = param((await b.go(String(accepted.body.redirect_to))).location, 'consent_challenge') ?? '';
        // What Ory's reference login app sends when the user unticks every scope.
        const granted = await put(`/admin/oauth2/auth/requests/consent/accept?consent_challenge=${encodeURIComponent(consentChallenge)}`, {
          grant_scope: [null],
          grant_access_token_audience: null,
          remember: null,
          remember_for: null,
          session: null,
          unknown: {},
        });
        assert.equal(granted.status, 200, granted.text);
        const back = await b.go(String(granted.body.redirect_to));
        const code = param(back.location, 'code');
        assert.ok(code, back.location);
        assert.equal(param(back.location, 'scope'), '');
        const tokens = await postForm(pub, '/oauth2/token', [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', REDIRECT]], basic(client.client_id, client.client_secret));
        assert.equal(tokens.status, 200, tokens.text);
        assert.equal(tokens.body.id_token, undefined, 'no openid scope was granted');
        const info = await introspect(admin, String(tokens.body.access_token));
        assert.equal(info.body.active, true);
        assert.equal(info.body.scope, '');
      });

      test('reject: null fields take Hydra\'s defaults (request_denied, 400)', async () => {
        const b = browser();
        const challenge = await loginChallenge(b);
        const rejected = await put(`/admin/oauth2/auth/requests/login/reject?login_challenge=${encodeURIComponent(challenge)}`, {
          error: null,
          error_description: null,
          error_hint: null,
          status_code: null,
          whatever: 1,
        });
        assert.equal(rejected.status, 200, rejected.text);
        const back = await b.go(String(rejected.body.redirect_to));
        assert.equal(redirectParams(back.location).error, 'request_denied');
      });

      test('a wrong type stays an error: 400 naming the field', async () => {
        const b = browser();
        const challenge = encodeURIComponent(await loginChallenge(b));
        const cases: [string, unknown, string][] = [
          [`/admin/oauth2/auth/requests/login/accept?login_challenge=${challenge}`, { subject: 'alice', remember_for: '3600' }, 'remember_for'],
          [`/admin/oauth2/auth/requests/login/accept?login_challenge=${challenge}`, { subject: 'alice', amr: 'pwd' }, 'amr'],
          [`/admin/oauth2/auth/requests/login/reject?login_challenge=${challenge}`, { status_code: '403' }, 'status_code'],
          [`/admin/oauth2/auth/requests/consent/accept?consent_challenge=${challenge}`, { grant_scope: 'openid' }, 'grant_scope'],
          [`/admin/oauth2/auth/requests/consent/accept?consent_challenge=${challenge}`, { grant_scope: [7] }, 'grant_scope[0]'],
          ['/admin/keys/typed', { alg: 256 }, 'alg'],
          ['/admin/clients', { client_secret_expires_at: '1' }, 'client_secret_expires_at'],
        ];
        for (const [path, body, field] of cases) {
          const res = await adminCall(admin, path.startsWith('/admin/oauth2') ? 'PUT' : 'POST', path, body);
          assert.equal(res.status, 400, `${path} ${JSON.stringify(body)}: ${res.text}`);
          assert.equal(res.body.error, 'invalid_request');
          assert.ok(String(res.body.error_description).includes(`"${field}"`), `${field}: ${res.text}`);
        }
      });
    });

    describe("fosite's error codes and texts", () => {
      test('a state shorter than 8 characters is invalid_state; a short nonce is insufficient_entropy', async () => {
        const shortState = await browser().go(authorizeUrl({ state: 'short' }));
        const params = redirectParams(shortState.location);
        assert.equal(params.error, 'invalid_state');
        assert.equal(
          params.error_description,
          "The state is missing or does not have enough characters and is therefore considered too weak. Request parameter 'state' must be at least be 8 characters long to ensure sufficient entropy.",
        );
        assert.equal(params.state, 'short');
        assert.equal('error_hint' in params, false);

        const shortNonce = await browser().go(authorizeUrl({ nonce: 'tiny' }));
        assertFositeError(
          shortNonce.location,
          'insufficient_entropy',
          "The request used a security parameter (e.g., anti-replay, anti-csrf) with insufficient entropy. Parameter 'nonce' is set but does not satisfy the minimum entropy of 8 characters.",
        );
      });

      test('an unknown response_mode is unsupported_response_mode; an unregistered scope names it', async () => {
        const mode = await browser().go(authorizeUrl({ response_mode: 'web_message' }));
        assertFositeError(
          mode.location,
          'unsupported_response_mode',
          "The authorization server does not support obtaining a response using this response mode. Request with unsupported response_mode 'web_message'.",
        );
        const scope = await browser().go(authorizeUrl({ scope: 'openid email' }));
        assertFositeError(scope.location, 'invalid_scope', "The requested scope is invalid, unknown, or malformed. The OAuth 2.0 Client is not allowed to request scope 'email'.");
      });

      test("prompt=none without a session is login_required with fosite's description, not a placeholder", async () => {
        const hop = await browser().go(authorizeUrl({ prompt: 'none' }));
        assertFositeError(
          hop.location,
          'login_required',
          "The Authorization Server requires End-User authentication. Prompt 'none' was requested, but no existing login session was found.",
        );
      });

      test('a rejection is sent on as the login app wrote it, the hint folded into the description', async () => {
        const b = browser();
        const challenge = await loginChallenge(b);
        const rejected = await put(`/admin/oauth2/auth/requests/login/reject?login_challenge=${encodeURIComponent(challenge)}`, {
          error: 'access_denied',
          error_description: 'The user said no.',
          error_hint: 'Try again later.',
          error_debug: 'internal detail',
          status_code: 403,
        });
        assertFositeError((await b.go(String(rejected.body.redirect_to))).location, 'access_denied', 'The user said no. Try again later.');
      });

      test("admin 404 bodies are Hydra's, word for word", async () => {
        const noRows = { error: 'Unable to locate the resource', error_description: '' };
        for (const [method, path, body] of [
          ['GET', '/admin/clients/no-such-client', undefined],
          ['PUT', '/admin/clients/no-such-client', { redirect_uris: [REDIRECT] }],
          ['PATCH', '/admin/clients/no-such-client', [{ op: 'replace', path: '/client_name', value: 'x' }]],
          ['DELETE', '/admin/clients/no-such-client', undefined],
          ['GET', '/admin/keys/hydra.openid.id-token/no-such-kid', undefined],
        ] as const) {
          const res = await adminCall(admin, method, path, body);
          assert.equal(res.status, 404, `${method} ${path}`);
          assert.deepEqual({ error: res.body.error, error_description: res.body.error_description }, noRows, `${method} ${path}: ${res.text}`);
        }
        const notFound = { error: 'Not Found', error_description: 'Unable to locate the requested resource' };
        for (const path of [
          '/admin/keys/no-such-set',
          '/admin/oauth2/auth/requests/login?login_challenge=forged',
          '/admin/oauth2/auth/requests/consent?consent_challenge=forged',
        ]) {
          const res = await adminCall(admin, 'GET', path);
          assert.equal(res.status, 404, path);
          assert.deepEqual({ error: res.body.error, error_description: res.body.error_description }, notFound, `${path}: ${res.text}`);
        }
        const missing = await adminCall(admin, 'GET', '/admin/oauth2/auth/requests/login');
        assert.equal(missing.status, 400);
        assert.equal(missing.body.error_description, `${INVALID_REQUEST} Query parameter 'challenge' is not defined but should have been.`);
      });
    });

    test('consent revocation: consent_request_id alone, subject with client, or subject with all; any other combination is 400', async () => {
      const revoke = (query: string) => adminCall(admin, 'DELETE', `/admin/oauth2/auth/sessions/consent?${query}`);
      for (const ok of ['consent_request_id=unknown', `subject=alice&client=${client.client_id}`, 'subject=alice&all=true']) {
        assert.equal((await revoke(ok)).status, 204, ok);
      }
      for (const bad of ['', 'subject=alice', `subject=alice&client=${client.client_id}&all=true`, 'consent_request_id=x&subject=alice', `client=${client.client_id}`]) {
        const res = await revoke(bad);
        assert.equal(res.status, 400, bad);
        assert.equal(res.body.error_description, `${INVALID_REQUEST} Invalid combination of query parameters.`, bad);
      }
    });

    test("keys of every algorithm of Hydra's generator, plus HS* and RSA-OAEP; jwks.json shows only public parts of asymmetric keys", async () => {
      const expected: Record<string, { kty: string; use: string }> = {
        RS256: { kty: 'RSA', use: 'sig' },
        RS384: { kty: 'RSA', use: 'sig' },
        RS512: { kty: 'RSA', use: 'sig' },
        PS256: { kty: 'RSA', use: 'sig' },
        PS384: { kty: 'RSA', use: 'sig' },
        PS512: { kty: 'RSA', use: 'sig' },
        ES256: { kty: 'EC', use: 'sig' },
        ES384: { kty: 'EC', use: 'sig' },
        ES512: { kty: 'EC', use: 'sig' },
        EdDSA: { kty: 'OKP', use: 'sig' },
        HS256: { kty: 'oct', use: 'sig' },
        HS384: { kty: 'oct', use: 'sig' },
        HS512: { kty: 'oct', use: 'sig' },
        'RSA-OAEP': { kty: 'RSA', use: 'enc' },
      };
      for (const [alg, want] of Object.entries(expected)) {
        // No `use`: Hydra's generator picks it.
        const res = await adminCall(admin, 'POST', '/admin/keys/every-alg', { alg, kid: `k-${alg}` });
        assert.equal(res.status, 201, `${alg}: ${res.text}`);
        const [key] = res.body.keys as Record<string, unknown>[];
        assert.deepEqual({ kty: key?.kty, use: key?.use, alg: key?.alg }, { ...want, alg }, alg);
        assert.equal(typeof (key?.kty === 'oct' ? key.k : key?.d), 'string', `${alg}: the admin API returns the private part`);
      }
      const unsupported = await adminCall(admin, 'POST', '/admin/keys/every-alg', { alg: 'none' });
      assert.equal(unsupported.status, 400);
      assert.deepEqual([unsupported.body.error, unsupported.body.error_description], ['Bad Request', 'Unsupported key algorithm']);

      // Keys in a published set: an HMAC secret set through PUT, an encryption key, a PS256 key.
      const oct = { kty: 'oct', k: Buffer.alloc(32, 9).toString('base64url'), kid: 'hmac-secret', alg: 'HS256', use: 'sig' };
      assert.equal((await put('/admin/keys/hydra.openid.id-token/hmac-secret', oct)).status, 200);
      for (const alg of ['RSA-OAEP', 'PS256']) assert.equal((await adminCall(admin, 'POST', '/admin/keys/hydra.openid.id-token', { alg, kid: `published-${alg}` })).status, 201);
      const jwks = await adminCall(pub, 'GET', '/.well-known/jwks.json');
      const published = jwks.body.keys as Record<string, unknown>[];
      assert.ok(published.some((k) => k.kid === 'published-PS256'));
      assert.ok(published.some((k) => k.kid === 'published-RSA-OAEP' && k.use === 'enc'));
      assert.equal(published.some((k) => k.kty === 'oct' || k.kid === 'hmac-secret'), false, 'an oct key is never published');
      for (const key of published) {
        for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal(key[member], undefined, `${String(key.kid)} publishes "${member}"`);
      }
    });
  });
}

describe('oauth2.expose_internal_errors', { skip: testDatabases()[0]?.available ? false : 'no database' }, () => {
  const clusters: Record<'hidden' | 'exposed', { cluster: Cluster; database: CreatedDatabase } | undefined> = { hidden: undefined, exposed: undefined };
  const [sqlite] = testDatabases();

  before(async () => {
    for (const [name, expose] of [['hidden', 'false'], ['exposed', 'true']] as const) {
      if (!sqlite) throw new Error('no database');
      const database = await sqlite.create();
      const cluster = await startCluster({ dsn: database.dsn, env: { ...ENV, OAUTH2_EXPOSE_INTERNAL_ERRORS: expose } });
      clusters[name] = { cluster, database };
    }
  });

  after(async () => {
    for (const entry of Object.values(clusters)) {
      await entry?.cluster.close();
      await entry?.database.drop();
    }
  });

  test('the debug detail is folded into error_description only when on, in redirects and in admin bodies; never error_debug', async () => {
    for (const [name, entry] of Object.entries(clusters)) {
      assert.ok(entry);
      const { publicUrl, adminUrl } = entry.cluster;
      // A public client without PKCE: fosite keeps which rule enforced it in the debug detail.
      const client = await createClient(adminUrl, { redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid' });
      const url = new URL('/oauth2/auth', ISSUER);
      url.search = new URLSearchParams({ client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: STATE }).toString();
      const hop = await new Browser({ [new URL(ISSUER).origin]: publicUrl }).go(url);
      const debug = 'The server is configured in a way that enforces PKCE for this client.';
      const hint = 'This client must include a code_challenge when performing the authorize code flow, but it is missing.';
      assertFositeError(hop.location, 'invalid_request', name === 'exposed' ? `${INVALID_REQUEST} ${hint} ${debug}` : `${INVALID_REQUEST} ${hint}`);

      const unknown = await adminCall(adminUrl, 'GET', '/admin/clients/no-such-client');
      assert.equal(unknown.body.error_description, name === 'exposed' ? 'The OAuth 2.0 client "no-such-client" does not exist.' : '');
      assert.equal('error_debug' in unknown.body, false);
    }
  });
});
