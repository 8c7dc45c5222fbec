/**
 * Section `sweep`: whole columns (λ_0 and every cell, through `runSweep`) at w ≥ 256 on wasm, their
 * FLOP rate against the wasm matMul's and against the HVP's own products run alone.
 */
import { initNodeBackend } from '../../../src/node/backend';
import type { Settings } from '../../../src/core/settings/schema';
import { fcnSpec } from '../../../src/core/train/fcnColumn';
import { measureHvpProducts, measureMatmul, measureSweep } from '../../../src/bench/measure';
import {
  DEPTH,
  WIDE_SWEEP_CS,
  emit,
  now,
  progress,
  settingsFor,
  warmItersMean,
  withoutRecords,
} from '../common';
import type { NodeConfig, SectionRunner, WideSweepFigures } from '../types';

export const sweepSection: SectionRunner = async ({ opts, mnist, report }) => {
  await initNodeBackend('wasm');
  let rate =
    report.matmuls.find((m) => m.where === 'node' && m.backend === 'wasm')?.figures.gflops ?? null;
  if (rate === null) {
    rate = (await measureMatmul(1024, 5, now)).gflops;
    progress(`sweep: wasm matmul 1024³ ${rate.toFixed(2)} GFLOP/s`);
  }
  // The demo's B and M, then paper-like B and M; w = 512 at paper-like sizes is left to `node`.
  const configs: NodeConfig[] = [
    { depth: DEPTH, width: 256, batch: 128, measure: 128, cell: false },
    ...(opts.quick
      ? []
      : [
          { depth: DEPTH, width: 256, batch: 512, measure: 1024, cell: false },
          { depth: DEPTH, width: 512, batch: 128, measure: 128, cell: false },
        ]),
  ];
  const out: WideSweepFigures[] = [];
  for (const c of configs) {
    const s: Settings = { ...settingsFor(c), cGrid: { kind: 'list', values: WIDE_SWEEP_CS } };
    const products = await measureHvpProducts(
      fcnSpec(s, mnist, c.depth, c.width),
      c.measure,
      5,
      now,
    );
    const sweep = await measureSweep(s, mnist, now);
    const f: WideSweepFigures = {
      settings: { ...c, cs: WIDE_SWEEP_CS },
      sweep: withoutRecords(sweep),
      warmItersMean: warmItersMean(sweep.records),
      matmulGflops: rate,
      efficiency: sweep.gflops / rate,
      hvpProducts: products,
      efficiencyVsProducts: sweep.gflops / products.gflops,
    };
    progress(
      `sweep d=${c.depth} w=${c.width} B=${c.batch} M=${c.measure}: ${sweep.seconds.toFixed(1)} s for ${sweep.runs} runs, ` +
        `${sweep.gflops.toFixed(2)} GFLOP/s = ${(100 * f.efficiency).toFixed(0)} % of matmul, ` +
        `${(100 * f.efficiencyVsProducts).toFixed(0)} % of the HVP's products alone (${products.gflops.toFixed(2)} GFLOP/s)`,
    );
    out.push(f);
  }
  report.wide = out;
  for (const w of out) emit({ type: 'sweep', name: 'wide', backend: 'wasm', ...w });
};
