/**
 * `phase-explorer merge FILES... --out FILE [--check]` (`npm run -s merge -- ...`): one results
 * file from the shards of a sweep (or a run and its resumptions). Every record is validated, files
 * of different sweeps are refused, duplicate runs removed, column records recomputed from the runs,
 * and what is missing is reported, with the shard each missing column belongs to.
 * Exit codes: 0 done; 1 a file is unreadable, invalid or from another sweep; 2 bad flags;
 * 3 with --check, when columns are missing or incomplete (the file is still written).
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseResultsText } from '../core/sweep/resultsFile';
import { mergeResults, type MergeResult } from '../core/sweep/merge';
import { describeGaps } from '../core/sweep/coverage';
import { columnId } from '../core/sweep/records';
import { partitionColumns } from '../core/sweep/shard';
import { flagHelp, parseArgv, switchFlag, textFlag } from './argv';
import type { CliIo } from './process';

export interface MergeOptions {
  files: string[];
  out: string | null;
  check: boolean;
  quiet: boolean;
  help: boolean;
}

export function mergeHelpText(): string {
  return [
    'Usage: phase-explorer merge FILES... --out FILE [--check]',
    '',
    'Merges results files of one sweep (its shards, or a run and its resumptions) into one that',
    'the app imports. Every record is validated; files of different sweeps are refused; duplicate',
    'runs are removed; column records are recomputed from the runs; missing columns are listed',
    'with the shard that computes them. FILE may be one of the inputs (it is replaced at the end).',
    'Without --out, --check only reports.',
    '',
    ...flagHelp(MERGE_FLAGS),
  ].join('\n');
}

const MERGE_FLAGS = {
  out: textFlag(
    'out',
    'FILE|-',
    'Where the merged JSON Lines go (- for standard output).',
    'a file name or -',
  ),
  check: switchFlag('check', 'Exit with status 3 when columns are missing or incomplete.'),
  quiet: switchFlag('quiet', 'Only errors and the --check verdict on standard error.'),
  help: switchFlag('help', 'Show this help.'),
};

/** The files (every argument that is not a flag or a flag's value) and the flags. */
export function parseMergeFlags(
  argv: readonly string[],
): { ok: true; options: MergeOptions } | { ok: false; error: string } {
  const files: string[] = [];
  const flags: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--') || arg === '--') files.push(arg);
    else {
      flags.push(arg);
      // A flag that takes a value takes the next argument (the shared parser checks it).
      const spec = Object.values(MERGE_FLAGS).find((f) => `--${f.flag}` === arg);
      if (spec && !spec.isSwitch && i + 1 < argv.length) flags.push(argv[++i]!);
    }
  }
  const parsed = parseArgv(flags, MERGE_FLAGS);
  if (!parsed.ok) return parsed;
  const v = parsed.values;
  const o: MergeOptions = {
    files,
    out: v.out ?? null,
    check: v.check ?? false,
    quiet: v.quiet ?? false,
    help: v.help ?? false,
  };
  if (o.help) return { ok: true, options: o };
  if (o.files.length === 0) return { ok: false, error: 'no files to merge (see --help)' };
  if (o.out === null && !o.check)
    return { ok: false, error: 'give --out FILE for the merged file, or --check to only report' };
  return { ok: true, options: o };
}

/** The lines of the report: what was merged, what is missing and which shards to rerun. */
export function mergeReport(m: MergeResult): { lines: string[]; incomplete: boolean } {
  const cov = m.coverage;
  const total = cov.columns.length;
  const lines = [
    `${m.runsRead} runs read, ${m.duplicates} duplicates removed; ${cov.complete} of ${total} columns complete${cov.partial > 0 ? `, ${cov.partial} incomplete` : ''}${cov.missing > 0 ? `, ${cov.missing} missing` : ''}`,
  ];
  for (const w of m.warnings) lines.push(`warning: ${w}`);
  if (m.conflicting.length > 0)
    lines.push(
      `warning: ${m.conflicting.length} runs appear twice with different values (another backend?); the first copy is kept: ${m.conflicting.slice(0, 3).join(', ')}${m.conflicting.length > 3 ? ', …' : ''}`,
    );
  if (m.staleColumns.length > 0)
    lines.push(
      `note: ${m.staleColumns.length} column records in the files disagreed with their runs and were recomputed: ${m.staleColumns.slice(0, 3).join(', ')}`,
    );
  const open = cov.columns.filter((c) => c.state !== 'complete');
  const gaps = describeGaps(cov);
  if (gaps !== null) {
    lines.push(`still to compute: ${gaps}`);
    if (m.shardCount !== null) {
      const parts = partitionColumns(m.settings, m.shardCount);
      const ids = new Set(open.map((c) => columnId(c.key)));
      const shards = parts
        .filter((p) => p.columns.some((k) => ids.has(columnId(k))))
        .map((p) => p.index);
      lines.push(
        `rerun shard${shards.length > 1 ? 's' : ''} ${shards.join(', ')} of ${m.shardCount} (with the same --out, they resume), then merge again`,
      );
    }
  }
  return { lines, incomplete: open.length > 0 };
}

/** Runs `merge`; resolves to the exit code. */
export async function mergeMain(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseMergeFlags(argv);
  if (!parsed.ok) {
    io.stderr(`merge: ${parsed.error}\n`);
    return 2;
  }
  const o = parsed.options;
  if (o.help) {
    io.stderr(`${mergeHelpText()}\n`);
    return 0;
  }
  const inputs = [];
  for (const name of o.files) {
    let text: string;
    try {
      text = fs.readFileSync(name, 'utf8');
    } catch (e) {
      io.stderr(`merge: cannot read ${name}: ${(e as Error).message}\n`);
      return 1;
    }
    inputs.push({ name, file: parseResultsText(text) });
  }
  const merged = mergeResults(inputs);
  if (!merged.ok) {
    io.stderr(`merge: ${merged.error}\n`);
    return 1;
  }
  const m = merged.value;
  const text = [m.header, ...m.records].map((r) => `${JSON.stringify(r)}\n`).join('');
  if (o.out === '-') for (const line of text.slice(0, -1).split('\n')) io.stdout(line);
  else if (o.out !== null) {
    // Written beside the target and renamed: the target may be one of the inputs, and a reader
    // never sees half a file.
    const tmp = path.join(path.dirname(o.out), `.${path.basename(o.out)}.${process.pid}.tmp`);
    try {
      fs.writeFileSync(tmp, text);
      fs.renameSync(tmp, o.out);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      io.stderr(`merge: cannot write ${o.out}: ${(e as Error).message}\n`);
      return 1;
    }
  }
  const report = mergeReport(m);
  const where = o.out === null ? '' : o.out === '-' ? ' to standard output' : ` into ${o.out}`;
  if (!o.quiet) {
    io.stderr(
      `merge: ${inputs.length} file${inputs.length === 1 ? '' : 's'}${where}: ${report.lines[0]}\n`,
    );
    for (const line of report.lines.slice(1)) io.stderr(`  ${line}\n`);
  }
  if (o.check && report.incomplete) {
    if (o.quiet) for (const line of report.lines.slice(1)) io.stderr(`merge: ${line}\n`);
    io.stderr('merge: --check: the sweep is not complete\n');
    return 3;
  }
  return 0;
}
