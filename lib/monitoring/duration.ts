/**
 * Prometheus durations (`1h30m`, `30s`, `500ms`): units in descending order,
 * each at most once, as Prometheus' model.ParseDuration and the Prometheus
 * Operator CRDs' `^(0|(([0-9]+)y)?...(([0-9]+)ms)?)$` pattern accept them.
 */
const DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const UNIT_MS = [365 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1000, 1];

/** Milliseconds of a Prometheus duration; undefined when it is not one. */
export function parsePrometheusDuration(value: string): number | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (value === '0') return 0;
  const m = DURATION.exec(value);
  if (!m) return undefined;
  return UNIT_MS.reduce((total, unit, i) => total + (m[i + 1] ? Number(m[i + 1]) * unit : 0), 0);
}
