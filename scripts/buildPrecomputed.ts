/**
 * Build the precomputed results the app shows before anything is computed (the first visit's
 * quick demo, a shipped preset's diagram): runs the CLI on the settings of a link hash and writes
 * `public/precomputed/<id>.jsonl`, recording in `public/precomputed/index.json` the hash it was
 * made from, so that a test notices when the preset changes and the file goes stale (that test
 * prints this command with the preset's current hash).
 *
 * Usage: `tsx scripts/buildPrecomputed.ts <preset-id> '<hash>'`, e.g.
 *   tsx scripts/buildPrecomputed.ts quick 'v=1'
 * Minutes per preset on one CPU core; the quick demo's file is about 40 kB.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloneDefaults, formatField, sameValue } from '../src/core/settings/codec';
import { SCHEMA, type Settings } from '../src/core/settings/schema';
import { decodeSettings } from '../src/core/settings/url';

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

const [id, hash] = process.argv.slice(2);
if (!id || !/^[\w-]+$/.test(id) || hash === undefined) {
  console.error("usage: tsx scripts/buildPrecomputed.ts <preset-id> '<hash>'");
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
console.error(`buildPrecomputed: ${command.join(' ')}`);
const started = Date.now();
const res = spawnSync(command[0]!, command.slice(1), { cwd: root, stdio: 'inherit' });
if (res.status !== 0) {
  console.error(`buildPrecomputed: the sweep for "${id}" failed (exit ${res.status})`);
  process.exit(1);
}
const lines = fs.readFileSync(path.join(outDir, file), 'utf8').split('\n').filter(Boolean);
const entry: Entry = {
  preset: id,
  file,
  hash,
  runs: lines.filter((l) => l.includes('"type":"run"')).length,
  columns: lines.filter((l) => l.includes('"type":"column"')).length,
  command: command.join(' '),
  made: new Date().toISOString().slice(0, 10),
};
const at = index.findIndex((e) => e.preset === id);
if (at >= 0) index[at] = entry;
else index.push(entry);
fs.writeFileSync(indexFile, `${JSON.stringify(index, null, 2)}\n`);
console.error(
  `buildPrecomputed: ${file}: ${entry.runs} runs, ${entry.columns} columns in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
