// Makes the reference page that `redocly build-docs` writes self-contained.
//
// The page is prerendered, then hydrated by Redoc's standalone bundle, which
// it imports from cdn.redocly.com: offline it stays static (no search, no
// expanding). Redocly CLI ships that very bundle beside its own code and
// computes the page's integrity hash from it, so this script checks the hash,
// drops the CDN preload, and imports the bundle from a data: URL instead.
// (The `redoc` npm package would be the obvious source, but its 3.0.1
// release depends on a package version the registry does not have.)
//
// Usage: node docs-inline.mjs IN.html OUT.html
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node docs-inline.mjs IN.html OUT.html');
  process.exit(2);
}

function fail(msg) {
  console.error(`docs-inline: ${msg}`);
  process.exit(1);
}

const require = createRequire(import.meta.url);
const cliDir = dirname(require.resolve('@redocly/cli/package.json'));
const bundlePath = join(cliDir, 'lib', 'chunks', 'redoc.standalone.js');
let bundle;
try {
  bundle = readFileSync(bundlePath);
} catch (err) {
  fail(`Redocly CLI no longer ships ${bundlePath} (${err.code}); find the standalone Redoc bundle it uses now`);
}

let html = readFileSync(input, 'utf8');
const preload = /<link rel="modulepreload" href="(https:\/\/[^"]+\/redoc\.standalone\.js)" integrity="(sha384-[^"]+)"[^>]*>/;
const m = html.match(preload);
if (!m) fail('no modulepreload of redoc.standalone.js in the page: the template changed');
const [link, cdnURL, integrity] = m;
const local = 'sha384-' + createHash('sha384').update(bundle).digest('base64');
if (local !== integrity) {
  fail(`the page wants ${cdnURL} with ${integrity}, the CLI ships ${local}`);
}
html = html.replace(link, '');

// Redoc's "API docs by" credit shows Redocly's logo from their CDN; the
// bundle has no option to leave it out. The credit stays, with the name
// drawn as text in a small SVG of ours, so the page asks for nothing.
const credit = (width) =>
  'data:image/svg+xml,' +
  encodeURIComponent(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="16" viewBox="0 0 ${width} 16">` +
      '<text x="0" y="12" font-family="sans-serif" font-size="12" font-weight="600" fill="#5a5a5a">Redocly</text></svg>',
  );
let code = bundle.toString('utf8');
for (const [logo, width] of [
  ['https://cdn.redoc.ly/redoc/logo-mini-full.svg', 56],
  ['https://cdn.redoc.ly/redoc/logo-mini.svg', 56],
]) {
  const n = code.split(logo).length - 1;
  if (n !== 1) fail(`expected the bundle to name ${logo} once, found ${n}: the credit changed`);
  code = code.replace(logo, credit(width));
}

const importLine = `from "${cdnURL}"`;
const imports = html.split(importLine).length - 1;
if (imports !== 1) fail(`expected one import from ${cdnURL}, found ${imports}`);
html = html.replace(importLine, `from "data:text/javascript;base64,${Buffer.from(code, 'utf8').toString('base64')}"`);

const left = html.match(/https:\/\/cdn\.[a-z.]+\/[^"'\s]*/g);
if (left) fail(`the page still refers to a CDN: ${[...new Set(left)].join(', ')}`);
if (code.match(/https:\/\/cdn\.[a-z.]+\/[^"'`\s]*\.(svg|png|js|css|woff2?)/)) {
  fail('the Redoc bundle still loads something from a CDN');
}
writeFileSync(output, html);
console.log(`${output}: ${(Buffer.byteLength(html) / 1024 / 1024).toFixed(1)} MiB, Redoc inlined (${integrity})`);
