/**
 * What the gateway decides alone, with no core behind it: health and version, Hydra-shaped
 * errors for unknown routes and bad bodies, and a retryable 503 when core is unreachable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { startGatewayWithoutCore } from './support/cluster.js';

type Gateway = Awaited<ReturnType<typeof startGatewayWithoutCore>>;

function assertHydraError(body: unknown, status: number, error: string): { error_description: string } {
  assert.equal(typeof body, 'object');
  const err = body as Record<string, unknown>;
  assert.equal(err.error, error);
  assert.equal(err.status_code, status);
  assert.equal(typeof err.error_description, 'string');
  assert.doesNotMatch(JSON.stringify(err), /at .*\.(ts|js):\d+/, 'no stack trace');
  return { error_description: String(err.error_description) };
}

describe('gateway without core', () => {
  let gw: Gateway;
  let admin: string;
  before(async () => {
    gw = await startGatewayWithoutCore();
    admin = gw.adminUrl ?? '';
  });
  after(() => gw.close());

  test('/health/alive and /version answer on both listeners', async () => {
    for (const base of [gw.publicUrl, gw.adminUrl]) {
      const alive = await request(`${base}/health/alive`);
      assert.equal(alive.statusCode, 200);
      assert.deepEqual(await alive.body.json(), { status: 'ok' });
      const version = await request(`${base}/version`);
      assert.equal(version.statusCode, 200);
      const { version: v } = (await version.body.json()) as { version: unknown };
      assert.match(String(v), /^\d+\.\d+\.\d+/);
    }
  });

  test('/health/ready is 503 with Hydra\'s errors map when core is down', async () => {
    for (const base of [gw.publicUrl, gw.adminUrl]) {
      const res = await request(`${base}/health/ready`);
      assert.equal(res.statusCode, 503);
      const body = (await res.body.json()) as { errors: Record<string, string> };
      assert.equal(typeof body.errors.core, 'string');
    }
  });

  test('an admin call while core is down is a retryable 503', async () => {
    const res = await request(`${admin}/admin/clients/abc`);
    assert.equal(res.statusCode, 503);
    assert.equal(res.headers['retry-after'], '5');
    assertHydraError(await res.body.json(), 503, 'temporarily_unavailable');
  });

  test('unknown routes are 404 in Hydra\'s error shape', async () => {
    const res = await request(`${admin}/nope`);
    assert.equal(res.statusCode, 404);
    assertHydraError(await res.body.json(), 404, 'not_found');
  });

  test('a request id is echoed back, a safe incoming one kept', async () => {
    const res = await request(`${admin}/health/alive`, { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(res.headers['x-request-id'], 'abc-123');
    await res.body.dump();
    const generated = await request(`${admin}/health/alive`, { headers: { 'x-request-id': 'bad id\u00e9' } });
    assert.match(String(generated.headers['x-request-id']), /^[0-9a-f-]{36}$/);
    await generated.body.dump();
  });

  describe('request bodies', () => {
    const post = (body: string, contentType = 'application/json') =>
      request(`${admin}/admin/clients`, { method: 'POST', body, headers: { 'content-type': contentType } });

    test('a non-JSON content type is 415', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const res = await post('client_name=x', type);
        assert.equal(res.statusCode, 415, type);
        assertHydraError(await res.body.json(), 415, 'invalid_request');
      }
    });

    test('malformed JSON is 400 saying the body is not valid JSON', async () => {
      const res = await post('{"client_name": ');
      assert.equal(res.statusCode, 400);
      const { error_description } = assertHydraError(await res.body.json(), 400, 'invalid_request');
      assert.match(error_description, /not valid JSON/);
    });

    test('a wrong-typed field is 400 naming the field', async () => {
      const cases: [string, RegExp][] = [
        ['{"client_name": 42}', /"client_name"/],
        ['{"redirect_uris": "https://a.example/cb"}', /"redirect_uris"/],
        ['{"redirect_uris": ["ok", 7]}', /"redirect_uris\[1\]"/],
        ['{"skip_consent": "yes"}', /"skip_consent"/],
        ['{"authorization_code_grant_access_token_lifespan": "soon"}', /"authorization_code_grant_access_token_lifespan"/],
        ['[1, 2]', /request body must be object/],
      ];
      for (const [body, field] of cases) {
        const res = await post(body);
        assert.equal(res.statusCode, 400, body);
        const { error_description } = assertHydraError(await res.body.json(), 400, 'invalid_request');
        assert.match(error_description, field, body);
      }
    });

    test('a body over 1 MiB is 413', async () => {
      const res = await post(JSON.stringify({ client_name: 'x'.repeat(1024 * 1024) }));
      assert.equal(res.statusCode, 413);
      assertHydraError(await res.body.json(), 413, 'invalid_request');
    });

    test('PATCH takes a JSON Patch array under either JSON media type', async () => {
      const patch = (body: string, type: string) =>
        request(`${admin}/admin/clients/abc`, { method: 'PATCH', body, headers: { 'content-type': type } });
      const bad = await patch('{"op":"replace"}', 'application/json-patch+json');
      assert.equal(bad.statusCode, 400);
      assertHydraError(await bad.body.json(), 400, 'invalid_request');
      const missingPath = await patch('[{"op":"replace","value":1}]', 'application/json');
      assert.equal(missingPath.statusCode, 400);
      assert.match(assertHydraError(await missingPath.body.json(), 400, 'invalid_request').error_description, /"\[0\]\.path"/);
      // Valid shape: passes the boundary, then fails only because core is down.
      const ok = await patch('[{"op":"replace","path":"/client_name","value":"n"}]', 'application/json-patch+json');
      assert.equal(ok.statusCode, 503);
      await ok.body.dump();
    });
  });
});
