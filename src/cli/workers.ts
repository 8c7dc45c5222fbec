/**
 * `--workers`: how many worker threads a CLI sweep runs on, and the sweep on them. Records come in
 * the canonical order (that of the one-thread sweep: columns in plan order, each column's runs in
 * the order its planner asks for them, then the column), so the JSON Lines are identical for any
 * N apart from the `seconds` fields.
 */
import type { Settings } from '../core/settings/schema';
import type { PreparedData } from '../core/data/types';
import type { NodeBackendName } from '../node/backend';
import type { SweepHooks } from '../core/sweep/runSweep';
import { modelInfo } from '../core/models/kinds';
import { runScheduledSweep, type ScheduledSweepResult } from '../core/sweep/scheduler';
import { createThreadPool, type ThreadPool } from './threadPool';

/**
 * The number of worker threads, or why the asked-for number cannot run these settings.
 * Default: every available core on wasm and cpu; 1 on webgpu (one device: the batched ensemble is
 * the lever there), with a batched ensemble, and for the uv model (exact and cheap, no tfjs).
 */
export function resolveWorkers(
  asked: number | null,
  settings: Settings,
  backend: NodeBackendName,
  cores: number,
): { ok: true; workers: number } | { ok: false; error: string } {
  const single = modelInfo(settings.model).ownColumn
    ? null
    : backend === 'webgpu'
      ? 'the webgpu backend has one device'
      : settings.ensemble > 1
        ? 'a batched ensemble (--ensemble above 1) runs its members on one backend'
        : null;
  if (asked === null)
    return {
      ok: true,
      workers: modelInfo(settings.model).ownColumn || single ? 1 : Math.max(1, cores),
    };
  if (asked > 1 && single)
    return { ok: false, error: `--workers ${asked}: ${single}; use --workers 1` };
  return { ok: true, workers: asked };
}

/**
 * Run the sweep on `workers` threads; records reach `hooks` in the canonical order. `entry`
 * replaces the threads' entry file (`ThreadPoolInit.entry`).
 */
export async function runOnThreads(
  settings: Settings,
  data: PreparedData | null,
  backend: NodeBackendName,
  workers: number,
  hooks: SweepHooks,
  onPool?: (pool: ThreadPool) => void,
  entry?: URL,
): Promise<ScheduledSweepResult & { restarts: number; startupMs: number[]; busyMs: number[] }> {
  const pool = createThreadPool(workers, { backend, settings, data, ...(entry ? { entry } : {}) });
  onPool?.(pool);
  try {
    const r = await runScheduledSweep(settings, pool.executors, [], hooks, { order: 'canonical' });
    return { ...r, restarts: pool.restarts(), startupMs: pool.startupMs(), busyMs: pool.busyMs() };
  } finally {
    await pool.close();
  }
}
