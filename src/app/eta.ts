/**
 * How long a sweep will take, before it starts: the runs still to compute × the estimated work of
 * one run ÷ a rate, the rate measured on this browser's backend by an earlier sweep or, until
 * then, a typical figure for the backend (docs/BENCH.md). Pure functions of the settings and the
 * finished records, except the two small storage helpers at the end.
 *
 * The work is counted as src/core/train/flops.ts counts it, for a fully connected network only
 * (the UI must not load the model registry, which brings tfjs): per run T steps of an SGD step on
 * B examples, the loss on M and a warm Lanczos estimate of ⌈0.3 × cap⌉ Hessian-vector products;
 * per column a forward pass and the cold λ_0 estimate (the cap). With S the FLOPs of the matrix
 * products of one forward pass and S' the same less the first layer: gradient 2S + S', HVP
 * 4S + 5S'. The conv nets have no such count here: their estimate is null.
 */
import { expandCGrid } from '../core/settings/codec';
import type { Settings } from '../core/settings/schema';
import { planColumns, plannerFor } from '../core/sweep/plan';
import { columnId, type ColumnRecord, type RunRecord } from '../core/sweep/records';
import type { BackendName } from '../worker/protocol';

/** Above this, pressing Run asks first (about ten minutes). */
export const CONFIRM_ABOVE_S = 600;

/** Input features of each dataset as the app loads it (the uv model has no matrix products). */
const INPUT_DIM: Readonly<Record<Settings['dataset'], number>> = {
  mnist: 784,
  'fashion-mnist': 784,
  cifar10: 3072,
  synthetic: 64,
  uv: 1,
};
const CLASSES = 10;
/** Share of the Lanczos cap a warm λ_t estimate takes (5–8 of 20 in docs/BENCH.md). */
const WARM_SHARE = 0.3;

/**
 * Sustained GFLOP/s of a whole run (steps, losses, Lanczos, readbacks) by backend, before this
 * browser has measured its own: the quick demo's 8.3 on WebAssembly and the CPU backend's 0.37
 * (docs/BENCH.md, "Per configuration"); a software GPU's 0.11 (WebGPU) and 1.1 (WebGL); a real
 * GPU is not measured there, so 20 stands for "a few times WebAssembly".
 */
const TYPICAL_GFLOPS: Readonly<Record<BackendName, { hardware: number; software: number }>> = {
  wasm: { hardware: 8, software: 8 },
  cpu: { hardware: 0.37, software: 0.37 },
  webgl: { hardware: 20, software: 1.1 },
  webgpu: { hardware: 20, software: 0.11 },
};

/** Runs smaller than this (1 GFLOP; the quick demo's are 6.4) do not set the measured rate. */
const MIN_RATED_RUN_FLOPS = 1e9;

/** The uv model's exact arithmetic in plain JavaScript: about 16·w operations a step at ~0.1 G/s. */
const UV_OPS_PER_SECOND = 1e8;

const BACKEND_WORDS: Readonly<Record<BackendName, string>> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly',
  cpu: 'the CPU backend',
};

/** S and S' (module comment) of a depth-d FCN of width w on n examples. */
function productSums(s: Settings, depth: number, width: number, n: number) {
  const input = INPUT_DIM[s.dataset];
  const dims: [number, number][] =
    depth <= 1
      ? [[input, CLASSES]]
      : [
          [input, width],
          ...Array.from({ length: depth - 2 }, (): [number, number] => [width, width]),
          [width, CLASSES],
        ];
  const flops = dims.map(([a, b]) => 2 * n * a * b);
  const all = flops.reduce((x, y) => x + y, 0);
  return { all, notFirst: all - (flops[0] ?? 0) };
}

/**
 * Estimated work of one run and of a column's set-up (λ_0), in FLOPs for an FCN or in plain
 * operations for the uv model; null for the conv nets, which have no count on this side.
 */
export function workOf(
  s: Settings,
  depth: number,
  width: number,
): { run: number; column: number } | null {
  if (s.model === 'uv') return { run: 16 * width * s.steps, column: 16 * width };
  if (s.model !== 'fcn') return null;
  const b = productSums(s, depth, width, s.batch);
  const m = productSums(s, depth, width, s.measureSize);
  const hvp = 4 * m.all + 5 * m.notFirst;
  const warm = Math.max(1, Math.ceil(WARM_SHARE * s.lanczosMaxIters));
  const step = 2 * b.all + b.notFirst + m.all + warm * hvp;
  return { run: s.steps * step, column: m.all + s.lanczosMaxIters * hvp };
}

export interface PlannedWork {
  /** Runs still to compute, at most (a column stops at its first divergence; bisection earlier). */
  runs: number;
  /** Their work (FLOPs, or operations for uv), with the λ_0 of columns not started; null: unknown. */
  work: number | null;
}

/** What a press of Run would still compute: the planned columns less what is finished. */
export function plannedWork(
  s: Settings,
  runs: Readonly<Record<string, RunRecord>>,
  columns: Readonly<Record<string, ColumnRecord>>,
): PlannedWork {
  const perColumn = new Map<string, number>();
  for (const r of Object.values(runs)) {
    const id = columnId(r);
    perColumn.set(id, (perColumn.get(id) ?? 0) + 1);
  }
  const maxRuns =
    s.search === 'grid' ? expandCGrid(s.cGrid).length : Math.max(1, plannerFor(s).maxRuns);
  let count = 0;
  let work: number | null = 0;
  for (const col of planColumns(s)) {
    const id = columnId(col);
    if (columns[id]) continue;
    const done = perColumn.get(id) ?? 0;
    const left = Math.max(0, maxRuns - done);
    count += left;
    const w = workOf(s, col.depth, col.width);
    if (w === null || work === null) work = null;
    else work += left * w.run + (done === 0 ? w.column : 0);
  }
  return { runs: count, work };
}

/** Where a rate comes from: this browser's own earlier sweep, or the backend's typical figure. */
export type RateSource = 'measured' | 'typical';

export interface Rate {
  /** GFLOP/s (operations for the uv model are not rated: they use their own constant). */
  gflops: number;
  source: RateSource;
}

/** The typical rate of a backend, lower for a GPU emulated in software. */
export function typicalRate(backend: BackendName, software: boolean): Rate {
  const r = TYPICAL_GFLOPS[backend];
  return { gflops: software ? r.software : r.hardware, source: 'typical' };
}

/**
 * The rate a finished stretch of sweep achieved: its runs' estimated work over the time it was
 * active (λ_0 set-up and overheads included, as the ETA needs). Null when too little was seen to
 * say (fewer than 2 runs or 3 s), for runs under 1 GFLOP (overhead, not speed) or for models
 * without a FLOP count.
 */
export function measuredRate(s: Settings, computedRuns: number, activeMs: number): number | null {
  if (s.model !== 'fcn' || computedRuns < 2 || activeMs < 3000) return null;
  const cols = planColumns(s);
  if (cols.length === 0) return null;
  // The mean run of the planned columns: the finished ones are a mix of them.
  let sum = 0;
  for (const c of cols) sum += workOf(s, c.depth, c.width)?.run ?? 0;
  const perRun = sum / cols.length;
  // Tiny runs are all overhead: their rate would make every larger sweep look far too slow.
  if (perRun < MIN_RATED_RUN_FLOPS) return null;
  const gflops = (computedRuns * perRun) / (activeMs / 1000) / 1e9;
  return Number.isFinite(gflops) && gflops > 0 ? gflops : null;
}

export interface Eta {
  /** Seconds, or null when the work is not known (conv nets). */
  seconds: number | null;
  runs: number;
  /** e.g. "≈ 4 min on WebAssembly here" or "≈ 4 min on WebAssembly (typical speed)". */
  words: string;
}

/** Round a duration the way a person says it: "40 s", "4 min", "1 h 20 min", "3 days". */
export function roughDuration(seconds: number): string {
  if (seconds < 1) return 'under a second';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds / 5) * 5 || Math.round(seconds))} s`;
  const min = Math.round(seconds / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(seconds / 3600);
  if (h < 48) {
    const rest = Math.round((seconds - h * 3600) / 600) * 10;
    return rest === 0 || h >= 10 ? `${Math.round(seconds / 3600)} h` : `${h} h ${rest} min`;
  }
  return `${Math.round(seconds / 86400)} days`;
}

/**
 * The ETA of what Run would compute: the planned runs × their estimated work ÷ the rate. The uv
 * model's runs are plain arithmetic, timed by their own constant.
 */
export function etaOf(planned: PlannedWork, s: Settings, backend: BackendName, rate: Rate): Eta {
  const where = BACKEND_WORDS[backend];
  if (planned.runs === 0) return { seconds: 0, runs: 0, words: 'nothing left to compute' };
  if (planned.work === null)
    return { seconds: null, runs: planned.runs, words: `no time estimate for this model` };
  const seconds =
    s.model === 'uv' ? planned.work / UV_OPS_PER_SECOND : planned.work / (rate.gflops * 1e9);
  const said = roughDuration(seconds);
  const words =
    rate.source === 'measured' || s.model === 'uv'
      ? `≈ ${said} on ${where} here`
      : `≈ ${said} on ${where} (typical speed)`;
  return {
    seconds,
    runs: planned.runs,
    words: said === 'under a second' ? 'under a second' : words,
  };
}

const RATE_KEY = 'phase-explorer:gflops:';

/** This browser's measured rate for a backend, if a sweep measured one (localStorage). */
export function readMeasuredRate(storage: Storage | null, backend: BackendName): number | null {
  try {
    const v = Number(storage?.getItem(RATE_KEY + backend));
    return Number.isFinite(v) && v > 0 && v < 1e6 ? v : null;
  } catch {
    return null;
  }
}

/** Keep a measured rate for the next estimate (and the next visit). */
export function writeMeasuredRate(
  storage: Storage | null,
  backend: BackendName,
  gflops: number,
): void {
  try {
    storage?.setItem(RATE_KEY + backend, gflops.toPrecision(3));
  } catch {
    // Not kept: the estimate falls back to the typical rate.
  }
}
