/**
 * Checks of a database's settings against what Redis Software itself refuses
 * or cannot do, so that the refusal comes at synth time and not from the
 * reconciler at run time.
 */
import { DesiredDatabaseSettings } from '../contract/desired-state';
import { bundledModuleName } from '../contract/redis-software';
import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { isReservedPort } from './port';

export function validateSoftwareLimits(s: DesiredDatabaseSettings): Finding[] {
  const f: Finding[] = [];
  if (isReservedPort(s.port)) {
    f.push(finding('REDB030', 'port', `port ${s.port} is reserved by Redis Software (Zabbix monitoring) and is never given to a database`));
  }
  const seen = new Set<string>();
  s.modules.forEach((m, i) => {
    if (typeof m.name !== 'string' || !m.name.trim()) return; // REDB012
    const bundled = bundledModuleName(m.name);
    if (bundled === undefined) {
      f.push(finding('REDB031', `modules[${i}].name`, `"${m.name}" is not a module Redis Software 8 bundles, and the cluster has no way to install another one`));
    } else if (seen.has(bundled)) {
      f.push(finding('REDB031', `modules[${i}].name`, `module "${m.name}" is declared twice (as ${bundled})`, 'declare each module once'));
    }
    if (bundled !== undefined) seen.add(bundled);
  });
  return f;
}
