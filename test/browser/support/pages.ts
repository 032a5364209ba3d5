import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { PASSWORD } from './api';

/** Screens look the same everywhere: 1280x800 unless a test says otherwise. */
export const DESKTOP = { width: 1280, height: 800 };

/**
 * A fresh context (no cookies, no storage) for one test, whose pages report every console error,
 * uncaught exception and Content-Security-Policy violation into `problems`.
 */
export async function newConsoleContext(browser: Browser, base: string, viewport = DESKTOP): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({ baseURL: base, viewport });
  // Injected by the browser itself, so the page's CSP does not apply to it; a violation becomes a console error.
  await context.addInitScript(`document.addEventListener('securitypolicyviolation', (e) => console.error('CSP violation: ' + e.violatedDirective + ' blocked ' + e.blockedURI))`);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  // Chromium also logs every 4xx or 5xx answer as an error: a screen's calls must all succeed.
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error at ${msg.location().url}: ${msg.text()}`);
  });
  return { context, page, problems };
}

/** Signs in at /console/login and waits for the API keys screen, where sign-in lands. */
export async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto('/console/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/console/keys');
  await expect.poll(() => page.getByRole('heading', { level: 1, name: 'API keys' }).isVisible()).toBe(true);
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Runs axe-core on the page as it is and fails on a serious or critical violation; lesser ones are
 * printed. axe is evaluated by the browser rather than added as a <script> tag, which the page's
 * strict CSP (no inline scripts) would rightly refuse.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate('axe.run(document).then((r) => r.violations)')) as AxeViolation[];
  const describe = (v: AxeViolation) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`;
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of violations.filter((v) => !blocking.includes(v))) console.log(`axe on ${screen}: ${describe(v)}`);
  expect(blocking.map(describe), `axe on ${screen}`).toEqual([]);
}

const SCREENSHOT_DIR = join(__dirname, '..', '..', '..', 'docs', 'console');

/** Writes docs/console/<name>.png when CONSOLE_SCREENSHOTS=1 (so CI never rewrites the committed ones). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.CONSOLE_SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
}

/** Whether the document scrolls sideways (the layout is wider than the viewport). */
export async function scrollsSideways(page: Page): Promise<boolean> {
  return (await page.evaluate('document.documentElement.scrollWidth > document.documentElement.clientWidth')) as boolean;
}
