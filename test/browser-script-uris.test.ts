/**
 * In a real Chromium: a client whose URIs were written to the database before Tessera checked
 * them (`javascript:` in redirect_uris, frontchannel_logout_uri, post_logout_redirect_uris)
 * gets no script run on Tessera's origin through the form_post error page, the front-channel
 * logout iframes or the post-logout redirect; and the pages still work under their
 * Content-Security-Policy (the form posts itself, the iframes load, the redirect follows).
 *
 * The login, consent and logout apps are one tiny HTTP server that accepts everything through
 * the admin API, so Chromium walks the whole flow by itself.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserMissing, launchBrowser, newPage, saveFailure } from './e2e/support/browser.js';
import { startCluster, unusedPort, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { adminCall, basic, createClient, postForm } from './support/oauth2.js';
import { overwriteStoredClient } from './support/stored-client.js';

const SCRIPT = 'javascript:alert(document.domain)//';
const STATE = 'state-0123456789';
const VERIFIER = 'v'.repeat(43) + '-verifier-abcdefghijklmnop';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  body: URLSearchParams;
}

/**
 * The apps around Tessera on one loopback port: the login, consent and logout apps (accept
 * everything, remember login and consent), and relying-party endpoints that record what
 * arrives (`/cb`, `/fc`, `/logged-out`) and answer with a plain page.
 */
async function startApps(admin: () => string): Promise<{ server: Server; url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const readBody = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req) text += (chunk as Buffer).toString('utf8');
    return new URLSearchParams(text);
  };
  const accept = async (kind: 'login' | 'consent' | 'logout', challenge: string): Promise<string> => {
    const q = `${kind}_challenge=${encodeURIComponent(challenge)}`;
    let body: Record<string, unknown> = {};
    if (kind === 'login') body = { subject: 'alice', remember: true };
    if (kind === 'consent') {
      const request = await adminCall(admin(), 'GET', `/admin/oauth2/auth/requests/consent?${q}`);
      body = { grant_scope: request.body.requested_scope, remember: true };
    }
    const answer = await adminCall(admin(), 'PUT', `/admin/oauth2/auth/requests/${kind}/accept?${q}`, kind === 'logout' ? undefined : body);
    if (answer.status !== 200) throw new Error(`accepting ${kind} failed: ${answer.status} ${answer.text}`);
    return String(answer.body.redirect_to);
  };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://apps.invalid');
      const body = await readBody(req);
      const kind = (['login', 'consent', 'logout'] as const).find((k) => url.pathname === `/${k}`);
      if (kind) {
        res.writeHead(302, { location: await accept(kind, url.searchParams.get(`${kind}_challenge`) ?? '') }).end();
        return;
      }
      received.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, body });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!DOCTYPE html><title>${url.pathname}</title><h1 id="landed">${url.pathname}</h1>`);
    })().catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { server, url, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Runs `steps` in a fresh page and fails as soon as the page opens a dialog (script ran) or
 * reports a Content-Security-Policy violation (the page would be broken).
 */
async function inPage(browser: Browser, name: string, steps: (page: Page) => Promise<void>): Promise<void> {
  const { page, close } = await newPage(browser);
  const problems: string[] = [];
  let reportProblem: (message: string) => void = () => undefined;
  const problem = new Promise<never>((_resolve, reject) => {
    reportProblem = (message) => reject(new Error(message));
  });
  problem.catch(() => undefined);
  page.on('dialog', (dialog) => {
    problems.push(`a ${dialog.type()} opened: ${dialog.message()}`);
    reportProblem(`script ran on ${page.url()}: ${dialog.type()}(${dialog.message()})`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      problems.push(message.text());
      reportProblem(`CSP violation: ${message.text()}`);
    }
  });
  try {
    await Promise.race([steps(page), problem]);
    assert.deepEqual(problems, [], 'no script ran and nothing was blocked');
  } catch (err) {
    const paths = await saveFailure(page, name);
    throw new Error(`${(err as Error).message}\n(page saved: ${paths.join(', ')})`, { cause: err });
  } finally {
    await close();
  }
}

for (const db of testDatabases()) {
  describe(`script URIs in Chromium on ${db.name}`, { skip: browserMissing() ?? (db.available ? false : db.skipReason) }, () => {
    let browser: Browser;
    let database: CreatedDatabase | undefined;
    let cluster: Cluster | undefined;
    let apps: Awaited<ReturnType<typeof startApps>> | undefined;
    let pub = '';
    let admin = '';
    let rp = '';

    before(async () => {
      browser = await launchBrowser();
      database = await db.create();
      apps = await startApps(() => admin);
      rp = apps.url;
      // The issuer is the address Chromium uses, so cookies and redirects line up.
      const publicPort = await unusedPort();
      cluster = await startCluster({
        dsn: database.dsn,
        env: {
          SERVE_PUBLIC_PORT: String(publicPort),
          URLS_SELF_ISSUER: `http://127.0.0.1:${publicPort}/`,
          URLS_LOGIN: `${rp}/login`,
          URLS_CONSENT: `${rp}/consent`,
          URLS_LOGOUT: `${rp}/logout`,
          URLS_POST_LOGOUT_REDIRECT: `${rp}/logged-out`,
        },
      });
      pub = cluster.publicUrl;
      admin = cluster.adminUrl;
    });
    after(async () => {
      await browser?.close();
      await cluster?.close();
      await apps?.close();
      await database?.drop();
    });

    const authUrl = (clientId: string, params: Record<string, string> = {}) => {
      const url = new URL('/oauth2/auth', pub);
      const all = { client_id: clientId, response_type: 'code', scope: 'openid', state: STATE, code_challenge: CHALLENGE, code_challenge_method: 'S256', ...params };
      for (const [k, v] of Object.entries(all)) url.searchParams.set(k, v);
      return url.toString();
    };
    const landedAt = (page: Page, path: string) => page.waitForURL((url) => url.origin === rp && url.pathname === path);
    const arrivals = (path: string) => apps?.received.filter((r) => r.path === path) ?? [];

    /** A client registered through the admin API, then given `stale` URIs straight in the database. */
    async function staleClient(doc: Record<string, unknown>, stale: Record<string, unknown>): Promise<{ client_id: string; client_secret: string }> {
      const client = await createClient(admin, { scope: 'openid', redirect_uris: [`${rp}/cb`], ...doc });
      await overwriteStoredClient(database?.dsn ?? '', client.client_id, stale);
      return client;
    }

    /** Chromium signs alice in for `clientId` (remembered); returns the code that reached the client. */
    async function signIn(page: Page, clientId: string): Promise<string> {
      const before = arrivals('/cb').length;
      await page.goto(authUrl(clientId, { redirect_uri: `${rp}/cb` }));
      await landedAt(page, '/cb');
      const code = arrivals('/cb')[before]?.query.get('code') ?? '';
      assert.ok(code.startsWith('ory_ac_'), 'the code reached the client');
      return code;
    }

    test('a javascript: redirect URI: the form_post error page is not rendered, nothing runs', () =>
      inPage(browser, `form_post error on ${db.name}`, async (page) => {
        const client = await staleClient({}, { redirect_uris: [SCRIPT] });
        // Fails after the redirect URI check, so the error would be form-posted to that URI.
        const response = await page.goto(authUrl(client.client_id, { response_mode: 'form_post', scope: 'not-registered' }));
        await page.getByRole('heading', { name: 'An error occurred' }).waitFor();
        assert.equal(response?.status(), 400);
        assert.equal(await page.locator('form').count(), 0);
        assert.match(await page.locator('body').innerText(), /invalid_request/);
      }));

    test('a javascript: front-channel logout URI: no iframe runs it, the logout completes', () =>
      inPage(browser, `front-channel on ${db.name}`, async (page) => {
        const client = await staleClient({ frontchannel_logout_uri: `${rp}/fc` }, { frontchannel_logout_uri: 'javascript:parent.alert(document.domain)//' });
        await signIn(page, client.client_id);
        await page.goto(new URL('/oauth2/sessions/logout', pub).toString());
        await landedAt(page, '/logged-out');
        assert.equal(await page.locator('#landed').innerText(), '/logged-out');
      }));

    test('a javascript: post_logout_redirect_uri: refused before any page can follow it', () =>
      inPage(browser, `post-logout on ${db.name}`, async (page) => {
        // A front-channel URI makes the logout end on the iframes page, which follows the redirect by script.
        const client = await staleClient({ frontchannel_logout_uri: `${rp}/fc`, post_logout_redirect_uris: [`${rp}/bye`] }, { post_logout_redirect_uris: [SCRIPT] });
        const code = await signIn(page, client.client_id);
        const tokens = await postForm(pub, '/oauth2/token', [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', `${rp}/cb`], ['code_verifier', VERIFIER]], basic(client.client_id, client.client_secret));
        assert.equal(tokens.status, 200, tokens.text);
        const logout = new URL('/oauth2/sessions/logout', pub);
        logout.searchParams.set('id_token_hint', String(tokens.body.id_token));
        logout.searchParams.set('post_logout_redirect_uri', SCRIPT);
        logout.searchParams.set('state', STATE);
        const response = await page.goto(logout.toString());
        await page.getByRole('heading', { name: 'An error occurred' }).waitFor();
        assert.equal(response?.status(), 400);
      }));

    test('under their CSP the pages still work: form_post submits itself, iframes load, the redirect follows', () =>
      inPage(browser, `pages under CSP on ${db.name}`, async (page) => {
        const client = await createClient(admin, {
          scope: 'openid',
          redirect_uris: [`${rp}/cb`],
          post_logout_redirect_uris: [`${rp}/bye`],
          frontchannel_logout_uri: `${rp}/fc`,
        });
        const posts = arrivals('/cb').length;
        await page.goto(authUrl(client.client_id, { redirect_uri: `${rp}/cb`, response_mode: 'form_post' }));
        await landedAt(page, '/cb');
        const posted = arrivals('/cb')[posts];
        assert.equal(posted?.method, 'POST', 'the form_post page submitted itself');
        assert.equal(posted.body.get('state'), STATE);
        assert.match(posted.body.get('code') ?? '', /^ory_ac_/);

        const frames = arrivals('/fc').length;
        await page.goto(new URL('/oauth2/sessions/logout', pub).toString());
        await landedAt(page, '/logged-out');
        const frame = arrivals('/fc')[frames];
        assert.ok(frame, 'the front-channel iframe loaded');
        assert.ok(frame.query.get('sid'), 'with the session id (Front-Channel Logout §2)');
      }));
  });
}
