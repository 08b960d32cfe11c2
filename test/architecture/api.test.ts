// The shipped declarations are the documented API and nothing else: no `_`-prefixed member
// anywhere in dist/**/*.d.ts (npm test builds dist/ first, with stripInternal), and the public
// surface matches the committed report api/scratchnet.api.md (regenerate it with
// `npm run api:report` when a change to the API is intended, so the change shows in review).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiReport, underscoreMembers } from '../../scripts/api-report.js';

const ROOT = resolve(import.meta.dirname, '../..');
const dts = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? dts(p) : f.endsWith('.d.ts') ? [p] : [];
  });

let cached: string | null = null;
const report = (): string => (cached ??= apiReport());

describe('the shipped .d.ts', () => {
  it('declares no _-prefixed member (internals stay private)', () => {
    const files = dts(join(ROOT, 'dist'));
    expect(files.length).toBeGreaterThan(10);
    expect(underscoreMembers(files)).toEqual([]);
  });

  it('shows no internal machinery in the public classes', () => {
    for (const internal of ['NetworkArena', 'LayerBuffers', 'Backend', 'Block', 'PlanWriter', 'Trainer', 'KernelActivation', 'matrixView']) {
      expect(report(), internal).not.toMatch(new RegExp(`\\b${internal}\\b`));
    }
  });

  it('matches the committed API report (run npm run api:report after an intended change)', () => {
    expect(report()).toBe(readFileSync(join(ROOT, 'api/scratchnet.api.md'), 'utf8'));
  });
});
