import { STATUS_HEALTH_KEY, STATUS_HEALTH_MESSAGE_KEY } from '../../../lib/contract/status-health';
import { STATUS_HEALTH_LUA } from '../../../lib/gitops/status-health';
import { statusHealth } from '../../../lib/reconciler/plan/status-health';
import { quorumLoss } from '../../../lib/reconciler/plan/quorum';
import { STATUS_SCHEMA_VERSION, StatusDocument, statusConfigMapUpdate } from '../../../lib/reconciler/plan/status';

const doc = (o: Partial<StatusDocument> = {}): StatusDocument => ({
  schemaVersion: STATUS_SCHEMA_VERSION, clusterState: 'Running', desiredState: { valid: true },
  nodes: [{ uid: 1, addr: '10.0.0.1' }], databases: [], activeActiveDatabases: [], ...o,
});
const db = (name: string, status: string, message?: string) => ({ name, status, endpoints: [], declared: true, ...(message ? { message } : {}) });

describe('the health verdict beside the status document', () => {
  test('Progressing while the cluster forms or a database is pending', () => {
    expect(statusHealth(doc({ clusterState: 'Forming' })).status).toBe('Progressing');
    expect(statusHealth(doc({ databases: [db('a', 'pending')] }))).toEqual({ status: 'Progressing', message: 'database a is pending' });
  });

  test('Degraded with the reason when a database is refused, the cluster errs or the desired state is invalid', () => {
    expect(statusHealth(doc({ databases: [db('a', 'missing', 'database a: 406 not enough memory')] }))).toEqual({ status: 'Degraded', message: 'database a: 406 not enough memory' });
    expect(statusHealth(doc({ clusterState: 'Error', lastError: 'cluster: unreachable' })).status).toBe('Degraded');
    expect(statusHealth(doc({ desiredState: { valid: false, message: 'bad' } })).message).toBe('desired state rejected: bad');
  });

  test('quorum is lost when no majority of the member nodes is up', () => {
    const nodes = (...st: string[]) => st.map((status, i) => ({ uid: i + 1, addr: `10.0.0.${i + 1}`, status }));
    expect(quorumLoss(nodes('active', 'active', 'down'))).toBeUndefined();
    expect(quorumLoss(nodes('active', 'down', 'down'))).toEqual({ down: 2, total: 3 });
    // Two nodes have no majority with one down: Redis Enterprise needs three for that.
    expect(quorumLoss(nodes('active', 'down'))).toEqual({ down: 1, total: 2 });
    expect(quorumLoss(nodes('active', 'active', 'down', 'down', 'active'))).toBeUndefined();
    expect(quorumLoss([])).toBeUndefined();
  });

  test('Degraded, naming how many nodes of how many are down, while the quorum is lost; back to Healthy when they return', () => {
    const lost = doc({
      clusterState: 'QuorumLost', lastError: 'cluster lost quorum: 2 of 3 nodes down',
      nodes: [{ uid: 1, addr: 'a', status: 'active' }, { uid: 2, addr: 'b', status: 'down' }, { uid: 3, addr: 'c', status: 'down' }],
      databases: [db('a', 'active')],
    });
    expect(statusHealth(lost)).toEqual({ status: 'Degraded', message: 'cluster lost quorum: 2 of 3 nodes down' });
    const back = doc({ nodes: lost.nodes.map((n) => ({ ...n, status: 'active' })), databases: [db('a', 'active')] });
    expect(statusHealth(back)).toEqual({ status: 'Healthy', message: 'cluster Running with 3 nodes, 1 database(s) active' });
  });

  test('the keys the Argo CD Lua check reads carry the quorum loss verdict', () => {
    const lost = doc({ clusterState: 'QuorumLost', nodes: [{ uid: 1, addr: 'a', status: 'active' }, { uid: 2, addr: 'b', status: 'down' }, { uid: 3, addr: 'c', status: 'down' }] });
    const cm = statusConfigMapUpdate(undefined, 'rec-status', 'ns', 'rec', '{}', statusHealth(lost))!;
    expect(cm.data![STATUS_HEALTH_KEY]).toBe('Degraded');
    expect(cm.data![STATUS_HEALTH_MESSAGE_KEY]).toBe('cluster lost quorum: 2 of 3 nodes down');
    // The shipped check hands exactly those keys to Argo CD.
    expect(STATUS_HEALTH_LUA).toContain(`data["${STATUS_HEALTH_KEY}"]`);
    expect(STATUS_HEALTH_LUA).toContain(`hs.message = data["${STATUS_HEALTH_MESSAGE_KEY}"]`);
  });

  test('Healthy when converged; a retained, undeclared database does not count', () => {
    const retained = { ...db('old', 'active', 'kept (deletion policy retain)'), declared: false };
    expect(statusHealth(doc({ databases: [db('a', 'active'), retained] }))).toEqual({ status: 'Healthy', message: 'cluster Running with 1 nodes, 1 database(s) active' });
  });

  test('the status ConfigMap keeps the annotations and owner others set (a PUT drops what it does not carry)', () => {
    const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rec-status', annotations: { 'argocd.argoproj.io/tracking-id': 'x' }, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'o', uid: 'u' }] }, data: {} } as any;
    const cm = statusConfigMapUpdate(live, 'rec-status', 'ns', 'rec', '{}', { status: 'Healthy', message: 'ok' })!;
    expect(cm.metadata.annotations).toEqual({ 'argocd.argoproj.io/tracking-id': 'x' });
    expect(cm.metadata.ownerReferences).toHaveLength(1);
    expect(cm.data).toMatchObject({ health: 'Healthy', 'health-message': 'ok', 'status.json': '{}' });
    expect(statusConfigMapUpdate({ ...live, data: cm.data }, 'rec-status', 'ns', 'rec', '{}', { status: 'Healthy', message: 'ok' })).toBeUndefined();
  });
});
