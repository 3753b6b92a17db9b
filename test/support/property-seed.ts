/**
 * The seed of every property test: fixed (so CI repeats a failure exactly),
 * or random on demand with `FC_SEED=random` (or a number, to replay a seed a
 * failure printed: fast-check prints `seed` and `path` on every failure).
 * The seed in use is printed, so a random run that fails can be replayed.
 */
import * as fc from 'fast-check';

export const FIXED_PROPERTY_SEED = 20260801;

export function configurePropertySeed(file: string): number {
  const given = process.env.FC_SEED;
  const seed = given === 'random' ? Math.floor(Math.random() * 2 ** 31)
    : given !== undefined && given !== '' ? Number(given)
      : FIXED_PROPERTY_SEED;
  if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be "random" or an integer, got ${JSON.stringify(given)}`);
  fc.configureGlobal({ seed });
  if (seed !== FIXED_PROPERTY_SEED) process.stderr.write(`[property] ${file}: seed ${seed} (replay with FC_SEED=${seed})\n`);
  return seed;
}
