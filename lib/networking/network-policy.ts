/**
 * The NetworkPolicy `<rec>-nodes` of the node pods (see
 * {@link NodeNetworkPolicyProps}). Ports follow Redis Enterprise's "Network
 * port configurations" page: internode traffic needs every port between
 * nodes, clients need the database ports (and 8001, the discovery service),
 * the exposure path the REST API and the databases, Prometheus 8070.
 */
import { Construct } from 'constructs';
import { ApiObject, Lazy } from 'cdk8s';
import { DISCOVERY_PORT, METRICS_PORT, RECONCILER_PORT, REST_API_PORT } from '../contract/ports';
import { NamespaceLabels, NodeNetworkPolicyProps } from './network-policy-props';

export interface NodeNetworkPolicyInput {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
  /** The node pods' labels. */
  readonly podLabels: Record<string, string>;
  /** Database ports, known at synth time (databases attach later). */
  readonly databasePorts: () => number[];
  readonly props: NodeNetworkPolicyProps;
}

interface Port { protocol: 'TCP' | 'UDP'; port: number; endPort?: number }

const tcp = (port: number): Port => ({ protocol: 'TCP', port });
/** Every port but the sidecar's: 1-8089 and 8091-65535 on TCP, all of UDP. */
const INTERNODE_PORTS: Port[] = [
  { protocol: 'TCP', port: 1, endPort: RECONCILER_PORT - 1 },
  { protocol: 'TCP', port: RECONCILER_PORT + 1, endPort: 65535 },
  { protocol: 'UDP', port: 1, endPort: 65535 },
];

const fromNamespaces = (labels: NamespaceLabels) => [{ namespaceSelector: { matchLabels: labels } }];

function ingress(input: NodeNetworkPolicyInput): unknown[] {
  const { props } = input;
  const dbPorts = () => [...new Set(input.databasePorts())].sort((a, b) => a - b).map(tcp);
  const rules: unknown[] = [{ from: [{ podSelector: { matchLabels: input.podLabels } }], ports: INTERNODE_PORTS }];
  if (props.exposureNamespaceLabels) {
    rules.push({ from: fromNamespaces(props.exposureNamespaceLabels), ports: Lazy.any({ produce: () => [tcp(REST_API_PORT), ...dbPorts()] }) });
  }
  // No namespaceSelector: pods of the policy's own namespace.
  const clients = props.clientNamespaceLabels ? fromNamespaces(props.clientNamespaceLabels) : [{ podSelector: {} }];
  rules.push({ from: clients, ports: Lazy.any({ produce: () => [tcp(DISCOVERY_PORT), ...dbPorts()] }) });
  if (props.prometheusNamespaceLabels) rules.push({ from: fromNamespaces(props.prometheusNamespaceLabels), ports: [tcp(METRICS_PORT)] });
  return rules;
}

function egress(input: NodeNetworkPolicyInput): unknown[] | undefined {
  const e = input.props.egress;
  if (!e) return undefined;
  return [
    { to: [{ podSelector: { matchLabels: input.podLabels } }] },
    // DNS, wherever the resolver runs.
    { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
    { to: e.kubernetesApiCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: (e.kubernetesApiPorts ?? [443, 6443]).map(tcp) },
    ...((e.allowedCidrs ?? []).length > 0 ? [{ to: e.allowedCidrs!.map((cidr) => ({ ipBlock: { cidr } })) }] : []),
  ];
}

/** An ApiObject rather than KubeNetworkPolicy: the database ports are a Lazy, resolved at synth. */
export function addNodeNetworkPolicy(scope: Construct, input: NodeNetworkPolicyInput): void {
  const out = egress(input);
  new ApiObject(scope, 'NetworkPolicy', {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: input.name, namespace: input.namespace, labels: input.labels },
    spec: {
      podSelector: { matchLabels: input.podLabels },
      policyTypes: out ? ['Ingress', 'Egress'] : ['Ingress'],
      ingress: ingress(input),
      ...(out ? { egress: out } : {}),
    },
  });
}
