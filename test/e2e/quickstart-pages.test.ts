/**
 * The quickstart's own pages in a real browser, on a real Tessera: what a person sees before
 * and around the OAuth flow (start page, error pages, CSRF refusal, client registration).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserMissing, launchBrowser } from './support/browser.js';
import { scenario } from './support/scenario.js';

describe('quickstart pages in Chromium', { skip: browserMissing() }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser.close());

  it('the relying party greets a signed-out visitor with its logo and a Sign in button, having registered its client', () =>
    scenario(browser, 'rp start page', async (page, stack) => {
      const logo = page.waitForResponse(`${stack.rpUrl}/logo.svg`);
      const response = await page.goto(stack.rpUrl);
      assert.equal(response?.status(), 200);
      // The browser fetched the logo the page shows, and got an image.
      assert.equal((await logo).headers()['content-type'], 'image/svg+xml');
      assert.equal(await page.locator('img[src="/logo.svg"]').count(), 1);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Quickstart relying party');
      assert.equal(await page.getByText('You are not signed in.').count(), 1);
      assert.equal(await page.getByRole('link', { name: 'Sign in' }).getAttribute('href'), '/signin');

      const client = await page.request.get(`${stack.adminUrl}/admin/clients/quickstart-rp`);
      assert.equal(client.status(), 200);
      const doc = (await client.json()) as Record<string, unknown>;
      assert.deepEqual(doc.redirect_uris, [`${stack.rpUrl}/callback`]);
      assert.deepEqual(doc.post_logout_redirect_uris, [`${stack.rpUrl}/logged-out`]);
      assert.equal(doc.logo_uri, `${stack.rpUrl}/logo.svg`);
      assert.equal(doc.token_endpoint_auth_method, 'client_secret_basic');
    }));

  it('the relying party shows the error an authorization server sends to its callback', () =>
    scenario(browser, 'rp callback error', async (page, stack) => {
      await page.goto(`${stack.rpUrl}/callback?error=access_denied&error_description=The+resource+owner+denied+the+request&state=x`);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Sign-in did not complete');
      assert.equal(await page.locator('#error').innerText(), 'access_denied');
      assert.equal(await page.locator('#error-description').innerText(), 'The resource owner denied the request');
      await page.getByRole('link', { name: 'Back to the start page' }).click();
      assert.equal(await page.getByRole('link', { name: 'Sign in' }).count(), 1);
    }));

  it('the login page explains an unknown challenge instead of failing', () =>
    scenario(browser, 'unknown login challenge', async (page, stack) => {
      const response = await page.goto(`${stack.loginAppUrl}/login?login_challenge=not-a-challenge-tessera-issued`);
      assert.ok((response?.status() ?? 0) >= 400, `status ${response?.status()}`);
      assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'This sign-in request cannot continue');
      assert.doesNotMatch(await page.content(), /\bat \S+\.(ts|js):\d+/, 'no stack trace on the page');

      const missing = await page.goto(`${stack.loginAppUrl}/consent`);
      assert.equal(missing?.status(), 400);
      assert.match(await page.locator('main').innerText(), /consent_challenge query parameter is missing/);
    }));

  it('a form posted from another page, without the CSRF token, is refused', () =>
    scenario(browser, 'csrf refusal', async (page, stack) => {
      // What a malicious site would do: auto-submit a login accept for its own challenge.
      await page.setContent(`<form method="post" action="${stack.loginAppUrl}/login">
        <input name="challenge" value="attacker"><input name="email" value="foo@bar.com"><input name="password" value="foobar">
        <button name="action" value="login">go</button></form>`);
      const [response] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'go' }).click()]);
      assert.equal(response?.status(), 403);
      assert.match(await page.locator('main').innerText(), /CSRF check failed/);

      for (const path of ['/consent', '/logout']) {
        const res = await page.request.post(`${stack.loginAppUrl}${path}`, { form: { challenge: 'c', action: 'accept', _csrf: 'forged' } });
        assert.equal(res.status(), 403, path);
      }
      const rp = await page.request.post(`${stack.rpUrl}/logout`, { form: { _csrf: 'forged' } });
      assert.equal(rp.status(), 403);
    }));
});
