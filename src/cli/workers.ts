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
import { MAX_WASM_THREADS } from '../node/wasmThreads';
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
 * XNNPACK threads per wasm backend, or why the asked-for number cannot run. Default: 1 when
 * several worker threads share the cores (each worker on K threads would put workers × K threads
 * on the cores, and XNNPACK's spinning pool threads then slow everything down: docs/BENCH.md),
 * else every available core up to `MAX_WASM_THREADS` (a shard, a resumed file, `--workers 1`).
 * Only wasm has threads. `wide`: the threads of the wide thread beside several one-thread
 * workers (`ThreadRunOptions.wideThreads`), the cores up to `MAX_WASM_THREADS` with the default
 * threads, else 1 (none): threads the user chose are not second-guessed.
 */
export function resolveWasmThreads(
  asked: number | null,
  backend: NodeBackendName,
  workers: number,
  cores: number,
):
  | { ok: true; threads: number; wide: number; warning: string | null }
  | { ok: false; error: string } {
  if (backend !== 'wasm') {
    if (asked !== null && asked > 1)
      return { ok: false, error: `--wasm-threads ${asked}: only the wasm backend has threads` };
    return { ok: true, threads: 1, wide: 1, warning: null };
  }
  if (asked === null) {
    const all = Math.max(1, Math.min(cores, MAX_WASM_THREADS));
    return workers > 1
      ? { ok: true, threads: 1, wide: all, warning: null }
      : { ok: true, threads: all, wide: 1, warning: null };
  }
  const warning =
    workers * asked > cores
      ? `${workers} worker thread${workers > 1 ? 's' : ''} × ${asked} wasm threads is more threads than the ${cores} cores: expect it to be slower, not faster`
      : null;
  return { ok: true, threads: asked, wide: 1, warning };
}

/** The optional parts of `runOnThreads`. */
export interface ThreadRunOptions {
  /** Called with the pool once it exists (tests kill a thread through it). */
  onPool?: (pool: ThreadPool) => void;
  /** Replaces the threads' entry file (`ThreadPoolInit.entry`). */
  entry?: URL;
  /** XNNPACK threads of each worker thread's wasm backend (default 1). */
  wasmThreads?: number;
  /**
   * Above 1: one more worker thread, on this many XNNPACK threads, for the runs that would leave
   * the others idle (`ScheduledSweepOptions.wide`). Default 1: none.
   */
  wideThreads?: number;
}

/** Run the sweep on `workers` threads; records reach `hooks` in the canonical order. */
export async function runOnThreads(
  settings: Settings,
  data: PreparedData | null,
  backend: NodeBackendName,
  workers: number,
  hooks: SweepHooks,
  options: ThreadRunOptions = {},
): Promise<
  ScheduledSweepResult & {
    restarts: number;
    startupMs: number[];
    busyMs: number[];
    wideBusyMs: number;
  }
> {
  const { onPool, entry, wasmThreads, wideThreads = 1 } = options;
  const pool = createThreadPool(
    workers,
    {
      backend,
      settings,
      data,
      ...(entry ? { entry } : {}),
      ...(wasmThreads !== undefined ? { wasmThreads } : {}),
    },
    wideThreads,
  );
  onPool?.(pool);
  try {
    const r = await runScheduledSweep(settings, pool.executors, [], hooks, {
      order: 'canonical',
      ...(pool.wide ? { wide: pool.wide } : {}),
    });
    return {
      ...r,
      restarts: pool.restarts(),
      startupMs: pool.startupMs(),
      busyMs: pool.busyMs(),
      wideBusyMs: pool.wideBusyMs(),
    };
  } finally {
    await pool.close();
  }
}
