/**
 * `npm start` as a newcomer runs it: one command starts core, gateway, the login/consent app
 * and the relying party as processes; the printed click-path works in Chromium; Ctrl-C stops
 * everything; a second start keeps clients and remembered sessions; a busy port is named.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { unusedPort } from '../support/cluster.js';
import { runProgram, type Program } from '../support/processes.js';
import { browserMissing, launchBrowser, newPage, saveFailure } from './support/browser.js';
import { logIn } from './support/scenario.js';

async function quickstartEnv(stateDir: string): Promise<Record<string, string>> {
  const port = async () => String(await unusedPort());
  return {
    QUICKSTART_STATE_DIR: stateDir,
    SERVE_PUBLIC_PORT: await port(),
    SERVE_ADMIN_PORT: await port(),
    SERVE_GRPC_PORT: await port(),
    QUICKSTART_LOGIN_PORT: await port(),
    QUICKSTART_RP_PORT: await port(),
    LOG_LEVEL: 'warn',
  };
}

const start = (env: Record<string, string>, args: string[] = []): Program => runProgram('deploy/quickstart/start.ts', args, env);

describe('npm start (deploy/quickstart/start.ts)', { skip: browserMissing() }, () => {
  let browser: Browser;
  let stateDir: string;
  before(async () => {
    browser = await launchBrowser();
    stateDir = await mkdtemp(join(tmpdir(), 'tessera-quickstart-'));
  });
  after(async () => {
    await browser.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('prints the click-path, which works; Ctrl-C stops all; a restart keeps the client and the remembered login', async () => {
    const env = await quickstartEnv(stateDir);
    const rpUrl = `http://127.0.0.1:${env.QUICKSTART_RP_PORT}`;
    const tab = await newPage(browser);
    let program = start(env, ['--reset']);
    try {
      await program.waitFor(/Try it: open/, 90_000);
      assert.match(program.output(), new RegExp(`open ${rpUrl} , click "Sign in", log in as foo@bar\\.com / foobar`));

      const { page } = tab;
      await page.goto(rpUrl);
      await page.getByRole('link', { name: 'Sign in' }).click();
      await logIn(page, { remember: true });
      await page.getByRole('button', { name: 'Allow access' }).click();
      await page.getByRole('heading', { name: 'Signed in' }).waitFor();
      assert.equal(await page.locator('#subject').innerText(), 'foo@bar.com');

      // Ctrl-C: the launcher stops its four children and exits 0.
      program.child.kill('SIGINT');
      assert.equal(await program.exited(), 0);
      assert.doesNotMatch(program.output(), /exited \(/, 'no child died on its own');

      program = start(env);
      await program.waitFor(/Try it: open/, 90_000);
      // Same database and keys: the remembered login session is still valid, so no form.
      await page.goto(`${rpUrl}/signin`);
      await page.getByRole('heading', { name: 'Allow access' }).waitFor();
      await page.getByRole('button', { name: 'Allow access' }).click();
      await page.getByRole('heading', { name: 'Signed in' }).waitFor();
      assert.equal(await page.locator('#subject').innerText(), 'foo@bar.com');
    } catch (err) {
      const paths = await saveFailure(tab.page, 'npm start');
      console.error(`e2e "npm start" failed; saved ${paths.join(' and ')}\n--- launcher output ---\n${program.output()}`);
      throw err;
    } finally {
      await tab.close();
      program.child.kill('SIGINT');
      await program.exited();
    }
  });

  it('names a busy port and exits 1 without a stack trace', async () => {
    const env = await quickstartEnv(stateDir);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(Number(env.QUICKSTART_RP_PORT), '127.0.0.1', resolve));
    try {
      const program = start(env);
      assert.equal(await program.exited(), 1);
      assert.match(program.output(), new RegExp(`port ${env.QUICKSTART_RP_PORT} for the relying party \\(QUICKSTART_RP_PORT\\) is in use`));
      assert.doesNotMatch(program.output(), /\n\s+at /);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
