/**
 * `npm run bench [-- --quick] [--no-browser] [--allow-software] [--out docs/BENCH.md] [--only SECTIONS]`
 *
 * Measures the cost of the phase-diagram work on this machine and writes docs/BENCH.md: per
 * configuration (d, w, B, M, dataset) ms per SGD step, ms per HVP, HVPs per λ estimate, seconds
 * per cell, analytic FLOPs and the achieved GFLOP/s beside a large plain matMul's rate on the same
 * backend (efficiency = achieved / matMul). Node: wasm (SIMD, one thread) and cpu (small configs).
 * Then the quick-demo fill time, a scaled paper preset (CIFAR-10 from ../shared/datasets if
 * present), ensembles against single runs (once the ensemble column exists), and each browser
 * backend through bench.html in headless Chromium (skipped with a message if there is none).
 *
 * stdout: one JSON object per line (each configuration, matmul, sweep, browser backend), then a
 * `{"type":"summary",...}` line. Progress goes to stderr. Benchmarks are not tests: nothing here
 * asserts a time.
 *
 * SECTIONS (comma separated, default all): node, cpu, sweep, demo, paper, ensemble, gpu, browser.
 * `gpu` runs tfjs-backend-webgpu in Node through Dawn (npm `webgpu`) when a Vulkan driver is
 * there: kernels, cells and the 16-member ensemble against single runs. On a software adapter
 * (SwiftShader) it runs one small configuration and no ensemble unless `--allow-software`.
 * `sweep` runs whole columns (λ_0 and every cell, through `runSweep`) at w ≥ 256 and reports their
 * FLOP rate against the wasm matMul's.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import * as tf from '@tensorflow/tfjs-core';
import {
  initNodeBackend,
  nodeGpuAdapter,
  releaseNodeGpu,
  type NodeBackendName,
} from '../src/node/backend';
import { loadSweepData } from '../src/node/loadData';
import type { PreparedData } from '../src/core/data/types';
import { cloneDefaults, expandCGrid } from '../src/core/settings/codec';
import type { Settings } from '../src/core/settings/schema';
import { fcnSpec } from '../src/core/train/fcnColumn';
import { forwardFlops, lanczosFlops, runFlops } from '../src/core/train/flops';
import {
  ensembleCs,
  measureCell,
  measureEnsemble,
  measureKernels,
  measureHvpProducts,
  measureMatmul,
  measureSweep,
  type CellFigures,
  type EnsembleFigures,
  type KernelFigures,
  type MatmulFigures,
  type ProductMixFigures,
  type SweepFigures,
} from '../src/bench/measure';
import type { BrowserBenchPlan, BrowserBenchResult } from '../src/bench/protocol';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const now = (): number => performance.now();
const progress = (text: string): void => void process.stderr.write(`[bench] ${text}\n`);
const emit = (obj: object): void => void process.stdout.write(`${JSON.stringify(obj)}\n`);

// ---------------------------------------------------------------------------------------------
// Flags

type Section = 'node' | 'cpu' | 'sweep' | 'demo' | 'paper' | 'ensemble' | 'gpu' | 'browser';
const SECTIONS: readonly Section[] = [
  'node',
  'cpu',
  'sweep',
  'demo',
  'paper',
  'ensemble',
  'gpu',
  'browser',
];

interface Options {
  quick: boolean;
  allowSoftware: boolean;
  out: string;
  sections: Set<Section>;
}

function parseArgs(argv: readonly string[]): Options {
  const o: Options = {
    quick: false,
    allowSoftware: false,
    out: 'docs/BENCH.md',
    sections: new Set(SECTIONS),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--allow-software') o.allowSoftware = true;
    else if (a === '--no-browser') o.sections.delete('browser');
    else if (a === '--out' && argv[i + 1] !== undefined) o.out = argv[++i] as string;
    else if (a === '--only' && argv[i + 1] !== undefined) {
      const names = (argv[++i] as string).split(',').map((s) => s.trim());
      const bad = names.filter((n) => !SECTIONS.includes(n as Section));
      if (bad.length > 0)
        usage(`--only: unknown section ${bad.join(', ')} (known: ${SECTIONS.join(', ')})`);
      o.sections = new Set(names as Section[]);
    } else usage(`unknown flag ${a}`);
  }
  return o;
}

function usage(message: string): never {
  process.stderr.write(
    `bench: ${message}\nusage: npm run bench -- [--quick] [--no-browser] [--allow-software] [--out FILE] [--only ${SECTIONS.join(',')}]\n`,
  );
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Plans

interface NodeConfig {
  depth: number;
  width: number;
  batch: number;
  measure: number;
  /** Also time a full run (its column's λ_0 and T steps at c = CELL_C). */
  cell: boolean;
}

/** c of the timed single cells: the loss-catapult threshold of the quadratic model. */
const CELL_C = 2;
const DEPTH = 4;
const TRAIN_SIZE = 2048;

function nodeConfigs(quick: boolean, backend: NodeBackendName): NodeConfig[] {
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

function browserPlan(quick: boolean): BrowserBenchPlan {
  const small = { depth: DEPTH, width: 64, batch: 128, measure: 256 };
  const mid = { depth: DEPTH, width: 256, batch: 128, measure: 256 };
  const common = { inputDim: 784, steps: 10, reps: quick ? 2 : 3, matmulReps: 3 };
  // What a real GPU should show (16 members of a w ≤ 256 column well under 4× one run). The worker
  // skips it on a software adapter (SwiftShader here), where it would take many minutes and say
  // nothing about a GPU.
  const gpuEnsemble = { ...mid, steps: 10, members: 16, singles: 2 };
  return {
    backends: [
      // SwiftShader (a CPU-emulated adapter here) is 30–40× slower than wasm: tiny sizes only.
      {
        backend: 'webgpu',
        ...common,
        matmulN: 256,
        configs: [{ ...small, cell: false }],
        ensemble: gpuEnsemble,
      },
      {
        backend: 'webgl',
        ...common,
        matmulN: 512,
        configs: quick
          ? [{ ...small, cell: false }]
          : [
              { ...small, cell: true },
              { ...mid, cell: false },
            ],
        ensemble: gpuEnsemble,
      },
      {
        backend: 'wasm',
        ...common,
        matmulN: quick ? 512 : 1024,
        configs: quick
          ? [{ ...small, cell: true }]
          : [
              { ...small, cell: true },
              { ...mid, cell: true },
            ],
        // The Node section measures wasm ensembles.
        ensemble: null,
      },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Data

function loadPrepared(
  dataset: 'mnist' | 'cifar10',
  dataDir: string | null,
  trainSize: number,
): PreparedData {
  const settings = { ...cloneDefaults(), dataset, trainSize };
  const prepared = loadSweepData(settings, { dataDir, repoRoot });
  if (!prepared.ok) throw new Error(prepared.error);
  if (prepared.value === null) throw new Error(`bench: no data for ${dataset}`);
  return prepared.value;
}

function settingsFor(c: NodeConfig, steps = 10): Settings {
  return {
    ...cloneDefaults(),
    depths: [c.depth],
    widths: [c.width],
    batch: c.batch,
    measureSize: c.measure,
    trainSize: TRAIN_SIZE,
    steps,
  };
}

// ---------------------------------------------------------------------------------------------
// Records

interface ConfigRow {
  type: 'config';
  where: 'node' | 'browser';
  backend: string;
  dataset: string;
  kernels: KernelFigures;
  cell: CellFigures | null;
  matmulGflops: number | null;
  /** Achieved / plain-matMul rate, for the step, the HVP and the whole cell. */
  efficiency: { step: number | null; hvp: number | null; cell: number | null };
  /** Share of the cell's time that its SGD steps and HVPs take at the rates measured alone; the
   * rest is Lanczos vector work, loss evaluations, readbacks and bookkeeping. */
  cellKernelShare: number | null;
  note?: string;
}

interface PaperFigures {
  dataset: string;
  settings: {
    depth: number;
    width: number;
    batch: number;
    measure: number;
    trainSize: number;
    cs: number[];
  };
  sweep: Omit<SweepFigures, 'records'>;
  lambda0Seconds: number;
  secondsPerCell: number;
  warmItersMean: number;
  lambda0Iters: number;
  /** The scaled preset's full c grid (the paper's 0:4.5:0.1, 46 values) at this width. */
  projectedScaledGridSeconds: number;
  /** The full paper preset (widths 64–2048, M = 4096, 46 c values), from FLOPs at `rateGflops`. */
  projectedPaperPresetSeconds: number | null;
  projectionRateGflops: number | null;
}

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a === null || a === undefined || b === null || b === undefined || !(b > 0) ? null : a / b;
}

function configRow(
  where: 'node' | 'browser',
  backend: string,
  dataset: string,
  kernels: KernelFigures,
  cell: CellFigures | null,
  matmul: MatmulFigures | null,
  note?: string,
): ConfigRow {
  const mm = matmul?.gflops ?? null;
  const row: ConfigRow = {
    type: 'config',
    where,
    backend,
    dataset,
    kernels,
    cell,
    matmulGflops: mm,
    efficiency: {
      step: ratio(kernels.stepGflops, mm),
      hvp: ratio(kernels.hvpGflops, mm),
      cell: ratio(cell?.cellGflops, mm),
    },
    cellKernelShare: cell
      ? (cell.steps * kernels.msPerStep +
          cell.warmIters.reduce((a, b) => a + b, 0) * kernels.msPerHvp) /
        1000 /
        cell.cellSeconds
      : null,
  };
  if (note !== undefined) row.note = note;
  return row;
}

const withoutRecords = (s: SweepFigures): Omit<SweepFigures, 'records'> => {
  const { records: _records, ...rest } = s;
  return rest;
};

// ---------------------------------------------------------------------------------------------
// Node sections

async function nodeBackendSection(
  backend: NodeBackendName,
  opts: Options,
  mnist: PreparedData,
  rows: ConfigRow[],
  matmuls: { where: string; backend: string; figures: MatmulFigures }[],
): Promise<void> {
  progress(`${backend}: starting`);
  await initNodeBackend(backend);
  // cpu's matMul is ~1 GFLOP/s: a 512³ product already takes a fraction of a second.
  const n = backend === 'cpu' || opts.quick ? 512 : 1024;
  const mm = await measureMatmul(n, backend === 'cpu' ? 3 : 5, now);
  matmuls.push({ where: 'node', backend, figures: mm });
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
    rows.push(row);
    emit(row);
    progress(
      `${backend} d=${c.depth} w=${c.width} B=${c.batch} M=${c.measure}: step ${k.msPerStep.toFixed(1)} ms, ` +
        `HVP ${k.msPerHvp.toFixed(1)} ms (${k.hvpGflops.toFixed(2)} GFLOP/s)` +
        (cell ? `, cell ${cell.cellSeconds.toFixed(2)} s, λ_0 ${cell.lambda0Iters} HVPs` : ''),
    );
  }
}

async function demoSection(): Promise<SweepFigures & { settings: Settings }> {
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
  return { ...sweep, settings: s };
}

/** A whole column at w ≥ 256 through `runSweep` (λ_0 and every cell), against the matMul rate. */
interface WideSweepFigures {
  settings: { depth: number; width: number; batch: number; measure: number; cs: number[] };
  sweep: Omit<SweepFigures, 'records'>;
  warmItersMean: number;
  matmulGflops: number;
  efficiency: number;
  /** The HVP's own products on M examples, run alone (`measureHvpProducts`). */
  hvpProducts: ProductMixFigures;
  /** Achieved rate over `hvpProducts.gflops`. */
  efficiencyVsProducts: number;
}

const WIDE_SWEEP_CS = [1, 2, 4, 8];

async function wideSweepSection(
  quick: boolean,
  mnist: PreparedData,
  matmulGflops: number | null,
): Promise<WideSweepFigures[]> {
  await initNodeBackend('wasm');
  let rate = matmulGflops;
  if (rate === null) {
    rate = (await measureMatmul(1024, 5, now)).gflops;
    progress(`sweep: wasm matmul 1024³ ${rate.toFixed(2)} GFLOP/s`);
  }
  // The demo's B and M, then paper-like B and M; w = 512 at paper-like sizes is left to `node`.
  const configs: NodeConfig[] = [
    { depth: DEPTH, width: 256, batch: 128, measure: 128, cell: false },
    ...(quick
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
    const warm = sweep.records.flatMap((r) => r.lanczosIters.slice(1).filter((i) => i > 0));
    const f: WideSweepFigures = {
      settings: { ...c, cs: WIDE_SWEEP_CS },
      sweep: withoutRecords(sweep),
      warmItersMean: warm.reduce((a, b) => a + b, 0) / Math.max(1, warm.length),
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
  return out;
}

async function paperSection(
  quick: boolean,
  bestRateGflops: number | null,
): Promise<PaperFigures | string> {
  const dir = path.resolve(repoRoot, '../shared/datasets/cifar10');
  if (!fs.existsSync(dir)) return `no CIFAR-10 at ${dir}`;
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
  const warm = sweep.records.flatMap((r) => r.lanczosIters.slice(1).filter((i) => i > 0));
  const warmItersMean = warm.reduce((a, b) => a + b, 0) / Math.max(1, warm.length);
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

async function ensembleSection(
  quick: boolean,
  mnist: PreparedData,
): Promise<EnsembleFigures[] | string> {
  const file = path.join(repoRoot, 'src/core/train/ensembleColumn.ts');
  if (!fs.existsSync(file)) return 'src/core/train/ensembleColumn.ts does not exist yet';
  await initNodeBackend('wasm');
  const members = 16;
  const out: EnsembleFigures[] = [];
  const c: NodeConfig = { depth: DEPTH, width: 64, batch: 128, measure: 256, cell: false };
  // quick: time 2 single runs and project the other 14 from their mean.
  const singles = quick ? 2 : members;
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
  out.push(e);
  return out;
}

// ---------------------------------------------------------------------------------------------
// GPU in Node (Dawn)

interface GpuFigures {
  adapter: string;
  software: boolean;
  matmul: MatmulFigures;
  rows: ConfigRow[];
  ensembles: EnsembleFigures[];
  /** Why the ensemble was not run, if it was not. */
  ensembleSkipped: string | null;
}

async function gpuSection(quick: boolean, allowSoftware: boolean): Promise<GpuFigures | string> {
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

// ---------------------------------------------------------------------------------------------
// Browser section

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
};

/** A static file server for the built page on 127.0.0.1 (no cross-origin isolation headers:
 * with them tfjs would pick threaded wasm, see DESIGN.md). */
function serve(dir: string): Promise<http.Server> {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.resolve(root, `.${urlPath === '/' ? '/bench.html' : urlPath}`);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const CHROMIUM = '/usr/bin/chromium';
const DIST = 'test-results/bench-dist';

async function browserSection(
  quick: boolean,
): Promise<{ result: BrowserBenchResult; version: string; plan: BrowserBenchPlan } | string> {
  if (!fs.existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM}`;
  progress('browser: building bench.html with vite.bench.config.ts');
  const vite = path.join(repoRoot, 'node_modules/.bin/vite');
  const build = spawnSync(
    vite,
    ['build', '--config', 'vite.bench.config.ts', '--logLevel', 'error'],
    {
      cwd: repoRoot,
      encoding: 'utf8',
    },
  );
  if (build.status !== 0)
    return `vite build failed: ${(build.stderr || build.stdout).slice(-2000)}`;
  const { chromium } = await import('playwright-core');
  const server = await serve(path.join(repoRoot, DIST));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--enable-unsafe-webgpu',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    page.on('console', (m) => {
      if (m.text().startsWith('[bench]')) progress(`browser ${m.text().slice(8)}`);
      else if (m.type() === 'error') progress(`browser console: ${m.text()}`);
    });
    page.on('pageerror', (e) => progress(`browser page error: ${e.message}`));
    const port = (server.address() as AddressInfo).port;
    await page.goto(`http://127.0.0.1:${port}/bench.html`);
    // These functions run in the page, whose globalThis is its window (this file has no DOM types).
    await page.waitForFunction(
      () => typeof (globalThis as unknown as { runBench?: unknown }).runBench === 'function',
    );
    const plan = browserPlan(quick);
    const result = await page.evaluate(
      (p) =>
        (
          globalThis as unknown as {
            runBench: (p: BrowserBenchPlan) => Promise<BrowserBenchResult>;
          }
        ).runBench(p),
      plan,
    );
    return { result, version: browser.version(), plan };
  } finally {
    await browser.close();
    server.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const fmt = (v: number | null | undefined, digits = 1): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
const pct = (v: number | null | undefined): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : `${Math.round(v * 100)} %`;
const secs = (s: number | null | undefined): string => {
  if (s === null || s === undefined || !Number.isFinite(s)) return '–';
  if (s < 120) return `${s.toFixed(1)} s`;
  if (s < 7200) return `${(s / 60).toFixed(1)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} days`;
};

interface Report {
  command: string;
  machine: Record<string, string | number>;
  wallSeconds: number;
  matmuls: { where: string; backend: string; figures: MatmulFigures; adapter?: string | null }[];
  rows: ConfigRow[];
  wide: WideSweepFigures[] | null;
  gpu: GpuFigures | string | null;
  demo: (SweepFigures & { settings: Settings }) | string | null;
  paper: PaperFigures | string | null;
  ensemble: EnsembleFigures[] | string | null;
  browser: { result: BrowserBenchResult; version: string } | string | null;
}

function markdown(r: Report): string {
  const L: string[] = [];
  L.push('# Benchmarks', '');
  L.push(
    'Produced by `' +
      r.command +
      '` (scripts/bench.ts). Figures are medians of repeated runs on the machine',
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
      `CIFAR-10 (../shared/datasets/cifar10), d = ${p.settings.depth}, w = ${p.settings.width}, B = ${p.settings.batch}, M = ${p.settings.measure}, N = ${p.settings.trainSize}, c = ${p.settings.cs.map((c) => fmt(c, 2)).join(', ')}.`,
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

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = now();
  const cpus = os.cpus();
  const machine: Record<string, string | number> = {
    date: new Date().toISOString(),
    cpu: `${cpus[0]?.model ?? 'unknown'} × ${cpus.length} logical cores (os.availableParallelism ${os.availableParallelism()})`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    tfjs: tf.version_core,
    'load average at start (1/5/15 min)': os
      .loadavg()
      .map((v) => v.toFixed(2))
      .join(' / '),
  };
  const args = process.argv.slice(2).join(' ');
  const report: Report = {
    command: `npm run bench${args ? ` -- ${args}` : ''}`,
    machine,
    wallSeconds: 0,
    matmuls: [],
    rows: [],
    wide: null,
    gpu: null,
    demo: null,
    paper: null,
    ensemble: null,
    browser: null,
  };

  const mnist = loadPrepared('mnist', null, TRAIN_SIZE);
  if (opts.sections.has('node'))
    await nodeBackendSection('wasm', opts, mnist, report.rows, report.matmuls);
  if (opts.sections.has('cpu'))
    await nodeBackendSection('cpu', opts, mnist, report.rows, report.matmuls);
  if (opts.sections.has('sweep')) {
    const mm = report.matmuls.find((m) => m.where === 'node' && m.backend === 'wasm');
    report.wide = await wideSweepSection(opts.quick, mnist, mm?.figures.gflops ?? null);
    for (const w of report.wide) emit({ type: 'sweep', name: 'wide', backend: 'wasm', ...w });
  }
  if (opts.sections.has('demo')) {
    report.demo = opts.quick ? 'left out by --quick' : await demoSection();
    if (typeof report.demo !== 'string') {
      const { records: _r, settings: _s, ...rest } = report.demo;
      emit({ type: 'sweep', name: 'quick-demo', backend: 'wasm', ...rest });
    }
  }
  if (opts.sections.has('paper')) {
    const wasmCells = report.rows
      .filter((r) => r.where === 'node' && r.backend === 'wasm' && r.cell)
      .map((r) => r.cell?.cellGflops ?? 0);
    const best = wasmCells.length > 0 ? Math.max(...wasmCells) : null;
    report.paper = await paperSection(opts.quick, best);
    if (typeof report.paper !== 'string')
      emit({ type: 'sweep', name: 'paper-scaled', backend: 'wasm', ...report.paper });
    else progress(`paper preset skipped: ${report.paper}`);
  }
  if (opts.sections.has('ensemble')) {
    report.ensemble = await ensembleSection(opts.quick, mnist);
    if (typeof report.ensemble === 'string') progress(`ensemble skipped: ${report.ensemble}`);
    else
      for (const e of report.ensemble)
        emit({ type: 'ensemble', where: 'node', backend: 'wasm', ...e });
  }
  if (opts.sections.has('gpu')) {
    try {
      report.gpu = await gpuSection(opts.quick, opts.allowSoftware);
    } finally {
      // Also when the section throws: a GPU left running can crash the exit and hide the error.
      await releaseNodeGpu();
    }
    if (typeof report.gpu === 'string') progress(`gpu skipped: ${report.gpu}`);
    else {
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
    }
  }
  if (opts.sections.has('browser')) {
    const b = await browserSection(opts.quick).catch((err: unknown) =>
      err instanceof Error ? `browser run failed: ${err.message}` : String(err),
    );
    if (typeof b === 'string') {
      progress(`browser skipped: ${b}`);
      report.browser = b;
    } else {
      report.browser = { result: b.result, version: b.version };
      machine.chromium = b.version;
      for (const br of b.result.results) {
        const label = br.softwareAdapter ? `${br.backend} (software adapter)` : br.backend;
        if (br.matmul) {
          report.matmuls.push({
            where: 'browser',
            backend: label,
            figures: br.matmul,
            adapter: br.adapter,
          });
          emit({
            type: 'matmul',
            where: 'browser',
            backend: label,
            adapter: br.adapter,
            ...br.matmul,
          });
        }
        br.kernels.forEach((k) => {
          const cell =
            br.cells.find(
              (c) => c.width === k.width && c.batch === k.batch && c.measure === k.measure,
            ) ?? null;
          const row = configRow('browser', label, 'synthetic', k, cell, br.matmul);
          report.rows.push(row);
          emit(row);
        });
        if (br.ensemble)
          emit({ type: 'ensemble', where: 'browser', backend: label, ...br.ensemble });
        if (br.error) emit({ type: 'browser-error', backend: br.backend, error: br.error });
      }
    }
  }

  // The machine's speed drifts (shared cores): the same matMul again, to show by how much.
  const firstWasm = report.matmuls.find((m) => m.where === 'node' && m.backend === 'wasm');
  if (firstWasm) {
    await initNodeBackend('wasm');
    const again = await measureMatmul(firstWasm.figures.n, 5, now);
    machine[`wasm matMul ${again.n}³ at the start / at the end (GFLOP/s)`] =
      `${firstWasm.figures.gflops.toFixed(2)} / ${again.gflops.toFixed(2)}`;
  }
  report.wallSeconds = (now() - t0) / 1000;
  machine['load average at end (1/5/15 min)'] = os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' / ');
  const outFile = path.resolve(repoRoot, opts.out);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, markdown(report));
  progress(`wrote ${path.relative(repoRoot, outFile)} in ${secs(report.wallSeconds)}`);

  const wasmMm =
    report.matmuls.find((m) => m.where === 'node' && m.backend === 'wasm')?.figures.gflops ?? null;
  const wide = report.rows.filter(
    (r) => r.where === 'node' && r.backend === 'wasm' && r.kernels.width >= 256,
  );
  emit({
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
    out: path.relative(repoRoot, outFile),
  });
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
