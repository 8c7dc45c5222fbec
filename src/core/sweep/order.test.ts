import { describe, expect, it } from 'vitest';
import { compareArchitectures, compareColumns, compareRuns } from './order';

describe('record order', () => {
  it('orders runs by depth, width, seed, then c', () => {
    const runs = [
      { depth: 8, width: 64, seed: 0, c: 1 },
      { depth: 4, width: 128, seed: 0, c: 1 },
      { depth: 4, width: 64, seed: 1, c: 0.5 },
      { depth: 4, width: 64, seed: 0, c: 2 },
      { depth: 4, width: 64, seed: 0, c: 1 },
    ];
    expect(
      [...runs].sort(compareRuns).map((r) => `${r.depth}/${r.width}/${r.seed}/${r.c}`),
    ).toEqual(['4/64/0/1', '4/64/0/2', '4/64/1/0.5', '4/128/0/1', '8/64/0/1']);
  });

  it('columns ignore c, architectures ignore the seed', () => {
    expect(
      compareColumns({ depth: 4, width: 64, seed: 1 }, { depth: 4, width: 64, seed: 0 }),
    ).toBeGreaterThan(0);
    expect(compareArchitectures({ depth: 4, width: 64 }, { depth: 4, width: 64 })).toBe(0);
    expect(compareArchitectures({ depth: 2, width: 512 }, { depth: 4, width: 64 })).toBeLessThan(0);
  });
});
