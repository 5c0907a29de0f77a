/**
 * One end-to-end scenario: a fresh quickstart stack and a fresh browser context, the steps a person
 * would take, and on failure the last page saved under test-results/e2e/.
 */
import type { Browser, Page } from 'playwright-core';
import { newPage, saveFailure } from './browser.js';
import { startQuickstartStack, type QuickstartStack } from './stack.js';

/** Runs `steps` against a new stack in a new browser context; both are closed afterwards. */
export async function scenario(browser: Browser, name: string, steps: (page: Page, stack: QuickstartStack) => Promise<void>): Promise<void> {
  const stack = await startQuickstartStack();
  try {
    const tab = await newPage(browser);
    try {
      await steps(tab.page, stack);
    } catch (err) {
      const paths = await saveFailure(tab.page, name);
      console.error(`e2e "${name}" failed on ${tab.page.url()}; saved ${paths.join(' and ')}`);
      throw err;
    } finally {
      await tab.close();
    }
  } finally {
    await stack.close();
  }
}

/** The login form as a person fills it: email, password, optionally "remember me", submit. */
export async function logIn(page: Page, opts: { email?: string; password?: string; remember?: boolean } = {}): Promise<void> {
  await page.getByLabel('Email').fill(opts.email ?? 'foo@bar.com');
  await page.getByLabel('Password').fill(opts.password ?? 'foobar');
  if (opts.remember) await page.getByLabel('Remember me on this device').check();
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the relying party and clicks "Sign in". */
export async function startSignIn(page: Page, stack: QuickstartStack): Promise<void> {
  await page.goto(stack.rpUrl);
  await page.getByRole('link', { name: 'Sign in' }).click();
}
