/**
 * Leftovers of interrupted runs. Each run records its owner (the jest
 * process) and its process groups in `<cache>/runs/<ownerPid>.json`. A new
 * run kills the groups of runs whose owner is dead, and removes their temp
 * dirs. Runs whose owner is alive are someone else's concurrent test run
 * (or a kept plane, E2E_KEEP=1): they are left alone.
 *
 * A watchdog shell also watches the owner, so that a `kill -9` of jest does
 * not leave etcd and the apiserver running until the next test run.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { killGroupSync } from './process-group';

export interface RunRecord {
  ownerPid: number;
  /** Set for E2E_KEEP=1: the plane outlives its owner on purpose. */
  keep: boolean;
  workDir: string;
  binDir: string;
  pgids: number[];
}

export const WORKDIR_PREFIX = 'cdk8s-re-e2e-';

/**
 * Records of the planes this process runs (jest may start two): never stale, whatever their pid says.
 * On globalThis, so that every copy of this module in the process shares it.
 */
const ownRecords: Set<string> = ((globalThis as any).__CDK8S_RE_E2E_OWN_RUN_RECORDS__ ??= new Set<string>());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Guards against pid reuse: only kill a group whose leader runs one of our binaries. */
function leaderRuns(pgid: number, binDir: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pgid}/cmdline`, 'utf8').startsWith(binDir);
  } catch {
    return false;
  }
}

function isOurTempDir(dir: string): boolean {
  return path.dirname(dir) === os.tmpdir() && path.basename(dir).startsWith(WORKDIR_PREFIX);
}

/**
 * Kills the process groups of runs whose owner is dead. That includes a plane
 * kept with E2E_KEEP=1 by an earlier run: a new run replaces it.
 */
export function reapStaleRuns(runsDir: string, log: (msg: string) => void): void {
  if (!fs.existsSync(runsDir)) return;
  for (const f of fs.readdirSync(runsDir).filter((n) => n.endsWith('.json'))) {
    const file = path.join(runsDir, f);
    if (ownRecords.has(file)) continue;
    let rec: RunRecord;
    try {
      rec = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      fs.rmSync(file, { force: true });
      continue;
    }
    if (rec.ownerPid !== process.pid && alive(rec.ownerPid)) continue;
    const killed = rec.pgids.filter((g) => leaderRuns(g, rec.binDir));
    killed.forEach(killGroupSync);
    if (isOurTempDir(rec.workDir)) fs.rmSync(rec.workDir, { recursive: true, force: true });
    fs.rmSync(file, { force: true });
    log(`cleaned up an earlier run (owner pid ${rec.ownerPid}${rec.keep ? ', kept with E2E_KEEP' : ''}): ` +
      `killed ${killed.length} process group(s), removed ${rec.workDir}`);
  }
}

export function writeRunRecord(file: string, rec: RunRecord): void {
  ownRecords.add(file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(rec, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

/**
 * Starts a detached shell that waits for the owner to die, then kills the
 * groups listed in the run record and removes the temp dir. After a normal
 * teardown the record is gone and the watchdog just exits.
 */
export function startWatchdog(recordFile: string): void {
  const script = `
    owner=$1; rec=$2
    while kill -0 "$owner" 2>/dev/null; do sleep 2; done
    [ -f "$rec" ] || exit 0
    bin=$(sed -n 's/.*"binDir": "\\(.*\\)".*/\\1/p' "$rec")
    for g in $(tr -d ' \\n' < "$rec" | sed -n 's/.*"pgids":\\[\\([0-9,]*\\)\\].*/\\1/p' | tr ',' ' '); do
      if tr '\\0' ' ' < /proc/$g/cmdline 2>/dev/null | grep -qF -- "$bin"; then kill -KILL -- -$g 2>/dev/null; fi
    done
    dir=$(sed -n 's/.*"workDir": "\\(.*\\)".*/\\1/p' "$rec")
    case "$dir" in */${WORKDIR_PREFIX}*) rm -rf -- "$dir";; esac
    rm -f -- "$rec"`;
  // bash, not sh: dash's kill has no `--` and would abort on `kill -KILL -- -pgid`.
  const child = spawn('bash', ['-c', script, 'e2e-watchdog', String(process.pid), recordFile], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}
