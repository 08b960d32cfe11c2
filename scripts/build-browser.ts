// Build helper: dist/scratchnet.browser.js, one self-contained ES module (the kernels inlined as
// base64, @assemblyscript/loader bundled in) for browsers without a bundler: a <script
// type="module"> or an import map can load it directly. Node and bundlers use dist/index.js.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
await build({
  entryPoints: [`${root}src/index.ts`],
  outfile: `${root}dist/scratchnet.browser.js`,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  sourcemap: true,
  // Node-only code paths (e.g. node:zlib for gzip in Node) are dynamic imports, never reached in browsers.
  external: ['node:*'],
  legalComments: 'inline',
  logLevel: 'warning',
});
console.log('build-browser: wrote dist/scratchnet.browser.js');
