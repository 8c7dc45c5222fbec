/**
 * Section `ensemble`: 16 c values of one column as one batched run (`runMany`) against the same
 * runs one by one, on wasm.
 */
import { initNodeBackend } from '../../../src/node/backend';
import { ensembleCs, measureEnsemble } from '../../../src/bench/measure';
import { DEPTH, emit, now, progress, settingsFor } from '../common';
import type { NodeConfig, SectionRunner } from '../types';

export const ensembleSection: SectionRunner = async ({ opts, mnist, report }) => {
  await initNodeBackend('wasm');
  const members = 16;
  const c: NodeConfig = { depth: DEPTH, width: 64, batch: 128, measure: 256, cell: false };
  // quick: time 2 single runs and project the other 14 from their mean.
  const singles = opts.quick ? 2 : members;
  progress(
    `ensemble: d=${c.depth} w=${c.width} B=${c.batch} M=${c.measure}, ${members} c values: ${singles} single runs, then one ensemble`,
  );
  const e = await measureEnsemble(
    settingsFor(c),
    mnist,
    c.depth,
    c.width,
    ensembleCs(members),
    singles,
    now,
  );
  progress(
    `ensemble: singles ${e.singlesSeconds.toFixed(1)} s${e.singlesMeasured ? '' : ' (projected)'}, ensemble ${e.ensembleSeconds.toFixed(1)} s = ${e.ensembleOverOneRun.toFixed(2)} × one run, speed-up ×${e.speedup.toFixed(2)}`,
  );
  report.ensemble = [e];
  emit({ type: 'ensemble', where: 'node', backend: 'wasm', ...e });
};
