/**
 * Runs tools/build-control-plane.sh for a plane (the wrapper module in tools/:
 * cached: instant when built; a cold build takes minutes and prints its own
 * progress) and answers the binary dir. `E2E_BIN_DIR` (`E2E_BIN_DIR_K8S_1_30`
 * for the k8s-1.30 plane) skips the script and uses a prebuilt directory.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { planeEnv } from './connection';

export type BuildResult = { binDir: string } | { unavailable: string };

const SCRIPT = path.resolve(__dirname, '../../../tools/build-control-plane.sh');

export async function buildControlPlane(log: (msg: string) => void, plane: string): Promise<BuildResult> {
  const binDirEnv = planeEnv('E2E_BIN_DIR', plane);
  const prebuilt = process.env[binDirEnv];
  if (prebuilt) {
    return fs.existsSync(path.join(prebuilt, 'versions.json'))
      ? { binDir: path.resolve(prebuilt) }
      : { unavailable: `${binDirEnv}=${prebuilt} has no versions.json` };
  }
  const t0 = Date.now();
  const child = spawn('bash', [SCRIPT, plane], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let lastErr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    process.stderr.write(d);
    lastErr = String(d).trim().split('\n').pop() ?? lastErr;
  });
  // The script prints one line per binary; Go is silent for minutes in between. Show we are alive.
  const heartbeat = setInterval(() => log(`still building the control plane (${Math.round((Date.now() - t0) / 1000)} s)`), 60_000);
  const code = await new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (c) => resolve(c ?? 1));
  });
  clearInterval(heartbeat);
  if (code !== 0) return { unavailable: `tools/build-control-plane.sh ${plane} exited with ${code}: ${lastErr}` };
  const binDir = stdout.trim().split('\n').pop() ?? '';
  if (!fs.existsSync(path.join(binDir, '.complete'))) return { unavailable: `build printed no complete bin dir (${binDir})` };
  return { binDir };
}
