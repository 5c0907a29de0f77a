/**
 * A single-page app signs in through CORS in Chromium: oidc-client-ts on a page of another
 * origin fetches discovery, exchanges the code with PKCE and reads UserInfo with the bearer token,
 * every call cross-origin (gateway + core + database, a test login app on the way). Three SPA
 * origins, as Hydra users deploy them:
 * - one in `serve.public.cors.allowed_origins`: everything, discovery included, works;
 * - one only in its client's `allowed_cors_origins`: the token and UserInfo calls work (the
 *   client is known from the form's client_id and from the bearer token), while discovery, which
 *   names no client, is given to the app as configuration;
 * - one listed nowhere: its first call, discovery, is blocked by the browser.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startCluster, unusedPort, type Cluster } from '../support/cluster.js';
import { testDatabases, type CreatedDatabase } from '../support/databases.js';
import { loginApp, redirectTo, type LoginApp } from '../support/login-app.js';
import { createClient } from '../support/oauth2.js';
import { browserMissing, launchBrowser, newPage, saveFailure } from './support/browser.js';

/** oidc-client-ts's browser bundle (an IIFE that defines `oidc`). */
const OIDC_CLIENT_BUNDLE = join(dirname(createRequire(import.meta.url).resolve('oidc-client-ts/package.json')), 'dist/browser/oidc-client-ts.min.js');

/** What one SPA origin runs with: its client and, when discovery is not reachable for it, the metadata. */
interface SpaSettings {
  authority: string;
  clientId: string;
  metadata?: Record<string, unknown>;
}

/**
 * The SPA: a sign-in button, and on /callback the result of signinRedirectCallback (with
 * loadUserInfo, so UserInfo is fetched and its `sub` checked against the ID token's).
 */
function spaPage(settings: SpaSettings): string {
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>SPA</title><script src="/oidc-client-ts.js"></script></head>
<body><button id="signin">Sign in</button><pre id="out"></pre>
<script>
const settings = ${JSON.stringify(settings).replace(/</g, '\\u003c')};
const out = document.getElementById('out');
const show = (value) => { out.textContent = value; out.setAttribute('data-done', 'true'); };
const manager = new oidc.UserManager({
  authority: settings.authority,
  client_id: settings.clientId,
  redirect_uri: location.origin + '/callback',
  response_type: 'code',
  scope: 'openid',
  loadUserInfo: true,
  ...(settings.metadata ? { metadata: settings.metadata } : {}),
});
if (location.pathname === '/callback') {
  manager.signinRedirectCallback().then(
    (user) => show(JSON.stringify({ sub: user.profile.sub, email: user.profile.email, token_type: user.token_type })),
    (err) => show('error: ' + err.message),
  );
}
document.getElementById('signin').onclick = () => manager.signinRedirect().catch((err) => show('error: ' + err.message));
</script></body></html>
`;
}

/**
 * The SPAs' own origin servers (one per port) plus a login/consent app that accepts as alice
 * (test/support/login-app.ts).
 */
async function startSpaServers(ports: number[], settingsFor: (origin: string) => SpaSettings | undefined, app: () => LoginApp): Promise<Server[]> {
  const bundle = await readFile(OIDC_CLIENT_BUNDLE, 'utf8');
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    if (url.pathname === '/oidc-client-ts.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
    if (url.pathname === '/login') {
      const challenge = url.searchParams.get('login_challenge') ?? '';
      return res.writeHead(302, { location: redirectTo(await app().acceptLogin(challenge, { subject: 'alice' })) }).end();
    }
    if (url.pathname === '/consent') {
      const challenge = url.searchParams.get('consent_challenge') ?? '';
      const consent = await app().getConsent(challenge);
      const accepted = await app().acceptConsent(challenge, { grant_scope: consent.body.requested_scope, session: { id_token: { email: 'alice@example.com' } } });
      return res.writeHead(302, { location: redirectTo(accepted) }).end();
    }
    const settings = settingsFor(url.origin);
    if (settings === undefined) return res.writeHead(404).end();
    return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(spaPage(settings));
  };
  const servers: Server[] = [];
  for (const port of ports) {
    const server = createServer((req, res) => {
      handle(req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    servers.push(server);
  }
  return servers;
}

/** The gateway's answers to the page's cross-origin calls, as Chromium's network saw them. */
function gatewayCalls(page: Page, gateway: string): string[] {
  const calls: string[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    const request = response.request();
    if (url.origin !== gateway || request.resourceType() !== 'fetch') return;
    // A bearer header makes the call a preflighted one (Fetch §3.2.3), which Chromium does not list apart.
    const bearer = /^Bearer /.test(request.headers().authorization ?? '') ? ' (bearer)' : '';
    calls.push(`${request.method()} ${url.pathname} ${response.status()}${bearer}`);
  });
  return calls;
}

/** Clicks "Sign in" at `origin` and waits for the SPA's outcome. */
async function signIn(page: Page, origin: string): Promise<string> {
  await page.goto(`${origin}/`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#out[data-done="true"]').waitFor();
  return page.locator('#out').innerText();
}

for (const db of testDatabases()) {
  describe(`a single-page app signs in through CORS in Chromium on ${db.name}`, { skip: browserMissing() ?? (db.available ? false : db.skipReason) }, () => {
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let spaServers: Server[] = [];
    let browser: Browser | undefined;
    let gateway = '';
    // localhost and 127.0.0.1 (and another port) are other origins than the gateway's, and all
    // secure contexts (oidc-client-ts needs WebCrypto for PKCE).
    let listedSpa = '';
    let clientSpa = '';
    let unlistedSpa = '';
    const settings = new Map<string, SpaSettings>();

    before(async () => {
      database = await db.create();
      const publicPort = await unusedPort();
      const spaPort = await unusedPort();
      const unlistedPort = await unusedPort();
      gateway = `http://127.0.0.1:${publicPort}`;
      listedSpa = `http://localhost:${spaPort}`;
      clientSpa = `http://127.0.0.1:${spaPort}`;
      unlistedSpa = `http://localhost:${unlistedPort}`;
      const issuer = `${gateway}/`;
      cluster = await startCluster({
        dsn: database.dsn,
        env: {
          SERVE_PUBLIC_PORT: String(publicPort),
          URLS_SELF_ISSUER: issuer,
          URLS_LOGIN: `${clientSpa}/login`,
          URLS_CONSENT: `${clientSpa}/consent`,
          SERVE_PUBLIC_CORS_ENABLED: 'true',
          SERVE_PUBLIC_CORS_ALLOWED_ORIGINS: listedSpa,
        },
      });
      const adminUrl = cluster.adminUrl;
      const spaClient = (origin: string, corsOrigins: string[]) =>
        createClient(adminUrl, {
          grant_types: ['authorization_code'],
          response_types: ['code'],
          scope: 'openid',
          token_endpoint_auth_method: 'none',
          redirect_uris: [`${origin}/callback`],
          allowed_cors_origins: corsOrigins,
        });
      const listed = await spaClient(listedSpa, []);
      const byClient = await spaClient(clientSpa, [clientSpa]);
      const unlisted = await spaClient(unlistedSpa, []);
      const metadata = (await (await fetch(`${gateway}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
      settings.set(listedSpa, { authority: issuer, clientId: listed.client_id });
      settings.set(clientSpa, { authority: issuer, clientId: byClient.client_id, metadata });
      settings.set(unlistedSpa, { authority: issuer, clientId: unlisted.client_id });
      spaServers = await startSpaServers([spaPort, unlistedPort], (origin) => settings.get(origin), () => loginApp(adminUrl));
      browser = await launchBrowser();
    });

    after(async () => {
      await browser?.close();
      for (const server of spaServers) server.close();
      await cluster?.close();
      await database?.drop();
    });

    /** Runs `body` in a fresh page; on failure saves a screenshot and the HTML. */
    async function inPage(name: string, body: (page: Page) => Promise<void>): Promise<void> {
      if (!browser) throw new Error('no browser');
      const { page, close } = await newPage(browser);
      try {
        await body(page);
      } catch (err) {
        const saved = await saveFailure(page, name);
        throw new Error(`${(err as Error).message}\n(page saved: ${saved.join(', ')})`, { cause: err });
      } finally {
        await close();
      }
    }

    test("an origin in serve.public.cors.allowed_origins: discovery, code + PKCE, UserInfo", () =>
      inPage('spa listed origin', async (page) => {
        const calls = gatewayCalls(page, gateway);
        const outcome = await signIn(page, listedSpa);
        assert.deepEqual(JSON.parse(outcome), { sub: 'alice', email: 'alice@example.com', token_type: 'bearer' }, outcome);
        assert.ok(calls.includes('GET /.well-known/openid-configuration 200'), calls.join('\n'));
        assert.ok(calls.includes('POST /oauth2/token 200'), calls.join('\n'));
        assert.ok(calls.includes('GET /userinfo 200 (bearer)'), calls.join('\n'));
      }));

    test("an origin only in the client's allowed_cors_origins: the token exchange and UserInfo", () =>
      inPage('spa client origin', async (page) => {
        const calls = gatewayCalls(page, gateway);
        const outcome = await signIn(page, clientSpa);
        assert.deepEqual(JSON.parse(outcome), { sub: 'alice', email: 'alice@example.com', token_type: 'bearer' }, outcome);
        assert.ok(calls.includes('POST /oauth2/token 200'), calls.join('\n'));
        // No discovery call: it names no client, so this app was configured with the metadata.
        assert.ok(!calls.some((c) => c.includes('openid-configuration')), calls.join('\n'));
        // Preflighted (bearer header), then allowed because the token's client lists the origin.
        assert.ok(calls.includes('GET /userinfo 200 (bearer)'), calls.join('\n'));
      }));

    test('an origin listed nowhere: the browser blocks its discovery call', () =>
      inPage('spa unlisted origin', async (page) => {
        await page.goto(`${unlistedSpa}/`);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.locator('#out[data-done="true"]').waitFor();
        // Chromium's message for a response without Access-Control-Allow-Origin.
        assert.match(await page.locator('#out').innerText(), /^error: .*Failed to fetch/);
      }));
  });
}
