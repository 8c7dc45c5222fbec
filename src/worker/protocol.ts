/**
 * The worker protocol: a hand-written discriminated union in each direction. `type` fixes the
 * payload. The worker never throws across the boundary: failures arrive as `error` events.
 */
import type { Settings } from '../core/settings/schema';
import type { ColumnRecord, RunRecord } from '../core/sweep/records';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

/** A user-supplied file, parsed in the worker. */
export interface DataFile {
  name: string;
  bytes: ArrayBuffer;
}

export type Command =
  /** Pick a backend: the first of `backends` that initialises. */
  | { type: 'init'; backends: BackendName[] }
  /** Parse user files into the dataset `dataset` (CIFAR-10 or (Fashion-)MNIST). */
  | { type: 'load-files'; dataset: 'cifar10' | 'fashion-mnist' | 'mnist'; files: DataFile[] }
  /**
   * Start a sweep. `done` holds finished runs of the same settings (restored from storage), which
   * are not recomputed but still count for stopping a column at its first divergence.
   */
  | { type: 'start'; sweepId: string; settings: Settings; done: RunRecord[] }
  | { type: 'pause'; sweepId: string }
  | { type: 'resume'; sweepId: string }
  | { type: 'cancel'; sweepId: string };

/** Metrics of one step of the running cell; arrays are transferred, not copied. */
export interface StepProgress {
  sweepId: string;
  depth: number;
  width: number;
  seed: number;
  c: number;
  /** Index of the newest step t (0..T). */
  step: number;
  /** L_t/L_0 and λ_t/λ_0 for t = 0..step (NaN where not finite). */
  lossRatio: Float64Array;
  sharpRatio: Float64Array;
}

export type WorkerEvent =
  | { type: 'ready'; backend: BackendName; adapter: string | null }
  | {
      type: 'dataset';
      dataset: 'cifar10' | 'fashion-mnist' | 'mnist';
      count: number;
      files: string[];
    }
  | { type: 'column-start'; sweepId: string; depth: number; width: number; seed: number; lambda0: number; loss0: number }
  | ({ type: 'step' } & StepProgress)
  | { type: 'run'; sweepId: string; record: RunRecord }
  | { type: 'column'; sweepId: string; record: ColumnRecord }
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
