/**
 * Processes a test starts itself (e.g. reconciler sidecars) stop in its
 * afterAll. If jest is killed with -9 no afterAll runs and they would be
 * orphaned, retrying against an API server that is gone (or, once its port is
 * reused, someone else's). A detached bash watchdog, like the control plane's,
 * waits for the test process to die and then sends them SIGTERM, then SIGKILL;
 * before signalling a pid it checks that the process still runs `marker`
 * (e.g. the script path), so a reused pid is never touched.
 */
import { spawn } from 'child_process';

export function killWhenOwnerDies(pids: number[], marker: string): void {
  if (pids.length === 0) return;
  const script = `
    owner=$1; marker=$2; shift 2
    ours() { tr '\\0' ' ' < /proc/$1/cmdline 2>/dev/null | grep -qF -- "$marker"; }
    while kill -0 "$owner" 2>/dev/null; do sleep 2; done
    for p in "$@"; do ours "$p" && kill -TERM "$p" 2>/dev/null; done
    sleep 5
    for p in "$@"; do ours "$p" && kill -KILL "$p" 2>/dev/null; done
    exit 0`;
  // bash, not sh, for the same reason as the plane's watchdog (run-registry.ts).
  const child = spawn('bash', ['-c', script, 'e2e-owned-processes', String(process.pid), marker, ...pids.map(String)], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}
