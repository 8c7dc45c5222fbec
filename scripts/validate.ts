/**
 * `npm run validate`: reproduces docs/PROTOCOL.md §5 at this machine's scale and writes
 * docs/VALIDATION.md. Minutes to an hour, not part of the tests.
 *
 *   npm run validate -- [--widths 64,128,256] [--seeds 0,1,2,3,4] [--wide-seeds 0]
 *                       [--measure-size 512]
 *                       [--train-size 10000] [--quick] [--out docs/VALIDATION.md] [--help]
 *                       [--data-dir DIR]   (default: $PHASE_DATA_DIR/cifar10)
 *   npm run validate -- --cnn [--widths 4,8,16] [--seeds 0,1,2] [--measure-size 32]
 *                       [--train-size 256]     (Myrtle-5 section only: `cnnValidation`)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initNodeBackend } from '../src/node/backend';
import { loadSweepData } from '../src/node/loadData';
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
/** The demo's single-seed results at d = 8 (docs/PROTOCOL.md §5 fact 4). */
const PAPER: Record<number, { lambda0: number; cLoss: number; cSharp: number; cMax: number }> = {
  256: { lambda0: 68, cLoss: 3.25, cSharp: 4.92, cMax: 13.9 },
  512: { lambda0: 101, cLoss: 3.03, cSharp: 4.29, cMax: 13.0 },
  1024: { lambda0: 202, cLoss: 2.64, cSharp: 4.0, cMax: 13.9 },
  2048: { lambda0: 348, cLoss: 2.46, cSharp: 3.25, cMax: 12.1 },
};
/** Fact 6: max L_t/L_0 at c = 8, d = 8. Fact 7: λ_10/λ_0 at c = 1, d = 8. */
const PAPER_CATAPULT: Record<number, number> = { 256: 5, 512: 8, 1024: 14, 2048: 22 };
const PAPER_SHARP_DROP: Record<number, number> = { 256: 0.75, 512: 0.75, 1024: 0.9, 2048: 0.9 };

const FLAGS = {
  widths: settingFlag('widths', { help: 'Widths at d = 8 (default 64,128,256; 64 with --quick).' }),
  seeds: settingFlag('seeds', { help: 'Init seeds (default 0,1,2,3,4; 0,1 with --quick).' }),
  wideSeeds: settingFlag('seeds', {
    flag: 'wide-seeds',
    help: 'Seeds for widths ≥ 256, whose columns cost the most (default: the same seeds).',
  }),
  measureSize: settingFlag('measureSize', {
    help: 'Measurement set M (default 512; 256 with --quick).',
  }),
  trainSize: settingFlag('trainSize', { help: 'Training examples N (default 10000).' }),
  quick: switchFlag('quick', 'Fewer widths and seeds, a smaller M: minutes instead of an hour.'),
  out: textFlag(
    'out',
    'FILE',
    'Where the report goes (default docs/VALIDATION.md).',
    'a file name',
  ),
  dataDir: textFlag(
    'data-dir',
    'DIR',
    'Folder with the CIFAR-10 batches (default: $PHASE_DATA_DIR/cifar10).',
    'a folder',
  ),
  cnn: switchFlag(
    'cnn',
    'Only the Myrtle CNN section: c_loss against d/w for Myrtle-5 on synthetic 8×8 images (widths default 4,8,16; seeds 0,1,2; N = 256, M = 32), replacing that section of --out.',
  ),
  help: switchFlag('help', 'Show this help.'),
};

const flags = parseArgv(process.argv.slice(2), FLAGS);
if (!flags.ok) {
  process.stderr.write(`validate: ${flags.error}\n`);
  process.exit(2);
}
const given = flags.values;
if (given.help) {
  process.stderr.write(`Usage: npm run validate -- [flags]\n\n${flagHelp(FLAGS).join('\n')}\n`);
  process.exit(0);
}
const quick = given.quick ?? false;
const widths = given.widths ?? (quick ? [64] : [64, 128, 256]);
const seeds = given.seeds ?? (quick ? [0, 1] : [0, 1, 2, 3, 4]);
/** Seeds for widths ≥ 256, whose columns cost the most (default: the same seeds). */
const wideSeeds = given.wideSeeds ?? seeds;
const seedsFor = (width: number) => (width >= 256 ? wideSeeds : seeds);
const measureSize = given.measureSize ?? (quick ? 256 : 512);
const trainSize = given.trainSize ?? 10000;
const outFile = path.resolve(repoRoot, given.out ?? 'docs/VALIDATION.md');
const depth = 8;
/** The CIFAR-10 batches: in --data-dir (or $PHASE_DATA_DIR/cifar10) or its cifar-10-batches-bin/. */
const DATA_DIR = path.resolve(
  given.dataDir ?? path.join(process.env['PHASE_DATA_DIR'] ?? '.', 'cifar10'),
);
const CIFAR = existsSync(path.join(DATA_DIR, 'data_batch_1.bin'))
  ? DATA_DIR
  : path.join(DATA_DIR, 'cifar-10-batches-bin');

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

async function main(): Promise<void> {
  if (!existsSync(path.join(CIFAR, 'data_batch_1.bin'))) {
    process.stderr.write(
      `validate: no data_batch_1.bin in ${DATA_DIR} or ${CIFAR}; pass --data-dir DIR or set PHASE_DATA_DIR\n`,
    );
    process.exitCode = 1;
    return;
  }
  const t0 = performance.now();
  const base: Settings = {
    ...cloneDefaults(),
    dataset: 'cifar10',
    depths: [depth],
    batch: 512,
    steps: 10,
    trainSize,
    measureSize,
    lanczosTol: 1e-3,
    lanczosMaxIters: 30,
  };
  // The same rules across settings as the sweep CLI (B and M within N), in its words.
  const conflict = conflicts(base)[0];
  if (conflict) {
    process.stderr.write(`validate: ${conflictWords(conflict, nameByFlag)}\n`);
    process.exitCode = 2;
    return;
  }

  // The first N images of the training batches in batch order: those of data_batch_1.
  const prepared = loadSweepData(base, { dataDir: CIFAR, repoRoot });
  if (!prepared.ok || prepared.value === null) {
    process.stderr.write(
      `validate: ${prepared.ok ? 'no data' : prepared.error} (${CIFAR} holds the CIFAR-10 batches)\n`,
    );
    process.exitCode = 1;
    return;
  }
  const cifar = prepared.value;
  const backend = await initNodeBackend('wasm');
  const capabilities = capabilitiesOf(backend);

  // Fact 4 and 5: critical values at d = 8 by bisection on a 0.1 log2 lattice.
  const fact4: { width: number; columns: ColumnRecord[]; seconds: number; runs: number }[] = [];
  // Facts 6 and 7: single runs at c = 1 and c = 8.
  const fact67: { width: number; runs: RunRecord[] }[] = [];
  for (const width of widths) {
    const tw = performance.now();
    process.stderr.write(`validate: d=${depth} w=${width}, seeds ${seedsFor(width).join(',')}\n`);
    const bis = await sweep(
      {
        ...base,
        widths: [width],
        seeds: seedsFor(width),
        search: 'bisect',
        bisectResolution: 0.1,
        cGrid: { kind: 'log2', start: 0, stop: 5.5, step: 0.1 },
      },
      cifar,
      capabilities,
    );
    fact4.push({
      width,
      columns: bis.columns,
      runs: bis.runs.length,
      seconds: (performance.now() - tw) / 1000,
    });
    const pair = await sweep(
      { ...base, widths: [width], seeds: seedsFor(width), cGrid: { kind: 'list', values: [1, 8] } },
      cifar,
      capabilities,
    );
    fact67.push({ width, runs: pair.runs });
  }

  // Fact 3: zero readout, c_loss = 2 at every depth and width.
  const zero = await sweep(
    {
      ...base,
      readout: 'zero',
      depths: [4, 8],
      widths: [64, Math.max(...widths)],
      seeds: [0],
      sharpEpsilon: 0.05,
      cGrid: { kind: 'log2', start: 0.5, stop: 1.6, step: 0.1 },
    },
    cifar,
    capabilities,
  );

  // Fact 2: the uv model.
  const uv = await sweep(
    {
      ...cloneDefaults(),
      model: 'uv',
      dataset: 'uv',
      widths: [256, 1024, 4096],
      seeds: [0, 1, 2, 3, 4],
      cGrid: { kind: 'log2', start: 0, stop: 3, step: 0.05 },
    },
    null,
    capabilities,
  );
  const totalSeconds = (performance.now() - t0) / 1000;

  const lines: string[] = [];
  const command = `npm run validate -- ${process.argv.slice(2).join(' ')}`.trim();
  lines.push('# Validation against the paper (docs/PROTOCOL.md §5)', '');
  lines.push(
    `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores, Node ${process.version}, tfjs backend ${backend}; ${(totalSeconds / 60).toFixed(1)} min in all.`,
    '',
  );
  lines.push(
    `Protocol: SP ReLU FCN, d = ${depth}, CIFAR-10 (first N = ${trainSize} images of data_batch_1, per-image standardised), MSE, SGD B = ${base.batch}, T = ${base.steps}, measurement set M = ${measureSize} (the paper: 4096), Lanczos tolerance ${base.lanczosTol}. Critical values by bisection on a 0.1 log2 lattice over c ∈ [1, 2^5.5 ≈ 45], so each is exact to one lattice step (×2^0.1 ≈ 7 %) if the events are monotone in c. Seeds ${seeds.join(', ')} (${wideSeeds.join(', ')} for w ≥ 256); mean ± sample sd over seeds. The paper's figures are single-seed (w ≥ 256).`,
    '',
  );
  lines.push('## Critical values at d = 8 (facts 4 and 5)', '');
  lines.push(
    '| w | d/w | λ₀ ours | λ₀ paper | c_loss ours | c_loss paper | c_sharp ours | c_sharp paper | c_max ours | c_max paper | runs | minutes |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const f of fact4) {
    const p = PAPER[f.width];
    // Censored seeds (event not seen before divergence) are counted with their bound, not dropped.
    const s = (k: CriticalKind) => fmtCritical(f.columns, k);
    lines.push(
      `| ${f.width} | ${fmt(depth / f.width, 4)} | ${fmtSpread(spread(f.columns.map((c) => c.lambda0)), 1)} | ${p ? p.lambda0 : '—'} | ${s('c_loss')} | ${p ? p.cLoss : '—'} | ${s('c_sharp')} | ${p ? p.cSharp : '—'} | ${s('c_max')} | ${p ? p.cMax : '—'} | ${f.runs} | ${(f.seconds / 60).toFixed(1)} |`,
    );
  }
  lines.push(
    '',
    'Per seed (L₀ is the initial loss on the measurement set; — means the event never happened before divergence: censored, above c_max):',
    '',
  );
  lines.push('| w | seed | L₀ | λ₀ | c_loss | c_sharp | c_max | c_loss ≤ c_sharp ≤ c_max |');
  lines.push('|---|---|---|---|---|---|---|---|');
  for (const f of fact4)
    for (const c of f.columns) {
      const order =
        (c.c_loss ?? Infinity) <= (c.c_sharp ?? Infinity) &&
        (c.c_sharp === null || c.c_max === null || c.c_sharp <= c.c_max);
      lines.push(
        `| ${f.width} | ${c.seed} | ${fmt(c.loss0, 3)} | ${fmt(c.lambda0, 1)} | ${fmt(c.c_loss)} | ${fmt(c.c_sharp)} | ${fmt(c.c_max)} | ${order ? 'yes' : 'no'} |`,
      );
    }
  lines.push('', '## Catapult height and sharpness reduction (facts 6 and 7)', '');
  lines.push(
    '| w | max L_t/L₀ at c = 8, ours | paper | λ₁₀/λ₀ at c = 1, ours | paper | loss monotone at c = 1 |',
  );
  lines.push('|---|---|---|---|---|---|');
  for (const f of fact67) {
    const at = (c: number) => f.runs.filter((r) => Math.abs(r.c - c) < 1e-9);
    const height = spread(at(8).map((r) => (r.diverged ? null : r.lossRatioMax)));
    const drop = spread(at(1).map((r) => r.sharpRatioFinal));
    const monotone = at(1).every((r) =>
      r.loss.every((l, i) => i === 0 || (l !== null && l <= (r.loss[i - 1] ?? Infinity))),
    );
    lines.push(
      `| ${f.width} | ${fmtSpread(height, 1)} | ${PAPER_CATAPULT[f.width] ?? '—'} | ${fmtSpread(drop, 2)} | ${PAPER_SHARP_DROP[f.width] ?? '—'} | ${monotone ? 'yes' : 'no'} |`,
    );
  }
  lines.push('', '## Zero readout (fact 3): L₀ = 0.05 and c_loss = 2', '');
  lines.push('| d | w | L₀ | c_loss (lattice 0.1 in log2 c) |');
  lines.push('|---|---|---|---|');
  for (const c of zero.columns)
    lines.push(`| ${c.depth} | ${c.width} | ${c.loss0.toFixed(7)} | ${fmt(c.c_loss, 3)} |`);
  lines.push('', '## uv model (fact 2): c_loss ≈ 2, c_max ≈ 4', '');
  lines.push('| w | seed | L₀ | c_loss | c_max |');
  lines.push('|---|---|---|---|---|');
  for (const c of uv.columns)
    lines.push(
      `| ${c.width} | ${c.seed} | ${c.loss0.toExponential(2)} | ${fmt(c.c_loss, 3)} | ${fmt(c.c_max, 3)} |`,
    );
  lines.push(
    '',
    'A seed whose initial output is nearly zero (L₀ ≲ 3·10⁻³) needs more than T = 10 steps to cross the absolute divergence threshold (loss > 10⁵) just above c = 4, so its c_max lands one lattice step high.',
    '',
  );
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${lines.join('\n')}\n`);
  process.stderr.write(
    `validate: wrote ${path.relative(repoRoot, outFile)} in ${(totalSeconds / 60).toFixed(1)} min\n`,
  );
}

/** The heading of the CNN section, which `--cnn` replaces (to the next `## ` heading) or appends. */
const CNN_HEADING = '## Myrtle CNN: c_loss against d/w';

/**
 * The CNN part (`--cnn`): Myrtle-5 (SP, random readout, MSE) at several widths and seeds on
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
    `Reproduce: \`npm run validate -- --cnn --widths ${cnnWidths.join(',')} --seeds ${cnnSeeds.join(',')} --train-size ${n} --measure-size ${m}\`.`,
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
    `validate --cnn: wrote the Myrtle section of ${path.relative(repoRoot, outFile)} (${runs.length} runs in ${(seconds / 60).toFixed(1)} min)\n`,
  );
}

(given.cnn ? cnnValidation() : main()).catch((e: unknown) => {
  process.stderr.write(`validate: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
