/**
 * `npm run validate:cnn`: the Myrtle CNN part of docs/VALIDATION.md at CPU-feasible sizes:
 * c_loss, c_sharp and c_max against d/w for Myrtle at several depths and widths, mean and spread
 * over seeds, with the time it took. Each column is bisected on the lattice c = 2^x,
 * x = 0, r, 2r, …, 7 (r = --resolution), so every column either brackets its critical values
 * or reports them censored (beyond 2^7). With --data-dir the images are the first N of real
 * CIFAR-10, average-pooled by --pool (4: 32×32×3 → 8×8×3, so a run costs seconds on a CPU);
 * without it, synthetic 8×8×1 images. It replaces (or appends) its own section of --out, so
 * the main `npm run validate` report and this one can be refreshed separately.
 *
 *   npm run validate:cnn -- [--depths 5] [--widths 4,8,16] [--seeds 0,1,2] [--train-size 256]
 *                           [--measure-size 64] [--data-dir DIR] [--pool 4] [--resolution 0.25]
 *                           [--records FILE.jsonl] [--from-records FILE.jsonl]
 *                           [--out docs/VALIDATION.md]
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initNodeBackend } from '../src/node/backend';
import { loadImages } from '../src/node/loadData';
import type { ImageDataset, PreparedData } from '../src/core/data/types';
import { conflicts, conflictWords, nameByFlag } from '../src/core/settings/checks';
import { capabilitiesOf, type BackendCapabilities } from '../src/core/tf/capabilities';
import { cloneDefaults } from '../src/core/settings/codec';
import {
  choiceFlag,
  flagHelp,
  parseArgv,
  settingFlag,
  switchFlag,
  textFlag,
} from '../src/cli/argv';
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
  depths: settingFlag('depths', { help: 'Myrtle depths, of 5, 7, 10 (default 5).' }),
  widths: settingFlag('widths', { help: 'Myrtle widths (default 4,8,16).' }),
  seeds: settingFlag('seeds', { help: 'Init seeds (default 0,1,2).' }),
  measureSize: settingFlag('measureSize', { help: 'Measurement set M (default 64).' }),
  trainSize: settingFlag('trainSize', { help: 'Training examples N (default 256).' }),
  resolution: settingFlag('bisectResolution', {
    flag: 'resolution',
    help: 'Lattice step r of the bisection in log2 c (default 0.25).',
  }),
  dataDir: textFlag(
    'data-dir',
    'DIR',
    'A folder holding CIFAR-10 (cifar-10-batches-bin, or its .bin batches); default $PHASE_DATA_DIR, else synthetic 8×8×1 images.',
    'a folder',
  ),
  pool: choiceFlag(
    'pool',
    ['1', '2', '4'],
    'Average-pool CIFAR-10 images by this factor (default 4: 32×32 → 8×8).',
  ),
  fromRecords: textFlag(
    'from-records',
    'FILE.jsonl',
    'Write the section from the records of an earlier run (same flags) instead of running it.',
    'a file name',
  ),
  records: textFlag(
    'records',
    'FILE.jsonl',
    'Where every run and column record goes (default tmp/validate-cnn-<time>.jsonl).',
    'a file name',
  ),
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

async function sweep(
  s: Settings,
  data: PreparedData,
  capabilities: BackendCapabilities,
  recordsFile: string,
) {
  const runs: RunRecord[] = [];
  const columns: ColumnRecord[] = [];
  await runSweep(s, data, [], {
    now: () => performance.now(),
    capabilities,
    onRun: (r) => {
      runs.push(r);
      appendFileSync(recordsFile, `${JSON.stringify(r)}\n`);
      process.stderr.write(
        `  d=${r.depth} w=${r.width} s=${r.seed} c=2^${Math.log2(r.c).toFixed(2)} ${r.regime} (${r.seconds.toFixed(1)} s)\n`,
      );
    },
    onColumn: (c) => {
      columns.push(c);
      appendFileSync(recordsFile, `${JSON.stringify(c)}\n`);
    },
  });
  return { runs, columns };
}

/**
 * Average-pool every image of `ds` by `factor` in both directions (channels kept), rounding to
 * the nearest byte: real images at a size whose runs a CPU can afford. Height and width must be
 * multiples of `factor`.
 */
function poolImages(ds: ImageDataset, factor: number): ImageDataset {
  if (factor === 1) return ds;
  const { height: h, width: w, channels: ch, count } = ds;
  if (h % factor !== 0 || w % factor !== 0) {
    throw new Error(`--pool ${factor} does not divide the ${h}×${w} images`);
  }
  const ph = h / factor;
  const pw = w / factor;
  const out = new Uint8Array(count * ph * pw * ch);
  const area = factor * factor;
  for (let n = 0; n < count; n++) {
    const src = n * h * w * ch;
    const dst = n * ph * pw * ch;
    for (let i = 0; i < ph; i++) {
      for (let j = 0; j < pw; j++) {
        for (let k = 0; k < ch; k++) {
          let sum = 0;
          for (let a = 0; a < factor; a++) {
            for (let b = 0; b < factor; b++) {
              sum += ds.images[src + ((i * factor + a) * w + (j * factor + b)) * ch + k]!;
            }
          }
          out[dst + (i * pw + j) * ch + k] = Math.round(sum / area);
        }
      }
    }
  }
  return {
    ...ds,
    name: `${ds.name} (${factor}×${factor} average-pooled)`,
    images: out,
    height: ph,
    width: pw,
  };
}

/** The heading of the CNN section, which this script replaces (to the next `## ` heading) or appends. */
const CNN_HEADING = '## Myrtle CNN: c_loss against d/w';

/**
 * The CNN part: Myrtle (SP, random readout, MSE) at the given depths, widths and seeds, each
 * column bisected over c ∈ [1, 2^7]; c_loss, c_sharp and c_max per (depth, width) as mean ±
 * spread over seeds (censored seeds counted apart), and the time each cost. Writes its section
 * into `outFile`.
 */
async function cnnValidation(): Promise<void> {
  const depths = given.depths ?? [5];
  const widths = given.widths ?? [4, 8, 16];
  const seeds = given.seeds ?? [0, 1, 2];
  const n = given.trainSize ?? 256;
  const m = given.measureSize ?? 64;
  const resolution = given.resolution ?? 0.25;
  const pool = Number(given.pool ?? '4');
  const dataDir = given.dataDir ?? process.env['PHASE_DATA_DIR'] ?? null;
  const recordsFile = path.resolve(
    repoRoot,
    given.records ?? path.join('tmp', `validate-cnn-${Date.now()}.jsonl`),
  );
  const s: Settings = {
    ...cloneDefaults(),
    dataset: dataDir === null ? 'synthetic' : 'cifar10',
    model: 'myrtle',
    depths,
    widths,
    seeds,
    trainSize: n,
    batch: Math.min(32, n),
    measureSize: m,
    steps: 10,
    search: 'bisect',
    bisectResolution: resolution,
    cGrid: { kind: 'log2', start: 0, stop: 7, step: resolution },
    // c_loss, c_sharp and c_max come from the first T steps; the loss barrier and the
    // saturation step (which trains on to τ = 100/c) would only add cost here.
    barrier: false,
    saturationK: 0,
  };
  const bad = conflicts(s);
  if (bad.length > 0) throw new Error(bad.map((c) => conflictWords(c, nameByFlag)).join('; '));

  let images: ImageDataset;
  if (dataDir === null) images = syntheticDataset({ count: n, seed: 0 });
  else {
    const loaded = loadImages(
      { kind: 'files', dataset: 'cifar10', trainSize: n, key: `cifar10:${n}` },
      { dataDir, repoRoot },
    );
    if (!loaded.ok) throw new Error(loaded.error);
    images = poolImages(loaded.value, pool);
  }
  const prepared = prepareData(images, n);
  if (!prepared.ok) throw new Error(prepared.error);
  const [h, w, ch] = prepared.value.shape;
  const dataWords =
    dataDir === null
      ? `synthetic ${h}×${w}×${ch} images (Gaussian clusters, 10 classes)`
      : `the first N images of CIFAR-10's data_batch_1, average-pooled ${pool}×${pool} to ${h}×${w}×${ch}`;

  let runs: RunRecord[];
  let columns: ColumnRecord[];
  let seconds: number;
  if (given.fromRecords !== undefined) {
    // Records of an earlier run: the time is the sum of its runs' times (λ_0 and set-up excluded).
    const lines = readFileSync(path.resolve(repoRoot, given.fromRecords), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as RunRecord | ColumnRecord);
    runs = lines.filter((r): r is RunRecord => r.type === 'run');
    columns = lines.filter((r): r is ColumnRecord => r.type === 'column');
    seconds = runs.reduce((t, r) => t + r.seconds, 0);
  } else {
    const backend = await initNodeBackend('wasm');
    const capabilities = capabilitiesOf(backend);
    mkdirSync(path.dirname(recordsFile), { recursive: true });
    writeFileSync(recordsFile, '');
    const t0 = performance.now();
    ({ runs, columns } = await sweep(s, prepared.value, capabilities, recordsFile));
    seconds = (performance.now() - t0) / 1000;
  }
  const load = os.loadavg()[0] ?? 0;
  const lines = [
    CNN_HEADING,
    '',
    `Myrtle (SP, random readout, MSE, no biases) on ${dataWords}, N = ${n}, B = ${s.batch}, M = ${m}, T = 10, no loss barrier or saturation step. Each column is bisected on the lattice c = 2^x, x = 0, ${resolution}, …, 7 (\`--search bisect\`, resolution ${resolution}): c_max first, then c_loss and c_sharp below it, so a critical value is bracketed to one lattice step, or reported censored when it lies beyond 2^7. Seeds ${seeds.join(', ')}; wasm, ${os.cpus().length} CPU cores shared with other work (${given.fromRecords === undefined ? `load average ${load.toFixed(1)} at the end` : 'time from the records'}). ${runs.length} runs in ${(seconds / 60).toFixed(1)} min${given.fromRecords === undefined ? '' : ' of run time'}.`,
    '',
    '| d | w | d/w | λ₀ | c_loss | c_sharp | c_max | runs | min |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  const rows = depths
    .flatMap((d) => widths.map((wd) => ({ d, wd })))
    .sort((a, b) => a.d / a.wd - b.d / b.wd);
  for (const { d, wd } of rows) {
    const cols = columns.filter((c) => c.depth === d && c.width === wd);
    const rs = runs.filter((r) => r.depth === d && r.width === wd);
    const minutes = rs.reduce((t, r) => t + r.seconds, 0) / 60;
    lines.push(
      `| ${d} | ${wd} | ${fmt(d / wd, 3)} | ${fmtSpread(spread(cols.map((c) => c.lambda0)))} | ${fmtCritical(cols, 'c_loss')} | ${fmtCritical(cols, 'c_sharp')} | ${fmtCritical(cols, 'c_max')} | ${rs.length} | ${minutes.toFixed(1)} |`,
    );
  }
  const flagsText = [
    `--depths ${depths.join(',')}`,
    `--widths ${widths.join(',')}`,
    `--seeds ${seeds.join(',')}`,
    `--train-size ${n}`,
    `--measure-size ${m}`,
    `--resolution ${resolution}`,
    ...(dataDir === null ? [] : [`--data-dir DIR --pool ${pool}`]),
  ].join(' ');
  const bracketed = (k: CriticalKind) => {
    const c = summarizeCritical(columns, k);
    return `${k} in ${c.seen.n} of ${columns.length} columns (${c.unknown} not reached up to 2^7, ${c.censored} not before the column's first divergence)`;
  };
  lines.push(
    '',
    `Bracketed to one lattice step: ${bracketed('c_loss')}; ${bracketed('c_sharp')}; ${bracketed('c_max')}.`,
    '',
    `Rows are in increasing d/w. "min" is the minutes of that row's runs. Reproduce: \`npm run validate:cnn -- ${flagsText}\`${dataDir === null ? '' : ' (DIR holds cifar-10-batches-bin)'}.`,
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
    `validate:cnn: wrote the Myrtle section of ${path.relative(repoRoot, outFile)} (${runs.length} runs in ${(seconds / 60).toFixed(1)} min; ${given.fromRecords === undefined ? `records in ${path.relative(repoRoot, recordsFile)}` : `from ${given.fromRecords}`})\n`,
  );
}

cnnValidation().catch((e: unknown) => {
  process.stderr.write(`validate:cnn: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
