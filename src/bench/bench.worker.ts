/// <reference lib="webworker" />
/**
 * Bench worker: starts one tfjs backend the way the app's worker does (stock gradients, then the
 * project's fixes; wasm SIMD on one thread with `?url` wasm paths), then runs the shared
 * measurements of `measure.ts` on synthetic data and posts the figures back. One worker per
 * backend, so backends never share a process-wide state.
 */
import '../core/tf/registerStockGradients';
import * as tf from '@tensorflow/tfjs-core';
import { describeGpuAdapter, SOFTWARE_ADAPTER, type AdapterLike } from '../core/tf/adapters';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { registerGradientFixes } from '../core/tf/gradients';
import { cloneDefaults } from '../core/settings/codec';
import { prepareData, syntheticDataset } from '../core/data';
import type { Settings } from '../core/settings/schema';
import { ensembleCs, measureCell, measureEnsemble, measureKernels, measureMatmul } from './measure';
import {
  emptyResult,
  type BackendPlan,
  type BackendResult,
  type FromWorker,
  type ToWorker,
} from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (m: FromWorker): void => scope.postMessage(m);
const now = (): number => performance.now();

interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface WebGlBackendLike {
  gpgpu?: { gl?: WebGL2RenderingContext };
}

async function describeAdapter(
  backend: string,
): Promise<{ adapter: string | null; software: boolean }> {
  if (backend === 'webgpu') {
    const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
    const a = gpu ? await gpu.requestAdapter({ powerPreference: 'high-performance' }) : null;
    if (!a?.info) return { adapter: null, software: false };
    const { name, software } = describeGpuAdapter(a);
    return { adapter: name, software };
  }
  if (backend === 'webgl') {
    const gl = (tf.backend() as unknown as WebGlBackendLike).gpgpu?.gl;
    if (!gl) return { adapter: null, software: false };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    return { adapter: renderer, software: SOFTWARE_ADAPTER.test(renderer) };
  }
  return { adapter: null, software: false };
}

async function start(name: string): Promise<void> {
  if (name === 'wasm') {
    // Threaded wasm spawns pthread workers that crash in minified builds: SIMD on one thread.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    setWasmPaths({
      'tfjs-backend-wasm.wasm': wasmPlainUrl,
      'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
      'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
    });
  }
  const ok = await tf.setBackend(name);
  await tf.ready();
  if (!ok || tf.getBackend() !== name) throw new Error(`${name} failed to initialise`);
  registerGradientFixes();
}

async function run(plan: BackendPlan): Promise<BackendResult> {
  const t0 = now();
  const result: BackendResult = emptyResult(plan.backend);

  try {
    await start(plan.backend);
    result.active = tf.getBackend();
    const described = await describeAdapter(plan.backend);
    result.adapter = described.adapter;
    result.softwareAdapter = described.software;
    post({ type: 'progress', text: `${plan.backend}: ${described.adapter ?? 'started'}` });

    const side = Math.round(Math.sqrt(plan.inputDim));
    if (side * side !== plan.inputDim) throw new Error('bench: inputDim must be a square');
    const sizes = [...plan.configs, ...(plan.ensemble ? [plan.ensemble] : [])];
    const trainSize = Math.max(...sizes.map((c) => Math.max(c.batch, c.measure)), 1);
    const ds = syntheticDataset({ count: trainSize, height: side, width: side, seed: 0 });
    const prepared = prepareData(ds, trainSize);
    if (!prepared.ok) throw new Error(prepared.error);
    const data = prepared.value;

    result.matmul = await measureMatmul(plan.matmulN, plan.matmulReps, now);
    post({
      type: 'progress',
      text: `${plan.backend}: matmul ${plan.matmulN}³ ${result.matmul.gflops.toFixed(2)} GFLOP/s`,
    });
    let warmedUp = false;
    for (const c of plan.configs) {
      const settings: Settings = {
        ...cloneDefaults(),
        depths: [c.depth],
        widths: [c.width],
        batch: c.batch,
        measureSize: c.measure,
        trainSize,
        steps: plan.steps,
      };
      // Untimed first pass: shader compilation (webgl, webgpu), JIT and allocator growth.
      if (!warmedUp) await measureKernels(settings, data, c.depth, c.width, 1, now);
      warmedUp = true;
      const k = await measureKernels(settings, data, c.depth, c.width, plan.reps, now);
      result.kernels.push(k);
      post({
        type: 'progress',
        text: `${plan.backend}: d=${c.depth} w=${c.width} B=${c.batch} M=${c.measure}: step ${k.msPerStep.toFixed(1)} ms, HVP ${k.msPerHvp.toFixed(1)} ms`,
      });
      if (c.cell) {
        const cell = await measureCell(settings, data, c.depth, c.width, 2, now);
        result.cells.push(cell);
        post({ type: 'progress', text: `${plan.backend}: cell ${cell.cellSeconds.toFixed(2)} s` });
      }
    }
    const e = plan.ensemble;
    if (e && described.software) {
      result.ensembleSkipped =
        'software adapter: a CPU-emulated GPU says nothing about batching on a GPU';
      post({
        type: 'progress',
        text: `${plan.backend}: ensemble skipped (${result.ensembleSkipped})`,
      });
    } else if (e) {
      const settings: Settings = {
        ...cloneDefaults(),
        depths: [e.depth],
        widths: [e.width],
        batch: e.batch,
        measureSize: e.measure,
        trainSize,
        steps: e.steps,
      };
      const cs = ensembleCs(e.members);
      result.ensemble = await measureEnsemble(settings, data, e.depth, e.width, cs, e.singles, now);
      post({
        type: 'progress',
        text: `${plan.backend}: ensemble of ${e.members}: ${result.ensemble.ensembleSeconds.toFixed(2)} s = ${result.ensemble.ensembleOverOneRun.toFixed(2)} × one run`,
      });
    }
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
  }
  result.seconds = (now() - t0) / 1000;
  return result;
}

scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  void run(ev.data.plan).then((result) => post({ type: 'result', result }));
};
