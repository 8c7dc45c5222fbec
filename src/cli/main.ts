/**
 * `phase-explorer sweep [flags]` (in a clone: `npm run -s sweep -- [flags]`): a sweep headless on
 * the wasm (or cpu, or webgpu through Dawn) backend, JSON Lines out: the sweep header, then run
 * and column records. `--shard I/N` (or `--shards N` with the scheduler's index) runs one shard;
 * an existing `--out FILE` of the same sweep is resumed. The process entry is `bin.ts`, which
 * dispatches here.
 * Exit codes: 0 done, 1 failure while running (data, backend), 2 bad flags (or an --out file of
 * another sweep).
 */
import { parseFlags, helpText, type CliOptions } from './flags';
import { planColumns, plannerFor } from '../core/sweep/plan';
import { runColumns } from '../core/sweep/runColumns';
import { columnId, type ColumnRecord, type RunRecord } from '../core/sweep/records';
import { CRITICAL_KINDS, formatCritical, summarizeColumns } from '../core/phase/summary';
import { sweepHeader, type SweepHeader } from '../core/sweep/header';
import { formatShard, partitionColumns } from '../core/sweep/shard';
import { chooseShard } from './shardEnv';
import { prepareResultsOut, type ResultsWriter } from './resultsOut';
import type { PreparedData } from '../core/data/types';
import type { SweepHooks } from '../core/sweep/runSweep';
import { capabilitiesOf } from '../core/tf/capabilities';
import { loadSweepData } from '../node/loadData';
import { initNodeBackend, nodeGpuAdapter, nodeWasmThreads } from '../node/backend';
import type { CliIo } from './process';
import { availableParallelism } from 'node:os';
import { resolveWasmThreads, resolveWorkers, runOnThreads } from './workers';

export type { CliIo } from './process';

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${s.toFixed(0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/**
 * The seed means of a sweep, one line per architecture with more than one column: every (I, J)
 * pair's critical values averaged, censored pairs counted (`summarizeColumns`, `formatCritical`).
 * Empty when no architecture has two columns.
 */
export function seedSummaryLines(columns: readonly ColumnRecord[]): string[] {
  const f = (v: number): string => String(Number(v.toPrecision(3)));
  const lines: string[] = [];
  for (const g of summarizeColumns(columns)) {
    if (g.pairs.length < 2) continue;
    const values = CRITICAL_KINDS.map((k) => `${k} ${formatCritical(g[k], f)}`).join('; ');
    lines.push(
      `  d=${g.depth} w=${g.width}, ${g.pairs.length} columns (seeds ${g.seeds.join(',')} × order seeds ${g.orderSeeds.join(',')}): ${values}`,
    );
  }
  return lines;
}

function loadPrepared(o: CliOptions, io: CliIo): PreparedData | null {
  const data = loadSweepData(o.settings, { dataDir: o.dataDir, repoRoot: io.repoRoot });
  if (!data.ok) throw new CliError(data.error, 1);
  return data.value;
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
  const o = parsed.value;
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
  const choice = chooseShard(o.shard, o.shards, io.env ?? {});
  if (!choice.ok) {
    io.stderr(`sweep: ${choice.error}\n`);
    return 2;
  }
  const shard = choice.shard;
  const s = o.settings;
  let columns = planColumns(s);
  if (shard) {
    const parts = partitionColumns(s, shard.count);
    const mine = parts[shard.index]!;
    const total = parts.reduce((a, p) => a + p.flops, 0);
    columns = mine.columns;
    // Always said, even with --quiet: a wrong index silently computes the wrong part.
    io.stderr(
      `sweep: shard ${formatShard(shard)} (from ${choice.source}): ${mine.columns.length} of ${planColumns(s).length} columns, ${total > 0 ? ((100 * mine.flops) / total).toFixed(1) : '0'} % of the estimated work\n`,
    );
  }
  // Check the --out file before loading anything: a refusal should not wait for the data.
  const resume = o.out === '-' ? null : prepareResultsOut(o.out, s, shard, columns);
  if (resume && !resume.ok) {
    io.stderr(`sweep: ${resume.error}\n`);
    return 2;
  }
  let out: ResultsWriter | null = null;
  const write = (record: SweepHeader | RunRecord | ColumnRecord): void => {
    if (out) out.write(record);
    else io.stdout(JSON.stringify(record));
  };
  const already = resume?.value.done ?? [];
  // The thread pool schedules a whole sweep from scratch; a shard or a resumed file runs its
  // columns on this thread (on a cluster, one shard per core does what the threads would), with
  // the cores as wasm threads instead.
  const whole = shard === null && already.length === 0;
  const workers = whole ? threads.workers : 1;
  const wasm = resolveWasmThreads(o.wasmThreads, o.backend, workers, availableParallelism());
  if (!wasm.ok) {
    io.stderr(`sweep: ${wasm.error}\n`);
    return 2;
  }
  if (wasm.warning !== null) io.stderr(`sweep: ${wasm.warning}\n`);
  try {
    const data = columns.length > 0 ? loadPrepared(o, io) : null;
    let backend = 'none (exact float64)';
    let backendName: string | null = null;
    // The uv model runs no tfjs backend, so it has no capabilities to pass.
    const backendHooks: Pick<SweepHooks, 'capabilities'> = {};
    if (s.model !== 'uv' && columns.length > 0) {
      // With worker threads this backend only answers what it can do: one thread is enough. A
      // process that already runs wasm (a test calling main twice) keeps its threads unless asked.
      const running = nodeWasmThreads();
      const want = workers > 1 ? 1 : wasm.threads;
      const k = running > 0 && (workers > 1 || o.wasmThreads === null) ? running : want;
      backend = await initNodeBackend(o.backend, { wasmThreads: k });
      backendHooks.capabilities = capabilitiesOf(backend);
      backendName = backend;
      const gpu = backend === 'webgpu' ? nodeGpuAdapter() : null;
      if (gpu) {
        backendName = `webgpu (${gpu.name})`;
        backend += ` on ${gpu.name}${gpu.software ? ' (a software adapter: correct, not fast)' : ''}`;
      }
    }
    if (resume) {
      out = resume.value.open(backendName);
      log(`sweep: ${resume.value.note}\n`);
    } else write(sweepHeader(s, shard, backendName));
    if (!whole && threads.workers > 1 && o.workers !== null)
      log(`sweep: --workers ${o.workers} is not used for a shard or a resumed file: one thread\n`);
    const planned = columns.length * plannerFor(s).maxRuns;
    const shownThreads = workers > 1 ? wasm.threads : Math.max(1, nodeWasmThreads());
    log(
      `sweep: ${s.model === 'uv' ? 'uv model' : `${s.dataset}, N = ${data?.count}`}, backend ${backend}, ${workers} worker thread${workers > 1 ? 's' : ''}${s.model !== 'uv' && o.backend === 'wasm' ? ` × ${shownThreads} wasm thread${shownThreads > 1 ? 's' : ''}` : ''}, ${columns.length} column${columns.length === 1 ? '' : 's'}, at most ${planned} runs\n`,
    );
    const start = io.now();
    let done = already.length;
    let computed = 0;
    const columnsWritten = resume?.value.columnsWritten ?? new Set<string>();
    // Every column of this run (resumed ones included), for the seed means at the end.
    const finished = new Map<string, ColumnRecord>();
    const hooks: SweepHooks = {
      ...backendHooks,
      now: io.now,
      onRun(r) {
        done++;
        computed++;
        write(r);
        const elapsed = (io.now() - start) / 1000;
        const eta = (elapsed / computed) * Math.max(0, planned - done);
        log(
          `  run ${done}/≤${planned}: d=${r.depth} w=${r.width} seed=${r.seed} order=${r.orderSeed} c=${r.c.toFixed(3)} ${r.regime} (${r.seconds.toFixed(2)} s; elapsed ${formatSeconds(elapsed)}, ETA ≤ ${formatSeconds(eta)})\n`,
        );
      },
      onColumn(c) {
        finished.set(columnId(c), c);
        // A resumed column that was already finished is reported again by the sweep: once is enough.
        if (columnsWritten.has(columnId(c))) return;
        columnsWritten.add(columnId(c));
        write(c);
        const f = (v: number | null) => (v === null ? '—' : v.toFixed(3));
        log(
          `  column d=${c.depth} w=${c.width} seed=${c.seed} order=${c.orderSeed}: λ0=${c.lambda0.toPrecision(4)} L0=${c.loss0.toPrecision(4)} c_loss=${f(c.c_loss)} c_sharp=${f(c.c_sharp)} c_max=${f(c.c_max)}\n`,
        );
      },
    };
    let result: { runs: number };
    if (workers > 1) {
      // With the default threads, a wide thread takes the run that would leave the others idle.
      const wideThreads = wasm.wide;
      const r = await runOnThreads(s, data, o.backend, workers, hooks, {
        wasmThreads: wasm.threads,
        wideThreads,
      });
      result = r;
      // What the speed-up cost: runs guessed ahead and thrown away, λ_0 measurements.
      log(
        `sweep: ${r.started} runs started on ${workers} threads, ${r.discarded + r.cancelledRuns} of them speculative and not needed (${r.discarded} finished and discarded, ${r.cancelledRuns} cancelled in flight); λ0 measured ${r.lambda0Measured} times for ${columns.length} columns${r.wideRuns > 0 ? `; ${r.wideRuns} run${r.wideRuns > 1 ? 's' : ''} on a wide thread of ${wideThreads} wasm threads` : ''}${r.restarts > 0 ? `; ${r.restarts} worker threads restarted` : ''}\n`,
      );
    } else result = await runColumns(s, data, columns, already, hooks);
    const means = seedSummaryLines([...finished.values()]);
    if (means.length > 0)
      log(`sweep: means over each architecture's columns (± sample sd)\n${means.join('\n')}\n`);
    log(
      `sweep: ${result.runs} runs computed${already.length > 0 ? ` (${already.length} were already in ${o.out})` : ''} in ${formatSeconds((io.now() - start) / 1000)}\n`,
    );
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    io.stderr(`sweep: ${message}\n`);
    return e instanceof CliError ? e.code : 1;
  } finally {
    out?.close();
  }
}
