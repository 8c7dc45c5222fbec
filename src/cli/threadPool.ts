/**
 * The CLI's executors: one Node worker thread each (`sweepThread.ts`), each with its own wasm
 * backend and its own copy of the prepared data, sent once. A thread that dies (crash, out of
 * memory, killed) fails only the task it was running; the scheduler hands that task out again and
 * the thread is started afresh on its next task.
 */
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { PreparedData } from '../core/data/types';
import type { Settings } from '../core/settings/schema';
import type { NodeBackendName } from '../node/backend';
import type { ExecutorHooks, SweepExecutor, SweepTask, TaskResult } from '../core/sweep/scheduler';
import type { ThreadCommand, ThreadEvent } from './threadProtocol';

export interface ThreadPoolInit {
  backend: NodeBackendName;
  settings: Settings;
  data: PreparedData | null;
  /** XNNPACK threads of each thread's wasm backend (default 1). */
  wasmThreads?: number;
  /**
   * The thread's entry file. Default: `sweepThread.js` beside the built command, or
   * `sweepThread.ts` through tsx's loader when running from source (seconds slower to start, as
   * each thread loads tsx and compiles the core again). The bench passes a freshly built file.
   */
  entry?: URL;
}

export interface ThreadPool {
  executors: SweepExecutor[];
  /** The wide executor (`createThreadPool`'s `wideThreads`), or null. */
  wide: SweepExecutor | null;
  /** Threads started again after one stopped. */
  restarts(): number;
  /** Milliseconds from each thread start to its backend being ready, in start order. */
  startupMs(): number[];
  /** Milliseconds each executor spent with a task (start-up included), by executor. */
  busyMs(): number[];
  /** Milliseconds the wide executor spent with a task (0 without one). */
  wideBusyMs(): number;
  /** Test hook: terminate thread `i` as a crash would (its task fails, the thread restarts). */
  kill(i: number): Promise<void>;
  close(): Promise<void>;
}

/** How often a running task looks at its `isCancelled` (the flag then reaches the thread). */
const CANCEL_POLL_MS = 20;

/**
 * Under tsx (running from source) the thread needs tsx's loader too; the built CLI starts the
 * compiled `.js` file directly.
 */
function spawnThread(entry: URL | undefined): Worker {
  if (entry) return new Worker(entry);
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    const api = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./sweepThread.ts', here).href;
    return new Worker(
      `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })`,
      { eval: true },
    );
  }
  return new Worker(new URL('./sweepThread.js', here));
}

interface Pending {
  taskId: number;
  resolve(r: TaskResult | null): void;
  reject(e: Error): void;
  hooks: ExecutorHooks;
}

class ThreadExecutor implements SweepExecutor {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private pending: Pending | null = null;
  private readonly cancel = new SharedArrayBuffer(4);
  private readonly flag = new Int32Array(this.cancel);
  starts = 0;
  readonly startupMs: number[] = [];
  busyMs = 0;

  constructor(private readonly init: ThreadPoolInit) {}

  private start(): Promise<void> {
    this.starts++;
    const t0 = performance.now();
    const worker = spawnThread(this.init.entry);
    this.worker = worker;
    const ready = new Promise<void>((resolve, reject) => {
      const lost = (why: string): void => {
        if (this.worker !== worker) return;
        this.worker = null;
        this.ready = null;
        reject(new Error(why));
        const p = this.pending;
        this.pending = null;
        p?.reject(new Error(why));
      };
      worker.on('message', (e: ThreadEvent) => {
        if (e.type === 'ready') {
          this.startupMs.push(performance.now() - t0);
          resolve();
        } else if (e.type === 'failed') lost(`the worker thread could not start: ${e.message}`);
        else this.onEvent(e);
      });
      worker.on('error', (err) => lost(`a worker thread failed: ${err.message}`));
      worker.on('exit', (code) => lost(`a worker thread stopped (exit code ${code})`));
    });
    // Rejections reach whoever awaits `ready`; an unawaited one must not crash the process.
    ready.catch(() => undefined);
    const { backend, settings, data, wasmThreads = 1 } = this.init;
    const cmd: ThreadCommand = {
      type: 'init',
      backend,
      settings,
      data,
      cancel: this.cancel,
      wasmThreads,
    };
    worker.postMessage(cmd);
    this.ready = ready;
    return ready;
  }

  private onEvent(e: Exclude<ThreadEvent, { type: 'ready' | 'failed' }>): void {
    const p = this.pending;
    if (!p || p.taskId !== e.taskId) return;
    if (e.type === 'init') {
      p.hooks.onInit?.(e.init);
      return;
    }
    if (e.type === 'start') {
      p.hooks.onStep({ step: 0, loss: [e.loss0], sharpness: [e.lambda0] });
      return;
    }
    this.pending = null;
    if (e.type === 'result') p.resolve(e.result);
    else p.reject(new Error(e.message));
  }

  async run(task: SweepTask, hooks: ExecutorHooks): Promise<TaskResult | null> {
    const t0 = performance.now();
    try {
      return await this.runOnThread(task, hooks);
    } finally {
      this.busyMs += performance.now() - t0;
    }
  }

  private async runOnThread(task: SweepTask, hooks: ExecutorHooks): Promise<TaskResult | null> {
    await (this.ready ?? this.start());
    const worker = this.worker;
    if (!worker) throw new Error('the worker thread stopped before the task');
    const poll = setInterval(() => {
      if (hooks.isCancelled()) Atomics.store(this.flag, 0, task.id);
    }, CANCEL_POLL_MS);
    try {
      return await new Promise<TaskResult | null>((resolve, reject) => {
        this.pending = { taskId: task.id, resolve, reject, hooks };
        const cmd: ThreadCommand = { type: 'run', task };
        worker.postMessage(cmd);
      });
    } finally {
      clearInterval(poll);
    }
  }

  async kill(): Promise<void> {
    await this.worker?.terminate();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.ready = null;
    await w?.terminate();
  }
}

/**
 * `n` worker-thread executors; threads start on their first task. With `wideThreads` above 1 a
 * further, wide executor runs its wasm on that many XNNPACK threads (`ScheduledSweepOptions.wide`).
 */
export function createThreadPool(n: number, init: ThreadPoolInit, wideThreads = 1): ThreadPool {
  const threads = Array.from({ length: n }, () => new ThreadExecutor(init));
  const wide = wideThreads > 1 ? new ThreadExecutor({ ...init, wasmThreads: wideThreads }) : null;
  const every = wide ? [...threads, wide] : threads;
  return {
    executors: threads,
    wide,
    restarts: () => every.reduce((s, t) => s + Math.max(0, t.starts - 1), 0),
    startupMs: () => every.flatMap((t) => t.startupMs),
    busyMs: () => threads.map((t) => t.busyMs),
    wideBusyMs: () => wide?.busyMs ?? 0,
    kill: (i) => threads[i]?.kill() ?? Promise.resolve(),
    close: () => Promise.all(every.map((t) => t.close())).then(() => undefined),
  };
}
