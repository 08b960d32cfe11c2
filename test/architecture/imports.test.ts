// The architecture, checked: no import cycle among the modules of src/ or assembly/ (value
// imports; `import type` is erased and cannot cycle at run time), and calls go one way between
// layers: assembly/ kernels ← src/backend (the only code that knows the instance, memory and
// pointers) ← src/core ← the nn building blocks ← src/training ← the NeuralNetwork facade
// (src/nn/network.ts, which offers train()) ← interop codecs' users, cli, scripts.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.ts$/.test(f) && !f.endsWith('.d.ts') ? [p] : [];
  });
}

/** Value imports and re-exports of a file, resolved to repository paths. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /^(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) {
    if (m[1]) continue; // import type / export type
    let p = resolve(dirname(file), m[2]!).replace(/\.js$/, '.ts');
    if (!p.endsWith('.ts')) p += '.ts';
    out.push(relative(ROOT, p));
  }
  return out;
}

function graph(dirs: string[]): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const d of dirs) for (const f of files(join(ROOT, d))) g.set(relative(ROOT, f), imports(f));
  return g;
}

function cycles(g: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string): void => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of g.get(n) ?? []) {
      if (!g.has(m)) continue;
      if (state.get(m) === 'open') found.push([...stack.slice(stack.indexOf(m)), m]);
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of g.keys()) if (!state.has(n)) visit(n);
  return found;
}

const all = graph(['src', 'assembly']);

describe('imports', () => {
  it('the graph is read (sanity: a known edge is seen)', () => {
    expect(all.get('src/nn/network.ts')).toContain('src/nn/arena.ts');
    expect(all.get('assembly/network.ts')).toContain('src/backend/contract.ts');
  });

  it('no module cycle in src/ or assembly/', () => {
    expect(cycles(all).map((c) => c.join(' → '))).toEqual([]);
  });

  it('assembly/ imports only assembly/ and the one TS ↔ kernel contract', () => {
    const bad = [...all].filter(([f]) => f.startsWith('assembly/'))
      .flatMap(([f, is]) => is.filter((i) => !i.startsWith('assembly/') && i !== 'src/backend/contract.ts').map((i) => `${f} → ${i}`));
    expect(bad).toEqual([]);
  });

  it('layers call one way: backend ← core ← nn ← training ← NeuralNetwork ← cli', () => {
    const rank = (f: string): number => {
      if (f.startsWith('assembly/') || f === 'src/backend/contract.ts') return 0;
      if (f.startsWith('src/backend/')) return 1;
      if (f.startsWith('src/reference/')) return 1;
      if (f.startsWith('src/core/')) return 2;
      if (f.startsWith('src/data/') || f.startsWith('src/plot/') || f.startsWith('src/interop/')) return 3;
      if (f === 'src/nn/network.ts') return 5;
      if (f.startsWith('src/nn/')) return 3;
      if (f.startsWith('src/training/')) return 4;
      if (f === 'src/index.ts' || f === 'src/core.ts' || f === 'src/setup.ts') return 6;
      if (f.startsWith('src/cli/')) return 7;
      return 8;
    };
    const bad = [...all].flatMap(([f, is]) => is.filter((i) => rank(i) > rank(f)).map((i) => `${f} → ${i}`));
    expect(bad).toEqual([]);
  });
});
