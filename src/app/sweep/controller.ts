/**
 * The app's side of the worker: starts it on the best backend, turns the store's intent (run,
 * pause, stop, load files) into commands, and worker events into store updates at most once per
 * animation frame. If the backend dies mid-sweep (a fatal `error` event, or the worker itself
 * crashing) it restarts the worker on the next backend of the chain and resumes the sweep with
 * every finished run passed as `done`, so no finished cell is computed twice. A worker that
 * vanishes without a word (terminated by the browser, say) is noticed through a Web Lock it holds
 * for its whole life, and restarted on the same backend once.
 */
import type { Settings } from '../../core/settings/schema';
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
}

interface ActiveSweep {
  id: string;
  key: string;
  settings: Settings;
  mnistSource: MnistSource;
  stopping: boolean;
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

export class SweepController {
  private worker: WorkerLike | null = null;
  /** Backends the current worker may use, best first. */
  private chain: BackendName[];
  private gpuPolicy: GpuPolicy;
  private backend: BackendName | null = null;
  private sweep: ActiveSweep | null = null;
  private queue: WorkerEvent[] = [];
  private flushPending = false;
  private counter = 0;
  private stopTimer: ReturnType<typeof setTimeout> | null = null;
  private failAfterRuns: number | undefined;
  private loseDeviceAfterRuns: number | undefined;
  /** Workers lost without a word since the last finished run. */
  private lostStreak = 0;
  /** The lock the current worker was asked to hold. */
  private lockName: string | null = null;
  /** Sweep to restart once the replacement worker is ready. */
  private resumeAfterReady: { paused: boolean } | null = null;
  private disposed = false;

  constructor(private readonly opts: ControllerOptions) {
    this.chain = [...(opts.backends ?? BACKEND_CHAIN)];
    this.gpuPolicy = opts.gpuPolicy ?? 'skip-software';
    this.failAfterRuns = opts.failAfterRuns;
    this.loseDeviceAfterRuns = opts.loseDeviceAfterRuns;
  }

  /** Start the worker on the first backend of the chain that works. */
  boot(): void {
    this.spawn(this.chain);
  }

  private spawn(chain: BackendName[]): void {
    const { store } = this.opts;
    this.chain = chain;
    this.backend = null;
    store.getState().setBackend(null, 'booting');
    let worker: WorkerLike;
    try {
      worker = this.opts.createWorker();
    } catch (err) {
      this.giveUp(
        `the worker could not start: ${err instanceof Error ? err.message : String(err)}`,
      );
      return;
    }
    this.worker = worker;
    worker.onmessage = (ev) => {
      if (this.worker === worker) this.onEvent(ev.data);
    };
    worker.onerror = (ev) => {
      if (this.worker !== worker) return;
      const msg = ev.message || 'the worker crashed';
      this.onFatal(msg);
    };
    this.lockName = this.opts.aliveLock?.name() ?? null;
    this.post({
      type: 'init',
      backends: chain,
      gpuPolicy: this.gpuPolicy,
      ...(this.lockName !== null ? { aliveLock: this.lockName } : {}),
    });
  }

  /** Once the worker holds its lock, wait for the lock: it frees only when the worker dies. */
  private watch(worker: WorkerLike, lock: string): void {
    void this.opts.aliveLock?.released(lock).then(() => {
      if (this.worker === worker && !this.disposed) this.onWorkerLost();
    });
  }

  private post(cmd: Command, transfer: Transferable[] = []): void {
    this.worker?.postMessage(cmd, transfer);
  }

  private onEvent(e: WorkerEvent): void {
    const st = this.opts.store.getState();
    switch (e.type) {
      case 'ready':
        this.backend = e.backend;
        if (this.worker && e.alive !== undefined && e.alive === this.lockName)
          this.watch(this.worker, e.alive);
        st.setBackend({ name: e.backend, adapter: e.adapter, refused: e.refused }, 'ready');
        if (this.resumeAfterReady) {
          const { paused } = this.resumeAfterReady;
          this.resumeAfterReady = null;
          this.startSweep(paused);
        }
        return;
      case 'dataset':
        st.setDataset(e.dataset, { count: e.count, files: e.files, cached: e.cached });
        return;
      case 'error':
        this.onError(e);
        return;
      default:
        break;
    }
    const sweep = this.sweep;
    if (!sweep || e.sweepId !== sweep.id) return; // a late event of an older sweep
    if (e.type === 'run' || e.type === 'column') this.persist(sweep.key, e);
    if (e.type === 'run') this.lostStreak = 0;
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

  private onError(e: Extract<WorkerEvent, { type: 'error' }>): void {
    const st = this.opts.store.getState();
    if (e.fatal && e.where === 'backend' && this.backend === null) {
      // init itself failed on every backend it was offered.
      this.giveUp(e.message);
      return;
    }
    if (e.fatal) {
      this.onFatal(e.message);
      return;
    }
    if (e.where === 'load-files') {
      st.setDatasetLoading(null, e.message);
      return;
    }
    if (this.sweep && e.sweepId === this.sweep.id) {
      st.setError(e.message);
      return;
    }
    console.warn(`worker: ${e.message}`);
  }

  /** The backend is unusable: move down the chain, resuming the sweep if one was running. */
  private onFatal(reason: string): void {
    const failed = this.backend ?? this.chain[0] ?? 'cpu';
    const pos = this.chain.indexOf(failed);
    const rest = this.chain.slice(pos + 1);
    if (rest.length === 0) {
      this.worker?.terminate();
      this.worker = null;
      this.flush();
      this.giveUp(`${failed}: ${reason}`);
      return;
    }
    this.respawn(rest, `${failed} failed (${reason}); restarted on ${rest[0]}`);
  }

  /**
   * The worker died without a word. Its backend gets one more chance (the browser may have
   * reclaimed it); a second loss before any run finishes counts as the backend failing.
   */
  private onWorkerLost(): void {
    if (this.lostStreak > 0) {
      this.onFatal('its worker stopped twice');
      return;
    }
    this.lostStreak++;
    const backend = this.backend ?? this.chain[0] ?? 'cpu';
    const chain = this.chain.slice(Math.max(0, this.chain.indexOf(backend)));
    this.respawn(chain, `the worker on ${backend} stopped unexpectedly; restarted it`);
  }

  /** Replace the worker by one on `chain`, resuming the sweep (if any) once it is ready. */
  private respawn(chain: BackendName[], note: string): void {
    const st = this.opts.store.getState();
    this.worker?.terminate();
    this.worker = null;
    // Finished runs still queued become part of `done`, so none is computed again.
    this.flush();
    const sweep = this.sweep;
    st.noteRestart(note);
    // The test hooks fire once: the replacement runs normally.
    this.failAfterRuns = undefined;
    this.loseDeviceAfterRuns = undefined;
    this.sweep = null;
    if (sweep && !sweep.stopping) {
      this.resumeAfterReady = { paused: st.status === 'paused' };
    } else if (sweep) {
      st.setSweepStatus('stopped', this.opts.now());
      this.opts.marker?.set(null);
    }
    this.spawn(chain);
  }

  private giveUp(reason: string): void {
    const st = this.opts.store.getState();
    this.worker?.terminate();
    this.worker = null;
    this.sweep = null;
    this.resumeAfterReady = null;
    st.setBackend(null, 'failed');
    st.setError(`No backend could run the sweep: ${reason}`);
    if (st.status !== 'idle' && st.status !== 'done') st.setSweepStatus('error', this.opts.now());
  }

  /** Why Run cannot start now, or null. */
  cannotStart(): string | null {
    const st = this.opts.store.getState();
    if (st.imported) return 'Close the imported results to run a sweep.';
    if (st.workerState === 'failed') return 'No backend is available.';
    if (
      st.status === 'starting' ||
      st.status === 'running' ||
      st.status === 'paused' ||
      st.status === 'stopping'
    )
      return 'A sweep is already running.';
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
    this.sweep = { id, key, settings: st.settings, mnistSource: st.mnistSource, stopping: false };
    st.beginSweep(id, this.opts.now());
    const cmd: Extract<Command, { type: 'start' }> = {
      type: 'start',
      sweepId: id,
      settings: st.settings,
      done: Object.values(st.runs),
      mnistSource: st.mnistSource,
    };
    if (this.failAfterRuns !== undefined) cmd.failAfterRuns = this.failAfterRuns;
    if (this.loseDeviceAfterRuns !== undefined) cmd.loseDeviceAfterRuns = this.loseDeviceAfterRuns;
    this.post(cmd);
    if (paused) this.pause();
    this.opts.marker?.set(key);
  }

  pause(): void {
    if (!this.sweep) return;
    this.post({ type: 'pause', sweepId: this.sweep.id });
    // Shown at once; the worker stops after the cell it is computing.
    this.opts.store.getState().setSweepStatus('paused', this.opts.now());
  }

  resume(): void {
    if (!this.sweep) return;
    this.post({ type: 'resume', sweepId: this.sweep.id });
    this.opts.store.getState().setSweepStatus('running', this.opts.now());
  }

  stop(): void {
    const sweep = this.sweep;
    if (!sweep) return;
    sweep.stopping = true;
    this.post({ type: 'cancel', sweepId: sweep.id });
    this.opts.store.getState().setSweepStatus('stopping', this.opts.now());
    this.opts.marker?.set(null);
    // A long cell only sees the cancel between steps; a worker stuck in one step is replaced.
    this.stopTimer = setTimeout(() => {
      this.stopTimer = null;
      if (this.sweep !== sweep || this.disposed) return;
      this.worker?.terminate();
      this.worker = null;
      this.flush();
      this.sweep = null;
      this.opts.store.getState().setSweepStatus('stopped', this.opts.now());
      const pos = this.backend ? this.chain.indexOf(this.backend) : 0;
      this.spawn(this.chain.slice(Math.max(0, pos)));
    }, this.opts.stopTimeoutMs ?? 5000);
  }

  private finish(cancelled: boolean): void {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = null;
    this.sweep = null;
    if (!cancelled) this.opts.marker?.set(null);
  }

  /**
   * Restart the worker on another backend chain (e.g. wasm when the GPU is a software one).
   * Refused while a sweep runs; returns whether it restarted.
   */
  switchBackends(chain: BackendName[], gpuPolicy: GpuPolicy = this.gpuPolicy): boolean {
    if (this.sweep || chain.length === 0) return false;
    this.gpuPolicy = gpuPolicy;
    this.worker?.terminate();
    this.worker = null;
    this.spawn(chain);
    return true;
  }

  /** Send user files to the worker, which parses (and caches) them. */
  async loadFiles(dataset: FileDataset, files: readonly File[]): Promise<void> {
    const st = this.opts.store.getState();
    st.setDatasetLoading(dataset, null);
    try {
      const data = await Promise.all(
        files.map(async (f) => ({ name: f.name, bytes: await f.arrayBuffer() })),
      );
      this.post(
        { type: 'load-files', dataset, files: data },
        data.map((d) => d.bytes),
      );
    } catch (err) {
      st.setDatasetLoading(
        null,
        `could not read the files: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.worker?.terminate();
    this.worker = null;
  }
}
