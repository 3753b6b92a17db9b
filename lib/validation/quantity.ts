/**
 * Parsing of Kubernetes resource quantities (the subset users write for CPU,
 * memory and storage). Returns undefined for anything Kubernetes would reject,
 * so that callers report a finding instead of throwing.
 */
const BINARY_SUFFIXES: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};
const DECIMAL_SUFFIXES: Record<string, number> = {
  'n': 1e-9, 'u': 1e-6, 'm': 1e-3, '': 1, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
};
const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

/** The value of a quantity in base units (bytes, cores), or undefined if it does not parse. */
export function parseQuantity(value: string | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = QUANTITY.exec(value.trim() === value ? value : '');
  if (!m) return undefined;
  const number = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in BINARY_SUFFIXES) return number * BINARY_SUFFIXES[suffix];
  if (suffix in DECIMAL_SUFFIXES) return number * DECIMAL_SUFFIXES[suffix];
  return number * 10 ** Number(suffix.slice(1));
}

/** Formats bytes as the largest whole binary unit (`20Gi`, `1536Mi`), for defaults and messages. */
export function formatBytes(bytes: number): string {
  for (const unit of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const size = BINARY_SUFFIXES[unit];
    if (bytes >= size && Number.isInteger(bytes / size)) return `${bytes / size}${unit}`;
  }
  return `${bytes}`;
}
