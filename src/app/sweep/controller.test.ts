import { describe, expect, it } from 'vitest';
import { cloneDefaults } from '../../core/settings/codec';
import type { Settings } from '../../core/settings/schema';
import { runId, type RunRecord } from '../../core/sweep/records';
import type { BackendName, Command, WorkerEvent } from '../../worker/protocol';
import { memoryRunStore, type RunStore } from '../storage/runStore';
import { createAppStore } from '../store/store';
import { SweepController, type WorkerLike } from './controller';
import type { PoolChoice } from './poolSize';
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
    pool?: PoolChoice;
    cpuPool?: number;
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
    ...(opts.pool !== undefined ? { pool: opts.pool } : {}),
    ...(opts.cpuPool !== undefined
      ? { cpuPool: { size: opts.cpuPool, why: `${opts.cpuPool} cores` } }
      : {}),
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

/** Lets the scheduler's promise chains run (it hands out work from promise callbacks). */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}

type TaskCmd = Extract<Command, { type: 'task' }>;

function tasksOf(w: FakeWorker): TaskCmd[] {
  return w.sent.filter((c): c is TaskCmd => c.type === 'task');
}

/** The worker's answer to a task: a step, then the finished run (or null when cancelled). */
function answer(w: FakeWorker, t: TaskCmd, over: Partial<RunRecord> | null = {}): void {
  w.emit({
    type: 'task-step',
    sweepId: t.sweepId,
    taskId: t.taskId,
    step: 0,
    loss: [0.5],
    sharpness: [10],
  });
  if (over === null) {
    w.emit({ type: 'task-done', sweepId: t.sweepId, taskId: t.taskId, raw: null, seconds: 0 });
    return;
  }
  const {
    regime: _r,
    lossRatioMax: _l,
    sharpRatioMax: _s,
    sharpRatioFinal: _f,
    seconds: _t,
    ...raw
  } = run(t.c, { ...t.column, ...over });
  w.emit({ type: 'task-done', sweepId: t.sweepId, taskId: t.taskId, raw, seconds: 0.1 });
}

const DIVERGED: Partial<RunRecord> = { diverged: true, divergedAt: 1, loss: [0.5, 1e9] };

const idOf = (c: number): string => runId({ depth: 2, width: 64, seed: 0, orderSeed: 0, c });
const cs = (runs: Record<string, RunRecord>): number[] =>
  Object.values(runs)
    .map((r) => r.c)
    .sort((a, b) => a - b);

/** One column, c = 1, 2, 4, 8: two workers take two c values at a time. */
const POOL_SETTINGS: Partial<Settings> = {
  dataset: 'synthetic',
  depths: [2],
  widths: [64],
  seeds: [0],
  cGrid: { kind: 'list', values: [1, 2, 4, 8] },
  search: 'grid',
  ensemble: 1,
};

function poolSetup(extra: Parameters<typeof setup>[0] = {}) {
  const h = setup({ cpuPool: 2, settings: POOL_SETTINGS, ...extra });
  h.workers[0]!.emit({ type: 'ready', backend: 'wasm', adapter: null, refused: [] });
  h.workers[1]!.emit({ type: 'ready', backend: 'wasm', adapter: null, refused: [] });
  return h;
}

/** A column start as a worker reports it (the values only need to be recognisable). */
const INIT = {
  loss0: 0.5,
  lambda0: 10,
  lambda0Iters: 7,
  lambda0Residual: 1e-4,
  lambda0Hvps: 7,
  vector: new Float32Array([0.6, 0.8]),
};

/**
 * Starts a pool sweep as real workers would: worker 0's first task measures its column's λ_0 and
 * reports it (`task-init`) before the scheduler hands that column's other runs out.
 */
async function startPool(
  controller: { start(): string | null },
  workers: readonly FakeWorker[],
): Promise<void> {
  expect(controller.start()).toBeNull();
  await settle();
  const first = tasksOf(workers[0]!)[0];
  if (!first) return;
  workers[0]!.emit({ type: 'task-init', sweepId: first.sweepId, taskId: first.taskId, init: INIT });
  await settle();
}

describe('SweepController with a pool of workers', () => {
  it('starts the rest of the pool on the backend worker 0 found, without probing again', () => {
    const { controller, workers } = setup({ cpuPool: 3 });
    expect(workers).toHaveLength(1);
    workers[0]!.emit({ type: 'ready', backend: 'webgl', adapter: 'SwiftShader', refused: [] });
    expect(workers).toHaveLength(3);
    // Worker 0 judged the GPU; the others take it untested (no second timed probe).
    expect(workers[0]!.sent[0]).toMatchObject({ gpuPolicy: 'skip-software' });
    expect(workers[2]!.sent[0]).toEqual({
      type: 'init',
      backends: ['webgl', 'wasm', 'cpu'],
      gpuPolicy: 'any',
    });
    expect(controller.pool.getState()).toMatchObject({ size: 3, why: '3 cores', ready: 1 });
  });

  it('defaults to one worker on a real GPU and says why; a number chosen by the user wins', () => {
    const { controller, workers } = setup({ cpuPool: 4 });
    workers[0]!.emit({ type: 'ready', backend: 'webgpu', adapter: 'nvidia · ampere', refused: [] });
    expect(workers).toHaveLength(1);
    expect(controller.pool.getState().why).toMatch(/one GPU/);
    expect(controller.pool.getState().auto.size).toBe(1);
    controller.setPoolSize(2);
    expect(workers).toHaveLength(2);
    expect(controller.pool.getState()).toMatchObject({ size: 2, choice: 2, why: 'your choice' });
    controller.setPoolSize('auto');
    expect(workers[1]!.terminated).toBe(true);
    expect(controller.pool.getState().size).toBe(1);
  });

  it('runs a grid column on two workers: records in order as they finish, nothing above the divergence', async () => {
    const { store, controller, workers, runStore, marker } = poolSetup();
    await startPool(controller, workers);
    const [w0, w1] = [workers[0]!, workers[1]!];
    expect(tasksOf(w0).map((t) => t.c)).toEqual([1]);
    expect(tasksOf(w1).map((t) => t.c)).toEqual([2]);
    // c = 2 went out only once worker 0 had measured the column's λ_0, and carries it.
    expect(tasksOf(w0)[0]!.init).toBeUndefined();
    expect(tasksOf(w1)[0]!.init).toEqual(INIT);
    expect(controller.pool.getState().sweepWorkers).toBe(2);
    // c = 2 finishes first: drawn as running, not as a finished cell, until c = 1 is in.
    answer(w1, tasksOf(w1)[0]!);
    await settle();
    expect(store.getState().computedRuns).toBe(0);
    expect(Object.keys(store.getState().live)).toEqual([idOf(2)]);
    answer(w0, tasksOf(w0)[0]!);
    await settle();
    expect(Object.values(store.getState().runs).map((r) => r.c)).toEqual([1, 2]);
    expect(store.getState().computedRuns).toBe(2);
    // Next: c = 4 and, speculatively, c = 8. c = 4 diverges, so c = 8 is cancelled and never shown.
    const t4 = [...tasksOf(w0), ...tasksOf(w1)].find((t) => t.c === 4)!;
    const t8 = [...tasksOf(w0), ...tasksOf(w1)].find((t) => t.c === 8)!;
    const w4 = tasksOf(w0).includes(t4) ? w0 : w1;
    const w8 = w4 === w0 ? w1 : w0;
    answer(w8, t8); // finished before c = 4: known, not yet recordable
    await settle();
    expect(store.getState().runs[idOf(8)]).toBeUndefined();
    answer(w4, t4, DIVERGED);
    await settle();
    const st = store.getState();
    expect(cs(st.runs)).toEqual([1, 2, 4]);
    expect(st.computedRuns).toBe(3);
    expect(Object.keys(st.live)).toEqual([]);
    expect(Object.values(st.columns).map((c) => [c.depth, c.width, c.seed])).toEqual([[2, 64, 0]]);
    expect(st.status).toBe('done');
    expect(marker()).toBeNull();
    expect(w0.last('end-sweep')).toMatchObject({ sweepId: t4.sweepId });
    expect(controller.pool.getState().sweepWorkers).toBeNull();
    await new Promise((r) => setTimeout(r, 0));
    expect((await runStore.load(st.resultsKey!)).runs).toHaveLength(3);
  });

  it('cancels a speculative run in flight once it is not needed, and stops drawing it', async () => {
    const { store, controller, workers } = poolSetup();
    await startPool(controller, workers);
    const [w0, w1] = [workers[0]!, workers[1]!];
    answer(w0, tasksOf(w0)[0]!); // c = 1
    answer(w1, tasksOf(w1)[0]!); // c = 2
    await settle();
    const t4 = [...tasksOf(w0), ...tasksOf(w1)].find((t) => t.c === 4)!;
    const t8 = [...tasksOf(w0), ...tasksOf(w1)].find((t) => t.c === 8)!;
    const w4 = tasksOf(w0).includes(t4) ? w0 : w1;
    const w8 = w4 === w0 ? w1 : w0;
    // c = 8 is a few steps in when c = 4 diverges.
    w8.emit({
      type: 'task-step',
      sweepId: t8.sweepId,
      taskId: t8.taskId,
      step: 0,
      loss: [0.5],
      sharpness: [10],
    });
    answer(w4, t4, DIVERGED);
    await settle();
    expect(w8.last('cancel-task')).toEqual({
      type: 'cancel-task',
      sweepId: t8.sweepId,
      taskId: t8.taskId,
    });
    w8.emit({ type: 'task-done', sweepId: t8.sweepId, taskId: t8.taskId, raw: null, seconds: 0 });
    await settle();
    expect(Object.keys(store.getState().live)).toEqual([]);
    expect(store.getState().runs[idOf(8)]).toBeUndefined();
    expect(store.getState().status).toBe('done');
  });

  it('a worker lost mid-run restarts alone; its run is handed out again; nothing lost or doubled', async () => {
    const locks = new FakeLocks();
    const { store, controller, workers } = setup({
      cpuPool: 2,
      settings: POOL_SETTINGS,
      locks,
    });
    workers[0]!.emit({
      type: 'ready',
      backend: 'wasm',
      adapter: null,
      refused: [],
      alive: 'lock-1',
    });
    workers[1]!.emit({
      type: 'ready',
      backend: 'wasm',
      adapter: null,
      refused: [],
      alive: 'lock-2',
    });
    await startPool(controller, workers);
    const [w0, w1] = [workers[0]!, workers[1]!];
    expect(tasksOf(w1).map((t) => t.c)).toEqual([2]);
    locks.release('lock-2');
    await settle();
    expect(workers).toHaveLength(3);
    expect(w0.terminated).toBe(false);
    expect(w1.terminated).toBe(true);
    expect(workers[2]!.sent[0]).toMatchObject({ type: 'init', backends: ['wasm', 'cpu'] });
    expect(store.getState().restarts[0]).toBe(
      'worker 2: the worker on wasm stopped unexpectedly; restarted it',
    );
    // Worker 0 finishes c = 1 and takes the lost c = 2 (the new worker is not ready yet).
    answer(w0, tasksOf(w0)[0]!);
    await settle();
    expect(tasksOf(w0).map((t) => t.c)).toEqual([1, 2]);
    workers[2]!.emit({
      type: 'ready',
      backend: 'wasm',
      adapter: null,
      refused: [],
      alive: 'lock-3',
    });
    await settle();
    const w2 = workers[2]!;
    expect(tasksOf(w2)).toHaveLength(1);
    // Answer everything until the sweep ends; nothing diverges.
    for (let i = 0; i < 10 && store.getState().status !== 'done'; i++) {
      for (const w of [w0, w2]) {
        const open = tasksOf(w).filter(
          (t) => !w.sent.some((c) => c.type === 'cancel-task' && c.taskId === t.taskId),
        );
        const last = open.at(-1);
        if (last && !(last as TaskCmd & { answered?: boolean }).answered) {
          (last as TaskCmd & { answered?: boolean }).answered = true;
          answer(w, last);
        }
      }
      await settle();
    }
    const st = store.getState();
    expect(st.status).toBe('done');
    expect(cs(st.runs)).toEqual([1, 2, 4, 8]);
    expect(st.computedRuns).toBe(4);
  });

  it('a fatal error in one worker moves that worker alone down the chain', async () => {
    const { store, controller, workers } = poolSetup({ failAfterRuns: 1 });
    await startPool(controller, workers);
    const [w0, w1] = [workers[0]!, workers[1]!];
    const t = tasksOf(w0)[0]!;
    expect(t.failAfterRuns).toBe(1);
    expect(tasksOf(w1)[0]!.failAfterRuns).toBeUndefined();
    answer(w0, t);
    w0.emit({
      type: 'error',
      where: 'sweep',
      message: 'device lost',
      fatal: true,
      sweepId: t.sweepId,
    });
    await settle();
    expect(w0.terminated).toBe(true);
    expect(w1.terminated).toBe(false);
    expect(workers[2]!.sent[0]).toMatchObject({ type: 'init', backends: ['cpu'] });
    expect(store.getState().restarts[0]).toContain('worker 1: wasm failed (device lost)');
    // The finished run was kept.
    expect(store.getState().runs[idOf(1)]).toBeDefined();
    expect(store.getState().status).toBe('running');
  });

  it('pause hands out no new run; stop cancels the runs in flight and ends the sweep', async () => {
    const { store, controller, workers } = poolSetup();
    await startPool(controller, workers);
    const [w0, w1] = [workers[0]!, workers[1]!];
    controller.pause();
    expect(store.getState().status).toBe('paused');
    answer(w0, tasksOf(w0)[0]!);
    answer(w1, tasksOf(w1)[0]!);
    await settle();
    // The runs in flight finish and are recorded; no new one starts while paused.
    expect(store.getState().computedRuns).toBe(2);
    expect(tasksOf(w0).length + tasksOf(w1).length).toBe(2);
    controller.resume();
    await settle();
    expect(tasksOf(w0).length + tasksOf(w1).length).toBe(4);
    controller.stop();
    expect(w0.last('cancel-task')?.taskId).toBe(tasksOf(w0).at(-1)!.taskId);
    expect(w1.last('cancel-task')?.taskId).toBe(tasksOf(w1).at(-1)!.taskId);
    answer(w0, tasksOf(w0).at(-1)!, null);
    answer(w1, tasksOf(w1).at(-1)!, null);
    await settle();
    expect(store.getState().status).toBe('stopped');
    expect(store.getState().computedRuns).toBe(2);
  });

  it('a worker that does not answer Stop in time is replaced', async () => {
    const { store, controller, workers } = poolSetup();
    await startPool(controller, workers);
    controller.stop();
    await new Promise((r) => setTimeout(r, 40));
    await settle();
    expect(workers[0]!.terminated && workers[1]!.terminated).toBe(true);
    expect(workers).toHaveLength(4);
    expect(store.getState().status).toBe('stopped');
    expect(store.getState().restarts).toEqual([]);
  });

  it('a new pool size chosen mid-sweep applies when the sweep ends', async () => {
    const { store, controller, workers } = poolSetup();
    await startPool(controller, workers);
    controller.setPoolSize(1);
    expect(workers[1]!.terminated).toBe(false);
    expect(controller.pool.getState().pending).toBe(true);
    controller.stop();
    for (const w of workers) answer(w, tasksOf(w).at(-1)!, null);
    await settle();
    expect(store.getState().status).toBe('stopped');
    expect(workers[1]!.terminated).toBe(true);
    expect(controller.pool.getState()).toMatchObject({ size: 1, pending: false });
  });

  it('runs the uv model and batched ensembles whole in worker 0, and says why', async () => {
    const { controller, workers, store } = poolSetup();
    store.getState().replaceSettings({ ...store.getState().settings, ensemble: 4 });
    store.getState().setResults(resultsKey(store.getState().settings, 'builtin'), [], []);
    await startPool(controller, workers);
    expect(workers[0]!.last('start')).toBeDefined();
    expect(tasksOf(workers[1]!)).toEqual([]);
    expect(controller.pool.getState().sweepWorkers).toBe(1);
    expect(controller.pool.getState().sweepWhy).toMatch(/ensemble/);
  });

  it('gives every worker the user files once; a restarted one gets them again', async () => {
    const locks = new FakeLocks();
    const { controller, workers } = setup({ cpuPool: 2, locks });
    workers[0]!.emit({
      type: 'ready',
      backend: 'wasm',
      adapter: null,
      refused: [],
      alive: 'lock-1',
    });
    workers[1]!.emit({
      type: 'ready',
      backend: 'wasm',
      adapter: null,
      refused: [],
      alive: 'lock-2',
    });
    const file = new File([new Uint8Array([1, 2, 3])], 'data_batch_1.bin');
    await controller.loadFiles('cifar10', [file]);
    const loads = (w: FakeWorker) => w.sent.filter((c) => c.type === 'load-files');
    expect(loads(workers[0]!)).toHaveLength(1);
    expect(loads(workers[0]!)[0]).not.toHaveProperty('cache');
    expect(loads(workers[1]!)).toEqual([
      expect.objectContaining({ dataset: 'cifar10', cache: false }),
    ]);
    locks.release('lock-2');
    await settle();
    workers[2]!.emit({
      type: 'ready',
      backend: 'wasm',
      adapter: null,
      refused: [],
      alive: 'lock-3',
    });
    await settle();
    expect(loads(workers[2]!)).toEqual([
      expect.objectContaining({ dataset: 'cifar10', ifMissing: true, cache: false }),
    ]);
    expect(loads(workers[0]!)).toHaveLength(1);
  });
});
