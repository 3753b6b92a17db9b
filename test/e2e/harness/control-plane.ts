/**
 * Starts and stops the whole local control plane, in the order of
 * local-control-plane.md §2.5: etcd -> kube-apiserver -> controller-manager +
 * scheduler -> kwok -> nodes and storage. Stops in reverse order.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KubeClient, waitFor } from '../../support/kube-client';
import * as components from './components';
import { PlaneInfo } from './connection';
import { writeKubeconfig } from './kubeconfig';
import { writeKwokConfig } from './kwok-stages';
import { addNodes, baseNodeSpecs } from './nodes';
import { createPki } from './pki';
import { freePorts } from './ports';
import { Component, killGroupSync, startComponent, stopGroup } from './process-group';
import { probe, waitUntil } from './readiness';
import { reapStaleRuns, startWatchdog, WORKDIR_PREFIX, writeRunRecord } from './run-registry';
import { addPersistentVolumes, storageClassObject, STORAGE_CLASS } from './storage';

/** Size of the initial PV pool: 3-node clusters in a few namespaces; tests top it up. */
const INITIAL_PVS = 12;

export interface StartOptions {
  /** Leave the plane running after jest exits (E2E_KEEP=1): no watchdog, no exit handler. */
  keep: boolean;
  log: (msg: string) => void;
}

export class ControlPlane {
  private readonly started: Component[] = [];
  private stopping?: Promise<void>;

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
    };
    const plane = new ControlPlane(info, path.join(workDir, 'plane.json'), path.join(runsDir, `${process.pid}.json`), opts);
    plane.installExitHandlers();
    if (!opts.keep) startWatchdog(plane.runFile);
    const client = KubeClient.fromKubeconfig(layout.kubeconfig);
    try {
      const step = (msg: string): void => opts.log(`${msg} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

      const etcdProc = plane.launch(components.etcd(layout));
      await waitUntil(etcdProc, 'etcd /health', async () => (await probe(`http://127.0.0.1:${etcd}/health`)) === 200, 60_000);
      step('etcd ready');

      const api = plane.launch(components.kubeApiserver(layout));
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
    return plane;
  }

  private launch(cmd: components.CommandLine): Component {
    const comp = startComponent(cmd.name, cmd.bin, cmd.args, path.join(this.info.workDir, 'logs'));
    this.started.push(comp);
    writeRunRecord(this.runFile, {
      ownerPid: process.pid,
      keep: this.opts.keep,
      workDir: this.info.workDir,
      binDir: this.info.binDir,
      pgids: this.started.map((c) => c.pid),
    });
    return comp;
  }

  /** Stops every component, newest first (kwok ... etcd), then removes the temp dir. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const comp of [...this.started].reverse()) await stopGroup(comp.pid);
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
      for (const comp of this.started) killGroupSync(comp.pid);
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
