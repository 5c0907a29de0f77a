/**
 * Full-login load generator, run by run.ts as its own process: `concurrency` browsers, each
 * running authorization-code logins back to back, the login/consent app played against the
 * admin API as a Hydra login app would (issue 10):
 *   GET /oauth2/auth → PUT …/login/accept → GET the login verifier → PUT …/consent/accept
 *   → GET the consent verifier → code → POST /oauth2/token (PKCE, public client).
 * A login counts once the token response carries an access token and an ID token; its latency
 * is the whole flow's. A warm-up, then the measured window; one JSON line (load-result.ts).
 *
 * @example node --import tsx test/bench/login-load.ts '{"publicUrl":"http://127.0.0.1:4444",…}'
 */
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { report, specFromArgv, startMeasuring } from './load-result.js';

export interface LoginLoadSpec {
  publicUrl: string;
  adminUrl: string;
  clientId: string;
  redirectUri: string;
  concurrency: number;
  warmupSeconds: number;
  seconds: number;
}

const spec = specFromArgv<LoginLoadSpec>("usage: login-load.ts '<LoginLoadSpec as JSON>'");
const dispatcher = new Agent({ connections: spec.concurrency * 2, pipelining: 1 });

type Jar = Map<string, string>;

async function hop(method: 'GET' | 'PUT' | 'POST', url: string, jar: Jar | undefined, body?: { type: string; text: string }): Promise<{ status: number; location: string; text: string }> {
  const headers: Record<string, string> = {};
  if (jar && jar.size > 0) headers.cookie = [...jar].map(([n, v]) => `${n}=${v}`).join('; ');
  if (body) headers['content-type'] = body.type;
  const res = await request(url, { method, headers, body: body?.text, dispatcher });
  const text = await res.body.text();
  const raw = res.headers['set-cookie'];
  if (jar && raw !== undefined) {
    for (const line of Array.isArray(raw) ? raw : [raw]) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name);
      else jar.set(name, pair.slice(eq + 1).trim());
    }
  }
  const location = res.headers.location;
  return { status: res.statusCode, location: typeof location === 'string' ? location : '', text };
}

function redirected(answer: { status: number; location: string; text: string }, step: string, param?: string): string {
  if (answer.status < 300 || answer.status > 399 || answer.location === '') throw new Error(`${step}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
  if (param === undefined) return answer.location;
  const value = new URL(answer.location).searchParams.get(param);
  if (!value) throw new Error(`${step}: no ${param} in ${answer.location.slice(0, 300)}`);
  return value;
}

async function accept(kind: 'login' | 'consent', challenge: string, body: unknown): Promise<string> {
  const url = `${spec.adminUrl}/admin/oauth2/auth/requests/${kind}/accept?${kind}_challenge=${encodeURIComponent(challenge)}`;
  const answer = await hop('PUT', url, undefined, { type: 'application/json', text: JSON.stringify(body) });
  const parsed = answer.status === 200 ? (JSON.parse(answer.text) as { redirect_to?: unknown }) : {};
  if (typeof parsed.redirect_to !== 'string') throw new Error(`accept ${kind}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
  return parsed.redirect_to;
}

/** One full login in a fresh browser; throws on any unexpected answer. */
async function login(n: number): Promise<void> {
  const jar: Jar = new Map();
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL(`${spec.publicUrl}/oauth2/auth`);
  for (const [name, value] of Object.entries({
    client_id: spec.clientId,
    response_type: 'code',
    redirect_uri: spec.redirectUri,
    scope: 'openid',
    state: `state-${n}-0123456789`,
    nonce: `nonce-${n}-0123456789`,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  })) authorize.searchParams.set(name, value);

  const loginChallenge = redirected(await hop('GET', authorize.toString(), jar), 'authorize', 'login_challenge');
  const loginVerifier = await accept('login', loginChallenge, { subject: `user-${n % 1000}`, remember: false });
  const consentChallenge = redirected(await hop('GET', loginVerifier, jar), 'login verifier', 'consent_challenge');
  const consentVerifier = await accept('consent', consentChallenge, { grant_scope: ['openid'], remember: false });
  const code = redirected(await hop('GET', consentVerifier, jar), 'consent verifier', 'code');
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: spec.redirectUri, client_id: spec.clientId, code_verifier: verifier });
  const token = await hop('POST', `${spec.publicUrl}/oauth2/token`, undefined, { type: 'application/x-www-form-urlencoded', text: form.toString() });
  const body = token.status === 200 ? (JSON.parse(token.text) as Record<string, unknown>) : {};
  if (typeof body.access_token !== 'string' || typeof body.id_token !== 'string') throw new Error(`token: HTTP ${token.status} ${token.text.slice(0, 200)}`);
}

interface Window {
  latenciesMs: number[];
  errors: number;
  firstError?: string;
}

async function run(seconds: number): Promise<Window & { elapsed: number }> {
  const window: Window = { latenciesMs: [], errors: 0 };
  const started = performance.now();
  const until = started + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: spec.concurrency }, async () => {
      while (performance.now() < until) {
        const t = performance.now();
        try {
          await login(n++);
          window.latenciesMs.push(performance.now() - t);
        } catch (err) {
          window.errors++;
          window.firstError ??= err instanceof Error ? err.message : String(err);
        }
      }
    }),
  );
  return { ...window, elapsed: (performance.now() - started) / 1000 };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

await run(spec.warmupSeconds);
const loadCpu = startMeasuring();
const measured = await run(spec.seconds);
const sorted = measured.latenciesMs.sort((a, b) => a - b);
report({
  completed: sorted.length,
  seconds: measured.elapsed,
  requestsPerSecond: sorted.length / measured.elapsed,
  p50Ms: percentile(sorted, 50),
  p99Ms: percentile(sorted, 99),
  errors: measured.errors,
  loadCpuMs: loadCpu(),
  ...(measured.firstError === undefined ? {} : { firstError: measured.firstError }),
});
await dispatcher.close();
