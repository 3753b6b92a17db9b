import { derivePort, isReservedPort } from '../../../lib/database/port';

describe('derived database ports', () => {
  it('never derive a port Redis Software reserves (10050), and move such a name to the next port', () => {
    // About one name in 10,000 hashes to 10050: 100,000 names meet several of them.
    const ports = Array.from({ length: 100_000 }, (_, i) => derivePort(`db-${i}`));
    expect(ports.filter(isReservedPort)).toEqual([]);
    const counts = new Map<number, number>();
    for (const p of ports) counts.set(p, (counts.get(p) ?? 0) + 1);
    // Port 10051 takes the moved names on top of its own: more than the ~10 any port gets on average.
    expect(counts.get(10051) ?? 0).toBeGreaterThan(counts.get(10052) ?? 0);
  });
});
