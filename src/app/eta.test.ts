import { describe, expect, it } from 'vitest';
import { cloneDefaults } from '../core/settings/codec';
import { encodeSettings } from '../core/settings/url';
import type { Settings } from '../core/settings/schema';
import { fakeSweep } from './charts/fixtures';
import { columnId } from '../core/sweep/records';
import {
  CONFIRM_ABOVE_S,
  etaOf,
  measuredRate,
  plannedWork,
  roughDuration,
  typicalRate,
  workOf,
} from './eta';
import { precomputedAlternative, type PrecomputedEntry } from './precomputed';
import { presetById } from './presets';

function settings(over: Partial<Settings>): Settings {
  return { ...cloneDefaults(), ...over };
}

describe('the work of a run, counted as core/train/flops.ts counts it', () => {
  it('matches a hand count for a tiny FCN', () => {
    // d = 2, w = 4 on MNIST (784 → 4 → 10): S(1) = 2(784·4 + 4·10) = 6352, S'(1) = 80.
    const s = settings({ depths: [2], batch: 1, measureSize: 1, steps: 1, lanczosMaxIters: 10 });
    const w = workOf(s, 2, 4)!;
    const S = 6352;
    const S1 = 80;
    const hvp = 4 * S + 5 * S1;
    // One step: gradient on B (2S + S'), loss on M (S), ⌈0.3·10⌉ = 3 warm HVPs.
    expect(w.run).toBe(2 * S + S1 + S + 3 * hvp);
    // The column: a forward pass and 10 cold Lanczos HVPs for λ_0.
    expect(w.column).toBe(S + 10 * hvp);
    expect(workOf(settings({ model: 'myrtle' }), 5, 8)).toBeNull();
  });

  it('counts what Run would still compute: finished columns and runs are left out', () => {
    const s = settings({});
    const all = plannedWork(s, {}, {});
    // Three columns of 14 c values each (the quick demo).
    expect(all.runs).toBe(42);
    const sweep = fakeSweep([2], [16], [0], [1, 2, 4]);
    const runs = Object.fromEntries(sweep.runs.map((r, i) => [`r${i}`, r]));
    const some = plannedWork(s, runs, {});
    expect(some.runs).toBe(42 - 3);
    const col = sweep.columns[0]!;
    const done = plannedWork(s, runs, { [columnId(col)]: col });
    expect(done.runs).toBe(28);
    expect(done.work!).toBeLessThan(some.work!);
  });
});

describe('the ETA before Run', () => {
  it('is the work over the rate, and says whether the rate was measured here', () => {
    const s = settings({});
    const planned = plannedWork(s, {}, {});
    const typical = etaOf(planned, s, 'wasm', typicalRate('wasm', false));
    expect(typical.seconds).toBeCloseTo(planned.work! / 8e9, 6);
    expect(typical.words).toMatch(/^≈ \d+ s on WebAssembly \(typical speed/);
    const measured = etaOf(planned, s, 'wasm', { gflops: 4, source: 'measured' });
    expect(measured.seconds).toBeCloseTo(2 * typical.seconds!, 6);
    expect(measured.words).toMatch(/on WebAssembly here$/);
    // A software GPU is far slower than a real one.
    expect(typicalRate('webgpu', true).gflops).toBeLessThan(typicalRate('wasm', false).gflops);
    const myrtle = settings({ model: 'myrtle' });
    expect(
      etaOf(plannedWork(myrtle, {}, {}), myrtle, 'wasm', typicalRate('wasm', false)),
    ).toMatchObject({ seconds: null, words: 'no time estimate for this model' });
  });

  it('a rate measured on a sweep predicts that sweep’s own time back', () => {
    const s = settings({});
    const planned = plannedWork(s, {}, {});
    // 42 runs in 50 s of active time.
    const gflops = measuredRate(s, planned.runs, 50_000)!;
    const eta = etaOf(planned, s, 'wasm', { gflops, source: 'measured' });
    // The λ_0 set-ups are in the work but not in the per-run rate: within a few percent.
    expect(eta.seconds! / 50).toBeGreaterThan(0.98);
    expect(eta.seconds! / 50).toBeLessThan(1.1);
    expect(measuredRate(s, 1, 50_000)).toBeNull();
    expect(measuredRate(s, 10, 500)).toBeNull();
    // Tiny runs are overhead, not speed: they set no rate.
    expect(measuredRate(settings({ widths: [4], measureSize: 8, batch: 8 }), 10, 9000)).toBeNull();
  });

  it('asks before the paper’s own scale but not before the shipped presets', () => {
    const wasm = typicalRate('wasm', false);
    const quick = presetById('quick')!.settings;
    expect(etaOf(plannedWork(quick, {}, {}), quick, 'wasm', wasm).seconds!).toBeLessThan(
      CONFIRM_ABOVE_S,
    );
    const paper = presetById('paper-cifar')!.settings;
    const full = { ...paper, widths: [64, 128, 256, 512, 1024, 2048], measureSize: 4096 };
    const eta = etaOf(plannedWork(full, {}, {}), full, 'wasm', wasm);
    expect(eta.seconds!).toBeGreaterThan(24 * 3600);
    expect(eta.words).toMatch(/days on WebAssembly/);
  });

  it('rounds as a person says it', () => {
    expect(roughDuration(0.2)).toBe('under a second');
    expect(roughDuration(2)).toBe('2 s');
    expect(roughDuration(33)).toBe('35 s');
    expect(roughDuration(4 * 60 + 10)).toBe('4 min');
    expect(roughDuration(3600 + 20 * 60)).toBe('1 h 20 min');
    expect(roughDuration(30 * 3600)).toBe('30 h');
    expect(roughDuration(5.6 * 86400)).toBe('6 days');
  });
});

describe('the precomputed alternative to a long run', () => {
  const entry = (preset: string): PrecomputedEntry => ({
    preset,
    file: `${preset}.jsonl`,
    hash: encodeSettings(presetById(preset)!.settings),
    runs: 1,
    columns: 1,
    command: '',
    made: '2026-12-01',
  });
  const index = [entry('quick'), entry('paper-cifar')];

  it('is the file of these very settings, else a preset on the same dataset, model and depths', () => {
    const paper = presetById('paper-cifar')!.settings;
    expect(precomputedAlternative(index, paper)).toMatchObject({
      exact: true,
      entry: { preset: 'paper-cifar' },
    });
    const full = { ...paper, widths: [64, 2048], measureSize: 4096 };
    expect(precomputedAlternative(index, full)).toMatchObject({
      exact: false,
      entry: { preset: 'paper-cifar' },
    });
    expect(precomputedAlternative(index, { ...full, depths: [4] })).toBeNull();
    expect(precomputedAlternative([], paper)).toBeNull();
  });
});
