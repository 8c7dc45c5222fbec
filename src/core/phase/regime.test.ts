import { describe, expect, it } from 'vitest';
import { classifyRun, criticalValues, summarize } from './regime';

const run = (
  c: number,
  diverged: boolean,
  lossRatioMax: number | null,
  sharpRatioMax: number | null,
) => ({
  c,
  diverged,
  lossRatioMax,
  sharpRatioMax,
});

describe('regime of a run', () => {
  const s = (l: number | null, sh: number | null, f: number | null = null) => ({
    lossRatioMax: l,
    sharpRatioMax: sh,
    sharpRatioFinal: f,
  });
  it('follows the rules of docs/PROTOCOL.md §3', () => {
    expect(classifyRun(8, true, s(null, null), 0)).toBe('divergence');
    expect(classifyRun(3, false, s(2.5, 1.3), 0)).toBe('loss-sharpness-catapult');
    expect(classifyRun(3, false, s(2.5, 0.9), 0)).toBe('loss-catapult');
    expect(classifyRun(3, false, s(1, 0.8), 0)).toBe('sharpness-reduction');
    expect(classifyRun(2, false, s(1, 0.8), 0)).toBe('stable');
    expect(classifyRun(1, false, s(1, 1.01), 0)).toBe('stable');
  });
  it('uses ε for the sharpness rise', () => {
    expect(classifyRun(3, false, s(2, 1.04), 0.05)).toBe('loss-catapult');
    expect(classifyRun(3, false, s(2, 1.06), 0.05)).toBe('loss-sharpness-catapult');
  });
  it('summarises trajectories over t ≥ 1 for λ and all t for L', () => {
    const sum = summarize([1, 0.5, 3, null], [10, 12, 8, null], 1, 10, true);
    expect(sum.lossRatioMax).toBe(3);
    expect(sum.sharpRatioMax).toBeCloseTo(1.2);
    expect(sum.sharpRatioFinal).toBeNull();
    const calm = summarize([1, 0.9, 0.8], [10, 9, 7], 1, 10, false);
    expect(calm.lossRatioMax).toBe(1);
    expect(calm.sharpRatioMax).toBeCloseTo(0.9);
    expect(calm.sharpRatioFinal).toBeCloseTo(0.7);
  });
});

describe('critical values of a column', () => {
  it('finds c_loss, c_sharp and c_max by the demo rules', () => {
    const runs = [
      run(1, false, 1, 0.9),
      run(2, false, 1, 0.8),
      run(3, false, 1.5, 0.9),
      run(4, false, 4, 1.2),
      run(8, false, 9, 2),
      run(16, true, null, null),
    ];
    expect(criticalValues(runs, 0)).toEqual({ c_loss: 3, c_sharp: 4, c_max: 8 });
    // Order of the input does not matter.
    expect(criticalValues([...runs].reverse(), 0)).toEqual({ c_loss: 3, c_sharp: 4, c_max: 8 });
  });
  it('is null where the event never happened before divergence', () => {
    const runs = [run(1, false, 1, 0.9), run(2, false, 1, 0.7), run(4, true, null, null)];
    expect(criticalValues(runs, 0)).toEqual({ c_loss: null, c_sharp: null, c_max: 2 });
  });
  it('leaves c_max null until some run diverged', () => {
    expect(criticalValues([run(1, false, 1, 0.9), run(2, false, 2, 1.1)], 0)).toEqual({
      c_loss: 2,
      c_sharp: 2,
      c_max: null,
    });
  });
  it('ignores diverged runs and runs past the first divergence', () => {
    const runs = [run(1, false, 1, 1), run(2, true, null, null), run(4, false, 3, 3)];
    expect(criticalValues(runs, 0)).toEqual({ c_loss: null, c_sharp: null, c_max: 1 });
  });
});
