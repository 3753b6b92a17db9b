/**
 * Starting and stopping control-plane processes.
 *
 * Each component runs detached, as the leader of its own process group, so
 * that (1) a Ctrl-C in the terminal reaches jest, which then tears down in
 * order, instead of killing etcd under the apiserver, and (2) teardown can
 * signal the whole group (`kill -- -pgid`), children included.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface Component {
  name: string;
  /** pid of the leader = process group id. */
  pid: number;
  logFile: string;
  /** Set when the process has exited (a start failure, or teardown). */
  exited?: { code: number | null; signal: NodeJS.Signals | null };
  child: ChildProcess;
}

/** Starts `bin args...` with stdout+stderr appended to `<logDir>/<name>.log`. */
export function startComponent(name: string, bin: string, args: string[], logDir: string): Component {
  const logFile = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(bin, args, { detached: true, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  if (child.pid === undefined) throw new Error(`cannot start ${name} (${bin})`);
  // unref: jest must be able to exit while a plane is kept for debugging (E2E_KEEP=1).
  child.unref();
  const comp: Component = { name, pid: child.pid, logFile, child };
  child.on('exit', (code, signal) => {
    comp.exited = { code, signal };
  });
  child.on('error', (err) => {
    comp.exited = { code: -1, signal: null };
    fs.appendFileSync(logFile, `\n[harness] spawn error: ${err.message}\n`);
  });
  return comp;
}

/** True while any process of the group exists. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves when the group is gone. */
export async function stopGroup(pgid: number, graceMs = 10_000): Promise<void> {
  signalGroup(pgid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (groupAlive(pgid)) {
    signalGroup(pgid, 'SIGKILL');
    while (groupAlive(pgid)) await new Promise((r) => setTimeout(r, 50));
  }
}

/** For exit/signal handlers, where nothing asynchronous runs any more. */
export function killGroupSync(pgid: number): void {
  signalGroup(pgid, 'SIGKILL');
}

/** Last `lines` lines of a log, to print when a component fails to start. */
export function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
