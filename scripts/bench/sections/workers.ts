/**
 * Section `workers`: the CLI's `--workers N` (Node worker threads on the core scheduler) on the
 * quick demo and on the CIFAR-10 column of issue 11 (FCN d = 4, w = 256, N = 4096, M = 1024,
 * B = 512, T = 10, c = 1, 2, 4, a fixed 5 HVPs per sharpness estimate), with 1 and all cores'
 * worth of worker threads, each with 1 and min(cores, 4) XNNPACK threads (`--wasm-threads`),
 * side by side in one run: wall seconds, speed-up over one thread, peak RSS and
 * memory per added thread, achieved GFLOP/s against N × the one-core wasm matMul rate, runs
 * started and thrown away, thread start-up, and the load average before and after each timing.
 * With `--rounds N` every configuration runs once per round, in turn: each speed-up is taken
 * within a round, and a row gives the medians (these shared cores drift by ±10 % over minutes).
 *
 * One thread is `--workers 1` on a thread too (not the CLI's in-process path), so the ratios
 * compare threads with threads. The threads start from a `sweepThread.js` built from the current
 * source into tmp/bench/ (under tsx each thread would load tsx and compile the core again:
 * seconds of start-up each), unless `--thread-entry tsx`.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { initNodeBackend } from '../../../src/node/backend';
import { cloneDefaults, expandCGrid } from '../../../src/core/settings/codec';
import type { Settings } from '../../../src/core/settings/schema';
import type { PreparedData } from '../../../src/core/data/types';
import type { RunRecord } from '../../../src/core/sweep/records';
import { fcnSpec } from '../../../src/core/train/fcnBase';
import { forwardFlops, lanczosFlops, runFlops } from '../../../src/core/train/flops';
import { measureMatmul, median } from '../../../src/bench/measure';
import { loadSweepData } from '../../../src/node/loadData';
import { runOnThreads } from '../../../src/cli/workers';
import { MAX_WASM_THREADS } from '../../../src/node/wasmThreads';
import { emit, now, progress, repoRoot } from '../common';
import { cifar10DirOrWhy } from './paper';
import type { CoreCeiling, SectionRunner, WorkersCase, WorkersRow } from '../types';

const loadavg = (): number[] => os.loadavg().map((l) => Math.round(l * 100) / 100);

/** The CLI's thread entry built from the current source (never a stale dist-cli/). */
async function builtThreadEntry(): Promise<URL> {
  const out = path.join(repoRoot, 'tmp', 'bench', 'sweepThread.js');
  await build({
    entryPoints: [path.join(repoRoot, 'src/cli/sweepThread.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Packages resolve from the repository's node_modules, as the built CLI's do.
    packages: 'external',
    logLevel: 'warning',
  });
  return pathToFileURL(out);
}

/** FLOPs of the recorded runs and of λ_0 once per column: the same work for any N. */
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

/** "2 workers × 1 wasm thread + a wide thread of 2". */
function configName(c: Config): string {
  const n = c.workers;
  const k = c.wasmThreads;
  return `${n} worker${n > 1 ? 's' : ''} × ${k} wasm thread${k > 1 ? 's' : ''}${c.wideThreads > 1 ? ` + a wide thread of ${c.wideThreads}` : ''}`;
}

/** One timing: `workers` worker threads, each with `wasmThreads` XNNPACK threads. */
interface Config {
  workers: number;
  wasmThreads: number;
  /** XNNPACK threads of the wide thread (`--wasm-threads` left to its default); 1: none. */
  wideThreads: number;
}

async function timeOne(
  s: Settings,
  data: PreparedData,
  { workers, wasmThreads, wideThreads }: Config,
  entry: URL | undefined,
  rate: number,
  cores: number,
): Promise<
  Omit<
    WorkersRow,
    'speedup' | 'speedupByRound' | 'secondsByRound' | 'cpuOverOne' | 'mbPerAddedWorker'
  >
> {
  const runs: RunRecord[] = [];
  const loadBefore = loadavg();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const cpu0 = process.cpuUsage();
  const t0 = now();
  let r: Awaited<ReturnType<typeof runOnThreads>>;
  try {
    r = await runOnThreads(
      s,
      data,
      'wasm',
      workers,
      { now, onRun: (run) => runs.push(run), onColumn: () => {} },
      { ...(entry ? { entry } : {}), wasmThreads, wideThreads },
    );
  } finally {
    clearInterval(sampler);
  }
  const seconds = (now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  peak = Math.max(peak, process.memoryUsage().rss);
  const flops = sweepFlops(s, data, runs);
  const gflops = flops / seconds / 1e9;
  // Core-seconds busy: each thread holds the cores its wasm threads run on.
  const busyCoreSeconds =
    (r.busyMs.reduce((a, b) => a + b, 0) * Math.min(cores, wasmThreads) +
      r.wideBusyMs * Math.min(cores, wideThreads)) /
    1000;
  return {
    workers,
    wasmThreads,
    wideThreads,
    wideRuns: r.wideRuns,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    runs: r.runs,
    started: r.started,
    discarded: r.discarded,
    cancelledInFlight: r.cancelledRuns,
    lambda0Measured: r.lambda0Measured,
    restarts: r.restarts,
    threadStartupSeconds: r.startupMs.map((ms) => ms / 1000),
    idleShare: 1 - busyCoreSeconds / (Math.min(cores, workers * wasmThreads) * seconds),
    peakRssMb: peak / 2 ** 20,
    flops,
    gflops,
    ofNMatmul: gflops / (Math.min(cores, workers * wasmThreads) * rate),
    loadBefore,
    loadAfter: loadavg(),
  };
}

/** The round whose seconds are the median's (the lower of the middle two for an even count). */
function medianRound(ts: readonly Timing[]): number {
  const order = ts.map((_, r) => r).sort((a, b) => ts[a]!.seconds - ts[b]!.seconds);
  return order[Math.floor((order.length - 1) / 2)]!;
}

type Timing = Awaited<ReturnType<typeof timeOne>>;

/**
 * Every configuration once per round, in the same order, for `rounds` rounds: a ratio is taken
 * within a round (timings minutes apart, not a round apart) and a row gives the medians.
 */
async function timeCase(
  name: string,
  description: string,
  s: Settings,
  data: PreparedData,
  configs: readonly Config[],
  entry: URL | undefined,
  rate: number,
  cores: number,
  rounds: number,
): Promise<WorkersCase> {
  progress(`workers: ${name}: ${description}${rounds > 1 ? `, ${rounds} rounds` : ''}`);
  const byConfig: Timing[][] = configs.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [i, config] of configs.entries()) {
      const t = await timeOne(s, data, config, entry, rate, cores);
      byConfig[i]!.push(t);
      const one = byConfig[0]![round]!;
      progress(
        `  ${rounds > 1 ? `round ${round + 1}/${rounds}, ` : ''}${configName(config)}: ${t.seconds.toFixed(1)} s (×${(one.seconds / t.seconds).toFixed(2)}), CPU ${t.cpuSeconds.toFixed(1)} s (×${(t.cpuSeconds / one.cpuSeconds).toFixed(2)} one thread's), ${t.runs} runs of ${t.started} started ` +
          `(${t.discarded} discarded, ${t.cancelledInFlight} cancelled), λ0 measured ${t.lambda0Measured}×, ` +
          `peak RSS ${t.peakRssMb.toFixed(0)} MB, ${t.gflops.toFixed(1)} GFLOP/s = ${(100 * t.ofNMatmul).toFixed(0)} % of ${Math.min(cores, config.workers * config.wasmThreads)}× matMul, ` +
          `idle ${(100 * t.idleShare).toFixed(0)} %, start-up ${t.threadStartupSeconds.map((x) => x.toFixed(1)).join('/')} s, load ${t.loadBefore[0]} → ${t.loadAfter[0]}`,
      );
    }
  }
  const base = byConfig[0]!;
  const baseOne = base[medianRound(base)]!;
  const rows = configs.map((config, i): WorkersRow => {
    const ts = byConfig[i]!;
    const t = ts[medianRound(ts)]!;
    const speedupByRound = ts.map((x, r) => base[r]!.seconds / x.seconds);
    const n = config.workers;
    const row: WorkersRow = {
      ...t,
      seconds: median(ts.map((x) => x.seconds)),
      secondsByRound: ts.map((x) => x.seconds),
      speedup: median(speedupByRound),
      speedupByRound,
      cpuOverOne: median(ts.map((x, r) => x.cpuSeconds / base[r]!.cpuSeconds)),
      mbPerAddedWorker:
        i > 0 &&
        n > baseOne.workers &&
        config.wasmThreads === baseOne.wasmThreads &&
        config.wideThreads === 1
          ? (Math.max(...ts.map((x) => x.peakRssMb)) - Math.max(...base.map((x) => x.peakRssMb))) /
            (n - baseOne.workers)
          : null,
    };
    emit({ type: 'workers', name, ...row });
    return row;
  });
  if (rounds > 1)
    for (const [i, config] of configs.entries())
      progress(
        `  ${configName(config)}: median ${rows[i]!.seconds.toFixed(1)} s, ×${rows[i]!.speedup.toFixed(2)} (rounds ${rows[i]!.speedupByRound.map((x) => x.toFixed(2)).join(' / ')})`,
      );
  return { name, description, settings: s, rows };
}

/** How long each process of `coreCeiling` multiplies, and how long they get to start first. */
const CEILING_WINDOW_MS = 3000;
const CEILING_START_MS = 4000;

/** The median 512³ matMul rate of `k` one-thread processes (matmulChild.ts) over one window. */
async function matmulProcesses(k: number): Promise<number[]> {
  const child = path.join(repoRoot, 'scripts/bench/matmulChild.ts');
  const start = Date.now() + CEILING_START_MS;
  const one = (): Promise<number> =>
    new Promise((resolve, reject) => {
      // The bench runs under tsx: its loader flags (execArgv) let the child run TypeScript too.
      const p = spawn(
        process.execPath,
        [...process.execArgv, child, String(start), String(CEILING_WINDOW_MS)],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      p.stdout.on('data', (d: Buffer) => (out += d.toString()));
      p.stderr.on('data', (d: Buffer) => (err += d.toString()));
      p.on('error', reject);
      p.on('close', (code) => {
        const line = out.trim().split('\n').pop() ?? '';
        const g = code === 0 ? (JSON.parse(line) as { gflops: number | null }).gflops : null;
        if (g === null) reject(new Error(`matmulChild exited ${code}: ${err.slice(-300)}`));
        else resolve(g);
      });
    });
  return Promise.all(Array.from({ length: k }, one));
}

/**
 * What k cores give here now: one 512³ matMul process alone, k at once, and one alone again,
 * each on one wasm thread. The sum of the k over the mean of the two alone is what the cores give
 * a compute-bound product together at that moment (two vCPUs of a shared host may give less
 * than twice one); it moves as the machine does, so it is measured before and after the timings.
 */
async function coreCeiling(k: number): Promise<CoreCeiling> {
  const [first] = await matmulProcesses(1);
  const together = await matmulProcesses(k);
  const [last] = await matmulProcesses(1);
  const alone = (first! + last!) / 2;
  const sum = together.reduce((a, b) => a + b, 0);
  const c: CoreCeiling = { k, aloneGflops: alone, togetherGflops: together, ratio: sum / alone };
  progress(
    `workers: ${k} cores together: one matMul process alone ${first!.toFixed(1)} and ${last!.toFixed(1)} GFLOP/s, ${k} at once ${together.map((g) => g.toFixed(1)).join(' + ')} (×${c.ratio.toFixed(2)})`,
  );
  return c;
}

/** The issue's CIFAR-10 column: a fixed 5 HVPs per sharpness estimate (λ_0 included). */
export function cifarColumnSettings(quick: boolean): Settings {
  return {
    ...cloneDefaults(),
    dataset: 'cifar10',
    depths: [4],
    widths: [256],
    trainSize: 4096,
    measureSize: 1024,
    batch: 512,
    steps: 10,
    lanczosMaxIters: 5,
    // No tolerance: every estimate takes exactly lanczosMaxIters HVPs, as the issue's column does.
    lanczosTol: 0,
    // The issue's column is the T steps alone: no interpolation barrier after a run and no
    // saturation steps (τ = K/c, 100 more steps at c = 1), which the FLOP count leaves out too.
    barrier: false,
    saturationK: 0,
    cGrid: { kind: 'list', values: quick ? [1, 2] : [1, 2, 4] },
  };
}

export const workersSection: SectionRunner = async ({ opts, report }) => {
  const cores = os.availableParallelism();
  const counts = opts.workers ?? [...new Set([1, cores])];
  const threads = opts.wasmThreads ?? [...new Set([1, Math.min(cores, MAX_WASM_THREADS)])];
  // Every worker count with every thread count (more threads than cores only when asked), and
  // each pool of one-thread workers once more with the CLI's default wide thread; one worker of
  // one thread first (the baseline).
  const wide = Math.min(cores, MAX_WASM_THREADS);
  const configs: Config[] = counts.flatMap((workers) =>
    threads
      .filter((k) => opts.wasmThreads !== null || workers * k <= cores)
      .flatMap((wasmThreads) => [
        { workers, wasmThreads, wideThreads: 1 },
        ...(workers > 1 && wasmThreads === 1 && wide > 1
          ? [{ workers, wasmThreads, wideThreads: wide }]
          : []),
      ]),
  );
  const most = Math.max(...counts);
  const ceiling = async (): Promise<CoreCeiling | string> =>
    most > 1
      ? coreCeiling(most).catch(
          (e: unknown) => `not measured: ${e instanceof Error ? e.message : String(e)}`,
        )
      : 'one worker only';
  const ceilingBefore = await ceiling();
  await initNodeBackend('wasm');
  const mm = await measureMatmul(512, 8, now);
  progress(`workers: one-core wasm matMul 512³ ${mm.gflops.toFixed(1)} GFLOP/s (median of 8)`);
  const entry = opts.threadEntry === 'built' ? await builtThreadEntry() : undefined;
  const cases: WorkersCase[] = [];

  const demo = cloneDefaults();
  if (opts.quick) demo.widths = [16, 64];
  const demoData = loadSweepData(demo, { dataDir: null, repoRoot });
  if (!demoData.ok || !demoData.value)
    throw new Error(`workers: no built-in MNIST (${demoData.ok ? 'no data' : demoData.error})`);
  cases.push(
    await timeCase(
      'quick-demo',
      `quick demo (built-in MNIST, d = ${demo.depths.join(', ')}, w = ${demo.widths.join(', ')}, ${expandCGrid(demo.cGrid).length} c values, Lanczos to tolerance ${demo.lanczosTol})`,
      demo,
      demoData.value,
      configs,
      entry,
      mm.gflops,
      cores,
      opts.rounds,
    ),
  );

  let cifar: WorkersCase | string;
  const found = cifar10DirOrWhy(opts.dataDir);
  if ('why' in found) {
    cifar = found.why;
    progress(`workers: CIFAR-10 column skipped: ${cifar}`);
  } else {
    const s = cifarColumnSettings(opts.quick);
    const data = loadSweepData(s, { dataDir: found.dir, repoRoot });
    if (!data.ok || !data.value)
      throw new Error(`workers: CIFAR-10 (${data.ok ? 'no data' : data.error})`);
    const cs = s.cGrid.kind === 'list' ? s.cGrid.values.join(', ') : '';
    cifar = await timeCase(
      'cifar10-column',
      `CIFAR-10 column (FCN d = 4, w = 256, N = 4096, M = 1024, B = 512, T = 10, c = ${cs}, 5 HVPs per estimate)`,
      s,
      data.value,
      configs,
      entry,
      mm.gflops,
      cores,
      opts.rounds,
    );
  }
  const ceilingAfter = await ceiling();
  report.workers = {
    ceilingBefore,
    ceilingAfter,
    cores,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    matmul: mm,
    threadEntry: opts.threadEntry,
    demo: cases[0]!,
    cifar,
  };
};
