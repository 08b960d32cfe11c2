/**
 * The NumPy peer: runs scripts/bench_numpy.py as a child process (JSON config on stdin, one JSON
 * object on stdout) with the BLAS thread count pinned through the environment.
 *
 * @module
 */
import { runJsonChild } from './child.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LayerParams, W2Data } from './data.js';

/** The python executable: $BENCH_PYTHON, else python3. */
export const PYTHON = process.env.BENCH_PYTHON || 'python3';

/** Whether `python3 -c "import numpy"` works; the reason when it does not. */
export function numpyAvailable(): { ok: true; version: string } | { ok: false; reason: string } {
  const r = spawnSync(PYTHON, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return { ok: false, reason: `${PYTHON} not runnable (${r.error.message})` };
  if (r.status !== 0) return { ok: false, reason: `${PYTHON} -c "import numpy" failed: ${(r.stderr || '').trim().split('\n').at(-1)}` };
  return { ok: true, version: r.stdout.trim() };
}

/** What bench_numpy.py prints. */
export interface NumpyOutput {
  numpy: string;
  python: string;
  blas: { threads?: number; name?: string; version?: string; corename?: string; config?: string; [k: string]: unknown };
  w1?: { us_per_epoch: number[]; loss: number; log: number[] };
  w2?: Record<string, { samples_per_sec: number[]; epoch_loss: number[] }>;
  w4?: Record<string, { samples_per_sec: number[]; epoch_loss: number[] }>;
  w3?: Record<string, { per_call_ms: number[] }>;
}

/**
 * glibc's malloc settings NumPy runs with (unless the environment sets them): memory freed stays
 * in the process's heap instead of going back to the OS. Each training step's temporaries (an
 * 800 KB dW, lr·dW, …) were otherwise unmapped and page-faulted in afresh every step; on a VM
 * whose page faults are slow that made NumPy's W2 loop 6× slower (12,000 → 77,000 samples/s on
 * one thread, Zen 5 VM), which would flatter scratchnet. NumPy's best is what it is compared with.
 */
export const NUMPY_MALLOC_ENV = { MALLOC_TRIM_THRESHOLD_: String(1 << 30), MALLOC_MMAP_THRESHOLD_: String(1 << 25) } as const;

/** Run bench_numpy.py with `config`; `threads: 1` pins OpenBLAS/OMP/MKL to one thread, 'all' unpins. */
export function runNumpy(script: string, config: unknown, threads: 1 | 'all', timeoutMs: number): Promise<NumpyOutput> {
  const env: NodeJS.ProcessEnv = { ...NUMPY_MALLOC_ENV, ...process.env };
  for (const v of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'BLIS_NUM_THREADS']) {
    if (threads === 1) env[v] = '1';
    else delete env[v];
  }
  return runJsonChild<NumpyOutput>(PYTHON, [script], { name: 'bench_numpy.py', timeoutMs, env, input: JSON.stringify(config) });
}

/**
 * Write an MLP workload's data and starting weights as raw little-endian float32 files (and the
 * row order of every epoch as int32, `order.i32`, when shuffled); returns the folder.
 */
export function writeMlpFiles(data: W2Data, params: readonly LayerParams[], orders: Int32Array | null): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-bench-'));
  const raw = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  writeFileSync(join(dir, 'x.f32'), raw(data.x));
  writeFileSync(join(dir, 'y.f32'), raw(data.y));
  if (orders) writeFileSync(join(dir, 'order.i32'), new Uint8Array(orders.buffer, orders.byteOffset, orders.byteLength));
  params.forEach((p, i) => {
    writeFileSync(join(dir, `w${i}.f32`), raw(p.weights));
    writeFileSync(join(dir, `b${i}.f32`), raw(p.bias));
  });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
