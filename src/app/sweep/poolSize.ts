/**
 * How many training workers the app runs: a default from the machine (cores, memory) and the
 * backend, the user's choice on top, and the settings that cannot be split over workers. The
 * pool size is not a run-affecting setting: the scheduler gives the same records for any size,
 * so it is kept out of the settings, the URL and the results key (and remembered locally).
 */
import { modelInfo } from '../../core/models/kinds';
import type { Settings } from '../../core/settings/schema';
import type { BackendName } from '../../worker/protocol';

/** Most workers offered (beyond this, memory and start-up time dominate on any laptop). */
export const MAX_POOL = 16;

/**
 * A generous estimate of one worker's memory in MB: tfjs and its wasm heap, a CIFAR-10-sized
 * dataset (50,000 × 3,072 bytes, once per worker), its prepared training subset and the column
 * runners it keeps. The default pool uses at most half of the device's memory.
 */
export const WORKER_MEMORY_MB = 512;

/** The user's choice: 'auto' (the default below) or a fixed number of workers. */
export type PoolChoice = 'auto' | number;

/** Software rasterisers: a "GPU" backend on them is much slower than WebAssembly. */
export function isSoftwareAdapter(adapter: string | null): boolean {
  return adapter !== null && /swiftshader|llvmpipe|softpipe|software|basic render/i.test(adapter);
}

/** Whether `backend` on `adapter` is a real GPU (one device, shared by every worker on it). */
export function onRealGpu(backend: BackendName | null, adapter: string | null): boolean {
  return (backend === 'webgpu' || backend === 'webgl') && !isSoftwareAdapter(adapter);
}

/**
 * The default number of workers on CPU backends: one per core, leaving one core to the page's
 * drawing on machines with more than two, and no more than half the memory allows
 * (`navigator.deviceMemory`, in GB, where the browser reports it). Returns the size and why.
 */
export function cpuPoolSize(
  cores: number | undefined,
  memoryGb: number | undefined,
): { size: number; why: string } {
  const n = cores !== undefined && Number.isFinite(cores) && cores >= 1 ? Math.floor(cores) : 1;
  let size = n > 2 ? n - 1 : n;
  let why =
    n > 2 ? `one per core (${n} cores, one left for the page)` : `one per core (${n} cores)`;
  if (memoryGb !== undefined && Number.isFinite(memoryGb) && memoryGb > 0) {
    const byMemory = Math.max(1, Math.floor((memoryGb * 1024) / 2 / WORKER_MEMORY_MB));
    if (byMemory < size) {
      size = byMemory;
      why = `${memoryGb} GB of memory: about ${WORKER_MEMORY_MB} MB per worker, half the memory at most`;
    }
  }
  if (size > MAX_POOL) {
    size = MAX_POOL;
    why = `at most ${MAX_POOL}`;
  }
  return { size, why };
}

/**
 * The pool size for a backend: on a real GPU one worker per device by default (the batched
 * ensemble is the lever there, and workers on one GPU only queue behind each other); on wasm and
 * cpu `cpu`, the size `cpuPoolSize` gives. A number chosen by the user wins.
 */
export function poolSizeFor(
  choice: PoolChoice,
  backend: BackendName | null,
  adapter: string | null,
  cpu: { size: number; why: string },
): { size: number; why: string } {
  if (choice !== 'auto') return { size: choice, why: 'your choice' };
  if (onRealGpu(backend, adapter))
    return { size: 1, why: 'one GPU: one worker per device (the ensemble is the lever there)' };
  return cpu;
}

/**
 * How many of the pool's `size` workers a sweep of `settings` can use, and why fewer. The uv
 * model (exact, instant, no tfjs) and a batched ensemble (its members train together as one
 * model) run in one worker, as in the CLI.
 */
export function sweepWorkers(
  settings: Settings,
  size: number,
): { workers: number; why: string | null } {
  const info = modelInfo(settings.model);
  if (info.ownColumn || settings.dataset === 'uv')
    return { workers: 1, why: 'the uv model is exact and instant: one worker' };
  if (info.batched && settings.ensemble > 1 && size > 1)
    return {
      workers: 1,
      why: 'a batched ensemble (ensemble above 1) trains its members together in one worker',
    };
  return { workers: Math.max(1, size), why: null };
}

/** The stored choice: 'auto' unless a whole number from 1 to MAX_POOL was kept. */
export function parsePoolChoice(raw: string | null | undefined): PoolChoice {
  if (raw === null || raw === undefined || raw === 'auto') return 'auto';
  const n = Number(raw);
  return Number.isInteger(n) && n >= 1 && n <= MAX_POOL ? n : 'auto';
}
