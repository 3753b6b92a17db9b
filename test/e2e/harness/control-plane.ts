/**
 * Starts and stops the whole local control plane, in the order of
 * local-control-plane.md §2.5: etcd -> kube-apiserver -> controller-manager +
 * scheduler -> kwok -> nodes and storage. Stops in reverse order.
 *
 * Once the plane is up, kube-apiserver is supervised: when it exits while the
 * plane is not stopping (a test killed it with `restartApiServer`, or it
 * crashed), it is started again with the same command line: same port, same
 * flags, same etcd, so every object survives. The new pid replaces the old one
 * in the run record (watchdog, stale-run cleanup), in the exit handlers and in
 * `processes.json`, which tells the test workers the current pids.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubeClient, waitFor } from '../../support/kube-client';
import * as components from './components';
import { PlaneInfo, PlaneProcesses, restartRequestFile } from './connection';
import { writeKubeconfig } from './kubeconfig';
import { writeKwokConfig } from './kwok-stages';
import { addNodes, baseNodeSpecs } from './nodes';
import { createPki } from './pki';
import { freePorts } from './ports';
import { Component, killGroupSync, startComponent, stopGroup, tail } from './process-group';
import { probe, waitUntil } from './readiness';
import { reapStaleRuns, startWatchdog, WORKDIR_PREFIX, writeRunRecord } from './run-registry';
import { addPersistentVolumes, storageClassObject, STORAGE_CLASS } from './storage';

/** Size of the initial PV pool: 3-node clusters in a few namespaces; tests top it up. */
const INITIAL_PVS = 12;

/** An instance that exits sooner than this after its start counts as a failed start. */
const QUICK_EXIT_MS = 15_000;
/** After this many failed starts in a row the supervisor gives up (its log tail is printed). */
const MAX_QUICK_EXITS = 3;

/** A started component and what it takes to start it again. */
interface Slot {
  cmd: components.CommandLine;
  comp: Component;
  /** Start it again when it exits while the plane runs (kube-apiserver only). */
  supervised: boolean;
  restarts: number;
  startedAt: number;
  /** Consecutive instances that exited within QUICK_EXIT_MS of their start. */
  quickExits: number;
}

export interface StartOptions {
  /** Leave the plane running after jest exits (E2E_KEEP=1): no watchdog, no exit handler. */
  keep: boolean;
  log: (msg: string) => void;
  /** The plane's name (its tools/ module): one jest process may run two planes, each with its own run record. */
  name: string;
}

export class ControlPlane {
  /** In start order; a restart replaces the slot's component in place. */
  private readonly slots: Slot[] = [];
  private stopping?: Promise<void>;
  /** Set first thing by stop() and the exit handlers: from then on nothing is restarted. */
  private shuttingDown = false;
  /** Supervision starts once the whole plane is up (a start failure must fail the start). */
  private supervising = false;

  private constructor(
    readonly info: PlaneInfo,
    readonly infoFile: string,
    private readonly runFile: string,
    private readonly opts: StartOptions,
  ) {}

  static async start(binDir: string, opts: StartOptions): Promise<ControlPlane> {
    const t0 = Date.now();
    const runsDir = path.join(path.dirname(binDir), 'runs');
    reapStaleRuns(runsDir, opts.log);

    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), WORKDIR_PREFIX));
    const logDir = path.join(workDir, 'logs');
    fs.mkdirSync(logDir);
    const versions = JSON.parse(fs.readFileSync(path.join(binDir, 'versions.json'), 'utf8'));
    const [etcd, etcdPeer, apiserver, controllerManager, scheduler] = await freePorts(5);
    const layout: components.Layout = {
      binDir,
      workDir,
      pki: createPki(path.join(workDir, 'pki')),
      kubeconfig: path.join(workDir, 'admin.kubeconfig'),
      kwokConfig: path.join(workDir, 'kwok.yaml'),
      ports: { etcd, etcdPeer, apiserver, controllerManager, scheduler },
    };
    const apiserverUrl = `https://127.0.0.1:${apiserver}`;
    writeKubeconfig(layout.kubeconfig, apiserverUrl, layout.pki);
    writeKwokConfig(layout.kwokConfig, versions.kwok);

    const info: PlaneInfo = {
      apiserverUrl,
      kubeconfig: layout.kubeconfig,
      binDir,
      workDir,
      versions,
      baseNodes: baseNodeSpecs().map((n) => n.name),
      storageClassName: STORAGE_CLASS,
      processesFile: path.join(workDir, 'processes.json'),
    };
    const plane = new ControlPlane(info, path.join(workDir, 'plane.json'), path.join(runsDir, `${process.pid}-${opts.name}.json`), opts);
    plane.installExitHandlers();
    if (!opts.keep) startWatchdog(plane.runFile);
    const client = KubeClient.fromKubeconfig(layout.kubeconfig);
    try {
      const step = (msg: string): void => opts.log(`${msg} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

      const etcdProc = plane.launch(components.etcd(layout));
      await waitUntil(etcdProc, 'etcd /health', async () => (await probe(`http://127.0.0.1:${etcd}/health`)) === 200, 60_000);
      step('etcd ready');

      const api = plane.launch(components.kubeApiserver(layout), { supervised: true });
      await waitUntil(api, 'kube-apiserver /readyz', async () => (await client.request('GET', '/readyz')).status === 200, 180_000);
      step('kube-apiserver ready');

      const kcm = plane.launch(components.kubeControllerManager(layout));
      const sched = plane.launch(components.kubeScheduler(layout));
      await waitUntil(kcm, 'controller-manager /healthz', async () => (await probe(`https://127.0.0.1:${controllerManager}/healthz`)) === 200, 120_000);
      await waitUntil(sched, 'scheduler /healthz', async () => (await probe(`https://127.0.0.1:${scheduler}/healthz`)) === 200, 120_000);
      // Functional check of the controllers, not just their health endpoint.
      await waitUntil(kcm, 'ServiceAccount default/default', async () =>
        (await client.tryGet({ apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'default', name: 'default' })) !== undefined, 120_000);
      step('controller-manager and scheduler ready');

      const kwokProc = plane.launch(components.kwok(layout));
      await addNodes(client, baseNodeSpecs()).catch((err) => {
        if (kwokProc.exited) throw new Error(`kwok exited: see ${kwokProc.logFile}`);
        throw err;
      });
      step(`kwok ready, ${info.baseNodes.length} nodes Ready`);

      await client.apply([storageClassObject()], 'e2e-harness');
      await addPersistentVolumes(client, INITIAL_PVS);
      await waitFor('initial PersistentVolumes Available', async () => {
        const pvs = await client.list('v1', 'PersistentVolume');
        return pvs.filter((pv) => pv.status?.phase === 'Available').length >= INITIAL_PVS;
      });
      step(`StorageClass ${STORAGE_CLASS} and ${INITIAL_PVS} PVs ready`);
    } catch (err) {
      await plane.stop();
      throw err;
    } finally {
      client.close();
    }
    fs.writeFileSync(plane.infoFile, JSON.stringify(info, null, 2));
    plane.supervising = true;
    return plane;
  }

  private launch(cmd: components.CommandLine, opts: { supervised?: boolean } = {}): Component {
    const slot: Slot = { cmd, comp: undefined as unknown as Component, supervised: opts.supervised ?? false, restarts: 0, startedAt: 0, quickExits: 0 };
    this.slots.push(slot);
    return this.spawn(slot);
  }

  /** Starts (or starts again) the slot's process and records its pid everywhere cleanup looks. */
  private spawn(slot: Slot): Component {
    const comp = startComponent(slot.cmd.name, slot.cmd.bin, slot.cmd.args, path.join(this.info.workDir, 'logs'));
    slot.comp = comp;
    slot.startedAt = Date.now();
    comp.child.on('exit', (code, signal) => this.onExit(slot, comp, code, signal));
    this.writeRecords();
    return comp;
  }

  private writeRecords(): void {
    writeRunRecord(this.runFile, {
      ownerPid: process.pid,
      keep: this.opts.keep,
      workDir: this.info.workDir,
      binDir: this.info.binDir,
      pgids: this.slots.map((s) => s.comp.pid),
    });
    const table: PlaneProcesses = {
      ownerPid: process.pid,
      runRecord: this.runFile,
      components: Object.fromEntries(this.slots.map((s) => [s.cmd.name, {
        pid: s.comp.pid, supervised: s.supervised, restarts: s.restarts, startedAt: s.startedAt, logFile: s.comp.logFile,
      }])),
    };
    // Atomic: a worker polls this file while the parent rewrites it.
    fs.writeFileSync(`${this.info.processesFile}.tmp`, JSON.stringify(table, null, 2));
    fs.renameSync(`${this.info.processesFile}.tmp`, this.info.processesFile);
  }

  /** Supervision: a supervised component that exits while the plane runs is started again, same command line. */
  private onExit(slot: Slot, comp: Component, code: number | null, signal: NodeJS.Signals | null): void {
    if (slot.comp !== comp || !slot.supervised || !this.supervising || this.shuttingDown) return;
    const name = slot.cmd.name;
    const lived = Date.now() - slot.startedAt;
    // A test that kills it on purpose (restartApiServer) says so first: that is not a failed start.
    const marker = restartRequestFile(this.info, comp.pid);
    const requested = fs.existsSync(marker);
    fs.rmSync(marker, { force: true });
    slot.quickExits = !requested && lived < QUICK_EXIT_MS ? slot.quickExits + 1 : 0;
    const how = `${name} (pid ${comp.pid}) ${requested ? 'was stopped by a test' : 'exited'} ` +
      `(code ${code}, signal ${signal}) after ${(lived / 1000).toFixed(1)} s`;
    if (slot.quickExits > MAX_QUICK_EXITS) {
      this.opts.log(`${how}: ${MAX_QUICK_EXITS + 1} quick exits in a row, not restarting it again. ` +
        `Last lines of ${comp.logFile}:\n${tail(comp.logFile)}`);
      return;
    }
    // A process killed by a test comes back at once; one that keeps failing to start, a little later each time.
    const delayMs = slot.quickExits <= 1 ? 0 : 1000 * (slot.quickExits - 1);
    this.opts.log(`${how}; starting it again on the same port${delayMs ? ` in ${delayMs} ms` : ''}`);
    const again = (): void => {
      if (this.shuttingDown) return;
      slot.restarts++;
      fs.appendFileSync(comp.logFile, `\n[harness] ${new Date().toISOString()} restart #${slot.restarts} after ${how}\n`);
      this.spawn(slot);
    };
    if (delayMs === 0) again();
    else setTimeout(again, delayMs).unref();
  }

  /** Stops every component, newest first (kwok ... etcd), then removes the temp dir. Idempotent. */
  stop(): Promise<void> {
    this.shuttingDown = true;
    this.stopping ??= (async () => {
      // slot.comp is read when its turn comes: a restart just before stop() is the pid to stop.
      for (const slot of [...this.slots].reverse()) await stopGroup(slot.comp.pid);
      fs.rmSync(this.info.workDir, { recursive: true, force: true });
      fs.rmSync(this.runFile, { force: true });
    })();
    return this.stopping;
  }

  /**
   * Ctrl-C / SIGTERM of jest, or jest exiting without running globalTeardown:
   * kill every group at once (nothing asynchronous may run any more).
   */
  private installExitHandlers(): void {
    if (this.opts.keep) return;
    const killAll = (): void => {
      // After a normal stop() the pids may already belong to someone else.
      if (this.stopping) return;
      this.shuttingDown = true;
      for (const slot of this.slots) killGroupSync(slot.comp.pid);
      fs.rmSync(this.info.workDir, { recursive: true, force: true });
      fs.rmSync(this.runFile, { force: true });
    };
    process.once('exit', killAll);
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(sig, () => {
        this.opts.log(`${sig}: stopping the control plane`);
        killAll();
        process.exit(sig === 'SIGINT' ? 130 : 143);
      });
    }
  }
}
