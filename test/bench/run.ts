/**
 * `npm run bench`: throughput and latency of the hot paths on PostgreSQL, against the floors
 * of the performance issues. Creates a fresh database, migrates it with the migrator, starts
 * core and gateway as their own processes (as an operator runs them), creates an opaque and a
 * JWT client_credentials client and a public PKCE client, then drives each scenario from a
 * separate load process (http-load.ts, grpc-load.ts, login-load.ts: the full login of issue 10,
 * 16 browsers playing the login app against the admin API) and prints a table. A peer, panva's oidc-provider with its
 * in-memory adapter (peer.ts), is measured with the same load generator and settings right after
 * the Tessera scenario it compares with, and the Tessera/peer ratios are printed: on a shared
 * machine absolute numbers drift, the ratio holds. Everything is torn down at the end, also on
 * failure and Ctrl-C. Exit 0 when the measurement ran, whatever the numbers; 1 when setup failed.
 *
 * Settings (environment): BENCH_ADMIN_DSN (default postgres://postgres@127.0.0.1:5432/postgres),
 * BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2), BENCH_CONNECTIONS (32), BENCH_MAX_CONNS (core's
 * pool, see DEFAULT_MAX_CONNS), BENCH_ONLY (comma-separated scenario ids), BENCH_CPU_PROF (a
 * directory: core and gateway write V8 .cpuprofile files there when they exit).
 */
import { availableParallelism, cpus } from 'node:os';
import { resolve } from 'node:path';
import { TEST_CALLERS_ENV, unusedPort } from '../support/cluster.js';
import { backendPids, cpuUsed, machineBusyMs, snapshot } from './cpu.js';
import { testDatabases, type CreatedDatabase } from '../support/databases.js';
import { runProgram, type Program } from '../support/processes.js';
import type { GrpcLoadSpec } from './grpc-load.js';
import type { HttpLoadSpec } from './http-load.js';
import type { LoginLoadSpec } from './login-load.js';
import { MEASURING_LINE, PEER_READY_LINE, type LoadResult } from './load-result.js';

/** The floors of issue 11, at 32 connections: absolute, and as a ratio to the peer in the same run. */
const FLOORS = { opaqueTokenRps: 2_000, grpcIntrospectionRps: 5_000, batchTokensPerSecond: 50_000, p99Ms: 50, tokenPeerRatio: 0.5, introspectionPeerRatio: 1.0 };

/** Issue 10's floor for the full login (auth → login → consent → code → token), at LOGIN_FLOWS concurrent flows. */
const LOGIN_FLOORS = { loginsPerSecond: 300, p99Ms: 100 };

/** Concurrent browsers in the full-login scenario (issue 10 measures with 16). */
const LOGIN_FLOWS = 16;

/** The public client of the full-login scenario; a loopback redirect that nothing needs to answer. */
const LOGIN_REDIRECT = 'http://127.0.0.1:9/callback';

/** Tokens per IntrospectBatch call in the batch scenario (the RPC's limit). */
const BATCH = 100;
const PEER_CLIENT = { id: 'bench-peer', secret: 'bench-peer-secret-0123456789' };

/**
 * Core's PostgreSQL pool (DSN max_conns): the DSN default. On the shared 2-core machine the
 * benchmark was written on, other load drowned any difference between pool sizes; try others
 * with BENCH_MAX_CONNS on a quiet machine.
 */
const DEFAULT_MAX_CONNS = 10;

const SYSTEM_SECRET = 'tessera-bench-system-secret-0123456789';

const settings = {
  adminDsn: process.env.BENCH_ADMIN_DSN ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  seconds: positive('BENCH_SECONDS', 10),
  warmupSeconds: positive('BENCH_WARMUP_SECONDS', 2),
  connections: positive('BENCH_CONNECTIONS', 32),
  maxConns: positive('BENCH_MAX_CONNS', DEFAULT_MAX_CONNS),
  only: process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',').map((id) => id.trim()) : undefined,
  cpuProfileDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
};

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

interface Servers {
  publicUrl: string;
  adminUrl: string;
  grpcAddress: string;
  /** For CPU accounting: the two programs and the database whose backends serve them. */
  corePid: number;
  gatewayPid: number;
  database: string;
}

interface Target extends Servers {
  opaque: { basic: string };
  jwt: { basic: string };
  /** The public PKCE client of the full-login scenario. */
  loginClientId: string;
  /** A live opaque access token, for the introspection scenarios. */
  token: string;
  /** BATCH live opaque access tokens, for IntrospectBatch. */
  batch: string[];
  peer: { url: string; pid: number; basic: string; token: string };
}

interface Scenario {
  id: string;
  title: string;
  /** The issue's floor for this path, in requests/s (tokens/s for the batch). */
  floorRps?: number;
  /** Runs against the peer (oidc-provider), not Tessera. */
  peer?: boolean;
  /** False where the issue sets no latency floor (a batch call carries 100 tokens). */
  p99Floor?: boolean;
  /** The p99 floor in ms when not FLOORS.p99Ms. */
  p99FloorMs?: number;
  /** The peer scenario this one is compared with, and the least Tessera/peer ratio allowed. */
  versus?: { id: string; floor: number };
  load(target: Target): { entry: string; spec: HttpLoadSpec | GrpcLoadSpec | LoginLoadSpec };
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function httpLoad(url: string, headers: Record<string, string>, body: string): { entry: string; spec: HttpLoadSpec } {
  const { connections, warmupSeconds, seconds } = settings;
  return { entry: 'test/bench/http-load.ts', spec: { url, headers, body, connections, warmupSeconds, seconds } };
}

function grpcLoad(t: Target, batch?: string[]): { entry: string; spec: GrpcLoadSpec } {
  const { connections, warmupSeconds, seconds } = settings;
  return { entry: 'test/bench/grpc-load.ts', spec: { address: t.grpcAddress, token: t.token, ...(batch ? { batch } : {}), concurrency: connections, warmupSeconds, seconds } };
}

/** In this order: each Tessera scenario with a peer is followed by the peer's. */
const SCENARIOS: Scenario[] = [
  {
    id: 'token-opaque',
    title: 'POST /oauth2/token client_credentials (opaque)',
    floorRps: FLOORS.opaqueTokenRps,
    versus: { id: 'peer-token', floor: FLOORS.tokenPeerRatio },
    load: (t) => httpLoad(`${t.publicUrl}/oauth2/token`, { ...FORM, authorization: t.opaque.basic }, 'grant_type=client_credentials&scope=read'),
  },
  {
    id: 'peer-token',
    title: 'peer: oidc-provider POST /token client_credentials',
    peer: true,
    load: (t) => httpLoad(`${t.peer.url}/token`, { ...FORM, authorization: t.peer.basic }, 'grant_type=client_credentials&scope=read'),
  },
  {
    id: 'token-jwt',
    title: 'POST /oauth2/token client_credentials (jwt)',
    load: (t) => httpLoad(`${t.publicUrl}/oauth2/token`, { ...FORM, authorization: t.jwt.basic }, 'grant_type=client_credentials&scope=read'),
  },
  {
    id: 'introspect-http',
    title: 'POST /admin/oauth2/introspect (opaque)',
    versus: { id: 'peer-introspect', floor: FLOORS.introspectionPeerRatio },
    load: (t) => httpLoad(`${t.adminUrl}/admin/oauth2/introspect`, FORM, `token=${encodeURIComponent(t.token)}`),
  },
  {
    id: 'peer-introspect',
    title: 'peer: oidc-provider POST /token/introspection',
    peer: true,
    load: (t) => httpLoad(`${t.peer.url}/token/introspection`, { ...FORM, authorization: t.peer.basic }, `token=${encodeURIComponent(t.peer.token)}`),
  },
  {
    id: 'introspect-grpc',
    title: 'gRPC IntrospectionService/Introspect (core)',
    floorRps: FLOORS.grpcIntrospectionRps,
    load: (t) => grpcLoad(t),
  },
  {
    id: 'full-login',
    title: `full login: auth → login → consent → code → token, ${LOGIN_FLOWS} flows (logins/s)`,
    floorRps: LOGIN_FLOORS.loginsPerSecond,
    p99FloorMs: LOGIN_FLOORS.p99Ms,
    load: (t) => {
      const { warmupSeconds, seconds } = settings;
      const spec: LoginLoadSpec = { publicUrl: t.publicUrl, adminUrl: t.adminUrl, clientId: t.loginClientId, redirectUri: LOGIN_REDIRECT, concurrency: LOGIN_FLOWS, warmupSeconds, seconds };
      return { entry: 'test/bench/login-load.ts', spec };
    },
  },
  {
    id: 'introspect-grpc-batch',
    title: `gRPC IntrospectBatch, ${BATCH} tokens a call (core; tokens/s)`,
    floorRps: FLOORS.batchTokensPerSecond,
    p99Floor: false,
    load: (t) => grpcLoad(t, t.batch),
  },
];

// ---- teardown: every resource registers its undo as soon as it exists ----

const undo: Array<() => Promise<unknown>> = [];
let tornDown: Promise<void> | undefined;
let interrupted = false;

function teardown(): Promise<void> {
  tornDown ??= (async () => {
    for (const step of undo.reverse()) {
      await step().catch((err: unknown) => console.error(`teardown: ${err instanceof Error ? err.message : String(err)}`));
    }
  })();
  return tornDown;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\n${signal}: tearing down`);
    void teardown().then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

/** SIGTERM, then SIGKILL if the program has not exited within `graceMs`. */
async function stopProgram(program: Program, graceMs = 10_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const killed = new Promise<void>((done) => {
    timer = setTimeout(() => {
      program.child.kill('SIGKILL');
      done();
    }, graceMs);
  });
  await Promise.race([program.stop('SIGTERM'), killed]);
  clearTimeout(timer);
}

function start(entry: string, args: string[], env: Record<string, string> = {}): Program {
  const program = runProgram(entry, args, env);
  undo.push(() => stopProgram(program));
  return program;
}

// ---- setup ----

async function createDatabase(): Promise<CreatedDatabase> {
  const postgres = testDatabases({ TEST_POSTGRES_DSN: settings.adminDsn }).find((db) => db.name === 'postgres');
  if (!postgres) throw new Error('no PostgreSQL test database support');
  const created = await postgres.create();
  const name = new URL(created.dsn).pathname.slice(1);
  undo.push(() => created.drop().then(() => console.error(`dropped database ${name}`)));
  return created;
}

async function migrate(dsn: string): Promise<void> {
  const migrator = start('migrator/main.ts', ['sql', 'up', dsn, '--yes']);
  const code = await migrator.exited();
  if (code !== 0) throw new Error(`migrator exited with ${String(code)}:\n${migrator.output()}`);
}

/** Resolves once the gateway's /health/ready says core is SERVING; fails if either program dies. */
async function waitReady(adminUrl: string, programs: Program[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const program of programs) {
      if (program.child.exitCode !== null) throw new Error(`a server exited during start-up:\n${program.output()}`);
    }
    const ready = await fetch(`${adminUrl}/health/ready`).then((res) => res.ok, () => false);
    if (ready) return;
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`not ready after ${timeoutMs} ms:\n${programs.map((p) => p.output()).join('\n')}`);
}

/** With BENCH_CPU_PROF, what makes a program write its CPU profile there (cpu-profile.ts). */
function profilingEnv(): Record<string, string> {
  return settings.cpuProfileDir ? { NODE_OPTIONS: `--import tsx --import ${resolve('test/bench/cpu-profile.ts')}`, BENCH_CPU_PROF_DIR: settings.cpuProfileDir } : {};
}

async function startServers(dsn: string): Promise<Servers> {
  const [publicPort, adminPort, grpcPort] = [await unusedPort(), await unusedPort(), await unusedPort()];
  const env: Record<string, string> = {
    DSN: `${dsn}?max_conns=${settings.maxConns}`,
    SECRETS_SYSTEM: SYSTEM_SECRET,
    LOG_LEVEL: 'warn',
    SERVE_PUBLIC_HOST: '127.0.0.1',
    SERVE_PUBLIC_PORT: String(publicPort),
    SERVE_ADMIN_HOST: '127.0.0.1',
    SERVE_ADMIN_PORT: String(adminPort),
    SERVE_GRPC_HOST: '127.0.0.1',
    SERVE_GRPC_PORT: String(grpcPort),
    URLS_SELF_ISSUER: `http://127.0.0.1:${publicPort}/`,
    URLS_SELF_PUBLIC: `http://127.0.0.1:${publicPort}/`,
    ...TEST_CALLERS_ENV,
    ...profilingEnv(),
  };
  const core = start('core-service/main.ts', ['serve'], env);
  const gateway = start('http-gateway/main.ts', ['serve', 'all', '--dangerous-force-http'], env);
  await waitReady(`http://127.0.0.1:${adminPort}`, [core, gateway]);
  if (core.child.pid === undefined || gateway.child.pid === undefined) throw new Error('a server has no pid');
  return {
    publicUrl: `http://127.0.0.1:${publicPort}`,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    grpcAddress: `127.0.0.1:${grpcPort}`,
    corePid: core.child.pid,
    gatewayPid: gateway.child.pid,
    database: new URL(dsn).pathname.slice(1),
  };
}

async function postJson(url: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

async function postForm(url: string, headers: Record<string, string>, body: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: 'POST', headers: { ...FORM, ...headers }, body });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Creates a client_credentials client; returns its HTTP Basic header (RFC 6749 §2.3.1 encoding). */
async function createClient(adminUrl: string, strategy: 'opaque' | 'jwt'): Promise<{ basic: string }> {
  const client = await postJson(`${adminUrl}/admin/clients`, {
    client_name: `bench-${strategy}`,
    grant_types: ['client_credentials'],
    response_types: ['token'],
    scope: 'read',
    token_endpoint_auth_method: 'client_secret_basic',
    access_token_strategy: strategy,
  });
  const { client_id: id, client_secret: secret } = client;
  if (typeof id !== 'string' || typeof secret !== 'string') throw new Error(`client created without id or secret: ${JSON.stringify(client)}`);
  const credentials = `${encodeURIComponent(id)}:${encodeURIComponent(secret)}`;
  return { basic: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** Both clients, and proof that each scenario's request succeeds once before it is measured. */
async function prepare(urls: Servers): Promise<Target> {
  const opaque = await createClient(urls.adminUrl, 'opaque');
  const jwt = await createClient(urls.adminUrl, 'jwt');
  const tokenBody = 'grant_type=client_credentials&scope=read';
  const issued = await postForm(`${urls.publicUrl}/oauth2/token`, { authorization: opaque.basic }, tokenBody);
  const token = issued.access_token;
  if (typeof token !== 'string' || !token.startsWith('ory_at_')) throw new Error(`expected an opaque access token, got ${JSON.stringify(issued)}`);
  const jwtIssued = await postForm(`${urls.publicUrl}/oauth2/token`, { authorization: jwt.basic }, tokenBody);
  if (typeof jwtIssued.access_token !== 'string' || jwtIssued.access_token.split('.').length !== 3) {
    throw new Error(`expected a JWT access token, got ${JSON.stringify(jwtIssued)}`);
  }
  const introspected = await postForm(`${urls.adminUrl}/admin/oauth2/introspect`, {}, `token=${encodeURIComponent(token)}`);
  if (introspected.active !== true) throw new Error(`the fresh token introspects as ${JSON.stringify(introspected)}`);
  const login = await postJson(`${urls.adminUrl}/admin/clients`, {
    client_name: 'bench-login',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [LOGIN_REDIRECT],
    scope: 'openid',
    token_endpoint_auth_method: 'none',
  });
  if (typeof login.client_id !== 'string') throw new Error(`login client created without id: ${JSON.stringify(login)}`);
  const batch: string[] = [];
  while (batch.length < BATCH) batch.push(String((await postForm(`${urls.publicUrl}/oauth2/token`, { authorization: opaque.basic }, tokenBody)).access_token));
  return { ...urls, opaque, jwt, loginClientId: login.client_id, token, batch, peer: await startPeer() };
}

/** Starts the peer (peer.ts) and proves its token and introspection endpoints answer. */
async function startPeer(): Promise<Target['peer']> {
  const port = await unusedPort();
  const peer = start('test/bench/peer.ts', [JSON.stringify({ port, clientId: PEER_CLIENT.id, clientSecret: PEER_CLIENT.secret })]);
  await peer.waitFor(new RegExp(`^${PEER_READY_LINE}$`), 60_000);
  if (peer.child.pid === undefined) throw new Error('the peer has no pid');
  const url = `http://127.0.0.1:${port}`;
  const basic = `Basic ${Buffer.from(`${PEER_CLIENT.id}:${PEER_CLIENT.secret}`).toString('base64')}`;
  const issued = await postForm(`${url}/token`, { authorization: basic }, 'grant_type=client_credentials&scope=read');
  if (typeof issued.access_token !== 'string') throw new Error(`the peer issued no access token: ${JSON.stringify(issued)}`);
  const introspected = await postForm(`${url}/token/introspection`, { authorization: basic }, `token=${encodeURIComponent(issued.access_token)}`);
  if (introspected.active !== true) throw new Error(`the peer's fresh token introspects as ${JSON.stringify(introspected)}`);
  return { url, pid: peer.child.pid, basic, token: issued.access_token };
}

// ---- measuring and reporting ----

/** CPU per request, µs, of each party; `others` is what the rest of the machine used meanwhile. */
interface CpuPerRequest {
  core: number;
  gateway: number;
  postgres: number;
  load: number;
  /** Busy CPU of every other process on the machine during the window, in cores (0–N). */
  othersCores: number;
}

async function measure(scenario: Scenario, target: Target): Promise<LoadResult & { cpu: CpuPerRequest }> {
  const { entry, spec } = scenario.load(target);
  // Profiled too: the load process shares the cores, so its CPU counts against the floor.
  const load = start(entry, [JSON.stringify(spec)], profilingEnv());
  // The peer is one process; its CPU is shown in the core column.
  const groups = () => (scenario.peer ? { core: [target.peer.pid], gateway: [], postgres: [] } : { core: [target.corePid], gateway: [target.gatewayPid], postgres: backendPids(target.database) });
  await load.waitFor(new RegExp(`^${MEASURING_LINE}$`), 60_000);
  const before = snapshot(groups());
  const busyBefore = machineBusyMs();
  const code = await load.exited();
  const used = cpuUsed(before, snapshot(groups()));
  const busy = machineBusyMs() - busyBefore;
  const line = load
    .output()
    .split('\n')
    .findLast((l) => l.startsWith('{"completed"'));
  if (code !== 0 || line === undefined) throw new Error(`load process for ${scenario.id} exited with ${String(code)}:\n${load.output()}`);
  const raw = JSON.parse(line) as LoadResult;
  // The batch scenario's figures are in tokens: each call carries `itemsPerRequest` of them.
  const items = raw.itemsPerRequest ?? 1;
  const result = { ...raw, completed: raw.completed * items, requestsPerSecond: raw.requestsPerSecond * items };
  const perRequest = (ms: number | undefined) => (result.completed === 0 ? 0 : ((ms ?? 0) * 1000) / result.completed);
  const ours = (used.core ?? 0) + (used.gateway ?? 0) + (used.postgres ?? 0) + result.loadCpuMs;
  return {
    ...result,
    cpu: {
      core: perRequest(used.core),
      gateway: perRequest(used.gateway),
      postgres: perRequest(used.postgres),
      load: perRequest(result.loadCpuMs),
      othersCores: Math.max(0, busy - ours) / 1000 / result.seconds,
    },
  };
}

interface Row extends LoadResult {
  cpu: CpuPerRequest;
  id: string;
  scenario: string;
  floorRps?: number;
  verdict: 'PASS' | 'BELOW' | 'PEER';
  /** Which floors were missed. */
  missed: string[];
  /** Tessera/peer req/s, when the scenario has a peer that was measured. */
  ratio?: { peer: string; value: number; floor: number };
}

function judge(scenario: Scenario, result: LoadResult & { cpu: CpuPerRequest }): Row {
  const missed: string[] = [];
  if (scenario.floorRps !== undefined && result.requestsPerSecond < scenario.floorRps) missed.push(`req/s < ${scenario.floorRps}`);
  const p99Floor = scenario.p99FloorMs ?? FLOORS.p99Ms;
  if (scenario.p99Floor !== false && result.p99Ms >= p99Floor) missed.push(`p99 ≥ ${p99Floor} ms`);
  if (result.errors > 0) missed.push('errors');
  return {
    id: scenario.id,
    scenario: scenario.title,
    ...(scenario.floorRps === undefined ? {} : { floorRps: scenario.floorRps }),
    ...result,
    verdict: scenario.peer ? 'PEER' : missed.length === 0 ? 'PASS' : 'BELOW',
    missed,
  };
}

/** Adds each Tessera/peer ratio, measured in the same run, and judges it against its floor. */
function judgeRatios(rows: Row[]): Row[] {
  return rows.map((row) => {
    const versus = SCENARIOS.find((s) => s.id === row.id)?.versus;
    const peer = versus && rows.find((r) => r.id === versus.id);
    if (!versus || !peer || peer.requestsPerSecond === 0) return row;
    const value = row.requestsPerSecond / peer.requestsPerSecond;
    const missed = value < versus.floor ? [...row.missed, `ratio < ${versus.floor}`] : row.missed;
    return { ...row, ratio: { peer: peer.id, value, floor: versus.floor }, missed, verdict: missed.length === 0 ? 'PASS' : 'BELOW' };
  });
}

function printTable(rows: Row[]): void {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'CPU µs/req core/gw/pg/load', 'others', 'vs peer', 'floor', 'verdict'];
  const cells = rows.map((r) => [
    r.scenario,
    r.requestsPerSecond.toFixed(0),
    r.p50Ms.toFixed(1),
    r.p99Ms.toFixed(1),
    String(r.errors),
    [r.cpu.core, r.cpu.gateway, r.cpu.postgres, r.cpu.load].map((us) => us.toFixed(0)).join(' / '),
    `${r.cpu.othersCores.toFixed(1)} cores`,
    r.ratio ? `${r.ratio.value.toFixed(2)}×` : '',
    r.verdict === 'PEER' ? '' : `${r.floorRps === undefined ? '' : `≥${r.floorRps}/s, `}${r.ratio ? `≥${r.ratio.floor}× peer, ` : ''}${SCENARIOS.find((s) => s.id === r.id)?.p99Floor === false ? '' : `p99<${SCENARIOS.find((s) => s.id === r.id)?.p99FloorMs ?? FLOORS.p99Ms}, `}0 err`,
    r.verdict === 'BELOW' ? `BELOW (${r.missed.join(', ')})` : r.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const numeric = new Set([1, 2, 3, 4]);
  const line = (c: string[]) => c.map((v, i) => (numeric.has(i) ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
  console.log('full-login rows count logins (6 HTTP requests each: authorize, two accepts, two verifiers, token): req/s is logins/s, CPU µs/req is per login;');
  console.log('CPU µs/req: CPU time per request of core, gateway, PostgreSQL backends and the load process in the window (peer rows: the peer process in the core column);');
  console.log('vs peer: Tessera req/s divided by the peer\'s (oidc-provider, in-memory) in the same run; batch rows count tokens, not calls;');
  console.log('others: cores kept busy by every other process on the machine meanwhile (req/s is only comparable when it is low).');
  for (const r of rows) if (r.firstError !== undefined) console.log(`  ${r.id}: first error: ${r.firstError}`);
}

async function main(): Promise<void> {
  const machine = {
    availableParallelism: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
  };
  const scenarios = SCENARIOS.filter((s) => settings.only === undefined || settings.only.includes(s.id));
  if (scenarios.length === 0) throw new Error(`BENCH_ONLY names no scenario; ids: ${SCENARIOS.map((s) => s.id).join(', ')}`);

  const started = Date.now();
  const database = await createDatabase();
  await migrate(database.dsn);
  const target = await prepare(await startServers(database.dsn));
  console.log(`setup ${((Date.now() - started) / 1000).toFixed(1)} s; measuring ${scenarios.length} scenario(s), ${settings.warmupSeconds} s warm-up + ${settings.seconds} s each`);

  const measured: Row[] = [];
  for (const scenario of scenarios) {
    const row = judge(scenario, await measure(scenario, target));
    measured.push(row);
    console.log(`  ${row.id}: ${row.requestsPerSecond.toFixed(0)} req/s, p99 ${row.p99Ms.toFixed(1)} ms`);
  }
  const rows = judgeRatios(measured);

  console.log('');
  console.log(
    `Node ${machine.node}, availableParallelism ${machine.availableParallelism} (${machine.cpu}); core, gateway, PostgreSQL and the ` +
      `load process share these cores. ${settings.connections} connections, core pool max_conns=${settings.maxConns}.`,
  );
  printTable(rows);
  console.log('');
  console.log(JSON.stringify({ machine, settings: { ...settings, floors: FLOORS }, results: rows }));
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  // After Ctrl-C the killed load process fails the run; that is not worth a message.
  if (!interrupted) console.error(`bench: setup or measurement failed: ${err instanceof Error ? err.message : String(err)}`);
  exitCode = 1;
} finally {
  await teardown();
}
process.exit(exitCode);
