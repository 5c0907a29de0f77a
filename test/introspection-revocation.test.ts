/**
 * Introspection (RFC 7662), revocation (RFC 7009) and the rotations that must not break issued
 * tokens: client secrets, signing keys and the system secret. Real HTTP into the gateway, real
 * gRPC into core (also called directly, as internal services do), a real database of every
 * available dialect. The cluster's default strategy is opaque; JWT clients opt in per client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { credentials } from '@grpc/grpc-js';
import { decodeProtectedHeader } from 'jose';
import { IntrospectionServiceClient, type IntrospectResponse } from '../proto/gen/tessera/v1/introspection.js';
import { gatewayMetadata, startCluster, TEST_SYSTEM_SECRET, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { adminCall, basic, clientCredentials, createClient, introspect, mintToken, postForm } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';
const ACCESS_TOKEN_SET = 'hydra.jwt.access-token';
const NEW_SYSTEM_SECRET = 'a-brand-new-system-secret-0123456789';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Flips one character of the signature part, keeping the token well formed. */
function tamper(token: string): string {
  const last = token.at(-2) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -2)}${last}${token.slice(-1)}`;
}

function grpcIntrospect(address: string, token: string, scope = ''): Promise<IntrospectResponse> {
  const client = new IntrospectionServiceClient(address, credentials.createInsecure());
  return new Promise<IntrospectResponse>((resolve, reject) =>
    client.introspect({ token, scope }, gatewayMetadata(), (err, res) => {
      client.close();
      if (err) reject(err);
      else resolve(res);
    }),
  );
}

async function isActive(admin: string, token: string): Promise<boolean> {
  const res = await introspect(admin, token);
  assert.equal(res.status, 200, res.text);
  return res.body.active === true;
}

for (const db of testDatabases()) {
  describe(`introspection, revocation and rotation on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let admin = '';
    let pub = '';

    const start = async (secrets: string) => {
      if (!database) throw new Error('no database');
      cluster = await startCluster({ dsn: database.dsn, env: { URLS_SELF_ISSUER: ISSUER, SECRETS_SYSTEM: secrets } });
      admin = cluster.adminUrl;
      pub = cluster.publicUrl;
    };

    const stop = async () => {
      const running = cluster;
      cluster = undefined;
      await running?.close();
    };

    before(async () => {
      database = await db.create();
      await start(TEST_SYSTEM_SECRET);
    });
    after(async () => {
      await stop();
      await database?.drop();
    });

    const confidential = (doc: Record<string, unknown> = {}) =>
      createClient(admin, { grant_types: ['client_credentials'], scope: 'read write', audience: ['https://api.test'], ...doc });

    test('an active token introspects over HTTP and over gRPC with its claims', async () => {
      const client = await confidential();
      const token = await mintToken(pub, client.client_id, client.client_secret, [
        ['scope', 'read write'],
        ['audience', 'https://api.test'],
      ]);
      const res = await introspect(admin, token);
      assert.equal(res.status, 200, res.text);
      const now = Math.floor(Date.now() / 1000);
      const { exp, iat, nbf, ...rest } = res.body;
      assert.deepEqual(rest, {
        active: true,
        scope: 'read write',
        client_id: client.client_id,
        sub: client.client_id,
        aud: ['https://api.test'],
        iss: ISSUER,
        token_type: 'Bearer',
        token_use: 'access_token',
        ext: {},
      });
      assert.ok(typeof iat === 'number' && Math.abs(iat - now) <= 5);
      assert.equal(nbf, iat);
      assert.equal(exp, (iat as number) + 3600);

      const direct = await grpcIntrospect(cluster?.grpcAddress ?? '', token);
      assert.equal(direct.active, true);
      assert.equal(direct.client_id, client.client_id);
      assert.equal(direct.scope, 'read write');
      assert.equal(direct.exp, exp);
      assert.equal((await grpcIntrospect(cluster?.grpcAddress ?? '', tamper(token))).active, false);
    });

    test('the scope parameter narrows: a token lacking a scope is inactive for it', async () => {
      const client = await confidential();
      const token = await mintToken(pub, client.client_id, client.client_secret, [['scope', 'read']]);
      assert.equal((await introspect(admin, token, 'read')).body.active, true);
      assert.deepEqual((await introspect(admin, token, 'read write')).body, { active: false });
      assert.equal((await grpcIntrospect(cluster?.grpcAddress ?? '', token, 'write')).active, false);
    });

    test('expired, garbage and tampered tokens are active:false, not errors', async () => {
      const client = await confidential();
      const put = await adminCall(admin, 'PUT', `/admin/clients/${client.client_id}/lifespans`, {
        client_credentials_grant_access_token_lifespan: '1s',
      });
      assert.equal(put.status, 200, put.text);
      const shortLived = await mintToken(pub, client.client_id, client.client_secret);
      assert.equal(await isActive(admin, shortLived), true);

      const other = await confidential();
      const token = await mintToken(pub, other.client_id, other.client_secret);
      const jwtClient = await confidential({ access_token_strategy: 'jwt' });
      const jwt = await mintToken(pub, jwtClient.client_id, jwtClient.client_secret);
      const [header, payload, signature] = jwt.split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<string, unknown>;
      const widened = Buffer.from(JSON.stringify({ ...claims, scp: ['read', 'write', 'admin'] })).toString('base64url');
      for (const bad of [
        'garbage',
        'ory_at_garbage.garbage',
        tamper(token),
        token.replace('ory_at_', 'ory_rt_'),
        `${header}.${widened}.${signature}`,
        tamper(jwt),
        'x'.repeat(20_000),
      ]) {
        const res = await introspect(admin, bad);
        assert.equal(res.status, 200, res.text);
        assert.deepEqual(res.body, { active: false }, bad.slice(0, 40));
        assert.equal((await grpcIntrospect(cluster?.grpcAddress ?? '', bad)).active, false);
      }
      assert.equal(await isActive(admin, jwt), true);

      await sleep(2_100);
      assert.deepEqual((await introspect(admin, shortLived)).body, { active: false });
      assert.equal((await grpcIntrospect(cluster?.grpcAddress ?? '', shortLived)).active, false);
      assert.equal(await isActive(admin, token), true);
    });

    test('revocation (RFC 7009): unknown token 200, another client refused, own token then inactive', async () => {
      const alice = await confidential();
      const bob = await confidential({ token_endpoint_auth_method: 'client_secret_post' });
      const aliceToken = await mintToken(pub, alice.client_id, alice.client_secret);
      const bobToken = String(
        (
          await postForm(pub, '/oauth2/token', [
            ['grant_type', 'client_credentials'],
            ['client_id', bob.client_id],
            ['client_secret', bob.client_secret],
          ])
        ).body.access_token,
      );

      const unknown = await postForm(pub, '/oauth2/revoke', [['token', 'ory_at_never-issued.nope']], basic(alice.client_id, alice.client_secret));
      assert.equal(unknown.status, 200, unknown.text);

      const foreign = await postForm(pub, '/oauth2/revoke', [['token', bobToken]], basic(alice.client_id, alice.client_secret));
      assert.equal(foreign.status, 400, foreign.text);
      assert.equal(foreign.body.error, 'unauthorized_client');
      assert.equal(await isActive(admin, bobToken), true);

      const wrongSecret = await postForm(pub, '/oauth2/revoke', [['token', aliceToken]], basic(alice.client_id, 'wrong-secret'));
      assert.equal(wrongSecret.status, 401, wrongSecret.text);
      assert.match(String(wrongSecret.headers['www-authenticate']), /^Basic /);
      assert.equal(await isActive(admin, aliceToken), true);

      const own = await postForm(pub, '/oauth2/revoke', [['token', aliceToken]], basic(alice.client_id, alice.client_secret));
      assert.equal(own.status, 200, own.text);
      assert.equal(await isActive(admin, aliceToken), false);
      const again = await postForm(pub, '/oauth2/revoke', [['token', aliceToken]], basic(alice.client_id, alice.client_secret));
      assert.equal(again.status, 200, again.text);

      const viaPost = await postForm(pub, '/oauth2/revoke', [
        ['token', bobToken],
        ['client_id', bob.client_id],
        ['client_secret', bob.client_secret],
      ]);
      assert.equal(viaPost.status, 200, viaPost.text);
      assert.equal(await isActive(admin, bobToken), false);
    });

    test('DELETE /admin/oauth2/tokens?client_id= deactivates every token of that client only', async () => {
      const target = await confidential();
      const bystander = await confidential();
      const jwtTarget = await confidential({ access_token_strategy: 'jwt' });
      const tokens = [await mintToken(pub, target.client_id, target.client_secret), await mintToken(pub, target.client_id, target.client_secret)];
      const jwt = await mintToken(pub, jwtTarget.client_id, jwtTarget.client_secret);
      const kept = await mintToken(pub, bystander.client_id, bystander.client_secret);

      for (const id of [target.client_id, jwtTarget.client_id]) {
        const res = await adminCall(admin, 'DELETE', `/admin/oauth2/tokens?client_id=${encodeURIComponent(id)}`);
        assert.equal(res.status, 204, res.text);
      }
      for (const token of [...tokens, jwt]) assert.equal(await isActive(admin, token), false);
      assert.equal(await isActive(admin, kept), true);

      const missing = await adminCall(admin, 'DELETE', '/admin/oauth2/tokens');
      assert.equal(missing.status, 400, missing.text);
      // The client can still get new tokens: only issued ones were revoked.
      assert.equal(await isActive(admin, await mintToken(pub, target.client_id, target.client_secret)), true);
    });

    test('client secret rotation: old and new secrets both work until the rotated ones are deleted', async () => {
      const client = await confidential();
      const rotated = await adminCall(admin, 'POST', `/admin/clients/${client.client_id}/secrets/rotate`);
      assert.equal(rotated.status, 200, rotated.text);
      const newSecret = String(rotated.body.client_secret);
      assert.ok(newSecret.length > 0 && newSecret !== client.client_secret);

      assert.equal((await clientCredentials(pub, client.client_id, client.client_secret)).status, 200);
      assert.equal((await clientCredentials(pub, client.client_id, newSecret)).status, 200);

      const deleted = await adminCall(admin, 'DELETE', `/admin/clients/${client.client_id}/secrets/rotate`);
      assert.equal(deleted.status, 200, deleted.text);
      const old = await clientCredentials(pub, client.client_id, client.client_secret);
      assert.equal(old.status, 401, old.text);
      assert.equal(old.body.error, 'invalid_client');
      assert.equal((await clientCredentials(pub, client.client_id, newSecret)).status, 200);
    });

    test('signing key rotation: old JWTs stay valid until their key is deleted; new ones use the new kid', async () => {
      const client = await confidential({ access_token_strategy: 'jwt' });
      const before = await mintToken(pub, client.client_id, client.client_secret);
      const oldKid = decodeProtectedHeader(before).kid;
      assert.equal(typeof oldKid, 'string');

      const created = await adminCall(admin, 'POST', `/admin/keys/${ACCESS_TOKEN_SET}`, { alg: 'RS256', use: 'sig' });
      assert.equal(created.status, 201, created.text);
      const newKid = (created.body.keys as { kid: string }[])[0]?.kid;
      assert.ok(newKid && newKid !== oldKid);

      assert.equal(await isActive(admin, before), true);
      const after = await mintToken(pub, client.client_id, client.client_secret);
      assert.equal(decodeProtectedHeader(after).kid, newKid);
      const published = await adminCall(pub, 'GET', '/.well-known/jwks.json');
      const kids = (published.body.keys as { kid: string }[]).map((k) => k.kid);
      assert.ok(kids.includes(oldKid ?? '') && kids.includes(newKid), kids.join(','));

      const removed = await adminCall(admin, 'DELETE', `/admin/keys/${ACCESS_TOKEN_SET}/${oldKid ?? ''}`);
      assert.equal(removed.status, 204, removed.text);
      assert.equal(await isActive(admin, before), false);
      assert.equal(await isActive(admin, after), true);
    });

    // Last: it restarts the cluster.
    test('system secret rotation: tokens minted under [A] stay active after a restart with [B, A]', async () => {
      const client = await confidential();
      const jwtClient = await confidential({ access_token_strategy: 'jwt' });
      const opaque = await mintToken(pub, client.client_id, client.client_secret);
      const jwt = await mintToken(pub, jwtClient.client_id, jwtClient.client_secret);

      await stop();
      await start(`${NEW_SYSTEM_SECRET},${TEST_SYSTEM_SECRET}`);

      assert.equal(await isActive(admin, opaque), true);
      assert.equal(await isActive(admin, jwt), true);
      // New tokens are signed under B and verify too.
      const fresh = await mintToken(pub, client.client_id, client.client_secret);
      assert.notEqual(fresh, opaque);
      assert.equal(await isActive(admin, fresh), true);
      const revoked = await postForm(pub, '/oauth2/revoke', [['token', opaque]], basic(client.client_id, client.client_secret));
      assert.equal(revoked.status, 200, revoked.text);
      assert.equal(await isActive(admin, opaque), false);

      // Dropping A too early: the signing keys sealed under A cannot be opened, so core refuses
      // to start and names the setting, rather than failing every token later.
      await stop();
      await assert.rejects(start(NEW_SYSTEM_SECRET), /SECRETS_SYSTEM/);
    });
  });
}
