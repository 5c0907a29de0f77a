/**
 * A real browser for the end-to-end tests: Debian's Chromium (apt package `chromium`) driven by
 * playwright-core, headless, one launch per test file and a fresh context per test. On failure
 * the test's last page is saved (screenshot + HTML) under test-results/e2e/ and the paths are
 * printed.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../../core-service/shared/paths.js';

/** Where Debian installs Chromium. */
export const CHROMIUM = '/usr/bin/chromium';

/** Where failure screenshots and page HTML go (gitignored; CI prints this path). */
export const ARTIFACTS_DIR = join(PROJECT_ROOT, 'test-results', 'e2e');

/** Why the e2e suite cannot run here, or undefined when it can. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`;
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launches Chromium. playwright-core gives every launch a new, temporary user-data-dir (deleted
 * on close), and every context from `newPage` has its own cookie jar, so tests share nothing.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** A page in a new, empty browser context; `close()` ends the context. */
export async function newPage(browser: Browser): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 820 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  return { page, close: () => context.close() };
}

/** Saves a full-page screenshot and the HTML of `page`; returns the two paths. */
export async function saveFailure(page: Page, name: string): Promise<string[]> {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const base = join(ARTIFACTS_DIR, `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${Date.now()}`);
  const paths = [`${base}.png`, `${base}.html`];
  await page.screenshot({ path: paths[0], fullPage: true }).catch(() => undefined);
  await writeFile(`${base}.html`, `<!-- ${page.url()} -->\n${await page.content().catch(() => '')}`);
  return paths;
}
