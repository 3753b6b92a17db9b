/**
 * Checks of a database's settings against what Redis Software itself refuses
 * or cannot do, so that the refusal comes at synth time and not from the
 * reconciler at run time.
 */
import { DesiredDatabaseSettings } from '../contract/desired-state';
import { Finding } from '../validation/finding';
import { finding } from '../validation/rules';
import { isReservedPort } from './port';

export function validateSoftwareLimits(s: DesiredDatabaseSettings): Finding[] {
  const f: Finding[] = [];
  if (isReservedPort(s.port)) {
    f.push(finding('REDB030', 'port', `port ${s.port} is reserved by Redis Software (Zabbix monitoring) and is never given to a database`));
  }
  return f;
}
