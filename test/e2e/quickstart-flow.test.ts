/**
 * The quickstart's OpenID Connect login in a real browser, clicked through as a person would:
 * relying party → Tessera → login app → consent → relying party, plus remember-me, a narrowed
 * grant, a refusal at consent, refresh and revoke. Each test has its own stack.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { browserMissing, launchBrowser } from './support/browser.js';
import { logIn, scenario, startSignIn } from './support/scenario.js';
import type { QuickstartStack } from './support/stack.js';

/** The introspection JSON the relying party shows for its access token. */
async function introspection(page: Page): Promise<Record<string, unknown>> {
  return JSON.parse(await page.locator('#introspection').innerText()) as Record<string, unknown>;
}

/** The ID token claims table on the relying party page, as an object of strings. */
async function claims(page: Page): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const row of await page.locator('#claims tr').all()) {
    out[await row.locator('th').innerText()] = await row.locator('td').innerText();
  }
  return out;
}

/** Every document the tab showed (redirect hops are not shown, so they are not listed). */
function shownUrls(page: Page): string[] {
  const urls: string[] = [];
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) urls.push(frame.url());
  });
  return urls;
}

async function approveConsent(page: Page, opts: { untick?: string[] } = {}): Promise<void> {
  await page.getByRole('heading', { name: 'Allow access' }).waitFor();
  for (const scope of opts.untick ?? []) await page.getByRole('checkbox', { name: new RegExp(`^${scope}\\b`) }).uncheck();
  await page.getByRole('button', { name: 'Allow access' }).click();
  await page.getByRole('heading', { name: 'Signed in' }).waitFor();
}

async function signInFully(page: Page, stack: QuickstartStack, opts: { remember?: boolean } = {}): Promise<void> {
  await startSignIn(page, stack);
  await logIn(page, opts);
  await approveConsent(page);
}

describe('quickstart login in Chromium', { skip: browserMissing() }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser.close());

  it('a person signs in at the relying party and sees the ID token and an active access token', () =>
    scenario(browser, 'full quickstart login', async (page, stack) => {
      await page.goto(stack.rpUrl);
      await page.getByRole('link', { name: 'Sign in' }).click();

      // Tessera handed the browser to the login app with a challenge.
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      assert.ok(page.url().startsWith(`${stack.loginAppUrl}/login?login_challenge=`), page.url());
      assert.match(await page.locator('main').innerText(), /to continue to Quickstart relying party/);
      await logIn(page);

      // Consent names the client, shows its logo and every requested scope, ticked.
      await page.getByRole('heading', { name: 'Allow access' }).waitFor();
      assert.ok(page.url().startsWith(`${stack.loginAppUrl}/consent?consent_challenge=`), page.url());
      assert.match(await page.locator('main').innerText(), /Quickstart relying party wants to access your account foo@bar\.com/);
      assert.equal(await page.locator(`img[src="${stack.rpUrl}/logo.svg"]`).count(), 1);
      for (const scope of ['openid', 'offline_access', 'email', 'profile']) {
        assert.equal(await page.getByRole('checkbox', { name: new RegExp(`^${scope}\\b`) }).isChecked(), true, scope);
      }
      await page.getByRole('button', { name: 'Allow access' }).click();

      await page.getByRole('heading', { name: 'Signed in' }).waitFor();
      assert.equal(new URL(page.url()).origin, stack.rpUrl);
      assert.equal(await page.locator('#subject').innerText(), 'foo@bar.com');
      const idToken = await claims(page);
      assert.equal(idToken.sub, 'foo@bar.com');
      assert.equal(idToken.email, 'foo@bar.com');
      assert.equal(idToken.name, 'Foo Bar');
      assert.equal(idToken.iss, stack.issuer);
      assert.equal(idToken.aud, '["quickstart-rp"]');
      const token = await introspection(page);
      assert.equal(token.active, true);
      assert.equal(token.sub, 'foo@bar.com');
      assert.equal(token.client_id, 'quickstart-rp');
      assert.deepEqual(String(token.scope).split(' ').sort(), ['email', 'offline_access', 'openid', 'profile']);
    }));

  it('"remember me" skips the login form on the next sign-in', () =>
    scenario(browser, 'remember me', async (page, stack) => {
      await signInFully(page, stack, { remember: true });

      const shown = shownUrls(page);
      await page.goto(`${stack.rpUrl}/signin`);
      await page.getByRole('heading', { name: 'Allow access' }).waitFor();
      assert.deepEqual(shown.filter((url) => url.startsWith(`${stack.loginAppUrl}/login`)), [], 'no login form was shown');
      await approveConsent(page);
      assert.equal(await page.locator('#subject').innerText(), 'foo@bar.com');
    }));

  it('unticking a scope at consent leaves it out of the access token and the ID token', () =>
    scenario(browser, 'untick scope', async (page, stack) => {
      await startSignIn(page, stack);
      await logIn(page);
      await approveConsent(page, { untick: ['email'] });

      const token = await introspection(page);
      assert.equal(token.active, true);
      assert.deepEqual(String(token.scope).split(' ').sort(), ['offline_access', 'openid', 'profile']);
      const idToken = await claims(page);
      assert.equal(idToken.sub, 'foo@bar.com');
      assert.equal(idToken.email, undefined);
      assert.equal(idToken.name, 'Foo Bar');
    }));

  it('denying at consent brings the person back to the relying party with access_denied', () =>
    scenario(browser, 'deny consent', async (page, stack) => {
      await startSignIn(page, stack);
      await logIn(page);
      await page.getByRole('heading', { name: 'Allow access' }).waitFor();
      await page.getByRole('button', { name: 'Deny' }).click();

      await page.getByRole('heading', { name: 'Sign-in did not complete' }).waitFor();
      assert.ok(page.url().startsWith(`${stack.rpUrl}/callback?`), page.url());
      assert.equal(await page.locator('#error').innerText(), 'access_denied');
    }));

  it('refresh replaces the tokens and revoke makes the access token inactive', () =>
    scenario(browser, 'refresh and revoke', async (page, stack) => {
      await signInFully(page, stack);
      const first = await page.locator('#access-token-fingerprint').innerText();

      await page.getByRole('button', { name: 'Refresh tokens' }).click();
      await page.getByText('Tokens refreshed').waitFor();
      assert.notEqual(await page.locator('#access-token-fingerprint').innerText(), first, 'a new access token');
      const refreshed = await introspection(page);
      assert.equal(refreshed.active, true);
      assert.equal(refreshed.sub, 'foo@bar.com');
      assert.deepEqual(String(refreshed.scope).split(' ').sort(), ['email', 'offline_access', 'openid', 'profile']);

      await page.getByRole('button', { name: 'Revoke tokens' }).click();
      await page.getByText('Tokens revoked').waitFor();
      assert.equal((await introspection(page)).active, false);
    }));

  it('logging out ends the session: the next sign-in asks for the password again', () =>
    scenario(browser, 'logout', async (page, stack) => {
      await signInFully(page, stack, { remember: true });

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('heading', { name: 'Sign out?' }).waitFor();
      assert.ok(page.url().startsWith(`${stack.loginAppUrl}/logout?logout_challenge=`), page.url());
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();

      await page.getByText('You are signed out.').waitFor();
      assert.equal(new URL(page.url()).origin, stack.rpUrl);
      await page.getByRole('link', { name: 'Sign in' }).click();
      await page.getByLabel('Password').waitFor();
      assert.ok(page.url().startsWith(`${stack.loginAppUrl}/login?login_challenge=`), page.url());
    }));
});
