/**
 * The measurements of `npm run bench`, shared by the Node script (scripts/bench.ts) and the
 * browser bench worker (bench.worker.ts): ms per SGD step, ms per HVP, a plain matmul's rate, one
 * full run (a diagram cell) and a whole sweep. Each times the core's own code, not a copy of it:
 * `sgdStep` and the column's `hvpAt` (the operator its Lanczos calls) for the kernels, a column's
 * `run` for a cell, `runSweep` for a sweep. They run whatever tfjs backend is active, take the
 * clock as an argument and read back a value after each timed unit of work, so asynchronous
 * backends (webgl, webgpu) are timed to completion, as the app experiences them.
 *
 * FLOP counts are the analytic ones of `core/train/flops.ts`; GFLOP/s = FLOPs / time.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { PreparedData } from '../core/data/types';
import type { Settings } from '../core/settings/schema';
import type { RawRun } from '../core/train/column';
import { createFcnColumn, fcnSpec, sgdStep } from '../core/train/fcnColumn';
import { uploadFcnColumn } from '../core/train/fcnBase';
import type { ModelSpec } from '../core/models/model';
import { modelDefinition } from '../core/models/registry';
import { createRng, normalArray } from '../core/random/prng';
import {
  estimateHvpFlops,
  forwardFlops,
  matmulFlops,
  runFlops,
  sgdStepFlops,
  lanczosFlops,
  matmulDims,
} from '../core/train/flops';
import { runSweep } from '../core/sweep/runSweep';
import { capabilitiesOf } from '../core/tf/capabilities';
import type { RunRecord } from '../core/sweep/records';

/** Milliseconds from an arbitrary origin (performance.now). */
export type Clock = () => number;

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

const gflops = (flops: number, ms: number): number => flops / (ms * 1e6);

/** Wait for every queued kernel that produced `t` (a small readback), then dispose `t`. */
async function settle(t: tf.Tensor): Promise<void> {
  const s = tf.tidy(() => tf.sum(t.size > 1 ? tf.slice(tf.reshape(t, [-1]), [0], [1]) : t));
  await s.data();
  s.dispose();
  t.dispose();
}

/** Rate of an n×n by n×n matMul: the backend's practical limit for dense work. */
export interface MatmulFigures {
  n: number;
  reps: number;
  msMedian: number;
  gflops: number;
}

export async function measureMatmul(n: number, reps: number, now: Clock): Promise<MatmulFigures> {
  const rng = createRng(0, 'bench-matmul');
  const a = tf.tensor2d(normalArray(rng, n * n, 1), [n, n]);
  const b = tf.tensor2d(normalArray(rng, n * n, 1), [n, n]);
  const times: number[] = [];
  try {
    for (let i = 0; i <= reps; i++) {
      const t0 = now();
      await settle(tf.matMul(a, b));
      if (i > 0) times.push(now() - t0); // the first one warms up (shader compile, allocation)
    }
  } finally {
    tf.dispose([a, b]);
  }
  const msMedian = median(times);
  return { n, reps, msMedian, gflops: gflops(matmulFlops(n, n, n), msMedian) };
}

/**
 * The products of one HVP on n examples, run alone: the practical limit for the HVP's own shapes.
 * Per layer (fan-in a, fan-out b) reverse-over-reverse runs the forward type [n, a]·[a, b] and
 * the weight-gradient type [a, n]·[n, b] twice each (plus once more from layer 2 on), and the
 * input-gradient type [n, b]·[b, a] three times from layer 2 on: 4S + 5S' in all, as
 * `hvpFlops` counts. Against this rate rather than the 1024³ one, an HVP's time splits into its
 * products and the rest (transposes, splits, elementwise work, tfjs's bookkeeping).
 */
export interface ProductMixFigures {
  n: number;
  /** ms of the HVP's products, each timed alone (median of `reps`) and weighted by its count. */
  msPerHvp: number;
  gflops: number;
}

export async function measureHvpProducts(
  spec: ModelSpec,
  n: number,
  reps: number,
  now: Clock,
): Promise<ProductMixFigures> {
  const rng = createRng(0, 'bench-products');
  const dims = matmulDims(spec);
  const timeProduct = async (m: number, k: number, p: number): Promise<number> => {
    // A new right operand every time, as in an HVP, where most products multiply tensors made in
    // it: wasm's XNNPACK caches the packed form of a right operand it has seen, so reusing one
    // would leave out the packing that an HVP pays for.
    const a = tf.tensor2d(normalArray(rng, m * k, 1), [m, k]);
    const bData = normalArray(rng, k * p, 1);
    const bs = Array.from({ length: reps + 1 }, () => tf.tensor2d(bData, [k, p]));
    const times: number[] = [];
    try {
      for (let i = 0; i <= reps; i++) {
        const t0 = now();
        await settle(tf.matMul(a, bs[i] as tf.Tensor2D));
        if (i > 0) times.push(now() - t0);
      }
    } finally {
      tf.dispose([a, ...bs]);
    }
    return median(times);
  };
  // An FCN column's HVPs share the forward's products and their first pass's dz·Wᵀ, and that
  // pass skips every weight gradient, which it only multiplies by v (`estimateHvpFlops`; the
  // HVPs timed are not an estimate's first).
  const def = modelDefinition(spec.kind);
  const shared = def.denseInput ? 1 : 0;
  const unread = def.unreadWeightGradients ? 1 : 0;
  let ms = 0;
  for (const [l, [a, b]] of dims.entries()) {
    const later = l >= 1 ? 1 : 0;
    const skipped = l === 0 ? shared * unread : unread;
    ms += (2 + later - shared) * (await timeProduct(n, a, b)); // forward type
    ms += (2 + later - skipped) * (await timeProduct(a, n, b)); // weight-gradient type
    if (later) ms += (3 - shared * unread) * (await timeProduct(n, b, a)); // input-gradient type
  }
  return { n, msPerHvp: ms, gflops: gflops(estimateHvpFlops(spec, n), ms) };
}

/** ms per SGD step and per HVP for one configuration, with the FLOPs each does. */
export interface KernelFigures {
  depth: number;
  width: number;
  batch: number;
  measure: number;
  inputDim: number;
  params: number;
  reps: number;
  msPerStep: number;
  msPerHvp: number;
  stepFlops: number;
  hvpFlops: number;
  stepGflops: number;
  hvpGflops: number;
  /** ms of one HVP over ms of one step, rescaled to the same number of examples. */
  hvpOverGradient: number;
}

/**
 * Time `reps` SGD steps and `reps` HVPs of one configuration with the code a run executes: the
 * column is set up by the core's `uploadFcnColumn` (data, θ_0 of seed 0, batches, loss), each step
 * is the runner's `sgdStep` on the batch of step t (gather B of the first N examples, gradient,
 * θ ← θ − η·g) and each HVP is the column's `hvpAt(θ)`, the operator Lanczos calls, on the first
 * `settings.measureSize` examples. One untimed warm-up of each, then medians. λ_0 is not computed
 * (it is timed with the whole run by `measureCell`). η = 1e-3 keeps the timed steps finite.
 */
export async function measureKernels(
  settings: Settings,
  data: PreparedData,
  depth: number,
  width: number,
  reps: number,
  now: Clock,
): Promise<KernelFigures> {
  // One batch per timed step and one for the warm-up.
  const s: Settings = { ...settings, steps: Math.max(settings.steps, reps + 1) };
  const column = uploadFcnColumn({ settings: s, data, depth, width, seed: 0 });
  const { spec, dim } = column;
  const m = column.xM.shape[0];
  const B = s.batch;
  const v = tf.tidy(() => {
    const r = tf.tensor1d(normalArray(createRng(0, 'bench-direction'), dim, 1));
    return tf.div(r, tf.norm(r)) as tf.Tensor1D;
  });
  const eta = 1e-3;
  const stepTimes: number[] = [];
  const hvpTimes: number[] = [];
  let params = column.theta0.map((p) => p.clone());
  try {
    for (let t = 0; t <= reps; t++) {
      const t0 = now();
      const next = sgdStep(column, params, t + 1, eta);
      tf.dispose(params);
      params = next;
      await settle(tf.clone(params[params.length - 1] as tf.Tensor));
      if (t > 0) stepTimes.push(now() - t0);
    }
    const hvp = column.hvpAt(params);
    for (let t = 0; t <= reps; t++) {
      const t0 = now();
      await settle(hvp(v));
      if (t > 0) hvpTimes.push(now() - t0);
    }
  } finally {
    tf.dispose([v, ...params]);
    column.dispose();
  }
  const msPerStep = median(stepTimes);
  const msPerHvp = median(hvpTimes);
  const stepF = sgdStepFlops(spec, B);
  // The column's HVPs at one θ, as an estimate runs them: x·W₁ is shared (`estimateHvpFlops`).
  const hvpF = estimateHvpFlops(spec, m);
  return {
    depth,
    width,
    batch: B,
    measure: m,
    inputDim: data.dim,
    params: dim,
    reps,
    msPerStep,
    msPerHvp,
    stepFlops: stepF,
    hvpFlops: hvpF,
    stepGflops: gflops(stepF, msPerStep),
    hvpGflops: gflops(hvpF, msPerHvp),
    hvpOverGradient: msPerHvp / m / (msPerStep / B),
  };
}

/** One column's λ_0 and one full run (a diagram cell) at `c`, timed, with Lanczos diagnostics. */
export interface CellFigures {
  depth: number;
  width: number;
  batch: number;
  measure: number;
  steps: number;
  c: number;
  /** Column setup: data upload, θ_0, L_0 and λ_0 (cold Lanczos). */
  lambda0Seconds: number;
  lambda0Iters: number;
  lambda0Residual: number | null;
  lambda0Flops: number;
  /** The run: T steps with L_t and a warm-started λ_t after each. */
  cellSeconds: number;
  /** HVPs of each warm λ_t estimate (t = 1..T; 0 after a divergence). */
  warmIters: number[];
  warmItersMean: number;
  diverged: boolean;
  cellFlops: number;
  cellGflops: number;
}

export async function measureCell(
  settings: Settings,
  data: PreparedData,
  depth: number,
  width: number,
  c: number,
  now: Clock,
): Promise<CellFigures> {
  const spec = fcnSpec(settings, data, depth, width);
  const m = Math.min(settings.measureSize, settings.trainSize, data.count);
  const t0 = now();
  const column = await createFcnColumn({ settings, data, depth, width, seed: 0 });
  const t1 = now();
  try {
    const run = await column.run(
      c,
      () => undefined,
      () => false,
    );
    const t2 = now();
    if (run === null) throw new Error('bench: a run was cancelled');
    const warmIters = run.lanczosIters.slice(1);
    const measured = warmIters.filter((i) => i > 0);
    const cellSeconds = (t2 - t1) / 1000;
    const cellF = runFlops(spec, settings.batch, m, warmIters);
    return {
      depth,
      width,
      batch: settings.batch,
      measure: m,
      steps: settings.steps,
      c,
      lambda0Seconds: (t1 - t0) / 1000,
      lambda0Iters: column.lambda0Iters,
      lambda0Residual: column.lambda0Residual,
      lambda0Flops: forwardFlops(spec, m) + lanczosFlops(spec, m, column.lambda0Iters),
      cellSeconds,
      warmIters,
      warmItersMean: measured.reduce((a, b) => a + b, 0) / Math.max(1, measured.length),
      diverged: run.diverged,
      cellFlops: cellF,
      cellGflops: cellF / (cellSeconds * 1e9),
    };
  } finally {
    column.dispose();
  }
}

/** A whole sweep through `runSweep`, as the app and the CLI run it. */
export interface SweepFigures {
  seconds: number;
  runs: number;
  columns: number;
  diverged: number;
  /** Seconds per computed run (from the run records; excludes each column's λ_0). */
  secondsPerRunMean: number;
  /** Analytic FLOPs of every run plus each column's L_0 and λ_0 (its Lanczos iterations are
   * `lanczosIters[0]` of the column's runs). */
  flops: number;
  gflops: number;
  records: RunRecord[];
}

export async function measureSweep(
  settings: Settings,
  data: PreparedData,
  now: Clock,
  onRun?: (r: RunRecord) => void,
): Promise<SweepFigures> {
  const records: RunRecord[] = [];
  let columns = 0;
  const t0 = now();
  await runSweep(settings, data, [], {
    now,
    capabilities: capabilitiesOf(tf.getBackend()),
    onRun(r) {
      records.push(r);
      onRun?.(r);
    },
    onColumn() {
      columns++;
    },
  });
  const seconds = (now() - t0) / 1000;
  const m = Math.min(settings.measureSize, settings.trainSize, data.count);
  let flops = 0;
  const seen = new Set<string>();
  for (const r of records) {
    const spec = fcnSpec(settings, data, r.depth, r.width);
    flops += runFlops(spec, settings.batch, m, r.lanczosIters.slice(1));
    const key = `${r.depth}/${r.width}/${r.seed}`;
    if (!seen.has(key)) {
      seen.add(key);
      flops += forwardFlops(spec, m) + lanczosFlops(spec, m, r.lanczosIters[0] ?? 0);
    }
  }
  return {
    seconds,
    runs: records.length,
    columns,
    diverged: records.filter((r) => r.diverged).length,
    secondsPerRunMean: records.reduce((a, r) => a + r.seconds, 0) / Math.max(1, records.length),
    flops,
    gflops: flops / (seconds * 1e9),
    records,
  };
}

/**
 * One column's c values as one batched ensemble (`runMany`) against the same c values run one by
 * one (`run`), on the same column (same θ_0, λ_0 and batches; λ_0 is not timed).
 */
export interface EnsembleFigures {
  depth: number;
  width: number;
  batch: number;
  measure: number;
  steps: number;
  members: number;
  cs: number[];
  /** Seconds of each timed single run (the first `singleSeconds.length` values of `cs`): the mean
   * of a pass before and a pass after the ensemble. */
  singleSeconds: number[];
  /** Seconds of the members' runs one by one: measured when every c was timed alone, else
   * members × the mean of the timed ones. */
  singlesSeconds: number;
  singlesMeasured: boolean;
  ensembleSeconds: number;
  /** Ensemble time in units of one single run (16 members at 4 → 4× one run). */
  ensembleOverOneRun: number;
  /** singlesSeconds / ensembleSeconds: above 1 the ensemble is faster. */
  speedup: number;
  /** HVPs per step of the batched Lanczos (the most any live member needed), mean over steps,
   * and the mean per-step HVPs of the single runs. */
  ensembleHvpsPerStep: number;
  singleHvpsPerStep: number;
  ensembleGflops: number;
  singleGflops: number;
  diverged: number;
  /** Largest relative difference of λ_t between a member and its single run (a sanity check
   * that both computed the same thing, not a test). */
  maxSharpnessRelDiff: number;
}

/** `members` c values c = 2^(−2 + 0.25 i): up to 2^1.75 ≈ 3.4 for 16, below divergence for
 * the benchmarked columns, so every member runs all T steps. */
export function ensembleCs(members: number): number[] {
  return Array.from({ length: members }, (_, i) => 2 ** (-2 + 0.25 * i));
}

export async function measureEnsemble(
  settings: Settings,
  data: PreparedData,
  depth: number,
  width: number,
  cs: readonly number[],
  singlesToTime: number,
  now: Clock,
): Promise<EnsembleFigures> {
  const { createFcnEnsembleColumn } = await import('../core/train/ensembleColumn');
  const spec = fcnSpec(settings, data, depth, width);
  const m = Math.min(settings.measureSize, settings.trainSize, data.count);
  const column = await createFcnEnsembleColumn(
    { settings, data, depth, width, seed: 0 },
    { capabilities: capabilitiesOf(tf.getBackend()) },
  );
  try {
    const timeSingles = async (): Promise<{ runs: RawRun[]; seconds: number[] }> => {
      const runs: RawRun[] = [];
      const seconds: number[] = [];
      for (const c of cs.slice(0, Math.max(1, singlesToTime))) {
        const t0 = now();
        const r = await column.run(
          c,
          () => undefined,
          () => false,
        );
        seconds.push((now() - t0) / 1000);
        if (r === null) throw new Error('bench: a run was cancelled');
        runs.push(r);
      }
      return { runs, seconds };
    };
    // Singles before and after the ensemble, averaged: a machine whose speed drifts during the
    // measurement (other load, heap growth) then favours neither side.
    const before = await timeSingles();
    const t0 = now();
    const members = await column.runMany(
      cs,
      () => undefined,
      () => false,
    );
    const ensembleSeconds = (now() - t0) / 1000;
    if (members === null) throw new Error('bench: the ensemble was cancelled');
    const after = await timeSingles();
    const singles = before.runs;
    const singleSeconds = before.seconds.map((a, i) => (a + (after.seconds[i] ?? a)) / 2);

    const meanSingle = singleSeconds.reduce((a, b) => a + b, 0) / singleSeconds.length;
    const singlesMeasured = singleSeconds.length === cs.length;
    const singlesSeconds = singlesMeasured
      ? singleSeconds.reduce((a, b) => a + b, 0)
      : meanSingle * cs.length;
    // The batched Lanczos spends, per step, as many HVPs as its slowest live member.
    const stepMax: number[] = [];
    for (let t = 1; t <= settings.steps; t++)
      stepMax.push(Math.max(0, ...members.map((r) => r.lanczosIters[t] ?? 0)));
    const ensembleFlops = cs.length * runFlops(spec, settings.batch, m, stepMax);
    const singleFlops = singles.reduce(
      (a, r) => a + runFlops(spec, settings.batch, m, r.lanczosIters.slice(1)),
      0,
    );
    const singleIters = singles.flatMap((r) => r.lanczosIters.slice(1).filter((i) => i > 0));
    const liveSteps = stepMax.filter((i) => i > 0);
    let maxRel = 0;
    singles.forEach((single, e) => {
      const member = members[e];
      if (!member) return;
      single.sharpness.forEach((u, t) => {
        const v = member.sharpness[t];
        if (u === null || v === null || v === undefined) return;
        maxRel = Math.max(maxRel, Math.abs(v - u) / Math.max(Math.abs(u), 1e-12));
      });
    });
    return {
      depth,
      width,
      batch: settings.batch,
      measure: m,
      steps: settings.steps,
      members: cs.length,
      cs: [...cs],
      singleSeconds,
      singlesSeconds,
      singlesMeasured,
      ensembleSeconds,
      ensembleOverOneRun: ensembleSeconds / meanSingle,
      speedup: singlesSeconds / ensembleSeconds,
      ensembleHvpsPerStep: liveSteps.reduce((a, b) => a + b, 0) / Math.max(1, liveSteps.length),
      singleHvpsPerStep: singleIters.reduce((a, b) => a + b, 0) / Math.max(1, singleIters.length),
      ensembleGflops: ensembleFlops / (ensembleSeconds * 1e9),
      singleGflops: singleFlops / (singleSeconds.reduce((a, b) => a + b, 0) * 1e9),
      diverged: members.filter((r) => r.diverged).length,
      maxSharpnessRelDiff: maxRel,
    };
  } finally {
    column.dispose();
  }
}
