/**
 * Issue 9 §6: property-based tests (fast-check) over every HTTP route the gateway serves (read
 * from its own OpenAPI document, so a new route is fuzzed the day it is added) and every core
 * RPC (read from the generated service definitions). Each case is a random method, header set,
 * content type, parameter set, body shape (nulls, arrays, huge numbers, deep nesting, unicode,
 * NUL bytes) and URL encoding, sent to a real gateway + core on SQLite.
 *
 * Invariants, for every case:
 * - no 5xx from the gateway, no INTERNAL or UNKNOWN from core;
 * - every JSON error body has Hydra's shape (a string `error`); every core error carries the
 *   decided OAuthError trailer;
 * - no answer slower than FUZZ_MAX_MS;
 * - the admin listener's `/health/alive` answers within the same bound while the case runs;
 * - a refused request (4xx) stores nothing: the row count of every table is unchanged.
 *
 * CI runs a fixed seed and a bounded number of cases; `FUZZ_RUNS=5000 FUZZ_SEED=<n>
 * npm test -- fuzz` runs longer or elsewhere. A failure prints the seed and the shrunk case.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, credentials, Metadata, status, type ServiceDefinition, type ServiceError } from '@grpc/grpc-js';
import fc from 'fast-check';
import { request } from 'undici';
import { ClientServiceService } from '../proto/gen/tessera/v1/clients.js';
import { FlowServiceService } from '../proto/gen/tessera/v1/flows.js';
import { IntrospectionServiceService } from '../proto/gen/tessera/v1/introspection.js';
import { CredentialServiceService } from '../proto/gen/tessera/v1/credentials.js';
import { JanitorServiceService } from '../proto/gen/tessera/v1/janitor.js';
import { RegistrationServiceService } from '../proto/gen/tessera/v1/registration.js';
import { JwkServiceService } from '../proto/gen/tessera/v1/keys.js';
import { OAuth2ServiceService } from '../proto/gen/tessera/v1/oauth2.js';
import { parseDsn } from '../core-service/storage/dsn.js';
import { closeOrm, openOrm, type Orm } from '../core-service/storage/orm.js';
import { gatewayMetadata, startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
/** Generous for a loaded 2-core CI machine; the figure reported in the issue note is the maximum seen. */
const MAX_MS = Number(process.env.FUZZ_MAX_MS ?? 3_000);

const ISSUER = 'http://127.0.0.1:4444';

interface Operation {
  listener: 'public' | 'admin';
  method: string;
  /** OpenAPI path with `{param}` placeholders. */
  path: string;
  /** The document promises a 500 page here (Hydra's default error page answers 500 by design). */
  answers500: boolean;
}

interface Observed {
  cases: number;
  maxMs: number;
  byStatus: Map<number, number>;
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

/**
 * A path-traversal sample sent as a parameter value; built, not written out, as it names no file
 * (nothing opens it: it only travels in requests).
 */
const TRAVERSAL = `${'../'.repeat(4)}traversal`;

/** Strings that have broken parsers: NUL, unicode, surrogates, percent signs, long runs. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', '\u0000', '%', '%zz', '%00', '\uD800', '😀', TRAVERSAL, 'a'.repeat(5_000), 'null', '[]', '{}', '-1', '1e309', '__proto__', 'constructor'),
);

/** Parameter names: the ones routes read (so handlers go deep) and anything else. */
const KNOWN_NAMES = [
  'client_id', 'client_secret', 'grant_type', 'code', 'redirect_uri', 'scope', 'state', 'nonce', 'response_type', 'response_mode',
  'code_challenge', 'code_challenge_method', 'code_verifier', 'refresh_token', 'token', 'token_type_hint', 'prompt', 'max_age',
  'login_challenge', 'consent_challenge', 'logout_challenge', 'challenge', 'subject', 'client', 'all', 'page_size', 'page_token',
  'id_token_hint', 'post_logout_redirect_uri', 'audience', 'client_assertion', 'client_assertion_type', 'request', 'ui_locales',
  'login_session_id', 'consent_request_id', 'trigger_backchannel_logout', 'kid', 'set',
];
const paramName = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KNOWN_NAMES) }, { weight: 1, arbitrary: nasty });
const params = fc.array(fc.tuple(paramName, nasty), { maxLength: 12 });

/** JSON shapes Go's decoder and ours must both survive. */
const { json: jsonShape } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.constantFrom(0, -1, 2 ** 53 + 1, 1e308, -1e308, 0.5),
    nasty,
    fc.array(tie('json'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...KNOWN_NAMES, 'client_name', 'redirect_uris', 'grant_types', 'grant_scope', 'remember', 'keys', 'alg', 'use', 'kty', 'jwks', 'metadata', 'op', 'path', 'value'), nasty), tie('json'), { maxKeys: 6 }),
  ),
}));

/** JSON nested far deeper than any body has reason to be. */
const deepJson = fc.integer({ min: 50, max: 3_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth));

const CONTENT_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=iso-8859-1',
  'multipart/form-data; boundary=x',
  'text/plain',
  'application/octet-stream',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/jwt',
  '*/*',
  'application/json; charset=utf-16',
  'garbage',
];

/** Percent-encodes the UTF-8 bytes of `s` (a lone surrogate becomes U+FFFD, as a browser sends it). */
function pct(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9._~-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function formEncode(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join('&');
}

const body = fc.oneof(
  fc.constant(undefined),
  params.map(formEncode),
  jsonShape.map((v) => JSON.stringify(v) ?? 'null'),
  deepJson,
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.constantFrom('{', '[', '{"a":', '\u0000', 'a=%', '=', '&&&', '{"client_id":"x","client_id":"y"}'),
);

const headers = fc.record(
  {
    authorization: fc.oneof(
      nasty.map((s) => `Basic ${Buffer.from(s).toString('base64')}`),
      nasty.map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, 'x')}`),
      fc.constantFrom('Basic', 'Bearer', 'Basic Og==', 'Basic !!!', 'Digest x'),
    ),
    cookie: fc.constantFrom('ory_hydra_session=x', 'ory_hydra_login_csrf_123=%zz', 'a=b; a=c', '=', 'ory_hydra_session_dev=' + 'A'.repeat(3_000)),
    origin: fc.constantFrom('https://evil.example', 'null', 'http://127.0.0.1:3000'),
    accept: fc.constantFrom('application/json', 'text/html', '*/*', 'garbage'),
  },
  { requiredKeys: [] },
);

/** A path parameter value, sometimes percent-encoded oddly. */
const pathValue = fc.oneof(nasty.map(pct), fc.constantFrom('%2F', '%00', '..', '%2e%2e', 'a%20b', 'x'.repeat(300)));

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

async function operations(adminUrl: string): Promise<Operation[]> {
  const res = await request(`${adminUrl}/admin/openapi.json`);
  assert.equal(res.statusCode, 200);
  const document = (await res.body.json()) as { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>> };
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, spec] of Object.entries(methods)) {
      if (!METHODS.includes(method.toUpperCase())) continue;
      const answers500 = spec.responses?.['500'] !== undefined;
      out.push({ listener: path.startsWith('/admin/') ? 'admin' : 'public', method: method.toUpperCase(), path, answers500 });
    }
  }
  return out;
}

/** Total rows in every table but the migrations bookkeeping: a refused request must not move it. */
async function rowCounts(orm: Orm): Promise<string> {
  const connection = orm.em.getConnection();
  const tables = await connection.execute<{ name: string }[]>("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name");
  const counts: string[] = [];
  for (const { name } of tables) {
    if (name.includes('migrations')) continue;
    const [row] = await connection.execute<{ n: number }[]>(`select count(*) as n from "${name}"`);
    counts.push(`${name}=${row?.n ?? 0}`);
  }
  return counts.join(' ');
}

function record(observed: Observed, statusCode: number, ms: number): void {
  observed.cases += 1;
  observed.maxMs = Math.max(observed.maxMs, ms);
  observed.byStatus.set(statusCode, (observed.byStatus.get(statusCode) ?? 0) + 1);
}

function summary(observed: Observed): string {
  const statuses = [...observed.byStatus.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
  return `${observed.cases} cases (seed ${SEED}), slowest ${observed.maxMs.toFixed(0)} ms, answers ${statuses}`;
}

// ---------------------------------------------------------------------------------------------
// gRPC
// ---------------------------------------------------------------------------------------------

const SERVICES: Record<string, ServiceDefinition> = {
  ClientService: ClientServiceService,
  CredentialService: CredentialServiceService,
  FlowService: FlowServiceService,
  IntrospectionService: IntrospectionServiceService,
  JanitorService: JanitorServiceService,
  JwkService: JwkServiceService,
  OAuth2Service: OAuth2ServiceService,
  RegistrationService: RegistrationServiceService,
};

interface Rpc {
  path: string;
  /** The request message's default (every field at its zero value), from decoding no bytes. */
  zero: Record<string, unknown>;
  serialize: (value: unknown) => Buffer;
}

function rpcs(): Rpc[] {
  const out: Rpc[] = [];
  for (const definition of Object.values(SERVICES)) {
    for (const method of Object.values(definition)) {
      if (method.requestStream || method.responseStream) continue;
      out.push({ path: method.path, zero: method.requestDeserialize(Buffer.alloc(0)) as Record<string, unknown>, serialize: method.requestSerialize as (value: unknown) => Buffer });
    }
  }
  return out;
}

/** A random value shaped like `zero` (same field names, values of the same kind). */
function messageLike(zero: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const fields: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, value] of Object.entries(zero)) {
    if (typeof value === 'string') fields[name] = nasty;
    else if (typeof value === 'number') fields[name] = fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31 - 1, 2 ** 32 - 1));
    else if (typeof value === 'boolean') fields[name] = fc.boolean();
    else if (Array.isArray(value)) fields[name] = fc.array(nasty, { maxLength: 4 });
  }
  return fc.record(fields, { requiredKeys: [] });
}

function unaryRaw(client: Client, path: string, bytes: Buffer, metadata: Metadata): Promise<ServiceError | undefined> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, (b: Buffer) => b, (b: Buffer) => b, bytes, metadata, { deadline: Date.now() + MAX_MS * 2 }, (err) => resolve(err ?? undefined));
  });
}

// ---------------------------------------------------------------------------------------------

const sqlite = testDatabases().find((d) => d.name === 'sqlite');
if (!sqlite) throw new Error('SQLite is always available');

describe('fuzzing every route and RPC', () => {
  let database: CreatedDatabase | undefined;
  let cluster: Cluster | undefined;
  let orm: Orm | undefined;

  before(async () => {
    database = await sqlite.create();
    // Dynamic registration on, so its public routes are fuzzed past Hydra's 404 for a disabled feature.
    cluster = await startCluster({ dsn: database.dsn, env: { URLS_SELF_ISSUER: ISSUER, URLS_LOGIN: 'http://127.0.0.1:3000/login', URLS_CONSENT: 'http://127.0.0.1:3000/consent', OIDC_DYNAMIC_CLIENT_REGISTRATION_ENABLED: 'true' } });
    orm = await openOrm(parseDsn(database.dsn));
    // One real client, so requests that name it get past the first check.
    const created = await request(`${cluster.adminUrl}/admin/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: 'fuzz-client', client_secret: 'fuzz-secret-fuzz-secret', redirect_uris: ['https://app.example/cb'], grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], response_types: ['code'], scope: 'openid offline' }),
    });
    assert.equal(created.statusCode, 201, await created.body.text());
  });
  after(async () => {
    if (orm) await closeOrm(orm);
    await cluster?.close();
    await database?.drop();
  });

  test('HTTP: no 5xx, Hydra-shaped errors, bounded time, admin stays responsive, refusals store nothing', { timeout: 20 * 60_000 }, async (t) => {
    if (!cluster || !orm) throw new Error('not started');
    const { publicUrl, adminUrl } = cluster;
    const db = orm;
    const ops = await operations(adminUrl);
    assert.ok(ops.length >= 40, `the API document lists ${ops.length} operations`);
    const observed: Observed = { cases: 0, maxMs: 0, byStatus: new Map() };

    const httpCase = fc.record({
      op: fc.constantFrom(...ops),
      otherMethod: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      pathValues: fc.array(pathValue, { minLength: 4, maxLength: 4 }),
      query: params,
      rawQuery: fc.option(fc.constantFrom('%', '&&=&', 'a=%zz', '=x', '?', '#'), { freq: 6 }),
      contentType: fc.constantFrom(...CONTENT_TYPES),
      body,
      headers,
    });

    await fc.assert(
      fc.asyncProperty(httpCase, async (c) => {
        let i = 0;
        const path = c.op.path.replace(/\{[^}]+\}/g, () => c.pathValues[i++ % c.pathValues.length] ?? 'x');
        const query = c.rawQuery ?? formEncode(c.query);
        const base = c.op.listener === 'admin' ? adminUrl : publicUrl;
        const method = c.otherMethod ?? c.op.method;
        const sendsBody = method !== 'GET' && method !== 'HEAD' && c.body !== undefined;
        const requestHeaders: Record<string, string> = { ...c.headers };
        if (c.contentType && sendsBody) requestHeaders['content-type'] = c.contentType;

        const before = await rowCounts(db);
        const started = performance.now();
        const [res, alive] = await Promise.all([
          request(`${base}${path}${query ? `?${query}` : ''}`, { method, headers: requestHeaders, body: sendsBody ? c.body : undefined, headersTimeout: MAX_MS * 2, bodyTimeout: MAX_MS * 2 }),
          (async () => {
            const aliveStarted = performance.now();
            const r = await request(`${adminUrl}/health/alive`, { headersTimeout: MAX_MS * 2 });
            await r.body.dump();
            return { status: r.statusCode, ms: performance.now() - aliveStarted };
          })(),
        ]);
        const text = await res.body.text();
        const ms = performance.now() - started;
        record(observed, res.statusCode, ms);
        const label = `${method} ${c.op.listener} ${path.slice(0, 120)} → ${res.statusCode}: ${text.slice(0, 300)}`;

        const sameRoute = method === c.op.method || (method === 'HEAD' && c.op.method === 'GET');
        const promised = c.op.answers500 && sameRoute && res.statusCode === 500;
        assert.ok(res.statusCode < 500 || promised, label);
        assert.ok(ms < MAX_MS, `${label} took ${ms.toFixed(0)} ms`);
        assert.equal(alive.status, 200, 'admin /health/alive');
        assert.ok(alive.ms < MAX_MS, `/health/alive took ${alive.ms.toFixed(0)} ms beside ${label}`);
        const type = String(res.headers['content-type'] ?? '');
        if (res.statusCode >= 400 && type.startsWith('application/json') && method !== 'HEAD') {
          const parsed = JSON.parse(text) as { error?: unknown };
          assert.equal(typeof parsed.error, 'string', `error body without Hydra's shape: ${label}`);
        }
        if (res.statusCode >= 400) assert.equal(await rowCounts(db), before, `a refused request changed stored rows: ${label}`);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
    );
    t.diagnostic(`HTTP: ${summary(observed)} over ${ops.length} operations`);
  });

  test('gRPC: undecodable bytes are INVALID_ARGUMENT, not INTERNAL', async () => {
    if (!cluster) throw new Error('not started');
    const client = new Client(cluster.grpcAddress, credentials.createInsecure());
    try {
      for (const rpc of rpcs()) {
        const err = await unaryRaw(client, rpc.path, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), gatewayMetadata());
        assert.equal(err?.code, status.INVALID_ARGUMENT, `${rpc.path}: ${err?.code} ${err?.details}`);
      }
    } finally {
      client.close();
    }
  });

  test('gRPC: no INTERNAL or UNKNOWN, every error carries the decided OAuthError, bounded time, refusals store nothing', { timeout: 20 * 60_000 }, async (t) => {
    if (!cluster || !orm) throw new Error('not started');
    const db = orm;
    const client = new Client(cluster.grpcAddress, credentials.createInsecure());
    const observed: Observed = { cases: 0, maxMs: 0, byStatus: new Map() };
    const all = rpcs();
    assert.ok(all.length >= 30, `${all.length} RPCs`);
    const grpcCase = fc.oneof(
      fc.constantFrom(...all).chain((rpc) => messageLike(rpc.zero).map((message) => ({ rpc, bytes: safeSerialize(rpc, message) }))),
      fc.record({ rpc: fc.constantFrom(...all), bytes: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) }),
    );
    try {
      await fc.assert(
        fc.asyncProperty(grpcCase, async ({ rpc, bytes }) => {
          const before = await rowCounts(db);
          const started = performance.now();
          const err = await unaryRaw(client, rpc.path, bytes, gatewayMetadata());
          const ms = performance.now() - started;
          const code = err?.code ?? status.OK;
          record(observed, code, ms);
          const label = `${rpc.path} → ${status[code]} ${err?.details ?? ''}`;
          assert.notEqual(code, status.INTERNAL, label);
          assert.notEqual(code, status.UNKNOWN, label);
          assert.ok(ms < MAX_MS, `${label} took ${ms.toFixed(0)} ms`);
          if (err) {
            assert.equal(err.metadata.get('tessera-error-bin').length, 1, `no OAuthError trailer: ${label}`);
            assert.equal(await rowCounts(db), before, `a refused call changed stored rows: ${label}`);
          }
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
      );
    } finally {
      client.close();
    }
    t.diagnostic(`gRPC: ${summary(observed)} over ${all.length} RPCs (answers by gRPC code)`);
  });
});

/** Serializes a random message; a value ts-proto cannot encode falls back to the zero message. */
function safeSerialize(rpc: Rpc, message: Record<string, unknown>): Buffer {
  try {
    return rpc.serialize({ ...rpc.zero, ...message });
  } catch {
    return rpc.serialize(rpc.zero);
  }
}
