import { describe, expect, it } from 'vitest';
import { compareArchitectures, compareColumns, compareRuns } from './order';

describe('record order', () => {
  it('orders runs by depth, width, init seed, order seed, then c', () => {
    const runs = [
      { depth: 8, width: 64, seed: 0, orderSeed: 0, c: 1 },
      { depth: 4, width: 128, seed: 0, orderSeed: 0, c: 1 },
      { depth: 4, width: 64, seed: 1, orderSeed: 0, c: 0.5 },
      { depth: 4, width: 64, seed: 0, orderSeed: 1, c: 0.5 },
      { depth: 4, width: 64, seed: 0, orderSeed: 0, c: 2 },
      { depth: 4, width: 64, seed: 0, orderSeed: 0, c: 1 },
    ];
    expect(
      [...runs]
        .sort(compareRuns)
        .map((r) => `${r.depth}/${r.width}/${r.seed}/${r.orderSeed}/${r.c}`),
    ).toEqual([
      '4/64/0/0/1',
      '4/64/0/0/2',
      '4/64/0/1/0.5',
      '4/64/1/0/0.5',
      '4/128/0/0/1',
      '8/64/0/0/1',
    ]);
  });

  it('columns ignore c, architectures ignore the seeds', () => {
    const col = (seed: number, orderSeed: number) => ({ depth: 4, width: 64, seed, orderSeed });
    expect(compareColumns(col(1, 0), col(0, 0))).toBeGreaterThan(0);
    // I before J: (0, 5) comes before (1, 0).
    expect(compareColumns(col(0, 5), col(1, 0))).toBeLessThan(0);
    expect(compareColumns(col(0, 1), col(0, 0))).toBeGreaterThan(0);
    expect(compareColumns(col(2, 3), col(2, 3))).toBe(0);
    expect(compareArchitectures({ depth: 4, width: 64 }, { depth: 4, width: 64 })).toBe(0);
    expect(compareArchitectures({ depth: 2, width: 512 }, { depth: 4, width: 64 })).toBeLessThan(0);
  });
});
