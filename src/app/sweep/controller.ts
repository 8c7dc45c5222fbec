/**
 * The app's side of the training workers: starts a pool of them on the best backend, turns the
 * store's intent (run, pause, stop, load files) into commands, and worker events into store
 * updates at most once per animation frame.
 *
 * Worker 0 starts first and probes the backend chain; the rest of the pool starts on the backend
 * it found. A sweep that can use several workers runs the core scheduler here on the main thread
 * (`runScheduledSweep`, records as they finish), with one executor per worker: each executor
 * hands one run (`task`) at a time to a worker, which computes it with the core's
 * `localExecutor`. A sweep that cannot be split (a pool of one, the uv model, a batched ensemble)
 * runs whole in worker 0 (`start`), as `--workers 1` does in the CLI.
 *
 * Faults touch one worker only. If a worker's backend dies (a fatal `error` event, or the worker
 * crashing) that worker restarts on the next backend of its chain; one that vanishes without a
 * word (terminated by the browser, say) is noticed through a Web Lock it holds for its whole life
 * and restarted on the same backend once. Its run in flight is handed out again by the scheduler,
 * which records each run once; a whole sweep resumes with every finished run passed as `done`.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Settings } from '../../core/settings/schema';
import { columnId, columnKeyOf, runId, type ColumnKey } from '../../core/sweep/records';
import type { SweepHooks } from '../../core/sweep/runSweep';
import {
  runScheduledSweep,
  type SweepExecutor,
  type SweepTask,
  type TaskResult,
} from '../../core/sweep/scheduler';
import {
  BACKEND_CHAIN,
  type BackendName,
  type Command,
  type FileDataset,
  type GpuPolicy,
  type MnistSource,
  type WorkerEvent,
} from '../../worker/protocol';
import type { RunStore } from '../storage/runStore';
import type { AppStore } from '../store/store';
import { sweepInProgress } from '../store/sweepSlice';
import { poolSizeFor, sweepWorkers, type PoolChoice } from './poolSize';
import { resultsKey } from './resultsKey';

export interface WorkerLike {
  postMessage(message: Command, transfer: Transferable[]): void;
  terminate(): void;
  onmessage: ((ev: MessageEvent<WorkerEvent>) => void) | null;
  onerror: ((ev: ErrorEvent) => void) | null;
}

export interface ControllerOptions {
  store: AppStore;
  createWorker(): WorkerLike;
  runStore: Promise<RunStore>;
  /** The backend chain, best first (a URL test hook may shorten it). */
  backends?: readonly BackendName[];
  /** Software GPUs: skipped for WebAssembly (the automatic choice) or used (the user's). */
  gpuPolicy?: GpuPolicy;
  now(): number;
  /** Runs `flush` soon: the next animation frame (or a timer when the page is hidden). */
  scheduleFlush(flush: () => void): void;
  /** Test hook passed to the first sweep on the first backend only. */
  failAfterRuns?: number;
  /** Test hook: the first sweep destroys its WebGPU device after this many runs. */
  loseDeviceAfterRuns?: number;
  /**
   * Worker liveness through Web Locks: a fresh lock name per worker, and a promise that settles
   * once the lock is free (the worker holding it died). Absent where there are no Web Locks.
   */
  aliveLock?: { name(): string; released(name: string): Promise<void> };
  /** Where "a sweep was running" is remembered across a reload. */
  marker?: { get(): string | null; set(key: string | null): void };
  /** How long Stop waits for the worker before terminating it. */
  stopTimeoutMs?: number;
  /** The user's pool size ('auto': see `poolSizeFor`). Default 'auto'. */
  pool?: PoolChoice;
  /** The automatic pool size on CPU backends, and why (`cpuPoolSize`). Default: one worker. */
  cpuPool?: { size: number; why: string };
}

/** What the pool-size control shows. */
export interface PoolState {
  choice: PoolChoice;
  /** Workers the pool has (or is starting) for the current backend, and why that many. */
  size: number;
  why: string;
  /** What 'auto' means here (shown next to it). */
  auto: { size: number; why: string };
  /** Workers started and ready. */
  ready: number;
  /** Workers the running sweep uses (null when none runs), and why fewer than `size`. */
  sweepWorkers: number | null;
  sweepWhy: string | null;
  /** A new size chosen during a sweep, applied when it ends. */
  pending: boolean;
}

/** What an executor is given with each run (progress out, cancellation in). */
type RunHooks = Parameters<SweepExecutor['run']>[1];

/** A run handed to a worker, waiting for its result. */
interface Flight {
  sweepId: string;
  taskId: number;
  task: SweepTask;
  hooks: RunHooks;
  resolve(r: TaskResult | null): void;
  reject(err: Error): void;
  cancelSent: boolean;
}

/** One worker of the pool; `worker` is replaced when it restarts. */
interface Slot {
  index: number;
  worker: WorkerLike | null;
  /** Backends this worker may use, best first. */
  chain: BackendName[];
  backend: BackendName | null;
  adapter: string | null;
  ready: boolean;
  /** The lock this worker was asked to hold. */
  lockName: string | null;
  /** Times it was lost without a word since its last finished run. */
  lostStreak: number;
  flight: Flight | null;
  /** User datasets already sent to this worker. */
  filesSent: Set<FileDataset>;
}

/** An executor waiting for a free worker (it prefers `preferred`, to keep its column's model). */
interface Waiter {
  preferred: number;
  go(slot: Slot): void;
  drop(): void;
}

/** A sweep spread over the pool by the scheduler. */
interface PoolRun {
  paused: boolean;
  wake: (() => void) | null;
  /** Cells drawn as running (run id → its column and c) that are not recorded yet. */
  live: Map<string, ColumnKey & { c: number }>;
}

interface ActiveSweep {
  id: string;
  key: string;
  settings: Settings;
  mnistSource: MnistSource;
  stopping: boolean;
  /** Null for a sweep that runs whole in worker 0. */
  pool: PoolRun | null;
}

/** Datasets that need files before a sweep can run. */
export function missingFile(
  settings: Settings,
  loaded: Partial<Record<FileDataset, unknown>>,
): FileDataset | null {
  if (settings.dataset === 'cifar10' || settings.dataset === 'fashion-mnist')
    return loaded[settings.dataset] ? null : settings.dataset;
  return null;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class SweepController {
  private slots: Slot[] = [];
  private gpuPolicy: GpuPolicy;
  private sweep: ActiveSweep | null = null;
  private queue: WorkerEvent[] = [];
  private flushPending = false;
  private counter = 0;
  private stopTimer: ReturnType<typeof setTimeout> | null = null;
  private failAfterRuns: number | undefined;
  private loseDeviceAfterRuns: number | undefined;
  /** Sweep to restart once the replacement worker 0 is ready (whole sweeps). */
  private resumeAfterReady: { paused: boolean } | null = null;
  private waiters: Waiter[] = [];
  /** User files, kept (as File handles) to give a restarted or added worker its dataset. */
  private files = new Map<FileDataset, readonly File[]>();
  private choice: PoolChoice;
  private disposed = false;
  /** What the pool-size control shows. */
  readonly pool: StoreApi<PoolState>;

  constructor(private readonly opts: ControllerOptions) {
    this.gpuPolicy = opts.gpuPolicy ?? 'skip-software';
    this.failAfterRuns = opts.failAfterRuns;
    this.loseDeviceAfterRuns = opts.loseDeviceAfterRuns;
    this.choice = opts.pool ?? 'auto';
    this.slots = [this.newSlot(0, [...(opts.backends ?? BACKEND_CHAIN)])];
    this.pool = createStore<PoolState>(() => ({
      choice: this.choice,
      size: 1,
      why: 'starting',
      auto: { size: 1, why: 'starting' },
      ready: 0,
      sweepWorkers: null,
      sweepWhy: null,
      pending: false,
    }));
  }

  private newSlot(index: number, chain: BackendName[]): Slot {
    return {
      index,
      worker: null,
      chain,
      backend: null,
      adapter: null,
      ready: false,
      lockName: null,
      lostStreak: 0,
      flight: null,
      filesSent: new Set(),
    };
  }

  private get main(): Slot {
    return this.slots[0]!;
  }

  /** Start worker 0 on the first backend of the chain that works; the pool follows. */
  boot(): void {
    this.spawn(this.main, this.main.chain);
  }

  /** The worker behind pool slot `i` (for the `killWorker` test hook), or null. */
  workerAt(i: number): WorkerLike | null {
    return this.slots[i]?.worker ?? null;
  }

  private spawn(slot: Slot, chain: BackendName[]): void {
    const { store } = this.opts;
    slot.chain = chain;
    slot.backend = null;
    slot.adapter = null;
    slot.ready = false;
    slot.filesSent = new Set();
    if (slot.index === 0) store.getState().setBackend(null, 'booting');
    let worker: WorkerLike;
    try {
      worker = this.opts.createWorker();
    } catch (err) {
      this.giveUp(`the worker could not start: ${errorMessage(err)}`);
      return;
    }
    slot.worker = worker;
    worker.onmessage = (ev) => {
      if (slot.worker === worker) this.onEvent(slot, ev.data);
    };
    worker.onerror = (ev) => {
      if (slot.worker !== worker) return;
      this.onFatal(slot, ev.message || 'the worker crashed');
    };
    slot.lockName = this.opts.aliveLock?.name() ?? null;
    this.postTo(slot, {
      type: 'init',
      backends: chain,
      // Worker 0 judges the GPU (a software adapter, the timed probe); the others start on the
      // backend it found, untested again, so that probes never run side by side.
      gpuPolicy: slot.index === 0 ? this.gpuPolicy : 'any',
      ...(slot.lockName !== null ? { aliveLock: slot.lockName } : {}),
    });
    this.publishPool();
  }

  /** Once the worker holds its lock, wait for the lock: it frees only when the worker dies. */
  private watch(slot: Slot, worker: WorkerLike, lock: string): void {
    void this.opts.aliveLock?.released(lock).then(() => {
      if (slot.worker === worker && !this.disposed && this.slots.includes(slot))
        this.onWorkerLost(slot);
    });
  }

  private postTo(slot: Slot, cmd: Command, transfer: Transferable[] = []): void {
    slot.worker?.postMessage(cmd, transfer);
  }

  private onEvent(slot: Slot, e: WorkerEvent): void {
    const st = this.opts.store.getState();
    switch (e.type) {
      case 'ready':
        slot.backend = e.backend;
        slot.adapter = e.adapter;
        slot.ready = true;
        if (slot.worker && e.alive !== undefined && e.alive === slot.lockName)
          this.watch(slot, slot.worker, e.alive);
        void this.sendFiles(slot);
        if (slot.index === 0) {
          st.setBackend({ name: e.backend, adapter: e.adapter, refused: e.refused }, 'ready');
          if (!this.sweep) this.resize();
        }
        this.publishPool();
        this.serve();
        if (slot.index === 0 && this.resumeAfterReady) {
          const { paused } = this.resumeAfterReady;
          this.resumeAfterReady = null;
          this.startSweep(paused);
        }
        return;
      case 'dataset':
        // Worker 0 speaks for the pool; the others hold the same files.
        if (slot.index === 0)
          st.setDataset(e.dataset, { count: e.count, files: e.files, cached: e.cached });
        slot.filesSent.add(e.dataset);
        return;
      case 'error':
        this.onError(slot, e);
        return;
      case 'task-init':
      case 'task-step':
      case 'task-done':
      case 'task-failed':
        this.onTaskEvent(slot, e);
        return;
      default:
        break;
    }
    const sweep = this.sweep;
    if (!sweep || e.sweepId !== sweep.id) return; // a late event of an older sweep
    if (e.type === 'run') slot.lostStreak = 0;
    this.deliver(sweep, e);
  }

  /** A sweep event (from worker 0's whole sweep, or made here by the pool) to the store. */
  private deliver(sweep: ActiveSweep, e: WorkerEvent): void {
    if (e.type === 'run' || e.type === 'column') this.persist(sweep.key, e);
    if (e.type === 'done') this.finish(e.cancelled);
    // Results of a sweep whose settings are no longer on screen (a new link was opened while it
    // stopped) are stored under their own key but not drawn.
    const shown = this.opts.store.getState().resultsKey === sweep.key;
    if (!shown && e.type !== 'done' && e.type !== 'paused') return;
    this.queue.push(e);
    this.scheduleFlush();
  }

  private persist(key: string, e: Extract<WorkerEvent, { type: 'run' | 'column' }>): void {
    const { store } = this.opts;
    void this.opts.runStore
      .then((rs) => (e.type === 'run' ? rs.putRun(key, e.record) : rs.putColumn(key, e.record)))
      .catch((err: unknown) =>
        store
          .getState()
          .setPersistence(
            err instanceof Error && err.name === 'QuotaExceededError' ? 'full' : 'failed',
          ),
      );
  }

  private scheduleFlush(): void {
    if (this.flushPending) return;
    this.flushPending = true;
    this.opts.scheduleFlush(() => this.flush());
  }

  /** Apply every queued event in one store update. */
  flush(): void {
    this.flushPending = false;
    if (this.queue.length === 0) return;
    const events = this.queue;
    this.queue = [];
    this.opts.store.getState().applyWorkerEvents(events, this.opts.now());
  }

  private onError(slot: Slot, e: Extract<WorkerEvent, { type: 'error' }>): void {
    const st = this.opts.store.getState();
    if (e.fatal && e.where === 'backend' && slot.backend === null) {
      // init itself failed on every backend it was offered.
      if (slot.index === 0) this.giveUp(e.message);
      else this.retire(slot, e.message);
      return;
    }
    if (e.fatal) {
      this.onFatal(slot, e.message);
      return;
    }
    if (e.where === 'load-files') {
      if (slot.index === 0) st.setDatasetLoading(null, e.message);
      else console.warn(`worker ${slot.index + 1}: ${e.message}`);
      return;
    }
    if (this.sweep && e.sweepId === this.sweep.id) {
      st.setError(e.message);
      return;
    }
    console.warn(`worker: ${e.message}`);
  }

  /** How a restart is named: which worker, when there are several. */
  private label(slot: Slot): string {
    return this.slots.length > 1 ? `worker ${slot.index + 1}: ` : '';
  }

  /** The backend is unusable: move this worker down the chain; the sweep goes on. */
  private onFatal(slot: Slot, reason: string): void {
    const failed = slot.backend ?? slot.chain[0] ?? 'cpu';
    const pos = slot.chain.indexOf(failed);
    const rest = slot.chain.slice(pos + 1);
    if (rest.length === 0) {
      if (slot.index > 0) {
        this.retire(slot, `${failed}: ${reason}`);
        return;
      }
      slot.worker?.terminate();
      slot.worker = null;
      this.flush();
      this.giveUp(`${failed}: ${reason}`);
      return;
    }
    this.respawn(slot, rest, `${failed} failed (${reason}); restarted on ${rest[0]}`);
  }

  /**
   * The worker died without a word. Its backend gets one more chance (the browser may have
   * reclaimed it); a second loss before any run finishes counts as the backend failing.
   */
  private onWorkerLost(slot: Slot): void {
    if (slot.lostStreak > 0) {
      this.onFatal(slot, 'its worker stopped twice');
      return;
    }
    slot.lostStreak++;
    const backend = slot.backend ?? slot.chain[0] ?? 'cpu';
    const chain = slot.chain.slice(Math.max(0, slot.chain.indexOf(backend)));
    this.respawn(slot, chain, `the worker on ${backend} stopped unexpectedly; restarted it`);
  }

  /**
   * Replace one worker by a fresh one on `chain`. Its run in flight goes back to the scheduler,
   * which hands it out again; a whole sweep (worker 0) resumes once the new worker is ready.
   */
  private respawn(slot: Slot, chain: BackendName[], note: string | null): void {
    const st = this.opts.store.getState();
    slot.worker?.terminate();
    slot.worker = null;
    slot.ready = false;
    if (note !== null) st.noteRestart(`${this.label(slot)}${note}`);
    // The test hooks fire once: the replacement runs normally.
    this.failAfterRuns = undefined;
    this.loseDeviceAfterRuns = undefined;
    const flight = slot.flight;
    slot.flight = null;
    flight?.reject(new Error(note ?? 'the worker was replaced'));
    const sweep = this.sweep;
    if (sweep && !sweep.pool && slot.index === 0) {
      // Finished runs still queued become part of `done`, so none is computed again.
      this.flush();
      this.sweep = null;
      if (!sweep.stopping) {
        this.resumeAfterReady = { paused: st.status === 'paused' };
      } else {
        st.setSweepStatus('stopped', this.opts.now());
        this.opts.marker?.set(null);
      }
    }
    this.spawn(slot, chain);
  }

  /** A worker beyond the first that cannot start on any backend leaves the pool. */
  private retire(slot: Slot, reason: string): void {
    slot.worker?.terminate();
    slot.worker = null;
    slot.ready = false;
    this.opts.store.getState().noteRestart(`${this.label(slot)}left the pool (${reason})`);
    this.slots = this.slots.filter((s) => s !== slot);
    const flight = slot.flight;
    slot.flight = null;
    flight?.reject(new Error(reason));
    this.publishPool();
    this.serve();
  }

  private giveUp(reason: string): void {
    const st = this.opts.store.getState();
    for (const slot of this.slots) {
      slot.worker?.terminate();
      slot.worker = null;
      slot.ready = false;
      const flight = slot.flight;
      slot.flight = null;
      flight?.resolve(null);
    }
    this.slots = [this.main];
    // A pool sweep still waiting on workers stops handing out runs.
    if (this.sweep) this.sweep.stopping = true;
    this.sweep = null;
    this.resumeAfterReady = null;
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w.drop();
    st.setBackend(null, 'failed');
    st.setError(`No backend could run the sweep: ${reason}`);
    if (st.status !== 'idle' && st.status !== 'done') st.setSweepStatus('error', this.opts.now());
    this.publishPool();
  }

  /** The pool size for worker 0's backend and the user's choice. */
  private target(choice: PoolChoice = this.choice): { size: number; why: string } {
    const m = this.main;
    return poolSizeFor(choice, m.backend, m.adapter, this.opts.cpuPool ?? cpuDefault);
  }

  /** Start or end workers to reach the target size (between sweeps only, with worker 0 up). */
  private resize(): void {
    const m = this.main;
    if (this.sweep || !m.ready || m.backend === null || this.disposed) return;
    const { size } = this.target();
    while (this.slots.length > size) {
      const slot = this.slots.pop()!;
      slot.worker?.terminate();
      slot.worker = null;
    }
    // New workers start on the backend worker 0 found, without probing the better ones again.
    const chain = m.chain.slice(Math.max(0, m.chain.indexOf(m.backend)));
    while (this.slots.length < size) {
      let index = 0;
      while (this.slots.some((s) => s.index === index)) index++;
      const slot = this.newSlot(index, chain);
      this.slots.push(slot);
      this.spawn(slot, chain);
    }
    this.publishPool();
  }

  private publishPool(): void {
    const { size, why } = this.target();
    const sweep = this.sweep;
    const running = sweep ? sweepWorkers(sweep.settings, this.slots.length) : null;
    this.pool.setState({
      choice: this.choice,
      size,
      why,
      auto: this.target('auto'),
      ready: this.slots.filter((s) => s.ready).length,
      sweepWorkers: running ? running.workers : null,
      sweepWhy: running ? running.why : null,
      pending: sweep !== null && size !== this.slots.length,
    });
  }

  /**
   * Set the pool size ('auto' or a number of workers). Between sweeps it applies at once; during
   * one it applies when the sweep ends, so no run in flight is lost.
   */
  setPoolSize(choice: PoolChoice): void {
    this.choice = choice;
    this.resize();
    this.publishPool();
  }

  /** Why Run cannot start now, or null. */
  cannotStart(): string | null {
    const st = this.opts.store.getState();
    if (st.imported) return 'Close the imported results to run a sweep.';
    if (st.workerState === 'failed') return 'No backend is available.';
    if (sweepInProgress(st.status)) return 'A sweep is already running.';
    const missing = missingFile(st.settings, st.datasets);
    if (missing)
      return `Load the ${missing === 'cifar10' ? 'CIFAR-10' : 'Fashion-MNIST'} files first.`;
    if (st.resultsKey !== resultsKey(st.settings, st.mnistSource)) return 'Loading stored results…';
    return null;
  }

  /** Run the sweep of the current settings; returns why it could not start, or null. */
  start(): string | null {
    const why = this.cannotStart();
    if (why) {
      this.opts.store.getState().setError(why);
      return why;
    }
    this.startSweep(false);
    return null;
  }

  private startSweep(paused: boolean): void {
    const st = this.opts.store.getState();
    const key = resultsKey(st.settings, st.mnistSource);
    const id = `sweep-${++this.counter}`;
    const { workers } = sweepWorkers(st.settings, this.slots.length);
    const sweep: ActiveSweep = {
      id,
      key,
      settings: st.settings,
      mnistSource: st.mnistSource,
      stopping: false,
      pool: workers > 1 ? { paused, wake: null, live: new Map() } : null,
    };
    this.sweep = sweep;
    st.beginSweep(id, this.opts.now());
    this.opts.marker?.set(key);
    this.publishPool();
    if (sweep.pool) {
      this.runPool(sweep, sweep.pool, workers);
      if (paused) this.pause();
      return;
    }
    const cmd: Extract<Command, { type: 'start' }> = {
      type: 'start',
      sweepId: id,
      settings: st.settings,
      done: Object.values(st.runs),
      mnistSource: st.mnistSource,
    };
    if (this.failAfterRuns !== undefined) cmd.failAfterRuns = this.failAfterRuns;
    if (this.loseDeviceAfterRuns !== undefined) cmd.loseDeviceAfterRuns = this.loseDeviceAfterRuns;
    this.postTo(this.main, cmd);
    if (paused) this.pause();
  }

  /** Run `sweep` on `workers` executors through the core scheduler; records as they finish. */
  private runPool(sweep: ActiveSweep, run: PoolRun, workers: number): void {
    const st = this.opts.store.getState();
    const t0 = this.opts.now();
    const deliver = (e: WorkerEvent): void => {
      if (this.sweep === sweep) this.deliver(sweep, e);
    };
    const sweepId = sweep.id;
    const hooks: SweepHooks = {
      now: this.opts.now,
      onColumnStart: (c) => deliver({ type: 'column-start', sweepId, ...c }),
      onStep: (u) => {
        run.live.set(runId(u), { ...columnKeyOf(u), c: u.c });
        deliver({ type: 'steps', sweepId, updates: [u] });
      },
      onRun: (record) => {
        run.live.delete(runId(record));
        deliver({ type: 'run', sweepId, record });
      },
      onColumn: (record) => {
        // Runs of this column still drawn as running will not be recorded (above its first
        // divergence, say): they stop being drawn.
        const col = columnId(record);
        for (const [id, cell] of run.live)
          if (columnId(cell) === col) {
            run.live.delete(id);
            deliver({ type: 'run-dropped', sweepId, ...cell });
          }
        deliver({ type: 'column', sweepId, record });
      },
      isCancelled: () => sweep.stopping,
      waitWhilePaused: async () => {
        while (run.paused && !sweep.stopping)
          await new Promise<void>((resolve) => {
            run.wake = resolve;
          });
        run.wake = null;
      },
    };
    const executors = Array.from({ length: workers }, (_, k) => this.executor(sweep, k));
    runScheduledSweep(sweep.settings, executors, Object.values(st.runs), hooks, {
      order: 'as-finished',
    }).then(
      (r) => {
        if (this.sweep !== sweep) return;
        this.endPool(sweep);
        this.deliver(sweep, {
          type: 'done',
          sweepId,
          cancelled: r.cancelled || sweep.stopping,
          runs: r.runs,
          seconds: (this.opts.now() - t0) / 1000,
        });
      },
      (err: unknown) => {
        if (this.sweep !== sweep) return;
        this.endPool(sweep);
        this.flush();
        this.finish(true);
        const now = this.opts.store.getState();
        now.setError(`The sweep failed: ${errorMessage(err)}`);
        now.setSweepStatus('error', this.opts.now());
      },
    );
  }

  /** Tell every worker the pool sweep is over, so it frees the columns it kept. */
  private endPool(sweep: ActiveSweep): void {
    for (const slot of this.slots) this.postTo(slot, { type: 'end-sweep', sweepId: sweep.id });
  }

  /**
   * Executor `k` of a pool sweep: each run goes to a free worker, worker `k` when it is free (it
   * keeps the model of the column it ran last), any free one otherwise, or waits for one.
   */
  private executor(sweep: ActiveSweep, k: number): SweepExecutor {
    return {
      run: (task, hooks) =>
        new Promise<TaskResult | null>((resolve, reject) => {
          const go = (slot: Slot): void => {
            if (this.sweep !== sweep || hooks.isCancelled()) {
              resolve(null);
              return;
            }
            slot.flight = {
              sweepId: sweep.id,
              taskId: task.id,
              task,
              hooks,
              resolve,
              reject,
              cancelSent: false,
            };
            const cmd: Extract<Command, { type: 'task' }> = {
              type: 'task',
              sweepId: sweep.id,
              taskId: task.id,
              settings: sweep.settings,
              column: task.column,
              c: task.c,
              mnistSource: sweep.mnistSource,
            };
            if (task.init) cmd.init = task.init;
            // The fault hooks go to worker 0 (until it restarts).
            if (slot.index === 0 && this.failAfterRuns !== undefined)
              cmd.failAfterRuns = this.failAfterRuns;
            if (slot.index === 0 && this.loseDeviceAfterRuns !== undefined)
              cmd.loseDeviceAfterRuns = this.loseDeviceAfterRuns;
            this.postTo(slot, cmd);
          };
          this.waiters.push({ preferred: k, go, drop: () => resolve(null) });
          this.serve();
        }),
    };
  }

  /** Give free ready workers to waiting executors, each its own worker when that one is free. */
  private serve(): void {
    const free = (s: Slot | undefined): s is Slot =>
      s !== undefined && s.ready && s.worker !== null && s.flight === null;
    let i = 0;
    while (i < this.waiters.length) {
      const w = this.waiters[i]!;
      const own = this.slots.find((s) => s.index === w.preferred);
      const slot = free(own) ? own : this.slots.find(free);
      if (!slot) return;
      this.waiters.splice(i, 1);
      w.go(slot);
      if (slot.flight === null) continue; // resolved at once (cancelled): the slot stays free
      i = 0;
    }
  }

  private onTaskEvent(
    slot: Slot,
    e: Extract<WorkerEvent, { type: 'task-init' | 'task-step' | 'task-done' | 'task-failed' }>,
  ): void {
    const f = slot.flight;
    if (!f || f.sweepId !== e.sweepId || f.taskId !== e.taskId) return;
    if (e.type === 'task-init') {
      f.hooks.onInit?.(e.init);
      return;
    }
    if (e.type === 'task-step') {
      f.hooks.onStep({ step: e.step, loss: e.loss, sharpness: e.sharpness });
      this.sendCancels();
      return;
    }
    slot.flight = null;
    if (e.type === 'task-failed') f.reject(new Error(e.message));
    else if (e.raw === null) {
      f.resolve(null);
      this.dropLive(f.task);
    } else {
      slot.lostStreak = 0;
      f.resolve({ raw: e.raw, seconds: e.seconds });
    }
    this.serve();
    // The scheduler decides what it no longer needs once it has seen this result.
    setTimeout(() => this.sendCancels(), 0);
  }

  /** A cancelled run is no longer drawn as running. */
  private dropLive(task: SweepTask): void {
    const sweep = this.sweep;
    const id = runId({ ...task.column, c: task.c });
    if (!sweep?.pool?.live.delete(id)) return;
    this.deliver(sweep, { type: 'run-dropped', sweepId: sweep.id, ...task.column, c: task.c });
  }

  /** Tell workers to stop runs the scheduler cancelled (it marks them; they poll nothing). */
  private sendCancels(): void {
    for (const slot of this.slots) {
      const f = slot.flight;
      if (!f || f.cancelSent || !f.hooks.isCancelled()) continue;
      f.cancelSent = true;
      this.postTo(slot, { type: 'cancel-task', sweepId: f.sweepId, taskId: f.taskId });
    }
  }

  pause(): void {
    const sweep = this.sweep;
    if (!sweep) return;
    if (sweep.pool) sweep.pool.paused = true;
    else this.postTo(this.main, { type: 'pause', sweepId: sweep.id });
    // Shown at once; the workers stop after the cells they are computing.
    this.opts.store.getState().setSweepStatus('paused', this.opts.now());
  }

  resume(): void {
    const sweep = this.sweep;
    if (!sweep) return;
    if (sweep.pool) {
      sweep.pool.paused = false;
      sweep.pool.wake?.();
    } else this.postTo(this.main, { type: 'resume', sweepId: sweep.id });
    this.opts.store.getState().setSweepStatus('running', this.opts.now());
  }

  stop(): void {
    const sweep = this.sweep;
    if (!sweep) return;
    sweep.stopping = true;
    if (sweep.pool) {
      sweep.pool.wake?.();
      this.sendCancels();
    } else this.postTo(this.main, { type: 'cancel', sweepId: sweep.id });
    this.opts.store.getState().setSweepStatus('stopping', this.opts.now());
    this.opts.marker?.set(null);
    // A long cell only sees the cancel between steps; a worker stuck in one step is replaced.
    this.stopTimer = setTimeout(() => {
      this.stopTimer = null;
      if (this.sweep !== sweep || this.disposed) return;
      if (sweep.pool) {
        // Their runs end as failed; the scheduler, stopping, hands nothing out again.
        for (const slot of this.slots)
          if (slot.flight) this.respawn(slot, this.chainFrom(slot), null);
        return;
      }
      const m = this.main;
      m.worker?.terminate();
      m.worker = null;
      this.flush();
      this.sweep = null;
      this.opts.store.getState().setSweepStatus('stopped', this.opts.now());
      this.spawn(m, this.chainFrom(m));
    }, this.opts.stopTimeoutMs ?? 5000);
  }

  /** The chain from the slot's current backend on. */
  private chainFrom(slot: Slot): BackendName[] {
    const pos = slot.backend ? slot.chain.indexOf(slot.backend) : 0;
    return slot.chain.slice(Math.max(0, pos));
  }

  private finish(cancelled: boolean): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = null;
    this.sweep = null;
    if (!cancelled) this.opts.marker?.set(null);
    // A pool size chosen during the sweep applies now.
    this.resize();
    this.publishPool();
  }

  /**
   * Restart the pool on another backend chain (e.g. wasm when the GPU is a software one).
   * Refused while a sweep runs; returns whether it restarted.
   */
  switchBackends(chain: BackendName[], gpuPolicy: GpuPolicy = this.gpuPolicy): boolean {
    if (this.sweep || chain.length === 0) return false;
    this.gpuPolicy = gpuPolicy;
    for (const slot of this.slots) {
      slot.worker?.terminate();
      slot.worker = null;
    }
    this.slots = [this.newSlot(0, chain)];
    this.spawn(this.main, chain);
    return true;
  }

  /**
   * Send user files to every worker, which parses them (worker 0 also caches them). The File
   * handles are kept, so a worker started later gets them too unless it restored them itself.
   */
  async loadFiles(dataset: FileDataset, files: readonly File[]): Promise<void> {
    const st = this.opts.store.getState();
    st.setDatasetLoading(dataset, null);
    this.files.set(dataset, files);
    try {
      const data = await Promise.all(
        files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })),
      );
      const slots = this.slots.filter((s) => s.worker !== null);
      slots.forEach((slot, i) => {
        slot.filesSent.add(dataset);
        const last = i === slots.length - 1;
        // Copied to every worker but the last, which takes the buffers themselves.
        this.postTo(
          slot,
          { type: 'load-files', dataset, files: data, ...(slot.index > 0 && { cache: false }) },
          last ? data.map((d) => d.bytes) : [],
        );
      });
    } catch (err) {
      st.setDatasetLoading(null, `could not read the files: ${errorMessage(err)}`);
    }
  }

  /** A new or restarted worker gets the user's files it does not hold yet. */
  private async sendFiles(slot: Slot): Promise<void> {
    const worker = slot.worker;
    for (const [dataset, files] of this.files) {
      if (slot.filesSent.has(dataset)) continue;
      slot.filesSent.add(dataset);
      try {
        const data = await Promise.all(
          files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })),
        );
        if (slot.worker !== worker) return;
        this.postTo(
          slot,
          { type: 'load-files', dataset, files: data, cache: slot.index === 0, ifMissing: true },
          data.map((d) => d.bytes),
        );
      } catch (err) {
        console.warn(`worker ${slot.index + 1}: could not read the files: ${errorMessage(err)}`);
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    for (const slot of this.slots) {
      slot.worker?.terminate();
      slot.worker = null;
    }
  }
}

const cpuDefault = { size: 1, why: 'one worker' };
