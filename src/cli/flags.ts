/**
 * CLI flags, derived from the settings table (one flag per row) plus the few that only the CLI has.
 * Errors name the flag; the caller exits with status 2.
 */
import { parseField, conflicts, cloneDefaults, formatField } from '../core/settings/codec';
import { SCHEMA, type Settings } from '../core/settings/schema';
import { NODE_BACKENDS, type NodeBackendName } from '../core/tf/backend';

export interface CliOptions {
  settings: Settings;
  dataDir: string | null;
  backend: NodeBackendName;
  out: string;
  quiet: boolean;
  help: boolean;
  /** Worker threads (`--workers`); null: the default, see `defaultWorkers` in main.ts. */
  workers: number | null;
}

export type FlagResult = { ok: true; options: CliOptions } | { ok: false; error: string };

const CLI_ONLY: { flag: string; arg: string; help: string }[] = [
  {
    flag: 'data-dir',
    arg: 'DIR',
    help: 'Folder with the dataset files (CIFAR-10 .bin or .tar.gz, IDX .gz).',
  },
  {
    flag: 'backend',
    arg: 'wasm|cpu|webgpu',
    help: 'tfjs backend (default wasm). webgpu runs on a GPU through Dawn (npm webgpu) and needs a Vulkan driver.',
  },
  { flag: 'out', arg: 'FILE|-', help: 'Where the JSON Lines go (default -, standard output).' },
  { flag: 'quiet', arg: '', help: 'No progress on standard error.' },
  {
    flag: 'workers',
    arg: 'N',
    help: 'Worker threads running runs in parallel, each on its own wasm backend (default: the available cores on wasm and cpu; 1 on webgpu, with --ensemble above 1 and for the uv model). The JSON Lines are the same for any N apart from the seconds fields.',
  },
  { flag: 'help', arg: '', help: 'Show this help.' },
];

export function helpText(): string {
  const defaults = cloneDefaults();
  const lines = [
    'Usage: npm run -s sweep -- [flags]',
    '',
    'Runs a phase-diagram sweep headless and writes JSON Lines: one {"type":"run"} per finished',
    'run and one {"type":"column"} per finished column. Progress goes to standard error.',
    '',
  ];
  for (const row of SCHEMA) {
    if (!row.affectsRuns) continue;
    const def = formatField(row, defaults[row.key]);
    const arg =
      row.kind === 'enum'
        ? (row.options as readonly string[]).join('|')
        : row.kind === 'bool'
          ? ''
          : 'VALUE';
    lines.push(`  --${row.flag}${arg ? ` ${arg}` : ''}`);
    lines.push(`      ${row.help} (default ${def})`);
  }
  for (const f of CLI_ONLY) {
    lines.push(`  --${f.flag}${f.arg ? ` ${f.arg}` : ''}`);
    lines.push(`      ${f.help}`);
  }
  return lines.join('\n');
}

/** Parse argv (without node and script). `--flag value` and `--flag=value` are both accepted. */
export function parseFlags(argv: readonly string[]): FlagResult {
  const settings = cloneDefaults();
  const options: CliOptions = {
    settings,
    dataDir: null,
    backend: 'wasm',
    out: '-',
    quiet: false,
    help: false,
    workers: null,
  };
  const seen = new Set<string>();
  let datasetGiven = false;
  let modelGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--'))
      return {
        ok: false,
        error: `unexpected argument ${JSON.stringify(arg)} (flags start with --)`,
      };
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (seen.has(flag)) return { ok: false, error: `--${flag} given twice` };
    seen.add(flag);
    const row = SCHEMA.find((r) => r.flag === flag && r.affectsRuns);
    const isBool = row?.kind === 'bool' || flag === 'quiet' || flag === 'help';
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (isBool) value = '1';
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2))
        return { ok: false, error: `--${flag} needs a value` };
      value = next;
      i++;
    }
    if (flag === 'help') {
      options.help = true;
      continue;
    }
    if (flag === 'quiet') {
      options.quiet = value !== '0' && value !== 'false';
      continue;
    }
    if (flag === 'data-dir') {
      if (value.trim() === '') return { ok: false, error: '--data-dir needs a folder' };
      options.dataDir = value;
      continue;
    }
    if (flag === 'out') {
      if (value.trim() === '') return { ok: false, error: '--out needs a file name or -' };
      options.out = value;
      continue;
    }
    if (flag === 'workers') {
      const n = Number(value);
      if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1 || n > 256)
        return {
          ok: false,
          error: `--workers: ${JSON.stringify(value)} is not a whole number from 1 to 256`,
        };
      options.workers = n;
      continue;
    }
    if (flag === 'backend') {
      const b = NODE_BACKENDS.find((n) => n === value);
      if (b === undefined)
        return {
          ok: false,
          error: `--backend: ${JSON.stringify(value)} is not one of ${NODE_BACKENDS.join(', ')}`,
        };
      options.backend = b;
      continue;
    }
    if (!row) return { ok: false, error: `unknown flag --${flag} (see --help)` };
    const parsed = parseField(row, value);
    if (!parsed.ok) return { ok: false, error: `--${flag}: ${parsed.error}` };
    (settings as unknown as Record<string, unknown>)[row.key] = parsed.value;
    if (row.key === 'dataset') datasetGiven = true;
    if (row.key === 'model') modelGiven = true;
  }
  // --dataset uv and --model uv mean the same model; contradicting them is an error.
  if (settings.dataset === 'uv' || settings.model === 'uv') {
    if (datasetGiven && modelGiven && (settings.dataset === 'uv') !== (settings.model === 'uv'))
      return {
        ok: false,
        error: `--model ${settings.model} contradicts --dataset ${settings.dataset}`,
      };
    settings.dataset = 'uv';
    settings.model = 'uv';
  }
  const issues = settings.model === 'uv' ? [] : conflicts(settings);
  if (issues[0]) return { ok: false, error: issues[0].message };
  return { ok: true, options };
}
