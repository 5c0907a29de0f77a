/**
 * The quickstart's device flow (RFC 8628) in a real browser: a command-line "device" asks
 * Tessera for codes, a person opens the verification URI in Chromium, confirms the code on the
 * example app's device page, signs in and approves, and the polling device gets its tokens.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { browserMissing, launchBrowser } from './support/browser.js';
import { logIn, scenario } from './support/scenario.js';
import { createClient, postForm } from '../support/oauth2.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

describe('quickstart device flow in Chromium', { skip: browserMissing() }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchBrowser();
  });
  after(() => browser.close());

  it('a person confirms the code a device shows, signs in and approves; the device then gets tokens', () =>
    scenario(browser, 'quickstart device flow', async (page, stack) => {
      const device = await createClient(stack.adminUrl, { client_name: 'Living-room TV', grant_types: [DEVICE_GRANT], token_endpoint_auth_method: 'none', scope: 'openid offline_access' });
      const codes = await postForm(stack.publicUrl, '/oauth2/device/auth', [['client_id', device.client_id], ['scope', 'openid']]);
      assert.equal(codes.status, 200, codes.text);
      const poll = () => postForm(stack.publicUrl, '/oauth2/token', [['grant_type', DEVICE_GRANT], ['device_code', String(codes.body.device_code)], ['client_id', device.client_id]]);
      assert.equal((await poll()).body.error, 'authorization_pending');

      // The person types the verification URI; the app's device page asks for the code.
      await page.goto(String(codes.body.verification_uri));
      await page.getByRole('heading', { name: 'Connect a device' }).waitFor();
      // A mistyped code is refused on the page, and the person may try again.
      await page.getByLabel('Code').fill('BBBB-BBBB');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('alert').waitFor();
      // Typed as people type: lower case, without the dash.
      await page.getByLabel('Code').fill(String(codes.body.user_code).replace('-', '').toLowerCase());
      await page.getByRole('button', { name: 'Continue' }).click();
      await logIn(page);
      await page.getByRole('heading', { name: 'Allow access' }).waitFor();
      assert.match(await page.locator('body').innerText(), /Living-room TV/);
      await page.getByRole('button', { name: 'Allow access' }).click();
      await page.getByRole('heading', { name: 'Device connected' }).waitFor();

      await sleep(Number(codes.body.interval) * 1000 + 200);
      const tokens = await poll();
      assert.equal(tokens.status, 200, tokens.text);
      assert.equal(tokens.body.scope, 'openid');
      assert.equal(typeof tokens.body.id_token, 'string');
    }));
});
