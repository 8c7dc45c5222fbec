import { describe, expect, it } from 'vitest';
import { cloneDefaults } from '../../core/settings/codec';
import { runId, type ColumnRecord, type RunRecord } from '../../core/sweep/records';
import { formatDuration, progressOf, rateAndEta } from './progress';
import { resultsKey, runSettingsText } from './resultsKey';

const run = (depth: number, width: number, c: number): RunRecord =>
  ({ type: 'run', depth, width, seed: 0, orderSeed: 0, c }) as RunRecord;

describe('progress', () => {
  it('counts a finished column by its runs and an open one by the whole grid', () => {
    const s = {
      ...cloneDefaults(),
      depths: [2],
      widths: [16, 128],
      cGrid: { kind: 'list' as const, values: [1, 2, 4, 8] },
    };
    const runs = Object.fromEntries(
      [run(2, 16, 1), run(2, 16, 2), run(2, 128, 1)].map((r) => [runId(r), r]),
    );
    const columns: Record<string, ColumnRecord> = {
      'd2-w16-s0': {
        type: 'column',
        depth: 2,
        width: 16,
        seed: 0,
        orderSeed: 0,
        lambda0: 1,
        loss0: 1,
        c_loss: null,
        c_sharp: null,
        c_max: 1,
        runs: 2,
      },
    };
    expect(progressOf(s, runs, columns)).toEqual({ done: 3, total: 2 + 4 });
    expect(progressOf({ ...s, search: 'bisect' }, runs, columns).total).toBeNull();
  });

  it('ignores runs of columns outside the plan', () => {
    const s = {
      ...cloneDefaults(),
      depths: [2],
      widths: [16],
      cGrid: { kind: 'list' as const, values: [1] },
    };
    const runs = Object.fromEntries([run(4, 16, 1)].map((r) => [runId(r), r]));
    expect(progressOf(s, runs, {})).toEqual({ done: 0, total: 1 });
  });

  it('gives a rate and an ETA only once there is something to go on', () => {
    expect(rateAndEta(0, 10_000, 5)).toEqual({ perMinute: null, etaMs: null });
    expect(rateAndEta(6, 60_000, 12)).toEqual({ perMinute: 6, etaMs: 120_000 });
    expect(formatDuration(125_000)).toBe('2 min 05 s');
    expect(formatDuration(4_000)).toBe('4 s');
  });
});

describe('resultsKey', () => {
  it('changes with run-affecting settings only', () => {
    const s = cloneDefaults();
    const k = resultsKey(s, 'builtin');
    expect(k).toMatch(/^[0-9a-f]{16}$/);
    expect(resultsKey({ ...s, axis: '1/w' }, 'builtin')).toBe(k);
    expect(resultsKey({ ...s, steps: 11 }, 'builtin')).not.toBe(k);
    expect(resultsKey({ ...s, widths: [16, 129] }, 'builtin')).not.toBe(k);
    expect(resultsKey(s, 'files')).not.toBe(k);
    // Where MNIST came from matters only for MNIST.
    const uv = { ...s, dataset: 'uv' as const, model: 'uv' as const };
    expect(resultsKey(uv, 'files')).toBe(resultsKey(uv, 'builtin'));
    expect(runSettingsText(s, 'builtin')).not.toContain('ax=');
  });
});
