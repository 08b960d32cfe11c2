// Build helper, after tsc: trim dist/ to what the package's users reach. (1) Print the JavaScript
// without comments and with whitespace minified, in lines of at most 100 characters, names kept
// (the docs stay in the .d.ts files, where editors read them; legal comments stay): a third off
// the JavaScript in the tarball. (2) Drop what no entry point reaches: the exports map
// lets users import only '.', './browser' and './core' (types: dist/index.d.ts, dist/core.d.ts)
// and run the `bin`, so a .js that index.js, core.js, the bin and the browser bundles never import
// (statically or by a literal `import()`), and a .d.ts that neither .d.ts entry references, is
// dead weight (the CLI's types, the plain-TS twins the library does not call). The kernel modules
// are left as they are, but for their comments; the browser bundles and their chunk as they are. `npm run build` runs it last (it reads the browser bundle's imports too).
import { transform } from 'esbuild';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
const files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).map((f) => join(dist, f));

/** Every file reachable from `entries` through relative imports (`from '…'`, `import('…')`, `import '…'`). */
function reach(entries: string[], toFile: (spec: string) => string): Set<string> {
  const seen = new Set<string>();
  const todo = entries.filter((e) => existsSync(e));
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const m of readFileSync(f, 'utf8').matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      const target = normalize(join(dirname(f), toFile(m[1]!)));
      if (existsSync(target)) todo.push(target);
    }
  }
  return seen;
}

const js = reach([
  join(dist, 'index.js'), join(dist, 'core.js'), join(dist, 'scratchnet.browser.js'), join(dist, 'scratchnet.core.browser.js'),
  ...Object.values(pkg.bin).map((b) => join(root, b)),
], (s) => s);
const dts = reach([join(dist, 'index.d.ts'), join(dist, 'core.d.ts')], (s) => s.replace(/\.js$/, '.d.ts'));
let stripped = 0;
const dropped: string[] = [];
for (const f of files) {
  const rel = relative(dist, f);
  if (rel.startsWith('backend/builds/') && !f.endsWith('.generated.js')) continue;
  if (f.endsWith('.d.ts')) {
    if (!dts.has(f)) dropped.push(rel);
  } else if (f.endsWith('.js')) {
    if (!js.has(f)) dropped.push(rel);
    else if (!rel.startsWith('scratchnet.')) { // (the browser bundles and their shared chunk are minified already)
      // no target or format: esbuild prints the same ES module back (no renaming), compactly
      const { code } = await transform(readFileSync(f, 'utf8'), {
        // (a kernel module is one long string: a line limit would only split it)
        loader: 'js', minifyWhitespace: true, lineLimit: rel.startsWith('backend/builds/') ? 0 : 100, legalComments: 'inline', charset: 'utf8', sourcefile: rel,
      });
      writeFileSync(f, code);
      stripped++;
    }
  }
}
for (const rel of dropped) rmSync(join(dist, rel));
console.log(`trim-dist: ${stripped} files printed compactly; dropped ${dropped.length} that no entry point reaches`);
