/**
 * The bench page: runs each backend of a plan in its own worker, one after another, and resolves
 * with every backend's figures. scripts/bench.ts calls `window.runBench(plan)` through Playwright;
 * opened by hand (`vite --config vite.bench.config.ts`, then /bench.html), the Run button runs
 * a small default plan and shows the JSON.
 */
import {
  emptyResult,
  type BackendPlan,
  type BackendResult,
  type BrowserBenchPlan,
  type BrowserBenchResult,
  type FromWorker,
} from './protocol';

declare global {
  interface Window {
    runBench: (plan: BrowserBenchPlan) => Promise<BrowserBenchResult>;
  }
}

const out = document.getElementById('out') as HTMLPreElement;
const log = (text: string): void => {
  console.log(`[bench] ${text}`);
  out.textContent += `${text}\n`;
};

function runBackend(plan: BackendPlan): Promise<BackendResult> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('./bench.worker.ts', import.meta.url), { type: 'module' });
    const fail = (error: string): void => {
      worker.terminate();
      resolve(emptyResult(plan.backend, error));
    };
    worker.onerror = (ev) => fail(ev.message || 'worker failed to start');
    worker.onmessage = (ev: MessageEvent<FromWorker>) => {
      const m = ev.data;
      if (m.type === 'progress') log(m.text);
      else {
        worker.terminate();
        resolve(m.result);
      }
    };
    worker.postMessage({ type: 'run', plan });
  });
}

window.runBench = async (plan) => {
  const results: BackendResult[] = [];
  for (const b of plan.backends) {
    log(`${b.backend}: starting`);
    const r = await runBackend(b);
    log(`${b.backend}: ${r.error ?? `done in ${r.seconds.toFixed(1)} s`}`);
    results.push(r);
  }
  return {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    results,
  };
};

const SMALL: BrowserBenchPlan = {
  backends: (['webgpu', 'webgl', 'wasm'] as const).map((backend) => ({
    backend,
    matmulN: 256,
    matmulReps: 3,
    reps: 3,
    inputDim: 784,
    steps: 10,
    configs: [{ depth: 4, width: 64, batch: 128, measure: 256, cell: false }],
    ensemble: null,
  })),
};

document.getElementById('run')?.addEventListener('click', () => {
  out.textContent = '';
  void window.runBench(SMALL).then((r) => log(JSON.stringify(r, null, 2)));
});
