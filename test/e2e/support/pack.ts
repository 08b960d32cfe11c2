// `npm pack` this repository and install the tarball into a fresh temp project, as a stranger
// would (the end-to-end tests of the package and of the runtimes share it). dist/ must be built.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const run = promisify(execFile);
/** The repository root. */
export const root = fileURLToPath(new URL('../../..', import.meta.url));

/** What `npm pack --json` reports of the tarball. */
export interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

/** Pack the repository into a fresh temp folder `<prefix>XXXX`, make it an ESM project and install the tarball there. */
export async function packAndInstall(prefix: string): Promise<{ dir: string; tarball: string; packed: Packed }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root });
  const [packed] = JSON.parse(stdout) as Packed[];
  const tarball = join(dir, packed!.filename);
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  await run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball], { cwd: dir });
  return { dir, tarball, packed: packed! };
}
