/**
 * Section `gpu`: tfjs-backend-webgpu in Node through Dawn (npm `webgpu`) when a Vulkan driver is
 * there: a matMul, kernels and cells, and the 16-member ensemble against single runs. On a software
 * adapter (SwiftShader) it runs one small configuration and no ensemble unless `--allow-software`.
 */
import { initNodeBackend, nodeGpuAdapter, releaseNodeGpu } from '../../../src/node/backend';
import {
  ensembleCs,
  measureCell,
  measureEnsemble,
  measureKernels,
  measureMatmul,
  type EnsembleFigures,
} from '../../../src/bench/measure';
import {
  CELL_C,
  DEPTH,
  TRAIN_SIZE,
  configRow,
  emit,
  loadPrepared,
  now,
  progress,
  settingsFor,
} from '../common';
import type { ConfigRow, GpuFigures, NodeConfig, SectionRunner } from '../types';

async function gpuFigures(quick: boolean, allowSoftware: boolean): Promise<GpuFigures | string> {
  try {
    await initNodeBackend('webgpu');
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  const adapter = nodeGpuAdapter();
  if (adapter === null) return 'webgpu started without an adapter';
  const small = adapter.software && !allowSoftware;
  progress(
    `gpu: webgpu in Node on ${adapter.name}${adapter.software ? ' (software adapter)' : ''}`,
  );
  // SwiftShader is 30–40× slower than wasm: one small configuration shows that it runs.
  const mm = await measureMatmul(small ? 256 : 2048, 5, now);
  progress(`gpu: matmul ${mm.n}³ ${mm.msMedian.toFixed(1)} ms = ${mm.gflops.toFixed(2)} GFLOP/s`);
  const data = loadPrepared('mnist', null, TRAIN_SIZE);
  const widths = small ? [64] : quick ? [64, 256] : [64, 256, 1024];
  const sizes: [number, number][] =
    small || quick
      ? [[128, 256]]
      : [
          [128, 256],
          [512, 1024],
        ];
  const rows: ConfigRow[] = [];
  const label = `webgpu (Dawn)${adapter.software ? ' (software adapter)' : ''}`;
  const first: NodeConfig = { depth: DEPTH, width: 64, batch: 128, measure: 256, cell: false };
  await measureKernels(settingsFor(first), data, DEPTH, 64, 1, now); // warm-up: shader compiles
  for (const width of widths)
    for (const [batch, measure] of sizes) {
      const c: NodeConfig = { depth: DEPTH, width, batch, measure, cell: true };
      const s = settingsFor(c);
      const k = await measureKernels(s, data, DEPTH, width, quick || small ? 2 : 4, now);
      const cell = await measureCell(s, data, DEPTH, width, CELL_C, now);
      const row = configRow('node', label, 'mnist', k, cell, mm);
      rows.push(row);
      emit(row);
      progress(
        `gpu d=${DEPTH} w=${width} B=${batch} M=${measure}: step ${k.msPerStep.toFixed(1)} ms, HVP ${k.msPerHvp.toFixed(1)} ms, cell ${cell.cellSeconds.toFixed(2)} s`,
      );
    }
  const ensembles: EnsembleFigures[] = [];
  const ensembleSkipped = small
    ? 'software adapter: a CPU-emulated GPU says nothing about batching on a GPU (--allow-software runs it)'
    : null;
  if (ensembleSkipped === null)
    for (const width of quick ? [64] : [64, 256]) {
      const c: NodeConfig = { depth: DEPTH, width, batch: 128, measure: 256, cell: false };
      const members = 16;
      progress(
        `gpu: ensemble d=${DEPTH} w=${width}, ${members} c values: singles, then one batched run`,
      );
      const e = await measureEnsemble(
        settingsFor(c),
        data,
        DEPTH,
        width,
        ensembleCs(members),
        quick ? 4 : members,
        now,
      );
      progress(
        `gpu: ensemble w=${width}: singles ${e.singlesSeconds.toFixed(1)} s, ensemble ${e.ensembleSeconds.toFixed(1)} s = ${e.ensembleOverOneRun.toFixed(2)} × one run, speed-up ×${e.speedup.toFixed(2)}`,
      );
      emit({ type: 'ensemble', where: 'node', backend: label, ...e });
      ensembles.push(e);
    }
  return {
    adapter: adapter.name,
    software: adapter.software,
    matmul: mm,
    rows,
    ensembles,
    ensembleSkipped,
  };
}

export const gpuSection: SectionRunner = async ({ opts, report }) => {
  try {
    report.gpu = await gpuFigures(opts.quick, opts.allowSoftware);
  } finally {
    // Also when the section throws: a GPU left running can crash the exit and hide the error.
    await releaseNodeGpu();
  }
  if (typeof report.gpu === 'string') {
    progress(`gpu skipped: ${report.gpu}`);
    return;
  }
  report.matmuls.push({
    where: 'node',
    backend: 'webgpu (Dawn)',
    figures: report.gpu.matmul,
    adapter: report.gpu.adapter,
  });
  emit({
    type: 'matmul',
    where: 'node',
    backend: 'webgpu',
    adapter: report.gpu.adapter,
    ...report.gpu.matmul,
  });
  report.rows.push(...report.gpu.rows);
};
