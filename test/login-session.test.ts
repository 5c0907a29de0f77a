/**
 * Authentication sessions and the cookies that carry them (issue 9 §3), end to end over real
 * HTTP (gateway + core + database) with the test login app:
 * - session fixation: a session cookie planted in the victim's browser before a real login is
 *   never upgraded to the victim; every login that was not skipped gets a fresh sid and cookie;
 * - another subject signing in ends the previous subject's session, and the new tokens carry the
 *   new sid;
 * - a remembered consent is not applied to public clients whose redirect URI is a private-use
 *   scheme or loopback (RFC 6749 §10.2, RFC 8252 §8.6);
 * - Secure whenever the issuer is https, SameSite as `serve.cookies.same_site_mode` says, and the
 *   legacy twin of CSRF cookies with `serve.cookies.same_site_legacy_workaround`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { Browser, param, type Hop } from './support/browser.js';
import { startCluster, type Cluster } from './support/cluster.js';
import { testDatabases, type CreatedDatabase } from './support/databases.js';
import { challengeIn, loginApp, redirectTo, runFlow, type LoginApp } from './support/login-app.js';
import { basic, createClient, postForm } from './support/oauth2.js';

const ISSUER = 'https://tessera.test/';
const LOGIN_URL = 'https://login.test/login';
const CONSENT_URL = 'https://login.test/consent';
const REDIRECT = 'https://app.example/cb';
const STATE = 'state-0123456789';
const VERIFIER = 'v'.repeat(43) + '-verifier-abcdefghijklmnop';
const SESSION_COOKIE = 'ory_hydra_session';

const env = { URLS_SELF_ISSUER: ISSUER, URLS_LOGIN: LOGIN_URL, URLS_CONSENT: CONSENT_URL };

/** A cluster with its login app, and a browser whose requests to the issuer reach the gateway. */
interface Setup {
  cluster: Cluster;
  app: LoginApp;
  browser(): Browser;
}

async function setUp(dsn: string, extraEnv: Record<string, string> = {}): Promise<Setup> {
  const cluster = await startCluster({ dsn, env: { ...env, ...extraEnv } });
  const issuer = extraEnv.URLS_SELF_ISSUER ?? ISSUER;
  return { cluster, app: loginApp(cluster.adminUrl), browser: () => new Browser({ [new URL(issuer).origin]: cluster.publicUrl }) };
}

for (const db of testDatabases()) {
  describe(`login sessions on ${db.name}`, { skip: db.available ? false : db.skipReason }, () => {
    let database: CreatedDatabase | undefined;
    let setup: Setup | undefined;
    let confidential = { client_id: '', client_secret: '' };
    let challenge = '';

    const the = (): Setup => setup ?? assert.fail('cluster not started');

    before(async () => {
      database = await db.create();
      setup = await setUp(database.dsn);
      challenge = await oidc.calculatePKCECodeChallenge(VERIFIER);
      confidential = await createClient(the().cluster.adminUrl, {
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        scope: 'openid offline_access',
        redirect_uris: [REDIRECT],
      });
    });

    after(async () => {
      await setup?.cluster.close();
      await database?.drop();
    });

    function authUrl(over: Record<string, string> = {}, clientId = confidential.client_id, redirectUri = REDIRECT): string {
      const url = new URL('/oauth2/auth', the().cluster.publicUrl);
      const params = { client_id: clientId, response_type: 'code', redirect_uri: redirectUri, scope: 'openid', state: STATE, code_challenge: challenge, code_challenge_method: 'S256', ...over };
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url.toString();
    }

    /** Starts an authorization and reads the login request the login app would see. */
    async function loginRequest(browser: Browser, over: Record<string, string> = {}): Promise<{ challenge: string; skip: unknown; subject: unknown; session_id: unknown }> {
      const hop = await browser.go(authUrl(over));
      const c = challengeIn(hop, 'login_challenge');
      const { body } = await the().app.getLogin(c);
      return { challenge: c, skip: body.skip, subject: body.subject, session_id: body.session_id };
    }

    /** The sid of the ID token a completed flow's code yields (OIDC Front-Channel Logout §3). */
    async function sidOf(back: Hop): Promise<unknown> {
      assert.equal(back.status, 302, back.body);
      const code = param(back.location, 'code') ?? assert.fail(back.location);
      const res = await postForm(
        the().cluster.publicUrl,
        '/oauth2/token',
        [['grant_type', 'authorization_code'], ['code', code], ['redirect_uri', REDIRECT], ['code_verifier', VERIFIER]],
        basic(confidential.client_id, confidential.client_secret),
      );
      assert.equal(res.status, 200, res.text);
      return decodeJwt(String(res.body.id_token)).sid;
    }

    /** A browser signed in as `subject` with a remembered session: its cookie and its sid. */
    async function rememberedSession(subject: string): Promise<{ browser: Browser; cookie: string; sid: unknown }> {
      const browser = the().browser();
      const back = await runFlow(browser, the().app, authUrl(), { subject, remember: true });
      const sid = await sidOf(back);
      return { browser, cookie: browser.cookies.get(SESSION_COOKIE) ?? assert.fail('a session cookie'), sid };
    }

    test('session fixation: a session cookie planted before a forced login is not upgraded to the victim', async () => {
      for (const remember of [true, false]) {
        // The attacker signs in as themself and plants the session cookie in the victim's browser.
        const attacker = await rememberedSession('mallory');
        const victim = the().browser();
        victim.cookies.set(SESSION_COOKIE, attacker.cookie);
        const forced = await loginRequest(victim, { prompt: 'login' });
        assert.equal(forced.skip, false);
        assert.notEqual(forced.session_id, attacker.sid, 'a login that is not skipped gets a fresh session id');
        const sid = await sidOf(await runConsent(victim, forced.challenge, { subject: 'victim', remember }));
        assert.equal(sid, forced.session_id);
        if (remember) {
          assert.notEqual(victim.cookies.get(SESSION_COOKIE) ?? assert.fail('the victim got a session cookie'), attacker.cookie, 'a fresh cookie value');
          const resumed = await loginRequest(victim);
          assert.deepEqual([resumed.skip, resumed.subject, resumed.session_id], [true, 'victim', sid]);
        } else {
          assert.equal(victim.cookies.has(SESSION_COOKIE), false, 'the planted cookie was deleted');
        }

        // The planted cookie now gives nothing: no skip, and never the victim as subject.
        const replay = await loginRequest(attacker.browser);
        assert.deepEqual([replay.skip, replay.subject], [false, ''], `remember=${remember}: the planted session was ended`);
      }
    });

    test("another subject signing in ends the previous subject's session; the new tokens carry a new sid", async () => {
      for (const remember of [true, false]) {
        const alice = await rememberedSession('alice');
        const forced = await loginRequest(alice.browser, { prompt: 'login' });
        const sid = await sidOf(await runConsent(alice.browser, forced.challenge, { subject: 'bob', remember }));
        assert.notEqual(sid, alice.sid, "bob's tokens do not carry alice's sid");

        // Alice's session is gone: her cookie (kept by whoever copied it) no longer skips login.
        const copy = the().browser();
        copy.cookies.set(SESSION_COOKIE, alice.cookie);
        const after = await loginRequest(copy);
        assert.deepEqual([after.skip, after.subject], [false, ''], `remember=${remember}`);
        const next = await loginRequest(alice.browser);
        assert.deepEqual([next.skip, next.subject], remember ? [true, 'bob'] : [false, '']);
      }
    });

    test('a remembered consent is not applied to public clients redirecting to a private-use scheme or loopback', async () => {
      const admin = the().cluster.adminUrl;
      const cases = [
        { redirect: 'com.example.app:/oauth2redirect', skip: false },
        { redirect: 'http://127.0.0.1:43123/cb', skip: false },
        { redirect: 'http://[::1]:43123/cb', skip: false },
        { redirect: 'https://native.example/cb', skip: true },
      ];
      for (const { redirect, skip } of cases) {
        const client = await createClient(admin, {
          grant_types: ['authorization_code'],
          response_types: ['code'],
          scope: 'openid',
          redirect_uris: [redirect],
          token_endpoint_auth_method: 'none',
        });
        const browser = the().browser();
        await runFlow(browser, the().app, authUrl({}, client.client_id, redirect), { subject: 'erin', remember: true, rememberConsent: true });

        const again = await browser.go(authUrl({}, client.client_id, redirect));
        const loginChallenge = challengeIn(again, 'login_challenge');
        const toConsent = await browser.go(redirectTo(await the().app.acceptLogin(loginChallenge, { subject: 'erin' })));
        const consent = await the().app.getConsent(challengeIn(toConsent, 'consent_challenge'));
        assert.equal(consent.body.skip, skip, redirect);

        // prompt=none cannot ask, so where consent must be asked it fails consent_required.
        const silent = await browser.go(authUrl({ prompt: 'none' }, client.client_id, redirect));
        const c = challengeIn(silent, 'login_challenge');
        const back = await browser.go(redirectTo(await the().app.acceptLogin(c, { subject: 'erin' })));
        if (skip) challengeIn(back, 'consent_challenge');
        else assert.equal(param(back.location, 'error'), 'consent_required', back.location);
      }
    });

    /** Accepts login (not skipped) and consent for a login challenge; returns the hop back to the client. */
    async function runConsent(browser: Browser, loginChallenge: string, login: { subject: string; remember: boolean }): Promise<Hop> {
      const toConsent = await browser.go(redirectTo(await the().app.acceptLogin(loginChallenge, login)));
      const consentChallenge = challengeIn(toConsent, 'consent_challenge');
      const consent = await the().app.getConsent(consentChallenge);
      return browser.go(redirectTo(await the().app.acceptConsent(consentChallenge, { grant_scope: consent.body.requested_scope })));
    }
  });
}

/** A browser that keeps every Set-Cookie header it received. */
class RecordingBrowser extends Browser {
  readonly setCookieLines: string[] = [];

  override async go(target: string | URL, form?: Record<string, string>): Promise<Hop> {
    const hop = await super.go(target, form);
    this.setCookieLines.push(...hop.setCookies);
    return hop;
  }
}

const attribute = (line: string, name: string): string | undefined =>
  line
    .split(';')
    .slice(1)
    .map((part) => part.trim())
    .find((part) => part.toLowerCase().split('=')[0] === name.toLowerCase());

// Cookie attributes are configuration, not storage: one database is enough.
describe('flow cookies follow serve.cookies.* and the issuer scheme', () => {
  const sqlite = testDatabases().find((db) => db.name === 'sqlite') ?? assert.fail('sqlite is always available');

  /** Runs one remembered login and consent under `extraEnv`; returns every Set-Cookie line and the browser. */
  async function flowUnder(extraEnv: Record<string, string>, tamper?: (browser: Browser) => void): Promise<{ lines: string[]; back: Hop }> {
    const database = await sqlite.create();
    const setup = await setUp(database.dsn, extraEnv);
    try {
      const issuer = extraEnv.URLS_SELF_ISSUER ?? ISSUER;
      const browser = new RecordingBrowser({ [new URL(issuer).origin]: setup.cluster.publicUrl });
      const client = await createClient(setup.cluster.adminUrl, { grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid', redirect_uris: [REDIRECT] });
      const url = new URL('/oauth2/auth', setup.cluster.publicUrl);
      for (const [k, v] of Object.entries({ client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: STATE })) url.searchParams.set(k, v);
      const toLogin = await browser.go(url);
      tamper?.(browser);
      const loginChallenge = challengeIn(toLogin, 'login_challenge');
      const toConsent = await browser.go(redirectTo(await setup.app.acceptLogin(loginChallenge, { subject: 'frank', remember: true })));
      tamper?.(browser);
      const consentChallenge = challengeIn(toConsent, 'consent_challenge');
      const back = await browser.go(redirectTo(await setup.app.acceptConsent(consentChallenge, { grant_scope: ['openid'] })));
      return { lines: browser.setCookieLines, back };
    } finally {
      await setup.cluster.close();
      await database.drop();
    }
  }

  test('https issuer, defaults: every cookie is HttpOnly, Secure and SameSite=Lax', async () => {
    const { lines, back } = await flowUnder({});
    assert.ok(param(back.location, 'code'), back.location);
    assert.ok(lines.some((l) => l.startsWith(`${SESSION_COOKIE}=`)) && lines.some((l) => l.startsWith('ory_hydra_login_csrf')), lines.join('\n'));
    for (const line of lines) {
      assert.ok(attribute(line, 'HttpOnly') !== undefined, line);
      assert.ok(attribute(line, 'Secure') !== undefined, line);
      assert.equal(attribute(line, 'SameSite'), 'SameSite=Lax', line);
    }
  });

  test('serve.cookies.same_site_mode: Strict sets SameSite=Strict on every cookie', async () => {
    const { lines } = await flowUnder({ SERVE_COOKIES_SAME_SITE_MODE: 'Strict' });
    assert.ok(lines.length >= 4, lines.join('\n'));
    for (const line of lines) assert.equal(attribute(line, 'SameSite'), 'SameSite=Strict', line);
  });

  test('SameSite=None with the legacy workaround: CSRF cookies get a twin without SameSite that an old browser can use', async () => {
    const cookieEnv = { SERVE_COOKIES_SAME_SITE_MODE: 'None', SERVE_COOKIES_SAME_SITE_LEGACY_WORKAROUND: 'true' };
    const { lines } = await flowUnder(cookieEnv);
    const twins = lines.filter((l) => /^ory_hydra_\w+_csrf_[0-9a-f]{8}_legacy=/.test(l));
    assert.equal(twins.filter((l) => !/Max-Age=0/.test(l)).length, 2, lines.join('\n'));
    for (const twin of twins) {
      assert.equal(attribute(twin, 'SameSite'), undefined, twin);
      assert.ok(attribute(twin, 'Secure') !== undefined, twin);
    }
    for (const line of lines.filter((l) => !twins.includes(l))) assert.equal(attribute(line, 'SameSite'), 'SameSite=None', line);
    assert.equal(lines.filter((l) => l.startsWith(`${SESSION_COOKIE}_legacy`)).length, 0, 'the session cookie has no twin');

    // A browser that drops SameSite=None cookies keeps only the twins, and the flow still completes.
    const dropNone = (browser: Browser) => {
      for (const name of [...browser.cookies.keys()]) if (/_csrf_[0-9a-f]{8}$/.test(name)) browser.cookies.delete(name);
    };
    const { back } = await flowUnder(cookieEnv, dropNone);
    assert.ok(param(back.location, 'code'), back.location);
  });

  test('an http issuer: no Secure, and SameSite=None falls back to Lax', async () => {
    const { lines } = await flowUnder({ URLS_SELF_ISSUER: 'http://tessera.test/', SERVE_COOKIES_SAME_SITE_MODE: 'None' });
    assert.ok(lines.length >= 4, lines.join('\n'));
    for (const line of lines) {
      assert.equal(attribute(line, 'Secure'), undefined, line);
      assert.equal(attribute(line, 'SameSite'), 'SameSite=Lax', line);
    }
  });
});

describe("serve.cookies names, domain, path and secure (Hydra's keys) reach the browser, and the renamed cookies still work", () => {
  const sqlite = testDatabases().find((db) => db.name === 'sqlite') ?? assert.fail('sqlite is always available');

  test('every cookie is renamed, carries Domain and Secure on an http issuer; the session cookie has its own Path; the flow completes', async () => {
    const database = await sqlite.create();
    const setup = await setUp(database.dsn, {
      URLS_SELF_ISSUER: 'http://tessera.test/',
      SERVE_COOKIES_SECURE: 'true',
      SERVE_COOKIES_DOMAIN: 'tessera.test',
      SERVE_COOKIES_NAMES_LOGIN_CSRF: 'acme_login_csrf',
      SERVE_COOKIES_NAMES_CONSENT_CSRF: 'acme_consent_csrf',
      SERVE_COOKIES_NAMES_SESSION: 'acme_session',
      SERVE_COOKIES_PATHS_SESSION: '/oauth2',
    });
    try {
      const browser = new RecordingBrowser({ 'http://tessera.test': setup.cluster.publicUrl });
      const client = await createClient(setup.cluster.adminUrl, { grant_types: ['authorization_code'], response_types: ['code'], scope: 'openid', redirect_uris: [REDIRECT] });
      const url = new URL('/oauth2/auth', setup.cluster.publicUrl);
      for (const [k, v] of Object.entries({ client_id: client.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: STATE })) url.searchParams.set(k, v);
      // The CSRF checks pass only if the gateway forwards the renamed cookies to core.
      const back = await runFlow(browser, setup.app, url, { subject: 'grace', remember: true });
      assert.ok(param(back.location, 'code'), back.location);
      const lines = browser.setCookieLines;
      assert.ok(lines.some((l) => /^acme_login_csrf_[0-9a-f]{8}=/.test(l)) && lines.some((l) => /^acme_consent_csrf_[0-9a-f]{8}=/.test(l)), lines.join('\n'));
      assert.equal(lines.filter((l) => l.startsWith('ory_hydra_')).length, 0, lines.join('\n'));
      for (const line of lines) {
        assert.equal(attribute(line, 'Domain'), 'Domain=tessera.test', line);
        assert.ok(attribute(line, 'Secure') !== undefined, line);
        assert.equal(attribute(line, 'Path'), line.startsWith('acme_session=') ? 'Path=/oauth2' : 'Path=/', line);
      }

      // The remembered session comes back under its new name: the next login is skipped.
      assert.ok(browser.cookies.has('acme_session'), [...browser.cookies.keys()].join(', '));
      const again = await browser.go(url);
      const login = await setup.app.getLogin(challengeIn(again, 'login_challenge'));
      assert.equal(login.body.skip, true);
      assert.equal(login.body.subject, 'grace');
    } finally {
      await setup.cluster.close();
      await database.drop();
    }
  });
});
