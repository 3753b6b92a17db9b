/**
 * Builds the tarball users install: the root package.json, LICENSE and
 * README.md with a fresh compile of the root tsconfig, packed by `npm pack`
 * under the package's own `files` list. Compiling into a staging directory
 * (instead of packing the work tree's dist/) keeps files left in dist/ by an
 * older build out of the test.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runOk } from './run';

export const REPO_ROOT = path.join(__dirname, '..', '..');

export interface PackedPackage {
  readonly tarball: string;
  /** Paths inside the package, as `npm pack` lists them. */
  readonly files: string[];
}

export async function packPackage(workDir: string): Promise<PackedPackage> {
  const stage = path.join(workDir, 'stage');
  fs.mkdirSync(stage, { recursive: true });
  for (const f of ['package.json', 'LICENSE', 'README.md']) fs.copyFileSync(path.join(REPO_ROOT, f), path.join(stage, f));
  const tsc = require.resolve('typescript/bin/tsc');
  await runOk(process.execPath, [tsc, '-p', path.join(REPO_ROOT, 'tsconfig.json'), '--outDir', path.join(stage, 'dist')], REPO_ROOT);
  const packed = await runOk('npm', ['pack', '--json', '--pack-destination', workDir], stage);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  return { tarball: path.join(workDir, info.filename), files: info.files.map((f) => f.path).sort() };
}
