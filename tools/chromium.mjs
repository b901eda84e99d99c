// Headless Chromium for the page tests (docs.test.mjs, view.test.mjs):
// Debian's /usr/bin/chromium or $CHROMIUM, driven by playwright-core, in a
// fresh profile with the background networking a first start does turned
// off, and every request the test does not allow recorded and refused.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';

// openChromium starts Chromium with a page. allow(url) says which requests
// may go; the others are refused and listed in blocked. Script errors on
// the page are listed in pageErrors. close stops Chromium, then removes
// its profile (only then: Chromium writes its cache until it is gone).
export async function openChromium({ name, viewport, allow }) {
  assert.ok(existsSync(executablePath), `no Chromium at ${executablePath}: install Debian's chromium package or set CHROMIUM`);
  const profile = mkdtempSync(join(tmpdir(), `groupme-${name}-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport,
    timeout: 60_000,
  });
  context.setDefaultTimeout(30_000);
  const blocked = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allow(url)) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return {
    context, page, blocked, pageErrors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
    },
  };
}
