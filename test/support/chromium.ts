import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = process.env.AGENTTOOLS_CHROMIUM ?? '/usr/bin/chromium';
/** Set by .ci/run: the browser suites must run, not skip. */
const REQUIRE = process.env.AGENTTOOLS_REQUIRE_CHROMIUM === '1';
let warned = false;

/**
 * For a browser suite's `before`: skips the suite, once with a message, when Debian's Chromium
 * is not installed, or fails it when CI requires the browser.
 */
export function skipUnlessChromium(ctx: Mocha.Context): void {
  if (fs.existsSync(CHROMIUM)) return;
  if (REQUIRE) throw new Error(`Chromium is required (AGENTTOOLS_REQUIRE_CHROMIUM=1) but ${CHROMIUM} is missing`);
  if (!warned) console.warn(`\n  Chromium not found at ${CHROMIUM}: the browser suites are skipped (apt-get install chromium, or set AGENTTOOLS_CHROMIUM).\n`);
  warned = true;
  ctx.skip();
}

/** Debian's Chromium, headless, driven by playwright-core (no browser download). */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', ...extraArgs],
  });
}
