import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

/** A Service port as Kubernetes JSON (a number for `targetPort`: every port the library emits is numeric). */
export interface ServicePortJson {
  readonly name: string;
  readonly port: number;
  readonly targetPort: number;
  readonly protocol: 'TCP';
}

/** The part of a Service spec the library writes, as Kubernetes JSON (note `clusterIP`). */
export interface ServiceSpecJson {
  readonly type?: string;
  readonly clusterIP?: 'None';
  readonly selector?: { readonly [key: string]: string };
  readonly publishNotReadyAddresses?: boolean;
  readonly ports: readonly ServicePortJson[];
}

export function servicePort(name: string, port: number): ServicePortJson {
  return { name, port, targetPort: port, protocol: 'TCP' };
}

/**
 * A Service as a plain ApiObject holding its JSON. `k8s.KubeService`
 * converts its typed props to JSON at every synthesis (toJson_KubeServiceProps
 * after cdk8s's own resolution), which doubles each Service's synthesis
 * cost; an app with 1,000 databases has 2,000 of them. cdk8s sorts the keys,
 * so the YAML is the same as KubeService's.
 */
export function addService(scope: Construct, id: string, metadata: k8s.ObjectMeta, spec: ServiceSpecJson): ApiObject {
  return new ApiObject(scope, id, { apiVersion: 'v1', kind: 'Service', metadata, spec });
}
