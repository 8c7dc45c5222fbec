/** The shapes `npm run bench` fills in: its flags, its figures and the report they make up. */
import type { ModelName, Settings } from '../../src/core/settings/schema';
import type { PreparedData } from '../../src/core/data/types';
import type {
  CellFigures,
  EnsembleFigures,
  KernelFigures,
  MatmulFigures,
  ProductMixFigures,
  SweepFigures,
} from '../../src/bench/measure';
import type { BrowserBenchResult } from '../../src/bench/protocol';

export type Section =
  'node' | 'cpu' | 'sweep' | 'demo' | 'paper' | 'ensemble' | 'conv' | 'gpu' | 'browser' | 'workers';

/** Every section, in the order they run. */
export const SECTIONS: readonly Section[] = [
  'node',
  'cpu',
  'sweep',
  'demo',
  'paper',
  'ensemble',
  'conv',
  'gpu',
  'browser',
  'workers',
];

export interface Options {
  quick: boolean;
  allowSoftware: boolean;
  out: string;
  sections: Set<Section>;
  /** Where cifar10/ is looked for (--data-dir, else $PHASE_DATA_DIR), or null. */
  dataDir: string | null;
  /** Worker-thread counts of the workers section (null: 1 and all cores). */
  workers: number[] | null;
  /** XNNPACK thread counts of each worker's wasm (null: 1 and min(cores, 4)). */
  wasmThreads: number[] | null;
  /** Rounds of the workers section: each runs every configuration once, in the same order. */
  rounds: number;
  /** How the workers section starts its threads. */
  threadEntry: 'built' | 'tsx';
}

/** One benchmarked FCN configuration. */
export interface NodeConfig {
  depth: number;
  width: number;
  batch: number;
  measure: number;
  /** Also time a full run (its column's λ_0 and T steps at c = CELL_C). */
  cell: boolean;
}

export interface ConfigRow {
  type: 'config';
  where: 'node' | 'browser';
  backend: string;
  dataset: string;
  kernels: KernelFigures;
  cell: CellFigures | null;
  matmulGflops: number | null;
  /** Achieved / plain-matMul rate, for the step, the HVP and the whole cell. */
  efficiency: { step: number | null; hvp: number | null; cell: number | null };
  /** Share of the cell's time that its SGD steps and HVPs take at the rates measured alone; the
   * rest is Lanczos vector work, loss evaluations, readbacks and bookkeeping. */
  cellKernelShare: number | null;
  note?: string;
}

/** A whole column at w ≥ 256 through `runSweep` (λ_0 and every cell), against the matMul rate. */
export interface WideSweepFigures {
  settings: { depth: number; width: number; batch: number; measure: number; cs: number[] };
  sweep: Omit<SweepFigures, 'records'>;
  warmItersMean: number;
  matmulGflops: number;
  efficiency: number;
  /** The HVP's own products on M examples, run alone (`measureHvpProducts`). */
  hvpProducts: ProductMixFigures;
  /** Achieved rate over `hvpProducts.gflops`. */
  efficiencyVsProducts: number;
}

export interface PaperFigures {
  dataset: string;
  settings: {
    depth: number;
    width: number;
    batch: number;
    measure: number;
    trainSize: number;
    cs: number[];
  };
  sweep: Omit<SweepFigures, 'records'>;
  lambda0Seconds: number;
  secondsPerCell: number;
  warmItersMean: number;
  lambda0Iters: number;
  /** The scaled preset's full c grid (the paper's 0:4.5:0.1, 46 values) at this width. */
  projectedScaledGridSeconds: number;
  /** The full paper preset (widths 64–2048, M = 4096, 46 c values), from FLOPs at `rateGflops`. */
  projectedPaperPresetSeconds: number | null;
  projectionRateGflops: number | null;
}

export interface GpuFigures {
  adapter: string;
  software: boolean;
  matmul: MatmulFigures;
  rows: ConfigRow[];
  ensembles: EnsembleFigures[];
  /** Why the ensemble was not run, if it was not. */
  ensembleSkipped: string | null;
}

export interface MatmulEntry {
  where: string;
  backend: string;
  figures: MatmulFigures;
  adapter?: string | null;
}

/** One timed conv net configuration (section `conv`) and its rates against the plain conv2d. */
export interface ConvRow {
  type: 'conv';
  backend: string;
  model: ModelName;
  kernels: KernelFigures;
  /** Achieved / plain-conv2d rate, for the step and the HVP. */
  efficiency: { step: number | null; hvp: number | null };
}

/** A plain 3×3 'same' conv2d's rate: batch `n`, `hw`×`hw` maps, `channels` in and out. */
export interface ConvRateFigures {
  n: number;
  hw: number;
  channels: number;
  msMedian: number;
  gflops: number;
}

/** One timing of the workers section: a sweep on `workers` threads of `wasmThreads` each. */
export interface WorkersRow {
  workers: number;
  /** XNNPACK threads of each worker's wasm backend (`--wasm-threads`). */
  wasmThreads: number;
  /** XNNPACK threads of the wide thread (the CLI's default with several workers); 1: none. */
  wideThreads: number;
  /** Runs the wide thread took. */
  wideRuns: number;
  /** The median of `secondsByRound`; the other figures are those of the round it came from. */
  seconds: number;
  /** Wall seconds in each round, in order. */
  secondsByRound: number[];
  /**
   * One thread's seconds over these (the first row's count, normally 1): the median of
   * `speedupByRound`, each a ratio of two timings minutes apart in the same round.
   */
  speedup: number;
  speedupByRound: number[];
  /**
   * CPU seconds of the whole process, every thread: the work done, which other processes on the
   * machine change far less than the wall time. Over one thread's: the work N threads add
   * (λ_0 measured again, guesses thrown away, start-up, cores slowing each other down).
   */
  cpuSeconds: number;
  cpuOverOne: number;
  /** Runs recorded. */
  runs: number;
  /** Runs handed to threads: recorded ones plus speculative ones not needed, plus retries. */
  started: number;
  /** Speculative runs that finished and were thrown away (above a divergence, say). */
  discarded: number;
  /** Speculative runs cancelled in flight. */
  cancelledInFlight: number;
  /** Times a thread measured a column's λ_0 (once per column when it is handed on). */
  lambda0Measured: number;
  restarts: number;
  /** Each thread's start to its backend being ready. */
  threadStartupSeconds: number[];
  /**
   * Share of threads × wall seconds with no task: waiting for a column's λ_0, or for work at the
   * end of the sweep (the scheduler's own cost; thread start-up counts as busy).
   */
  idleShare: number;
  /** Peak resident memory of the whole process (threads included), sampled every 100 ms. */
  peakRssMb: number;
  /** Peak RSS over the first row's, per thread added; null on the first row. */
  mbPerAddedWorker: number | null;
  flops: number;
  gflops: number;
  /** `gflops` over min(cores, workers × wasmThreads) × the one-core matMul rate. */
  ofNMatmul: number;
  /** 1, 5 and 15 min load averages before and after this timing. */
  loadBefore: number[];
  loadAfter: number[];
}

export interface WorkersCase {
  name: string;
  description: string;
  settings: Settings;
  rows: WorkersRow[];
}

/** k one-thread matMul processes at once against one alone (sections/workers.ts, `coreCeiling`). */
export interface CoreCeiling {
  k: number;
  /** The mean of one process alone just before and just after the k together. */
  aloneGflops: number;
  togetherGflops: number[];
  /** Σ together / alone: what k cores give a compute-bound product at that moment. */
  ratio: number;
}

export interface WorkersFigures {
  /** The cores together before and after the timings, or why it was not measured. */
  ceilingBefore: CoreCeiling | string;
  ceilingAfter: CoreCeiling | string;
  cores: number;
  cpu: string;
  /** The one-core wasm matMul (512³) in the bench's own process. */
  matmul: MatmulFigures;
  threadEntry: 'built' | 'tsx';
  demo: WorkersCase;
  /** The CIFAR-10 column, or why it was skipped. */
  cifar: WorkersCase | string;
}

/** Everything one bench run measured. A string in place of a section's figures says why it was
 * skipped; null: not selected. */
export interface Report {
  command: string;
  machine: Record<string, string | number>;
  wallSeconds: number;
  matmuls: MatmulEntry[];
  rows: ConfigRow[];
  wide: WideSweepFigures[] | null;
  gpu: GpuFigures | string | null;
  demo: (SweepFigures & { settings: Settings }) | string | null;
  paper: PaperFigures | string | null;
  ensemble: EnsembleFigures[] | string | null;
  conv: { rate: ConvRateFigures; rows: ConvRow[] } | string | null;
  browser: { result: BrowserBenchResult; version: string } | string | null;
  workers: WorkersFigures | null;
  /** The app's quick demo per training-worker pool size (section `browser`); absent: not run. */
  browserPool?: BrowserPoolFigures | string;
}

/** Wall time of one sweep in the built app with a pool of `workers` training workers. */
export interface BrowserPoolFigures {
  /** The sweep's link (hash), or what it is. */
  link: string;
  backend: 'wasm';
  /** os.availableParallelism() of the machine. */
  cores: number;
  /**
   * Per pool size: seconds from Run to Finished, runs computed, speed-up over one worker, and
   * the seconds the page's main thread was busy meanwhile (Chromium's TaskDuration).
   */
  pools: {
    workers: number;
    seconds: number;
    runs: number;
    speedup: number | null;
    mainThreadSeconds: number;
  }[];
  /** 1-minute load average before and after (other work on the machine skews the figures). */
  loadAverage: { before: number; after: number };
}

/** What every section gets: the flags, MNIST prepared once, and the report to add its figures to. */
export interface BenchRun {
  opts: Options;
  mnist: PreparedData;
  report: Report;
}

/** One section of the bench: measures, prints its JSON lines, adds its figures to the report. */
export type SectionRunner = (run: BenchRun) => Promise<void>;
