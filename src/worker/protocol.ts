/**
 * The worker protocol: a hand-written discriminated union in each direction. `type` fixes the
 * payload. The worker never throws across the boundary: failures arrive as `error` events.
 */
import type { Settings } from '../core/settings/schema';
import type { ColumnKey, ColumnRecord, RunRecord } from '../core/sweep/records';
import type { RawRun } from '../core/train/column';
import type { StepUpdate } from '../core/sweep/runSweep';
import type { MnistSource } from '../core/data/source';
import type { ColumnInit } from '../core/sweep/columnInit';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Every backend, best first: the order in which the worker probes them. */
export const BACKEND_CHAIN: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * How a GPU backend is judged, when a CPU backend comes later in the list:
 * - 'skip-software' (the automatic choice): a software (CPU-emulated) adapter is refused by its
 *   name, since WebAssembly is many times faster on the same cores; a hardware one runs a short
 *   timed probe against WebAssembly and is refused when WebAssembly is clearly faster;
 * - 'probe': every adapter, software ones included, is judged by the probe alone (`?gpuProbe=1`:
 *   how the probe is tested in a browser whose only GPU is SwiftShader);
 * - 'any' (the user asked for the GPU): the GPU is taken untested.
 */
export type GpuPolicy = 'skip-software' | 'probe' | 'any';
export const GPU_POLICIES: readonly GpuPolicy[] = ['skip-software', 'probe', 'any'];

/** WebAssembly must beat a GPU by this factor in the timed probe to be chosen over it: the
 * probe's net is small, and a GPU gains more than WebAssembly does as the nets grow. */
export const PROBE_MARGIN = 1.5;

/** Datasets that come from user files. */
export type FileDataset = 'cifar10' | 'fashion-mnist' | 'mnist';

/** Where MNIST comes from: the built-in 10,000 digits, or the user's official IDX files. */
export type { MnistSource };

/** A user-supplied file, parsed in the worker. */
export interface DataFile {
  name: string;
  bytes: ArrayBuffer;
}

export type Command =
  /**
   * Pick a backend: the first of `backends` that initialises. With `aliveLock`, the worker first
   * takes that Web Lock and holds it for its whole life, so the app learns when it dies.
   */
  | { type: 'init'; backends: BackendName[]; aliveLock?: string; gpuPolicy?: GpuPolicy }
  /**
   * Parse user files into the dataset `dataset` (CIFAR-10 or (Fashion-)MNIST). `cache: false`
   * skips the IndexedDB copy (another worker of the pool writes it); `ifMissing` skips files the
   * worker already holds under the same names (restored from that copy at init).
   */
  | {
      type: 'load-files';
      dataset: FileDataset;
      files: DataFile[];
      cache?: boolean;
      ifMissing?: boolean;
    }
  /**
   * Start a sweep. `done` holds finished runs of the same settings (restored from storage), which
   * are not recomputed but still count for stopping a column at its first divergence.
   */
  | {
      type: 'start';
      sweepId: string;
      settings: Settings;
      done: RunRecord[];
      /** For dataset 'mnist' (default 'builtin'). */
      mnistSource?: MnistSource;
      /** Test hook: fail (fatally, like a lost device) after this many runs finish. */
      failAfterRuns?: number;
      /** Test hook: destroy the WebGPU device after this many runs finish (no-op elsewhere). */
      loseDeviceAfterRuns?: number;
    }
  | { type: 'pause'; sweepId: string }
  | { type: 'resume'; sweepId: string }
  | { type: 'cancel'; sweepId: string }
  /**
   * One run of a pool sweep: the app's scheduler hands each worker one task at a time. The data
   * is prepared at the first task of a sweep and kept; the column's θ_0 and λ_0 are rebuilt from
   * the seed (bit-identical in every worker) and kept for the next task of the same column.
   */
  | {
      type: 'task';
      sweepId: string;
      taskId: number;
      settings: Settings;
      column: ColumnKey;
      c: number;
      mnistSource?: MnistSource;
      /** The column's L_0 and λ_0 when another worker measured them: used, not remeasured. */
      init?: ColumnInit;
      /** Test hook: fail (fatally) once this many tasks of the sweep have finished here. */
      failAfterRuns?: number;
      /** Test hook: destroy the WebGPU device once this many tasks have finished here. */
      loseDeviceAfterRuns?: number;
    }
  /** Stop a task between two steps (the scheduler no longer needs it, or Stop was pressed). */
  | { type: 'cancel-task'; sweepId: string; taskId: number }
  /** The pool sweep is over: free its column runners (and their tensors). */
  | { type: 'end-sweep'; sweepId: string };

/** Metrics of one step of a running cell (the core's step update); arrays are transferred. */
export type StepProgress = StepUpdate;

/** A backend that was tried and refused, with the reason (shown next to the active backend). */
export interface BackendRefusal {
  backend: BackendName;
  reason: string;
  /**
   * A GPU refused for speed, not for failing: 'software', an emulated adapter (by its name);
   * 'slower', WebAssembly won the timed probe. The badge says which, and offers the GPU anyway.
   */
  why?: 'software' | 'slower';
}

export type WorkerEvent =
  | {
      type: 'ready';
      backend: BackendName;
      adapter: string | null;
      refused: BackendRefusal[];
      /** The Web Lock the worker holds until it dies (the `aliveLock` of `init`, once taken). */
      alive?: string;
    }
  | {
      type: 'dataset';
      dataset: FileDataset;
      count: number;
      files: string[];
      /** True when restored from the worker's IndexedDB cache rather than parsed just now. */
      cached: boolean;
    }
  /** What the sweep is doing before its first cell (loading and preparing data, computing λ_0). */
  | { type: 'status'; sweepId: string; message: string }
  | {
      type: 'column-start';
      sweepId: string;
      depth: number;
      width: number;
      seed: number;
      orderSeed: number;
      lambda0: number;
      loss0: number;
    }
  /**
   * The newest step of every cell that advanced since the last batch. Sent at most every
   * STEP_BATCH_MS and always before the `run` event that finishes a cell.
   */
  | { type: 'steps'; sweepId: string; updates: StepProgress[] }
  | { type: 'run'; sweepId: string; record: RunRecord }
  | { type: 'column'; sweepId: string; record: ColumnRecord }
  | { type: 'paused'; sweepId: string; paused: boolean }
  | { type: 'done'; sweepId: string; cancelled: boolean; runs: number; seconds: number }
  /** The newest step of a task (at most every STEP_BATCH_MS, and before its `task-done`). */
  | {
      type: 'task-step';
      sweepId: string;
      taskId: number;
      step: number;
      loss: (number | null)[];
      sharpness: (number | null)[];
    }
  /** The task's column start, measured here (the scheduler hands it to the column's other tasks). */
  | { type: 'task-init'; sweepId: string; taskId: number; init: ColumnInit }
  /** A task finished (`raw`), or was cancelled (`raw: null`). */
  | { type: 'task-done'; sweepId: string; taskId: number; raw: RawRun | null; seconds: number }
  /** A task could not run for a reason that is not the backend's (its data is missing, say). */
  | { type: 'task-failed'; sweepId: string; taskId: number; message: string }
  /**
   * Not sent by a worker: the pool tells the store that a cell shown as running will not finish
   * (a speculative run the column no longer needs), so it stops being drawn as live.
   */
  | ({ type: 'run-dropped'; sweepId: string; c: number } & ColumnKey)
  | {
      type: 'error';
      /** Where it happened: a sweep, a file load, or the backend itself. */
      where: 'sweep' | 'load-files' | 'backend' | 'protocol';
      message: string;
      /** True when the backend is unusable and the app should restart on the next one. */
      fatal: boolean;
      sweepId?: string;
    };

/** Least time between two `steps` events of one sweep, in milliseconds. */
export const STEP_BATCH_MS = 50;

const BACKENDS = new Set<string>(BACKEND_CHAIN);
const FILE_DATASETS = new Set<string>(['cifar10', 'fashion-mnist', 'mnist']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks the shape of an incoming command (the worker trusts nothing that crosses the boundary).
 * Returns an error message, or null when the command is well formed. Settings are checked only
 * for being an object: the app always sends values it holds as valid `Settings`.
 */
export function commandError(cmd: unknown): string | null {
  if (!isRecord(cmd)) return 'command is not an object';
  const type = cmd['type'];
  switch (type) {
    case 'init': {
      const b = cmd['backends'];
      if (!Array.isArray(b) || b.length === 0 || !b.every((x) => BACKENDS.has(String(x))))
        return `init: backends must be a non-empty list of ${BACKEND_CHAIN.join(', ')}`;
      if (cmd['aliveLock'] !== undefined && typeof cmd['aliveLock'] !== 'string')
        return 'init: aliveLock must be a string';
      const g = cmd['gpuPolicy'];
      if (g !== undefined && !(GPU_POLICIES as readonly unknown[]).includes(g))
        return `init: gpuPolicy must be one of ${GPU_POLICIES.join(', ')}`;
      return null;
    }
    case 'load-files': {
      if (!FILE_DATASETS.has(String(cmd['dataset'])))
        return `load-files: unknown dataset ${JSON.stringify(cmd['dataset'])}`;
      const files = cmd['files'];
      if (!Array.isArray(files) || files.length === 0) return 'load-files: no files';
      for (const f of files) {
        if (!isRecord(f) || typeof f['name'] !== 'string' || !(f['bytes'] instanceof ArrayBuffer))
          return 'load-files: each file needs a name and an ArrayBuffer of bytes';
      }
      return null;
    }
    case 'start':
      if (typeof cmd['sweepId'] !== 'string') return 'start: missing sweepId';
      if (!isRecord(cmd['settings'])) return 'start: missing settings';
      if (!Array.isArray(cmd['done'])) return 'start: done must be a list of runs';
      return null;
    case 'pause':
    case 'resume':
    case 'cancel':
    case 'end-sweep':
      return typeof cmd['sweepId'] === 'string' ? null : `${type}: missing sweepId`;
    case 'task': {
      if (typeof cmd['sweepId'] !== 'string') return 'task: missing sweepId';
      if (!Number.isInteger(cmd['taskId'])) return 'task: taskId must be an integer';
      if (!isRecord(cmd['settings'])) return 'task: missing settings';
      const col = cmd['column'];
      if (!isRecord(col) || !['depth', 'width', 'seed'].every((k) => Number.isInteger(col[k])))
        return 'task: column must have integer depth, width and seed';
      const c = cmd['c'];
      if (typeof c !== 'number' || !Number.isFinite(c) || c <= 0)
        return 'task: c must be a positive number';
      return null;
    }
    case 'cancel-task':
      if (typeof cmd['sweepId'] !== 'string') return 'cancel-task: missing sweepId';
      return Number.isInteger(cmd['taskId']) ? null : 'cancel-task: taskId must be an integer';
    default:
      return `unknown command type ${JSON.stringify(type)}`;
  }
}
