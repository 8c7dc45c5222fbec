/**
 * Multithreaded wasm in Node: tfjs-backend-wasm's threaded SIMD build, whose XNNPACK kernels
 * (matMul, conv, elementwise) split their output over a pool of pthreads. tfjs 4.22 ships the
 * build but cannot start it in Node, for three reasons this module works around while the backend
 * initialises (and only then):
 *
 * - the pthread worker script and the module factory reach emscripten as Blob URLs, which Node's
 *   `Worker` does not accept: the two Blobs are written to files in a temporary folder and their
 *   paths returned instead (the folder is removed once the backend has started);
 * - the factory, once in its own file, refers to the bundle's module variables (`commonjsGlobal`
 *   and the `require$$n` of fs, path, perf_hooks and os): they are declared at its top, as the
 *   bundle declares them;
 * - the pool size is min(requested, 4, logical cores / 2), the halving assuming two hyperthreads
 *   per core: `os.cpus()` reports enough cores for the request while the module starts.
 *
 * Results do not depend on the thread count: XNNPACK splits each kernel's output, never a sum, so
 * every element is computed in the same order (tests/integration/wasmThreads.test.ts checks whole
 * sweeps bit for bit). The browser keeps wasm on one thread (docs/ARCHITECTURE.md).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

/** XNNPACK's pool in tfjs-backend-wasm 4.22 holds at most this many threads. */
export const MAX_WASM_THREADS = 4;

/** The worker script's test for a string URL: replaced by the factory file's path. */
const WORKER_URL_TEST = 'if(typeof e.data.urlOrBlob=="string")';
const FACTORY_PREFIX = 'var WasmBackendModuleThreadedSimd';
/**
 * Declarations of the bundle's module variables that the factory's text uses, read from the
 * bundle itself (`var require$$0 = require('fs');` and so on, and `commonjsGlobal`).
 */
function factoryGlobals(factoryText: string): string {
  const bundle = fs.readFileSync(
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'),
    'utf8',
  );
  const required = new Map<string, string>();
  for (const m of bundle.matchAll(/^var (require\$\$\d+) = require\('([^']+)'\);$/gm))
    required.set(m[1]!, m[2]!);
  const used = new Set(factoryText.match(/require\$\$\d+/g) ?? []);
  const lines = ['var commonjsGlobal = globalThis;'];
  for (const name of used) {
    const mod = required.get(name);
    if (mod === undefined)
      throw new Error(
        `wasm threads: the threaded factory uses ${name}, which the bundle does not declare`,
      );
    lines.push(`var ${name} = require(${JSON.stringify(mod)});`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Run `start` (which initialises the wasm backend) with the hooks above in place, for `threads`
 * pthreads; the hooks are removed when it settles. What `start` returns is returned. Throws when
 * the threaded build's files do not look as this module expects (another tfjs version).
 */
export async function withWasmThreadHooks<T>(threads: number, start: () => Promise<T>): Promise<T> {
  // The files are read while the backend starts (emscripten loads its whole pool of pthread
  // workers, 8, before the module runs; XNNPACK takes at most 4 of them), then removed.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phase-wasm-threads-'));
  const g = globalThis as unknown as { Blob: typeof Blob };
  const RealBlob = g.Blob;
  const originalCreate = URL.createObjectURL;
  const realCreate = originalCreate.bind(URL);
  const originalCpus = os.cpus;
  const realCpus = originalCpus.bind(os);
  const texts = new WeakMap<Blob, string>();
  let factoryPath: string | null = null;
  let workerPath: string | null = null;
  let problem: string | null = null;

  class RecordingBlob extends RealBlob {
    constructor(...args: ConstructorParameters<typeof Blob>) {
      super(...args);
      const parts = args[0];
      if (parts?.every((p) => typeof p === 'string')) {
        const text = parts.join('');
        texts.set(this, text);
        if (text.startsWith(FACTORY_PREFIX)) {
          try {
            const file = path.join(dir, `factory-${process.pid}.js`);
            fs.writeFileSync(file, factoryGlobals(text) + text);
            factoryPath = file;
          } catch (err) {
            problem = err instanceof Error ? err.message : String(err);
          }
        }
      }
    }
  }
  const createObjectURL = (obj: Blob): string => {
    const text = obj instanceof RealBlob ? texts.get(obj) : undefined;
    if (text === undefined) return realCreate(obj);
    if (!text.includes(WORKER_URL_TEST) || factoryPath === null) {
      problem ??= "tfjs-backend-wasm's pthread worker script is not the one this project knows";
      return realCreate(obj);
    }
    // emscripten asks once per pthread worker it starts: one file serves them all.
    if (workerPath === null) {
      workerPath = path.join(dir, `worker-${process.pid}.js`);
      const forced = `e.data.urlOrBlob=${JSON.stringify(factoryPath)};if(true)`;
      fs.writeFileSync(workerPath, text.replace(WORKER_URL_TEST, forced));
    }
    return workerPath;
  };
  const cpus = (): os.CpuInfo[] => {
    const real = realCpus();
    const want = 2 * threads;
    return real.length >= want
      ? real
      : Array.from({ length: want }, (_, i) => real[i % real.length]!);
  };

  g.Blob = RecordingBlob as typeof Blob;
  URL.createObjectURL = createObjectURL;
  os.cpus = cpus;
  try {
    const out = await start();
    if (problem !== null) throw new Error(`wasm threads: ${problem}`);
    return out;
  } finally {
    g.Blob = RealBlob;
    URL.createObjectURL = originalCreate;
    os.cpus = originalCpus;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
