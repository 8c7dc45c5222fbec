/**
 * Build the precomputed results the app shows before anything is computed (the first screen's
 * quick demo): runs the CLI on a preset's settings and writes `public/precomputed/<id>.jsonl`
 * plus `public/precomputed/index.json`, which records the settings each file was made with so
 * that a test notices when the preset changes and the file goes stale.
 *
 * Usage: `tsx scripts/buildPrecomputed.ts [--preset quick]...` (default: quick). Minutes per
 * preset on one CPU core; the quick demo's file is about 40 kB.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cloneDefaults, formatField, sameValue } from '../src/core/settings/codec';
import { SCHEMA, type Settings } from '../src/core/settings/schema';
import { encodeSettings } from '../src/core/settings/url';
import { presetById } from '../src/app/presets';
import { runSettingsText } from '../src/app/sweep/resultsKey';
import type { PrecomputedEntry } from '../src/app/precomputed';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'public', 'precomputed');
const indexFile = path.join(outDir, 'index.json');

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

const ids: string[] = [];
process.argv.forEach((a, i) => {
  if (a === '--preset') ids.push(process.argv[i + 1] ?? '');
});
if (ids.length === 0) ids.push('quick');

fs.mkdirSync(outDir, { recursive: true });
const index: PrecomputedEntry[] = fs.existsSync(indexFile)
  ? (JSON.parse(fs.readFileSync(indexFile, 'utf8')) as PrecomputedEntry[])
  : [];
for (const id of ids) {
  const preset = presetById(id);
  if (!preset) {
    console.error(`buildPrecomputed: no preset "${id}"`);
    process.exit(2);
  }
  const file = `${id}.jsonl`;
  const flags = flagsFor(preset.settings);
  const command = [
    'npm',
    'run',
    '-s',
    'sweep',
    '--',
    '--quiet',
    '--out',
    `public/precomputed/${file}`,
    ...flags,
  ];
  console.error(`buildPrecomputed: ${command.join(' ')}`);
  const started = Date.now();
  const res = spawnSync(command[0]!, command.slice(1), { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`buildPrecomputed: the sweep for "${id}" failed (exit ${res.status})`);
    process.exit(1);
  }
  const lines = fs.readFileSync(path.join(outDir, file), 'utf8').split('\n').filter(Boolean);
  const entry: PrecomputedEntry = {
    preset: id,
    file,
    hash: encodeSettings(preset.settings),
    runSettings: runSettingsText(preset.settings, 'builtin'),
    runs: lines.filter((l) => l.includes('"type":"run"')).length,
    columns: lines.filter((l) => l.includes('"type":"column"')).length,
    command: command.join(' '),
    made: new Date().toISOString().slice(0, 10),
  };
  const at = index.findIndex((e) => e.preset === id);
  if (at >= 0) index[at] = entry;
  else index.push(entry);
  console.error(
    `buildPrecomputed: ${file}: ${entry.runs} runs, ${entry.columns} columns in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}
fs.writeFileSync(indexFile, `${JSON.stringify(index, null, 2)}\n`);
