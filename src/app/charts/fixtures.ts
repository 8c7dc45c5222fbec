/**
 * Made-up run and column records for chart tests and demos: a column's regimes follow fixed
 * thresholds in c (c_loss = 2 + 32·d/w, c_sharp = 1.5·c_loss, c_max = 12), so tests can predict
 * every cell and marker.
 */
import type { ColumnRecord, Regime, RunRecord } from '../../core/sweep/records';

export interface FakeThresholds {
  cLoss: number;
  cSharp: number;
  cMax: number;
}

export function fakeThresholds(depth: number, width: number): FakeThresholds {
  const cLoss = 2 + (32 * depth) / width;
  return { cLoss, cSharp: 1.5 * cLoss, cMax: 12 };
}

export function fakeRegime(c: number, t: FakeThresholds): Regime {
  if (c > t.cMax) return 'divergence';
  if (c >= t.cSharp) return 'loss-sharpness-catapult';
  if (c >= t.cLoss) return 'loss-catapult';
  if (c > 2) return 'sharpness-reduction';
  return 'stable';
}

export function fakeRun(p: { depth: number; width: number; seed?: number; c: number }): RunRecord {
  const seed = p.seed ?? 0;
  const t = fakeThresholds(p.depth, p.width);
  const regime = fakeRegime(p.c, t);
  const lambda0 = 10 * p.width ** 0.5 + seed;
  const loss0 = 0.5;
  const steps = 10;
  const diverged = regime === 'divergence';
  const catapult = regime === 'loss-catapult' || regime === 'loss-sharpness-catapult';
  const lossRatioMax = diverged ? null : catapult ? 1 + p.c / 2 : 1;
  const sharpRatioMax = diverged ? null : regime === 'loss-sharpness-catapult' ? 1.3 : 0.98;
  const sharpRatioFinal = diverged ? null : Math.max(0.3, 1 - 0.1 * p.c);
  const loss: (number | null)[] = [];
  const sharpness: (number | null)[] = [];
  for (let i = 0; i <= steps; i++) {
    if (diverged && i >= 3) {
      loss.push(null);
      sharpness.push(null);
    } else {
      loss.push(loss0 * (catapult && i === 2 ? lossRatioMax! : 1 - 0.05 * i));
      sharpness.push(lambda0 * (1 - ((1 - (sharpRatioFinal ?? 1)) * i) / steps));
    }
  }
  return {
    type: 'run',
    depth: p.depth,
    width: p.width,
    seed,
    orderSeed: 0,
    c: p.c,
    eta: p.c / lambda0,
    lambda0,
    loss0,
    diverged,
    divergedAt: diverged ? 3 : null,
    regime,
    loss,
    sharpness,
    lanczosIters: Array.from({ length: diverged ? 3 : steps + 1 }, (_, i) => (i === 0 ? 14 : 3)),
    lanczosResidual: Array.from({ length: diverged ? 3 : steps + 1 }, () => 1e-4),
    lossRatioMax,
    sharpRatioMax,
    sharpRatioFinal,
    seconds: 0.5,
  };
}

/** The column record the fake runs of a grid would produce. */
export function fakeColumn(
  depth: number,
  width: number,
  seed: number,
  cs: readonly number[],
): ColumnRecord {
  const t = fakeThresholds(depth, width);
  const sorted = [...cs].sort((a, b) => a - b);
  const ok = sorted.filter((c) => c <= t.cMax);
  return {
    type: 'column',
    depth,
    width,
    seed,
    orderSeed: 0,
    lambda0: 10 * width ** 0.5 + seed,
    loss0: 0.5,
    c_loss: ok.find((c) => c >= t.cLoss) ?? null,
    c_sharp: ok.find((c) => c >= t.cSharp) ?? null,
    c_max: ok.at(-1) ?? null,
    runs: cs.length,
  };
}

/** c = 2^x for x = start, start + step, ..., stop. */
export function log2Grid(start: number, stop: number, step: number): number[] {
  const out: number[] = [];
  for (let i = 0; start + i * step <= stop + 1e-9; i++) out.push(2 ** (start + i * step));
  return out;
}

export function fakeSweep(
  depths: readonly number[],
  widths: readonly number[],
  seeds: readonly number[],
  cs: readonly number[],
): { runs: RunRecord[]; columns: ColumnRecord[] } {
  const runs: RunRecord[] = [];
  const columns: ColumnRecord[] = [];
  for (const depth of depths) {
    for (const width of widths) {
      for (const seed of seeds) {
        for (const c of cs) runs.push(fakeRun({ depth, width, seed, c }));
        columns.push(fakeColumn(depth, width, seed, cs));
      }
    }
  }
  return { runs, columns };
}
