// Builds the web map into dist/: one JS and one CSS bundle with content
// hashes in their names (so they can be cached for good), and index.html
// pointing at them. MapLibre GL JS comes from node_modules (the npm
// registry, at build time): the page fetches nothing from the internet.
//
//   npm ci && node build.mjs
import * as esbuild from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const out = 'dist';
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });

const result = await esbuild.build({
  entryPoints: { app: 'src/main.js' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});

const files = Object.keys(result.metafile.outputs).map((p) => p.split('/').pop());
const js = files.find((f) => /^app-.*\.js$/.test(f));
const css = files.find((f) => /^app-.*\.css$/.test(f));
if (!js || !css) throw new Error('build: missing bundle in ' + files.join(', '));
// Bundled packages whose code carries no license comment of its own for
// esbuild to keep: their LICENSE files join the bundle's legal notes.
const legal = join(out, 'assets', js + '.LEGAL.txt');
for (const pkg of ['uplot']) {
  writeFileSync(legal, readFileSync(legal, 'utf8') + `\n${pkg} (node_modules/${pkg}/LICENSE):\n` + readFileSync(`node_modules/${pkg}/LICENSE`, 'utf8'));
}
const html = readFileSync('src/index.html', 'utf8').replace('{{JS}}', js).replace('{{CSS}}', css);
writeFileSync(join(out, 'index.html'), html);
// The icon, served at /favicon.ico.
copyFileSync('src/favicon.ico', join(out, 'assets', 'favicon.ico'));
// The label glyphs (signed distance fields of Noto Sans, from the npm
// package, for the ranges Vietnamese names use), made by Go's glyphgen:
// served by the binary like the bundle, so labels need no other host.
execFileSync(process.env.GO || 'go', ['run', './glyphgen', '-font',
  'node_modules/@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf',
  '-stack', 'NotoSans-Regular', '-out', join(out, 'assets')], { stdio: 'inherit' });
copyFileSync('node_modules/@expo-google-fonts/noto-sans/LICENSE_FONT', join(out, 'assets', 'glyphs-NotoSans-OFL.txt'));

// build-info.json records what the bundle was built from, so a test can
// tell a stale committed dist/ from a fresh one.
const h = createHash('sha256');
for (const f of ['package-lock.json', 'build.mjs', ...readdirSync('src').sort().map((f) => 'src/' + f)]) {
  h.update(f + '\0');
  h.update(readFileSync(f)); // the bytes: src/ holds the favicon too
  h.update('\0');
}
writeFileSync(join(out, 'build-info.json'), JSON.stringify({ source_sha256: h.digest('hex') }, null, 2) + '\n');
console.log(`built ${out}/: ${js}, ${css}`);
