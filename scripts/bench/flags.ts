/**
 * The bench's flags, on the project's one flag parser (src/cli/argv.ts): the same grammar and
 * messages as the sweep CLI and the validation scripts.
 */
import {
  choiceFlag,
  flagHelp,
  parseArgv,
  switchFlag,
  textFlag,
  type FlagSpec,
} from '../../src/cli/argv';
import { MAX_WASM_THREADS } from '../../src/node/wasmThreads';
import { SECTIONS, type Options, type Section } from './types';

/** Most worker threads the workers section accepts in --workers (a typo guard, not a limit of the code). */
const MAX_WORKERS = 256;

const sectionList: FlagSpec<Set<Section>> = {
  flag: 'only',
  arg: 'SECTIONS',
  help: `comma-separated subset of: ${SECTIONS.join(', ')}`,
  parse(text) {
    const names = text.split(',').map((s) => s.trim());
    const bad = names.filter((n) => !SECTIONS.includes(n as Section));
    if (bad.length > 0)
      return {
        ok: false,
        error: `unknown section ${bad.join(', ')} (known: ${SECTIONS.join(', ')})`,
      };
    return { ok: true, value: new Set(names as Section[]) };
  },
};

/** A comma-separated list of whole numbers from 1 to `max`, sorted, each once. */
function countList(flag: string, help: string, max: number): FlagSpec<number[]> {
  return { flag, arg: 'LIST', help, parse: (text) => parseCounts(text, max) };
}

function parseCounts(text: string, max: number): ReturnType<FlagSpec<number[]>['parse']> {
  {
    const parts = text.split(',').map((s) => s.trim());
    const counts = parts.map(Number);
    const bad = parts.filter(
      (p, i) => !(Number.isInteger(counts[i]) && counts[i]! >= 1 && counts[i]! <= max),
    );
    if (bad.length > 0)
      return {
        ok: false,
        error: `${bad.map((b) => JSON.stringify(b)).join(', ')}: not a whole number from 1 to ${max}`,
      };
    return { ok: true, value: [...new Set(counts)].sort((a, b) => a - b) };
  }
}

const workerCounts = countList(
  'workers',
  'worker-thread counts of the workers section, e.g. 1,2,4 (default: 1 and all cores)',
  MAX_WORKERS,
);
const wasmThreadCounts = countList(
  'wasm-threads',
  `XNNPACK threads per worker in the workers section, e.g. 1,2 (default: 1 and min(cores, ${MAX_WASM_THREADS})); every worker count runs with every thread count`,
  MAX_WASM_THREADS,
);

/** Most rounds the workers section accepts in --rounds (a typo guard). */
const MAX_ROUNDS = 20;

const rounds: FlagSpec<number> = {
  flag: 'rounds',
  arg: 'N',
  help: 'times the workers section runs all its configurations in turn, interleaved (default 1); with more than one it reports medians and each ratio within its round',
  parse(text) {
    const n = Number(text.trim());
    return Number.isInteger(n) && n >= 1 && n <= MAX_ROUNDS
      ? { ok: true, value: n }
      : { ok: false, error: `${JSON.stringify(text)}: not a whole number from 1 to ${MAX_ROUNDS}` };
  },
};

const SPECS = {
  quick: switchFlag(
    'quick',
    'fewer configurations and repetitions; leaves out the quick-demo fill',
  ),
  noBrowser: switchFlag('no-browser', 'leave out the browser section'),
  allowSoftware: switchFlag(
    'allow-software',
    "on a software GPU adapter (SwiftShader) also run the gpu section's larger configurations and its ensemble",
  ),
  out: textFlag('out', 'FILE', 'where the Markdown report goes (default docs/BENCH.md)', 'a file'),
  only: sectionList,
  dataDir: textFlag(
    'data-dir',
    'DIR',
    'the folder holding cifar10/ (default $PHASE_DATA_DIR); without it the CIFAR-10 parts are skipped',
    'a folder',
  ),
  workers: workerCounts,
  wasmThreads: wasmThreadCounts,
  rounds,
  threadEntry: choiceFlag(
    'thread-entry',
    ['built', 'tsx'] as const,
    'how the workers section starts its threads: a freshly built sweepThread.js (default) or the source through tsx',
  ),
};

export const USAGE = `usage: npm run bench -- [--quick] [--no-browser] [--allow-software] [--out FILE] [--only ${SECTIONS.join(',')}] [--data-dir DIR] [--workers LIST] [--wasm-threads LIST] [--rounds N]

${flagHelp(SPECS).join('\n')}
  --help
      this text
`;

/** Parsed flags, a request for USAGE, or the message that says what is wrong with them. */
export type ParsedFlags =
  | { ok: true; options: Options }
  | { ok: false; help: true }
  | { ok: false; help?: never; error: string };

/** The bench's options from argv; `env` supplies PHASE_DATA_DIR when --data-dir is absent. */
export function parseBenchFlags(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): ParsedFlags {
  if (argv.includes('--help') || argv.includes('-h')) return { ok: false, help: true };
  const parsed = parseArgv(argv, SPECS);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const v = parsed.values;
  const sections = v.only ?? new Set(SECTIONS);
  if (v.noBrowser) sections.delete('browser');
  const envDir = env['PHASE_DATA_DIR'];
  return {
    ok: true,
    options: {
      quick: v.quick ?? false,
      allowSoftware: v.allowSoftware ?? false,
      out: v.out ?? 'docs/BENCH.md',
      sections,
      dataDir: v.dataDir ?? (envDir !== undefined && envDir !== '' ? envDir : null),
      workers: v.workers ?? null,
      wasmThreads: v.wasmThreads ?? null,
      rounds: v.rounds ?? 1,
      threadEntry: v.threadEntry ?? 'built',
    },
  };
}
