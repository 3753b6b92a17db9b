import { statusHealth } from '../../../lib/reconciler/plan/status-health';
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
