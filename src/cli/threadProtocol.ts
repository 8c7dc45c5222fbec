/** Messages between the CLI and its worker threads (`sweepThread.ts`). */
import type { Settings } from '../core/settings/schema';
import type { PreparedData } from '../core/data/types';
import type { NodeBackendName } from '../node/backend';
import type { SweepTask, TaskResult } from '../core/sweep/scheduler';

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
    }
  | { type: 'run'; task: SweepTask };

export type ThreadEvent =
  | { type: 'ready'; backend: string }
  | { type: 'failed'; message: string }
  | { type: 'start'; taskId: number; loss0: number; lambda0: number }
  | { type: 'result'; taskId: number; result: TaskResult | null }
  | { type: 'error'; taskId: number; message: string };
