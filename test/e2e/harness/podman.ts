/**
 * Podman as the e2e harness runs it: daemonless, with the runtime settings
 * this kind of machine needs (tools/podman/containers.conf says why), the
 * same ones tools/build-image.sh uses.
 */
import { execFile, spawn, SpawnOptions, ChildProcess } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../../..');
export const CONTAINERS_CONF = path.join(ROOT, 'tools/podman/containers.conf');

/** Global flags before every podman subcommand. */
export const PODMAN_FLAGS = ['--runtime', 'runc', '--cgroup-manager=cgroupfs'];

export function podmanEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CONTAINERS_CONF: process.env.CONTAINERS_CONF || CONTAINERS_CONF };
}

/** Runs `podman args...` to completion; answers its stdout, or throws with its stderr. */
export function podman(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('podman', [...PODMAN_FLAGS, ...args], { env: podmanEnv(), maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`podman ${args.join(' ')} failed: ${String(stderr).trim() || err.message}`));
      else resolve(String(stdout));
    });
  });
}

/** Starts a long-running `podman args...` (e.g. an attached `podman run`). */
export function spawnPodman(args: string[], options: SpawnOptions): ChildProcess {
  return spawn('podman', [...PODMAN_FLAGS, ...args], { ...options, env: podmanEnv() });
}

/** Removes every container (running or not) carrying `label` (`key=value`). */
export async function removeLabelled(label: string): Promise<number> {
  const ids = (await podman(['ps', '-aq', '--filter', `label=${label}`])).split('\n').filter(Boolean);
  if (ids.length > 0) await podman(['rm', '-f', '-t', '0', ...ids]);
  return ids.length;
}

/**
 * A kill -9 of jest runs no afterAll: a detached bash watchdog (like
 * owned-processes.ts's) waits for this process to die, then removes every
 * container carrying `label`. Labels, not pids: a container is never confused
 * with someone else's.
 */
export function removeWhenOwnerDies(label: string): void {
  const script = `
    owner=$1; label=$2; shift 2
    while kill -0 "$owner" 2>/dev/null; do sleep 2; done
    ids=$(podman "$@" ps -aq --filter "label=$label")
    [ -z "$ids" ] || podman "$@" rm -f -t 0 $ids >/dev/null 2>&1
    exit 0`;
  const child = spawn('bash', ['-c', script, 'e2e-owned-containers', String(process.pid), label, ...PODMAN_FLAGS], {
    detached: true, stdio: 'ignore', env: podmanEnv(),
  });
  child.unref();
}
