/**
 * kwok's configuration: the Stage objects that make simulated nodes Ready and
 * pods Running/Ready/deleted. kwok v0.8.0 has no built-in stages any more, so
 * we concatenate the ones it ships in its Go module, at run time, from the
 * module cache (never copied into this repository).
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const STAGES = [
  'node/fast/node-initialize.yaml',
  'node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'pod/fast/pod-ready.yaml',
  'pod/fast/pod-complete.yaml',
  'pod/fast/pod-delete.yaml',
];

/** Go's module cache; without `go` on PATH (binaries cached, Go gone), Go's own default location. */
function goModCache(): string {
  try {
    return execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return process.env.GOMODCACHE || path.join(process.env.GOPATH || path.join(os.homedir(), 'go'), 'pkg', 'mod');
  }
}

export function kwokModuleDir(kwokVersion: string): string {
  return path.join(goModCache(), `sigs.k8s.io/kwok@${kwokVersion}`);
}

/** Writes the multi-document kwok config to `file`. */
export function writeKwokConfig(file: string, kwokVersion: string): void {
  const stageDir = path.join(kwokModuleDir(kwokVersion), 'kustomize', 'stage');
  if (!fs.existsSync(stageDir)) {
    throw new Error(`kwok stage files not found in ${stageDir}; run: go mod download sigs.k8s.io/kwok@${kwokVersion}`);
  }
  const docs = STAGES.map((s) => fs.readFileSync(path.join(stageDir, s), 'utf8').trim());
  fs.writeFileSync(file, docs.join('\n---\n') + '\n');
}
