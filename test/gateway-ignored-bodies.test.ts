/**
 * Where Hydra's handler reads no request body, Tessera must not refuse one: Ory's SDK sends an
 * empty form to the logout accept and reject endpoints, and other clients send whatever their
 * HTTP library defaults to on a DELETE. With no core behind the gateway, a request that passed
 * the boundary answers 503 (core unreachable); one refused there answers 4xx.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { startGatewayWithoutCore } from './support/cluster.js';

type Gateway = Awaited<ReturnType<typeof startGatewayWithoutCore>>;

/** Every admin route whose Hydra handler reads no body (client/, jwk/, consent/ and oauth2/handler.go). */
const BODILESS_ADMIN_ROUTES: [method: 'PUT' | 'POST' | 'DELETE', path: string][] = [
  ['PUT', '/admin/oauth2/auth/requests/logout/accept?logout_challenge=c'],
  ['PUT', '/admin/oauth2/auth/requests/logout/reject?logout_challenge=c'],
  ['DELETE', '/admin/clients/some-client'],
  ['POST', '/admin/clients/some-client/secrets/rotate'],
  ['DELETE', '/admin/clients/some-client/secrets/rotate'],
  ['DELETE', '/admin/keys/some-set'],
  ['DELETE', '/admin/keys/some-set/some-kid'],
  ['DELETE', '/admin/oauth2/auth/sessions/consent?consent_request_id=x'],
  ['DELETE', '/admin/oauth2/auth/sessions/login?subject=alice'],
  ['DELETE', '/admin/oauth2/tokens?client_id=some-client'],
];

/** Bodies a client may send there: the SDK's empty form, and anything else. */
const BODIES: { contentType: string; body: string }[] = [
  { contentType: 'application/x-www-form-urlencoded', body: '' },
  { contentType: 'text/plain', body: 'ignored' },
  { contentType: 'application/json', body: '{not json' },
  { contentType: 'application/octet-stream', body: '\u0000\u0001' },
];

describe('bodies Hydra does not read', () => {
  let gw: Gateway;
  before(async () => {
    gw = await startGatewayWithoutCore();
  });
  after(() => gw.close());

  test('admin routes without a request body pass any body of any type on to core', async () => {
    for (const [method, path] of BODILESS_ADMIN_ROUTES) {
      for (const { contentType, body } of BODIES) {
        const res = await request(`${gw.adminUrl}${path}`, { method, body, headers: { 'content-type': contentType } });
        await res.body.dump();
        assert.equal(res.statusCode, 503, `${method} ${path} with ${contentType}: expected to reach core`);
      }
    }
  });

  test('POST /userinfo with a bearer token takes any body type (only a form is read, RFC 6750 §2.2)', async () => {
    for (const { contentType, body } of BODIES) {
      const res = await request(`${gw.publicUrl}/userinfo`, { method: 'POST', body, headers: { 'content-type': contentType, authorization: 'Bearer x' } });
      await res.body.dump();
      assert.equal(res.statusCode, 503, contentType);
    }
  });

  test('routes that read a JSON body still refuse a form with 415', async () => {
    for (const path of ['/admin/clients', '/admin/keys/some-set']) {
      const res = await request(`${gw.adminUrl}${path}`, { method: 'POST', body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      await res.body.dump();
      assert.equal(res.statusCode, 415, path);
    }
  });
});
