/**
 * Issue 9 §1: no input costs more than linear time. Core and gateway run as processes; every
 * form and query route gets the bodies that froze them before (40,000 repeats of `a=`, and
 * 40,000 distinct names) and must answer the limit error at once, in Hydra's error shape, while
 * `/health/alive` on the admin port keeps answering. A direct gRPC caller of core's Authorize
 * gets the same bound, and unknown parameters never reach the login app's URL.
 *
 * Time bounds are set for a loaded 2-core CI machine (BOUND_MS); the figures measured are
 * printed as test diagnostics (`npm test -- input-limits` shows them).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'undici';
import { connectCore, type CoreConnection } from '../http-gateway/grpc-client/core.js';
import { call } from '../http-gateway/grpc-client/call.js';
import { TEST_CALLERS_ENV, TEST_CORE_API_KEY, TEST_SYSTEM_SECRET, unusedPort } from './support/cluster.js';
import { adminCall, createClient } from './support/oauth2.js';
import { runProgram, type Program } from './support/processes.js';

/** Before the fix these took 4.5 s to 15 s; the issue asks for "well under 100 ms". */
const BOUND_MS = 1_000;
/**
 * A direct gRPC caller pays for protobuf itself: encoding and decoding a 40,000-entry map takes
 * ~0.5 s each on a loaded 2-core machine, linear. Building the request URL parameter by
 * parameter added ~9 s more here (core-service/shared/uris.test.ts times that part alone).
 */
const CORE_BOUND_MS = 5_000;
const N = 40_000;
const REPEATED = 'a=&'.repeat(N).slice(0, -1);
const DISTINCT = Array.from({ length: N }, (_, i) => `p${i}=`).join('&');
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Timed {
  status: number;
  body: Record<string, unknown>;
  ms: number;
}

async function timed(url: string, init: { method: string; body?: string; headers?: Record<string, string> }): Promise<Timed> {
  const started = performance.now();
  const res = await request(url, { method: init.method as 'GET', body: init.body, headers: init.headers });
  const text = await res.body.text();
  const ms = performance.now() - started;
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    assert.fail(`${init.method} ${url.slice(0, 80)}: not JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.statusCode, body, ms };
}

/** Hydra's error JSON naming the limit. */
function assertLimitError(what: string, answer: Timed, status: number, limit: RegExp): void {
  assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
  assert.equal(answer.body.error, 'invalid_request', what);
  assert.equal(typeof answer.body.error_description, 'string', what);
  assert.match(String(answer.body.error_description), limit, what);
  assert.equal(answer.body.status_code, status, what);
}

describe('input costs linear time and is bounded', () => {
  let core: Program;
  let gateway: Program;
  let pub = '';
  let admin = '';
  let grpcPort = 0;
  const measured: Record<string, number> = {};

  before(async () => {
    grpcPort = await unusedPort();
    const [publicPort, adminPort] = [await unusedPort(), await unusedPort()];
    core = runProgram('core-service/main.ts', ['serve'], {
      DSN: 'memory',
      SECRETS_SYSTEM: TEST_SYSTEM_SECRET,
      SERVE_GRPC_PORT: String(grpcPort),
      SERVE_METRICS_PORT: '0',
      ...TEST_CALLERS_ENV,
    });
    await core.waitFor(/core gRPC listening/, 60_000);
    gateway = runProgram('http-gateway/main.ts', ['serve', 'all', '--dangerous-force-http'], {
      SERVE_GRPC_HOST: '127.0.0.1',
      SERVE_GRPC_PORT: String(grpcPort),
      SERVE_PUBLIC_HOST: '127.0.0.1',
      SERVE_PUBLIC_PORT: String(publicPort),
      SERVE_ADMIN_PORT: String(adminPort),
      ...TEST_CALLERS_ENV,
    });
    await gateway.waitFor(/gateway listening/, 60_000);
    pub = `http://127.0.0.1:${publicPort}`;
    admin = `http://127.0.0.1:${adminPort}`;
  });
  after(async () => {
    await gateway?.stop('SIGKILL');
    await core?.stop('SIGKILL');
  });

  /** Runs `send` while /health/alive is asked on the admin port; returns the slowest alive answer. */
  async function withAliveProbe(send: () => Promise<void>): Promise<number> {
    let done = false;
    let slowest = 0;
    const probe = (async () => {
      while (!done) {
        const started = performance.now();
        const res = await request(`${admin}/health/alive`);
        await res.body.dump();
        assert.equal(res.statusCode, 200);
        slowest = Math.max(slowest, performance.now() - started);
      }
    })();
    try {
      await send();
    } finally {
      done = true;
      await probe;
    }
    return slowest;
  }

  test('every form route answers 413 naming the limit to 40,000 parameters, at once', async (t) => {
    const routes: [base: () => string, path: string][] = [
      [() => pub, '/oauth2/auth'],
      [() => pub, '/oauth2/token'],
      [() => pub, '/oauth2/revoke'],
      [() => pub, '/oauth2/sessions/logout'],
      [() => pub, '/userinfo'],
      [() => admin, '/admin/oauth2/introspect'],
    ];
    const alive = await withAliveProbe(async () => {
      for (const [base, path] of routes) {
        for (const [shape, body] of [['repeated', REPEATED], ['distinct', DISTINCT]] as const) {
          const answer = await timed(`${base()}${path}`, { method: 'POST', body, headers: FORM });
          assertLimitError(`POST ${path} (${shape})`, answer, 413, /1000 parameters/);
          measured[`POST ${path} ${shape}`] = answer.ms;
          assert.ok(answer.ms < BOUND_MS, `POST ${path} (${shape}) took ${answer.ms.toFixed(1)} ms`);
        }
      }
    });
    measured['slowest /health/alive during form floods'] = alive;
    t.diagnostic(`measured ms: ${JSON.stringify(Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, Math.round(v * 10) / 10])))}`);
    assert.ok(alive < BOUND_MS, `/health/alive waited ${alive.toFixed(1)} ms`);
  });

  const QUERY_ROUTES: [listener: 'public' | 'admin', method: string, path: string][] = [
    ['public', 'GET', '/oauth2/auth'],
    ['public', 'GET', '/oauth2/sessions/logout'],
    ['public', 'GET', '/.well-known/openid-configuration'],
    ['admin', 'GET', '/admin/oauth2/auth/requests/login'],
    ['admin', 'PUT', '/admin/oauth2/auth/requests/login/accept'],
    ['admin', 'PUT', '/admin/oauth2/auth/requests/consent/accept'],
    ['admin', 'PUT', '/admin/oauth2/auth/requests/logout/accept'],
    ['admin', 'GET', '/admin/clients'],
    ['admin', 'GET', '/admin/oauth2/auth/sessions/consent'],
    ['admin', 'DELETE', '/admin/oauth2/auth/sessions/login'],
  ];

  test('every query route answers 431 to 40,000 parameters and 400 past 100, at once, in Hydra’s shape', async (t) => {
    const over = Array.from({ length: 101 }, (_, i) => `q${i}=x`).join('&');
    const alive = await withAliveProbe(async () => {
      for (const [listener, method, path] of QUERY_ROUTES) {
        const base = listener === 'public' ? pub : admin;
        for (const [shape, query] of [['repeated', REPEATED], ['distinct', DISTINCT]] as const) {
          const answer = await timed(`${base}${path}?${query}`, { method });
          // 40,000 parameters cannot fit in the 16 KiB the request line and headers may take.
          assertLimitError(`${method} ${path} (${shape})`, answer, 431, /16384 bytes/);
          assert.ok(answer.ms < BOUND_MS, `${method} ${path} (${shape}) took ${answer.ms.toFixed(1)} ms`);
          measured[`${method} ${path} ${shape}`] = answer.ms;
        }
        const answer = await timed(`${base}${path}?${over}`, { method });
        assertLimitError(`${method} ${path} (101 parameters)`, answer, 400, /100 parameters/);
      }
    });
    measured['slowest /health/alive during query floods'] = alive;
    t.diagnostic(`measured ms: ${JSON.stringify(Object.fromEntries(Object.entries(measured).map(([k, v]) => [k, Math.round(v * 10) / 10])))}`);
    assert.ok(alive < BOUND_MS, `/health/alive waited ${alive.toFixed(1)} ms`);
  });

  test('the limits leave room for real requests: 100 query parameters and 1000 form parameters pass on', async () => {
    const query = Array.from({ length: 100 }, (_, i) => `q${i}=x`).join('&');
    const res = await request(`${admin}/health/alive?${query}`);
    await res.body.dump();
    assert.equal(res.statusCode, 200);
    const form = Array.from({ length: 1000 }, (_, i) => `p${i}=`).join('&');
    const token = await timed(`${pub}/oauth2/token`, { method: 'POST', body: form, headers: FORM });
    // Past the parser: the token endpoint itself now refuses the request for what it lacks.
    assert.notEqual(token.status, 413, JSON.stringify(token.body));
  });

  test('core builds URLs in linear time and carries only known parameters to the login app', async (t) => {
    const client = await createClient(admin, { redirect_uris: ['https://rp.example/cb'], response_types: ['code'], grant_types: ['authorization_code'], scope: 'openid' });
    const connection: CoreConnection = connectCore(`127.0.0.1:${grpcPort}`, {}, TEST_CORE_API_KEY);
    try {
      const params: Record<string, string> = {};
      for (let i = 0; i < N; i++) params[`p${i}`] = 'x';
      Object.assign(params, { client_id: client.client_id, response_type: 'code', redirect_uri: 'https://rp.example/cb', scope: 'openid', state: 'state-0123456789' });
      const alive = await withAliveProbe(async () => {
        const started = performance.now();
        // An internal service calling core directly, past every gateway limit.
        const res = await call({ requestId: 'input-limits' }, connection.oauth2.authorize.bind(connection.oauth2), { params, cookies: {} });
        const ms = performance.now() - started;
        measured['core Authorize, 40,000 distinct parameters'] = ms;
        assert.ok(ms < CORE_BOUND_MS, `core took ${ms.toFixed(1)} ms`);
        // Before the fix the Location header carried every parameter, past 64 KB.
        assert.ok(res.redirect_to.length < 4096, `Location is ${res.redirect_to.length} bytes`);
        const challenge = new URL(res.redirect_to).searchParams.get('login_challenge') ?? '';
        const login = await adminCall(admin, 'GET', `/admin/oauth2/auth/requests/login?login_challenge=${encodeURIComponent(challenge)}`);
        assert.equal(login.status, 200, login.text);
        const requestUrl = new URL(String(login.body.request_url));
        assert.deepEqual([...requestUrl.searchParams.keys()].sort(), ['client_id', 'redirect_uri', 'response_type', 'scope', 'state']);
      });
      measured['slowest /health/alive during the core call'] = alive;
      t.diagnostic(`core Authorize with ${N} parameters: ${measured['core Authorize, 40,000 distinct parameters']?.toFixed(1)} ms; slowest /health/alive meanwhile ${alive.toFixed(1)} ms`);
    } finally {
      connection.close();
    }
  });
});
