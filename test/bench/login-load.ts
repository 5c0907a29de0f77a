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
import { Pool } from 'undici';
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
// One kept-alive pool per origin, as a browser and a login app each keep theirs: each request
// goes straight to its origin's pool, with no per-request URL parsing or agent lookup.
const publicPool = new Pool(spec.publicUrl, { connections: spec.concurrency, pipelining: 1 });
const adminPool = new Pool(spec.adminUrl, { connections: spec.concurrency, pipelining: 1 });
const publicOrigin = new URL(spec.publicUrl).origin;
const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';
// The login app's answers are the same for every login but the subject.
const CONSENT_BODY = JSON.stringify({ grant_scope: ['openid'], remember: false });
const AUTHORIZE_QUERY = `/oauth2/auth?client_id=${encodeURIComponent(spec.clientId)}&response_type=code&redirect_uri=${encodeURIComponent(spec.redirectUri)}&scope=openid`;
const TOKEN_FORM_TAIL = `&redirect_uri=${encodeURIComponent(spec.redirectUri)}&client_id=${encodeURIComponent(spec.clientId)}&code_verifier=`;

type Jar = Map<string, string>;

interface Answer {
  status: number;
  location: string;
  text: string;
}

/**
 * One request on `pool`, through undici's dispatch handler rather than its `request` API: no
 * body stream or header object per response, only the status, the location, the cookies and
 * (unless a redirect, whose body a browser never reads) the body text.
 */
function hop(pool: Pool, method: 'GET' | 'PUT' | 'POST', path: string, jar: Jar | undefined, body?: { type: string; text: string }): Promise<Answer> {
  const headers: string[] = [];
  if (jar && jar.size > 0) {
    let cookie = '';
    for (const [n, v] of jar) cookie += cookie === '' ? `${n}=${v}` : `; ${n}=${v}`;
    headers.push('cookie', cookie);
  }
  if (body) headers.push('content-type', body.type);
  return new Promise<Answer>((resolve, reject) => {
    let status = 0;
    let location = '';
    const chunks: Buffer[] = [];
    pool.dispatch(
      { path, method, headers, body: body?.text ?? null },
      {
        onConnect: () => undefined,
        onHeaders: (statusCode: number, raw: Buffer[]) => {
          status = statusCode;
          for (let i = 0; i + 1 < raw.length; i += 2) {
            const name = (raw[i] as Buffer).toString('latin1').toLowerCase();
            if (name === 'location') location = (raw[i + 1] as Buffer).toString('latin1');
            else if (name === 'set-cookie' && jar) setCookie(jar, (raw[i + 1] as Buffer).toString('latin1'));
          }
          return true;
        },
        onData: (chunk: Buffer) => {
          if (status < 300 || status > 399) chunks.push(chunk);
          return true;
        },
        onComplete: () => resolve({ status, location, text: chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8') }),
        onError: reject,
      },
    );
  });
}

/** Applies one Set-Cookie line to the jar: stores the pair, or deletes it on Max-Age=0. */
function setCookie(jar: Jar, line: string): void {
  const [pair = '', ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  const name = pair.slice(0, eq).trim();
  if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a))) jar.delete(name);
  else jar.set(name, pair.slice(eq + 1).trim());
}

function redirected(answer: Answer, step: string, param?: string): string {
  if (answer.status < 300 || answer.status > 399 || answer.location === '') throw new Error(`${step}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
  if (param === undefined) return answer.location;
  const value = queryParam(answer.location, param);
  if (!value) throw new Error(`${step}: no ${param} in ${answer.location.slice(0, 300)}`);
  return value;
}

/** One query parameter of a redirect's location, without building a URL object. */
function queryParam(location: string, name: string): string | undefined {
  const query = location.indexOf('?');
  if (query < 0) return undefined;
  const hash = location.indexOf('#', query);
  const text = hash < 0 ? location.slice(query + 1) : location.slice(query + 1, hash);
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    if ((eq < 0 ? pair : pair.slice(0, eq)) === name) return eq < 0 ? '' : decodeURIComponent(pair.slice(eq + 1).replace(/\+/g, ' '));
  }
  return undefined;
}

/** The path of a redirect to the public origin (the verifiers), to send on its pool. */
function publicPath(location: string): string {
  if (location.startsWith(publicOrigin) && location.charAt(publicOrigin.length) === '/') return location.slice(publicOrigin.length);
  const url = new URL(location, spec.publicUrl);
  if (url.origin !== publicOrigin) throw new Error(`redirect off the public origin: ${location.slice(0, 300)}`);
  return url.pathname + url.search;
}

async function accept(kind: 'login' | 'consent', challenge: string, body: string): Promise<string> {
  const path = `/admin/oauth2/auth/requests/${kind}/accept?${kind}_challenge=${encodeURIComponent(challenge)}`;
  const answer = await hop(adminPool, 'PUT', path, undefined, { type: JSON_TYPE, text: body });
  const parsed = answer.status === 200 ? (JSON.parse(answer.text) as { redirect_to?: unknown }) : {};
  if (typeof parsed.redirect_to !== 'string') throw new Error(`accept ${kind}: HTTP ${answer.status} ${answer.text.slice(0, 200)}`);
  return parsed.redirect_to;
}

/** One full login in a fresh browser; throws on any unexpected answer. */
async function login(n: number): Promise<void> {
  const jar: Jar = new Map();
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorize = `${AUTHORIZE_QUERY}&state=state-${n}-0123456789&nonce=nonce-${n}-0123456789&code_challenge=${challenge}&code_challenge_method=S256`;

  const loginChallenge = redirected(await hop(publicPool, 'GET', authorize, jar), 'authorize', 'login_challenge');
  const loginVerifier = await accept('login', loginChallenge, `{"subject":"user-${n % 1000}","remember":false}`);
  const consentChallenge = redirected(await hop(publicPool, 'GET', publicPath(loginVerifier), jar), 'login verifier', 'consent_challenge');
  const consentVerifier = await accept('consent', consentChallenge, CONSENT_BODY);
  const code = redirected(await hop(publicPool, 'GET', publicPath(consentVerifier), jar), 'consent verifier', 'code');
  const form = `grant_type=authorization_code&code=${encodeURIComponent(code)}${TOKEN_FORM_TAIL}${verifier}`;
  const token = await hop(publicPool, 'POST', '/oauth2/token', undefined, { type: FORM_TYPE, text: form });
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
await Promise.all([publicPool.close(), adminPool.close()]);
