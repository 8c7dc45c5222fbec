/**
 * The bench's two outputs besides its JSON lines: the Markdown report (docs/BENCH.md) and the
 * closing `{"type":"summary",...}` line, both from the figures in one `Report`.
 */
import { cloneDefaults, expandCGrid } from '../../src/core/settings/codec';
import type { EnsembleFigures } from '../../src/bench/measure';
import { CELL_C, WIDE_SWEEP_CS } from './common';
import type { CoreCeiling, GpuFigures, Report, WorkersCase, WorkersFigures } from './types';

const fmt = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
const pct = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${Math.round(v * 100)} %`;
export const secs = (s: number | null | undefined): string => {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
};

/** docs/BENCH.md from a report. */
export function markdown(r: Report): string {
  const L: string[] = [];
  L.push('# Benchmarks', '');
  L.push(
    'Produced by `' +
      r.command +
      '` (scripts/bench.ts, sections in scripts/bench/). Figures are medians of repeated runs on the machine',
    'below, which other processes share: treat them as ±20 %. Nothing in the test suite asserts a time.',
    '',
  );
  L.push('## Machine', '');
  for (const [k, v] of Object.entries(r.machine)) L.push(`- ${k}: ${v}`);
  L.push(`- bench wall time: ${secs(r.wallSeconds)}`, '');

  L.push('## Key figures', '');
  const wasmMm = r.matmuls.find((m) => m.where === 'node' && m.backend === 'wasm');
  if (wasmMm)
    L.push(
      `- wasm (Node) plain matMul ${wasmMm.figures.n}³: ${fmt(wasmMm.figures.gflops, 2)} GFLOP/s`,
    );
  for (const row of r.rows.filter(
    (x) => x.where === 'node' && x.backend === 'wasm' && x.kernels.width >= 256,
  )) {
    const k = row.kernels;
    L.push(
      `- wasm w = ${k.width}, B = ${k.batch}, M = ${k.measure}: efficiency step ${pct(row.efficiency.step)}, HVP ${pct(row.efficiency.hvp)}, whole cell ${pct(row.efficiency.cell)}`,
    );
  }
  for (const w of r.wide ?? [])
    L.push(
      `- wasm sweep w = ${w.settings.width}, B = ${w.settings.batch}, M = ${w.settings.measure} (λ_0 and ${w.sweep.runs} cells): efficiency ${pct(w.efficiency)} (${pct(w.efficiencyVsProducts)} of its HVP's products run alone)`,
    );
  if (typeof r.demo === 'object' && r.demo !== null)
    L.push(`- quick-demo preset fill (wasm, Node): ${secs(r.demo.seconds)} (${r.demo.runs} runs)`);
  if (typeof r.gpu === 'object' && r.gpu !== null)
    for (const e of r.gpu.ensembles)
      L.push(
        `- ensemble of ${e.members} (webgpu in Node on ${r.gpu.adapter}, w = ${e.width}): ${secs(e.ensembleSeconds)} vs ${secs(e.singlesSeconds)} one by one (×${fmt(e.speedup, 2)}; ${fmt(e.ensembleOverOneRun, 1)}× one run)`,
      );
  if (Array.isArray(r.ensemble))
    for (const e of r.ensemble)
      L.push(
        `- ensemble of ${e.members} (wasm, w = ${e.width}): ${secs(e.ensembleSeconds)} vs ${secs(e.singlesSeconds)} one by one (×${fmt(e.speedup, 2)}; ${fmt(e.ensembleOverOneRun, 1)}× one run)`,
      );
  if (typeof r.conv === 'object' && r.conv !== null) {
    const { rate, rows } = r.conv;
    for (const row of rows) {
      const k = row.kernels;
      L.push(
        `- ${row.model}-${k.depth} w = ${k.width} (${row.backend}, B = ${k.batch}, M = ${k.measure}): SGD step ${fmt(k.msPerStep, 1)} ms, HVP ${fmt(k.msPerHvp, 1)} ms (${fmt(k.hvpGflops, 2)} GFLOP/s, ${fmt((row.efficiency.hvp ?? NaN) * 100, 0)}% of a plain conv2d's ${fmt(rate.gflops, 2)} GFLOP/s)`,
      );
    }
  }
  L.push('');

  L.push('## Plain matMul (the practical limit)', '');
  L.push('| where | backend | n×n·n×n | ms (median) | GFLOP/s |', '|---|---|---|---|---|');
  for (const m of r.matmuls)
    L.push(
      `| ${m.where} | ${m.backend}${m.adapter ? ` (${m.adapter})` : ''} | ${m.figures.n}³ | ${fmt(m.figures.msMedian)} | ${fmt(m.figures.gflops, 2)} |`,
    );
  L.push('');

  L.push('## Per configuration', '');
  L.push(
    'FCN, ReLU, SP, MSE, depth d (d − 1 hidden layers of width w), input 784, 10 classes. *step*: gather a',
    'batch of B, gradient, update. *HVP*: one exact Hessian-vector product on the M measurement examples.',
    `*λ_0 / λ_t HVPs*: Lanczos iterations of the cold estimate and the mean warm estimate per step (tol ${cloneDefaults().lanczosTol}, at most ${cloneDefaults().lanczosMaxIters}).`,
    `*cell*: one full run of T = 10 steps at c = ${CELL_C} (SGD step, L_t and a warm λ_t each step), not counting the`,
    "column's λ_0. *kernels in cell*: share of the cell's time its steps and HVPs take at the ms/step and ms/HVP",
    'measured alone (the rest: Lanczos vector work, loss evaluations, readbacks). *eff.*: achieved GFLOP/s over the',
    "plain matMul's on the same backend.",
    '',
  );
  L.push(
    '| where | backend | data | d | w | B | M | P | ms/step | step GFLOP/s | ms/HVP | HVP GFLOP/s | HVP/grad | λ_0 HVPs | λ_t HVPs | s/cell | kernels in cell | cell GFLOP/s | eff. step | eff. HVP | eff. cell |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const row of r.rows) {
    const k = row.kernels;
    const c = row.cell;
    L.push(
      `| ${row.where} | ${row.backend} | ${row.dataset} | ${k.depth} | ${k.width} | ${k.batch} | ${k.measure} | ${k.params.toLocaleString('en-US')} | ${fmt(k.msPerStep)} | ${fmt(k.stepGflops, 2)} | ${fmt(k.msPerHvp)} | ${fmt(k.hvpGflops, 2)} | ${fmt(k.hvpOverGradient, 2)} | ${c ? c.lambda0Iters : '–'} | ${c ? fmt(c.warmItersMean) : '–'} | ${c ? fmt(c.cellSeconds, 2) : '–'} | ${pct(row.cellKernelShare)} | ${c ? fmt(c.cellGflops, 2) : '–'} | ${pct(row.efficiency.step)} | ${pct(row.efficiency.hvp)} | ${pct(row.efficiency.cell)} |`,
    );
  }
  L.push('');

  L.push('## Whole sweeps at w ≥ 256 (wasm, Node)', '');
  if (r.wide === null) L.push('Skipped: not selected.', '');
  else {
    L.push(
      `One column each through \`runSweep\`, as the app and the CLI run it: the column's λ_0, then c = ${WIDE_SWEEP_CS.join(', ')}`,
      '(T = 10, a warm λ_t after every step), FLOPs counted as below over everything, over the wall time of the whole',
      'sweep. *eff.*: achieved GFLOP/s over the wasm plain matMul. *HVP products alone*: the matMuls of one HVP on M',
      'examples, each timed alone with fresh operands, weighted by how often an HVP runs it (`measureHvpProducts`):',
      'the limit for these shapes. *eff. vs products*: achieved over that; the rest of the time goes to the transposes,',
      "splits and elementwise work around the products and to tfjs's bookkeeping, a larger share at small M.",
      '',
      '| d | w | B | M | runs | diverged | λ_t HVPs | s | GFLOP | GFLOP/s | matMul GFLOP/s | eff. | HVP products alone GFLOP/s | eff. vs products |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const w of r.wide)
      L.push(
        `| ${w.settings.depth} | ${w.settings.width} | ${w.settings.batch} | ${w.settings.measure} | ${w.sweep.runs} | ${w.sweep.diverged} | ${fmt(w.warmItersMean)} | ${fmt(w.sweep.seconds, 1)} | ${fmt(w.sweep.flops / 1e9, 1)} | ${fmt(w.sweep.gflops, 2)} | ${fmt(w.matmulGflops, 2)} | ${pct(w.efficiency)} | ${fmt(w.hvpProducts.gflops, 2)} | ${pct(w.efficiencyVsProducts)} |`,
      );
    L.push('');
  }

  L.push('## Quick-demo preset (wasm, Node)', '');
  if (typeof r.demo === 'string' || r.demo === null)
    L.push(`Skipped: ${r.demo ?? 'not selected'}.`, '');
  else {
    const d = r.demo;
    L.push(
      `\`runSweep(DEFAULTS)\` from fresh columns on the built-in MNIST: depths ${d.settings.depths.join(', ')} × widths ${d.settings.widths.join(', ')}, ` +
        `${expandCGrid(d.settings.cGrid).length} c values each (a column stops at its first divergence), T = ${d.settings.steps}, B = ${d.settings.batch}, M = ${d.settings.measureSize}.`,
      '',
      `- **fill time: ${secs(d.seconds)}** for ${d.runs} runs in ${d.columns} columns (${d.diverged} diverged); ${fmt(d.secondsPerRunMean, 2)} s per run on average`,
      `- ${fmt(d.flops / 1e9, 1)} GFLOP counted, ${fmt(d.gflops, 2)} GFLOP/s achieved`,
      '',
    );
  }

  L.push('## Scaled paper preset (wasm, Node)', '');
  if (typeof r.paper === 'string' || r.paper === null)
    L.push(`Skipped: ${r.paper ?? 'not selected'}.`, '');
  else {
    const p = r.paper;
    L.push(
      `CIFAR-10 ($PHASE_DATA_DIR/cifar10), d = ${p.settings.depth}, w = ${p.settings.width}, B = ${p.settings.batch}, M = ${p.settings.measure}, N = ${p.settings.trainSize}, c = ${p.settings.cs.map((c) => fmt(c, 2)).join(', ')}.`,
      '',
      `- λ_0 (column setup): ${secs(p.lambda0Seconds)}, ${p.lambda0Iters} HVPs`,
      `- **${fmt(p.secondsPerCell, 2)} s per cell** (${p.sweep.runs} runs, ${p.sweep.diverged} diverged), ${fmt(p.warmItersMean)} HVPs per warm λ_t`,
      `- ${fmt(p.sweep.gflops, 2)} GFLOP/s achieved over the sweep`,
      `- projected, this width with the paper's 46-value c grid: ≤ ${secs(p.projectedScaledGridSeconds)} (a column stops at its first divergence)`,
      p.projectedPaperPresetSeconds === null
        ? '- full paper preset: no wasm rate measured to project from'
        : `- projected, the full paper preset (widths 64–2048, M = 4096, 46 c values) from its FLOPs at ${fmt(p.projectionRateGflops, 2)} GFLOP/s (the best wasm cell rate above): ≤ ${secs(p.projectedPaperPresetSeconds)}`,
      '',
    );
  }

  L.push('## Ensembles: c values of a column as one batched run vs one by one', '');
  const ens: { where: string; e: EnsembleFigures }[] = [];
  if (Array.isArray(r.ensemble)) for (const e of r.ensemble) ens.push({ where: 'node wasm', e });
  else L.push(`Node: skipped (${r.ensemble ?? 'not selected'}).`, '');
  if (typeof r.gpu === 'object' && r.gpu !== null)
    for (const e of r.gpu.ensembles)
      ens.push({
        where: `node webgpu, ${r.gpu.adapter}${r.gpu.software ? ' (software adapter)' : ''}`,
        e,
      });
  if (typeof r.browser === 'object' && r.browser !== null)
    for (const b of r.browser.result.results)
      if (b.ensemble)
        ens.push({
          where: `browser ${b.backend}${b.softwareAdapter ? ' (software adapter)' : ''}`,
          e: b.ensemble,
        });
  if (ens.length > 0) {
    L.push(
      'Same column (θ_0, λ_0, batches); λ_0 not timed. c = 2^(−2 + 0.25 i), below divergence. *singles*: the members run',
      'one by one with `run(c)` (measured for all, or projected from the timed ones as marked); *ensemble*: one `runMany`.',
      '*× one run*: ensemble time over one single run. HVPs/step: the batched Lanczos spends as many as its slowest member.',
      '',
      '| where | d | w | B | M | T | members | singles | ensemble | × one run | speed-up | HVPs/step single / ensemble | GFLOP/s single / ensemble | max rel. diff. λ_t |',
      '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    );
    for (const { where, e } of ens)
      L.push(
        `| ${where} | ${e.depth} | ${e.width} | ${e.batch} | ${e.measure} | ${e.steps} | ${e.members} | ${secs(e.singlesSeconds)}${e.singlesMeasured ? '' : ` (projected from ${e.singleSeconds.length})`} | ${secs(e.ensembleSeconds)} | ${fmt(e.ensembleOverOneRun, 2)} | ×${fmt(e.speedup, 2)} | ${fmt(e.singleHvpsPerStep)} / ${fmt(e.ensembleHvpsPerStep)} | ${fmt(e.singleGflops, 2)} / ${fmt(e.ensembleGflops, 2)} | ${e.maxSharpnessRelDiff.toExponential(1)} |`,
      );
    L.push('');
  }

  L.push('## GPU in Node (webgpu through Dawn)', '');
  if (typeof r.gpu === 'string' || r.gpu === null)
    L.push(`Skipped: ${r.gpu ?? 'not selected'}.`, '');
  else
    L.push(
      `Adapter: ${r.gpu.adapter}${r.gpu.software ? ' — **software adapter** (CPU-emulated GPU: not a GPU figure)' : ''}. ` +
        `Its rows are in the tables above (backend "webgpu (Dawn)")${r.gpu.ensembleSkipped ? `; ensemble not run (${r.gpu.ensembleSkipped})` : ''}.`,
      '',
    );

  L.push('## Browser', '');
  if (typeof r.browser === 'string' || r.browser === null)
    L.push(`Skipped: ${r.browser ?? 'not selected'}.`, '');
  else {
    L.push(
      `Headless Chromium ${r.browser.version}, bench.html built by vite.bench.config.ts, one worker per backend, synthetic 28×28 data (the same shapes as MNIST).`,
      '',
    );
    for (const b of r.browser.result.results) {
      const what = b.softwareAdapter
        ? ' — **software adapter** (CPU-emulated GPU: not a GPU figure)'
        : '';
      const skipped = b.ensembleSkipped ? `; ensemble not run (${b.ensembleSkipped})` : '';
      L.push(
        `- ${b.backend}: ${b.error ? `failed: ${b.error}` : `${b.adapter ?? 'started'}${what}, ${secs(b.seconds)}${skipped}`}`,
      );
    }
    L.push('');
  }
  if (r.browserPool !== undefined) {
    const p = r.browserPool;
    L.push('### Training workers (the app)', '');
    if (typeof p === 'string') L.push(`Skipped: ${p}.`, '');
    else {
      L.push(
        `The built app, ${p.link}, on ${p.backend}, ${p.cores} cores (load average ${p.loadAverage.before.toFixed(1)} before, ${p.loadAverage.after.toFixed(1)} after): Run to Finished.`,
        '',
      );
      for (const x of p.pools)
        L.push(
          `- ${x.workers} worker${x.workers === 1 ? '' : 's'}: ${secs(x.seconds)} for ${x.runs} runs${x.speedup !== null ? `, ${x.speedup.toFixed(2)}× one worker` : ''}; the page's main thread busy ${secs(x.mainThreadSeconds)} of it`,
        );
      L.push('');
    }
  }

  L.push(...workersMarkdown(r.workers));

  L.push('## How FLOPs are counted', '');
  L.push(
    'Only matrix products count (src/core/train/flops.ts; `flops.test.ts` checks them against the products tfjs',
    'runs, traced with `tf.profile`). Layer l with fan-in a_l and fan-out b_l on n examples costs F_l = 2·n·a_l·b_l;',
    "S = Σ_l F_l, S' = S − F_1 (tfjs never forms ∂/∂x of the first layer: x is data).",
    '',
    '- forward: S',
    "- gradient: 2S + S' (forward; dW_l = h_{l−1}ᵀdz_l for every l; dh_{l−1} = dz_l W_lᵀ for l ≥ 2)",
    '- SGD step: gradient on B + 2P for the update',
    "- HVP (reverse over reverse): 4S + 5S' — the gradient's 2S + S', then the outer backward through each",
    "  product of the inner tape: h·W gives S + S', hᵀdz gives S + S', dz·Wᵀ gives 2S'. Between 2 and 3 gradients.",
    "  An FCN's is 4S + 4S': the first pass's weight gradients h_{l−1}ᵀdz_l (l ≥ 2) are only multiplied by v,",
    '  and not computed (`unreadWeightGradients`, core/tf/fixedOperand.ts)',
    "- HVP inside a sharpness estimate, FCN with its measurement set held: 4S + 4S' − S − F₁ (2F₁ + 7S') for the",
    "  estimate's first, 2F₁ + 6S' for the others: the forward's products are shared by the estimate's HVPs, the first",
    "  pass's xᵀdz₁ is not computed either, and every first pass after the first shares its dz_l·W_lᵀ (S')",
    '- Lanczos iteration j: its HVP plus 4jP + 9P of vector work (α, the three-term recurrence, one reorthogonalisation',
    '  pass against j vectors, β, the division; 4P + 7P at j = 1)',
    '- cell: T × (SGD step on B + forward on M + warm λ_t iterations), using the iterations the run actually took',
    '- plain matMul n³: 2n³',
    '',
    'Elementwise work (activations, loss, transposes, gathers) is not counted, so achieved rates are slight',
    'underestimates of the work done; it is also why small widths fall far below the matMul rate.',
    '',
  );
  return L.join('\n');
}

const loads = (l: readonly number[]): string => l.map((x) => x.toFixed(2)).join(' / ');

/** A median with the timings it came from, when there are several rounds. */
function byRound(
  median: string,
  rounds: readonly number[] | undefined,
  f: (x: number) => string,
): string {
  return rounds !== undefined && rounds.length > 1
    ? `${median} (${rounds.map(f).join(' / ')})`
    : median;
}

function workersTable(c: WorkersCase): string[] {
  const rounds = c.rows[0]?.secondsByRound?.length ?? 1;
  const L: string[] = [
    `${c.description}${rounds > 1 ? `; medians of ${rounds} rounds, each round's in brackets (a speed-up within its round)` : ''}:`,
    '',
    '| workers × wasm threads | s | speed-up | CPU s | CPU over 1 | runs | started | discarded / cancelled | λ_0 measured | idle | thread start-up s | peak RSS MB | +MB per thread | GFLOP/s | of cores used × matMul | load before → after |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const t of c.rows)
    L.push(
      `| ${t.workers} × ${t.wasmThreads ?? 1}${(t.wideThreads ?? 1) > 1 ? ` + wide ${t.wideThreads} (${t.wideRuns} run${t.wideRuns === 1 ? '' : 's'})` : ''} | ${byRound(fmt(t.seconds), t.secondsByRound, (x) => fmt(x))} | ${byRound(`×${fmt(t.speedup, 2)}`, t.speedupByRound, (x) => `×${fmt(x, 2)}`)} | ${fmt(t.cpuSeconds)} | ×${fmt(t.cpuOverOne, 2)} | ${t.runs} | ${t.started} | ${t.discarded} / ${t.cancelledInFlight} | ${t.lambda0Measured} | ${pct(t.idleShare)} | ${t.threadStartupSeconds.map((x) => fmt(x)).join(', ')} | ${fmt(t.peakRssMb, 0)} | ${fmt(t.mbPerAddedWorker, 0)} | ${fmt(t.gflops)} | ${pct(t.ofNMatmul)} | ${loads(t.loadBefore)} → ${loads(t.loadAfter)} |`,
    );
  L.push('');
  return L;
}

function ceilingText(c: CoreCeiling | string): string {
  if (typeof c === 'string') return c;
  return `${fmt(c.aloneGflops, 1)} GFLOP/s alone, ${c.togetherGflops.map((g) => fmt(g, 1)).join(' + ')} at once (×${fmt(c.ratio, 2)})`;
}

/** The workers section of docs/BENCH.md (exported: a workers-only run can be spliced in). */
export function workersMarkdown(w: WorkersFigures | null): string[] {
  const L: string[] = ['## Worker threads (`--workers N`, `--wasm-threads K`, wasm, Node)', ''];
  if (w === null) return [...L, 'Skipped: not selected.', ''];
  L.push(
    `${w.cores} cores (${w.cpu}); one-core wasm matMul 512³ ${fmt(w.matmul.gflops, 1)} GFLOP/s (median of ${w.matmul.reps}), measured in the bench's process.`,
    `Threads started from ${w.threadEntry === 'built' ? 'a sweepThread.js built from the current source (as the built CLI does)' : 'the source through tsx'}; one thread is a thread too.`,
    "*started*: runs handed to threads; *discarded / cancelled*: speculative runs above a column's divergence thrown away when",
    "finished / cancelled in flight. *λ_0 measured*: one thread measures a column's λ_0 and the scheduler hands it to the others.",
    '*CPU s*: CPU time of the whole process, all threads (the work done; other processes change it far less than the wall time).',
    "*idle*: share of the cores used × wall time with no task (waiting for a column's λ_0 or, at the end, for work).",
    "*+MB per thread*: peak RSS over one thread's, per thread added. FLOPs counted as below (λ_0 once per column; the T",
    'steps of each run only: the quick demo also measures barriers and saturation, so its GFLOP/s are lower bounds).',
    "The load average is the machine's (1 / 5 / 15 min): other processes share these cores.",
    `*Cores together*: 512³ matMul processes on one wasm thread each (scripts/bench/matmulChild.ts), as many at once as the most workers timed, against one alone just before and after (their mean): before the timings ${ceilingText(w.ceilingBefore)}; after them ${ceilingText(w.ceilingAfter)}. What the cores give a compute-bound product together at that moment; a sweep also moves memory and runs V8's own threads, and the figure moves with the machine.`,
    '',
    ...workersTable(w.demo),
  );
  if (typeof w.cifar === 'string') L.push(`CIFAR-10 column: skipped (${w.cifar}).`, '');
  else L.push(...workersTable(w.cifar));
  L.push(
    '**Parallelism inside a run.** Threads split a sweep by runs; a column of k runs whose λ_0 takes L and whose runs',
    'take R each fills in at best L + ⌈k/N⌉·R on N one-core threads, against L + k·R on one: for the CIFAR-10 column',
    '(k = 3, N = 2) under 1.5× when a run takes as long beside another as alone (timings on these shared cores vary by',
    'about ±10 %, so a single timing can beat it). Two things go inside a run. `--wasm-threads K` runs wasm on',
    "tfjs-backend-wasm's threaded build, whose XNNPACK kernels split each product's output (never a sum, so the records",
    'do not change) over K threads; and the wide thread (`+ wide K`, the CLI default with several workers) takes the',
    'run that would have a round to itself: when nothing is in flight and the runs left are one over whole rounds, the',
    'next run goes to it and nothing starts beside it (`wantsWide` in core/sweep/scheduler.ts). More threads than cores',
    '(2 workers × 2 wasm threads here) is slower than 1 × 1, not faster: the pool threads spin while they wait.',
    '',
  );
  return L;
}

/** The closing JSON line: the headline figures of a report written to `out`. */
export function summary(report: Report, out: string): object {
  const machine = report.machine;
  const wasmMm =
    report.matmuls.find((m) => m.where === 'node' && m.backend === 'wasm')?.figures.gflops ?? null;
  const wide = report.rows.filter(
    (r) => r.where === 'node' && r.backend === 'wasm' && r.kernels.width >= 256,
  );
  return {
    type: 'summary',
    command: report.command,
    wallSeconds: report.wallSeconds,
    machine,
    wasmMatmulGflops: wasmMm,
    wasmEfficiencyWide: wide.map((r) => ({
      width: r.kernels.width,
      batch: r.kernels.batch,
      measure: r.kernels.measure,
      ...r.efficiency,
    })),
    wasmSweepEfficiency: (report.wide ?? []).map((w) => ({
      width: w.settings.width,
      batch: w.settings.batch,
      measure: w.settings.measure,
      efficiency: w.efficiency,
      efficiencyVsProducts: w.efficiencyVsProducts,
    })),
    quickDemoSeconds:
      typeof report.demo === 'object' && report.demo !== null ? report.demo.seconds : null,
    paperSecondsPerCell:
      typeof report.paper === 'object' && report.paper !== null
        ? report.paper.secondsPerCell
        : null,
    gpuEnsembles:
      typeof report.gpu === 'object' && report.gpu !== null
        ? report.gpu.ensembles.map((e) => ({
            adapter: (report.gpu as GpuFigures).adapter,
            width: e.width,
            members: e.members,
            speedup: e.speedup,
            overOneRun: e.ensembleOverOneRun,
          }))
        : null,
    ensembles: Array.isArray(report.ensemble)
      ? report.ensemble.map((e) => ({
          width: e.width,
          members: e.members,
          speedup: e.speedup,
          overOneRun: e.ensembleOverOneRun,
        }))
      : null,
    workers: report.workers
      ? [report.workers.demo, report.workers.cifar].flatMap((c) =>
          typeof c === 'string'
            ? []
            : [
                {
                  name: c.name,
                  rows: c.rows.map((t) => ({
                    workers: t.workers,
                    wasmThreads: t.wasmThreads,
                    wideThreads: t.wideThreads,
                    seconds: t.seconds,
                    speedup: t.speedup,
                    speedupByRound: t.speedupByRound,
                    cpuOverOne: t.cpuOverOne,
                    discarded: t.discarded + t.cancelledInFlight,
                    mbPerAddedWorker: t.mbPerAddedWorker,
                    ofNMatmul: t.ofNMatmul,
                  })),
                },
              ],
        )
      : null,
    out,
  };
}
