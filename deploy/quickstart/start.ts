/**
 * `npm start`: Tessera in dev mode on the embedded SQLite default, one command. Starts the
 * core (migrating its own SQLite file) and the gateway (plain HTTP on loopback, with a loud
 * warning), as two processes like production, then the example login/consent/logout app
 * (login-consent-app.ts, port 3000) and the example relying party (relying-party.ts, port 5555),
 * and stops all four on Ctrl-C. Ports and the DSN still follow the usual variables
 * (SERVE_PUBLIC_PORT, SERVE_ADMIN_PORT, SERVE_GRPC_PORT, DSN; QUICKSTART_LOGIN_PORT and
 * QUICKSTART_RP_PORT for the two apps).
 *
 *   npm start             start, keeping .tessera/ (database, keys, dev secret) across restarts
 *   npm start -- --reset  delete .tessera/ first and start fresh
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../core-service/shared/paths.js';

// QUICKSTART_STATE_DIR moves it (tests use a temporary folder).
const STATE_DIR = process.env.QUICKSTART_STATE_DIR ?? join(PROJECT_ROOT, '.tessera');
const SECRET_FILE = join(STATE_DIR, 'dev-secret');

function devSecret(): string {
  if (existsSync(SECRET_FILE)) return readFileSync(SECRET_FILE, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(SECRET_FILE, `${secret}\n`, { mode: 0o600 });
  return secret;
}

function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

async function main(): Promise<void> {
  if (process.argv.includes('--reset')) {
    rmSync(STATE_DIR, { recursive: true, force: true });
    console.log('quickstart: --reset: removed .tessera/ (database, keys and dev secret)');
  }
  mkdirSync(STATE_DIR, { recursive: true });

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DEV: 'true',
    DSN: process.env.DSN ?? `sqlite://${join(STATE_DIR, 'tessera.sqlite')}?_fk=true`,
    SECRETS_SYSTEM: process.env.SECRETS_SYSTEM ?? devSecret(),
    SERVE_PUBLIC_HOST: process.env.SERVE_PUBLIC_HOST ?? '127.0.0.1',
    SERVE_ADMIN_HOST: process.env.SERVE_ADMIN_HOST ?? '127.0.0.1',
  };
  const publicPort = Number(env.SERVE_PUBLIC_PORT ?? 4444);
  const adminPort = Number(env.SERVE_ADMIN_PORT ?? 4445);
  const grpcPort = Number(env.SERVE_GRPC_PORT ?? 4446);
  const loginPort = Number(env.QUICKSTART_LOGIN_PORT ?? 3000);
  const rpPort = Number(env.QUICKSTART_RP_PORT ?? 5555);
  env.URLS_SELF_ISSUER ??= `http://127.0.0.1:${publicPort}/`;
  // Tessera sends browsers to the example app for login, consent and logout (Hydra's urls.*).
  const loginApp = `http://127.0.0.1:${loginPort}`;
  const rp = `http://127.0.0.1:${rpPort}`;
  env.URLS_LOGIN ??= `${loginApp}/login`;
  env.URLS_CONSENT ??= `${loginApp}/consent`;
  env.URLS_LOGOUT ??= `${loginApp}/logout`;
  env.URLS_POST_LOGOUT_REDIRECT ??= `${rp}/logged-out`;
  // RFC 8628: the page where a person types a device's user code, and the one after it signed in.
  env.URLS_DEVICE_VERIFICATION ??= `${loginApp}/device`;
  env.URLS_DEVICE_SUCCESS ??= `${loginApp}/device/done`;

  const busy: string[] = [];
  for (const [what, host, port] of [
    ['public HTTP (SERVE_PUBLIC_PORT)', env.SERVE_PUBLIC_HOST ?? '127.0.0.1', publicPort],
    ['admin HTTP (SERVE_ADMIN_PORT)', env.SERVE_ADMIN_HOST ?? '127.0.0.1', adminPort],
    ['core gRPC (SERVE_GRPC_PORT)', env.SERVE_GRPC_HOST ?? '127.0.0.1', grpcPort],
    ['the login/consent app (QUICKSTART_LOGIN_PORT)', '127.0.0.1', loginPort],
    ['the relying party (QUICKSTART_RP_PORT)', '127.0.0.1', rpPort],
  ] as const) {
    if (!(await portFree(host, port))) busy.push(`port ${port} for ${what} is in use`);
  }
  if (busy.length > 0) {
    console.error(`quickstart: cannot start: ${busy.join('; ')}.\nStop whatever uses it, or choose other ports, e.g. SERVE_PUBLIC_PORT=5444 npm start`);
    process.exit(1);
  }

  const tsx = join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const children: ChildProcess[] = [];
  let stopping = false;
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
    const deadline = setTimeout(() => process.exit(code), 15_000);
    deadline.unref();
    Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null))).then(() => process.exit(code));
  };
  const run = (name: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
    const child = spawn(process.execPath, [tsx, ...args], { cwd: PROJECT_ROOT, env: { ...env, ...extraEnv }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('exit', (code, signal) => {
      if (!stopping) {
        console.error(`quickstart: ${name} exited (${signal ?? `code ${code}`}); stopping the rest`);
        stopAll(code === 0 ? 1 : code ?? 1);
      }
    });
    children.push(child);
    return child;
  };

  run('core-service', ['core-service/main.ts', 'serve', '--dev']);
  await waitForGrpc(grpcPort);
  run('http-gateway', ['http-gateway/main.ts', 'serve', 'all', '--dev', '--dangerous-force-http']);

  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));

  await waitForHttp(`http://127.0.0.1:${adminPort}/health/ready`);
  // The apps are what an operator would run beside Tessera; they only see its HTTP APIs.
  const appEnv = { TESSERA_ADMIN_URL: `http://127.0.0.1:${adminPort}`, ISSUER_URL: env.URLS_SELF_ISSUER, HOST: '127.0.0.1' };
  run('login-consent-app', ['deploy/quickstart/login-consent-app.ts'], { ...appEnv, PORT: String(loginPort) });
  run('relying-party', ['deploy/quickstart/relying-party.ts'], { ...appEnv, PORT: String(rpPort) });
  await waitForHttp(`${loginApp}/health`);
  await waitForHttp(`${rp}/health`);
  console.log(`
  Tessera is running (dev mode, plain HTTP on loopback, SQLite in .tessera/):
    public API   http://127.0.0.1:${publicPort}/     (e.g. /.well-known/openid-configuration)
    admin API    http://127.0.0.1:${adminPort}/      (e.g. /admin/clients)
    core gRPC    127.0.0.1:${grpcPort}            (grpcurl -plaintext 127.0.0.1:${grpcPort} list)
    login app    ${loginApp}/       (login, consent and logout pages: deploy/quickstart/login-consent-app.ts)
    relying party ${rp}/      (an OpenID Connect client: deploy/quickstart/relying-party.ts)

  Try it: open ${rp} , click "Sign in", log in as foo@bar.com / foobar,
  approve the requested scopes, and see the ID token and the access token's introspection.

  Create a client:  curl -s -X POST http://127.0.0.1:${adminPort}/admin/clients -H 'Content-Type: application/json' -d '{"client_name":"demo","grant_types":["client_credentials"]}'
  Ctrl-C stops everything; data survives a restart; npm start -- --reset starts fresh.
`);
}

async function waitForGrpc(port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (!(await portFree('127.0.0.1', port))) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`core-service did not listen on ${port} within 60 s`);
}

async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  console.error(`quickstart: ${url} did not report ready within 60 s`);
}

main().catch((err: unknown) => {
  console.error(`quickstart: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
