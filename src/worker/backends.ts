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
import { describeGpuAdapter, SOFTWARE_ADAPTER, type AdapterLike } from '../core/tf/adapters';
import { PROBE_MARGIN, type BackendName, type BackendRefusal } from './protocol';
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

/**
 * Why a GPU backend on a software adapter is skipped. Measured on a 2-core machine in headless
 * Chromium (SwiftShader): the quick demo projected 10 min 36 s on WebGPU and filled in 23 s on
 * WebAssembly, which runs the same arithmetic on the same cores without the emulation.
 */
function softwareReason(adapter: string | null): string {
  return `${adapter ?? 'the adapter'} is a software (CPU-emulated) GPU: WebAssembly on the same cores is many times faster`;
}

/** The probe repeats its gradient until this long has passed (after one warm-up)… */
const PROBE_MIN_MS = 120;
/** …or this many times. */
const PROBE_MAX_REPS = 20;

/**
 * Milliseconds per gradient of a small two-layer ReLU net (256 × 256 inputs, width 256, 10
 * outputs: about 0.1 GFLOP) on the active backend, read back each time as a run reads its
 * loss, after one warm-up that compiles the kernels. The data are the same on every backend.
 */
async function probeMs(): Promise<number> {
  const [x, w1, w2] = tf.tidy(() => [
    tf.randomUniform([256, 256], -1, 1, 'float32', 1),
    tf.randomUniform([256, 256], -0.1, 0.1, 'float32', 2),
    tf.randomUniform([256, 10], -0.1, 0.1, 'float32', 3),
  ]) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const once = async (): Promise<void> => {
    const total = tf.tidy(() => {
      const loss = (a: tf.Tensor, b: tf.Tensor): tf.Scalar =>
        tf.mean(tf.square(tf.matMul(tf.relu(tf.matMul(x, a as tf.Tensor2D)), b as tf.Tensor2D)));
      const [ga, gb] = tf.grads(loss)([w1, w2]) as [tf.Tensor, tf.Tensor];
      return tf.add(tf.sum(ga), tf.sum(gb));
    });
    await total.data();
    total.dispose();
  };
  try {
    await once();
    const t0 = performance.now();
    let reps = 0;
    do {
      await once();
      reps++;
    } while (reps < PROBE_MAX_REPS && performance.now() - t0 < PROBE_MIN_MS);
    return (performance.now() - t0) / reps;
  } finally {
    tf.dispose([x, w1, w2]);
  }
}

/** WebAssembly's probe time in this worker, measured once. */
let wasmProbe: Promise<number | null> | null = null;

function wasmProbeMs(): Promise<number | null> {
  wasmProbe ??= (async () => {
    configureWasm();
    if (tf.findBackendFactory('wasm') === null) return null;
    if (!(await tf.setBackend('wasm'))) return null;
    await tf.ready();
    return probeMs();
  })().catch(() => null);
  return wasmProbe;
}

/**
 * The timed probe of a GPU backend that passed its checks (and is active): the same gradient on
 * it and on WebAssembly. Returns why the GPU is refused when WebAssembly is `PROBE_MARGIN` times
 * faster, else null with the GPU active again. WebAssembly that cannot start keeps the GPU.
 */
async function probeAgainstWasm(name: BackendName): Promise<string | null> {
  const gpuMs = await probeMs();
  const wasmMs = await wasmProbeMs();
  const faster = wasmMs !== null && wasmMs * PROBE_MARGIN < gpuMs;
  if (!faster) {
    await tf.setBackend(name);
    return null;
  }
  const label = name === 'webgpu' ? 'WebGPU' : 'WebGL';
  return `a timed probe ran a test gradient in ${wasmMs.toFixed(1)} ms on WebAssembly and ${gpuMs.toFixed(1)} ms on ${label}: WebAssembly is faster on this machine`;
}

/** Whether an adapter or renderer name is a software one (SwiftShader, llvmpipe, …). */
function isSoftwareName(adapter: string | null): boolean {
  return SOFTWARE_ADAPTER.test(adapter ?? '');
}

/** A backend started (with its adapter's name, if any), or why not: `why` for a software GPU. */
type Tried = { ok: true; value: string | null } | { ok: false; error: string; why?: 'software' };

function refuseSoftware(adapter: string | null): Tried {
  return { ok: false, error: softwareReason(adapter), why: 'software' };
}

async function tryBackend(name: BackendName, skipSoftware: boolean): Promise<Tried> {
  let adapter: string | null = null;
  if (name === 'webgpu') {
    const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
    if (!gpu) return { ok: false, error: 'this browser has no WebGPU' };
    const a = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!a) return { ok: false, error: 'no WebGPU adapter' };
    const described = describeGpuAdapter(a);
    adapter = described.name;
    // Refused before the backend starts: creating a device on SwiftShader is itself slow.
    if (skipSoftware && described.software) return refuseSoftware(adapter);
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
  if (name === 'webgl') {
    adapter = webglRenderer();
    if (skipSoftware && SOFTWARE_ADAPTER.test(adapter ?? '')) return refuseSoftware(adapter);
  }
  const wrong = await smokeTest().catch((err: unknown) =>
    err instanceof Error ? err.message : String(err),
  );
  if (wrong !== null) return { ok: false, error: wrong };
  return { ok: true, value: adapter };
}

export const initBackend: HandlerEnv['initBackend'] = async (names, gpuPolicy = 'any') => {
  const refused: BackendRefusal[] = [];
  for (const [i, name] of names.entries()) {
    // A software GPU is skipped, and a GPU probed, only when a CPU backend is left to fall back on.
    const later = names.slice(i + 1);
    const cpuLater = later.some((n) => n === 'wasm' || n === 'cpu');
    const r = await tryBackend(name, gpuPolicy === 'skip-software' && cpuLater).catch(
      (err: unknown): Tried => ({
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      }),
    );
    if (!r.ok) {
      // A software GPU is refused for speed, and the badge offers it anyway.
      refused.push({ backend: name, reason: r.error, ...(r.why ? { why: r.why } : {}) });
      if (tf.getBackend() === name) tf.removeBackend(name);
      continue;
    }
    // A hardware GPU, or any GPU under 'probe', against WebAssembly when it comes later.
    const gpu = name === 'webgpu' || name === 'webgl';
    const probe =
      gpu &&
      later.includes('wasm') &&
      (gpuPolicy === 'probe' || (gpuPolicy === 'skip-software' && !isSoftwareName(r.value)));
    if (probe) {
      // A probe that fails keeps the GPU, which passed its checks: active again, as it was.
      const slower = await probeAgainstWasm(name).catch(async () => {
        await tf.setBackend(name).catch(() => false);
        return null;
      });
      if (slower !== null) {
        refused.push({ backend: name, reason: slower, why: 'slower' });
        tf.removeBackend(name);
        continue;
      }
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
