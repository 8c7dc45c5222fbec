import { describe, expect, it } from 'vitest';
import { fakeRun, fakeSweep, log2Grid } from './fixtures';
import { typicalRuns } from './typicalRuns';

describe('typicalRuns', () => {
  it('picks one run per regime but divergence, from the richest column, at median c', () => {
    const { runs } = fakeSweep([2], [16, 256], [0], log2Grid(0, 4, 0.25));
    const picked = typicalRuns(runs);
    const regimes = picked.map((r) => r.regime);
    expect(regimes).not.toContain('divergence');
    expect(new Set(regimes).size).toBe(regimes.length);
    // Every regime but divergence that occurs anywhere is shown.
    const present = new Set(runs.map((r) => r.regime).filter((r) => r !== 'divergence'));
    expect(new Set(regimes)).toEqual(present);
    for (const p of picked) {
      const same = runs
        .filter((r) => r.regime === p.regime && r.width === p.width && r.depth === p.depth)
        .map((r) => r.c)
        .sort((a, b) => a - b);
      expect(p.c).toBe(same[Math.floor((same.length - 1) / 2)]);
    }
  });

  it('takes a regime the richest column lacks from another column, and is empty for diverged runs only', () => {
    // Width 16 (d/w large): c_loss = 6, so 2 < c < 6 is sharpness reduction there only.
    const narrow = [3, 4, 5].map((c) => fakeRun({ depth: 2, width: 16, c }));
    const wide = [1, 2.5, 3, 8, 13].map((c) => fakeRun({ depth: 2, width: 4096, c }));
    const picked = typicalRuns([...narrow, ...wide]);
    const sr = picked.find((r) => r.regime === 'sharpness-reduction');
    expect(sr?.width).toBe(16);
    expect(sr?.c).toBe(4);
    expect(typicalRuns([fakeRun({ depth: 2, width: 16, c: 20 })])).toEqual([]);
  });
});
