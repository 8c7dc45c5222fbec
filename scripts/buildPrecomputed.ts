/**
 * Build the precomputed results the app shows before anything is computed (the first visit's
 * quick demo, a shipped preset's diagram): runs the CLI on the settings of a link hash and writes
 * `public/precomputed/<id>.jsonl`, recording in `public/precomputed/index.json` the hash it was
 * made from, so that a test notices when the preset changes and the file goes stale (that test
 * prints this command with the preset's current hash).
 *
 * Usage: `tsx scripts/buildPrecomputed.ts <preset-id> '<hash>' [--from <file.jsonl> --command '<cmd>']`, e.g.
 *   tsx scripts/buildPrecomputed.ts quick 'v=1'
 * Minutes per preset on one CPU core; the quick demo's file is about 40 kB.
 *
 * `--from` ships a results file computed elsewhere (hours of CIFAR-10 on another machine) instead
 * of running the sweep here: the file must start with the CLI's sweep header, whose settings must
 * be the hash's run settings (else it is refused, naming the settings that differ), and its runs
 * must all be readable. `--command` records the command that made it (default: the one this
 * script would have run).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloneDefaults, formatField, sameValue } from '../src/core/settings/codec';
import { SCHEMA, type Settings } from '../src/core/settings/schema';
import { decodeSettings } from '../src/core/settings/url';
import { describeDifferences, readHeader, settingsDifferences } from '../src/core/sweep/header';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'public', 'precomputed');
const indexFile = path.join(outDir, 'index.json');

/** One shipped file (the shape src/app/precomputed.ts reads). */
interface Entry {
  preset: string;
  file: string;
  hash: string;
  runs: number;
  columns: number;
  command: string;
  made: string;
}

/** CLI flags for every run-affecting setting that differs from the defaults. */
function flagsFor(settings: Settings): string[] {
  const defaults = cloneDefaults();
  const argv: string[] = [];
  for (const row of SCHEMA) {
    if (!row.affectsRuns || sameValue(row, settings[row.key], defaults[row.key])) continue;
    argv.push(`--${row.flag}`, formatField(row, settings[row.key]));
  }
  return argv;
}

const args = process.argv.slice(2);
/** `--name value` options, taken out of the positional arguments. */
function option(name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) {
    console.error(`buildPrecomputed: --${name} needs a value`);
    process.exit(2);
  }
  args.splice(at, 2);
  return value;
}
const from = option('from');
const givenCommand = option('command');
const [id, hash, ...extra] = args;
if (!id || !/^[\w-]+$/.test(id) || hash === undefined || extra.length > 0) {
  console.error(
    "usage: tsx scripts/buildPrecomputed.ts <preset-id> '<hash>' [--from <file.jsonl> --command '<cmd>']",
  );
  process.exit(2);
}
const { settings, issues } = decodeSettings(hash);
if (issues.length > 0) {
  console.error(`buildPrecomputed: ${issues.map((i) => i.message).join('; ')}`);
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const index: Entry[] = fs.existsSync(indexFile)
  ? (JSON.parse(fs.readFileSync(indexFile, 'utf8')) as Entry[])
  : [];
const file = `${id}.jsonl`;
const command = [
  'npm',
  'run',
  '-s',
  'sweep',
  '--',
  '--quiet',
  '--out',
  `public/precomputed/${file}`,
  ...flagsFor(settings),
];
const started = Date.now();
if (from !== undefined) {
  copyResults(from);
} else {
  console.error(`buildPrecomputed: ${command.join(' ')}`);
  // A rebuild, not a resume: the sweep writes a fresh file beside the old one, which it replaces
  // only once the sweep has finished (the CLI would otherwise resume from, or refuse, the old one).
  const fresh = path.join(root, 'tmp', `precomputed-${process.pid}-${file}`);
  fs.mkdirSync(path.dirname(fresh), { recursive: true });
  fs.rmSync(fresh, { force: true });
  const run = command.map((a) => (a === `public/precomputed/${file}` ? fresh : a));
  const res = spawnSync(run[0]!, run.slice(1), { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`buildPrecomputed: the sweep for "${id}" failed (exit ${res.status})`);
    process.exit(1);
  }
  fs.renameSync(fresh, path.join(outDir, file));
}

/** Check a results file made elsewhere against the hash's settings and copy it in place. */
function copyResults(source: string): void {
  let text: string;
  try {
    text = fs.readFileSync(source, 'utf8');
  } catch (e) {
    console.error(`buildPrecomputed: cannot read ${source}: ${(e as Error).message}`);
    process.exit(2);
  }
  const first = text.slice(0, text.indexOf('\n') < 0 ? text.length : text.indexOf('\n'));
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(first);
  } catch {
    // Reported below as a missing header.
  }
  const header = readHeader(parsed);
  if (!header.ok) {
    console.error(
      `buildPrecomputed: ${source} must start with the CLI's sweep header (${header.error})`,
    );
    process.exit(2);
  }
  const diffs = settingsDifferences(header.value.settings, settings);
  if (diffs.length > 0) {
    console.error(
      `buildPrecomputed: ${source} was made with other settings than '${hash}': ${describeDifferences(diffs, 'the file', 'the hash')}`,
    );
    process.exit(2);
  }
  const bad = text
    .split('\n')
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== '')
    .filter(({ line }) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    });
  if (bad.length > 0) {
    console.error(
      `buildPrecomputed: ${source}: line ${bad[0]!.i + 1} is not JSON (${bad.length} such lines); is the sweep still running?`,
    );
    process.exit(2);
  }
  fs.writeFileSync(path.join(outDir, file), text.endsWith('\n') ? text : `${text}\n`);
}
const lines = fs.readFileSync(path.join(outDir, file), 'utf8').split('\n').filter(Boolean);
const entry: Entry = {
  preset: id,
  file,
  hash,
  runs: lines.filter((l) => l.includes('"type":"run"')).length,
  columns: lines.filter((l) => l.includes('"type":"column"')).length,
  command: givenCommand ?? command.join(' '),
  made: new Date().toISOString().slice(0, 10),
};
const at = index.findIndex((e) => e.preset === id);
if (at >= 0) index[at] = entry;
else index.push(entry);
fs.writeFileSync(indexFile, `${JSON.stringify(index, null, 2)}\n`);
console.error(
  `buildPrecomputed: ${file}: ${entry.runs} runs, ${entry.columns} columns in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
