/**
 * Kubernetes evaluates `pattern` with Go's RE2, ajv with JavaScript RegExp.
 * The one RE2-only construct in the vendored schemas is a leading `(?i)`
 * (PrometheusRule `partial_response_strategy: ^(?i)(abort|warn)?$`), which
 * Node 20 rejects; it becomes the `i` flag. Anything else JavaScript cannot
 * parse still throws at compile time, so a new construct is noticed, not skipped.
 */
import type { RegExpEngine } from 'ajv/dist/types';

const LEADING_CASE_INSENSITIVE = /^(\^?)\(\?i\)/;

export const goRegExp: RegExpEngine = Object.assign(
  (pattern: string, flags: string) => {
    const m = LEADING_CASE_INSENSITIVE.exec(pattern);
    return m ? new RegExp(m[1] + pattern.slice(m[0].length), flags + 'i') : new RegExp(pattern, flags);
  },
  // Only used by ajv's standalone code generation, which we do not use.
  { code: 'goRegExp' },
);
