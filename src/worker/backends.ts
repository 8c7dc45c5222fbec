/**
 * Backend choice in the browser worker: the first of webgpu -> webgl -> wasm -> cpu (or of the
 * list asked for) that initialises *and* computes a small product correctly. Refusals carry a
 * reason so the app can say why it is not on the GPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { Result } from '../core/result';
import { adapterName, type AdapterLike } from '../core/tf/adapters';
import type { BackendName, BackendRefusal } from './protocol';
import type { HandlerEnv } from './handler';

/** The parts of WebGPU we touch (the DOM lib of TypeScript 5.9 does not declare them). */
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface WebGlBackendLike {
  gpgpu?: { gl?: WebGLRenderingContext };
}
interface WebGpuBackendLike {
  device?: { lost?: Promise<{ reason?: string; message?: string }>; destroy?(): void };
}

let wasmConfigured = false;

function configureWasm(): void {
  if (wasmConfigured) return;
  wasmConfigured = true;
  // Threaded wasm spawns pthread workers that crash in minified builds; SIMD on one thread it is.
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths({
    'tfjs-backend-wasm.wasm': wasmPlainUrl,
    'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
  });
}

/** The WebGL renderer (e.g. "ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device ...))"). */
function webglRenderer(): string | null {
  try {
    const gl = (tf.backend() as unknown as WebGlBackendLike).gpgpu?.gl;
    if (!gl) return null;
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const r: unknown = ext
      ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)
      : gl.getParameter(gl.RENDERER);
    return typeof r === 'string' && r.trim() !== '' ? r.trim() : null;
  } catch {
    return null;
  }
}

/** A 2×2 product read back asynchronously (WebGPU has no synchronous reads). */
async function smokeTest(): Promise<string | null> {
  const product = tf.tidy(() =>
    tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2])),
  );
  try {
    const v = await product.data();
    const expected = [19, 22, 43, 50];
    return expected.every((e, i) => Math.abs((v[i] ?? NaN) - e) < 1e-4)
      ? null
      : `wrong result from a test product (${Array.from(v).join(', ')})`;
  } finally {
    product.dispose();
  }
}

async function tryBackend(name: BackendName): Promise<Result<string | null>> {
  let adapter: string | null = null;
  if (name === 'webgpu') {
    const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
    if (!gpu) return { ok: false, error: 'this browser has no WebGPU' };
    const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!a) return { ok: false, error: 'no WebGPU adapter' };
    adapter = adapterName(a.info);
  }
  if (name === 'wasm') configureWasm();
  if (tf.findBackendFactory(name) === null) return { ok: false, error: 'not available here' };
  let ok = false;
  try {
    ok = await tf.setBackend(name);
    await tf.ready();
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
  if (!ok || tf.getBackend() !== name) return { ok: false, error: 'failed to initialise' };
  if (name === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE'))
    return { ok: false, error: 'no float32 render targets (half precision would spoil λ)' };
  if (name === 'webgl') adapter = webglRenderer();
  const wrong = await smokeTest().catch((err: unknown) =>
    err instanceof Error ? err.message : String(err),
  );
  if (wrong !== null) return { ok: false, error: wrong };
  return { ok: true, value: adapter };
}

export const initBackend: HandlerEnv['initBackend'] = async (names) => {
  const refused: BackendRefusal[] = [];
  for (const name of names) {
    const r = await tryBackend(name).catch((err: unknown) => ({
      ok: false as const,
      error: err instanceof Error ? err.message : String(err),
    }));
    if (!r.ok) {
      refused.push({ backend: name, reason: r.error });
      if (tf.getBackend() === name) tf.removeBackend(name);
      continue;
    }
    let lost: Promise<string> | undefined;
    if (name === 'webgpu') {
      const device = (tf.backend() as unknown as WebGpuBackendLike).device;
      lost = device?.lost?.then((info) => info.message || info.reason || 'device lost');
    }
    const result: Awaited<ReturnType<HandlerEnv['initBackend']>> = {
      backend: name,
      adapter: r.value,
      refused,
    };
    if (lost) result.lost = lost;
    return result;
  }
  throw new Error(refused.map((r) => `${r.backend}: ${r.reason}`).join('; '));
};

/** Test hook: destroy the WebGPU device, as a driver reset would; false on other backends. */
export function loseDevice(): boolean {
  if (tf.getBackend() !== 'webgpu') return false;
  const device = (tf.backend() as unknown as WebGpuBackendLike).device;
  if (!device?.destroy) return false;
  device.destroy();
  return true;
}
