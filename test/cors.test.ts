/**
 * CORS as Hydra serves it, over real HTTP (gateway + core + database): the listeners'
 * `serve.public.cors` / `serve.admin.cors` (origins with wildcards, methods, headers, exposed
 * headers, credentials, max age), preflights, and a client's `allowed_cors_origins` on the token,
 * revocation, UserInfo, discovery and JWKS endpoints, decided in core. The browser side is in
 * test/e2e/spa-cors.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { startCluster, startGatewayWithoutCore, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { basic, createClient } from './support/oauth2.js';

const SPA = 'https://spa.example';
const LISTED = 'https://app.allowed.example';
const EVIL = 'https://evil.example';
const ADMIN_UI = 'https://admin.example';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
}

async function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const res = await request(url, { method: (init.method ?? 'GET') as 'GET', headers: init.headers ?? {}, body: init.body });
  await res.body.dump();
  return { status: res.statusCode, headers: res.headers };
}

const form = (pairs: Record<string, string>) => ({ 'content-type': 'application/x-www-form-urlencoded', body: new URLSearchParams(pairs).toString() });

/** Hydra's (rs/cors) headers on an answer the browser may read from `origin`. */
function assertReadableBy(answer: Answer, origin: string): void {
  assert.equal(answer.headers['access-control-allow-origin'], origin);
  assert.equal(answer.headers['access-control-allow-credentials'], 'true');
  assert.match(String(answer.headers.vary), /Origin/i);
}

function assertNotReadable(answer: Answer): void {
  assert.equal(answer.headers['access-control-allow-origin'], undefined);
  assert.equal(answer.headers['access-control-allow-credentials'], undefined);
}

test('CORS is off unless enabled: no headers, and a preflight is not answered', async () => {
  const gateway = await startGatewayWithoutCore();
  try {
    const base = gateway.publicUrl ?? '';
    assertNotReadable(await send(`${base}/health/alive`, { headers: { origin: SPA } }));
    const preflight = await send(`${base}/oauth2/token`, { method: 'OPTIONS', headers: { origin: SPA, 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 404);
    assertNotReadable(preflight);
  } finally {
    await gateway.close();
  }
});

for (const db of testDatabases()) {
  describe(`CORS on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let pub = '';
    let admin = '';
    let spa = { client_id: '', client_secret: '' };
    let other = { client_id: '', client_secret: '' };

    before(async () => {
      database = await db.create();
      cluster = await startCluster({
        dsn: database.dsn,
        env: {
          SERVE_PUBLIC_CORS_ENABLED: 'true',
          SERVE_PUBLIC_CORS_ALLOWED_ORIGINS: 'https://*.allowed.example',
          SERVE_ADMIN_CORS_ENABLED: 'true',
          SERVE_ADMIN_CORS_ALLOWED_ORIGINS: ADMIN_UI,
          SERVE_ADMIN_CORS_ALLOWED_METHODS: 'GET,POST,PUT',
          SERVE_ADMIN_CORS_MAX_AGE: '600',
          SERVE_ADMIN_CORS_ALLOW_CREDENTIALS: 'false',
        },
      });
      pub = cluster.publicUrl;
      admin = cluster.adminUrl;
      const doc = { grant_types: ['client_credentials'], scope: 'openid', token_endpoint_auth_method: 'client_secret_post' };
      spa = await createClient(admin, { ...doc, allowed_cors_origins: [SPA] });
      other = await createClient(admin, doc);
    });

    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    test("the listener's allowed_origins: a matching origin reads any public answer, others do not", async () => {
      const discovery = await send(`${pub}/.well-known/openid-configuration`, { headers: { origin: LISTED } });
      assert.equal(discovery.status, 200);
      assertReadableBy(discovery, LISTED);
      // Hydra's default exposed headers.
      assert.match(String(discovery.headers['access-control-expose-headers']), /Cache-Control.*Content-Type/);
      assertReadableBy(await send(`${pub}/health/alive`, { headers: { origin: 'https://deep.sub.allowed.example' } }), 'https://deep.sub.allowed.example');
      assertNotReadable(await send(`${pub}/health/alive`, { headers: { origin: EVIL } }));
      assertNotReadable(await send(`${pub}/health/alive`, { headers: { origin: 'https://allowed.example.evil.example' } }));
      assertNotReadable(await send(`${pub}/health/alive`));
    });

    test('preflights: answered for allowed origins with the asked method and headers, refused for others', async () => {
      const ask = (path: string, origin: string, method = 'GET', headers = 'authorization') =>
        send(`${pub}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });
      const ok = await ask('/health/ready', LISTED);
      assert.equal(ok.status, 204);
      assertReadableBy(ok, LISTED);
      assert.equal(ok.headers['access-control-allow-methods'], 'GET');
      assert.equal(ok.headers['access-control-allow-headers'], 'authorization');
      assert.equal(ok.headers['access-control-max-age'], undefined, 'max_age 0 sends none');
      // A header outside allowed_headers fails the preflight, as in rs/cors.
      assertNotReadable(await ask('/health/ready', LISTED, 'GET', 'x-custom'));
      assertNotReadable(await ask('/health/ready', EVIL));
      // Endpoints with per-client origins answer any preflight: it carries no credentials yet.
      const userinfo = await ask('/userinfo', SPA);
      assert.equal(userinfo.status, 204);
      assertReadableBy(userinfo, SPA);
    });

    test("the token endpoint: a client's allowed_cors_origins, by form client_id or HTTP Basic, errors too", async () => {
      const post = (origin: string, pairs: Record<string, string>, headers: Record<string, string> = {}) => {
        const { body, ...type } = form(pairs);
        return send(`${pub}/oauth2/token`, { method: 'POST', headers: { origin, ...type, ...headers }, body });
      };
      const byForm = await post(SPA, { grant_type: 'client_credentials', client_id: spa.client_id, client_secret: spa.client_secret });
      assert.equal(byForm.status, 200);
      assertReadableBy(byForm, SPA);
      const wrongSecret = await post(SPA, { grant_type: 'client_credentials', client_id: spa.client_id, client_secret: 'wrong-secret-0123456789' });
      assert.equal(wrongSecret.status, 401);
      assertReadableBy(wrongSecret, SPA);
      assertReadableBy(await post(SPA, { grant_type: 'client_credentials' }, basic(spa.client_id, spa.client_secret)), SPA);
      // The request itself is served; only the browser is not let read it.
      const foreign = await post(EVIL, { grant_type: 'client_credentials', client_id: spa.client_id, client_secret: spa.client_secret });
      assert.equal(foreign.status, 200);
      assertNotReadable(foreign);
      assertNotReadable(await post(SPA, { grant_type: 'client_credentials', client_id: other.client_id, client_secret: other.client_secret }));
      assertNotReadable(await post(SPA, { grant_type: 'client_credentials', client_id: 'no-such-client' }));
    });

    test('revocation, UserInfo, discovery and JWKS: the client of the form, Basic user or bearer token', async () => {
      const spaToken = await mintTokenPost(pub, spa);
      const otherToken = await mintTokenPost(pub, other);
      const revoke = await send(`${pub}/oauth2/revoke`, { method: 'POST', headers: { origin: SPA, ...typeOnly() }, body: new URLSearchParams({ token: 'unknown', client_id: spa.client_id, client_secret: spa.client_secret }).toString() });
      assert.equal(revoke.status, 200);
      assertReadableBy(revoke, SPA);
      // A client_credentials token has no user: 401, but the SPA may read why.
      const userinfo = await send(`${pub}/userinfo`, { headers: { origin: SPA, authorization: `Bearer ${spaToken}` } });
      assert.equal(userinfo.status, 401);
      assertReadableBy(userinfo, SPA);
      assertNotReadable(await send(`${pub}/userinfo`, { headers: { origin: SPA, authorization: `Bearer ${otherToken}` } }));
      assertNotReadable(await send(`${pub}/userinfo`, { headers: { origin: SPA, authorization: 'Bearer ory_at_not-a-token' } }));
      assertReadableBy(await send(`${pub}/.well-known/jwks.json`, { headers: { origin: SPA, authorization: `Bearer ${spaToken}` } }), SPA);
      // Without anything naming a client, only the listener's list counts.
      assertNotReadable(await send(`${pub}/.well-known/openid-configuration`, { headers: { origin: SPA } }));
      // A client's origins never open endpoints Hydra does not wrap (the authorization endpoint, health).
      assertNotReadable(await send(`${pub}/health/alive`, { headers: { origin: SPA, authorization: `Bearer ${spaToken}` } }));
    });

    test("the admin listener: its own list, methods and max_age; no client's origins, introspection included", async () => {
      const list = await send(`${admin}/admin/clients`, { headers: { origin: ADMIN_UI } });
      assert.equal(list.status, 200);
      assert.equal(list.headers['access-control-allow-origin'], ADMIN_UI);
      assert.equal(list.headers['access-control-allow-credentials'], undefined, 'allow_credentials false');
      const preflight = await send(`${admin}/admin/clients/x`, {
        method: 'OPTIONS',
        headers: { origin: ADMIN_UI, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'content-type' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], ADMIN_UI);
      assert.equal(preflight.headers['access-control-allow-methods'], 'PUT');
      assert.equal(preflight.headers['access-control-max-age'], '600');
      // DELETE is not in allowed_methods: neither its preflight nor the request itself is readable.
      assertNotReadable(await send(`${admin}/admin/clients/x`, { method: 'OPTIONS', headers: { origin: ADMIN_UI, 'access-control-request-method': 'DELETE' } }));
      assert.equal((await send(`${admin}/admin/clients/no-such`, { method: 'DELETE', headers: { origin: ADMIN_UI } })).headers['access-control-allow-origin'], undefined);
      const spaToken = await mintTokenPost(pub, spa);
      const introspect = await send(`${admin}/admin/oauth2/introspect`, { method: 'POST', headers: { origin: SPA, ...typeOnly() }, body: new URLSearchParams({ token: spaToken }).toString() });
      assert.equal(introspect.status, 200);
      assertNotReadable(introspect);
    });
  });
}

function typeOnly(): Record<string, string> {
  return { 'content-type': 'application/x-www-form-urlencoded' };
}

/** client_credentials with client_secret_post; the access token. */
async function mintTokenPost(pub: string, client: { client_id: string; client_secret: string }): Promise<string> {
  const res = await request(`${pub}/oauth2/token`, {
    method: 'POST',
    headers: typeOnly(),
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: client.client_id, client_secret: client.client_secret }).toString(),
  });
  const body = (await res.body.json()) as { access_token?: string };
  if (typeof body.access_token !== 'string') throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}
