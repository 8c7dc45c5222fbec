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
  quiet: boolean;
  help: boolean;
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
    'Where the JSON Lines go (default -, standard output).',
    'a file name or -',
  ),
  quiet: switchFlag('quiet', 'No progress on standard error.'),
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
      quiet: v.quiet ?? false,
      help: v.help ?? false,
    },
  };
}
