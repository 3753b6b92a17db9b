/**
 * Synthesizes a cdk8s app the way `cdk8s synth` does, validations included,
 * and answers its objects as plain JSON for the API server.
 */
import * as fs from 'fs';
import { App, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { KubeObject } from '../../support/kube-client';

export function synthObjects(build: (app: App) => void): KubeObject[] {
  const app = Testing.app();
  try {
    build(app);
    // synthYaml() runs every construct's validation first, like `cdk8s synth`; a bad declaration throws here.
    return (yaml.loadAll(app.synthYaml()) as KubeObject[]).filter((o) => o);
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

/** The one object of a kind (and name, when given); throws when absent, so tests fail clearly. */
export function findObject(objects: KubeObject[], kind: string, name?: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`the synthesized objects have no ${kind}${name ? ` ${name}` : ''}`);
  return found;
}
