import { Finding } from './finding';
import { finding, RuleCode } from './rules';

/**
 * Type checks of props at the construct boundary. TypeScript users cannot
 * pass a number where a string belongs, but JavaScript and YAML-fed callers
 * can; a wrong type becomes a finding (with the given rule code) and the
 * default is used meanwhile, so nothing downstream ever throws a TypeError.
 */
export class PropTypeChecker {
  public readonly findings: Finding[] = [];

  constructor(private readonly code: RuleCode) {}

  public string(field: string, value: unknown): string | undefined {
    if (value === undefined || typeof value === 'string') return value;
    return this.mismatch(field, value, 'a string');
  }

  public number(field: string, value: unknown): number | undefined {
    if (value === undefined || (typeof value === 'number' && Number.isFinite(value))) return value;
    return this.mismatch(field, value, 'a finite number');
  }

  public boolean(field: string, value: unknown): boolean | undefined {
    if (value === undefined || typeof value === 'boolean') return value;
    return this.mismatch(field, value, 'true or false');
  }

  public stringMap(field: string, value: unknown): { [key: string]: string } | undefined {
    if (value === undefined) return undefined;
    if (isPlainObject(value) && Object.values(value).every((v) => typeof v === 'string')) return value as { [key: string]: string };
    return this.mismatch(field, value, 'an object of string values');
  }

  public object<T>(field: string, value: T | undefined): T | undefined {
    if (value === undefined || isPlainObject(value)) return value;
    return this.mismatch(field, value, 'an object');
  }

  public array<T>(field: string, value: T[] | undefined, item: 'string' | 'object'): T[] | undefined {
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((v) => (item === 'string' ? typeof v === 'string' : isPlainObject(v)))) return value;
    return this.mismatch(field, value, item === 'string' ? 'a list of strings' : 'a list of objects');
  }

  private mismatch(field: string, value: unknown, expected: string): undefined {
    this.findings.push(finding(this.code, field, `expected ${expected}, got ${describeValue(value)}`, `set ${field} to ${expected} or leave it out`));
    return undefined;
  }
}

function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Describes a value without calling anything on it (it may be hostile). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return `the string ${JSON.stringify(value.slice(0, 40))}`;
    case 'number': case 'boolean': case 'bigint': return `${typeof value} ${String(value)}`;
    case 'undefined': return 'undefined';
    default: return typeof value === 'object' ? `an object of class ${constructorName(value as object)}` : `a value of type ${typeof value}`;
  }
}

/** The class name of an object, read without running any of its code. */
function constructorName(value: object): string {
  const proto = Object.getPrototypeOf(value);
  const ctor = proto && Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
  const name = typeof ctor === 'function' ? Object.getOwnPropertyDescriptor(ctor, 'name')?.value : undefined;
  return typeof name === 'string' && name ? name : 'Object';
}
