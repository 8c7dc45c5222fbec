/**
 * CLI flags: one per run setting of the settings table, plus the few that only the CLI has,
 * parsed by the shared parser (argv.ts) and then held to the settings checks (checks.ts). Errors
 * name the flag; the caller exits with status 2.
 */
import { conflictWords, nameByFlag, runChecks } from '../core/settings/checks';
import { cloneDefaults } from '../core/settings/codec';
import { SCHEMA, type SettingKey, type Settings } from '../core/settings/schema';
import type { Result } from '../core/result';
import { NODE_BACKENDS, type NodeBackendName } from '../node/backend';
import { MAX_WASM_THREADS } from '../node/wasmThreads';
import {
  choiceFlag,
  flagHelp,
  parseArgv,
  settingFlag,
  switchFlag,
  textFlag,
  type FlagSpec,
} from './argv';

export interface CliOptions {
  settings: Settings;
  dataDir: string | null;
  backend: NodeBackendName;
  out: string;
  /** `--shard I/N` as given (checked with the scheduler's variables by shardEnv.ts). */
  shard: string | null;
  /** `--shards N`: the shard count when the index comes from the scheduler. */
  shards: number | null;
  quiet: boolean;
  help: boolean;
  /** Worker threads (`--workers`); null: the default, see `resolveWorkers` in workers.ts. */
  workers: number | null;
  /** XNNPACK threads per wasm backend (`--wasm-threads`); null: see `resolveWasmThreads`. */
  wasmThreads: number | null;
}

export type FlagResult = Result<CliOptions>;

/** The settings that change runs have a flag; display settings (the diagram axis) do not. */
const RUN_SETTINGS: readonly SettingKey[] = SCHEMA.filter((r) => r.affectsRuns).map((r) => r.key);

const SETTING_FLAGS: { [K in SettingKey]?: FlagSpec<Settings[K]> } = Object.fromEntries(
  RUN_SETTINGS.map((k) => [k, settingFlag(k)]),
);

const CLI_FLAGS = {
  dataDir: textFlag(
    'data-dir',
    'DIR',
    'Folder with the dataset files (CIFAR-10 .bin or .tar.gz, IDX .gz).',
    'a folder',
  ),
  backend: choiceFlag(
    'backend',
    NODE_BACKENDS,
    'tfjs backend (default wasm). webgpu runs on a GPU through Dawn (npm webgpu) and needs a Vulkan driver.',
  ),
  out: textFlag(
    'out',
    'FILE|-',
    'Where the JSON Lines go (default -, standard output). An existing FILE of the same sweep is resumed: its runs are kept and the rest appended.',
    'a file name or -',
  ),
  shard: textFlag(
    'shard',
    'I/N',
    'Run only shard I (0 to N−1) of N: the columns are split by estimated cost, from the settings alone. 0/1 is the whole sweep.',
    'I/N',
  ),
  shards: {
    flag: 'shards',
    arg: 'N',
    help: 'Split into N shards and take the index from JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID. A Slurm array is sharded by its own variables even without this flag.',
    parse: (text: string) =>
      /^\s*\d+\s*$/.test(text)
        ? { ok: true, value: Number(text) }
        : { ok: false, error: `${JSON.stringify(text)} is not a whole number` },
  } satisfies FlagSpec<number>,
  quiet: switchFlag('quiet', 'No progress on standard error.'),
  workers: {
    flag: 'workers',
    arg: 'N',
    help: 'Worker threads running runs in parallel, each on its own wasm backend (default: the available cores on wasm and cpu; 1 on webgpu, with --ensemble above 1 and for the uv model). The JSON Lines are the same for any N apart from the seconds fields.',
    parse: (text: string) => {
      const n = Number(text);
      return /^\d+$/.test(text.trim()) && Number.isSafeInteger(n) && n >= 1 && n <= 256
        ? { ok: true as const, value: n }
        : {
            ok: false as const,
            error: `${JSON.stringify(text)} is not a whole number from 1 to 256`,
          };
    },
  } satisfies FlagSpec<number>,
  wasmThreads: {
    flag: 'wasm-threads',
    arg: 'K',
    help: `XNNPACK threads inside each wasm backend, 1 to ${MAX_WASM_THREADS}: matrix products and convolutions split over K cores (default: 1 with several worker threads, plus one more thread on all the cores for a run that would leave them idle; else the available cores up to ${MAX_WASM_THREADS}). Records are the same for any K. Workers × K above the cores is much slower.`,
    parse: (text: string) => {
      const n = Number(text);
      return /^\d+$/.test(text.trim()) && n >= 1 && n <= MAX_WASM_THREADS
        ? { ok: true as const, value: n }
        : {
            ok: false as const,
            error: `${JSON.stringify(text)} is not a whole number from 1 to ${MAX_WASM_THREADS}`,
          };
    },
  } satisfies FlagSpec<number>,
  help: switchFlag('help', 'Show this help.'),
};

const FLAGS = { ...SETTING_FLAGS, ...CLI_FLAGS };

export function helpText(): string {
  return [
    'Usage: phase-explorer sweep [flags]   (in a clone of the repository: npm run -s sweep -- [flags])',
    '',
    'Runs a phase-diagram sweep headless and writes JSON Lines: one {"type":"run"} per finished',
    'run and one {"type":"column"} per finished column. Progress goes to standard error.',
    '',
    ...flagHelp(FLAGS),
  ].join('\n');
}

/** Parse argv (without node and script). `--flag value` and `--flag=value` are both accepted. */
export function parseFlags(argv: readonly string[]): FlagResult {
  const parsed = parseArgv(argv, FLAGS);
  if (!parsed.ok) return parsed;
  const v = parsed.values;
  const settings: Record<string, unknown> = cloneDefaults();
  const given = new Set<SettingKey>();
  for (const key of RUN_SETTINGS) {
    if (v[key] === undefined) continue;
    settings[key] = v[key];
    given.add(key);
  }
  // Rules across flags: a follower (the uv dataset of --model uv) follows the flag given;
  // anything else that breaks a rule is refused, in the words the app uses.
  const checked = runChecks(settings as Settings, given);
  const conflict = checked.conflicts[0];
  if (conflict) return { ok: false, error: conflictWords(conflict, nameByFlag) };
  return {
    ok: true,
    value: {
      settings: checked.settings,
      dataDir: v.dataDir ?? null,
      backend: v.backend ?? 'wasm',
      out: v.out ?? '-',
      shard: v.shard ?? null,
      shards: v.shards ?? null,
      quiet: v.quiet ?? false,
      help: v.help ?? false,
      workers: v.workers ?? null,
      wasmThreads: v.wasmThreads ?? null,
    },
  };
}
