/**
 * Hydra's JSON Web Key API end to end: `/admin/keys…` on the admin listener and
 * `/.well-known/jwks.json` on the public one, real HTTP into the gateway, real gRPC into core, a
 * real database of every available dialect. Bodies are checked against the schemas of Tessera's OpenAPI document (Hydra's).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { request } from 'undici';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { loadApiSchemas, type ApiSchemas } from './support/openapi.js';

type Expect = 'jsonWebKeySet' | 'jsonWebKey' | 'errorOAuth2' | 'empty';

/** Tessera's OpenAPI document, read from the first cluster's admin listener. */
let api: ApiSchemas | undefined;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** One call; the body is validated against the OpenAPI schema `expect` names. */
async function call(base: string, method: string, path: string, expect: Expect, body?: unknown): Promise<Answer> {
  const res = await request(new URL(path, base), {
    method: method as 'GET',
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
  });
  const text = await res.body.text();
  const parsed: unknown = text ? JSON.parse(text) : undefined;
  if (expect === 'empty') {
    assert.equal(text, '');
  } else {
    assert.match(String(res.headers['content-type']), /^application\/json/);
    if (!api) throw new Error('the API document is not loaded');
    const validate = api.schema(expect);
    assert.ok(validate(parsed), `${expect}: ${api.errorsText(validate)} in ${text}`);
  }
  if (expect === 'errorOAuth2') {
    assert.ok(res.statusCode >= 400, `expected an error, got ${res.statusCode}: ${text}`);
    assert.equal((parsed as { status_code: number }).status_code, res.statusCode);
  }
  return { status: res.statusCode, headers: res.headers, body: parsed };
}

const keysOf = (body: unknown): JWK[] => (body as { keys: JWK[] }).keys;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

for (const db of testDatabases()) {
  describe(`JSON Web Key API on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let admin = '';
    let pub = '';

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn });
      admin = cluster.adminUrl;
      pub = cluster.publicUrl;
      api ??= await loadApiSchemas(admin);
    });
    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    test('/.well-known/jwks.json serves the default signing keys, public parts only, briefly cacheable', async () => {
      const res = await call(pub, 'GET', '/.well-known/jwks.json', 'jsonWebKeySet');
      assert.equal(res.status, 200);
      assert.equal(res.headers['cache-control'], 'public, max-age=60');
      const keys = keysOf(res.body);
      assert.equal(keys.length, 2, 'one key per default set, created at start');
      for (const key of keys) {
        assert.equal(key.alg, 'RS256');
        for (const member of PRIVATE_MEMBERS) assert.equal(member in key, false, `${member} must not be published`);
      }
      // Only on the public listener, and the admin keys API only on the admin one.
      assert.equal((await call(admin, 'GET', '/.well-known/jwks.json', 'errorOAuth2')).status, 404);
      assert.equal((await call(pub, 'GET', '/admin/keys/hydra.openid.id-token', 'errorOAuth2')).status, 404);
    });

    test('a JWT signed by the signing key verifies against the served JWKS', async () => {
      const set = await call(admin, 'GET', '/admin/keys/hydra.openid.id-token', 'jsonWebKeySet');
      const [signing] = keysOf(set.body);
      assert.ok(signing && typeof signing.d === 'string', 'the admin API returns private keys, as Hydra does');
      const token = await new SignJWT({ sub: 'alice' })
        .setProtectedHeader({ alg: signing.alg ?? '', kid: signing.kid ?? '' })
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(await importJWK(signing, signing.alg));
      const served = await call(pub, 'GET', '/.well-known/jwks.json', 'jsonWebKeySet');
      const { payload } = await jwtVerify(token, createLocalJWKSet(served.body as { keys: JWK[] }));
      assert.equal(payload.sub, 'alice');
    });

    test('create adds a key to the set, returns it with private parts, and publishes it at once', async () => {
      const created = await call(admin, 'POST', '/admin/keys/hydra.jwt.access-token', 'jsonWebKeySet', { alg: 'ES256', use: 'sig', kid: 'rotated-at' });
      assert.equal(created.status, 201);
      assert.equal(created.headers.location, '/admin/keys/hydra.jwt.access-token');
      const [key] = keysOf(created.body);
      assert.equal(key?.kid, 'rotated-at');
      assert.equal(typeof key?.d, 'string');

      const set = keysOf((await call(admin, 'GET', '/admin/keys/hydra.jwt.access-token', 'jsonWebKeySet')).body);
      assert.equal(set.length, 2, 'the older key is kept so its tokens still verify');
      assert.equal(set[0]?.kid, 'rotated-at', 'newest first: it signs');
      const published = keysOf((await call(pub, 'GET', '/.well-known/jwks.json', 'jsonWebKeySet')).body);
      assert.ok(published.some((k) => k.kid === 'rotated-at' && !('d' in k)));

      const noKid = await call(admin, 'POST', '/admin/keys/custom', 'jsonWebKeySet', { alg: 'EdDSA', use: 'sig' });
      assert.equal(noKid.status, 201);
      assert.match(keysOf(noKid.body)[0]?.kid ?? '', /^[0-9a-f-]{36}$/);
    });

    test('bad create bodies are 400 naming what is wrong; a duplicate kid is 409', async () => {
      // Hydra's jwk.ErrUnsupportedKeyAlgorithm.
      const badAlg = await call(admin, 'POST', '/admin/keys/custom', 'errorOAuth2', { alg: 'XS256', use: 'sig' });
      assert.equal(badAlg.status, 400);
      assert.equal((badAlg.body as { error_description: string }).error_description, 'Unsupported key algorithm');
      const badUse = await call(admin, 'POST', '/admin/keys/custom', 'errorOAuth2', { alg: 'RS256', use: 'wrap' });
      assert.equal(badUse.status, 400);
      assert.match(String((badUse.body as { error_description: string }).error_description), /use/);
      await call(admin, 'POST', '/admin/keys/custom', 'jsonWebKeySet', { alg: 'ES512', use: 'sig', kid: 'twice' });
      const dup = await call(admin, 'POST', '/admin/keys/custom', 'errorOAuth2', { alg: 'ES512', use: 'sig', kid: 'twice' });
      assert.equal(dup.status, 409);
    });

    test('get key, put set, put key, delete key and set; unknown ones are 404, deleting them 204', async () => {
      const one = await call(admin, 'GET', '/admin/keys/custom/twice', 'jsonWebKeySet');
      assert.equal(keysOf(one.body).length, 1);
      assert.equal((await call(admin, 'GET', '/admin/keys/custom/nope', 'errorOAuth2')).status, 404);
      assert.equal((await call(admin, 'GET', '/admin/keys/no-such-set', 'errorOAuth2')).status, 404);

      const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
      const mine = { ...(await exportJWK(privateKey)), kid: 'mine', alg: 'RS256', use: 'sig' };
      const theirs = { ...(await exportJWK(publicKey)), kid: 'theirs', alg: 'RS256', use: 'sig' };
      const replaced = await call(admin, 'PUT', '/admin/keys/imported', 'jsonWebKeySet', { keys: [mine, theirs] });
      assert.equal(replaced.status, 200);
      assert.deepEqual(keysOf((await call(admin, 'GET', '/admin/keys/imported', 'jsonWebKeySet')).body).map((k) => k.kid), ['mine', 'theirs']);
      const invalid = await call(admin, 'PUT', '/admin/keys/imported', 'errorOAuth2', { keys: [{ ...theirs, n: 'AAAA', e: '' }] });
      assert.equal(invalid.status, 400);
      assert.match(String((invalid.body as { error_description: string }).error_description), /keys\[0\]/);
      assert.equal((await call(admin, 'PUT', '/admin/keys/imported', 'errorOAuth2', { nope: true })).status, 400);

      // Hydra keys the update by the body's kid; the path's is ignored.
      const put = await call(admin, 'PUT', '/admin/keys/imported/ignored', 'jsonWebKey', { ...theirs, use: 'enc' });
      assert.equal(put.status, 200);
      assert.equal((put.body as JWK).kid, 'theirs');
      assert.equal(keysOf((await call(admin, 'GET', '/admin/keys/imported/theirs', 'jsonWebKeySet')).body)[0]?.use, 'enc');
      assert.equal((await call(admin, 'PUT', '/admin/keys/imported/x', 'errorOAuth2', { kty: 'RSA' })).status, 400);

      assert.equal((await call(admin, 'DELETE', '/admin/keys/imported/mine', 'empty')).status, 204);
      // Hydra's deletes are idempotent.
      assert.equal((await call(admin, 'DELETE', '/admin/keys/imported/mine', 'empty')).status, 204);
      assert.equal((await call(admin, 'DELETE', '/admin/keys/imported', 'empty')).status, 204);
      assert.equal((await call(admin, 'DELETE', '/admin/keys/imported', 'empty')).status, 204);
      assert.equal((await call(admin, 'GET', '/admin/keys/imported', 'errorOAuth2')).status, 404);
    });
  });
}
