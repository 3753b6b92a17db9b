/**
 * kwok's configuration: the Stage objects that make simulated nodes Ready and
 * pods Running/Ready/deleted. kwok v0.8.0 has no built-in stages any more, so
 * we concatenate the ones it ships in its Go module, at run time, from the
 * module cache (never copied into this repository).
 *
 * One change: kwok's `pod-ready` makes every pod Ready at once, without any
 * probe. Pods annotated {@link PROBED_POD_ANNOTATION} are left out of it; a
 * stage derived from it (`pod-running-probed`) makes them Running with their
 * IPs but Ready=False, and the harness's prober (prober.ts) owns their
 * readiness from then on.
 *
 * Another: kwok's `pod-delete` removes every terminating pod at once. Pods
 * annotated {@link TERMINATED_POD_ANNOTATION} are left out of it: the
 * simulated kubelet (simulated-kubelet.ts) runs their preStop hook and
 * deletes them itself at the end of their termination.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import type { KubeObject } from '../../support/kube-client';

/** Pods carrying this annotation (value `prober`) get their readiness from the harness's prober, not from kwok. */
export const PROBED_POD_ANNOTATION = 'e2e.cdk8s-redis-enterprise.io/readiness';
export const PROBED_BY_PROBER = 'prober';
/** Pods carrying this annotation (value `simulated-kubelet`) are terminated by the harness's simulated kubelet, not deleted by kwok. */
export const TERMINATED_POD_ANNOTATION = 'e2e.cdk8s-redis-enterprise.io/termination';
export const TERMINATED_BY_SIMULATED_KUBELET = 'simulated-kubelet';

/** Adds `annotations` to the pod template of every StatefulSet among `objects` (in place), so that its pods carry them; answers `objects`. */
export function annotateStatefulSetPods(objects: KubeObject[], annotations: Record<string, string>): KubeObject[] {
  for (const o of objects) {
    if (o.kind !== 'StatefulSet') continue;
    const meta = (o.spec.template.metadata ??= {});
    meta.annotations = { ...meta.annotations, ...annotations };
  }
  return objects;
}
const POD_READY = 'pod/fast/pod-ready.yaml';
const POD_DELETE = 'pod/fast/pod-delete.yaml';

const STAGES = [
  'node/fast/node-initialize.yaml',
  'node/heartbeat-with-lease/node-heartbeat-with-lease.yaml',
  'pod/fast/pod-ready.yaml',
  'pod/fast/pod-complete.yaml',
  'pod/fast/pod-delete.yaml',
];

/** Go's module cache; without `go` on PATH (binaries cached, Go gone), Go's own default location. */
function goModCache(): string {
  try {
    return execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return process.env.GOMODCACHE || path.join(process.env.GOPATH || path.join(os.homedir(), 'go'), 'pkg', 'mod');
  }
}

export function kwokModuleDir(kwokVersion: string): string {
  return path.join(goModCache(), `sigs.k8s.io/kwok@${kwokVersion}`);
}

/** Writes the multi-document kwok config to `file`. */
export function writeKwokConfig(file: string, kwokVersion: string): void {
  const stageDir = path.join(kwokModuleDir(kwokVersion), 'kustomize', 'stage');
  if (!fs.existsSync(stageDir)) {
    throw new Error(`kwok stage files not found in ${stageDir}; run: go mod download sigs.k8s.io/kwok@${kwokVersion}`);
  }
  const docs: string[] = [];
  for (const s of STAGES) {
    const text = fs.readFileSync(path.join(stageDir, s), 'utf8').trim();
    if (s === POD_DELETE) {
      docs.push(yaml.dump(withoutSimulatedTermination(yaml.load(text) as Stage), { lineWidth: -1 }).trim());
      continue;
    }
    if (s !== POD_READY) {
      docs.push(text);
      continue;
    }
    const [unprobed, probed] = splitPodReady(yaml.load(text) as Stage, `${stageDir}/${s}`);
    docs.push(yaml.dump(unprobed, { lineWidth: -1 }).trim(), yaml.dump(probed, { lineWidth: -1 }).trim());
  }
  fs.writeFileSync(file, docs.join('\n---\n') + '\n');
}

interface Stage {
  metadata: { name: string };
  spec: { selector: { matchExpressions: Array<{ key: string; operator: string; values?: string[] }> }; next: { statusTemplate: string } };
}

const annotationKey = `.metadata.annotations["${PROBED_POD_ANNOTATION}"]`;
const terminationKey = `.metadata.annotations["${TERMINATED_POD_ANNOTATION}"]`;

/** kwok's pod-delete for pods the simulated kubelet does not terminate. */
function withoutSimulatedTermination(stage: Stage): Stage {
  const s: Stage = structuredClone(stage);
  s.spec.selector.matchExpressions.push({ key: terminationKey, operator: 'DoesNotExist' });
  return s;
}

/**
 * kwok's pod-ready for pods without the annotation, and a copy for pods with
 * it whose status template reports Ready, ContainersReady and every
 * container not ready (and not started: no startup probe has passed yet), as
 * the kubelet does for a container it has just started.
 */
function splitPodReady(stage: Stage, source: string): [Stage, Stage] {
  const unprobed: Stage = structuredClone(stage);
  unprobed.spec.selector.matchExpressions.push({ key: annotationKey, operator: 'DoesNotExist' });
  const probed: Stage = structuredClone(stage);
  probed.metadata.name = 'pod-running-probed';
  probed.spec.selector.matchExpressions.push({ key: annotationKey, operator: 'In', values: [PROBED_BY_PROBER] });
  probed.spec.next.statusTemplate = notReadyTemplate(stage.spec.next.statusTemplate, source);
  return [unprobed, probed];
}

function notReadyTemplate(template: string, source: string): string {
  const replace = (text: string, pattern: RegExp, by: string, what: string): string => {
    if (!pattern.test(text)) throw new Error(`kwok stage ${source} changed: cannot find ${what} in its status template`);
    return text.replace(pattern, by);
  };
  let t = template;
  for (const type of ['Ready', 'ContainersReady']) {
    t = replace(t, new RegExp(`status: "True"(\\s+)type: ${type}\\b`), `status: "False"$1type: ${type}`, `the ${type} condition`);
  }
  // Only the app containers' statuses: init containers still complete as kwok says.
  const start = t.indexOf('containerStatuses:');
  const end = t.indexOf('initContainerStatuses:');
  if (start < 0 || end < start) throw new Error(`kwok stage ${source} changed: cannot find containerStatuses before initContainerStatuses`);
  const containers = replace(t.slice(start, end), /(\s+)ready: true/, '$1ready: false$1started: false', 'ready: true of containerStatuses');
  return t.slice(0, start) + containers + t.slice(end);
}
