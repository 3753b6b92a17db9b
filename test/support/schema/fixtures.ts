/**
 * Where the vendored schemas live and how to read them. The files are test
 * data committed under test/fixtures/schemas (see the SOURCE.md files there),
 * so a fresh clone validates offline without any shared directory.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';

const SCHEMA_ROOT = path.resolve(__dirname, '..', '..', 'fixtures', 'schemas');

/** The CRD files for the third-party kinds our constructs can emit. */
export const VENDORED_CRD_FILES: readonly string[] = [
  'istio-gateway.yaml',
  'istio-virtualservice.yaml',
  'openshift-route.yaml',
  'servicemonitor.yaml',
  'prometheusrule.yaml',
  'argocd-application.yaml',
];

/** Kubernetes versions whose `_definitions.json` is vendored. */
export function vendoredKubernetesVersions(): string[] {
  return fs.readdirSync(path.join(SCHEMA_ROOT, 'k8s'))
    .filter((d) => /^v\d+\.\d+\.\d+$/.test(d))
    .map((d) => d.slice(1));
}

/** The parsed `_definitions.json` (openapi2jsonschema output) for one version, e.g. '1.28.0'. */
export function readKubernetesDefinitions(version: string): { definitions: Record<string, any> } {
  const file = path.join(SCHEMA_ROOT, 'k8s', `v${version}`, '_definitions.json');
  if (!fs.existsSync(file)) {
    throw new Error(`no vendored Kubernetes schema for ${version} (have: ${vendoredKubernetesVersions().join(', ')})`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Every CustomResourceDefinition document in the vendored CRD files.
 * js-yaml, not `yaml` v2: the notes record that `yaml` v2 rejects some CRD files.
 */
export function readVendoredCrds(): any[] {
  return VENDORED_CRD_FILES.flatMap((f) =>
    yaml.loadAll(fs.readFileSync(path.join(SCHEMA_ROOT, 'crds', f), 'utf8'))
      .filter((doc: any) => doc && doc.kind === 'CustomResourceDefinition'));
}
