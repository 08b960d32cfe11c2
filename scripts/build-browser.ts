// Build helper: dist/scratchnet.browser.js, one ES module (@assemblyscript/loader bundled in) for
// browsers without a bundler: a <script type="module"> or an import map loads it directly. The
// kernels stay in the package's own base64 module, dist/backend/wasm-bytes.generated.js, which
// the bundle imports by a relative URL (no wasm path to configure, and the tarball carries the
// base64 once, not twice). Node and bundlers use dist/index.js.
import { build, type Plugin } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Leave the generated kernel modules out of the bundle: import them from dist/backend/. */
const kernelsExternal: Plugin = {
  name: 'kernels-external',
  setup(b) {
    b.onResolve({ filter: /\/wasm-bytes\.generated\.js$/ }, (args) => ({
      path: `./backend/${args.path.split('/').pop()}`,
      external: true,
    }));
  },
};

await build({
  entryPoints: [`${root}src/index.ts`],
  outfile: `${root}dist/scratchnet.browser.js`,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2020',
  // no source map: it would name src/ files the package does not ship
  sourcemap: false,
  // Node-only code paths (e.g. node:zlib for gzip in Node) are dynamic imports, never reached in browsers.
  external: ['node:*'],
  plugins: [kernelsExternal],
  legalComments: 'inline',
  logLevel: 'warning',
});
console.log('build-browser: wrote dist/scratchnet.browser.js');
