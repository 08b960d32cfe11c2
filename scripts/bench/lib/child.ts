// Run a child process that prints one JSON line last (the NumPy script, the other-build children).
import { spawn } from 'node:child_process';

/** Options of {@link runJsonChild}. */
export interface ChildOptions {
  /** Name for messages (e.g. 'bench_numpy.py'). */
  name: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, then closed. */
  input?: string;
}

/**
 * Spawn `command args`, wait for it, and parse the last line of its stdout as JSON. Rejects with
 * the child's last stderr lines when it fails, and kills it after `timeoutMs`.
 *
 * @example
 * ```ts
 * const out = await runJsonChild<{ ok: boolean }>('python3', ['script.py'], { name: 'script.py', timeoutMs: 60_000, input: '{}' });
 * ```
 */
export function runJsonChild<T>(command: string, args: readonly string[], o: ChildOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${o.name} timed out after ${Math.round(o.timeoutMs / 1000)} s`));
    }, o.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${o.name} exited with ${code}: ${err.trim().split('\n').slice(-3).join(' | ')}`));
      const last = out.trim().split('\n').at(-1) ?? '';
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${o.name} printed no JSON: ${last.slice(0, 200)}`));
      }
    });
    child.stdin.end(o.input ?? '');
  });
}
