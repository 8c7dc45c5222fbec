/**
 * `npm run -s sweep -- [flags]`: a sweep headless on the wasm (or cpu, or webgpu through Dawn)
 * backend, JSON Lines out.
 * Exit codes: 0 done, 1 failure while running (data, backend), 2 bad flags.
 */
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parseFlags, helpText, type CliOptions } from './flags';
import { runSweep, plannedRunCount } from '../core/sweep/runSweep';
import type { ColumnRecord, RunRecord } from '../core/sweep/records';
import type { PreparedData } from '../core/data/types';
import { prepareData } from '../core/data/prepare';
import { loadDataset } from './loadData';
import { initNodeBackend, nodeGpuAdapter, releaseNodeGpu } from '../core/tf/backend';
import { availableParallelism } from 'node:os';
import type { SweepHooks } from '../core/sweep/runSweep';
import { resolveWorkers, runOnThreads } from './workers';

export interface CliIo {
  /** Receives each JSON line (without the newline) when --out is -. */
  stdout(line: string): void;
  stderr(text: string): void;
  now(): number;
  repoRoot: string;
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${s.toFixed(0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

async function loadPrepared(o: CliOptions, io: CliIo): Promise<PreparedData | null> {
  const s = o.settings;
  if (s.model === 'uv') return null;
  const ds = loadDataset(s.dataset === 'uv' ? 'synthetic' : s.dataset, o.dataDir, io.repoRoot, {
    count: s.trainSize,
    seed: s.dataSeed,
  });
  if (!ds.ok) throw new CliError(ds.error, 1);
  const prepared = prepareData(ds.value, s.trainSize);
  if (!prepared.ok) throw new CliError(prepared.error, 1);
  return prepared.value;
}

class CliError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseFlags(argv);
  if (!parsed.ok) {
    io.stderr(`sweep: ${parsed.error}\n`);
    return 2;
  }
  const o = parsed.options;
  if (o.help) {
    io.stderr(`${helpText()}\n`);
    return 0;
  }
  const log = (text: string): void => {
    if (!o.quiet) io.stderr(text);
  };
  const threads = resolveWorkers(o.workers, o.settings, o.backend, availableParallelism());
  if (!threads.ok) {
    io.stderr(`sweep: ${threads.error}\n`);
    return 2;
  }
  const workers = threads.workers;
  let fileOut: ReturnType<typeof createWriteStream> | null = null;
  const write = (record: RunRecord | ColumnRecord): void => {
    const line = JSON.stringify(record);
    if (fileOut) fileOut.write(`${line}\n`);
    else io.stdout(line);
  };
  try {
    const data = await loadPrepared(o, io);
    let backend = 'none (exact float64)';
    if (o.settings.model !== 'uv') {
      backend = await initNodeBackend(o.backend);
      const gpu = backend === 'webgpu' ? nodeGpuAdapter() : null;
      if (gpu)
        backend += ` on ${gpu.name}${gpu.software ? ' (a software adapter: correct, not fast)' : ''}`;
    }
    if (o.out !== '-') fileOut = createWriteStream(o.out);
    const planned = plannedRunCount(o.settings);
    log(
      `sweep: ${o.settings.model === 'uv' ? 'uv model' : `${o.settings.dataset}, N = ${data?.count}`}, backend ${backend}, ${workers} worker thread${workers > 1 ? 's' : ''}, at most ${planned} runs\n`,
    );
    const start = io.now();
    let done = 0;
    const hooks: SweepHooks = {
      now: io.now,
      onRun(r) {
        done++;
        write(r);
        const elapsed = (io.now() - start) / 1000;
        const eta = (elapsed / done) * (planned - done);
        log(
          `  run ${done}/≤${planned}: d=${r.depth} w=${r.width} seed=${r.seed} c=${r.c.toFixed(3)} ${r.regime} (${r.seconds.toFixed(2)} s; elapsed ${formatSeconds(elapsed)}, ETA ≤ ${formatSeconds(eta)})\n`,
        );
      },
      onColumn(c) {
        write(c);
        const f = (v: number | null) => (v === null ? '—' : v.toFixed(3));
        log(
          `  column d=${c.depth} w=${c.width} seed=${c.seed}: λ0=${c.lambda0.toPrecision(4)} L0=${c.loss0.toPrecision(4)} c_loss=${f(c.c_loss)} c_sharp=${f(c.c_sharp)} c_max=${f(c.c_max)}\n`,
        );
      },
    };
    let result: { runs: number };
    if (workers > 1) {
      const r = await runOnThreads(o.settings, data, o.backend, workers, hooks);
      result = r;
      if (r.discarded + r.cancelledRuns + r.restarts > 0)
        log(
          `sweep: ${r.discarded + r.cancelledRuns} speculative runs not needed (above a divergence, say)${r.restarts > 0 ? `; ${r.restarts} worker threads restarted` : ''}\n`,
        );
    } else result = await runSweep(o.settings, data, [], hooks);
    log(`sweep: ${result.runs} runs in ${formatSeconds((io.now() - start) / 1000)}\n`);
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`sweep: ${message}\n`);
    return e instanceof CliError ? e.code : 1;
  } finally {
    if (fileOut) await new Promise<void>((resolve) => fileOut!.end(resolve));
  }
}

const isEntry = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  // `sweep ... | head` closes the pipe early: stop quietly instead of crashing.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  main(process.argv.slice(2), {
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (text) => process.stderr.write(text),
    now: () => performance.now(),
    repoRoot,
  })
    .then(
      (code) => {
        process.exitCode = code;
      },
      (e: unknown) => {
        process.stderr.write(`sweep: ${String(e)}\n`);
        process.exitCode = 1;
      },
    )
    // A GPU left running while the process exits can crash it after the output is written.
    .finally(releaseNodeGpu);
}
