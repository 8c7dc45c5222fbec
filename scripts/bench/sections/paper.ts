/**
 * Section `paper`: a scaled paper preset (CIFAR-10, d = 8, w = 64, B = 512, M = 1024) through
 * `runSweep` on wasm, and from its figures the time of the scaled preset's full c grid and of the
 * full paper preset (every width, M = 4096) at the best wasm cell rate of section `node`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { initNodeBackend } from '../../../src/node/backend';
import { cloneDefaults } from '../../../src/core/settings/codec';
import type { Settings } from '../../../src/core/settings/schema';
import { fcnSpec } from '../../../src/core/train/fcnColumn';
import { forwardFlops, lanczosFlops, runFlops } from '../../../src/core/train/flops';
import { measureSweep } from '../../../src/bench/measure';
import {
  emit,
  loadPrepared,
  now,
  progress,
  warmItersMean as meanWarmIters,
  withoutRecords,
} from '../common';
import type { PaperFigures, SectionRunner } from '../types';

/**
 * Where the CIFAR-10 batches are looked for: DIR/cifar10 of --data-dir (else $PHASE_DATA_DIR,
 * `Options.dataDir`); the sections that need them are skipped without them.
 */
export function cifar10Dir(dataDir: string | null): string | null {
  return dataDir ? path.resolve(dataDir, 'cifar10') : null;
}

/** The CIFAR-10 folder, or why there is none (the reason a section is skipped). */
export function cifar10DirOrWhy(dataDir: string | null): { dir: string } | { why: string } {
  const dir = cifar10Dir(dataDir);
  if (!dir)
    return {
      why: 'no CIFAR-10 (pass --data-dir or set PHASE_DATA_DIR to the folder holding cifar10/)',
    };
  if (!fs.existsSync(dir)) return { why: `no CIFAR-10 at ${dir} (--data-dir or PHASE_DATA_DIR)` };
  return { dir };
}

async function paperFigures(
  quick: boolean,
  bestRateGflops: number | null,
  dataDir: string | null,
): Promise<PaperFigures | string> {
  const found = cifar10DirOrWhy(dataDir);
  if ('why' in found) return found.why;
  const dir = found.dir;
  await initNodeBackend('wasm');
  const trainSize = 8192;
  const data = loadPrepared('cifar10', dir, trainSize);
  const cs = (quick ? [0, 1] : [0, 0.5, 1, 1.5, 2]).map((x) => 2 ** x);
  const depth = 8;
  const width = 64;
  const batch = 512;
  const measure = 1024;
  const s: Settings = {
    ...cloneDefaults(),
    dataset: 'cifar10',
    depths: [depth],
    widths: [width],
    batch,
    measureSize: measure,
    trainSize,
    cGrid: { kind: 'list', values: cs },
  };
  progress(
    `paper (scaled): CIFAR-10 d=${depth} w=${width} B=${batch} M=${measure}, c = ${cs.map((c) => c.toFixed(2)).join(', ')}`,
  );
  const sweep = await measureSweep(s, data, now, (r) =>
    progress(`  c=${r.c.toFixed(2)} ${r.regime} ${r.seconds.toFixed(2)} s`),
  );
  const runSeconds = sweep.records.reduce((a, r) => a + r.seconds, 0);
  const secondsPerCell = runSeconds / Math.max(1, sweep.runs);
  const lambda0Seconds = sweep.seconds - runSeconds;
  const warmItersMean = meanWarmIters(sweep.records);
  const lambda0Iters = sweep.records[0]?.lanczosIters[0] ?? 0;
  const gridSize = 46; // log2:0:4.5:0.1, the paper preset's grid
  // The paper preset at M = 4096 and every width, from FLOPs at the best rate measured on wasm.
  let projected: number | null = null;
  if (bestRateGflops !== null) {
    const paper: Settings = { ...s, measureSize: 4096 };
    let flops = 0;
    for (const w of [64, 128, 256, 512, 1024, 2048]) {
      const spec = fcnSpec(paper, data, depth, w);
      const iters = Array.from({ length: paper.steps }, () =>
        Math.max(1, Math.round(warmItersMean)),
      );
      flops += forwardFlops(spec, 4096) + lanczosFlops(spec, 4096, lambda0Iters);
      flops += gridSize * runFlops(spec, batch, 4096, iters);
    }
    projected = flops / (bestRateGflops * 1e9);
  }
  return {
    dataset: 'cifar10',
    settings: { depth, width, batch, measure, trainSize, cs },
    sweep: withoutRecords(sweep),
    lambda0Seconds,
    secondsPerCell,
    warmItersMean,
    lambda0Iters,
    projectedScaledGridSeconds: lambda0Seconds + gridSize * secondsPerCell,
    projectedPaperPresetSeconds: projected,
    projectionRateGflops: bestRateGflops,
  };
}

export const paperSection: SectionRunner = async ({ opts, report }) => {
  const wasmCells = report.rows
    .filter((r) => r.where === 'node' && r.backend === 'wasm' && r.cell)
    .map((r) => r.cell?.cellGflops ?? 0);
  const best = wasmCells.length > 0 ? Math.max(...wasmCells) : null;
  report.paper = await paperFigures(opts.quick, best, opts.dataDir);
  if (typeof report.paper !== 'string')
    emit({ type: 'sweep', name: 'paper-scaled', backend: 'wasm', ...report.paper });
  else progress(`paper preset skipped: ${report.paper}`);
};
