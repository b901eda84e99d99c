// Opens the reference page `make docs` builds in headless Chromium, with
// every request that leaves the file blocked, and checks that Redoc comes
// to life offline: each operation of openapi.yaml has its own page with its
// summary as the heading, and search finds an operation and leads to it.
// Keeps a screenshot beside the page.
//
// Run by `make docs-test` (node --test); DOCS_PAGE names another page to
// check. Chromium: /usr/bin/chromium
// (Debian's package) or $CHROMIUM.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

import { openChromium } from './chromium.mjs';

const here = import.meta.dirname;
const page_ = process.env.DOCS_PAGE || join(here, 'out', 'groupme-api.html');
const screenshot = join(here, 'out', 'groupme-api.png');


// operations reads openapi.yaml's paths section line by line (the file is
// written with two-space indentation: paths at 2, methods at 4, an
// operation's keys at 6) and returns {id, tag, summary} for each operation.
function operations() {
  const lines = readFileSync(join(here, '..', 'openapi.yaml'), 'utf8').split('\n');
  const start = lines.indexOf('paths:');
  assert.notEqual(start, -1, 'openapi.yaml has no paths: line');
  const ops = [];
  let cur = null;
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break; // the next top-level key
    if (/^ {4}(get|put|post|delete|options|head|patch|trace):/.test(line)) {
      cur = {};
      ops.push(cur);
      continue;
    }
    if (/^ {4}\S/.test(line) || /^ {2}\S/.test(line)) {
      cur = null; // a path-level key (parameters, servers) or the next path
      continue;
    }
    const m = line.match(/^ {6}(operationId|tags|summary): *(.*)$/);
    if (cur && m) cur[m[1]] = m[2].trim();
  }
  return ops.map((op) => {
    assert.ok(op.operationId && op.tags && op.summary, `operation without operationId, tags or summary: ${JSON.stringify(op)}`);
    const tag = op.tags.match(/^\[([^\],]+)/);
    assert.ok(tag, `operation ${op.operationId}: tags not written as [Tag]: ${op.tags}`);
    return { id: op.operationId, tag: tag[1].trim(), summary: op.summary.replace(/^(['"])(.*)\1$/, '$2') };
  });
}

// h2 finds the level-2 heading whose text is exactly text. (Its accessible
// name also carries the label of the deep-link icon inside it.)
function h2(text) {
  const exact = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page.locator('h2', { hasText: exact });
}

let browser;
let page;

before(async () => {
  assert.ok(existsSync(page_), `${page_} is missing: run make docs`);
  // Only the file itself (and data: URLs) may load.
  browser = await openChromium({
    name: 'docs',
    viewport: { width: 1280, height: 900 },
    allow: (url) => url.startsWith('file:') || url.startsWith('data:'),
  });
  page = browser.page;
  await page.goto(pathToFileURL(page_).href, { timeout: 60_000 });
  // Hydration done: the search box answers clicks only once Redoc runs.
  await page.getByTestId('search-trigger').waitFor();
});

after(async () => {
  await browser?.close();
});

test('every operation of openapi.yaml has its page with its summary', async () => {
  const ops = operations();
  assert.ok(ops.length >= 37, `found ${ops.length} operations in openapi.yaml, expected at least 37`);
  const missing = [];
  for (const op of ops) {
    // Redoc's anchors: the tag lower-cased with spaces as dashes ("Polls
    // (unofficial)" is polls-(unofficial)), then the operationId.
    const hash = `#/${op.tag.toLowerCase().replace(/\s+/g, '-')}/${op.id.toLowerCase()}`;
    await page.evaluate((h) => { window.location.hash = h; }, hash);
    const heading = h2(op.summary);
    try {
      await heading.waitFor({ timeout: 10_000 });
    } catch {
      missing.push(`${op.id} (${hash}: no heading "${op.summary}")`);
    }
  }
  assert.deepEqual(missing, [], 'operations missing from the page');
});

test('search finds an operation and opens it', async () => {
  await page.evaluate(() => { window.location.hash = '#/'; });
  await page.getByTestId('search-trigger').click();
  await page.keyboard.type('Disband');
  const hit = page.locator('a[data-component-name="Search/SearchItem"]', { hasText: 'Disband a group' });
  await hit.waitFor();
  assert.equal(await hit.getAttribute('href'), '#/groups/destroygroup');
  await hit.click();
  await h2('Disband a group').waitFor();
  assert.match(page.url(), /#\/groups\/destroygroup$/);
  await page.screenshot({ path: screenshot });

  // A word that is nowhere in the spec finds nothing.
  await page.getByTestId('search-trigger').click();
  await page.keyboard.type('xylophonequartz');
  await page.getByText(/no results/i).first().waitFor();
  assert.equal(await page.locator('a[data-component-name="Search/SearchItem"]').count(), 0);
  await page.keyboard.press('Escape');
});

test('the page needs nothing from the network', async () => {
  assert.deepEqual(browser.blocked, [], 'requests that left the page');
  assert.deepEqual(browser.pageErrors, [], 'script errors on the page');
  // Redoc's "API docs by" credit keeps its logo, drawn from the page itself
  // (docs-inline.mjs), not fetched from Redocly's CDN.
  const logo = page.getByAltText('redocly logo');
  await logo.waitFor();
  const { src, width } = await logo.evaluate((img) => ({ src: img.src, width: img.naturalWidth }));
  assert.match(src, /^data:image\/svg\+xml,/, 'the credit logo is not inline');
  assert.ok(width > 0, 'the credit logo did not render');
});
