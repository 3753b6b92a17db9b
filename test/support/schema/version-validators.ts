/**
 * All validators for one Kubernetes version, built once per process and
 * compiled lazily per kind: a test file that only emits five kinds pays for
 * five, and PodSpec & co. are compiled once, shared through ajv's ref cache.
 * Jest gives every test file a fresh module registry, so "once per process"
 * means once per test file there.
 */
import Ajv, { ValidateFunction } from 'ajv';
import { vendoredCrdKinds } from './crd-schemas';
import { addKubernetesFormats } from './formats';
import { goRegExp } from './go-regexp';
import { gvkKey, K8S_SCHEMA_ID, loadKubernetesDefinitions } from './kubernetes-definitions';

/** How to validate one apiVersion+kind, or why it cannot be. */
export type KindLookup =
  | { readonly validate: ValidateFunction; readonly hasDefaults: boolean }
  | { readonly missing: string };

/** Wall-clock milliseconds spent building validators, for benchmarks and the test report. */
export interface SchemaTimings {
  /** Reading the definitions and CRDs, making them strict, registering them. */
  setupMs: number;
  /** Compiling kind validators (each kind once). */
  compileMs: number;
  compiledKinds: number;
}

export class VersionValidators {
  private static readonly instances = new Map<string, VersionValidators>();

  /** The process-wide instance for a version; throws if it is not vendored. */
  public static of(version: string): VersionValidators {
    let v = VersionValidators.instances.get(version);
    if (!v) {
      v = new VersionValidators(version);
      VersionValidators.instances.set(version, v);
    }
    return v;
  }

  /** Timings for every version built so far, keyed by version. */
  public static timings(): Record<string, SchemaTimings> {
    return Object.fromEntries([...VersionValidators.instances].map(([k, v]) => [k, { ...v.timing }]));
  }

  private readonly ajv: Ajv;
  private readonly builtIn: ReadonlyMap<string, string>;
  private readonly compiled = new Map<string, KindLookup>();
  private readonly timing: SchemaTimings = { setupMs: 0, compileMs: 0, compiledKinds: 0 };

  private constructor(private readonly version: string) {
    const start = performance.now();
    const defs = loadKubernetesDefinitions(version);
    const crds = vendoredCrdKinds();
    // strict: false because Kubernetes schemas carry x-kubernetes-* keywords;
    // logger: false because unknown keywords would otherwise be printed.
    // useDefaults: the API server applies CRD schema defaults before it
    // validates, and some CRD rules rely on it (Route: `wildcardPolicy`
    // defaults to None, which an anyOf on `host` needs). Callers pass copies.
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false, useDefaults: true, code: { regExp: goRegExp } });
    addKubernetesFormats(this.ajv, [defs.document, ...[...crds.values()].map((c) => c.schema)]);
    this.ajv.addSchema(defs.document);
    this.builtIn = defs.kinds;
    this.timing.setupMs = performance.now() - start;
  }

  public lookup(apiVersion: string, kind: string): KindLookup {
    const key = gvkKey(apiVersion, kind);
    let found = this.compiled.get(key);
    if (!found) {
      const start = performance.now();
      found = this.build(apiVersion, kind);
      this.timing.compileMs += performance.now() - start;
      if ('validate' in found) this.timing.compiledKinds++;
      this.compiled.set(key, found);
    }
    return found;
  }

  private build(apiVersion: string, kind: string): KindLookup {
    const key = gvkKey(apiVersion, kind);
    const definition = this.builtIn.get(key);
    if (definition) {
      // The built-in definitions carry no `default` (checked for 1.28 and 1.36).
      return { validate: this.ajv.compile({ $ref: `${K8S_SCHEMA_ID}#/definitions/${definition}` }), hasDefaults: false };
    }
    const crd = vendoredCrdKinds().get(key);
    if (crd && crd.served) return { validate: this.ajv.compile(crd.schema), hasDefaults: true };
    if (crd) return { missing: `apiVersion '${apiVersion}' of ${kind} is not served by its CRD` };
    return { missing: `no schema for apiVersion '${apiVersion}' kind '${kind}' in Kubernetes ${this.version} or the vendored CRDs` };
  }
}
