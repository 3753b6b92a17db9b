/**
 * "Did you mean" suggestions for misspelt prop names: the known name closest
 * to what was written, when it is close enough to be a likely typo.
 */

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const current = [i];
    for (let j = 1; j <= y.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[y.length];
}

/**
 * The candidate a typo of `written` most likely meant: within an edit
 * distance of a third of its length (at least 2), or one name starting with
 * the other (`memory` for `memorySize`). Undefined when none is close.
 */
export function closestName(written: string, candidates: readonly string[]): string | undefined {
  const w = written.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const leaf = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
    const prefix = Math.min(w.length, leaf.length) >= 4 && (leaf.startsWith(w) || w.startsWith(leaf));
    const distance = prefix ? 0.5 : editDistance(w, leaf);
    if (distance <= Math.max(2, Math.floor(w.length / 3)) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
