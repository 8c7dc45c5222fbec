/**
 * `phase-explorer plan [sweep flags] --shards N[,N...] [--gflops R]`: how a sweep splits into
 * shards, without running it: each shard's columns and estimated work (the partition `--shard`
 * uses), and with a sustained rate R (GFLOP/s per process, e.g. the bench's best wasm cell rate)
 * the projected wall time on N machines, one shard per machine.
 * Exit codes: 0 done, 2 bad flags.
 */
import { parseFlags } from './flags';
import { planColumns } from '../core/sweep/plan';
import { columnId } from '../core/sweep/records';
import {
  estimateColumnFlops,
  partitionColumns,
  type IterationAssumptions,
} from '../core/sweep/shard';
import type { CliIo } from './process';

/** Flags only `plan` has, taken out before the sweep's flags are parsed. */
const PLAN_FLAGS = ['shards', 'gflops', 'warm-iters', 'lambda0-iters'] as const;
type PlanFlag = (typeof PLAN_FLAGS)[number];

export function planHelpText(): string {
  return [
    'Usage: phase-explorer plan [sweep flags] --shards N[,N...] [--gflops R]',
    '',
    'Shows how the sweep the flags describe splits into N shards (the partition --shard I/N runs),',
    'with each shard’s columns and estimated GFLOP. Several N (--shards 1,4,16) give one line each.',
    '',
    '  --shards N[,N...]    Shard counts to show.',
    '  --gflops R           Sustained GFLOP/s of one process: adds the projected wall time.',
    '  --warm-iters K       Lanczos iterations per warm λ_t to assume for the time (default 0.3 × cap).',
    '  --lambda0-iters K    Lanczos iterations of λ_0 to assume for the time (default the cap).',
    '',
    'The partition itself always uses the default assumptions, as every shard computes it so.',
  ].join('\n');
}

function formatHours(seconds: number): string {
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 2 * 86400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(2)} days`;
}

/** Runs `plan`; resolves to the exit code. Prints to standard output. */
export async function planMain(argv: readonly string[], io: CliIo): Promise<number> {
  const own: Partial<Record<PlanFlag, string>> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') ? (eq < 0 ? arg.slice(2) : arg.slice(2, eq)) : '';
    const mine = PLAN_FLAGS.find((f) => f === flag);
    if (!mine) {
      rest.push(arg);
      continue;
    }
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) {
      io.stderr(`plan: --${mine} needs a value\n`);
      return 2;
    }
    own[mine] = value;
  }
  if (rest.includes('--help')) {
    io.stderr(`${planHelpText()}\n`);
    return 0;
  }
  const parsed = parseFlags(rest);
  if (!parsed.ok) {
    io.stderr(`plan: ${parsed.error}\n`);
    return 2;
  }
  const s = parsed.value.settings;
  const counts = (own.shards ?? '')
    .split(',')
    .map((t) => (/^\s*\d+\s*$/.test(t) ? Number(t) : NaN));
  if (own.shards === undefined || counts.some((n) => !(n >= 1 && n <= 100_000))) {
    io.stderr('plan: --shards needs whole numbers from 1 to 100000, comma separated\n');
    return 2;
  }
  const positive = (flag: PlanFlag): number | null | undefined => {
    const t = own[flag];
    if (t === undefined) return undefined;
    const v = Number(t);
    return Number.isFinite(v) && v > 0 ? v : null;
  };
  const rate = positive('gflops');
  const warm = positive('warm-iters');
  const cold = positive('lambda0-iters');
  for (const [flag, v] of [
    ['gflops', rate],
    ['warm-iters', warm],
    ['lambda0-iters', cold],
  ] as const)
    if (v === null) {
      io.stderr(`plan: --${flag} must be a positive number\n`);
      return 2;
    }
  const iters: IterationAssumptions = {
    ...(warm ? { warmIters: warm } : {}),
    ...(cold ? { lambda0Iters: cold } : {}),
  };
  const cost = (k: Parameters<typeof estimateColumnFlops>[1]) => estimateColumnFlops(s, k, iters);
  const columns = planColumns(s);
  const total = columns.reduce((a, k) => a + cost(k), 0);
  const largest = Math.max(...columns.map(cost));
  const time = (flops: number) => (rate ? ` ≈ ${formatHours(flops / (rate * 1e9))}` : '');
  io.stdout(
    `${columns.length} columns, ${(total / 1e9).toFixed(0)} GFLOP estimated${time(total)} in one process; the largest column ${(largest / 1e9).toFixed(0)} GFLOP${time(largest)} (no shard count goes below it)`,
  );
  for (const n of counts) {
    const shards = partitionColumns(s, n);
    const loads = shards.map((sh) => sh.columns.reduce((a, k) => a + cost(k), 0));
    const worst = Math.max(...loads);
    io.stdout(
      `--shards ${n}: largest shard ${(worst / 1e9).toFixed(0)} GFLOP${time(worst)}, ${((100 * total) / (n * worst)).toFixed(0)} % of ${n} machines busy`,
    );
    if (counts.length === 1)
      shards.forEach((sh, i) =>
        io.stdout(
          `  shard ${sh.index}/${n}: ${(loads[i]! / 1e9).toFixed(0)} GFLOP${time(loads[i]!)}: ${sh.columns.map(columnId).join(' ') || '(no columns)'}`,
        ),
      );
  }
  return 0;
}
