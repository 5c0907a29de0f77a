/**
 * The janitor on every database: rows inside and outside the cutoff, exactly which survive,
 * batch size and limit honoured; the `core-service janitor` command and the gRPC call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { credentials, type ServiceError } from '@grpc/grpc-js';
import { JanitorServiceClient, type JanitorResponse } from '../proto/gen/tessera/v1/janitor.js';
import { runJanitor, type JanitorStore, type JanitorTarget } from '../core-service/janitor/janitor.js';
import { ConsentSessionSchema, LoginSessionSchema, UsedChallengeSchema } from '../core-service/storage/flow-entities.js';
import type { ConsentGrant } from '../core-service/flows/store.js';
import { SqlJanitorStore } from '../core-service/storage/janitor-store.js';
import { DeviceCodeSchema } from '../core-service/storage/device-entities.js';
import { SqlDeviceCodeStore } from '../core-service/storage/device-store.js';
import type { Orm } from '../core-service/storage/orm.js';
import { JtiSchema, TokenSchema } from '../core-service/storage/token-entities.js';
import { SqlTokenStore } from '../core-service/storage/token-store.js';
import { SqlTrustStore } from '../core-service/storage/trust-store.js';
import type { CodeSession, TokenRecord } from '../core-service/tokens/store.js';
import { gatewayMetadata, startCluster } from './support/cluster.js';
import { migratedDatabase, testDatabases } from './support/databases.js';
import { grantSession, inProcessRegistry, issueGrant } from './support/grants.js';
import { basic, createClient, introspect, postForm } from './support/oauth2.js';
import { runProgram } from './support/processes.js';
import { insertStoredClient } from './support/stored-client.js';

const NOW = new Date('2026-01-10T12:00:00Z');
const hours = (h: number) => new Date(NOW.getTime() + h * 3_600_000);

function token(signature: string, requestedAt: Date, expiresAt: Date | null, active: boolean): TokenRecord {
  return {
    signature,
    kind: 'access_token',
    request_id: `req-${signature}`,
    client_id: 'janitor-client',
    subject: '',
    scope: [],
    audience: [],
    requested_at: requestedAt,
    expires_at: expiresAt,
    active,
    session: {},
  };
}

/** What a code row keeps (the janitor never reads it; the row only has to be a code's). */
const codeSession: CodeSession = {
  grant: {
    subject: 'janitor-user',
    obfuscated_subject: '',
    granted_scope: [],
    granted_audience: [],
    access_token_claims: {},
    id_token_claims: {},
    auth_time: 0,
    acr: '',
    amr: [],
    nonce: '',
    sid: '',
    consent_challenge_id: '',
  },
  redirect_uri: '',
  code_challenge: '',
  code_challenge_method: '',
};

function consent(id: string, handledAt: Date, rememberFor: number, requestId: string, loginSessionId: string): ConsentGrant {
  return {
    id,
    request_id: requestId,
    subject: 'janitor-user',
    client_id: 'janitor-client',
    login_session_id: loginSessionId,
    login_challenge: `login-${id}`,
    requested_scope: ['openid'],
    requested_audience: [],
    granted_scope: ['openid'],
    granted_audience: [],
    session_access_token: {},
    session_id_token: {},
    context: null,
    acr: '',
    amr: [],
    remember: true,
    remember_for: rememberFor,
    skipped: false,
    request_url: 'https://rp.example/cb',
    handled_at: handledAt,
    requested_at: handledAt,
  };
}

/** Rows around a cutoff of NOW - 24h (keep-if-younger 24h). */
async function seed(orm: Orm): Promise<void> {
  await new SqlTokenStore(orm).insert([
    token('expired-long-ago', hours(-72), hours(-48), true), // expired before the cutoff: goes
    token('expired-recently', hours(-3), hours(-1), true), // expired, but after the cutoff: stays
    token('live', hours(-72), hours(48), true), // valid: stays
    token('revoked-old', hours(-72), hours(48), false), // inactive but not expired: stays until it expires
    token('revoked-recent', hours(-2), hours(48), false), // inactive, issued after the cutoff: stays
    token('never-expires', hours(-720), null, true), // no expiry, active: stays
    token('revoked-forever', hours(-720), null, false), // no expiry, revoked before the cutoff: goes
    { ...token('rotated-forever', hours(-720), null, false), kind: 'refresh_token', used_at: hours(-700) }, // no expiry, rotated out: stays for reuse detection
    { ...token('rotated-old', hours(-72), hours(48), false), kind: 'refresh_token', used_at: hours(-71) }, // rotated out, not expired: stays
    { ...token('used-code', hours(-72), hours(1), false), kind: 'authorization_code', session: codeSession }, // used code, not expired: stays
  ]);
  const devices = new SqlDeviceCodeStore(orm, new SqlTokenStore(orm));
  for (const [id, expiresAt] of [['device-old', hours(-30)], ['device-recent', hours(-1)], ['device-live', hours(1)]] as const) {
    await devices.insert({
      device_code_signature: id,
      user_code_signature: `user-code-${id}`,
      request_id: `req-${id}`,
      client_id: 'janitor-client',
      scope: [],
      audience: [],
      requested_at: hours(-72),
      expires_at: expiresAt,
      state: 'pending',
      polling_interval: 5,
      last_polled_at: null,
      session: null,
    });
  }
  const em = orm.em.fork({ clear: true, useContext: false });
  await em.insertMany(JtiSchema, [
    { key: 'jti-old', expires_at: hours(-30) },
    { key: 'jti-recent', expires_at: hours(-1) },
    { key: 'jti-future', expires_at: hours(1) },
  ]);
  await em.insertMany(UsedChallengeSchema, [
    { id: 'challenge-old', expires_at: hours(-25) },
    { id: 'challenge-new', expires_at: hours(-23) },
  ]);
  const session = (id: string, expiresAt: Date) => ({ id, subject: 'janitor-user', authenticated_at: hours(-100), remember: true, expires_at: expiresAt, identity_provider_session_id: '' });
  await em.insertMany(LoginSessionSchema, [
    session('session-old', hours(-25)), // expired before the cutoff: goes
    session('session-recent', hours(-1)), // expired after the cutoff: stays
    session('session-live', hours(5)), // still valid: stays
  ]);
  const HOUR = 3_600;
  await em.insertMany(ConsentSessionSchema, [
    consent('consent-expired', hours(-100), HOUR, 'req-none', 'no-session'), // memory ran out, no tokens, no session: goes
    consent('consent-token-expired', hours(-100), HOUR, 'req-expired-long-ago', ''), // its token expired before the cutoff: goes
    consent('consent-session-expired', hours(-100), HOUR, 'req-none', 'session-old'), // its session expired (--requests deletes it first): goes
    consent('consent-forever', hours(-100), 0, 'req-none', ''), // remember_for 0 = until revoked: stays
    consent('consent-recent', hours(-25), 2 * HOUR, 'req-none', ''), // memory ends at -23h, after the cutoff: stays
    consent('consent-token-live', hours(-100), HOUR, 'req-live', ''), // revoking it would still revoke a live token: stays
    consent('consent-token-eternal', hours(-100), HOUR, 'req-never-expires', ''), // a token without expiry: stays
    consent('consent-token-recent', hours(-100), HOUR, 'req-expired-recently', ''), // token valid at the cutoff: stays
    consent('consent-session-live', hours(-100), HOUR, 'req-none', 'session-live'), // logout may still name its session: stays
  ]);
}

async function remaining(orm: Orm) {
  const em = orm.em.fork({ clear: true, useContext: false });
  const keys = <T>(rows: T[], key: (row: T) => string) => rows.map(key).sort();
  return {
    tokens: keys(await em.find(TokenSchema, {}, { disableIdentityMap: true }), (r) => r.signature),
    jtis: keys(await em.find(JtiSchema, {}, { disableIdentityMap: true }), (r) => r.key),
    devices: keys(await em.find(DeviceCodeSchema, {}, { disableIdentityMap: true }), (r) => r.device_code_signature),
    challenges: keys(await em.find(UsedChallengeSchema, {}, { disableIdentityMap: true }), (r) => r.id),
    sessions: keys(await em.find(LoginSessionSchema, {}, { disableIdentityMap: true }), (r) => r.id),
    consents: keys(await em.find(ConsentSessionSchema, {}, { disableIdentityMap: true }), (r) => r.id),
  };
}

/** Counts statements per target, to prove batching. */
function counting(store: JanitorStore) {
  const calls: { target: JanitorTarget; max: number; deleted: number }[] = [];
  const wrapped: JanitorStore = {
    async deleteBatch(target, cutoff, max) {
      const deleted = await store.deleteBatch(target, cutoff, max);
      calls.push({ target, max, deleted });
      return deleted;
    },
  };
  return { wrapped, calls };
}

const KEEP_24H = 24 * 3_600_000;

for (const db of testDatabases()) {
  describe(`janitor on ${db.name}`, { skip: db.skipReason }, () => {
    let database: Awaited<ReturnType<typeof migratedDatabase>> | undefined;
    before(async () => {
      database = await migratedDatabase(db);
      await insertStoredClient(database.orm, 'janitor-client');
    });
    after(async () => {
      await database?.drop();
    });
    const orm = () => {
      if (!database) throw new Error('no database');
      return database.orm;
    };

    test('deletes exactly the stale rows outside keep-if-younger', async () => {
      await seed(orm());
      const report = await runJanitor(new SqlJanitorStore(orm()), { tokens: true, requests: true, grants: true, batchSize: 100, limit: 10_000, keepIfYoungerMs: KEEP_24H }, NOW);
      assert.deepEqual(report, { tokens: 2, jtis: 1, device_codes: 1, requests: 2, grants: 3, trusts: 0 });
      assert.deepEqual(await remaining(orm()), {
        tokens: ['expired-recently', 'live', 'never-expires', 'revoked-old', 'revoked-recent', 'rotated-forever', 'rotated-old', 'used-code'],
        jtis: ['jti-future', 'jti-recent'],
        devices: ['device-live', 'device-recent'],
        challenges: ['challenge-new'],
        sessions: ['session-live', 'session-recent'],
        consents: ['consent-forever', 'consent-recent', 'consent-session-live', 'consent-token-eternal', 'consent-token-live', 'consent-token-recent'],
      });

      // Without keep-if-younger the cutoff is now: the recently expired go too; what has not expired stays.
      const second = await runJanitor(new SqlJanitorStore(orm()), { tokens: true, requests: false, grants: false, batchSize: 100, limit: 10_000, keepIfYoungerMs: 0 }, NOW);
      assert.deepEqual(second, { tokens: 1, jtis: 1, device_codes: 1, requests: 0, grants: 0, trusts: 0 });
      const left = await remaining(orm());
      assert.deepEqual(left.devices, ['device-live'], 'an expired device code goes with its user code; a live one stays');
      assert.deepEqual(left.tokens, ['live', 'never-expires', 'revoked-old', 'revoked-recent', 'rotated-forever', 'rotated-old', 'used-code']);
      assert.deepEqual(left.jtis, ['jti-future']);
      assert.deepEqual(left.challenges, ['challenge-new'], '--requests was not selected');
      assert.deepEqual(left.sessions, ['session-live', 'session-recent'], '--requests was not selected');

      // --requests without keep-if-younger: the session that expired an hour ago goes too.
      const third = await runJanitor(new SqlJanitorStore(orm()), { tokens: false, requests: true, grants: false, batchSize: 100, limit: 10_000, keepIfYoungerMs: 0 }, NOW);
      assert.equal(third.requests, 2, 'challenge-new and session-recent');
      assert.deepEqual((await remaining(orm())).sessions, ['session-live']);

      // --grants without keep-if-younger: memories and tokens that ran out since -24h go too.
      const fourth = await runJanitor(new SqlJanitorStore(orm()), { tokens: false, requests: false, grants: true, batchSize: 100, limit: 10_000, keepIfYoungerMs: 0 }, NOW);
      assert.equal(fourth.grants, 2, 'consent-recent and consent-token-recent');
      assert.deepEqual((await remaining(orm())).consents, ['consent-forever', 'consent-session-live', 'consent-token-eternal', 'consent-token-live']);
    });

    test('--grants deletes in batches and keeps a consent whose grant got a token meanwhile', async () => {
      const em = orm().em.fork({ clear: true, useContext: false });
      await em.insertMany(ConsentSessionSchema, [1, 2, 3].map((i) => consent(`batch-consent-${i}`, hours(-100), 60, `req-batch-consent-${i}`, '')));
      await new SqlTokenStore(orm()).insert([{ ...token('batch-consent-token', hours(-1), hours(10), true), request_id: 'req-batch-consent-3' }]);
      const { wrapped, calls } = counting(new SqlJanitorStore(orm()));
      const report = await runJanitor(wrapped, { tokens: false, requests: false, grants: true, batchSize: 1, limit: 100, keepIfYoungerMs: 0 }, NOW);
      assert.equal(report.grants, 2);
      assert.deepEqual(calls.filter((c) => c.target === 'grants').map((c) => [c.max, c.deleted]), [[1, 1], [1, 1], [1, 0]]);
      assert.deepEqual((await remaining(orm())).consents.filter((id) => id.startsWith('batch-')), ['batch-consent-3']);
      await em.nativeDelete(TokenSchema, { signature: 'batch-consent-token' });
    });

    test('--grants deletes expired trust relationships of the JWT-bearer grant in batches, and only those', async () => {
      const trusts = new SqlTrustStore(orm());
      const relationship = (i: number, expiresAt: Date) => ({
        id: `00000000-0000-4000-8000-00000000000${i}`,
        issuer: 'https://janitor-idp.test',
        subject: `user-${i}`,
        allow_any_subject: false,
        scope: ['read'],
        public_key: { set: 'https://janitor-idp.test', kid: 'k' },
        jwk: { kty: 'OKP', crv: 'Ed25519', x: 'x', kid: 'k' },
        created_at: hours(-100),
        expires_at: expiresAt,
      });
      for (const [i, expiresAt] of [[1, hours(-50)], [2, hours(-1)], [3, hours(-30)], [4, hours(1)]] as const) await trusts.create(relationship(i, expiresAt));
      const { wrapped, calls } = counting(new SqlJanitorStore(orm()));
      const report = await runJanitor(wrapped, { tokens: false, requests: false, grants: true, batchSize: 2, limit: 100, keepIfYoungerMs: 0 }, NOW);
      assert.equal(report.trusts, 3);
      assert.deepEqual(calls.filter((c) => c.target === 'trusts').map((c) => [c.max, c.deleted]), [[2, 2], [2, 1]]);
      const left = await trusts.list({ limit: 10, issuer: 'https://janitor-idp.test' });
      assert.deepEqual(left.map((r) => r.subject), ['user-4'], 'the relationship that has not expired stays');
      await trusts.delete(relationship(4, hours(1)).id);
    });

    test('--requests batches across used challenges and login sessions', async () => {
      const em = orm().em.fork({ clear: true, useContext: false });
      await em.insertMany(UsedChallengeSchema, [1, 2, 3].map((i) => ({ id: `batch-challenge-${i}`, expires_at: hours(-50) })));
      await em.insertMany(
        LoginSessionSchema,
        [1, 2, 3].map((i) => ({ id: `batch-session-${i}`, subject: 'janitor-user', authenticated_at: hours(-100), remember: true, expires_at: hours(-50), identity_provider_session_id: '' })),
      );
      const { wrapped, calls } = counting(new SqlJanitorStore(orm()));
      const report = await runJanitor(wrapped, { tokens: false, requests: true, grants: false, batchSize: 2, limit: 100, keepIfYoungerMs: 0 }, NOW);
      assert.equal(report.requests, 6);
      assert.deepEqual(
        calls.map((c) => [c.max, c.deleted]),
        [[2, 2], [2, 2], [2, 2], [2, 0]],
        'a batch that drains the challenges is topped up with sessions',
      );
      const left = await remaining(orm());
      assert.deepEqual([...left.challenges, ...left.sessions].filter((id) => id.startsWith('batch-')), []);
    });

    test('deletes in batches of batch-size and stops at limit', async () => {
      const expired = Array.from({ length: 7 }, (_, i) => token(`batch-${i}`, hours(-100), hours(-50), true));
      await new SqlTokenStore(orm()).insert(expired);
      const { wrapped, calls } = counting(new SqlJanitorStore(orm()));
      const report = await runJanitor(wrapped, { tokens: true, requests: false, grants: false, batchSize: 2, limit: 5, keepIfYoungerMs: 0 }, NOW);
      assert.equal(report.tokens, 5, 'limit caps the run');
      assert.deepEqual(
        calls.filter((c) => c.target === 'tokens').map((c) => [c.max, c.deleted]),
        [[2, 2], [2, 2], [1, 1]],
        'three statements of at most 2 rows, the last trimmed to the limit',
      );
      const left = (await remaining(orm())).tokens.filter((s) => s.startsWith('batch-'));
      assert.equal(left.length, 2);

      const rest = await runJanitor(new SqlJanitorStore(orm()), { tokens: true, requests: false, grants: false, batchSize: 2, limit: 5, keepIfYoungerMs: 0 }, NOW);
      assert.equal(rest.tokens, 2, 'the next run continues where the limit stopped');
      assert.deepEqual((await remaining(orm())).tokens.filter((s) => s.startsWith('batch-')), []);
    });

    test('deletes everything eligible across several batches, resting after each as long as it took', async () => {
      await new SqlTokenStore(orm()).insert([
        ...Array.from({ length: 250 }, (_, i) => token(`many-${i}`, hours(-100), hours(-50), true)),
        { ...token('many-rotated', hours(-100), hours(50), false), kind: 'refresh_token', used_at: hours(-99) },
      ]);
      let clock = 0;
      const rests: number[] = [];
      const pace = { nowMs: () => clock, rest: async (ms: number) => void rests.push(ms) };
      const store = new SqlJanitorStore(orm());
      const { wrapped, calls } = counting({
        async deleteBatch(target, cutoff, max) {
          clock += 7; // each batch "takes" 7 ms of the fake clock
          return store.deleteBatch(target, cutoff, max);
        },
      });
      const report = await runJanitor(wrapped, { tokens: true, requests: false, grants: false, batchSize: 100, limit: 10_000, keepIfYoungerMs: 0 }, NOW, pace);
      assert.equal(report.tokens, 250);
      assert.deepEqual(calls.filter((c) => c.target === 'tokens').map((c) => [c.max, c.deleted]), [[100, 100], [100, 100], [100, 50]]);
      assert.deepEqual(rests, [7, 7], 'a rest after each full batch, as long as the batch took; none once done');
      const left = (await remaining(orm())).tokens.filter((s) => s.startsWith('many-'));
      assert.deepEqual(left, ['many-rotated'], 'every expired row went; the rotated-out refresh token stays until it expires');
    });

    test('the core-service janitor command deletes and reports', async () => {
      if (!database) throw new Error('no database');
      // The rows above were stale relative to a fixed NOW; the command runs on the real clock.
      const em = orm().em.fork({ clear: true, useContext: false });
      await em.nativeDelete(TokenSchema, {});
      await em.nativeDelete(JtiSchema, {});
      await em.nativeDelete(DeviceCodeSchema, {});
      await new SqlTokenStore(orm()).insert([token('cli-expired', new Date(Date.now() - 7_200_000), new Date(Date.now() - 3_600_000), true)]);
      const refused = runProgram('core-service/main.ts', ['janitor', database.dsn, '--tokens']);
      assert.equal(await refused.exited(), 1, 'without --yes and without a terminal it does nothing');
      assert.ok((await remaining(orm())).tokens.includes('cli-expired'));

      const usage = runProgram('core-service/main.ts', ['janitor', database.dsn, '--yes']);
      assert.equal(await usage.exited(), 2, 'nothing selected is a usage error');
      assert.match(usage.output(), /at least one of --tokens, --requests, --grants/);

      const run = runProgram('core-service/main.ts', ['janitor', '--read-from-env', '--tokens', '--batch-size', '10', '--limit', '100', '--keep-if-younger', '30m', '--yes'], { DSN: database.dsn });
      assert.equal(await run.exited(), 0, run.output());
      assert.match(run.output(), /janitor deleted: 1 tokens, 0 assertion ids, 0 device codes/);
      assert.doesNotMatch(run.output(), /stopped at --limit/);
      assert.ok(!(await remaining(orm())).tokens.includes('cli-expired'));

      // The limit is said out loud: a run that reached it tells the operator to run again.
      await new SqlTokenStore(orm()).insert([1, 2].map((i) => token(`cli-capped-${i}`, new Date(Date.now() - 7_200_000), new Date(Date.now() - 3_600_000), true)));
      const capped = runProgram('core-service/main.ts', ['janitor', database.dsn, '--tokens', '--batch-size', '1', '--limit', '1', '--yes']);
      assert.equal(await capped.exited(), 0, capped.output());
      assert.match(capped.output(), /janitor stopped at --limit 1 for tokens; more may be left: run it again/);

      const help = runProgram('core-service/main.ts', ['janitor', '--help']);
      assert.equal(await help.exited(), 0);
      assert.match(help.output(), /--limit N\s+delete at most N rows per table in this run, then stop \(default 10000,/);
      assert.match(help.output(), /--keep-if-younger D\s+keep rows younger than D, .*\(default 0s\)/);
    });
  });
}

for (const db of testDatabases()) {
  describe(`janitor and refresh token reuse detection on ${db.name}`, { skip: db.skipReason }, () => {
    test('with the defaults (--keep-if-younger 0s) a rotated-out refresh token stays until it expires, so its replay still revokes the grant', async () => {
      const created = await db.create();
      const cluster = await startCluster({ dsn: created.dsn });
      const reg = await inProcessRegistry(cluster.config);
      try {
        const client = await createClient(cluster.adminUrl, { grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 'openid offline_access', redirect_uris: ['https://app.example/cb'] });
        const grant = await issueGrant(reg, client.client_id, grantSession('alice', ['openid', 'offline_access']));
        const refresh = (token: string) => postForm(cluster.publicUrl, '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', token]], basic(client.client_id, client.client_secret));
        const rotated = await refresh(grant.refresh_token ?? '');
        assert.equal(rotated.status, 200, rotated.text);
        const rowsOfGrant = async () =>
          Number((await reg.registry.orm.em.fork().getConnection().execute<{ n: number | string }[]>('SELECT COUNT(*) AS n FROM oauth2_tokens WHERE request_id = ?', [grant.requestId]))[0]?.n);
        const before = await rowsOfGrant();
        assert.ok(before > 0);

        const run = runProgram('core-service/main.ts', ['janitor', created.dsn, '--tokens', '--requests', '--grants', '--yes']);
        assert.equal(await run.exited(), 0, run.output());
        assert.equal(await rowsOfGrant(), before, 'nothing of a live grant is deleted, the rotated-out refresh token included');

        const replay = await refresh(grant.refresh_token ?? '');
        assert.equal(replay.status, 400, replay.text);
        assert.equal(replay.body.error, 'invalid_grant');
        for (const token of [String(rotated.body.access_token), String(rotated.body.refresh_token)]) {
          assert.equal((await introspect(cluster.adminUrl, token)).body.active, false, 'the replay was detected as reuse and revoked the grant');
        }

        const markers = async () =>
          Number((await reg.registry.orm.em.fork().getConnection().execute<{ n: number | string }[]>('SELECT COUNT(*) AS n FROM oauth2_revoked_grants WHERE request_id = ?', [grant.requestId]))[0]?.n);
        assert.equal(await markers(), 1, 'the reuse left its revocation marker');
        const janitorAt = (at: Date) => runJanitor(new SqlJanitorStore(reg.registry.orm), { tokens: true, requests: false, grants: false, batchSize: 100, limit: 10_000, keepIfYoungerMs: 0 }, at);
        await janitorAt(new Date());
        assert.equal(await markers(), 1, 'the marker stays while tokens of its grant remain');

        // Once they have expired (ttl.refresh_token 720h), the grant's rows go, then its marker.
        await janitorAt(new Date(Date.now() + 721 * 3_600_000));
        assert.equal(await rowsOfGrant(), 0);
        assert.equal(await markers(), 0, 'a marker with no token left protects nothing');
      } finally {
        await reg.close();
        await cluster.close();
        await created.drop();
      }
    });
  });
}

test('the JanitorService gRPC call runs a pass against the running core', async () => {
  const sqlite = testDatabases().find((db) => db.name === 'sqlite');
  if (!sqlite) throw new Error('sqlite is always available');
  const created = await sqlite.create();
  const cluster = await startCluster({ dsn: created.dsn });
  const client = new JanitorServiceClient(cluster.grpcAddress, credentials.createInsecure());
  const janitor = (req: Partial<Parameters<JanitorServiceClient['janitor']>[0]>) =>
    new Promise<JanitorResponse>((resolve, reject) =>
      client.janitor({ tokens: false, requests: false, grants: false, batch_size: 0, limit: 0, keep_if_younger_ms: 0, ...req }, gatewayMetadata(), (err: ServiceError | null, res: JanitorResponse) => (err ? reject(err) : resolve(res))),
    );
  try {
    assert.deepEqual(await janitor({ tokens: true, requests: true, grants: true }), { tokens: 0, jtis: 0, device_codes: 0, requests: 0, grants: 0, trusts: 0 });
    await assert.rejects(janitor({}), (err: ServiceError) => err.code === 3 && /at least one of/.test(err.details), 'nothing selected: INVALID_ARGUMENT');
  } finally {
    client.close();
    await cluster.close();
    await created.drop();
  }
});
