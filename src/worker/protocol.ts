/**
 * The worker protocol: a hand-written discriminated union in each direction. `type` fixes the
 * payload. The worker never throws across the boundary: failures arrive as `error` events.
 */
import type { Settings } from '../core/settings/schema';
import type { ColumnRecord, RunRecord } from '../core/sweep/records';
import type { StepUpdate } from '../core/sweep/runSweep';
import type { MnistSource } from '../core/data/source';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** Every backend, best first: the order in which the worker probes them. */
export const BACKEND_CHAIN: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/**
 * Whether a GPU backend on a software (CPU-emulated) adapter may be used: 'skip-software' (the
 * automatic choice) refuses it when a CPU backend comes later in the list, because WebAssembly is
 * many times faster on the same cores; 'any' (the user asked for the GPU) takes it.
 */
export type GpuPolicy = 'skip-software' | 'any';

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
  /** Parse user files into the dataset `dataset` (CIFAR-10 or (Fashion-)MNIST). */
  | { type: 'load-files'; dataset: FileDataset; files: DataFile[] }
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
  | { type: 'cancel'; sweepId: string };

/** Metrics of one step of a running cell (the core's step update); arrays are transferred. */
export type StepProgress = StepUpdate;

/** A backend that was tried and refused, with the reason (shown next to the active backend). */
export interface BackendRefusal {
  backend: BackendName;
  reason: string;
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
      if (g !== undefined && g !== 'skip-software' && g !== 'any')
        return "init: gpuPolicy must be 'skip-software' or 'any'";
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
      return typeof cmd['sweepId'] === 'string' ? null : `${type}: missing sweepId`;
    default:
      return `unknown command type ${JSON.stringify(type)}`;
  }
}
