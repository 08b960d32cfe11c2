// Build helper: the browser entry points, ES modules (no dependencies) for browsers without a
// bundler: a <script type="module"> or an import map loads them directly.
//   dist/scratchnet.browser.js       everything ('scratchnet')
//   dist/scratchnet.core.browser.js  networks and training, no data loaders or plots ('scratchnet/core')
// Their shared code is one chunk, dist/scratchnet.<hash>.js, that both import: a page that loads
// both gets one copy of every class and of the kernels' state. The kernels stay in the package's
// own base64 modules, dist/backend/builds/<build>.generated.js, one per build, which the bundle
// imports by a relative URL once it knows which build the engine runs (a page downloads one build;
// no wasm path to configure; the tarball carries each base64 once).
// Minified (names not kept: the library's errors name their operation in the message, and
// the page keeps a few KB), so that a page that trains XOR stays within 60 KB
// gzipped with its one build. Node and bundlers use dist/index.js and dist/core.js.
import { build, type Plugin } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Leave the generated kernel modules out of the bundle: import them from dist/backend/builds/. */
const kernelsExternal: Plugin = {
  name: 'kernels-external',
  setup(b) {
    b.onResolve({ filter: /\/builds\/[\w-]+\.generated\.js$/ }, (args) => ({
      path: `./backend/builds/${args.path.split('/').pop()}`,
      external: true,
    }));
  },
};

const { outputFiles } = await build({
  entryPoints: [{ in: `${root}src/index.ts`, out: 'scratchnet.browser' }, { in: `${root}src/core.ts`, out: 'scratchnet.core.browser' }],
  outdir: `${root}dist`,
  splitting: true,
  chunkNames: 'scratchnet.[hash]',
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  // ES2022 classes (#private fields and methods, static blocks) kept native: smaller than their
  // WeakMap lowering. Every engine with DecompressionStream, which init() needs (Firefox 113+,
  // Safari 16.4+), runs them; Chrome/Edge from 94.
  target: 'es2022',
  charset: 'utf8',
  // no source map: it would name src/ files the package does not ship
  sourcemap: false,
  // The Node-only paths (node:os, node:worker_threads, node:zlib) are dropped while parsing (see
  // src/backend/platform.ts): a page's bundler (esbuild, webpack for the web) fails on an
  // import('node:…') it meets. A Node module that is not dropped fails this build.
  define: { SCRATCHNET_BROWSER: 'true' },
  plugins: [kernelsExternal],
  minify: true,
  // names not kept: ~3 KB gzipped less per page (errors name their operation in the message)
  keepNames: false,
  legalComments: 'inline',
  logLevel: 'warning',
  write: false,
});
const nodeModule = outputFiles.map((f) => [f.path, /(?:\bimport\s*\(|\bfrom|\brequire\s*\()\s*["'`]node:[\w/]+/.exec(f.text)?.[0]] as const).find(([, m]) => m);
if (nodeModule) throw new Error(`build-browser: ${nodeModule[0]} still imports a Node module (${nodeModule[1]}): a Node-only path lacks the SCRATCHNET_BROWSER guard that src/backend/platform.ts describes`);
// each module's export statement on a line of its own, as line-scanning tools (publint) expect of ESM
for (const f of outputFiles) {
  const code = f.text, at = code.lastIndexOf('export{');
  writeFileSync(f.path, at > 0 && code[at - 1] !== '\n' ? `${code.slice(0, at)}\n${code.slice(at)}` : code);
}
console.log(`build-browser: wrote ${outputFiles.map((f) => `dist/${f.path.split('/').pop()}`).join(', ')}`);
