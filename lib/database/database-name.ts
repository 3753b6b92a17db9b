import { Finding } from '../validation/finding';
import { finding, RuleCode } from '../validation/rules';
import { isDns1035Label, MAX_DNS_LABEL } from '../validation/names';

/** `<db>-headless` is the longest Service name a database gets. */
const LONGEST_SUFFIX = '-headless';

/**
 * A database name is both a Redis Enterprise name (letters, digits, hyphens,
 * starting and ending alphanumeric) and the name of its Services (a DNS-1035
 * label), so it must be the intersection: lowercase, starting with a letter,
 * short enough for `<db>-headless`.
 */
export function validateDatabaseName(name: string, fromProps: boolean, code: RuleCode = 'REDB001'): Finding[] {
  const field = fromProps ? 'name' : 'name (defaulted from the construct id)';
  const max = MAX_DNS_LABEL - LONGEST_SUFFIX.length;
  if (!isDns1035Label(name)) {
    return [finding(code, field, `database name "${name}" is not a lowercase DNS-1035 label (letters, digits, '-', starting with a letter)`,
      'choose a name such as "orders" or "session-cache"')];
  }
  if (name.length > max) {
    return [finding(code, field, `database name "${name}" is ${name.length} characters; its Service "${name}${LONGEST_SUFFIX}" would exceed ${MAX_DNS_LABEL}`,
      `shorten the name to at most ${max} characters`)];
  }
  return [];
}
