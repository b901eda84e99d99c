// Starts `groupme view` on a backup and reads it in headless Chromium, with
// every request that does not go to the page's own address blocked: the
// conversation list names the backup's conversations, a conversation
// scrolls back to older messages, its pictures load, and a search finds a
// message taken from the backup's files and leads to it. Keeps a
// screenshot in out/view.png.
//
// Run by `make view-test` (node --test), which writes the backup and builds
// the program first: VIEW_BACKUP names the backup directory, GROUPME the
// program. Chromium: /usr/bin/chromium (Debian's package) or $CHROMIUM.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';

import { openChromium } from './chromium.mjs';

const here = import.meta.dirname;
const backup = resolve(here, process.env.VIEW_BACKUP || join('out', 'view-backup'));
const program = resolve(here, process.env.GROUPME || join('..', 'bin', 'groupme'));
const screenshot = join(here, 'out', 'view.png');

// The backup, read from its own files: the conversations of the manifest,
// and one message of the largest conversation, old enough not to be on its
// first page, whose text is a search that finds it.
function readBackup() {
  const manifest = JSON.parse(readFileSync(join(backup, 'manifest.json'), 'utf8'));
  const convs = manifest.conversations;
  assert.ok(convs.length >= 2, `the backup has ${convs.length} conversations`);
  const big = convs.reduce((a, b) => (b.count > a.count ? b : a));
  assert.ok(big.count > 250, `the largest conversation has ${big.count} messages; the test needs more than two pages`);
  const lines = readFileSync(join(backup, big.file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const counts = new Map();
  for (const m of lines) if (m.text) counts.set(m.text, (counts.get(m.text) || 0) + 1);
  // A message a quarter of the way in, with a text of at least five words
  // that no other message of the conversation has.
  const known = lines.slice(Math.floor(lines.length / 4)).find((m) => !m.system && m.text &&
    m.text.split(/\s+/).length >= 5 && counts.get(m.text) === 1 && !/["*]/.test(m.text));
  assert.ok(known, 'no message to search for');
  return { convs, big, known: { id: String(known.id), text: known.text } };
}

let server;
let base;
let browser;
let page;
let data;
const consoleErrors = [];

before(async () => {
  assert.ok(existsSync(join(backup, 'manifest.json')), `no backup in ${backup}: run make view-test`);
  assert.ok(existsSync(program), `no program at ${program}: run make view-test`);
  data = readBackup();
  mkdirSync(join(here, 'out'), { recursive: true });

  server = spawn(program, ['view', backup, '--no-browser'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((_, reject) => server.once('exit', (code) => reject(new Error(`groupme view exited (${code}) before printing its address`))));
  const printed = new Promise((res) => createInterface({ input: server.stdout }).once('line', res));
  const line = await Promise.race([printed, exited]);
  assert.match(line, /^http:\/\/127\.0\.0\.1:\d+\/$/, `groupme view printed ${line}`);
  base = line;

  // Only the page's own address; anything else is recorded and refused.
  browser = await openChromium({
    name: 'view',
    viewport: { width: 1280, height: 860 },
    allow: (url) => url.startsWith(base),
  });
  page = browser.page;
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  await page.goto(base, { timeout: 60_000 });
});

after(async () => {
  await browser?.close();
  if (server && server.exitCode === null) {
    const exit = new Promise((res) => server.once('exit', (code, signal) => res({ code, signal })));
    server.kill('SIGINT'); // Ctrl-C: the program stops on its own, exit code 0
    const { code } = await exit;
    assert.equal(code, 0, 'groupme view did not stop cleanly on Ctrl-C');
  }
});

test('the conversation list names every conversation of the backup', async () => {
  const links = page.locator('#conversations a.conv');
  await links.nth(data.convs.length - 1).waitFor();
  assert.equal(await links.count(), data.convs.length);
  const names = await page.locator('#conversations .conv-name').allTextContents();
  assert.deepEqual([...names].sort(), data.convs.map((c) => c.name).sort());
  assert.match(await page.locator('#summary').textContent(), new RegExp(`^${data.convs.length} conversations`));
});

test('a conversation opens at its newest messages and scrolls back to older ones', async () => {
  await page.locator(`#conversations a[data-key="${data.big.kind}:${data.big.id}"]`).click();
  await page.locator('#title', { hasText: data.big.name }).waitFor();
  const msgs = page.locator('#messages li.msg');
  await msgs.first().waitFor();
  // The newest message is the last one, and is in view.
  const ids = await msgs.evaluateAll((els) => els.map((e) => e.dataset.id));
  assert.equal(ids.at(-1), String(data.big.last_id));
  assert.ok(await msgs.last().isVisible());
  const firstCount = ids.length;
  const firstID = BigInt(ids[0]);

  // Scrolling to the top loads older messages above.
  for (let i = 0; i < 3; i++) {
    const before = await msgs.count();
    await page.locator('#pane').evaluate((p) => { p.scrollTop = 0; });
    await page.waitForFunction((n) => document.querySelectorAll('#messages li.msg').length > n, before);
  }
  const now = await msgs.evaluateAll((els) => els.map((e) => e.dataset.id));
  assert.ok(now.length >= firstCount + 3 * 100 || now.length === data.big.count, `${now.length} messages after scrolling up three times`);
  assert.ok(BigInt(now[0]) < firstID, 'the first message did not get older');
  for (let i = 1; i < now.length; i++) assert.ok(BigInt(now[i - 1]) < BigInt(now[i]), `messages out of order at ${i}`);

  // Pictures come from the backup's folder and load.
  // (The newest picture: scrolling to it loads nothing more above it.)
  const img = await page.locator('#messages .pictures img').last().elementHandle();
  await img.scrollIntoViewIfNeeded();
  await page.waitForFunction((i) => i.complete && i.naturalWidth > 0, img);
  assert.match(await img.getAttribute('src'), /^\/images\/[0-9a-f]{64}\.[a-z]+$/);
  // Replies quote the message they answer.
  assert.ok(await page.locator('#messages blockquote.reply .name').count() > 0, 'no reply quotes its message');
  // Likes are shown.
  assert.ok(await page.locator('#messages .likes').count() > 0, 'no likes shown');
});

test('a search finds a message and leads to it in its conversation', async () => {
  const { known } = data;
  await page.locator('#q').fill(`"${known.text}"`);
  await page.locator('#q').press('Enter');
  const hit = page.locator(`a.hit[data-id="${known.id}"]`);
  await hit.waitFor();
  // The marked words are the phrase's (a phrase is marked as one stretch,
  // punctuation between its words included).
  const words = (t) => t.toLowerCase().split(/\s+/).map((w) => w.replace(/[^\p{L}\p{N}]+/gu, '')).filter(Boolean).join(' ');
  assert.equal(words((await hit.locator('mark').allTextContents()).join(' ')), words(known.text));
  await hit.click();
  const target = page.locator(`#messages li.msg.target[data-id="${known.id}"]`);
  await target.waitFor();
  assert.ok(await target.isVisible(), 'the found message is not in view');
  assert.equal(await target.locator('p.text').textContent(), known.text);
  assert.match(page.url(), new RegExp(`/m/${known.id}$`));
  // Messages older and newer than it are there to scroll to.
  const ids = await page.locator('#messages li.msg').evaluateAll((els) => els.map((e) => e.dataset.id));
  const at = ids.indexOf(known.id);
  assert.ok(at > 10 && at < ids.length - 10, `the found message is at ${at} of ${ids.length}`);
  await page.mouse.move(1, 1); // no hover highlight in the picture
  await page.screenshot({ path: screenshot });

  // Scrolling down from it loads the newer messages below.
  const last = BigInt(ids.at(-1));
  await page.locator('#pane').evaluate((p) => { p.scrollTop = p.scrollHeight; });
  await page.waitForFunction((n) => document.querySelectorAll('#messages li.msg').length > n, ids.length);
  const more = await page.locator('#messages li.msg').evaluateAll((els) => els.map((e) => e.dataset.id));
  assert.ok(BigInt(more.at(-1)) > last, 'no newer messages loaded below the found one');
  for (let i = 1; i < more.length; i++) assert.ok(BigInt(more[i - 1]) < BigInt(more[i]), `messages out of order at ${i}`);

  // Nothing matches a word that is in no message.
  await page.locator('#q').fill('xylophonequartz');
  await page.locator('#q').press('Enter');
  await page.locator('#subtitle', { hasText: 'No messages match.' }).waitFor();
  assert.equal(await page.locator('a.hit').count(), 0);
  // A query FTS5 cannot parse is explained, not a blank page.
  await page.locator('#q').fill('"unbalanced');
  await page.locator('#q').press('Enter');
  await page.locator('#pane .error', { hasText: 'not a valid search' }).waitFor();
});

test('no request leaves the page\'s address, and the page has no errors', () => {
  assert.deepEqual(browser.blocked, [], 'requests that left 127.0.0.1');
  assert.deepEqual(browser.pageErrors, [], 'script errors on the page');
  // The one expected console error is the 400 of the search FTS5 rejects.
  const unexpected = consoleErrors.filter((e) => !/status of 400/.test(e));
  assert.deepEqual(unexpected, [], 'console errors (CSP violations show here)');
});
