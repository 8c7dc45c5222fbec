/**
 * Wires the page together: storage, the worker controller, URL sync and the loading of stored
 * results whenever the run-affecting settings change. Components reach it through context.
 */
import { createContext, useContext } from 'react';
import { BACKEND_CHAIN, type BackendName, type GpuPolicy } from '../worker/protocol';
import { memoryRunStore, openRunStore, type RunStore } from './storage/runStore';
import { appStore, type AppStore } from './store/store';
import { SweepController, type ControllerOptions } from './sweep/controller';
import { cpuPoolSize, parsePoolChoice, type PoolChoice } from './sweep/poolSize';
import { createRedrawPacer, redrawShare } from './sweep/redrawPacer';
import { resultsKey } from './sweep/resultsKey';
import { withOrderSeed } from '../core/sweep/records';
import { startUrlSync } from './sync/urlSync';

export interface Services {
  store: AppStore;
  controller: SweepController;
  runStore: Promise<RunStore>;
  /** Drop stored results of the current settings (the "Clear results" button). */
  clearResults(): Promise<void>;
  /** Reload the stored results of the current settings (after closing an import). */
  reloadResults(): Promise<void>;
  /**
   * 'auto': the fastest by measurement (a software GPU is skipped for WebAssembly); 'cpu': skip
   * the GPU backends; 'gpu': use the GPU even when it is a software one. Kept across visits.
   */
  preferBackends(choice: BackendPreference): void;
  backendPreference(): BackendPreference;
  /**
   * How many training workers to run: 'auto' (one per core, or one on a real GPU) or a number.
   * Kept across visits; not a setting (the records are the same for any number).
   */
  setPoolSize(choice: PoolChoice): void;
}

const MARKER_KEY = 'phase-explorer:active-sweep';
const MNIST_SOURCE_KEY = 'phase-explorer:mnist-source';
const BACKEND_PREF_KEY = 'phase-explorer:backends';
const POOL_KEY = 'phase-explorer:workers';
const CPU_CHAIN: BackendName[] = ['wasm', 'cpu'];

export type BackendPreference = 'auto' | 'cpu' | 'gpu';

function readPreference(storage: Storage | null): BackendPreference {
  const v = storage?.getItem(BACKEND_PREF_KEY);
  return v === 'cpu' || v === 'gpu' ? v : 'auto';
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/**
 * Test hooks in the query string (never in the hash, which is the settings):
 * `?backends=wasm,cpu` limits the backend chain, `?failAfterRuns=N` makes the first backend
 * fail after N runs so the restart path can be exercised, `?loseDeviceAfterRuns=N` destroys the
 * WebGPU device after N runs, `?workers=N` runs N training workers (not remembered),
 * `?gpuProbe=1` judges every GPU adapter by the timed probe alone, software ones included (the
 * probe's test in a browser whose only GPU is SwiftShader), and `?testHooks=1` exposes
 * `window.__phaseExplorer.killWorker(i)` (worker i of the pool, default 0).
 */
function testHooks(): {
  backends: BackendName[] | null;
  failAfterRuns: number | undefined;
  loseDeviceAfterRuns: number | undefined;
  workers: PoolChoice | null;
  gpuProbe: boolean;
  expose: boolean;
} {
  const q = new URLSearchParams(window.location.search);
  const list = (q.get('backends') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is BackendName => (BACKEND_CHAIN as readonly string[]).includes(s));
  const count = (key: string): number | undefined => {
    const n = Number(q.get(key));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  return {
    backends: list.length > 0 ? list : null,
    failAfterRuns: count('failAfterRuns'),
    loseDeviceAfterRuns: count('loseDeviceAfterRuns'),
    workers: q.has('workers') ? parsePoolChoice(q.get('workers')) : null,
    gpuProbe: q.get('gpuProbe') === '1',
    expose: q.get('testHooks') === '1',
  };
}

/** Worker liveness through Web Locks (absent in browsers without them). */
function aliveLock(): ControllerOptions['aliveLock'] {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return undefined;
  const page = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  let n = 0;
  return {
    name: () => `phase-explorer:worker:${page}:${++n}`,
    // Granted only once the worker holding it is gone; give it back at once.
    released: (name) => locks.request(name, () => undefined).then(() => undefined),
  };
}

/**
 * When to redraw from worker events: quick cells send runs and steps faster than anyone reads
 * them, and each redraw costs the main thread, which shares the cores with the workers; the
 * pacer keeps redraws to a share of it (sweep/redrawPacer.ts).
 */
const redrawPacer = createRedrawPacer({ share: redrawShare(navigator.hardwareConcurrency) });

/** Calls `done` once the page has drawn what the current task changed (a task after the frame). */
function afterDrawn(done: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    done();
  };
  channel.port2.postMessage(null);
}

function scheduleFlush(flush: () => void): void {
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    const start = performance.now();
    flush();
    afterDrawn(() => redrawPacer.drawn(start, performance.now()));
  };
  const waitMs = redrawPacer.waitMs(performance.now());
  // In the next animation frame once the interval has passed; a timer keeps hidden tabs (no
  // frames) up to date.
  if (waitMs === 0) requestAnimationFrame(run);
  else setTimeout(() => requestAnimationFrame(run), waitMs);
  setTimeout(run, waitMs + 250);
}

export function startServices(store: AppStore = appStore): Services {
  const storage = safeStorage();
  const hooks = testHooks();
  const runStore = openRunStore().then((rs) => {
    store.getState().setPersistence(rs ? 'ok' : 'unavailable');
    return rs ?? memoryRunStore();
  });
  const marker = {
    get: () => storage?.getItem(MARKER_KEY) ?? null,
    set: (key: string | null) => {
      try {
        if (key === null) storage?.removeItem(MARKER_KEY);
        else storage?.setItem(MARKER_KEY, key);
      } catch {
        // Without storage a reload simply does not resume by itself.
      }
    },
  };
  let workerCount = 0;
  // How the automatic choice judges a GPU (protocol.ts, GpuPolicy).
  const autoPolicy: GpuPolicy = hooks.gpuProbe ? 'probe' : 'skip-software';
  const nav = navigator as Navigator & { deviceMemory?: number };
  const controllerOptions: ControllerOptions = {
    store,
    runStore,
    createWorker: () =>
      new Worker(new URL('../worker/sweep.worker.ts', import.meta.url), {
        type: 'module',
        name: `sweep-${++workerCount}`,
      }),
    backends: hooks.backends ?? (readPreference(storage) === 'cpu' ? CPU_CHAIN : BACKEND_CHAIN),
    // A URL that names the backends asks for exactly those (tests of the GPU paths).
    gpuPolicy: hooks.backends || readPreference(storage) === 'gpu' ? 'any' : autoPolicy,
    now: () => performance.now(),
    scheduleFlush,
    marker,
    pool: hooks.workers ?? parsePoolChoice(storage?.getItem(POOL_KEY)),
    cpuPool: cpuPoolSize(nav.hardwareConcurrency, nav.deviceMemory),
  };
  if (hooks.failAfterRuns !== undefined) controllerOptions.failAfterRuns = hooks.failAfterRuns;
  if (hooks.loseDeviceAfterRuns !== undefined)
    controllerOptions.loseDeviceAfterRuns = hooks.loseDeviceAfterRuns;
  const lock = aliveLock();
  if (lock) controllerOptions.aliveLock = lock;
  const controller = new SweepController(controllerOptions);
  if (hooks.expose) {
    // Kills worker i of the pool behind the controller's back, as a browser reclaiming it would.
    (window as Window & { __phaseExplorer?: unknown }).__phaseExplorer = {
      killWorker: (i = 0): boolean => {
        const w = controller.workerAt(i);
        w?.terminate();
        return w !== null;
      },
    };
  }

  startUrlSync(store, {
    onExternalChange: () => {
      const s = store.getState().status;
      if (s === 'running' || s === 'paused' || s === 'starting') controller.stop();
    },
  });

  let loading = 0;
  let resumedOnce = false;
  const loadResults = async (): Promise<void> => {
    const st = store.getState();
    if (st.imported) return;
    const key = resultsKey(st.settings, st.mnistSource);
    const ticket = ++loading;
    const rs = await runStore;
    let stored: Awaited<ReturnType<RunStore['load']>> = { runs: [], columns: [] };
    try {
      stored = await rs.load(key);
    } catch {
      store.getState().setPersistence('failed');
    }
    if (ticket !== loading) return; // settings changed again meanwhile
    const now = store.getState();
    if (resultsKey(now.settings, now.mnistSource) !== key || now.imported) return;
    // Runs stored before order seeds lack J: under this key, it is the settings' data seed.
    const j = now.settings.dataSeed;
    now.setResults(
      key,
      stored.runs.map((r) => withOrderSeed(r, j)),
      stored.columns.map((c) => withOrderSeed(c, j)),
    );
    // A reload in the middle of a sweep carries on where it stopped.
    if (!resumedOnce && marker.get() === key) {
      resumedOnce = true;
      const tryResume = (): void => {
        const s = store.getState();
        if (s.workerState === 'ready') controller.start();
        else if (s.workerState === 'booting') setTimeout(tryResume, 100);
      };
      tryResume();
    }
    resumedOnce = true;
  };

  store.subscribe((s, prev) => {
    if (
      s.settings === prev.settings &&
      s.mnistSource === prev.mnistSource &&
      s.imported === prev.imported
    )
      return;
    if (s.imported) return;
    if (resultsKey(s.settings, s.mnistSource) !== s.resultsKey) void loadResults();
  });
  store.subscribe((s, prev) => {
    const mnist = s.datasets.mnist;
    if (mnist && mnist !== prev.datasets.mnist) {
      // Freshly loaded files are used at once; cached ones if the user chose them before.
      if (!mnist.cached || storage?.getItem(MNIST_SOURCE_KEY) === 'files')
        s.setMnistSource('files');
    }
    if (s.mnistSource !== prev.mnistSource) {
      try {
        storage?.setItem(MNIST_SOURCE_KEY, s.mnistSource);
      } catch {
        // Preference not kept: harmless.
      }
    }
  });

  void loadResults();
  controller.boot();

  return {
    store,
    controller,
    runStore,
    async clearResults() {
      const st = store.getState();
      const key = resultsKey(st.settings, st.mnistSource);
      const rs = await runStore;
      await rs.clear(key).catch(() => undefined);
      store.getState().setResults(key, [], []);
    },
    preferBackends(choice) {
      try {
        if (choice === 'auto') storage?.removeItem(BACKEND_PREF_KEY);
        else storage?.setItem(BACKEND_PREF_KEY, choice);
      } catch {
        // Not remembered: it still applies to this page.
      }
      controller.switchBackends(
        choice === 'cpu' ? CPU_CHAIN : [...BACKEND_CHAIN],
        choice === 'gpu' ? 'any' : autoPolicy,
      );
    },
    backendPreference: () => readPreference(storage),
    setPoolSize(choice) {
      try {
        if (choice === 'auto') storage?.removeItem(POOL_KEY);
        else storage?.setItem(POOL_KEY, String(choice));
      } catch {
        // Not remembered: it still applies to this page.
      }
      controller.setPoolSize(choice);
    },
    async reloadResults() {
      store.setState({ imported: null, resultsKey: null });
      await loadResults();
    },
  };
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('useServices outside ServicesContext');
  return s;
}
