import { DesiredModule } from '../contract/desired-state';
import { BUNDLED_MODULES } from '../contract/redis-software';
import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { closestName } from '../validation/similar-names';

/**
 * The modules Redis Enterprise 8 bundles, by the NAME the REST API and the
 * operator's `modulesList` take (not the display name): Redis docs,
 * "Configure modules" (Kubernetes) and the bundled-modules table. The cluster
 * has no way to load other modules here (no user-defined modules). Strict on
 * purpose: one way to write each (the reconciler also tolerates display names).
 */
const BUNDLED: readonly string[] = [...new Set(Object.values(BUNDLED_MODULES))];

/** Display and project names people write instead, with the NAME to use. */
const MODULE_ALIASES: { readonly [written: string]: string } = {
  RediSearch: 'search', RedisJSON: 'ReJSON', JSON: 'ReJSON', json: 'ReJSON', RedisTimeSeries: 'timeseries',
  RedisBloom: 'bf', bloom: 'bf',
};

/** REDB018: each module is one Redis Enterprise ships, listed once. Empty names are REDB012's. */
export function validateModules(modules: readonly DesiredModule[]): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  modules.forEach((m, i) => {
    if (typeof m.name !== 'string' || !m.name.trim()) return;
    if (!BUNDLED.includes(m.name)) {
      const suggestion = MODULE_ALIASES[m.name] ?? BUNDLED.find((b) => b.toLowerCase() === m.name.toLowerCase()) ?? closestName(m.name, BUNDLED);
      findings.push(finding('REDB018', `modules[${i}].name`,
        `"${m.name}" is not a module Redis Enterprise ships (${BUNDLED.join(', ')})${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
        suggestion ? `use the module name "${suggestion}"` : `use one of ${BUNDLED.join(', ')}, or leave modules out (Redis 8 enables them all)`));
    } else if (seen.has(m.name)) {
      findings.push(finding('REDB018', `modules[${i}].name`, `module "${m.name}" is listed twice`, 'list each module once'));
    }
    seen.add(m.name);
  });
  return findings;
}
