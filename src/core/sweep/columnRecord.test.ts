import { describe, expect, it } from 'vitest';
import { columnRecord } from './runSweep';
import type { RunRecord } from './records';

/** A hand-made run: only what the column record reads. */
function run(c: number, o: { loss?: number; sharp?: number; height?: number; div?: boolean }) {
  const diverged = o.div === true;
  return {
    type: 'run',
    depth: 8,
    width: 64,
    seed: 0,
    orderSeed: 0,
    c,
    eta: c / 10,
    lambda0: 10,
    loss0: 0.5,
    diverged,
    divergedAt: diverged ? 3 : null,
    regime: diverged ? 'divergence' : 'stable',
    loss: [0.5],
    sharpness: [10],
    lanczosIters: [5],
    lanczosResidual: [1e-4],
    lossRatioMax: diverged ? null : (o.loss ?? 0.9),
    sharpRatioMax: diverged ? null : (o.sharp ?? 0.8),
    sharpRatioFinal: null,
    barrier: diverged ? null : { losses: [0.5, 0.4], height: o.height ?? -0.1, tauAtMax: 1 },
    saturation: diverged
      ? null
      : { K: 100, step: Math.round(100 / c), loss: 0.3, sharpness: 6, iters: 7, residual: 1e-4 },
    seconds: 1,
  } satisfies RunRecord;
}
const key = { depth: 8, width: 64, seed: 0, orderSeed: 0 };

describe('columnRecord', () => {
  it('carries c_barrier, the censored critical values and the saturation curve', () => {
    // The loss rises at c = 4, λ never does, no line crosses a barrier; c = 8 diverges.
    const runs = [run(1, {}), run(4, { loss: 1.2 }), run(6, { loss: 2 }), run(8, { div: true })];
    const col = columnRecord(key, 10, 0.5, runs, 0);
    expect(col.c_loss).toBe(4);
    expect(col.c_sharp).toBeNull();
    expect(col.c_max).toBe(6);
    expect(col.c_barrier).toBe(6);
    expect(col.barrierFallback).toBe(true);
    expect(col.censored).toEqual(['c_sharp', 'c_barrier']);
    expect(col.saturation).toEqual({
      K: 100,
      points: [
        { c: 1, step: 100, ratio: 0.6 },
        { c: 4, step: 25, ratio: 0.6 },
        { c: 6, step: 17, ratio: 0.6 },
      ],
    });
  });

  it('nothing is censored before the first divergence is known', () => {
    const col = columnRecord(key, 10, 0.5, [run(1, {}), run(2, { height: 0.2 })], 0);
    expect(col.c_max).toBeNull();
    expect(col.censored).toEqual([]);
    expect(col.c_barrier).toBe(2);
    expect(col.barrierFallback).toBe(false);
  });
});
