/**
 * Client authentication hardening (issue 9 §4), over real HTTP into the gateway and real gRPC
 * into core, on every available database:
 * - a failed authentication never names the client's registered method, and an unknown client,
 *   a wrong secret and a wrong method read the same;
 * - an unknown client costs the same hashing work as a wrong secret (median response times);
 * - private_key_jwt: `aud` is the issuer or the token endpoint and nothing else, `exp` at most an
 *   hour ahead, `iat` not in the future beyond the clock skew;
 * - jwks_uri fetches stream with a size cap and never echo response bytes or addresses;
 * - `clients.http.disallow_private_ip_ranges` checked on the resolved address, with
 *   `clients.http.private_ip_exception_urls` as exact exceptions.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { startCluster, unusedPort, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { clientCredentials, createClient, postForm, type Answer } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';
const TOKEN_ENDPOINT = 'https://tessera.test/oauth2/token';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const METHOD_NAMES = /client_secret_basic|client_secret_post|private_key_jwt|"none"|method "|registered for token_endpoint_auth_method/;
// PBKDF2 work high enough that one verification clearly stands out from a database lookup.
const ITERATIONS = '200000';

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;
interface ClientKey {
  pair: KeyPair;
  jwk: JWK;
}

async function clientKey(): Promise<ClientKey> {
  const pair = await generateKeyPair('ES256');
  return { pair, jwk: { ...(await exportJWK(pair.publicKey)), kid: randomUUID(), alg: 'ES256', use: 'sig' } };
}

/** A client assertion (RFC 7523 §3); times in seconds relative to now. */
function assertion(key: ClientKey, clientId: string, opts: { audience?: string | string[]; expiresIn?: number; issuedIn?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: key.jwk.kid ?? '' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(opts.audience ?? TOKEN_ENDPOINT)
    .setExpirationTime(now + (opts.expiresIn ?? 300));
  if (opts.issuedIn !== undefined) jwt.setIssuedAt(now + opts.issuedIn);
  return jwt.sign(key.pair.privateKey);
}

const withAssertion = (jwt: string): [string, string][] => [
  ['grant_type', 'client_credentials'],
  ['client_assertion_type', ASSERTION_TYPE],
  ['client_assertion', jwt],
];

function invalidClient(res: Answer): void {
  assert.equal(res.status, 401, res.text);
  assert.equal(res.body.error, 'invalid_client', res.text);
  assert.doesNotMatch(res.text, METHOD_NAMES, 'the registered method is never named');
}

/** A server standing in for clients' jwks_uri and for internal services. */
async function jwksHost(keys: () => JWK[]): Promise<{ server: Server; base: string }> {
  const server = createServer((req, res) => {
    switch (req.url) {
      case '/jwks.json':
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: keys() }));
      case '/metrics':
        // Looks like core's own /metrics: none of it may come back in an error.
        return res.writeHead(200, { 'content-type': 'text/plain' }).end('# HELP internal_secret_total A value from the inside.\ninternal_secret_total 42\n');
      case '/error':
        return res.writeHead(500, { 'content-type': 'text/plain' }).end('internal stack trace at 10.1.2.3');
      case '/endless': {
        // Never ends: only a reader that stops at its cap gets an answer.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"keys":[');
        const chunk = `${JSON.stringify({ kty: 'oct', k: 'x'.repeat(4000) })},`;
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
        return;
      }
      default:
        return res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, base: `http://127.0.0.1:${address.port}` };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

for (const db of testDatabases()) {
  describe(`client authentication on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let host: { server: Server; base: string } | undefined;
    let served: JWK[] = [];
    let pub = '';
    let admin = '';

    before(async () => {
      host = await jwksHost(() => served);
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env: { URLS_SELF_ISSUER: ISSUER, OAUTH2_HASHERS_PBKDF2_ITERATIONS: ITERATIONS } });
      pub = cluster.publicUrl;
      admin = cluster.adminUrl;
    });
    after(async () => {
      host?.server.closeAllConnections();
      host?.server.close();
      await cluster?.close();
      await database?.drop();
    });

    const newClient = (doc: Record<string, unknown> = {}) => createClient(admin, { grant_types: ['client_credentials'], scope: 'read', ...doc });

    test('a failed authentication reads the same for an unknown client, a wrong secret and a wrong method, and never names the method', async () => {
      const basicClient = await newClient();
      const postClient = await newClient({ token_endpoint_auth_method: 'client_secret_post' });
      const keyClient = await newClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [(await clientKey()).jwk] } });
      const publicClient = await createClient(admin, { grant_types: ['authorization_code'], redirect_uris: ['https://app.test/cb'], token_endpoint_auth_method: 'none' });

      const failures = [
        await clientCredentials(pub, `unknown-${randomUUID()}`, 'whatever'),
        await clientCredentials(pub, basicClient.client_id, 'not-the-secret'),
        await clientCredentials(pub, postClient.client_id, postClient.client_secret),
        await clientCredentials(pub, keyClient.client_id, 'a-secret'),
        await clientCredentials(pub, publicClient.client_id, 'a-secret'),
        await postForm(pub, '/oauth2/token', [['grant_type', 'client_credentials'], ['client_id', basicClient.client_id], ['client_secret', basicClient.client_secret]]),
        await postForm(pub, '/oauth2/token', [['grant_type', 'client_credentials'], ['client_id', basicClient.client_id]]),
        await postForm(pub, '/oauth2/token', withAssertion(await assertion(await clientKey(), basicClient.client_id))),
        await postForm(pub, '/oauth2/token', withAssertion(await assertion(await clientKey(), `unknown-${randomUUID()}`))),
      ];
      for (const res of failures) invalidClient(res);
      assert.equal(new Set(failures.map((res) => res.text)).size, 1, failures.map((res) => res.text).join('\n'));
    });

    test('an unknown client costs the same hashing work as a wrong secret', async (t) => {
      const client = await newClient();
      const elapsed = async (id: string) => {
        const started = performance.now();
        invalidClient(await clientCredentials(pub, id, 'not-the-secret'));
        return performance.now() - started;
      };
      const unknown: number[] = [];
      const wrong: number[] = [];
      // Interleaved, so load on the machine hits both series alike.
      for (let i = 0; i < 9; i += 1) {
        unknown.push(await elapsed(`unknown-${randomUUID()}`));
        wrong.push(await elapsed(client.client_id));
      }
      const [u, w] = [median(unknown), median(wrong)];
      t.diagnostic(`median of 9: unknown client ${u.toFixed(1)} ms, wrong secret ${w.toFixed(1)} ms`);
      assert.ok(w > 15, `a wrong secret costs a PBKDF2 run (${w.toFixed(1)} ms)`);
      assert.ok(u > w * 0.5, `unknown client ${u.toFixed(1)} ms vs wrong secret ${w.toFixed(1)} ms`);
    });

    test('private_key_jwt: aud is the issuer or the token endpoint and nothing else', async () => {
      const key = await clientKey();
      const client = await newClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
      for (const audience of [TOKEN_ENDPOINT, ISSUER, ISSUER.replace(/\/$/, ''), [ISSUER, TOKEN_ENDPOINT]]) {
        const res = await postForm(pub, '/oauth2/token', withAssertion(await assertion(key, client.client_id, { audience })));
        assert.equal(res.status, 200, `${JSON.stringify(audience)}: ${res.text}`);
      }
      for (const audience of [[TOKEN_ENDPOINT, 'https://other-as.example/token'], ['https://other-as.example/token'], []]) {
        const res = await postForm(pub, '/oauth2/token', withAssertion(await assertion(key, client.client_id, { audience })));
        invalidClient(res);
      }
    });

    test('private_key_jwt: exp at most an hour ahead, iat not in the future beyond the clock skew', async () => {
      const key = await clientKey();
      const client = await newClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.jwk] } });
      const token = async (opts: Parameters<typeof assertion>[2]) => postForm(pub, '/oauth2/token', withAssertion(await assertion(key, client.client_id, opts)));
      assert.equal((await token({ expiresIn: 55 * 60, issuedIn: 0 })).status, 200);
      assert.equal((await token({ expiresIn: 300, issuedIn: 20 })).status, 200, 'a few seconds of clock skew are fine');
      const farExp = await token({ expiresIn: 24 * 3600 });
      invalidClient(farExp);
      assert.match(String(farExp.body.error_description), /exp/);
      const futureIat = await token({ expiresIn: 3000, issuedIn: 1800 });
      invalidClient(futureIat);
      assert.match(String(futureIat.body.error_description), /iat/);
    });

    test('jwks_uri: streamed with a size cap; errors never echo response bytes or addresses', async () => {
      const base = host?.base ?? assert.fail('no jwks host');
      const deadPort = await unusedPort();
      const cases: [uri: string, hint: RegExp][] = [
        [`${base}/endless`, /larger than/],
        [`${base}/metrics`, /not a JSON Web Key Set/],
        [`${base}/error`, /did not answer 200/],
        [`http://127.0.0.1:${deadPort}/jwks.json`, /failed or timed out/],
      ];
      for (const [uri, hint] of cases) {
        const key = await clientKey();
        const client = await newClient({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: uri });
        const started = performance.now();
        const res = await postForm(pub, '/oauth2/token', withAssertion(await assertion(key, client.client_id)));
        invalidClient(res);
        assert.match(res.text, hint, uri);
        assert.ok(performance.now() - started < 4000, `${uri}: answered without waiting for the whole body`);
        for (const leak of ['HELP', 'internal_secret', 'stack trace', '10.1.2.3', '127.0.0.1', String(deadPort), 'ECONNREFUSED', 'Unexpected token']) {
          assert.ok(!res.text.includes(leak), `${uri}: the error shows "${leak}": ${res.text}`);
        }
      }
    });
  });
}

// Outgoing-call policy is configuration; the fetch path is the same on every database.
describe('clients.http.disallow_private_ip_ranges', () => {
  const sqlite = testDatabases().find((db) => db.name === 'sqlite') ?? assert.fail('sqlite is always available');
  let database: CreatedDatabase | undefined;
  let cluster: Cluster | undefined;
  let host: { server: Server; base: string } | undefined;
  let served: JWK[] = [];

  before(async () => {
    host = await jwksHost(() => served);
    database = await sqlite.create();
    cluster = await startCluster({
      dsn: database.dsn,
      env: { URLS_SELF_ISSUER: ISSUER, CLIENTS_HTTP_DISALLOW_PRIVATE_IP_RANGES: 'true', CLIENTS_HTTP_PRIVATE_IP_EXCEPTION_URLS: `${host.base}/jwks.json` },
    });
  });
  after(async () => {
    host?.server.close();
    await cluster?.close();
    await database?.drop();
  });

  async function authenticateVia(jwksUri: string): Promise<Answer> {
    const key = await clientKey();
    served = [key.jwk];
    const { adminUrl, publicUrl } = cluster ?? assert.fail('no cluster');
    const client = await createClient(adminUrl, { grant_types: ['client_credentials'], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwksUri });
    return postForm(publicUrl, '/oauth2/token', withAssertion(await assertion(key, client.client_id)));
  }

  test('private and loopback addresses are refused, by literal or by a name that resolves there', async () => {
    const base = host?.base ?? assert.fail('no jwks host');
    const port = new URL(base).port;
    for (const uri of [`${base}/jwks.json?other`, `http://localhost:${port}/jwks.json`, `http://[::ffff:127.0.0.1]:${port}/jwks.json`, `${base}/metrics`]) {
      const res = await authenticateVia(uri);
      invalidClient(res);
      assert.match(res.text, /private or reserved address/, uri);
      assert.ok(!res.text.includes('127.0.0.1') && !res.text.includes('HELP'), res.text);
    }
  });

  test('an exact private_ip_exception_urls entry is fetched', async () => {
    const res = await authenticateVia(`${host?.base ?? ''}/jwks.json`);
    assert.equal(res.status, 200, res.text);
  });
});
