/** Section `demo`: the quick-demo preset (the defaults) filled from fresh columns on wasm. */
import { initNodeBackend } from '../../../src/node/backend';
import { cloneDefaults, expandCGrid } from '../../../src/core/settings/codec';
import { measureSweep } from '../../../src/bench/measure';
import { emit, loadPrepared, now, progress } from '../common';
import type { SectionRunner } from '../types';

export const demoSection: SectionRunner = async ({ opts, report }) => {
  if (opts.quick) {
    report.demo = 'left out by --quick';
    return;
  }
  await initNodeBackend('wasm');
  const s = cloneDefaults();
  const data = loadPrepared('mnist', null, s.trainSize);
  progress(
    `quick demo: d=${s.depths.join(',')} w=${s.widths.join(',')}, ${expandCGrid(s.cGrid).length} c values, T=${s.steps}`,
  );
  const sweep = await measureSweep(s, data, now, (r) =>
    progress(
      `  d=${r.depth} w=${r.width} c=${r.c.toFixed(2)} ${r.regime} ${r.seconds.toFixed(2)} s`,
    ),
  );
  progress(`quick demo: ${sweep.seconds.toFixed(1)} s for ${sweep.runs} runs`);
  report.demo = { ...sweep, settings: s };
  const { records: _r, ...rest } = sweep;
  emit({ type: 'sweep', name: 'quick-demo', backend: 'wasm', ...rest });
};
