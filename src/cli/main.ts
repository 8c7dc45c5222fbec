/**
 * `phase-explorer sweep [flags]` (in a clone: `npm run -s sweep -- [flags]`): a sweep headless on
 * the wasm (or cpu, or webgpu through Dawn) backend, JSON Lines out. The process entry is
 * `bin.ts`, which dispatches here.
 * Exit codes: 0 done, 1 failure while running (data, backend), 2 bad flags.
 */
import { createWriteStream } from 'node:fs';
import { parseFlags, helpText, type CliOptions } from './flags';
import { plannedRunCount } from '../core/sweep/plan';
import { runSweep, type SweepHooks } from '../core/sweep/runSweep';
import type { ColumnRecord, RunRecord } from '../core/sweep/records';
import type { PreparedData } from '../core/data/types';
import { capabilitiesOf } from '../core/tf/capabilities';
import { loadSweepData } from '../node/loadData';
import { initNodeBackend, nodeGpuAdapter } from '../node/backend';
import type { CliIo } from './process';

export type { CliIo } from './process';

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${s.toFixed(0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
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
  let fileOut: ReturnType<typeof createWriteStream> | null = null;
  const write = (record: RunRecord | ColumnRecord): void => {
    const line = JSON.stringify(record);
    if (fileOut) fileOut.write(`${line}\n`);
    else io.stdout(line);
  };
  try {
    const data = loadPrepared(o, io);
    let backend = 'none (exact float64)';
    // The uv model runs no tfjs backend, so it has no capabilities to pass.
    const backendHooks: Pick<SweepHooks, 'capabilities'> = {};
    if (o.settings.model !== 'uv') {
      backend = await initNodeBackend(o.backend);
      backendHooks.capabilities = capabilitiesOf(backend);
      const gpu = backend === 'webgpu' ? nodeGpuAdapter() : null;
      if (gpu)
        backend += ` on ${gpu.name}${gpu.software ? ' (a software adapter: correct, not fast)' : ''}`;
    }
    if (o.out !== '-') fileOut = createWriteStream(o.out);
    const planned = plannedRunCount(o.settings);
    log(
      `sweep: ${o.settings.model === 'uv' ? 'uv model' : `${o.settings.dataset}, N = ${data?.count}`}, backend ${backend}, at most ${planned} runs\n`,
    );
    const start = io.now();
    let done = 0;
    const result = await runSweep(o.settings, data, [], {
      ...backendHooks,
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
    });
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
