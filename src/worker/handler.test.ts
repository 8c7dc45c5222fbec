/**
 * The worker handler in Node: protocol errors, file loading, pause/resume/cancel, step batching,
 * the restart test hook, and a real (tiny) uv-model sweep on the cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cloneDefaults } from '../core/settings/codec';
import type { Settings } from '../core/settings/schema';
import type { runSweep as RunSweep, SweepHooks } from '../core/sweep/runSweep';
import type { RunRecord } from '../core/sweep/records';
import { initNodeBackend } from '../node/backend';
import type { PreparedData } from '../core/data/types';
import { capabilitiesOf } from '../core/tf/capabilities';
import { createHandler, type DatasetCache, type HandlerEnv } from './handler';
import type { Command, WorkerEvent } from './protocol';

// runSweep is the real one unless a test installs a scripted stand-in.
const fake = vi.hoisted(() => ({ impl: null as null | typeof RunSweep }));
vi.mock('../core/sweep/runSweep', async (importOriginal) => {
  const real = await importOriginal<typeof import('../core/sweep/runSweep')>();
  return {
    ...real,
    runSweep: (...args: Parameters<typeof RunSweep>) => (fake.impl ?? real.runSweep)(...args),
  };
});

beforeAll(async () => {
  await initNodeBackend('cpu');
});

afterEach(() => {
  fake.impl = null;
});

interface Harness {
  events: WorkerEvent[];
  transfers: Transferable[][];
  send(cmd: unknown): Promise<void>;
  clock: { t: number };
  of<T extends WorkerEvent['type']>(type: T): Extract<WorkerEvent, { type: T }>[];
}

function harness(over: Partial<HandlerEnv> = {}): Harness {
  const events: WorkerEvent[] = [];
  const transfers: Transferable[][] = [];
  const clock = { t: 0 };
  const env: HandlerEnv = {
    fetchBuiltin: async () => {
      throw new Error('no built-in file in this test');
    },
    initBackend: async () => {
      await initNodeBackend('cpu');
      return { backend: 'cpu', adapter: null };
    },
    now: () => clock.t,
    yieldToEvents: () => new Promise((r) => setImmediate(r)),
    ...over,
  };
  const handle = createHandler((e, t) => {
    events.push(e);
    transfers.push(t ?? []);
  }, env);
  return {
    events,
    transfers,
    clock,
    send: (cmd) => handle(cmd as Command),
    of: (type) => events.filter((e) => e.type === type) as never,
  };
}

function uvSettings(over: Partial<Settings> = {}): Settings {
  return {
    ...cloneDefaults(),
    dataset: 'uv',
    model: 'uv',
    depths: [2],
    widths: [64],
    cGrid: { kind: 'list', values: [1, 3, 5] },
    ...over,
  };
}

function fakeRun(c: number, over: Partial<RunRecord> = {}): RunRecord {
  return {
    type: 'run',
    depth: 2,
    width: 8,
    seed: 0,
    orderSeed: 0,
    c,
    eta: c,
    lambda0: 1,
    loss0: 1,
    diverged: false,
    divergedAt: null,
    regime: 'stable',
    loss: [1, 0.5],
    sharpness: [1, 1],
    lanczosIters: [1, 1],
    lanczosResidual: [0, 0],
    lossRatioMax: 1,
    sharpRatioMax: 1,
    sharpRatioFinal: 1,
    seconds: 0,
    ...over,
  };
}

/** A scripted sweep: `n` runs, waiting while paused before each, reporting through the hooks. */
function scriptedSweep(n: number, between?: (i: number) => Promise<void>): typeof RunSweep {
  return async (_s, _d, _done, hooks: SweepHooks) => {
    let runs = 0;
    for (let i = 0; i < n; i++) {
      await hooks.waitWhilePaused?.();
      if (hooks.isCancelled?.()) return { runs, cancelled: true };
      await between?.(i);
      if (hooks.isCancelled?.()) return { runs, cancelled: true };
      hooks.onRun(fakeRun(i + 1));
      runs++;
    }
    return { runs, cancelled: false };
  };
}

describe('protocol', () => {
  it('answers malformed commands with a protocol error and keeps working', async () => {
    const h = harness();
    await h.send(null);
    await h.send({ type: 'fly' });
    await h.send({ type: 'init', backends: ['quantum'] });
    await h.send({ type: 'load-files', dataset: 'cifar10', files: [{ name: 'x' }] });
    await h.send({ type: 'init', backends: ['cpu'], gpuPolicy: 'maybe' });
    const errors = h.of('error');
    expect(errors).toHaveLength(5);
    expect(errors[4]!.message).toMatch(/gpuPolicy/);
    expect(errors.every((e) => e.where === 'protocol' && !e.fatal)).toBe(true);
    expect(errors[1]!.message).toContain('fly');
    await h.send({ type: 'init', backends: ['cpu'] });
    expect(h.of('ready')).toEqual([{ type: 'ready', backend: 'cpu', adapter: null, refused: [] }]);
  });

  it('asks for init before work, and refuses a second init', async () => {
    const h = harness();
    await h.send({ type: 'start', sweepId: 's', settings: uvSettings(), done: [] });
    expect(h.of('error')[0]).toMatchObject({
      where: 'protocol',
      message: expect.stringContaining('init'),
    });
    await h.send({ type: 'init', backends: ['cpu'] });
    await h.send({ type: 'init', backends: ['cpu'] });
    expect(h.of('error')[1]).toMatchObject({
      where: 'protocol',
      message: expect.stringContaining('already'),
    });
  });

  it('reports a backend that cannot start as fatal, and sweeps after it as failing', async () => {
    const h = harness({
      initBackend: async () => {
        throw new Error('no adapter');
      },
    });
    await h.send({ type: 'init', backends: ['webgpu'] });
    expect(h.of('error')[0]).toMatchObject({
      where: 'backend',
      fatal: true,
      message: expect.stringContaining('no adapter'),
    });
    await h.send({ type: 'start', sweepId: 's', settings: uvSettings(), done: [] });
    expect(h.of('error')[1]).toMatchObject({ where: 'sweep', fatal: true });
  });

  it('ignores control messages for sweeps that are not running', async () => {
    const h = harness();
    await h.send({ type: 'init', backends: ['cpu'] });
    await h.send({ type: 'pause', sweepId: 'nope' });
    await h.send({ type: 'cancel', sweepId: 'nope' });
    expect(h.of('error')).toHaveLength(0);
  });
});

describe('load-files', () => {
  it('names the bad file and is not fatal', async () => {
    const h = harness();
    await h.send({ type: 'init', backends: ['cpu'] });
    const bytes = new TextEncoder().encode('definitely not a dataset').buffer;
    await h.send({
      type: 'load-files',
      dataset: 'fashion-mnist',
      files: [{ name: 'notes.txt', bytes }],
    });
    const [err] = h.of('error');
    expect(err).toMatchObject({ where: 'load-files', fatal: false });
    expect(err!.message).toContain('notes.txt');
    expect(h.of('dataset')).toHaveLength(0);
  });

  it('parses an IDX pair, reports it and caches it; a new handler gets it from the cache', async () => {
    const n = 12;
    const images = new Uint8Array(16 + n * 28 * 28);
    new DataView(images.buffer).setUint32(0, 0x803);
    new DataView(images.buffer).setUint32(4, n);
    new DataView(images.buffer).setUint32(8, 28);
    new DataView(images.buffer).setUint32(12, 28);
    for (let i = 16; i < images.length; i++) images[i] = (i * 7) % 256;
    const labels = new Uint8Array(8 + n);
    new DataView(labels.buffer).setUint32(0, 0x801);
    new DataView(labels.buffer).setUint32(4, n);
    for (let i = 0; i < n; i++) labels[8 + i] = i % 10;
    const saved: Parameters<DatasetCache['save']>[] = [];
    const cache: DatasetCache = {
      load: async () => saved.map(([dataset, files, data]) => ({ dataset, files, data })),
      save: async (...args) => void saved.push(args),
    };
    const h = harness({ cache });
    await h.send({ type: 'init', backends: ['cpu'] });
    await h.send({
      type: 'load-files',
      dataset: 'fashion-mnist',
      files: [
        { name: 'train-images-idx3-ubyte', bytes: images.buffer },
        { name: 'train-labels-idx1-ubyte', bytes: labels.buffer },
      ],
    });
    expect(h.of('error')).toEqual([]);
    expect(h.of('dataset')).toEqual([
      {
        type: 'dataset',
        dataset: 'fashion-mnist',
        count: n,
        files: ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte'],
        cached: false,
      },
    ]);
    expect(saved).toHaveLength(1);

    const again = harness({ cache });
    await again.send({ type: 'init', backends: ['cpu'] });
    expect(again.of('dataset')[0]).toMatchObject({
      dataset: 'fashion-mnist',
      count: n,
      cached: true,
    });
  });

  it('tells the user to load files before a CIFAR-10 sweep', async () => {
    const h = harness();
    await h.send({ type: 'init', backends: ['cpu'] });
    await h.send({
      type: 'start',
      sweepId: 's1',
      settings: { ...cloneDefaults(), dataset: 'cifar10' },
      done: [],
    });
    expect(h.of('error')[0]).toMatchObject({ where: 'sweep', fatal: false, sweepId: 's1' });
    expect(h.of('error')[0]!.message).toMatch(/CIFAR-10/);
    expect(h.of('done')[0]).toMatchObject({ sweepId: 's1', cancelled: true, runs: 0 });
  });

  it('reports a missing built-in MNIST file without crashing', async () => {
    const h = harness();
    await h.send({ type: 'init', backends: ['cpu'] });
    await h.send({ type: 'start', sweepId: 's1', settings: cloneDefaults(), done: [] });
    expect(h.of('error')[0]).toMatchObject({ where: 'sweep', fatal: false });
    expect(h.of('error')[0]!.message).toContain('built-in MNIST');
  });
});

describe('what a sweep is given', () => {
  it('the capabilities of the backend it started, and the data dataSourceFor names', async () => {
    const h = harness({
      initBackend: async () => {
        await initNodeBackend('cpu');
        return { backend: 'wasm', adapter: null }; // as a browser without a GPU would answer
      },
    });
    const seen: { capabilities: unknown; data: PreparedData | null }[] = [];
    fake.impl = async (_s, data, _done, hooks) => {
      seen.push({ capabilities: hooks.capabilities, data });
      return { runs: 0, cancelled: false };
    };
    await h.send({ type: 'init', backends: ['wasm'] });
    const settings = { ...cloneDefaults(), dataset: 'synthetic' as const, trainSize: 32 };
    await h.send({ type: 'start', sweepId: 's1', settings, done: [] });
    await h.send({
      type: 'start',
      sweepId: 's2',
      settings: { ...settings, widths: [8] },
      done: [],
    });
    await h.send({
      type: 'start',
      sweepId: 's3',
      settings: { ...settings, dataSeed: 1 },
      done: [],
    });
    expect(h.of('error')).toEqual([]);
    expect(seen.map((x) => x.capabilities)).toEqual(Array(3).fill(capabilitiesOf('wasm')));
    const [a, b, c] = seen.map((x) => x.data);
    expect(a?.count).toBe(32);
    // The same data source reuses the prepared data; another data seed prepares anew.
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(Array.from(c!.x.subarray(0, 8))).not.toEqual(Array.from(a!.x.subarray(0, 8)));
  });
});

describe('sweep control', () => {
  it('pauses between runs, resumes, and cancels', async () => {
    const h = harness();
    await h.send({ type: 'init', backends: ['cpu'] });
    let release: () => void = () => {};
    let release2: () => void = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const gate2 = new Promise<void>((r) => (release2 = r));
    fake.impl = scriptedSweep(5, async (i) => {
      if (i === 1) await gate;
      if (i === 3) await gate2;
    });
    const running = h.send({ type: 'start', sweepId: 's', settings: uvSettings(), done: [] });
    await vi.waitFor(() => expect(h.of('run')).toHaveLength(1));
    await h.send({ type: 'pause', sweepId: 's' });
    expect(h.of('paused')).toEqual([{ type: 'paused', sweepId: 's', paused: true }]);
    release();
    // The run in progress finishes; the next one waits.
    await vi.waitFor(() => expect(h.of('run')).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 30));
    expect(h.of('run')).toHaveLength(2);
    await h.send({ type: 'resume', sweepId: 's' });
    await vi.waitFor(() => expect(h.of('run')).toHaveLength(3));
    await h.send({ type: 'cancel', sweepId: 's' });
    release2();
    await running;
    expect(h.of('done')).toEqual([
      { type: 'done', sweepId: 's', cancelled: true, runs: 3, seconds: 0 },
    ]);
  });

  it('cancels a paused sweep', async () => {
    const h = harness();
    await h.send({ type: 'init', backends: ['cpu'] });
    fake.impl = scriptedSweep(5);
    const running = h.send({ type: 'start', sweepId: 's', settings: uvSettings(), done: [] });
    await new Promise((r) => setImmediate(r)); // the start command gets going
    await h.send({ type: 'pause', sweepId: 's' });
    await h.send({ type: 'cancel', sweepId: 's' });
    await running;
    expect(h.of('done')[0]).toMatchObject({ cancelled: true });
    expect(h.of('run').length).toBeLessThan(5);
  });

  it('refuses a second sweep while one runs', async () => {
    const h = harness();
    await h.send({ type: 'init', backends: ['cpu'] });
    fake.impl = scriptedSweep(3, () => new Promise((r) => setTimeout(r, 5)));
    const first = h.send({ type: 'start', sweepId: 'a', settings: uvSettings(), done: [] });
    await h.send({ type: 'start', sweepId: 'b', settings: uvSettings(), done: [] });
    expect(h.of('error')[0]).toMatchObject({ where: 'protocol', sweepId: 'b' });
    await first;
    expect(h.of('done')).toHaveLength(1);
  });

  it('reports an exception inside the sweep as fatal, so the app moves to another backend', async () => {
    const h = harness();
    await h.send({ type: 'init', backends: ['cpu'] });
    fake.impl = async () => {
      throw new Error('GPU device was lost');
    };
    await h.send({ type: 'start', sweepId: 's', settings: uvSettings(), done: [] });
    expect(h.of('error')[0]).toMatchObject({ where: 'sweep', fatal: true, sweepId: 's' });
    expect(h.of('error')[0]!.message).toContain('GPU device was lost');
    expect(h.of('done')).toHaveLength(0);
  });

  it('fails on purpose after N runs when the test hook asks', async () => {
    const h = harness();
    await h.send({ type: 'init', backends: ['cpu'] });
    fake.impl = scriptedSweep(5);
    await h.send({
      type: 'start',
      sweepId: 's',
      settings: uvSettings(),
      done: [],
      failAfterRuns: 2,
    });
    expect(h.of('run')).toHaveLength(2);
    expect(h.of('error')[0]).toMatchObject({
      fatal: true,
      message: expect.stringContaining('test hook'),
    });
  });

  it('reports a lost backend as fatal and stops the sweep', async () => {
    let lose: (reason: string) => void = () => {};
    const lost = new Promise<string>((r) => (lose = r));
    const h = harness({
      initBackend: async () => {
        await initNodeBackend('cpu');
        return { backend: 'webgpu', adapter: 'test adapter', lost };
      },
    });
    await h.send({ type: 'init', backends: ['webgpu'] });
    expect(h.of('ready')[0]).toMatchObject({ backend: 'webgpu', adapter: 'test adapter' });
    fake.impl = scriptedSweep(50, () => new Promise((r) => setTimeout(r, 2)));
    const running = h.send({ type: 'start', sweepId: 's', settings: uvSettings(), done: [] });
    await vi.waitFor(() => expect(h.of('run').length).toBeGreaterThan(0));
    lose('destroyed');
    await running;
    expect(h.of('error')[0]).toMatchObject({ where: 'backend', fatal: true, sweepId: 's' });
    expect(h.of('run').length).toBeLessThan(50);
    expect(h.of('done')).toHaveLength(0);
  });

  it('takes its liveness lock before saying ready, and names it', async () => {
    const taken: string[] = [];
    const h = harness({ holdLock: async (name) => (taken.push(name), true) });
    await h.send({ type: 'init', backends: ['cpu'], aliveLock: 'lock-7' });
    expect(taken).toEqual(['lock-7']);
    expect(h.of('ready')[0]).toMatchObject({ backend: 'cpu', alive: 'lock-7' });
    // Without Web Locks the worker says ready without naming a lock.
    const none = harness({ holdLock: async () => false });
    await none.send({ type: 'init', backends: ['cpu'], aliveLock: 'lock-8' });
    expect(none.of('ready')[0]).not.toHaveProperty('alive');
    await none.send({ type: 'init', backends: ['cpu'], aliveLock: 7 });
    expect(none.of('error')[0]).toMatchObject({
      where: 'protocol',
      message: expect.stringContaining('aliveLock'),
    });
  });

  it('loseDeviceAfterRuns destroys the device once; what that breaks is not reported twice', async () => {
    let lose: (reason: string) => void = () => {};
    const lost = new Promise<string>((r) => (lose = r));
    const logged: unknown[] = [];
    const h = harness({
      initBackend: async () => {
        await initNodeBackend('cpu');
        return { backend: 'webgpu', adapter: null, lost };
      },
      loseDevice: () => {
        lose('Device was destroyed.');
        return true;
      },
      logError: (err) => logged.push(err),
    });
    await h.send({ type: 'init', backends: ['webgpu'] });
    // The run after the loss fails as a pending GPU read would.
    fake.impl = async (_s, _d, _done, hooks) => {
      hooks.onRun(fakeRun(1));
      await Promise.resolve();
      throw new Error('AbortError: the device was lost before mapping was resolved');
    };
    await h.send({
      type: 'start',
      sweepId: 's',
      settings: uvSettings(),
      done: [],
      loseDeviceAfterRuns: 1,
    });
    expect(h.of('error')).toEqual([
      expect.objectContaining({
        where: 'backend',
        fatal: true,
        message: expect.stringContaining('destroyed'),
      }),
    ]);
    expect(logged).toEqual([]);
  });

  it('batches step events in time, transfers their arrays, and flushes before each run', async () => {
    const h = harness();
    await h.send({ type: 'init', backends: ['cpu'] });
    fake.impl = async (_s, _d, _done, hooks) => {
      for (let step = 0; step <= 100; step++) {
        h.clock.t += 1; // 1 ms per step: 50 steps per batch window
        const lossRatio = new Float64Array(step + 1).fill(0.5);
        const sharpRatio = new Float64Array(step + 1).fill(1.5);
        hooks.onStep?.({
          depth: 2,
          width: 8,
          seed: 0,
          orderSeed: 0,
          c: 1,
          step,
          lossRatio,
          sharpRatio,
        });
      }
      hooks.onStep?.({
        depth: 2,
        width: 8,
        seed: 0,
        orderSeed: 0,
        c: 2,
        step: 0,
        lossRatio: new Float64Array([1]),
        sharpRatio: new Float64Array([1]),
      });
      hooks.onRun(fakeRun(1, { width: 8 }));
      return { runs: 1, cancelled: false };
    };
    await h.send({ type: 'start', sweepId: 's', settings: uvSettings(), done: [] });
    const batches = h.of('steps');
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.length).toBeLessThanOrEqual(4);
    const last = batches[batches.length - 1]!;
    // The last batch comes before the run event and carries the final step of c = 1.
    const idxLast = h.events.indexOf(last);
    expect(idxLast).toBeLessThan(h.events.findIndex((e) => e.type === 'run'));
    const u = last.updates.find((x) => x.c === 2);
    expect(u?.lossRatio).toBeInstanceOf(Float64Array);
    const t = h.transfers[idxLast]!;
    expect(t).toHaveLength(last.updates.length * 2);
    const all = batches.flatMap((b) => b.updates).filter((x) => x.c === 1);
    expect(all[all.length - 1]!.step).toBe(100);
  });
});

describe('a real sweep', () => {
  it('runs a tiny uv-model sweep on the cpu backend without leaking tensors', async () => {
    const h = harness({ now: () => performance.now() });
    await h.send({ type: 'init', backends: ['cpu'] });
    const before = tf.memory().numTensors;
    await h.send({
      type: 'start',
      sweepId: 'uv',
      settings: uvSettings({ widths: [256], cGrid: { kind: 'list', values: [1, 3, 6] } }),
      done: [],
    });
    expect(h.of('error')).toEqual([]);
    const runs = h.of('run').map((e) => e.record);
    const byC = new Map(runs.map((r) => [r.c, r]));
    expect(byC.get(1)?.regime).toBe('stable');
    expect(byC.get(3)?.regime).toMatch(/catapult/);
    // c = 6 > 4 diverges, and the column stops there.
    expect(byC.get(6)?.regime).toBe('divergence');
    expect(h.of('column')[0]!.record).toMatchObject({ depth: 2, width: 256, seed: 0 });
    expect(h.of('column-start')[0]).toMatchObject({ sweepId: 'uv', width: 256 });
    expect(h.of('steps').length).toBeGreaterThan(0);
    expect(h.of('done')[0]).toMatchObject({ sweepId: 'uv', cancelled: false, runs: 3 });
    expect(tf.memory().numTensors).toBe(before);

    // Finished runs passed back as `done` are not recomputed.
    await h.send({
      type: 'start',
      sweepId: 'uv2',
      settings: uvSettings({ widths: [256], cGrid: { kind: 'list', values: [1, 3, 6] } }),
      done: runs,
    });
    expect(h.of('done')[1]).toMatchObject({ sweepId: 'uv2', runs: 0 });
  });
});

describe('gpu policy', () => {
  it('hands the policy of init to the backend choice (default: any)', async () => {
    const seen: (string | undefined)[] = [];
    const initBackend: HandlerEnv['initBackend'] = async (_names, policy) => {
      seen.push(policy);
      await initNodeBackend('cpu');
      return { backend: 'cpu', adapter: null };
    };
    await harness({ initBackend }).send({
      type: 'init',
      backends: ['webgpu', 'cpu'],
      gpuPolicy: 'skip-software',
    });
    await harness({ initBackend }).send({ type: 'init', backends: ['cpu'] });
    expect(seen).toEqual(['skip-software', 'any']);
  });
});

describe('pool tasks', () => {
  const column = { depth: 2, width: 64, seed: 0 };
  const task = (sweepId: string, taskId: number, c: number, settings: Settings): unknown => ({
    type: 'task',
    sweepId,
    taskId,
    settings,
    column,
    c,
  });

  it('checks the shape of task commands', async () => {
    const h = harness();
    await h.send({ type: 'task', sweepId: 's', taskId: 1.5, settings: {}, column, c: 1 });
    await h.send({
      type: 'task',
      sweepId: 's',
      taskId: 1,
      settings: {},
      column: { depth: 2 },
      c: 1,
    });
    await h.send({ type: 'task', sweepId: 's', taskId: 1, settings: {}, column, c: -1 });
    await h.send({ type: 'cancel-task', sweepId: 's' });
    await h.send({ type: 'end-sweep' });
    expect(h.of('error').map((e) => e.message)).toEqual([
      'task: taskId must be an integer',
      'task: column must have integer depth, width and seed',
      'task: c must be a positive number',
      'cancel-task: taskId must be an integer',
      'end-sweep: missing sweepId',
    ]);
  });

  it('a task computes the same run as the whole sweep, and a cancelled one reports null', async () => {
    const settings = uvSettings({ cGrid: { kind: 'list', values: [1, 3] } });
    const whole = harness();
    await whole.send({ type: 'init', backends: ['cpu'] });
    await whole.send({ type: 'start', sweepId: 'w', settings, done: [] });
    const byC = new Map(whole.of('run').map((e) => [e.record.c, e.record]));

    const h = harness();
    await h.send({ type: 'init', backends: ['cpu'] });
    await h.send(task('p', 1, 3, settings));
    await h.send(task('p', 2, 1, settings));
    const done = h.of('task-done');
    expect(done.map((d) => d.taskId)).toEqual([1, 2]);
    for (const d of done) {
      const ref = byC.get(d.raw!.c)!;
      expect(d.raw!.loss).toEqual(ref.loss);
      expect(d.raw!.sharpness).toEqual(ref.sharpness);
      expect(d.raw!.lambda0).toBe(ref.lambda0);
    }
    // Its last step event precedes its result and carries the whole curve so far.
    const steps = h.of('task-step').filter((s) => s.taskId === 1);
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.at(-1)!.loss).toEqual(done[0]!.raw!.loss.slice(0, steps.at(-1)!.step + 1));
    expect(h.events.indexOf(steps.at(-1)!)).toBeLessThan(h.events.indexOf(done[0]!));

    expect(h.of('error')).toEqual([]);
  });

  it('a cancel-task that arrives between two steps stops the task: raw null', async () => {
    const events: WorkerEvent[] = [];
    const env: HandlerEnv = {
      fetchBuiltin: () => Promise.reject(new Error('none')),
      initBackend: async () => ({ backend: 'cpu', adapter: null }),
      now: () => 0,
      yieldToEvents: () => new Promise((r) => setImmediate(r)),
    };
    // The cancel is delivered from inside the first step event, as a message landing then would.
    const handle = createHandler((e) => {
      events.push(e);
      if (e.type === 'task-step')
        void handle({ type: 'cancel-task', sweepId: e.sweepId, taskId: e.taskId });
    }, env);
    await handle({ type: 'init', backends: ['cpu'] });
    await handle(task('p', 7, 3, uvSettings({ steps: 50 })) as Command);
    const done = events.filter((e) => e.type === 'task-done');
    expect(done).toEqual([{ type: 'task-done', sweepId: 'p', taskId: 7, raw: null, seconds: 0 }]);
    expect(events.filter((e) => e.type === 'task-step')).toHaveLength(1);
  });

  it('prepares the data once per sweep, not once per task', async () => {
    const settings: Settings = {
      ...cloneDefaults(),
      dataset: 'synthetic',
      trainSize: 64,
      measureSize: 32,
      batch: 32,
      depths: [2],
      widths: [8],
      steps: 2,
      lanczosMaxIters: 4,
    };
    const h = harness({ now: () => performance.now() });
    await h.send({ type: 'init', backends: ['cpu'] });
    const before = tf.memory().numTensors;
    await h.send({ ...(task('a', 1, 1, settings) as object), column: { ...column, width: 8 } });
    await h.send({ ...(task('a', 2, 2, settings) as object), column: { ...column, width: 8 } });
    expect(h.of('error')).toEqual([]);
    expect(h.of('task-done').map((d) => d.raw?.c)).toEqual([1, 2]);
    const preparing = h.of('status').filter((s) => s.message.startsWith('Preparing'));
    expect(preparing).toHaveLength(1);
    // end-sweep frees the column runner it kept between the two tasks.
    await h.send({ type: 'end-sweep', sweepId: 'a' });
    await new Promise((r) => setImmediate(r));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('reports the column start it measured, and a task handed that start computes the same run', async () => {
    const settings: Settings = {
      ...cloneDefaults(),
      dataset: 'synthetic',
      trainSize: 64,
      measureSize: 32,
      batch: 32,
      depths: [2],
      widths: [8],
      steps: 2,
      lanczosMaxIters: 4,
    };
    const col = { ...column, width: 8 };
    const send = async (h: ReturnType<typeof harness>, id: number, c: number, extra = {}) => {
      await h.send({ ...(task('s', id, c, settings) as object), column: col, ...extra });
    };
    const first = harness();
    await first.send({ type: 'init', backends: ['cpu'] });
    await send(first, 1, 1);
    const init = first.of('task-init')[0]!.init;
    // Handed its own start back (as the scheduler does), the worker's kept column reports nothing.
    await send(first, 2, 2, { init });
    expect(first.of('task-init').map((e) => e.taskId)).toEqual([1]);
    expect(init.vector).toBeInstanceOf(Float32Array);

    const handed = harness();
    await handed.send({ type: 'init', backends: ['cpu'] });
    await send(handed, 3, 2, { init });
    expect(handed.of('task-init')).toEqual([]);
    const [own] = first.of('task-done').filter((d) => d.taskId === 2);
    const [other] = handed.of('task-done');
    expect(other!.raw!.loss).toEqual(own!.raw!.loss);
    expect(other!.raw!.sharpness).toEqual(own!.raw!.sharpness);
    expect(other!.raw!.lambda0).toBe(init.lambda0);
    expect(handed.of('error')).toEqual([]);
  });

  it('refuses a task while another runs, and fails one whose data is missing (not fatally)', async () => {
    const h = harness();
    await h.send({ type: 'init', backends: ['cpu'] });
    const settings = uvSettings();
    const first = h.send(task('p', 1, 1, settings));
    await h.send(task('p', 2, 3, settings));
    await first;
    expect(h.of('error')[0]).toMatchObject({ where: 'protocol', fatal: false });
    expect(h.of('error')[0]!.message).toContain('task 1 is still running');
    await h.send(task('q', 3, 1, { ...cloneDefaults(), dataset: 'cifar10' }));
    expect(h.of('task-failed')[0]).toMatchObject({ sweepId: 'q', taskId: 3 });
    expect(h.of('task-failed')[0]!.message).toMatch(/CIFAR-10/);
  });

  it('fails fatally after N tasks when the test hook asks, after reporting the Nth', async () => {
    const h = harness();
    await h.send({ type: 'init', backends: ['cpu'] });
    const settings = uvSettings();
    await h.send({ ...(task('p', 1, 1, settings) as object), failAfterRuns: 2 });
    expect(h.of('error')).toEqual([]);
    await h.send({ ...(task('p', 2, 3, settings) as object), failAfterRuns: 2 });
    expect(h.of('task-done')).toHaveLength(2);
    expect(h.of('error')[0]).toMatchObject({
      where: 'sweep',
      fatal: true,
      sweepId: 'p',
      message: expect.stringContaining('test hook'),
    });
  });
});

describe('load-files for a pool', () => {
  it('skips files it already holds under the same names, and the cache when told to', async () => {
    const n = 10;
    const images = new Uint8Array(16 + n * 28 * 28);
    new DataView(images.buffer).setUint32(0, 0x803);
    new DataView(images.buffer).setUint32(4, n);
    new DataView(images.buffer).setUint32(8, 28);
    new DataView(images.buffer).setUint32(12, 28);
    const labels = new Uint8Array(8 + n);
    new DataView(labels.buffer).setUint32(0, 0x801);
    new DataView(labels.buffer).setUint32(4, n);
    const saved: unknown[] = [];
    const cache: DatasetCache = { load: async () => [], save: async (d) => void saved.push(d) };
    const h = harness({ cache });
    await h.send({ type: 'init', backends: ['cpu'] });
    const files = (): unknown[] => [
      { name: 'train-images-idx3-ubyte', bytes: images.slice().buffer },
      { name: 'train-labels-idx1-ubyte', bytes: labels.slice().buffer },
    ];
    const cmd = { type: 'load-files', dataset: 'mnist', cache: false, ifMissing: true };
    await h.send({ ...cmd, files: files() });
    expect(h.of('dataset')).toHaveLength(1);
    expect(saved).toEqual([]);
    await h.send({ ...cmd, files: files() });
    expect(h.of('dataset')).toHaveLength(1);
    // Without ifMissing the same files are parsed again (a user re-dropping them).
    await h.send({ ...cmd, ifMissing: false, files: files() });
    expect(h.of('dataset')).toHaveLength(2);
    expect(h.of('error')).toEqual([]);
  });
});
