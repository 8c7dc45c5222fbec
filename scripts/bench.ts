/**
 * `npm run bench [-- --quick] [--no-browser] [--allow-software] [--out docs/BENCH.md] [--only SECTIONS]
 *   [--data-dir DIR] [--workers LIST] [--thread-entry built|tsx]`
 *
 * Measures the cost of the phase-diagram work on this machine and writes docs/BENCH.md: per
 * configuration (d, w, B, M, dataset) ms per SGD step, ms per HVP, HVPs per λ estimate, seconds
 * per cell, analytic FLOPs and the achieved GFLOP/s beside a large plain matMul's rate on the same
 * backend (efficiency = achieved / matMul). The kernels timed are the core's own (`sgdStep`, the
 * column's HVP, a column's `run`, `runSweep`: src/bench/measure.ts).
 *
 * SECTIONS (comma separated, default all), one module each in scripts/bench/sections/:
 * node (wasm, SIMD, one thread), cpu (small configs), sweep (whole columns at w ≥ 256 through
 * `runSweep`, against the matMul rate), demo (the quick-demo fill time), paper (a scaled paper
 * preset on CIFAR-10, when present), ensemble (batched ensembles against single runs), gpu
 * (tfjs-backend-webgpu in Node through Dawn; on a software adapter one small configuration and no
 * ensemble unless `--allow-software`), browser (each browser backend through bench.html in headless
 * Chromium; skipped with a message if there is none), workers (the quick demo and the CIFAR-10
 * column of issue 11 on 1, 2 and all cores' worker threads: speed-up, memory per thread, GFLOP/s
 * against N × the one-core matMul, speculative runs thrown away; `npm run bench:workers`).
 *
 * stdout: one JSON object per line (each configuration, matmul, sweep, browser backend), then a
 * `{"type":"summary",...}` line. Progress goes to stderr. Benchmarks are not tests: nothing here
 * asserts a time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initNodeBackend } from '../src/node/backend';
import { measureMatmul } from '../src/bench/measure';
import { parseBenchFlags, USAGE } from './bench/flags';
import { TRAIN_SIZE, emit, loadPrepared, now, progress, repoRoot } from './bench/common';
import { SECTION_RUNNERS } from './bench/sections';
import { markdown, secs, summary } from './bench/report';
import { SECTIONS, type Report } from './bench/types';

const loadAverage = (): string =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' / ');

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flags = parseBenchFlags(argv, process.env);
  if (!flags.ok) {
    if (flags.help) {
      process.stdout.write(USAGE);
      return;
    }
    process.stderr.write(`bench: ${flags.error}\n${USAGE}`);
    process.exit(2);
  }
  const opts = flags.options;
  const t0 = now();
  const cpus = os.cpus();
  const machine: Record<string, string | number> = {
    date: new Date().toISOString(),
    cpu: `${cpus[0]?.model ?? 'unknown'} × ${cpus.length} logical cores (os.availableParallelism ${os.availableParallelism()})`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    tfjs: tf.version_core,
    'load average at start (1/5/15 min)': loadAverage(),
  };
  const args = argv.join(' ');
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
    conv: null,
    browser: null,
    workers: null,
  };

  const mnist = loadPrepared('mnist', null, TRAIN_SIZE);
  for (const name of SECTIONS)
    if (opts.sections.has(name)) await SECTION_RUNNERS[name]({ opts, mnist, report });

  // The machine's speed drifts (shared cores): the same matMul again, to show by how much.
  const firstWasm = report.matmuls.find((m) => m.where === 'node' && m.backend === 'wasm');
  if (firstWasm) {
    await initNodeBackend('wasm');
    const again = await measureMatmul(firstWasm.figures.n, 5, now);
    machine[`wasm matMul ${again.n}³ at the start / at the end (GFLOP/s)`] =
      `${firstWasm.figures.gflops.toFixed(2)} / ${again.gflops.toFixed(2)}`;
  }
  report.wallSeconds = (now() - t0) / 1000;
  machine['load average at end (1/5/15 min)'] = loadAverage();
  const outFile = path.resolve(repoRoot, opts.out);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, markdown(report));
  progress(`wrote ${path.relative(repoRoot, outFile)} in ${secs(report.wallSeconds)}`);
  emit(summary(report, path.relative(repoRoot, outFile)));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
