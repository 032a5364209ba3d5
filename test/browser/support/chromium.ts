import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { describe } from 'vitest';

/** Debian's Chromium (`apt-get install chromium`): the tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

// Headless, and nothing that phones home while a test runs (updates, sync, background fetches).
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const hasChromium = existsSync(CHROMIUM_PATH);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A suite that needs Chromium: skipped, saying why, on a machine without it. */
export function describeInChromium(name: string, suite: () => void): void {
  if (hasChromium) describe(name, suite);
  else describe.skip(`${name} (skipped: ${CHROMIUM_PATH} is missing; apt-get install chromium)`, suite);
}
