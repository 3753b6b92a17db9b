/**
 * The `format` keywords found in Kubernetes schemas. Checked: those whose
 * meaning in Kubernetes matches ajv-formats (date-time is RFC 3339, byte is
 * padded base64, int32/int64 are integer ranges, float/double are numbers).
 * Every other format is registered as a no-op, because the API server ignores
 * formats it does not know, and some it knows mean something else in ajv
 * (e.g. `duration` is Go's `1h30m` there, ISO 8601 in ajv-formats).
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const CHECKED = ['date-time', 'byte', 'int32', 'int64', 'float', 'double'] as const;

export function addKubernetesFormats(ajv: Ajv, schemas: readonly unknown[]): void {
  addFormats(ajv, [...CHECKED]);
  const seen = new Set<string>();
  for (const s of schemas) collectFormats(s, seen);
  for (const name of seen) {
    if (!(CHECKED as readonly string[]).includes(name)) ajv.addFormat(name, true);
  }
}

/** Over-collects (a field *named* format holds an object, skipped) and that is harmless. */
function collectFormats(node: unknown, seen: Set<string>): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) { for (const n of node) collectFormats(n, seen); return; }
  const obj = node as Record<string, unknown>;
  if (typeof obj.format === 'string') seen.add(obj.format);
  for (const v of Object.values(obj)) collectFormats(v, seen);
}
