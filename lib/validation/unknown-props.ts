import { Finding } from './finding';
import { finding } from './rules';
import { closestName } from './similar-names';

/**
 * The keys of a props interface, written once as an object literal whose type
 * is checked against the interface: a prop added to the interface but not
 * here (or listed here but not in the interface) is a compile error.
 */
export function keysOf<T>(keys: { readonly [K in keyof Required<T>]: true }): readonly string[] {
  return Object.keys(keys);
}

/** The known keys of a props object, and of its nested props objects (`persistence`...). */
export interface PropsShape {
  readonly keys: readonly string[];
  readonly nested?: { readonly [key: string]: PropsShape };
  /** Names users bring from elsewhere (a StatefulSet's `replicas`), with the prop that means it here. */
  readonly synonyms?: { readonly [written: string]: string };
}

/**
 * One REPROP002 finding per key of `props` (and of its nested props objects)
 * that the props interface does not have: a JavaScript caller's typo would
 * otherwise be ignored silently and its default used.
 */
export function unknownProps(props: object, shape: PropsShape, construct: string): Finding[] {
  const everyPath = allPaths(shape);
  return check(props, shape, '', construct, everyPath);
}

function check(props: object, shape: PropsShape, prefix: string, construct: string, everyPath: string[]): Finding[] {
  const findings: Finding[] = [];
  for (const key of Object.keys(props)) {
    const value = (props as Record<string, unknown>)[key];
    const nested = shape.nested?.[key];
    if (shape.keys.includes(key)) {
      if (nested && isPlainObject(value)) findings.push(...check(value, nested, `${prefix}${key}.`, construct, everyPath));
      continue;
    }
    const suggestion = shape.synonyms?.[key] ?? closestName(key, shape.keys.map((k) => `${prefix}${k}`)) ?? closestName(key, everyPath);
    findings.push(finding('REPROP002', `${prefix}${key}`, `${construct} has no prop "${prefix}${key}"${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
      suggestion ? `rename it to ${suggestion}` : `remove it (the props are listed in the README and in the ${construct}Props typings)`));
  }
  return findings;
}

/** Every prop path of a shape (`persistence.storageClassName`), for suggestions across levels. */
function allPaths(shape: PropsShape, prefix = ''): string[] {
  return shape.keys.flatMap((k) => [`${prefix}${k}`, ...(shape.nested?.[k] ? allPaths(shape.nested[k], `${prefix}${k}.`) : [])]);
}

export function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
