/**
 * Backend setup for Node (the CLI, scripts and tests): wasm, cpu, or webgpu on Dawn's Node
 * bindings, which this module installs as `navigator.gpu`. Not for the browser worker, which picks
 * webgpu → webgl → wasm → cpu itself and imports `core/tf/registerStockGradients`. The core never
 * asks which backend runs: callers hand it `capabilitiesOf(name)` (core/tf/capabilities.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerGradientFixes } from '../core/tf/gradients';
import { describeGpuAdapter, type AdapterLike } from '../core/tf/adapters';
import { MAX_WASM_THREADS, withWasmThreadHooks } from './wasmThreads';

/** Backends the CLI, scripts and tests run in Node: wasm and cpu need nothing native; webgpu runs
 * tfjs-backend-webgpu on Dawn's Node bindings (npm `webgpu`) and needs a Vulkan driver. */
export const NODE_BACKENDS = ['wasm', 'cpu', 'webgpu'] as const;
export type NodeBackendName = (typeof NODE_BACKENDS)[number];

/** What Dawn's Node bindings export (typed here: their own types need `@webgpu/types`). */
interface DawnModule {
  create(flags: string[]): DawnGpu;
  globals: Record<string, unknown>;
}
interface DawnGpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}

/** The WebGPU adapter Node runs on, once `initNodeBackend('webgpu')` has found one. */
export interface NodeGpuAdapter {
  /** "description · vendor · architecture · device", the parts the driver reports. */
  name: string;
  software: boolean;
}

let nodeGpu: NodeGpuAdapter | null = null;
let gpuReleased = false;

/** The adapter of the Node WebGPU backend, or null before `initNodeBackend('webgpu')`. */
export function nodeGpuAdapter(): NodeGpuAdapter | null {
  return nodeGpu;
}

/**
 * Give Node a `navigator.gpu` from Dawn's bindings, as a browser has, so that
 * tfjs-backend-webgpu can start; return the adapter. Throws with what is missing.
 */
async function installDawn(): Promise<NodeGpuAdapter> {
  let dawn: DawnModule;
  try {
    dawn = (await import('webgpu')) as unknown as DawnModule;
  } catch (err) {
    throw new Error(
      `webgpu backend: Dawn's Node bindings (npm package webgpu) did not load: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter)
    throw new Error(
      'webgpu backend: no WebGPU adapter. Dawn needs a Vulkan driver and the Vulkan loader ' +
        '(libvulkan.so.1); VK_ICD_FILENAMES can point it at a driver.',
    );
  const { name, software } = describeGpuAdapter(adapter);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator === undefined) g.navigator = { gpu };
  else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  return { name: name ?? 'unnamed adapter', software };
}

/** What the release below needs of tfjs-backend-webgpu's backend object. */
interface WebGpuBackendLike {
  device?: { queue: { onSubmittedWorkDone(): Promise<void> }; destroy(): void };
}

/**
 * Finish the Node WebGPU backend before the process exits: wait for the queue, free tfjs's
 * buffers, destroy the device and drop Dawn's instance. Without it the driver's threads can still
 * be running while the process tears down its globals, which crashes it (seen with SwiftShader:
 * exit status 139 after all output was written). The end of webgpu for this process: tfjs cannot
 * register the backend again. Does nothing when webgpu never started.
 */
export async function releaseNodeGpu(): Promise<void> {
  if (nodeGpu === null) return;
  const backend = tf.engine().registry.webgpu as WebGpuBackendLike | undefined;
  const device = backend?.device;
  // A lost device rejects here: nothing is left to wait for, so go on to the release.
  if (device) await device.queue.onSubmittedWorkDone().catch(() => undefined);
  if ('webgpu' in tf.engine().registryFactory) tf.removeBackend('webgpu');
  device?.destroy();
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (g.navigator !== undefined) delete g.navigator.gpu;
  nodeGpu = null;
  gpuReleased = true;
}

/**
 * Register tfjs's stock gradients in Node if none are registered yet. tfjs-core's CommonJS build
 * (what Node resolves) contains no gradients, and its ESM gradient file cannot be loaded by Node
 * (see `core/tf/registerStockGradients.ts`). The umbrella package's Node bundle registers the
 * same stock configs into the same global registry on load (~0.8 s once), so it is used here.
 */
async function ensureStockGradientsNode(): Promise<void> {
  if (tf.getGradient(tf.Add) !== undefined) return;
  await import('@tensorflow/tfjs');
}

/** Options of `initNodeBackend`. */
export interface NodeBackendOptions {
  /**
   * wasm only: XNNPACK threads of the backend (1 to `MAX_WASM_THREADS`; default 1). Above 1 the
   * threaded SIMD build runs (src/node/wasmThreads.ts); results are the same for any count.
   */
  wasmThreads?: number;
}

let wasmThreadsActive = 0;

/** The XNNPACK threads of the Node wasm backend once started (0 before, or on another backend). */
export function nodeWasmThreads(): number {
  return wasmThreadsActive;
}

/** What `unrefWasmThreads` needs of the threaded wasm module. */
interface PthreadModule {
  PThread?: { runningWorkers: { unref(): void }[]; unusedWorkers: { unref(): void }[] };
}

/**
 * Let the process exit with the pthread workers alive, as with any finished work: XNNPACK's pool
 * threads wait for kernels forever and would otherwise hold Node's event loop open.
 */
function unrefWasmThreads(): void {
  const m = (tf.backend() as unknown as { wasm?: PthreadModule }).wasm;
  for (const w of [...(m?.PThread?.runningWorkers ?? []), ...(m?.PThread?.unusedWorkers ?? [])])
    w.unref();
}

/**
 * Initialise a tfjs backend in Node and register the gradients (stock, then the project fixes).
 * wasm runs with SIMD, on one thread unless `wasmThreads` asks for more, and needs no
 * `setWasmPaths` in Node. Returns the active backend's name. Throws if the backend cannot start.
 */
export async function initNodeBackend(
  name: NodeBackendName,
  options: NodeBackendOptions = {},
): Promise<string> {
  await ensureStockGradientsNode();
  const threads = options.wasmThreads ?? 1;
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_WASM_THREADS)
    throw new Error(`wasm threads: ${threads} is not a whole number from 1 to ${MAX_WASM_THREADS}`);
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (wasmThreadsActive > 0 && wasmThreadsActive !== threads)
      throw new Error(
        `wasm threads: the backend already runs ${wasmThreadsActive} thread(s) in this process`,
      );
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 1);
    if (threads > 1) wasm.setThreadsCount(threads);
  } else if (name === 'webgpu') {
    if (gpuReleased) throw new Error('webgpu backend: already released in this process');
    nodeGpu ??= await installDawn();
    await import('@tensorflow/tfjs-backend-webgpu');
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  const start = async (): Promise<boolean> => {
    const ok = await tf.setBackend(name);
    if (ok) await tf.ready();
    return ok;
  };
  const ok =
    name === 'wasm' && threads > 1 && wasmThreadsActive === 0
      ? await withWasmThreadHooks(threads, start)
      : await start();
  if (!ok)
    throw new Error(
      `tfjs backend '${name}' failed to initialise${name === 'wasm' && threads > 1 ? ` with ${threads} threads (one thread needs none of the threaded build)` : ''}`,
    );
  if (name === 'wasm') {
    const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
    wasmThreadsActive = getThreadsCount();
    if (threads > 1) unrefWasmThreads();
    if (wasmThreadsActive !== threads)
      throw new Error(`wasm threads: asked for ${threads}, the backend runs ${wasmThreadsActive}`);
  }
  registerGradientFixes();
  return tf.getBackend();
}
