/**
 * Backend setup for Node (the CLI, scripts and tests). Not for the browser worker, which picks
 * webgpu → webgl → wasm → cpu itself and imports `./registerStockGradients`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerGradientFixes } from './gradients';

/** Backends that run in Node without native bindings. */
export type NodeBackendName = 'wasm' | 'cpu';

/**
 * Register tfjs's stock gradients in Node if none are registered yet. tfjs-core's CommonJS build
 * (what Node resolves) contains no gradients, and its ESM gradient file cannot be loaded by Node
 * (see `registerStockGradients.ts`). The umbrella package's Node bundle registers the same stock
 * configs into the same global registry on load (~0.8 s once), so it is used here.
 */
async function ensureStockGradientsNode(): Promise<void> {
  if (tf.getGradient(tf.Add) !== undefined) return;
  await import('@tensorflow/tfjs');
}

/**
 * Initialise a tfjs backend in Node and register the gradients (stock, then the project fixes).
 * wasm runs with SIMD on one thread (threads stay off everywhere, see DESIGN.md) and needs no
 * `setWasmPaths` in Node. Returns the active backend's name. Throws if the backend cannot start.
 */
export async function initNodeBackend(name: NodeBackendName): Promise<string> {
  await ensureStockGradientsNode();
  if (name === 'wasm') {
    await import('@tensorflow/tfjs-backend-wasm');
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  } else {
    await import('@tensorflow/tfjs-backend-cpu');
  }
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs backend '${name}' failed to initialise`);
  await tf.ready();
  registerGradientFixes();
  return tf.getBackend();
}
