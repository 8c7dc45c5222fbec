/**
 * Sections `node` and `cpu`: per configuration (d, w, B, M) on MNIST, ms per SGD step and per HVP,
 * one timed cell, and a large plain matMul's rate on the same backend to compare them with.
 */
import { initNodeBackend, type NodeBackendName } from '../../../src/node/backend';
import { measureCell, measureKernels, measureMatmul } from '../../../src/bench/measure';
import { CELL_C, DEPTH, configRow, emit, now, progress, settingsFor } from '../common';
import type { BenchRun, NodeConfig, SectionRunner } from '../types';

export function nodeConfigs(quick: boolean, backend: NodeBackendName): NodeConfig[] {
  const widths = quick ? [64, 256] : [64, 256, 512];
  const sizes: [number, number][] = quick
    ? [[128, 256]]
    : [
        [128, 256],
        [512, 1024],
      ];
  const out: NodeConfig[] = [];
  for (const width of widths)
    for (const [batch, measure] of sizes)
      out.push({ depth: DEPTH, width, batch, measure, cell: true });
  // cpu is 5–25× slower than wasm: small configurations, one cell.
  if (backend === 'cpu')
    return out
      .filter((c) => c.batch === 128 && c.width <= 256)
      .map((c) => ({ ...c, cell: c.width === 64 }));
  return out;
}

async function nodeBackendSection(
  backend: NodeBackendName,
  { opts, mnist, report }: BenchRun,
): Promise<void> {
  progress(`${backend}: starting`);
  await initNodeBackend(backend);
  // cpu's matMul is ~1 GFLOP/s: a 512³ product already takes a fraction of a second.
  const n = backend === 'cpu' || opts.quick ? 512 : 1024;
  const mm = await measureMatmul(n, backend === 'cpu' ? 3 : 5, now);
  report.matmuls.push({ where: 'node', backend, figures: mm });
  emit({ type: 'matmul', where: 'node', backend, ...mm });
  progress(
    `${backend}: matmul ${n}³ ${mm.msMedian.toFixed(1)} ms = ${mm.gflops.toFixed(2)} GFLOP/s`,
  );
  const configs = nodeConfigs(opts.quick, backend);
  const first = configs[0];
  // Untimed: the first kernels of a backend pay for JIT, allocator growth and (wasm) XNNPACK setup.
  if (first) await measureKernels(settingsFor(first), mnist, first.depth, first.width, 1, now);
  for (const c of configs) {
    const s = settingsFor(c);
    const k = await measureKernels(s, mnist, c.depth, c.width, opts.quick ? 3 : 5, now);
    const cell = c.cell ? await measureCell(s, mnist, c.depth, c.width, CELL_C, now) : null;
    const row = configRow('node', backend, 'mnist', k, cell, mm);
    report.rows.push(row);
    emit(row);
    progress(
      `${backend} d=${c.depth} w=${c.width} B=${c.batch} M=${c.measure}: step ${k.msPerStep.toFixed(1)} ms, ` +
        `HVP ${k.msPerHvp.toFixed(1)} ms (${k.hvpGflops.toFixed(2)} GFLOP/s)` +
        (cell ? `, cell ${cell.cellSeconds.toFixed(2)} s, λ_0 ${cell.lambda0Iters} HVPs` : ''),
    );
  }
}

/** wasm (SIMD, one thread): the backend the CLI and most browsers run. */
export const nodeSection: SectionRunner = (run) => nodeBackendSection('wasm', run);
/** cpu: tfjs's plain-JS reference backend, small configurations only. */
export const cpuSection: SectionRunner = (run) => nodeBackendSection('cpu', run);
