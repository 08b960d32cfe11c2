// Build helper: strip comments from the JavaScript that tsc wrote to dist/ (the docs stay in the
// .d.ts files, where editors read them; legal comments stay). It takes about a fifth off the
// tarball. The kernel modules (dist/backend/builds/) and the browser bundle are left alone.
import { transform } from 'esbuild';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
let files = 0;
for (const f of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!f.endsWith('.js') || f.startsWith('backend/builds/') || f === 'scratchnet.browser.js') continue;
  const code = readFileSync(dist + f, 'utf8');
  // no target or format: esbuild prints the same ES module back, without its comments
  const { code: out } = await transform(code, { loader: 'js', legalComments: 'inline', charset: 'utf8', sourcefile: f });
  writeFileSync(dist + f, out);
  files++;
}
console.log(`strip-comments: ${files} files in dist/`);
