/**
 * Issue 10: one full authorization-code login (authorize → accept login → login verifier →
 * accept consent → consent verifier → code → token with PKCE) sends at most 8 SQL statements,
 * on each dialect. Counted at the database driver (pg's Client, mysql2's Connection, libsql's
 * prepare/exec), below MikroORM and knex, so raw statements, BEGIN and COMMIT count too.
 * Core runs in this process (test/support/cluster.ts) so its driver is the one wrapped.
 *
 * The counted login is the second one: the first loads what a running core keeps in memory
 * (the signing key, the client row). Statements no login causes are left out: the change feed's
 * poll of `tessera_changes` or `PRAGMA data_version` and the pool's `select 1` pings
 * (storage/change-feed.ts, storage/pool-watch.ts) run on their own timers, and the `SET …` of
 * a pooled connection opened meanwhile (storage/orm.ts) is once per connection, not per login.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { after, before, describe, test } from 'node:test';
import { Browser, param } from './support/browser.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { challengeIn, loginApp, redirectTo } from './support/login-app.js';
import { createClient, postForm } from './support/oauth2.js';

const MAX_STATEMENTS = 8;
const REDIRECT = 'http://127.0.0.1:9/cb';
const VERIFIER = 'statement-count-verifier-0123456789-abcdefghijklmnop';

/** SQL text of every statement the drivers were given, in order, while `recording`. */
const sent: string[] = [];
let recording = false;

/** Background statements that run on their own timers, whatever the login does. */
const BACKGROUND = [/tessera_changes/i, /data_version/i, /^\s*select 1\s*;?\s*$/i, /^\s*listen\b/i, /^\s*set\s+(session\s+)?[a-z_]+\s*=/i];

function record(sql: unknown): void {
  if (!recording) return;
  const text = typeof sql === 'string' ? sql : typeof sql === 'object' && sql !== null && 'text' in sql ? String((sql as { text: unknown }).text) : typeof sql === 'object' && sql !== null && 'sql' in sql ? String((sql as { sql: unknown }).sql) : String(sql);
  if (!BACKGROUND.some((re) => re.test(text))) sent.push(text);
}

/** Wraps `method` of `proto` so each call records its first argument (the SQL) first. */
function wrap(proto: Record<string, unknown>, method: string): void {
  const original = proto[method];
  if (typeof original !== 'function') throw new Error(`no ${method} to wrap`);
  proto[method] = function (this: unknown, ...args: unknown[]) {
    record(args[0]);
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  };
}

// The drivers MikroORM's dialects load (the same CommonJS module instances core uses).
const require = createRequire(import.meta.url);
wrap((require('pg') as { Client: { prototype: Record<string, unknown> } }).Client.prototype, 'query');
const mysqlConnection = (require('mysql2') as { Connection: { prototype: Record<string, unknown> } }).Connection.prototype;
wrap(mysqlConnection, 'query');
wrap(mysqlConnection, 'execute');
const libsqlDatabase = (require('libsql') as { prototype: Record<string, unknown> }).prototype;
wrap(libsqlDatabase, 'prepare');
wrap(libsqlDatabase, 'exec');

for (const db of testDatabases()) {
  describe(`statements of one full login on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let clientId = '';

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn, env: { URLS_LOGIN: 'https://login.test/login', URLS_CONSENT: 'https://login.test/consent' } });
      ({ client_id: clientId } = await createClient(cluster.adminUrl, {
        grant_types: ['authorization_code'],
        response_types: ['code'],
        scope: 'openid',
        redirect_uris: [REDIRECT],
        token_endpoint_auth_method: 'none',
      }));
    });

    after(async () => {
      await cluster?.close();
      await database?.drop();
    });

    /** One login as a login app drives it (no GET of the requests), ending with the token response. */
    async function fullLogin(subject: string): Promise<Record<string, unknown>> {
      if (!cluster) throw new Error('no cluster');
      const app = loginApp(cluster.adminUrl);
      const browser = new Browser({ [new URL(cluster.config.urls.self.issuer).origin]: cluster.publicUrl });
      const authorize = new URL('/oauth2/auth', cluster.publicUrl);
      const challenge = createHash('sha256').update(VERIFIER).digest('base64url');
      for (const [k, v] of Object.entries({ client_id: clientId, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'state-0123456789', nonce: 'nonce-0123456789', code_challenge: challenge, code_challenge_method: 'S256' })) {
        authorize.searchParams.set(k, v);
      }
      const loginChallenge = challengeIn(await browser.go(authorize), 'login_challenge');
      const toConsent = await browser.go(redirectTo(await app.acceptLogin(loginChallenge, { subject })));
      const consentChallenge = challengeIn(toConsent, 'consent_challenge');
      const back = await browser.go(redirectTo(await app.acceptConsent(consentChallenge, { grant_scope: ['openid'] })));
      const code = param(back.location, 'code');
      assert.ok(code, `no code in ${back.status} ${back.location}`);
      const token = await postForm(cluster.publicUrl, '/oauth2/token', [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', REDIRECT], ['client_id', clientId], ['code_verifier', VERIFIER]]);
      assert.equal(token.status, 200, token.text);
      return token.body;
    }

    test(`a full login sends at most ${MAX_STATEMENTS} SQL statements`, async () => {
      await fullLogin('warm-up');
      sent.length = 0;
      recording = true;
      let tokens: Record<string, unknown>;
      try {
        tokens = await fullLogin('alice');
      } finally {
        recording = false;
      }
      assert.equal(typeof tokens.access_token, 'string');
      assert.equal(typeof tokens.id_token, 'string');
      assert.ok(sent.length > 0, 'the wrapped driver saw no statement at all: the counter is not wired to the driver in use');
      assert.ok(sent.length <= MAX_STATEMENTS, `${sent.length} statements:\n${sent.map((s, i) => `${i + 1}. ${s.slice(0, 300)}`).join('\n')}`);
      console.log(`# ${db.name}: ${sent.length} statements:\n${sent.map((s, i) => `#   ${i + 1}. ${s.replace(/\s+/g, ' ').slice(0, 160)}`).join('\n')}`);
    });
  });
}
