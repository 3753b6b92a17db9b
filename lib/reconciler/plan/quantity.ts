/**
 * Kubernetes resource quantities (`20Gi`, `32212254720`, `1.5Ti`, `500M`) as
 * a number of bytes, to compare a claim's request and capacity with the
 * declared size. Only the suffixes storage sizes use; the API server writes
 * capacities in the same forms (canonical form, e.g. `30Gi`).
 */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Bytes, or undefined for anything that is not a quantity. */
export function quantityBytes(q: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(?:([KMGTPE]i)|([kMGTPE])|[eE](\d+))?$/.exec(q?.trim() ?? '');
  if (!m) return undefined;
  const n = Number(m[1]);
  if (m[2]) return n * BINARY[m[2]];
  if (m[3]) return n * DECIMAL[m[3]];
  if (m[4]) return n * 10 ** Number(m[4]);
  return n;
}
