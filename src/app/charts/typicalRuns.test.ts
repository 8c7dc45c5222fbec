import { describe, expect, it } from 'vitest';
import { columnId } from '../../core/sweep/records';
import { fakeRun, fakeSweep, log2Grid } from './fixtures';
import { richestColumn, typicalRuns } from './typicalRuns';

describe('typicalRuns', () => {
  it('picks one run per regime present, from the richest column, at median c', () => {
    const { runs } = fakeSweep([2], [16, 256], [0], log2Grid(0, 4, 0.25));
    const picked = typicalRuns(runs);
    const regimes = picked.map((r) => r.regime);
    expect(new Set(regimes).size).toBe(regimes.length);
    // Every regime that occurs anywhere is shown, divergence included, in calm-to-violent order.
    const present = new Set(runs.map((r) => r.regime));
    expect(new Set(regimes)).toEqual(present);
    expect(regimes).toContain('divergence');
    expect(regimes).toEqual(
      [
        'stable',
        'sharpness-reduction',
        'loss-catapult',
        'loss-sharpness-catapult',
        'divergence',
      ].filter((r) => present.has(r as never)),
    );
    for (const p of picked) {
      const same = runs
        .filter((r) => r.regime === p.regime && r.width === p.width && r.depth === p.depth)
        .map((r) => r.c)
        .sort((a, b) => a - b);
      expect(p.c).toBe(same[Math.floor((same.length - 1) / 2)]);
    }
  });

  it('takes a regime the richest column lacks from another column', () => {
    // Width 16 (d/w large): c_loss = 6, so 2 < c < 6 is sharpness reduction there only.
    const narrow = [3, 4, 5].map((c) => fakeRun({ depth: 2, width: 16, c }));
    const wide = [1, 2.5, 3, 8, 13].map((c) => fakeRun({ depth: 2, width: 4096, c }));
    const picked = typicalRuns([...narrow, ...wide]);
    const sr = picked.find((r) => r.regime === 'sharpness-reduction');
    expect(sr?.width).toBe(16);
    expect(sr?.c).toBe(4);
    expect(richestColumn([...narrow, ...wide])).toBe(
      columnId({ depth: 2, width: 4096, seed: 0, orderSeed: 0 }),
    );
    expect(typicalRuns([])).toEqual([]);
    expect(richestColumn([])).toBeNull();
  });

  it('keeps to a chosen column, showing only the regimes it has', () => {
    const narrow = [3, 4, 5, 20].map((c) => fakeRun({ depth: 2, width: 16, c }));
    const wide = [1, 2.5, 3, 8, 13].map((c) => fakeRun({ depth: 2, width: 4096, c }));
    const id = columnId({ depth: 2, width: 16, seed: 0, orderSeed: 0 });
    const picked = typicalRuns([...narrow, ...wide], id);
    expect(picked.map((r) => r.regime)).toEqual(['sharpness-reduction', 'divergence']);
    for (const r of picked) expect(columnId(r)).toBe(id);
    expect(typicalRuns(wide, 'd9-w9-s9')).toEqual([]);
  });
});
