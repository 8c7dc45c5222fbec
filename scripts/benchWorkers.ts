/**
 * `npm run -s bench:workers [-- --data-dir DIR] [--quick]`: the quick demo and one CIFAR-10 column
 * on 1, 2 (and, with more cores, all) worker threads, side by side in one run: wall time, speed-up
 * over one worker, peak memory and memory per added worker, and achieved GFLOP/s (FLOPs counted
 * from each run's own Lanczos iterations) against N × the one-core wasm matMul rate.
 *
 * Nothing else should run meanwhile: the figures compare cores. The load average is printed next
 * to them. CIFAR-10 comes from --data-dir or $PHASE_DATA_DIR (its cifar10/ folder); without it the
 * column is skipped.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../src/node/backend';
import { cloneDefaults } from '../src/core/settings/codec';
import type { Settings } from '../src/core/settings/schema';
import type { PreparedData } from '../src/core/data/types';
import type { RunRecord } from '../src/core/sweep/records';
import { fcnSpec } from '../src/core/train/fcnBase';
import { forwardFlops, lanczosFlops, runFlops } from '../src/core/train/flops';
import { loadSweepData } from '../src/node/loadData';
import { runOnThreads } from '../src/cli/workers';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const dirFlag = argv.indexOf('--data-dir');
const dataRoot =
  dirFlag >= 0 ? (argv[dirFlag + 1] ?? null) : (process.env['PHASE_DATA_DIR'] ?? null);

function prepared(dir: string | null, s: Settings): PreparedData {
  const p = loadSweepData(s, { dataDir: dir, repoRoot });
  if (!p.ok) throw new Error(p.error);
  if (!p.value) throw new Error('benchWorkers: an FCN sweep needs data');
  return p.value;
}

/** The one-core wasm matMul rate in GFLOP/s (n × n by n × n, best of a few). */
async function matMulRate(n = 512): Promise<number> {
  await initNodeBackend('wasm');
  const a = tf.randomNormal([n, n]);
  const b = tf.randomNormal([n, n]);
  let best = Infinity;
  for (let i = 0; i < 8; i++) {
    const t0 = performance.now();
    const c = tf.matMul(a, b);
    await c.data();
    best = Math.min(best, performance.now() - t0);
    c.dispose();
  }
  tf.dispose([a, b]);
  return (2 * n ** 3) / (best / 1000) / 1e9;
}

/** FLOPs of the recorded runs and of λ_0 once per column (the same count for any N). */
function sweepFlops(s: Settings, data: PreparedData, runs: readonly RunRecord[]): number {
  let total = 0;
  const columns = new Set<string>();
  for (const r of runs) {
    const spec = fcnSpec(s, data, r.depth, r.width);
    total += runFlops(spec, s.batch, s.measureSize, r.lanczosIters.slice(1));
    const key = `${r.depth}/${r.width}/${r.seed}`;
    if (!columns.has(key)) {
      columns.add(key);
      total +=
        forwardFlops(spec, s.measureSize) +
        lanczosFlops(spec, s.measureSize, r.lanczosIters[0] ?? 0);
    }
  }
  return total;
}

interface Timing {
  workers: number;
  seconds: number;
  runs: number;
  discarded: number;
  peakRssMb: number;
  gflops: number;
}

async function timeSweep(s: Settings, data: PreparedData, workers: number): Promise<Timing> {
  const runs: RunRecord[] = [];
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const t0 = performance.now();
  const r = await runOnThreads(s, data, 'wasm', workers, {
    now: () => performance.now(),
    onRun: (run) => runs.push(run),
    onColumn: () => {},
  });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  return {
    workers,
    seconds,
    runs: r.runs,
    discarded: r.discarded + r.cancelledRuns,
    peakRssMb: peak / 2 ** 20,
    gflops: sweepFlops(s, data, runs) / seconds / 1e9,
  };
}

function report(title: string, rows: Timing[], rate: number): void {
  const one = rows[0]!;
  console.log(`\n${title}`);
  console.log(
    'workers  seconds  speed-up  runs  not needed  peak RSS MB  +MB/worker  GFLOP/s  of N×matMul',
  );
  for (const t of rows) {
    const perWorker = t.workers > 1 ? (t.peakRssMb - one.peakRssMb) / (t.workers - 1) : NaN;
    console.log(
      [
        String(t.workers).padStart(7),
        t.seconds.toFixed(1).padStart(8),
        `${(one.seconds / t.seconds).toFixed(2)}×`.padStart(9),
        String(t.runs).padStart(5),
        String(t.discarded).padStart(11),
        t.peakRssMb.toFixed(0).padStart(12),
        (Number.isNaN(perWorker) ? '—' : perWorker.toFixed(0)).padStart(11),
        t.gflops.toFixed(1).padStart(8),
        `${((100 * t.gflops) / (t.workers * rate)).toFixed(0)} %`.padStart(12),
      ].join(' '),
    );
  }
}

const cores = os.availableParallelism();
const counts = [...new Set([1, 2, cores])]
  .filter((n) => n <= Math.max(2, cores))
  .sort((a, b) => a - b);
console.log(
  `bench: worker threads ${counts.join(', ')} on ${cores} cores (${os.cpus()[0]?.model ?? '?'}); load average before: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const rate = await matMulRate();
console.log(`one-core wasm matMul 512³: ${rate.toFixed(1)} GFLOP/s`);

const demo = cloneDefaults();
if (quick) demo.widths = [16, 64];
const demoData = prepared(null, demo);
const demoRows: Timing[] = [];
for (const n of counts) demoRows.push(await timeSweep(demo, demoData, n));
report(
  `quick demo (built-in MNIST, d = ${demo.depths.join(',')}, w = ${demo.widths.join(',')}, ${demo.cGrid.kind} grid)`,
  demoRows,
  rate,
);

const cifarDir = dataRoot ? path.join(dataRoot, 'cifar10') : null;
if (!cifarDir || !fs.existsSync(cifarDir)) {
  console.log(
    '\nCIFAR-10 column: skipped (no --data-dir or $PHASE_DATA_DIR with a cifar10/ folder)',
  );
} else {
  const col: Settings = {
    ...cloneDefaults(),
    dataset: 'cifar10',
    depths: [4],
    widths: [256],
    trainSize: 4096,
    measureSize: 1024,
    batch: 512,
    steps: 10,
    cGrid: { kind: 'list', values: quick ? [1, 2] : [1, 2, 4] },
  };
  const data = prepared(cifarDir, col);
  const rows: Timing[] = [];
  for (const n of counts) rows.push(await timeSweep(col, data, n));
  report(
    `CIFAR-10 column (d = 4, w = 256, N = 4096, M = 1024, B = 512, T = 10, c = ${col.cGrid.kind === 'list' ? col.cGrid.values.join(', ') : ''})`,
    rows,
    rate,
  );
}
console.log(
  `\nload average after: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
