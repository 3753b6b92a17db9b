/**
 * Command lines of the control-plane components: the flag sets of
 * local-control-plane.md §2.4 (kwokctl's binary runtime, trimmed), bound to
 * 127.0.0.1. Only flags that change behaviour are here; each says why.
 */
import * as path from 'path';
import { Pki } from './pki';

export interface Layout {
  binDir: string;
  workDir: string;
  pki: Pki;
  kubeconfig: string;
  kwokConfig: string;
  ports: { etcd: number; etcdPeer: number; apiserver: number; controllerManager: number; scheduler: number };
}

export interface CommandLine {
  name: string;
  bin: string;
  args: string[];
}

export function etcd(l: Layout): CommandLine {
  const client = `http://127.0.0.1:${l.ports.etcd}`;
  const peer = `http://127.0.0.1:${l.ports.etcdPeer}`;
  return {
    name: 'etcd',
    bin: path.join(l.binDir, 'etcd'),
    args: [
      '--name=n0',
      `--data-dir=${path.join(l.workDir, 'etcd')}`,
      `--listen-client-urls=${client}`,
      `--advertise-client-urls=${client}`,
      `--listen-peer-urls=${peer}`,
      `--initial-advertise-peer-urls=${peer}`,
      `--initial-cluster=n0=${peer}`,
      // A throw-away cluster: durability is worthless, fsync latency on a busy 2-core box is not.
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
  };
}

export function kubeApiserver(l: Layout): CommandLine {
  return {
    name: 'kube-apiserver',
    bin: path.join(l.binDir, 'kube-apiserver'),
    args: [
      `--etcd-servers=http://127.0.0.1:${l.ports.etcd}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${l.ports.apiserver}`,
      // Loopback advertise address is only accepted with the `none` endpoint reconciler (kubernetes#121942, #138102);
      // the `kubernetes` Service then has no endpoints, which nothing here needs.
      '--advertise-address=127.0.0.1',
      '--endpoint-reconciler-type=none',
      '--service-cluster-ip-range=10.96.0.0/24',
      `--client-ca-file=${l.pki.caCert}`,
      `--tls-cert-file=${l.pki.cert}`,
      `--tls-private-key-file=${l.pki.key}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${l.pki.key}`,
      `--service-account-signing-key-file=${l.pki.key}`,
      '--authorization-mode=RBAC',
      '--allow-privileged=true',
      `--cert-dir=${path.join(l.workDir, 'apiserver')}`,
      // APF's queueing and its periodic config work cost CPU that a 2-core box shares with the build and the tests.
      '--enable-priority-and-fairness=false',
      '--profiling=false',
      // Graceful stop (teardown, restartApiServer): keep listening (answering 429 + Retry-After) until in-flight
      // requests are done, then give the HTTP server 2 s. Without it the HTTP shutdown timeout is --request-timeout
      // (60 s), and an open watch connection (every controller, kwok, a reconciler) holds the process for all of it
      // while new connections are refused.
      '--shutdown-send-retry-after=true',
    ],
  };
}

export function kubeControllerManager(l: Layout): CommandLine {
  return {
    name: 'kube-controller-manager',
    bin: path.join(l.binDir, 'kube-controller-manager'),
    args: [
      `--kubeconfig=${l.kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${l.ports.controllerManager}`,
      '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
      // One instance: no need to wait for a lease.
      '--leader-elect=false',
      `--root-ca-file=${l.pki.caCert}`,
      `--service-account-private-key-file=${l.pki.key}`,
      '--profiling=false',
    ],
  };
}

export function kubeScheduler(l: Layout): CommandLine {
  return {
    name: 'kube-scheduler',
    bin: path.join(l.binDir, 'kube-scheduler'),
    args: [
      `--kubeconfig=${l.kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${l.ports.scheduler}`,
      '--authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics',
      '--leader-elect=false',
      '--profiling=false',
      // A pod whose first attempts fail on "unbound immediate PersistentVolumeClaims" (the StatefulSet
      // controller creates claim and pod together; the PV binder binds the claim a moment later) is
      // sometimes not requeued by the claim's binding event, and then waits for this safety net,
      // 5 min by default. Production would wait it out; tests should not. The scheduler checks it every 30 s.
      '--pod-max-in-unschedulable-pods-duration=10s',
    ],
  };
}

export function kwok(l: Layout): CommandLine {
  return {
    name: 'kwok',
    bin: path.join(l.binDir, 'kwok'),
    args: [
      `--kubeconfig=${l.kubeconfig}`,
      `--config=${l.kwokConfig}`,
      '--manage-all-nodes=true',
      // Without it kwok keeps no node lease and nodes go NotReady after the grace period (reference §4).
      '--node-lease-duration-seconds=40',
      // No --node-ip / --node-port / --server-address: kwok then serves nothing, and the fake
      // node and pod IPs (10.0.0.0/24) are never dialled by anything.
    ],
  };
}
