import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { columnBarrier, type BarrierRun } from './barrier';
import { criticalValues } from './regime';
import { saturationCurve } from './saturation';

const run = (c: number, height: number | null, diverged = false): BarrierRun => ({
  c,
  diverged,
  barrier: diverged || height === null ? null : { height },
});

describe('columnBarrier', () => {
  it('the smallest trainable c whose line rises above L_0', () => {
    const runs = [run(4, 0.2), run(1, -0.5), run(2, -0.1), run(3, 0.01), run(8, 0, true)];
    expect(columnBarrier(runs, 4)).toEqual({ c_barrier: 3, barrierFallback: false });
  });

  it('height 0 is no barrier (a strict rise, as for c_loss)', () => {
    expect(columnBarrier([run(1, 0), run(2, 0.1)], 2).c_barrier).toBe(2);
  });

  it('no barrier below the first divergence: c_max by the demo’s rule, flagged', () => {
    // The barrier at c = 6 is above a divergence at c = 5: it does not count.
    const runs = [run(1, -1), run(2, -0.3), run(5, null, true), run(6, 0.4)];
    expect(columnBarrier(runs, 2)).toEqual({ c_barrier: 2, barrierFallback: true });
  });

  it('nothing measured (older records, or the measurement off): null, not c_max', () => {
    expect(columnBarrier([{ c: 1, diverged: false }, run(2, null, true)], 1)).toEqual({
      c_barrier: null,
      barrierFallback: false,
    });
  });

  it('c_barrier ≤ c_max in every column', () => {
    const column = fc.array(
      fc.record({
        x: fc.integer({ min: 0, max: 50 }),
        height: fc.double({ min: -1, max: 1, noNaN: true }),
        diverged: fc.boolean(),
      }),
      { minLength: 1, maxLength: 20 },
    );
    fc.assert(
      fc.property(column, (rows) => {
        // One run per c, as a column has.
        const byC = new Map(rows.map((r) => [r.x, r]));
        const runs = [...byC.values()].map((r) => ({
          c: 2 ** (r.x / 10),
          diverged: r.diverged,
          lossRatioMax: 1,
          sharpRatioMax: 1,
          barrier: r.diverged ? null : { height: r.height },
        }));
        const { c_max } = criticalValues(runs, 0);
        const { c_barrier } = columnBarrier(runs, c_max);
        if (c_barrier !== null && c_max !== null) expect(c_barrier).toBeLessThanOrEqual(c_max);
        if (c_max !== null) expect(c_barrier).not.toBeNull();
      }),
    );
  });
});

describe('saturationCurve', () => {
  const sat = (K: number, step: number, sharpness: number | null) => ({
    K,
    step,
    loss: sharpness === null ? null : 0.1,
    sharpness,
    iters: 5,
    residual: 1e-4,
  });

  it('λ_τ/λ_0 in ascending c, skipping diverged and unmeasured runs', () => {
    const curve = saturationCurve([
      { c: 2, diverged: false, lambda0: 10, saturation: sat(100, 50, 6) },
      { c: 1, diverged: false, lambda0: 10, saturation: sat(100, 100, 8) },
      { c: 4, diverged: false, lambda0: 10, saturation: sat(100, 25, null) },
      { c: 8, diverged: true, lambda0: 10, saturation: null },
      { c: 3, diverged: false, lambda0: 10 },
    ]);
    expect(curve).toEqual({
      K: 100,
      points: [
        { c: 1, step: 100, ratio: 0.8 },
        { c: 2, step: 50, ratio: 0.6 },
        { c: 4, step: 25, ratio: null },
      ],
    });
  });

  it('null when nothing measured it; a column mixing K is a bug', () => {
    expect(saturationCurve([{ c: 1, diverged: false, lambda0: 1 }])).toBeNull();
    expect(() =>
      saturationCurve([
        { c: 1, diverged: false, lambda0: 1, saturation: sat(100, 100, 1) },
        { c: 2, diverged: false, lambda0: 1, saturation: sat(50, 25, 1) },
      ]),
    ).toThrow(/K = 100 and K = 50/);
  });
});
