/**
 * The worker's brain, free of `self`: commands in, events out through `post`. The entry file wires
 * it to the real worker; tests drive it directly in Node with the cpu backend.
 *
 * Never throws across the boundary: every failure becomes an `error` event. A failure inside a
 * running sweep is reported as fatal, because on a GPU backend it usually means the device or a
 * shader is gone; the app then restarts the worker on the next backend and resumes the sweep.
 */
import type { ImageDataset, PreparedData } from '../core/data/types';
import { parseBuiltinMnist, parseDatasetFiles, prepareData, syntheticDataset } from '../core/data';
import { dataSourceFor, type ImageSource } from '../core/data/source';
import { capabilitiesOf } from '../core/tf/capabilities';
import { registerGradientFixes } from '../core/tf/gradients';
import { runSweep, type StepUpdate } from '../core/sweep/runSweep';
import { localExecutor, type SweepExecutor } from '../core/sweep/scheduler';
import type { RunProgress } from '../core/train/column';
import { runId } from '../core/sweep/records';
import type { Result } from '../core/result';
import type { Settings } from '../core/settings/schema';
import {
  STEP_BATCH_MS,
  commandError,
  type BackendName,
  type BackendRefusal,
  type Command,
  type FileDataset,
  type GpuPolicy,
  type MnistSource,
  type StepProgress,
  type WorkerEvent,
} from './protocol';

export type Post = (e: WorkerEvent, transfer?: Transferable[]) => void;

/** Parsed user datasets kept across reloads (IndexedDB in the browser; absent in tests). */
export interface DatasetCache {
  load(): Promise<{ dataset: FileDataset; files: string[]; data: ImageDataset }[]>;
  save(dataset: FileDataset, files: string[], data: ImageDataset): Promise<void>;
}

export interface HandlerEnv {
  /** Bytes of the built-in MNIST file. */
  fetchBuiltin(): Promise<Uint8Array>;
  /** Initialise the first backend of `names` that works. */
  initBackend(
    names: BackendName[],
    gpuPolicy?: GpuPolicy,
  ): Promise<{
    backend: BackendName;
    adapter: string | null;
    refused?: BackendRefusal[];
    /** Settles with a reason if the backend is lost later (a WebGPU device, say). */
    lost?: Promise<string>;
  }>;
  /** Clock in milliseconds. */
  now(): number;
  cache?: DatasetCache;
  /** Lets queued messages (pause, cancel) in between runs; a macrotask in the browser. */
  yieldToEvents?(): Promise<void>;
  /** Where unexpected exceptions go, with their stacks (the worker's console in the browser). */
  logError?(err: unknown): void;
  /**
   * Take the Web Lock `name` and hold it until the worker dies; resolves once it is held, with
   * false where there are no Web Locks.
   */
  holdLock?(name: string): Promise<boolean>;
  /** Test hook: destroy the GPU device of the active backend; false if it has none. */
  loseDevice?(): boolean;
}

interface SweepState {
  id: string;
  paused: boolean;
  cancelled: boolean;
  wake: (() => void) | null;
}

/** One running task of a pool sweep. */
interface TaskState {
  sweepId: string;
  taskId: number;
  cancelled: boolean;
}

/** The executor of the pool sweep this worker takes part in, built at its first task. */
interface PoolState {
  sweepId: string;
  executor: SweepExecutor & { dispose(): void };
  /** Tasks finished here (for the test hooks). */
  runs: number;
  /** `end-sweep` arrived while a task ran: dispose once it ends. */
  ended: boolean;
}

const BUILTIN_NAME = 'mnist.bin';

function message(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

function defaultYield(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function createHandler(post: Post, env: HandlerEnv): (cmd: Command) => Promise<void> {
  let backendReady: Promise<boolean> | null = null;
  let backend: BackendName | null = null;
  let dead = false;
  const datasets = new Map<FileDataset, { data: ImageDataset; files: string[] }>();
  let builtin: ImageDataset | null = null;
  /** The last prepared data and its source: recomputing it is skipped when the source repeats. */
  let prepared: { source: ImageSource; data: PreparedData } | null = null;
  let sweep: SweepState | null = null;
  let pool: PoolState | null = null;
  let task: TaskState | null = null;
  const yieldToEvents = env.yieldToEvents ?? defaultYield;

  const fail = (
    where: Extract<WorkerEvent, { type: 'error' }>['where'],
    msg: string,
    fatal: boolean,
    sweepId?: string,
  ): void => {
    const e: WorkerEvent = { type: 'error', where, message: msg, fatal };
    if (sweepId !== undefined) e.sweepId = sweepId;
    post(e);
  };

  async function init(
    names: BackendName[],
    aliveLock: string | undefined,
    gpuPolicy: GpuPolicy,
  ): Promise<boolean> {
    let alive: string | null = null;
    if (aliveLock !== undefined && env.holdLock) {
      alive = (await env.holdLock(aliveLock).catch(() => false)) ? aliveLock : null;
    }
    try {
      const r = await env.initBackend(names, gpuPolicy);
      backend = r.backend;
      registerGradientFixes();
      const ready: WorkerEvent = {
        type: 'ready',
        backend: r.backend,
        adapter: r.adapter,
        refused: r.refused ?? [],
      };
      if (alive !== null) ready.alive = alive;
      post(ready);
      r.lost?.then((reason) => {
        dead = true;
        fail('backend', `${r.backend} backend lost: ${reason}`, true, sweep?.id);
      });
    } catch (err) {
      fail('backend', `no backend could start (${names.join(', ')}): ${message(err)}`, true);
      return false;
    }
    if (env.cache) {
      try {
        for (const entry of await env.cache.load()) {
          if (datasets.has(entry.dataset)) continue;
          datasets.set(entry.dataset, { data: entry.data, files: entry.files });
          post({
            type: 'dataset',
            dataset: entry.dataset,
            count: entry.data.count,
            files: entry.files,
            cached: true,
          });
        }
      } catch {
        // A broken cache only means the user is asked for the files again.
      }
    }
    return true;
  }

  async function loadFiles(cmd: Extract<Command, { type: 'load-files' }>): Promise<void> {
    const names = cmd.files.map((f) => f.name);
    const held = datasets.get(cmd.dataset);
    if (
      cmd.ifMissing === true &&
      held &&
      held.files.length === names.length &&
      held.files.every((n, i) => n === names[i])
    )
      return;
    const files = cmd.files.map((f) => ({ name: f.name, bytes: new Uint8Array(f.bytes) }));
    const parsed = parseDatasetFiles(cmd.dataset, files);
    if (!parsed.ok) {
      fail('load-files', parsed.error, false);
      return;
    }
    datasets.set(cmd.dataset, { data: parsed.value, files: names });
    if (prepared?.source.kind === 'files' && prepared.source.dataset === cmd.dataset)
      prepared = null;
    post({
      type: 'dataset',
      dataset: cmd.dataset,
      count: parsed.value.count,
      files: names,
      cached: false,
    });
    if (cmd.cache === false) return;
    try {
      await env.cache?.save(cmd.dataset, names, parsed.value);
    } catch {
      // Not cached: the data still works for this session.
    }
  }

  /** The prepared data for these settings, or an error message for the user. */
  async function dataFor(
    settings: Settings,
    mnist: MnistSource,
    sweepId: string,
  ): Promise<Result<PreparedData | null>> {
    const source = dataSourceFor(settings, mnist);
    if (source.kind === 'none') return { ok: true, value: null };
    if (prepared?.source.key === source.key) return { ok: true, value: prepared.data };
    let images: ImageDataset;
    if (source.kind === 'synthetic') {
      images = syntheticDataset({ count: source.count, seed: source.seed });
    } else if (source.kind === 'builtin-mnist') {
      if (!builtin) {
        post({ type: 'status', sweepId, message: 'Loading built-in MNIST…' });
        let bytes: Uint8Array;
        try {
          bytes = await env.fetchBuiltin();
        } catch (err) {
          return { ok: false, error: `could not load the built-in MNIST file: ${message(err)}` };
        }
        const parsed = parseBuiltinMnist(bytes, BUILTIN_NAME);
        if (!parsed.ok) return { ok: false, error: parsed.error };
        builtin = parsed.value;
      }
      images = builtin;
    } else {
      const entry = datasets.get(source.dataset);
      if (!entry) {
        const what = source.dataset === 'cifar10' ? 'CIFAR-10' : source.dataset;
        return { ok: false, error: `load the ${what} files first (drop them on the page)` };
      }
      images = entry.data;
    }
    post({ type: 'status', sweepId, message: `Preparing ${source.trainSize} examples…` });
    const ready = prepareData(images, source.trainSize);
    if (!ready.ok) return { ok: false, error: ready.error };
    prepared = { source, data: ready.value };
    return { ok: true, value: ready.value };
  }

  async function start(cmd: Extract<Command, { type: 'start' }>): Promise<void> {
    if (sweep || task) {
      const what = sweep ? `a sweep (${sweep.id})` : `task ${task?.taskId}`;
      fail('protocol', `${what} is already running`, false, cmd.sweepId);
      return;
    }
    const state: SweepState = { id: cmd.sweepId, paused: false, cancelled: false, wake: null };
    sweep = state;
    const t0 = env.now();
    let runs = 0;
    try {
      const data = await dataFor(cmd.settings, cmd.mnistSource ?? 'builtin', cmd.sweepId);
      if (!data.ok) {
        fail('sweep', data.error, false, cmd.sweepId);
        post({ type: 'done', sweepId: cmd.sweepId, cancelled: true, runs: 0, seconds: 0 });
        return;
      }
      const pending = new Map<string, StepUpdate>();
      let lastStepPost = -Infinity;
      const flushSteps = (): void => {
        if (pending.size === 0) return;
        const updates: StepProgress[] = [];
        const transfer: Transferable[] = [];
        for (const u of pending.values()) {
          // Copies: the core may keep writing into its own arrays.
          const lossRatio = Float64Array.from(u.lossRatio);
          const sharpRatio = Float64Array.from(u.sharpRatio);
          updates.push({
            depth: u.depth,
            width: u.width,
            seed: u.seed,
            orderSeed: u.orderSeed,
            c: u.c,
            step: u.step,
            lossRatio,
            sharpRatio,
          });
          transfer.push(lossRatio.buffer, sharpRatio.buffer);
        }
        pending.clear();
        lastStepPost = env.now();
        post({ type: 'steps', sweepId: state.id, updates }, transfer);
      };
      const result = await runSweep(cmd.settings, data.value, cmd.done, {
        now: env.now,
        ...(backend !== null && { capabilities: capabilitiesOf(backend) }),
        onColumnStart(c) {
          post({ type: 'column-start', sweepId: state.id, ...c });
        },
        onStep(u) {
          pending.set(runId(u), u);
          if (env.now() - lastStepPost >= STEP_BATCH_MS) flushSteps();
        },
        onRun(record) {
          pending.delete(runId(record));
          flushSteps();
          runs++;
          post({ type: 'run', sweepId: state.id, record });
          if (cmd.failAfterRuns !== undefined && runs >= cmd.failAfterRuns)
            throw new Error(`simulated backend failure after ${runs} runs (test hook)`);
          if (cmd.loseDeviceAfterRuns === runs && !env.loseDevice?.())
            console.warn('loseDeviceAfterRuns: this backend has no device to lose');
        },
        onColumn(record) {
          flushSteps();
          post({ type: 'column', sweepId: state.id, record });
        },
        isCancelled: () => state.cancelled || dead,
        async waitWhilePaused() {
          await yieldToEvents();
          while (state.paused && !state.cancelled) {
            await new Promise<void>((resolve) => {
              state.wake = resolve;
            });
            state.wake = null;
          }
        },
      });
      flushSteps();
      if (dead) return; // the loss was reported already; the app restarts us.
      post({
        type: 'done',
        sweepId: state.id,
        cancelled: result.cancelled || state.cancelled,
        runs,
        seconds: (env.now() - t0) / 1000,
      });
    } catch (err) {
      // A lost device fails whatever was in flight (a pending read, say); the loss itself is
      // reported (and settles within a task), so that error is neither logged nor reported.
      await yieldToEvents();
      if (dead) return;
      env.logError?.(err);
      fail(
        'sweep',
        `${backend ?? 'backend'} failed during the sweep: ${message(err)}`,
        true,
        state.id,
      );
    } finally {
      sweep = null;
    }
  }

  /**
   * One task of a pool sweep: the data is prepared and the executor built at the sweep's first
   * task, then kept, so a worker receives and prepares its dataset once per sweep, not per run.
   */
  async function runTask(cmd: Extract<Command, { type: 'task' }>): Promise<void> {
    const busy = sweep ? `a sweep (${sweep.id})` : task ? `task ${task.taskId}` : null;
    if (busy !== null) {
      fail('protocol', `task ${cmd.taskId}: ${busy} is still running`, false, cmd.sweepId);
      return;
    }
    const state: TaskState = { sweepId: cmd.sweepId, taskId: cmd.taskId, cancelled: false };
    task = state;
    const ids = { sweepId: cmd.sweepId, taskId: cmd.taskId };
    try {
      if (pool?.sweepId !== cmd.sweepId) {
        pool?.executor.dispose();
        pool = null;
        const data = await dataFor(cmd.settings, cmd.mnistSource ?? 'builtin', cmd.sweepId);
        if (!data.ok) {
          post({ type: 'task-failed', ...ids, message: data.error });
          return;
        }
        pool = {
          sweepId: cmd.sweepId,
          executor: localExecutor(cmd.settings, data.value, { now: env.now }),
          runs: 0,
          ended: false,
        };
      }
      const current = pool;
      let pending: RunProgress | null = null;
      let lastStepPost = -Infinity;
      const flushStep = (): void => {
        if (!pending || state.cancelled) return;
        const n = pending.step + 1;
        // Copies: the core keeps writing into its own arrays.
        post({
          type: 'task-step',
          ...ids,
          step: pending.step,
          loss: pending.loss.slice(0, n),
          sharpness: pending.sharpness.slice(0, n),
        });
        pending = null;
        lastStepPost = env.now();
      };
      const out = await current.executor.run(
        { id: cmd.taskId, column: cmd.column, c: cmd.c, ...(cmd.init ? { init: cmd.init } : {}) },
        {
          onInit(init) {
            // Sent as soon as λ_0 is known, before the run's first step: the scheduler holds the
            // column's other runs back until it has it.
            if (!state.cancelled) post({ type: 'task-init', ...ids, init });
          },
          onStep(p) {
            pending = p;
            if (env.now() - lastStepPost >= STEP_BATCH_MS) flushStep();
          },
          isCancelled: () => state.cancelled || dead,
        },
      );
      if (dead) return; // the loss was reported already; the app restarts us.
      flushStep();
      post({ type: 'task-done', ...ids, raw: out?.raw ?? null, seconds: out?.seconds ?? 0 });
      if (out === null) return;
      current.runs++;
      if (cmd.failAfterRuns !== undefined && current.runs >= cmd.failAfterRuns)
        throw new Error(`simulated backend failure after ${current.runs} runs (test hook)`);
      if (cmd.loseDeviceAfterRuns === current.runs && !env.loseDevice?.())
        console.warn('loseDeviceAfterRuns: this backend has no device to lose');
    } catch (err) {
      // As in `start`: a failure here usually means the device is gone, so it is fatal.
      await yieldToEvents();
      if (dead) return;
      env.logError?.(err);
      fail(
        'sweep',
        `${backend ?? 'backend'} failed during the sweep: ${message(err)}`,
        true,
        cmd.sweepId,
      );
    } finally {
      task = null;
      if (pool?.ended) {
        pool.executor.dispose();
        pool = null;
      }
    }
  }

  function endSweep(sweepId: string): void {
    if (pool?.sweepId !== sweepId) return;
    if (task?.sweepId === sweepId) {
      task.cancelled = true;
      pool.ended = true;
      return;
    }
    pool.executor.dispose();
    pool = null;
  }

  function control(cmd: Extract<Command, { type: 'pause' | 'resume' | 'cancel' }>): void {
    if (!sweep || sweep.id !== cmd.sweepId) {
      // A late control message for a sweep that already ended is harmless.
      return;
    }
    const s = sweep;
    if (cmd.type === 'cancel') s.cancelled = true;
    else {
      const paused = cmd.type === 'pause';
      if (s.paused === paused) return;
      s.paused = paused;
      post({ type: 'paused', sweepId: s.id, paused });
    }
    if ((!s.paused || s.cancelled) && s.wake) s.wake();
  }

  return async function handle(raw: Command): Promise<void> {
    try {
      const problem = commandError(raw);
      if (problem !== null) {
        fail('protocol', problem, false);
        return;
      }
      const cmd = raw;
      switch (cmd.type) {
        case 'init':
          if (backendReady) {
            fail('protocol', 'init: already initialised', false);
            return;
          }
          backendReady = init(cmd.backends, cmd.aliveLock, cmd.gpuPolicy ?? 'any');
          await backendReady;
          return;
        case 'load-files':
        case 'start':
        case 'task': {
          if (!backendReady) {
            fail('protocol', `${cmd.type}: send init first`, false);
            return;
          }
          if (!(await backendReady)) {
            fail(
              cmd.type === 'load-files' ? 'load-files' : 'sweep',
              'no backend is available',
              true,
            );
            return;
          }
          if (cmd.type === 'start') await start(cmd);
          else if (cmd.type === 'task') await runTask(cmd);
          else await loadFiles(cmd);
          return;
        }
        case 'cancel-task':
          if (task?.sweepId === cmd.sweepId && task.taskId === cmd.taskId) task.cancelled = true;
          return;
        case 'end-sweep':
          endSweep(cmd.sweepId);
          return;
        case 'pause':
        case 'resume':
        case 'cancel':
          control(cmd);
          return;
      }
    } catch (err) {
      // Only a bug gets here; report it rather than let it escape the worker.
      fail('protocol', `internal error: ${message(err)}`, false);
    }
  };
}
