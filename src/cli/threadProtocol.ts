/** Messages between the CLI and its worker threads (`sweepThread.ts`). */
import type { Settings } from '../core/settings/schema';
import type { PreparedData } from '../core/data/types';
import type { NodeBackendName } from '../node/backend';
import type { ColumnInit, SweepTask, TaskResult } from '../core/sweep/scheduler';

export type ThreadCommand =
  /**
   * Once per thread: the backend, the settings and the prepared data (copied to the thread once).
   * `cancel` is one Int32 the main thread sets to the id of a task it cancels.
   */
  | {
      type: 'init';
      backend: NodeBackendName;
      settings: Settings;
      data: PreparedData | null;
      cancel: SharedArrayBuffer;
      /** XNNPACK threads of the thread's wasm backend (`--wasm-threads`). */
      wasmThreads: number;
    }
  /** A run; `task.init`, when present, carries the column's L_0 and λ_0 measured elsewhere. */
  | { type: 'run'; task: SweepTask };

export type ThreadEvent =
  | { type: 'ready'; backend: string }
  | { type: 'failed'; message: string }
  /** The thread measured the column's L_0 and λ_0 (the task had no `init`): for the others. */
  | { type: 'init'; taskId: number; init: ColumnInit }
  | { type: 'start'; taskId: number; loss0: number; lambda0: number }
  | { type: 'result'; taskId: number; result: TaskResult | null }
  | { type: 'error'; taskId: number; message: string };
