/**
 * Messages between the bench page, its worker and scripts/bench.ts (which drives the page with
 * Playwright and reads `BrowserBenchResult` back). Plain data only.
 */
import type { CellFigures, EnsembleFigures, KernelFigures, MatmulFigures } from './measure';

export type BrowserBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** One configuration on synthetic data (inputs of `inputDim` features, 10 classes). */
export interface BrowserConfig {
  depth: number;
  width: number;
  batch: number;
  measure: number;
  /** Also time one full run of `steps` steps at c = 2 (with its λ_0). */
  cell: boolean;
}

/** `members` c values as one batched ensemble against `singles` of them run alone. */
export interface BrowserEnsembleConfig {
  depth: number;
  width: number;
  batch: number;
  measure: number;
  steps: number;
  members: number;
  singles: number;
}

/** What one backend runs, in a fresh worker. */
export interface BackendPlan {
  backend: BrowserBackend;
  /** n of the n×n×n reference matMul. */
  matmulN: number;
  matmulReps: number;
  reps: number;
  inputDim: number;
  steps: number;
  configs: BrowserConfig[];
  ensemble: BrowserEnsembleConfig | null;
}

export interface BrowserBenchPlan {
  backends: BackendPlan[];
}

export interface BackendResult {
  backend: BrowserBackend;
  /** null: the backend did not start (see `error`). */
  active: string | null;
  /** The WebGPU adapter as the browser describes it, or the WebGL renderer. */
  adapter: string | null;
  /** True for a CPU-emulated GPU (SwiftShader, llvmpipe): its figures are not a GPU's. */
  softwareAdapter: boolean;
  matmul: MatmulFigures | null;
  kernels: KernelFigures[];
  cells: CellFigures[];
  ensemble: EnsembleFigures | null;
  /** Why a planned ensemble was not run. */
  ensembleSkipped: string | null;
  seconds: number;
  error: string | null;
}

/** A backend's result before anything was measured. */
export function emptyResult(backend: BrowserBackend, error: string | null = null): BackendResult {
  return {
    backend,
    active: null,
    adapter: null,
    softwareAdapter: false,
    matmul: null,
    kernels: [],
    cells: [],
    ensemble: null,
    ensembleSkipped: null,
    seconds: 0,
    error,
  };
}

export interface BrowserBenchResult {
  userAgent: string;
  hardwareConcurrency: number;
  results: BackendResult[];
}

export type ToWorker = { type: 'run'; plan: BackendPlan };
export type FromWorker =
  { type: 'progress'; text: string } | { type: 'result'; result: BackendResult };
