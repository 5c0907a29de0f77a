/**
 * Retakes the README's quickstart screenshots (docs/quickstart-*.png) with the e2e setup:
 * a fresh stack, Debian's Chromium, the clicks a person makes.
 *
 *   npx tsx test/e2e/screenshots.ts
 */
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../core-service/shared/paths.js';
import { launchBrowser, newPage } from './support/browser.js';
import { logIn, startSignIn } from './support/scenario.js';
import { startQuickstartStack } from './support/stack.js';

const DOCS = join(PROJECT_ROOT, 'docs');

const stack = await startQuickstartStack();
const browser = await launchBrowser();
try {
  const { page, close } = await newPage(browser);
  await startSignIn(page, stack);
  await page.getByLabel('Email').fill('foo@bar.com');
  await page.getByLabel('Password').fill('foobar');
  await page.getByLabel('Remember me on this device').check();
  await page.screenshot({ path: join(DOCS, 'quickstart-login.png'), fullPage: true });
  await logIn(page);
  await page.getByRole('heading', { name: 'Allow access' }).waitFor();
  await page.screenshot({ path: join(DOCS, 'quickstart-consent.png'), fullPage: true });
  await page.getByRole('button', { name: 'Allow access' }).click();
  await page.getByRole('heading', { name: 'Signed in' }).waitFor();
  await page.screenshot({ path: join(DOCS, 'quickstart-relying-party.png'), fullPage: true });
  await close();
  console.log(`screenshots written to ${DOCS}/quickstart-{login,consent,relying-party}.png`);
} finally {
  await browser.close();
  await stack.close();
}
