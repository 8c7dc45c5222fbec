/**
 * `npm run validate:cnn`: the Myrtle CNN part of docs/VALIDATION.md at CPU-feasible sizes:
 * c_loss, c_sharp and c_max against d/w for Myrtle-5 on synthetic 8×8 images, mean and spread
 * over seeds, with the time it took. It replaces (or appends) its own section of --out, so the
 * main `npm run validate` report and this one can be refreshed separately.
 *
 *   npm run validate:cnn -- [--widths 4,8,16] [--seeds 0,1,2] [--measure-size 32]
 *                           [--train-size 256] [--out docs/VALIDATION.md]
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initNodeBackend } from '../src/node/backend';
import type { PreparedData } from '../src/core/data/types';
import { conflicts, conflictWords, nameByFlag } from '../src/core/settings/checks';
import { capabilitiesOf, type BackendCapabilities } from '../src/core/tf/capabilities';
import { cloneDefaults } from '../src/core/settings/codec';
import { flagHelp, parseArgv, settingFlag, switchFlag, textFlag } from '../src/cli/argv';
import type { Settings } from '../src/core/settings/schema';
import { runSweep } from '../src/core/sweep/runSweep';
import { prepareData } from '../src/core/data/prepare';
import { syntheticDataset } from '../src/core/data/synthetic';
import type { ColumnRecord, RunRecord } from '../src/core/sweep/records';
import {
  formatCritical,
  spread,
  summarizeCritical,
  type CriticalKind,
  type Spread,
} from '../src/core/phase/summary';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const FLAGS = {
  widths: settingFlag('widths', { help: 'Myrtle-5 widths (default 4,8,16).' }),
  seeds: settingFlag('seeds', { help: 'Init seeds (default 0,1,2).' }),
  measureSize: settingFlag('measureSize', { help: 'Measurement set M (default 32).' }),
  trainSize: settingFlag('trainSize', { help: 'Training examples N (default 256).' }),
  out: textFlag(
    'out',
    'FILE',
    'The report whose CNN section is replaced (default docs/VALIDATION.md).',
    'a file name',
  ),
  help: switchFlag('help', 'Show this help.'),
};

const flags = parseArgv(process.argv.slice(2), FLAGS);
if (!flags.ok) {
  process.stderr.write(`validate:cnn: ${flags.error}\n`);
  process.exit(2);
}
const given = flags.values;
if (given.help) {
  process.stderr.write(`Usage: npm run validate:cnn -- [flags]\n\n${flagHelp(FLAGS).join('\n')}\n`);
  process.exit(0);
}
const outFile = path.resolve(repoRoot, given.out ?? 'docs/VALIDATION.md');

const fmt = (v: number | null | undefined, digits = 2) =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
const fmtSpread = (s: Spread, digits = 2) =>
  s.mean === null ? '—' : `${fmt(s.mean, digits)} ± ${fmt(s.std, digits)} (n=${s.n})`;
const fmtCritical = (columns: readonly ColumnRecord[], k: CriticalKind) => {
  const c = summarizeCritical(columns, k);
  const text = formatCritical(c, (v) => fmt(v, 2));
  return c.seen.n > 0 && c.censored + c.unknown === 0 ? `${text} (n=${c.seen.n})` : text;
};

async function sweep(s: Settings, data: PreparedData | null, capabilities: BackendCapabilities) {
  const runs: RunRecord[] = [];
  const columns: ColumnRecord[] = [];
  await runSweep(s, data, [], {
    now: () => performance.now(),
    capabilities,
    onRun: (r) => {
      runs.push(r);
      process.stderr.write(
        `  d=${r.depth} w=${r.width} s=${r.seed} c=${r.c.toFixed(3)} ${r.regime} (${r.seconds.toFixed(1)} s)\n`,
      );
    },
    onColumn: (c) => columns.push(c),
  });
  return { runs, columns };
}

/** The heading of the CNN section, which this script replaces (to the next `## ` heading) or appends. */
const CNN_HEADING = '## Myrtle CNN: c_loss against d/w';

/**
 * The CNN part: Myrtle-5 (SP, random readout, MSE) at several widths and seeds on
 * synthetic 8×8 images, so it runs on a CPU in minutes; c_loss, c_sharp and c_max per width as
 * mean ± spread over seeds, and the time it took. Writes its section into `outFile`.
 */
async function cnnValidation(): Promise<void> {
  const cnnWidths = given.widths ?? [4, 8, 16];
  const cnnSeeds = given.seeds ?? [0, 1, 2];
  const n = given.trainSize ?? 256;
  const m = given.measureSize ?? 32;
  const backend = await initNodeBackend('wasm');
  const capabilities = capabilitiesOf(backend);
  const prepared = prepareData(syntheticDataset({ count: n, seed: 0 }), n);
  if (!prepared.ok) throw new Error(prepared.error);
  const s: Settings = {
    ...cloneDefaults(),
    dataset: 'synthetic',
    model: 'myrtle',
    depths: [5],
    widths: cnnWidths,
    seeds: cnnSeeds,
    trainSize: n,
    batch: Math.min(32, n),
    measureSize: m,
    steps: 10,
    cGrid: { kind: 'log2', start: 0, stop: 4, step: 0.5 },
  };
  const bad = conflicts(s);
  if (bad.length > 0) throw new Error(bad.map((c) => conflictWords(c, nameByFlag)).join('; '));
  const t0 = performance.now();
  const { runs, columns } = await sweep(s, prepared.value, capabilities);
  const seconds = (performance.now() - t0) / 1000;
  const lines = [
    CNN_HEADING,
    '',
    `Myrtle-5 (SP, random readout, MSE, no biases) on synthetic 8×8×1 images (Gaussian clusters, 10 classes), N = ${n}, B = ${s.batch}, M = ${m}, T = 10, c = 2^x for x = 0, 0.5, …, 4 (each column stops at its first divergence), seeds ${cnnSeeds.join(', ')}; wasm, ${os.cpus().length} CPU cores shared with other work. ${runs.length} runs in ${(seconds / 60).toFixed(1)} min.`,
    '',
    '| w | d/w | λ₀ | c_loss | c_sharp | c_max |',
    '|---|---|---|---|---|---|',
  ];
  for (const w of cnnWidths) {
    const cols = columns.filter((c) => c.width === w);
    lines.push(
      `| ${w} | ${fmt(5 / w, 3)} | ${fmtSpread(spread(cols.map((c) => c.lambda0)))} | ${fmtCritical(cols, 'c_loss')} | ${fmtCritical(cols, 'c_sharp')} | ${fmtCritical(cols, 'c_max')} |`,
    );
  }
  lines.push(
    '',
    `Reproduce: \`npm run validate:cnn -- --widths ${cnnWidths.join(',')} --seeds ${cnnSeeds.join(',')} --train-size ${n} --measure-size ${m}\`.`,
    '',
  );
  const section = lines.join('\n');
  const old = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
  const at = old.indexOf(CNN_HEADING);
  let text: string;
  if (at < 0) text = old.trim() === '' ? section : `${old.trimEnd()}\n\n${section}`;
  else {
    const next = old.indexOf('\n## ', at + CNN_HEADING.length);
    text = old.slice(0, at) + section + (next < 0 ? '' : old.slice(next + 1));
  }
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${text.trimEnd()}\n`);
  process.stderr.write(
    `validate:cnn: wrote the Myrtle section of ${path.relative(repoRoot, outFile)} (${runs.length} runs in ${(seconds / 60).toFixed(1)} min)\n`,
  );
}

cnnValidation().catch((e: unknown) => {
  process.stderr.write(`validate:cnn: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
