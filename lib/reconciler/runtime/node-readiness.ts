/**
 * `/node-ready`: the readiness of the `redis-enterprise-node` container,
 * checked by the sidecar because the kubelet cannot do it itself. Once a node
 * is in a cluster its REST API needs Basic auth on every request, `GET
 * /v1/bootstrap` included (redis.io rest-api/requests/bootstrap: "Once the
 * node is part of an active cluster, authentication is required"), and an
 * httpGet probe carries no credentials that live in a Secret.
 *
 * Ready means, with the admin credentials:
 * 1. `GET /v1/bootstrap` of the local node answers `completed`: the API
 *    serves and the node is in a cluster;
 * 2. `GET /v1/nodes/{uid}/status` of that node answers `node_status:
 *    active`: the cluster (its configuration store, reached through this
 *    node) counts the node as a serving member.
 * Anything else, including no answer within the deadline, is not ready.
 */
import { localNodeUid } from '../duties/node-actions';
import { ReApi } from '../io/re-api';

export interface ProbeResult { ok: boolean; detail: string }

/** Below the probe's timeoutSeconds (5 s) so that the kubelet reads our reason, not its own timeout. */
export const NODE_READY_DEADLINE_MS = 4000;

export interface NodeReadinessOptions {
  re: ReApi;
  podIp: string;
  hasCredentials: () => boolean;
  deadlineMs?: number;
}

export class NodeReadiness {
  /** One check at a time: a hung REST API must not collect a request per probe period. */
  private running?: Promise<ProbeResult>;

  constructor(private readonly o: NodeReadinessOptions) {}

  check(): Promise<ProbeResult> {
    if (this.running) return Promise.resolve({ ok: false, detail: 'the previous check of the REST API has not answered yet' });
    const deadlineMs = this.o.deadlineMs ?? NODE_READY_DEADLINE_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<ProbeResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, detail: `the REST API did not answer within ${deadlineMs} ms` }), deadlineMs);
    });
    const check = this.checkOnce().finally(() => { this.running = undefined; });
    this.running = check;
    return Promise.race([check, late]).finally(() => clearTimeout(timer));
  }

  private async checkOnce(): Promise<ProbeResult> {
    if (!this.o.hasCredentials()) return { ok: false, detail: 'admin credentials not read yet' };
    try {
      const uid = await localNodeUid(this.o.re, this.o.podIp);
      if (uid === undefined) return { ok: false, detail: 'this node is not in a cluster' };
      const status = await this.o.re.nodeStatus(uid);
      if (status.node_status !== 'active') return { ok: false, detail: `node ${uid} is ${status.node_status ?? 'of unknown status'}` };
      return { ok: true, detail: `node ${uid} is active` };
    } catch (e) {
      return { ok: false, detail: (e as Error).message };
    }
  }
}
