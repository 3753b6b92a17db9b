import { parseQuantity } from '../validation/quantity';

/**
 * Database memory sizes. The operator's REDB `memorySize` takes `100MB`,
 * `0.1GB`, `1GB`; Redis Enterprise sizes memory in binary units, so `MB` and
 * `GB` here mean MiB and GiB. Kubernetes quantities (`512Mi`, `2Gi`) work too.
 */
const RS_UNITS: Record<string, number> = { KB: 2 ** 10, MB: 2 ** 20, GB: 2 ** 30, TB: 2 ** 40 };
const RS_SIZE = /^([0-9]+(?:\.[0-9]+)?)(KB|MB|GB|TB)$/;

/** Bytes, rounded down to a whole byte, or undefined when the size does not parse. */
export function parseMemorySize(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = RS_SIZE.exec(value);
  const bytes = m ? Number(m[1]) * RS_UNITS[m[2]] : parseQuantity(value);
  return bytes === undefined ? undefined : Math.floor(bytes);
}

/** Smallest database Redis Enterprise creates. */
export const MIN_DATABASE_MEMORY_BYTES = 100 * 2 ** 20;

export function formatMemory(bytes: number): string {
  if (bytes >= 2 ** 30) return `${+(bytes / 2 ** 30).toFixed(2)}GB`;
  return `${+(bytes / 2 ** 20).toFixed(2)}MB`;
}
