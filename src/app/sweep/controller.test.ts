import { describe, expect, it } from 'vitest';
import { cloneDefaults } from '../../core/settings/codec';
import type { Settings } from '../../core/settings/schema';
import type { RunRecord } from '../../core/sweep/records';
import type { BackendName, Command, WorkerEvent } from '../../worker/protocol';
import { memoryRunStore, type RunStore } from '../storage/runStore';
import { createAppStore } from '../store/store';
import { SweepController, type WorkerLike } from './controller';
import { resultsKey } from './resultsKey';

class FakeWorker implements WorkerLike {
  sent: Command[] = [];
  terminated = false;
  onmessage: ((ev: MessageEvent<WorkerEvent>) => void) | null = null;
  onerror: ((ev: ErrorEvent) => void) | null = null;
  postMessage(message: Command): void {
    this.sent.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  emit(e: WorkerEvent): void {
    this.onmessage?.({ data: e } as MessageEvent<WorkerEvent>);
  }
  last<T extends Command['type']>(type: T): Extract<Command, { type: T }> | undefined {
    return [...this.sent].reverse().find((c) => c.type === type) as never;
  }
}

function run(c: number, over: Partial<RunRecord> = {}): RunRecord {
  return {
    type: 'run',
    depth: 2,
    width: 64,
    seed: 0,
    orderSeed: 0,
    c,
    eta: c / 10,
    lambda0: 10,
    loss0: 0.5,
    diverged: false,
    divergedAt: null,
    regime: 'stable',
    loss: [0.5, 0.4],
    sharpness: [10, 9],
    lanczosIters: [5, 2],
    lanczosResidual: [1e-5, 1e-5],
    lossRatioMax: 1,
    sharpRatioMax: 0.9,
    sharpRatioFinal: 0.9,
    seconds: 0.1,
    ...over,
  };
}

/** Web Locks as the controller sees them: a lock is released when its test worker "dies". */
class FakeLocks {
  private waiting = new Map<string, () => void>();
  names: string[] = [];
  readonly api = {
    name: (): string => {
      const n = `lock-${this.names.length + 1}`;
      this.names.push(n);
      return n;
    },
    released: (name: string): Promise<void> =>
      new Promise<void>((resolve) => this.waiting.set(name, resolve)),
  };
  release(name: string): void {
    this.waiting.get(name)?.();
  }
}

function setup(
  opts: {
    failAfterRuns?: number;
    backends?: BackendName[];
    settings?: Partial<Settings>;
    locks?: FakeLocks;
    runStore?: RunStore;
  } = {},
) {
  const store = createAppStore();
  const settings = { ...cloneDefaults(), ...opts.settings };
  store.getState().replaceSettings(settings);
  store.getState().setResults(resultsKey(store.getState().settings, 'builtin'), [], []);
  const workers: FakeWorker[] = [];
  const runStore = opts.runStore ?? memoryRunStore();
  let marker: string | null = null;
  const controller = new SweepController({
    store,
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    runStore: Promise.resolve(runStore),
    backends: opts.backends ?? ['webgpu', 'webgl', 'wasm', 'cpu'],
    now: () => 0,
    scheduleFlush: (f) => f(),
    marker: { get: () => marker, set: (k) => void (marker = k) },
    stopTimeoutMs: 20,
    ...(opts.failAfterRuns !== undefined ? { failAfterRuns: opts.failAfterRuns } : {}),
    ...(opts.locks ? { aliveLock: opts.locks.api } : {}),
  });
  controller.boot();
  const worker = (): FakeWorker => workers[workers.length - 1]!;
  return { store, controller, workers, worker, runStore, marker: () => marker };
}

describe('SweepController', () => {
  it('starts the worker on the whole chain and shows the backend it reports', () => {
    const { store, worker } = setup();
    expect(worker().sent[0]).toEqual({
      type: 'init',
      gpuPolicy: 'skip-software',
      backends: ['webgpu', 'webgl', 'wasm', 'cpu'],
    });
    expect(store.getState().workerState).toBe('booting');
    worker().emit({
      type: 'ready',
      backend: 'webgl',
      adapter: null,
      refused: [{ backend: 'webgpu', reason: 'no adapter' }],
    });
    expect(store.getState().backend).toEqual({
      name: 'webgl',
      adapter: null,
      refused: [{ backend: 'webgpu', reason: 'no adapter' }],
    });
    expect(store.getState().workerState).toBe('ready');
  });

  it('runs a sweep: events reach the store, runs are persisted, the marker is cleared at the end', async () => {
    const { store, controller, worker, runStore, marker } = setup();
    worker().emit({ type: 'ready', backend: 'wasm', adapter: null, refused: [] });
    expect(controller.start()).toBeNull();
    const start = worker().last('start')!;
    expect(start.done).toEqual([]);
    expect(marker()).toBe(store.getState().resultsKey);
    worker().emit({
      type: 'column-start',
      sweepId: start.sweepId,
      depth: 2,
      width: 64,
      seed: 0,
      orderSeed: 0,
      lambda0: 10,
      loss0: 0.5,
    });
    worker().emit({
      type: 'steps',
      sweepId: start.sweepId,
      updates: [
        {
          depth: 2,
          width: 64,
          seed: 0,
          orderSeed: 0,
          c: 1,
          step: 1,
          lossRatio: new Float64Array([1, 0.8]),
          sharpRatio: new Float64Array([1, 0.9]),
        },
      ],
    });
    expect(store.getState().status).toBe('running');
    expect(Object.keys(store.getState().live)).toHaveLength(1);
    worker().emit({ type: 'run', sweepId: start.sweepId, record: run(1) });
    expect(Object.keys(store.getState().live)).toHaveLength(0);
    expect(store.getState().computedRuns).toBe(1);
    worker().emit({ type: 'done', sweepId: start.sweepId, cancelled: false, runs: 1, seconds: 1 });
    expect(store.getState().status).toBe('done');
    expect(marker()).toBeNull();
    await new Promise((r) => setTimeout(r, 0));
    const stored = await runStore.load(store.getState().resultsKey!);
    expect(stored.runs).toHaveLength(1);
  });

  it('drops events of an older sweep', () => {
    const { store, controller, worker } = setup();
    worker().emit({ type: 'ready', backend: 'wasm', adapter: null, refused: [] });
    controller.start();
    worker().emit({ type: 'run', sweepId: 'someone-else', record: run(1) });
    expect(store.getState().computedRuns).toBe(0);
  });

  it('restarts on the next backend after a fatal error and resumes with the finished runs', () => {
    const { store, controller, workers, worker } = setup({ failAfterRuns: 1 });
    worker().emit({ type: 'ready', backend: 'webgpu', adapter: 'SwiftShader', refused: [] });
    controller.start();
    const first = worker().last('start')!;
    expect(first.failAfterRuns).toBe(1);
    worker().emit({ type: 'run', sweepId: first.sweepId, record: run(1) });
    worker().emit({
      type: 'error',
      where: 'sweep',
      message: 'device lost',
      fatal: true,
      sweepId: first.sweepId,
    });
    expect(workers).toHaveLength(2);
    expect(workers[0]!.terminated).toBe(true);
    expect(worker().sent[0]).toEqual({
      type: 'init',
      backends: ['webgl', 'wasm', 'cpu'],
      gpuPolicy: 'skip-software',
    });
    expect(store.getState().restarts[0]).toContain('webgpu failed (device lost)');
    worker().emit({ type: 'ready', backend: 'webgl', adapter: null, refused: [] });
    const second = worker().last('start')!;
    expect(second.sweepId).not.toBe(first.sweepId);
    expect(second.done.map((r) => r.c)).toEqual([1]);
    expect(second.failAfterRuns).toBeUndefined();
    expect(store.getState().status).toBe('starting');
  });

  it('notices a worker that dies without a word (its lock frees) and restarts it on the same backend once', async () => {
    const locks = new FakeLocks();
    const { store, controller, workers, worker } = setup({ locks });
    expect(worker().sent[0]).toEqual({
      type: 'init',
      gpuPolicy: 'skip-software',
      backends: ['webgpu', 'webgl', 'wasm', 'cpu'],
      aliveLock: 'lock-1',
    });
    worker().emit({ type: 'ready', backend: 'webgl', adapter: null, refused: [], alive: 'lock-1' });
    controller.start();
    const first = worker().last('start')!;
    worker().emit({ type: 'run', sweepId: first.sweepId, record: run(1) });
    locks.release('lock-1');
    await Promise.resolve();
    expect(workers).toHaveLength(2);
    expect(worker().sent[0]).toEqual({
      type: 'init',
      gpuPolicy: 'skip-software',
      backends: ['webgl', 'wasm', 'cpu'],
      aliveLock: 'lock-2',
    });
    expect(store.getState().restarts[0]).toContain('the worker on webgl stopped unexpectedly');
    worker().emit({ type: 'ready', backend: 'webgl', adapter: null, refused: [], alive: 'lock-2' });
    expect(
      worker()
        .last('start')!
        .done.map((r) => r.c),
    ).toEqual([1]);
    // Lost again before any run finished: the backend is to blame, move down the chain.
    locks.release('lock-2');
    await Promise.resolve();
    expect(workers).toHaveLength(3);
    expect(worker().sent[0]).toMatchObject({ backends: ['wasm', 'cpu'] });
    expect(store.getState().restarts[1]).toContain('webgl failed (its worker stopped twice)');
  });

  it('ignores the lock of a worker it replaced itself, and a ready without the lock', async () => {
    const locks = new FakeLocks();
    const { controller, workers, worker } = setup({ locks });
    worker().emit({ type: 'ready', backend: 'wasm', adapter: null, refused: [], alive: 'lock-1' });
    expect(controller.switchBackends(['cpu'])).toBe(true);
    locks.release('lock-1');
    await Promise.resolve();
    expect(workers).toHaveLength(2);
    // This worker could not take its lock (no Web Locks there): nothing is watched.
    worker().emit({ type: 'ready', backend: 'cpu', adapter: null, refused: [] });
    locks.release('lock-2');
    await Promise.resolve();
    expect(workers).toHaveLength(2);
  });

  it('says storage is full when a write fails with QuotaExceededError, and carries on', async () => {
    const full: RunStore = {
      ...memoryRunStore(),
      putRun: () => Promise.reject(new DOMException('quota', 'QuotaExceededError')),
    };
    const { store, controller, worker } = setup({ runStore: full });
    worker().emit({ type: 'ready', backend: 'wasm', adapter: null, refused: [] });
    controller.start();
    const start = worker().last('start')!;
    worker().emit({ type: 'run', sweepId: start.sweepId, record: run(1) });
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().persistence).toBe('full');
    expect(store.getState().computedRuns).toBe(1);
  });

  it('treats a crashed worker like a fatal error', () => {
    const { workers, worker } = setup();
    worker().emit({ type: 'ready', backend: 'wasm', adapter: null, refused: [] });
    worker().onerror?.({ message: 'out of memory' } as ErrorEvent);
    expect(workers).toHaveLength(2);
    expect(worker().sent[0]).toEqual({
      type: 'init',
      backends: ['cpu'],
      gpuPolicy: 'skip-software',
    });
  });

  it('gives up when the last backend fails, saying why', () => {
    const { store, controller, worker } = setup({ backends: ['cpu'] });
    worker().emit({ type: 'ready', backend: 'cpu', adapter: null, refused: [] });
    controller.start();
    worker().emit({
      type: 'error',
      where: 'sweep',
      message: 'boom',
      fatal: true,
      sweepId: worker().last('start')!.sweepId,
    });
    expect(store.getState().workerState).toBe('failed');
    expect(store.getState().status).toBe('error');
    expect(store.getState().error).toContain('boom');
  });

  it('gives up at once when init fails on every backend', () => {
    const { store, workers, worker } = setup();
    worker().emit({
      type: 'error',
      where: 'backend',
      message: 'no backend could start',
      fatal: true,
    });
    expect(workers).toHaveLength(1);
    expect(store.getState().workerState).toBe('failed');
  });

  it('pauses, resumes and stops', () => {
    const { store, controller, worker, marker } = setup();
    worker().emit({ type: 'ready', backend: 'wasm', adapter: null, refused: [] });
    controller.start();
    const id = worker().last('start')!.sweepId;
    controller.pause();
    expect(worker().last('pause')).toEqual({ type: 'pause', sweepId: id });
    expect(store.getState().status).toBe('paused');
    controller.resume();
    expect(store.getState().status).toBe('running');
    controller.stop();
    expect(worker().last('cancel')).toEqual({ type: 'cancel', sweepId: id });
    expect(store.getState().status).toBe('stopping');
    expect(marker()).toBeNull();
    worker().emit({ type: 'done', sweepId: id, cancelled: true, runs: 0, seconds: 0 });
    expect(store.getState().status).toBe('stopped');
  });

  it('replaces a worker that does not answer Stop in time', async () => {
    const { store, controller, workers, worker } = setup();
    worker().emit({ type: 'ready', backend: 'wasm', adapter: null, refused: [] });
    controller.start();
    controller.stop();
    await new Promise((r) => setTimeout(r, 40));
    expect(workers).toHaveLength(2);
    expect(workers[0]!.terminated).toBe(true);
    expect(worker().sent[0]).toEqual({
      type: 'init',
      backends: ['wasm', 'cpu'],
      gpuPolicy: 'skip-software',
    });
    expect(store.getState().status).toBe('stopped');
  });

  it('will not start without the files a dataset needs, or before results are loaded', () => {
    const { store, controller, worker } = setup({ settings: { dataset: 'cifar10' } });
    worker().emit({ type: 'ready', backend: 'wasm', adapter: null, refused: [] });
    store.getState().setResults(resultsKey(store.getState().settings, 'builtin'), [], []);
    expect(controller.start()).toMatch(/CIFAR-10/);
    worker().emit({
      type: 'dataset',
      dataset: 'cifar10',
      count: 10000,
      files: ['data_batch_1.bin'],
      cached: false,
    });
    expect(store.getState().datasets.cifar10?.count).toBe(10000);
    expect(controller.start()).toBeNull();
  });

  it('passes stored runs as done', () => {
    const { store, controller, worker } = setup();
    worker().emit({ type: 'ready', backend: 'wasm', adapter: null, refused: [] });
    store.getState().setResults(store.getState().resultsKey!, [run(1), run(2)], []);
    controller.start();
    expect(
      worker()
        .last('start')!
        .done.map((r) => r.c)
        .sort(),
    ).toEqual([1, 2]);
  });

  it('switches to another backend chain on request, but not mid-sweep', () => {
    const { controller, workers, worker } = setup();
    worker().emit({
      type: 'ready',
      backend: 'webgpu',
      adapter: 'google · swiftshader',
      refused: [],
    });
    controller.start();
    expect(controller.switchBackends(['wasm', 'cpu'])).toBe(false);
    worker().emit({
      type: 'done',
      sweepId: worker().last('start')!.sweepId,
      cancelled: false,
      runs: 0,
      seconds: 0,
    });
    expect(controller.switchBackends(['wasm', 'cpu'])).toBe(true);
    expect(workers[0]!.terminated).toBe(true);
    expect(worker().sent[0]).toEqual({
      type: 'init',
      backends: ['wasm', 'cpu'],
      gpuPolicy: 'skip-software',
    });
    // The user's "use the GPU anyway": the whole chain, software GPUs allowed, kept for restarts.
    expect(controller.switchBackends(['webgpu', 'wasm'], 'any')).toBe(true);
    expect(worker().sent[0]).toEqual({
      type: 'init',
      backends: ['webgpu', 'wasm'],
      gpuPolicy: 'any',
    });
    worker().emit({ type: 'error', where: 'backend', message: 'gone', fatal: true });
    expect(worker().sent[0]).toMatchObject({ gpuPolicy: 'any' });
  });

  it('stores but does not draw runs of a sweep whose settings were replaced meanwhile', async () => {
    const { store, controller, worker, runStore } = setup();
    worker().emit({ type: 'ready', backend: 'wasm', adapter: null, refused: [] });
    controller.start();
    const oldKey = store.getState().resultsKey!;
    const id = worker().last('start')!.sweepId;
    controller.stop();
    store.getState().replaceSettings({ ...store.getState().settings, steps: 33 });
    store.getState().setResults(resultsKey(store.getState().settings, 'builtin'), [], []);
    worker().emit({ type: 'run', sweepId: id, record: run(1) });
    worker().emit({ type: 'done', sweepId: id, cancelled: true, runs: 1, seconds: 0 });
    expect(store.getState().runs).toEqual({});
    expect(store.getState().status).toBe('stopped');
    await new Promise((r) => setTimeout(r, 0));
    expect((await runStore.load(oldKey)).runs).toHaveLength(1);
  });

  it('reports bad files without touching the sweep', () => {
    const { store, worker } = setup();
    worker().emit({ type: 'ready', backend: 'wasm', adapter: null, refused: [] });
    store.getState().setDatasetLoading('cifar10', null);
    worker().emit({
      type: 'error',
      where: 'load-files',
      message: 'x.bin: not CIFAR-10',
      fatal: false,
    });
    expect(store.getState().datasetError).toBe('x.bin: not CIFAR-10');
    expect(store.getState().datasetLoading).toBeNull();
    expect(store.getState().status).toBe('idle');
  });
});
