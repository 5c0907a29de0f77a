/**
 * Issue 15 §1 and §3 probes kept as tests: races of parallel token requests on one refresh
 * token or one authorization code, over real HTTP, on every database, and across two core
 * processes on PostgreSQL and MariaDB.
 *
 * - Outside a grace period exactly one request of a race wins; when any loser was told that
 *   reuse was detected, no token of that family (the first grant's, the winner's) may be
 *   active afterwards (RFC 6749 §10.4, RFC 9700 §4.14.2; codes: RFC 6749 §4.1.2, RFC 9700 §4.5).
 * - With a grace period every access token returned with a 200 is active afterwards (a grace
 *   reuse never deactivates what a concurrent request was just given), and a family holds at
 *   most `rotation_grace_reuse_count` live refresh tokens.
 * - No race ends in a 5xx (deadlocks and serialisation failures are retried).
 *
 * RACE_TOKENS (default 4), RACE_PARALLEL (default 50) and RACE_FAMILIES (races at once, default 1)
 * scale the probe; the issue's figure is RACE_TOKENS=100 RACE_PARALLEL=50. Every probe's figures are printed (and appended to RACE_REPORT, a file, when set).
 */
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { createAuthorizationCodeIssuer } from '../core-service/grants/authorization-code.js';
import { parseDsn } from '../core-service/storage/dsn.js';
import { closeOrm, openOrm, type Orm } from '../core-service/storage/orm.js';
import { SqlTokenStore } from '../core-service/storage/token-store.js';
import { createOpaqueTokenCodec } from '../core-service/tokens/opaque.js';
import { startCluster, startReplicas, TEST_SYSTEM_SECRET, type Cluster, type Replicas } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { grantSession, inProcessRegistry, issueGrant, type InProcessRegistry } from './support/grants.js';
import { basic, createClient, introspect, postForm, type Answer } from './support/oauth2.js';

const TOKENS = Number(process.env.RACE_TOKENS ?? 4);
const PARALLEL = Number(process.env.RACE_PARALLEL ?? 50);
const SCOPE = ['openid', 'offline_access'];
/** A loser's description when it was told that reuse was detected and the grant revoked. */
const REUSE_REPORTED = /every token of its grant has been revoked|authorization code has already been used/i;

interface Endpoints {
  /** Public URLs, one per core; the requests of a race are spread over them. */
  pub: string[];
  admin: string;
}

interface RaceFigures {
  races: number;
  winners: number[];
  reuseReported: number;
  survivors: number;
  serverErrors: number;
  deadOnArrival: number;
  maxLiveRefreshTokens: number;
}

const client = { client_id: '', client_secret: '' };

/** Introspects each token; how many are active. */
async function countActive(admin: string, tokens: string[]): Promise<number> {
  let active = 0;
  for (const token of tokens) if ((await introspect(admin, token)).body.active === true) active += 1;
  return active;
}

/** Families raced at once (RACE_FAMILIES, default 1): PARALLEL requests each. */
const FAMILIES = Number(process.env.RACE_FAMILIES ?? 1);

/** Runs `race` for each of TOKENS families, FAMILIES at a time. */
async function eachFamily(run: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < TOKENS) await run(next++);
  };
  await Promise.all(Array.from({ length: FAMILIES }, worker));
}

function report(name: string, f: RaceFigures): void {
  const winners = f.winners.reduce((a, b) => a + b, 0);
  const line =
    `race ${name}: tokens=${f.races} parallel=${PARALLEL} winners=${winners} (per race ${Math.min(...f.winners)}..${Math.max(...f.winners)}) ` +
      `reuse_reported_in=${f.reuseReported} survivors=${f.survivors} dead_on_arrival=${f.deadOnArrival} max_live_refresh=${f.maxLiveRefreshTokens} 5xx=${f.serverErrors}`;
  console.log(`# ${line}`);
  // RACE_REPORT=<file> collects the figures of a run (the test runner's reporter may hide console output).
  if (process.env.RACE_REPORT) appendFileSync(process.env.RACE_REPORT, `${line}\n`);
}

const figures = (): RaceFigures => ({ races: 0, winners: [], reuseReported: 0, survivors: 0, serverErrors: 0, deadOnArrival: 0, maxLiveRefreshTokens: 0 });

/** Counts one race into `f`: its winners, its 5xx, and whether any loser was told of reuse. */
function tally(f: RaceFigures, answers: Answer[]): { won: Answer[]; reused: boolean } {
  const won = answers.filter((a) => a.status === 200);
  const reused = answers.some((a) => a.status === 400 && REUSE_REPORTED.test(String(a.body.error_description)));
  f.races += 1;
  f.winners.push(won.length);
  f.serverErrors += answers.filter((a) => a.status >= 500).length;
  if (reused) f.reuseReported += 1;
  return { won, reused };
}

/** PARALLEL refreshes of one refresh token, spread over the cores. */
function refreshRace(ep: Endpoints, token: string): Promise<Answer[]> {
  const auth = basic(client.client_id, client.client_secret);
  return Promise.all(
    Array.from({ length: PARALLEL }, (_, i) => postForm(ep.pub[i % ep.pub.length] ?? '', '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', token]], auth)),
  );
}

/** PARALLEL redemptions of one code, spread over the cores. */
function codeRace(ep: Endpoints, code: string): Promise<Answer[]> {
  const auth = basic(client.client_id, client.client_secret);
  return Promise.all(
    Array.from({ length: PARALLEL }, (_, i) =>
      postForm(ep.pub[i % ep.pub.length] ?? '', '/oauth2/token', [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', 'https://app.example/cb']], auth),
    ),
  );
}

/** Strict rotation: one winner per race; a family where reuse was reported has no active token. */
async function strictRefreshProbe(ep: Endpoints, mint: () => Promise<{ access_token: string; refresh_token?: string }>): Promise<RaceFigures> {
  const f = figures();
  await eachFamily(async () => {
    const first = await mint();
    const answers = await refreshRace(ep, first.refresh_token ?? '');
    const { won, reused } = tally(f, answers);
    if (reused) {
      const issued = [first.access_token, first.refresh_token ?? '', ...won.flatMap((a) => [String(a.body.access_token), String(a.body.refresh_token)])];
      f.survivors += await countActive(ep.admin, issued);
    }
  });
  return f;
}

/**
 * The interleaving of the issue's report: replays of a rotated refresh token (reuse, for sure)
 * race refreshes of its live successor, so the revocation runs while a winner stores its pair.
 */
async function replayDuringRefreshProbe(ep: Endpoints, mint: () => Promise<{ access_token: string; refresh_token?: string }>): Promise<RaceFigures> {
  const f = figures();
  const auth = basic(client.client_id, client.client_secret);
  await eachFamily(async () => {
    const first = await mint();
    const rotated = await postForm(ep.pub[0] ?? '', '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', first.refresh_token ?? '']], auth);
    assert.equal(rotated.status, 200, rotated.text);
    const live = String(rotated.body.refresh_token);
    const answers = await Promise.all(
      Array.from({ length: PARALLEL }, (_, i) =>
        postForm(ep.pub[i % ep.pub.length] ?? '', '/oauth2/token', [['grant_type', 'refresh_token'], ['refresh_token', i % 2 === 0 ? live : (first.refresh_token ?? '')]], auth),
      ),
    );
    const { won } = tally(f, answers);
    const issued = [String(rotated.body.access_token), live, ...won.flatMap((a) => [String(a.body.access_token), String(a.body.refresh_token)])];
    f.survivors += await countActive(ep.admin, issued);
  });
  return f;
}

/** Parallel replays of one code: one winner; every loser is a replay, so nothing of the grant stays active. */
async function codeProbe(ep: Endpoints, mintCode: () => Promise<string>): Promise<RaceFigures> {
  const f = figures();
  await eachFamily(async () => {
    const answers = await codeRace(ep, await mintCode());
    const { won, reused } = tally(f, answers);
    if (reused) {
      f.survivors += await countActive(ep.admin, won.flatMap((a) => [String(a.body.access_token), String(a.body.refresh_token)]));
    }
  });
  return f;
}

/**
 * Grace rotation: where no reuse was reported, every access token handed out is active and the
 * family's live refresh tokens are bounded; where it was, nothing is active.
 */
async function graceProbe(ep: Endpoints, mint: () => Promise<{ access_token: string; refresh_token?: string }>): Promise<RaceFigures> {
  const f = figures();
  await eachFamily(async () => {
    const first = await mint();
    const answers = await refreshRace(ep, first.refresh_token ?? '');
    const { won, reused } = tally(f, answers);
    const issuedAccess = won.map((a) => String(a.body.access_token));
    const issuedRefresh = [first.refresh_token ?? '', ...won.map((a) => String(a.body.refresh_token))];
    if (reused) {
      f.survivors += await countActive(ep.admin, [first.access_token, ...issuedAccess, ...issuedRefresh]);
    } else {
      f.deadOnArrival += issuedAccess.length - (await countActive(ep.admin, issuedAccess));
      f.maxLiveRefreshTokens = Math.max(f.maxLiveRefreshTokens, await countActive(ep.admin, issuedRefresh));
    }
  });
  return f;
}

function assertStrict(name: string, f: RaceFigures): void {
  report(name, f);
  assert.equal(f.serverErrors, 0, `${name}: no race may end in a 5xx`);
  assert.deepEqual(f.winners, f.winners.map(() => 1), `${name}: exactly one winner per race`);
  assert.equal(f.survivors, 0, `${name}: survivors in families where reuse was reported`);
}

for (const db of testDatabases()) {
  describe(`token races on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let reg: InProcessRegistry | undefined;
    let orm: Orm | undefined;
    let ep: Endpoints = { pub: [], admin: '' };

    const mint = () => {
      if (!reg) throw new Error('registry not started');
      return issueGrant(reg, client.client_id, grantSession('alice', SCOPE));
    };
    const mintCode = async () => {
      if (!reg || !orm) throw new Error('registry not started');
      const codes = createAuthorizationCodeIssuer({ codec: createOpaqueTokenCodec([TEST_SYSTEM_SECRET]), tokens: new SqlTokenStore(orm), ttlMs: 600_000, now: () => new Date() });
      return codes.issue({
        client: await reg.client(client.client_id),
        session: grantSession('alice', SCOPE),
        requestId: crypto.randomUUID(),
        redirectUri: 'https://app.example/cb',
        codeChallenge: '',
        codeChallengeMethod: '',
      });
    };

    before(async () => {
      database = await db.create();
      cluster = await startCluster({ dsn: database.dsn });
      reg = await inProcessRegistry(cluster.config);
      orm = await openOrm(parseDsn(database.dsn));
      ep = { pub: [cluster.publicUrl], admin: cluster.adminUrl };
      Object.assign(
        client,
        await createClient(cluster.adminUrl, {
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          scope: SCOPE.join(' '),
          redirect_uris: ['https://app.example/cb'],
        }),
      );
    });

    after(async () => {
      if (orm) await closeOrm(orm);
      await reg?.close();
      await cluster?.close();
      await database?.drop();
    });

    test(`${TOKENS} refresh tokens × ${PARALLEL} parallel refreshes: one winner, no survivor where reuse was reported`, { timeout: 600_000 }, async () => {
      assertStrict(`refresh/${db.name}`, await strictRefreshProbe(ep, mint));
    });

    test(`${TOKENS} families × ${PARALLEL} requests, replays of a rotated refresh token racing refreshes of its successor: nothing survives`, { timeout: 600_000 }, async () => {
      const f = await replayDuringRefreshProbe(ep, mint);
      report(`replay-during-refresh/${db.name}`, f);
      assert.equal(f.serverErrors, 0, 'no race may end in a 5xx');
      assert.equal(f.reuseReported, f.races, 'every race replays a rotated token');
      assert.equal(f.survivors, 0, 'survivors after reuse was reported');
      for (const w of f.winners) assert.ok(w <= 1, `${w} winners`);
    });

    test(`${TOKENS} codes × ${PARALLEL} parallel redemptions: one winner, nothing of it active afterwards`, { timeout: 600_000 }, async () => {
      const f = await codeProbe(ep, mintCode);
      assertStrict(`code/${db.name}`, f);
      assert.equal(f.reuseReported, f.races, 'every loser of a code race replays the code');
    });

    describe('grace period', () => {
      for (const reuseCount of [PARALLEL, 3]) {
        test(`rotation_grace_reuse_count ${reuseCount}: every access token handed out is active; at most ${reuseCount} live refresh tokens per family`, { timeout: 600_000 }, async () => {
          if (!database) throw new Error('no database');
          const graceCluster = await startCluster({
            dsn: database.dsn,
            env: { OAUTH2_GRANT_REFRESH_TOKEN_ROTATION_GRACE_PERIOD: '1m', OAUTH2_GRANT_REFRESH_TOKEN_ROTATION_GRACE_REUSE_COUNT: String(reuseCount) },
          });
          try {
            const f = await graceProbe({ pub: [graceCluster.publicUrl], admin: graceCluster.adminUrl }, mint);
            report(`grace-${reuseCount}/${db.name}`, f);
            assert.equal(f.serverErrors, 0, 'no race may end in a 5xx');
            assert.equal(f.deadOnArrival, 0, 'access tokens returned with a 200 but already inactive');
            assert.equal(f.survivors, 0, 'survivors in families where reuse was reported');
            assert.ok(f.maxLiveRefreshTokens <= reuseCount, `a family holds ${f.maxLiveRefreshTokens} live refresh tokens, more than the reuse count ${reuseCount}`);
            for (const w of f.winners) assert.ok(w >= 1 && w <= reuseCount, `${w} winners with a reuse count of ${reuseCount}`);
          } finally {
            await graceCluster.close();
          }
        });
      }
    });

    if (db.name !== 'sqlite') {
      describe('two core processes', () => {
        let two: Replicas | undefined;
        // Survivors are counted on the second core: its cache must have heard of the first's revocations.
        const spread = (r: Replicas): Endpoints => ({ pub: r.pub, admin: r.admin[1] ?? '' });
        before(async () => {
          if (!database) throw new Error('no database');
          two = await startReplicas(database.dsn, 2);
        });
        after(() => two?.close());

        test(`${TOKENS} refresh tokens × ${PARALLEL} parallel refreshes over two cores`, { timeout: 600_000 }, async () => {
          if (!two) throw new Error('cores not started');
          assertStrict(`refresh-2cores/${db.name}`, await strictRefreshProbe(spread(two), mint));
        });

        test(`${TOKENS} families, replays racing refreshes over two cores: nothing survives`, { timeout: 600_000 }, async () => {
          if (!two) throw new Error('cores not started');
          const f = await replayDuringRefreshProbe(spread(two), mint);
          report(`replay-during-refresh-2cores/${db.name}`, f);
          assert.equal(f.serverErrors, 0, 'no race may end in a 5xx');
          assert.equal(f.survivors, 0, 'survivors after reuse was reported');
        });

        test(`${TOKENS} codes × ${PARALLEL} parallel redemptions over two cores`, { timeout: 600_000 }, async () => {
          if (!two) throw new Error('cores not started');
          assertStrict(`code-2cores/${db.name}`, await codeProbe(spread(two), mintCode));
        });
      });
    }
  });
}
