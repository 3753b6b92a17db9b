import { ExternalAccessProps } from './external-access-props';

/** What every generated networking object of one cluster shares. */
export interface ExposureContext {
  readonly namespace: string;
  /** The cluster name, `<rec>`. */
  readonly clusterName: string;
  /** Labels of every generated object. */
  readonly labels: { [key: string]: string };
  readonly access: ExternalAccessProps;
  /**
   * DNS domain of the Kubernetes cluster, for the Istio destinations
   * (`<service>.<namespace>.svc.<domain>`).
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;
}

/** One endpoint reachable from outside: the REST API or a database. */
export interface ExposedEndpoint {
  /** Name of the generated object, e.g. `<rec>-api` or `<db>`. */
  readonly name: string;
  /** The external FQDN clients connect to (and send as SNI). */
  readonly host: string;
  /** The in-cluster Service traffic goes to. */
  readonly serviceName: string;
  /** Its port: 9443 for the REST API, the database port for a database. */
  readonly servicePort: number;
  /**
   * Name of that Service port (`api`, `redis`); OpenShift Routes then target
   * the port by name.
   * @default - Routes target the port number
   */
  readonly servicePortName?: string;
}
