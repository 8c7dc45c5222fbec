/**
 * `npm run validate`: reproduces the paper's facts at this machine's scale and writes
 * docs/VALIDATION.md. Hours at full size, not part of the tests.
 *
 *   npm run validate -- [--widths 32,64,128,256] [--seeds 0,1,2,3,4] [--data-seeds 0]
 *                       [--order-width 64] [--order-seeds 1,2] [--wide 512] [--wide-seeds 0]
 *                       [--xent-width 64] [--collapse 4:64] [--zero] [--saturation-k 100]
 *                       [--skip uv,collapse,xent,order] [--probe 512] [--late-widths 128]
 *                       [--resume EARLIER.jsonl]
 *                       [--measure-size 256] [--train-size 10000] [--data-dir DIR]
 *                       [--records FILE.jsonl] [--quick] [--out docs/VALIDATION.md]
 *   npm run validate -- --render FILE.jsonl [--out docs/VALIDATION.md]
 *
 * Every record (runs with their interpolation curves, saturation λ_τ and Lanczos diagnostics,
 * columns, the time of each sweep) goes to the records file as it finishes, and the report is
 * rewritten from that file after every sweep: a run stopped part-way still leaves a report of
 * what finished, marked as partial, and `--render` rebuilds the report from the file alone.
 *
 * Sections, in the order they run (cheapest first, so the report fills early):
 *   uv      the uv model (instant);
 *   main    d = 8, CIFAR-10, every width × init seed × data seed, bisection on a 0.1 log2 lattice;
 *   pairs   the extra run at c = 8 per column (c = 1 is the bisection's first run): catapult
 *           height and sharpness reduction;
 *   order   more SGD-order (data) seeds at one width, for the (I, J) spread;
 *   collapse d/w collapse: another depth at the same d/w as one of the main columns;
 *   xent    cross-entropy at one width;
 *   zero    zero readout (L_0 = 0.05, c_loss = 2), with --zero;
 *   wide    the widest width (512) with its own seeds, last: it costs the most;
 *   probe   one run (c = 8) at a width whose columns cost too much, to measure that cost.
 * `--render` takes several records files separated by commas (e.g. from two processes that
 * split the sections with --skip).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initNodeBackend } from '../src/node/backend';
import { loadSweepData } from '../src/node/loadData';
import type { PreparedData } from '../src/core/data/types';
import { cloneDefaults } from '../src/core/settings/codec';
import { flagHelp, parseArgv, switchFlag, textFlag, type FlagSpec } from '../src/cli/argv';
import type { Settings } from '../src/core/settings/schema';
import { runSweep } from '../src/core/sweep/runSweep';
import { withOrderSeed, type ColumnRecord, type RunRecord } from '../src/core/sweep/records';
import { createFcnColumn } from '../src/core/train/fcnColumn';
import { renderReport, type SectionId, type ValidationLine } from './validateReport';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Non-negative integers separated by commas (`4:64` is also read as 4,64 for --collapse). */
function intsFlag(flag: string, arg: string, help: string): FlagSpec<number[]> {
  return {
    flag,
    arg,
    help,
    parse: (text) => {
      const out = text
        .replace(':', ',')
        .split(',')
        .map((t) => Number(t.trim()));
      return out.length > 0 && out.every((v) => Number.isInteger(v) && v >= 0)
        ? { ok: true, value: out }
        : { ok: false, error: `expected non-negative integers separated by commas, got "${text}"` };
    },
  };
}
/** A number ≥ 0. */
function numFlag(flag: string, arg: string, help: string): FlagSpec<number> {
  return {
    flag,
    arg,
    help,
    parse: (text) => {
      const v = Number(text);
      return text.trim() !== '' && Number.isFinite(v) && v >= 0
        ? { ok: true, value: v }
        : { ok: false, error: `expected a number ≥ 0, got "${text}"` };
    },
  };
}

/** The flags, through the project's one flag parser (src/cli/argv.ts). */
const FLAGS = {
  widths: intsFlag('widths', 'W,…', 'Widths at d = 8 (default 32,64,128,256; 16 with --quick).'),
  seeds: intsFlag('seeds', 'S,…', 'Init seeds I (default 0,1,2,3,4; 0,1 with --quick).'),
  dataSeeds: intsFlag('data-seeds', 'J,…', 'SGD-order seeds J of the main section (default 0).'),
  orderWidth: numFlag('order-width', 'W', 'Width of the extra SGD-order seeds (default 64).'),
  orderSeeds: intsFlag(
    'order-seeds',
    'J,…',
    'Extra SGD-order seeds at --order-width (default 1,2).',
  ),
  wide: textFlag(
    'wide',
    'W,…|none',
    'The widest widths, run last (default 512).',
    'widths or none',
  ),
  wideSeeds: intsFlag('wide-seeds', 'S,…', 'Seeds of the widest widths (default 0).'),
  xentWidth: numFlag('xent-width', 'W', 'Width of the cross-entropy column (default 64).'),
  collapse: intsFlag(
    'collapse',
    'D:W',
    'The d/w collapse check: another depth and width (default 4:64).',
  ),
  zero: switchFlag('zero', 'Also run the zero-readout section.'),
  skip: textFlag(
    'skip',
    'SECTION,…',
    'Sections to leave out: uv, collapse, xent, order, main, wide.',
    'section names',
  ),
  lateWidths: intsFlag(
    'late-widths',
    'W,…',
    'Main-section widths to run after collapse, cross-entropy and order seeds.',
  ),
  resume: textFlag(
    'resume',
    'FILE.jsonl',
    'Records of an earlier (stopped) run: their runs are not recomputed.',
    'a file name',
  ),
  probe: numFlag('probe', 'W', 'Time one run (c = 8) at this width, whose columns cost too much.'),
  saturationK: numFlag('saturation-k', 'K', 'K of the saturation step τ = K/c (default 100).'),
  measureSize: numFlag('measure-size', 'M', 'Measurement set M (default 256; 128 with --quick).'),
  trainSize: numFlag('train-size', 'N', 'Training examples N (default 10000; 2048 with --quick).'),
  dataDir: textFlag(
    'data-dir',
    'DIR',
    'The folder holding cifar10/cifar-10-batches-bin (default $PHASE_DATA_DIR).',
    'a folder',
  ),
  records: textFlag(
    'records',
    'FILE.jsonl',
    'Where every record goes (default tmp/validate-<time>.jsonl).',
    'a file name',
  ),
  render: textFlag(
    'render',
    'FILE.jsonl,…',
    'Only rebuild the report from records files.',
    'file names',
  ),
  quick: switchFlag('quick', 'Fewer widths and seeds, smaller N and M: minutes instead of hours.'),
  out: textFlag(
    'out',
    'FILE',
    'Where the report goes (default docs/VALIDATION.md).',
    'a file name',
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
const outFile = path.resolve(repoRoot, given.out ?? 'docs/VALIDATION.md');

async function renderOnly(files: string): Promise<void> {
  const names = files.split(',');
  const lines = mergeRecords(names.map(readRecords));
  writeReport(lines, names.map((f) => path.relative(repoRoot, path.resolve(f))).join(', '));
  await Promise.resolve();
}

/**
 * Records of several processes as one run: one header whose plan is the union of theirs (the
 * first one's settings), every record, and `done` only when each process finished, with the
 * longest time (they ran side by side).
 */
function mergeRecords(parts: ValidationLine[][]): ValidationLine[] {
  if (parts.length === 1) return parts[0]!;
  const headers = parts.map((p) => p.find((l) => l.type === 'header'));
  const first = headers[0];
  if (!first || first.type !== 'header') throw new Error('the first records file has no header');
  const union = (xs: number[][]) => [...new Set(xs.flat())];
  const hs = headers.filter(
    (h): h is Extract<ValidationLine, { type: 'header' }> => h?.type === 'header',
  );
  const ranBy = (section: string) => hs.find((h) => !h.plan.skip.includes(section)) ?? first;
  const header = {
    ...first,
    command: hs
      .map((h) => `\`${h.command}\``)
      .join(' and, side by side, ')
      .replace(/^`|`$/g, ''),
    plan: {
      ...first.plan,
      widths: union(hs.map((h) => h.plan.widths)),
      wide: union(hs.map((h) => h.plan.wide)),
      skip: hs.map((h) => h.plan.skip).reduce((a, b) => a.filter((x) => b.includes(x))),
      // A section's own settings come from the process that ran it.
      collapse: ranBy('collapse').plan.collapse,
      xentWidth: ranBy('xent').plan.xentWidth,
      orderWidth: ranBy('order').plan.orderWidth,
      orderSeeds: ranBy('order').plan.orderSeeds,
      probe: hs.map((h) => h.plan.probe).find((x) => x !== null) ?? null,
    },
  };
  const dones = parts.map((p) => p.find((l) => l.type === 'done'));
  const rest = parts.flat().filter((l) => l.type !== 'header' && l.type !== 'done');
  const out: ValidationLine[] = [header, ...rest];
  if (dones.every((d) => d !== undefined))
    out.push({
      type: 'done',
      seconds: Math.max(...dones.map((d) => (d as { seconds: number }).seconds)),
    });
  return out;
}

function readRecords(file: string): ValidationLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l, i) => {
      let line: ValidationLine;
      try {
        line = JSON.parse(l) as ValidationLine;
      } catch {
        throw new Error(`${file}:${i + 1}: not JSON`);
      }
      // Records from before order seeds lack J: it is the data seed their line names.
      if ((line.type === 'run' || line.type === 'column') && line.record.orderSeed === undefined)
        line.record = withOrderSeed(line.record, line.dataSeed);
      return line;
    });
}

function writeReport(lines: readonly ValidationLine[], recordsName: string): void {
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, renderReport(lines, { recordsFile: recordsName }));
}

async function main(): Promise<void> {
  const render = given.render;
  if (render !== undefined) return renderOnly(render);

  const widths = given.widths ?? (quick ? [16] : [32, 64, 128, 256]);
  const seeds = given.seeds ?? (quick ? [0, 1] : [0, 1, 2, 3, 4]);
  const dataSeeds = given.dataSeeds ?? [0];
  const orderWidth = given.orderWidth ?? (quick ? 16 : 64);
  const orderSeeds = given.orderSeeds ?? (quick ? [1] : [1, 2]);
  const wideText = given.wide ?? (quick ? '32' : '512');
  const wideParsed = wideText === 'none' ? null : FLAGS.widths.parse(wideText);
  if (wideParsed !== null && !wideParsed.ok) throw new Error(`--wide: ${wideParsed.error}`);
  const wide = wideParsed === null ? [] : wideParsed.value;
  const wideSeeds = given.wideSeeds ?? [0];
  const xentWidth = given.xentWidth ?? (quick ? 16 : 64);
  const [collapseDepth, collapseWidth] = given.collapse ?? (quick ? [4, 8] : [4, 64]);
  const zero = given.zero ?? false;
  /** Sections to leave out, e.g. to split the work over two processes. */
  const skip = new Set((given.skip ?? '').split(',').filter((x) => x !== ''));
  /** Widths of the main section to run after collapse, cross-entropy and order seeds. */
  const lateWidths = given.lateWidths ?? [];
  /** Records of an earlier (stopped) run of the same settings: their runs are not recomputed. */
  const resume = given.resume;
  /** A width to time one run of (c = 8) when whole columns there cost too much. */
  const probe = given.probe ?? null;
  const saturationK = given.saturationK ?? 100;
  const measureSize = given.measureSize ?? (quick ? 128 : 256);
  const trainSize = given.trainSize ?? (quick ? 2048 : 10000);
  const dataDir = path.resolve(
    given.dataDir ?? process.env['PHASE_DATA_DIR'] ?? path.resolve(repoRoot, 'datasets'),
    'cifar10/cifar-10-batches-bin',
  );
  const recordsFile = path.resolve(
    repoRoot,
    given.records ?? path.join('tmp', `validate-${Date.now()}.jsonl`),
  );

  if (!existsSync(path.join(dataDir, 'data_batch_1.bin'))) {
    process.stderr.write(
      `validate: ${dataDir}/data_batch_1.bin not found (set --data-dir or PHASE_DATA_DIR to the folder holding cifar10/cifar-10-batches-bin)\n`,
    );
    process.exitCode = 1;
    return;
  }
  mkdirSync(path.dirname(recordsFile), { recursive: true });
  const earlier = resume !== undefined ? readRecords(resume) : [];
  writeFileSync(recordsFile, '');
  const lines: ValidationLine[] = [];
  const recordsName = path.relative(repoRoot, recordsFile);
  const emit = (l: ValidationLine): void => {
    lines.push(l);
    appendFileSync(recordsFile, `${JSON.stringify(l)}\n`);
  };

  const t0 = performance.now();
  const backend = await initNodeBackend('wasm');
  const base: Settings = {
    ...cloneDefaults(),
    dataset: 'cifar10',
    depths: [8],
    batch: 512,
    steps: 10,
    trainSize,
    measureSize,
    lanczosTol: 1e-3,
    lanczosMaxIters: 30,
    search: 'bisect',
    bisectResolution: 0.1,
    cGrid: { kind: 'log2', start: 0, stop: 5.5, step: 0.1 },
  };
  // The first N images of the training batches in batch order (the project's one dataset
  // resolver: the same data the CLI reads with these settings).
  const prepared = loadSweepData(base, { dataDir, repoRoot });
  if (!prepared.ok) throw new Error(prepared.error);
  if (prepared.value === null) throw new Error('validate: no data for cifar10');
  const cifar = prepared.value;
  const measures = { barrier: true, saturationK };
  emit({
    type: 'header',
    command: `npm run validate -- ${process.argv.slice(2).join(' ')}`.trim(),
    date: new Date().toISOString(),
    machine: `${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, tfjs backend ${backend}`,
    settings: {
      trainSize,
      measureSize,
      batch: base.batch,
      steps: base.steps,
      lanczosTol: base.lanczosTol,
      lanczosMaxIters: base.lanczosMaxIters,
      bisectResolution: base.bisectResolution,
      cStopLog2: 5.5,
      saturationK,
    },
    plan: {
      widths,
      seeds,
      dataSeeds,
      orderWidth,
      orderSeeds,
      wide,
      wideSeeds,
      xentWidth,
      collapse: [collapseDepth!, collapseWidth!],
      zero,
      skip: [...skip],
      probe,
    },
  });

  // The earlier run's records carry over; a column computed again replaces its earlier record.
  const resumed = earlier.filter(
    (l): l is Extract<ValidationLine, { type: 'run' }> => l.type === 'run',
  );
  for (const l of earlier)
    if (l.type === 'run' || l.type === 'column' || l.type === 'sweep') emit(l);
  /** Finished runs of the earlier records that a sweep of these settings can reuse. */
  const reusable = (s: Settings): RunRecord[] =>
    resumed
      .filter((l) => l.dataSeed === s.dataSeed && l.loss === s.loss && l.section !== 'uv')
      .map((l) => l.record)
      .filter(
        (r) => s.depths.includes(r.depth) && s.widths.includes(r.width) && s.seeds.includes(r.seed),
      );

  /** One sweep, its records tagged with the section and data seed; the report rewritten after. */
  async function sweep(
    section: SectionId,
    s: Settings,
    data: PreparedData | null,
    done: readonly RunRecord[] = [],
  ): Promise<{ runs: RunRecord[]; columns: ColumnRecord[] }> {
    const runs: RunRecord[] = [];
    const columns: ColumnRecord[] = [];
    const ts = performance.now();
    process.stderr.write(
      `validate: ${section} d=${s.depths.join(',')} w=${s.widths.join(',')} seeds ${s.seeds.join(',')} data seed ${s.dataSeed} (${((ts - t0) / 60000).toFixed(1)} min)\n`,
    );
    await runSweep(
      s,
      data,
      [...done, ...(data === null ? [] : reusable(s))],
      {
        now: () => performance.now(),
        onRun: (r) => {
          runs.push(r);
          emit({ type: 'run', section, dataSeed: s.dataSeed, loss: s.loss, record: r });
          process.stderr.write(
            `  d=${r.depth} w=${r.width} s=${r.seed}/${s.dataSeed} c=${r.c.toFixed(3)} ${r.regime} (${r.seconds.toFixed(1)} s)\n`,
          );
        },
        onColumn: (c) => {
          columns.push(c);
          emit({ type: 'column', section, dataSeed: s.dataSeed, loss: s.loss, record: c });
        },
      },
      (o) => createFcnColumn({ ...o, measures }),
    );
    emit({
      type: 'sweep',
      section,
      dataSeed: s.dataSeed,
      loss: s.loss,
      depths: s.depths,
      widths: s.widths,
      seeds: s.seeds,
      runs: runs.length,
      seconds: (performance.now() - ts) / 1000,
    });
    writeReport(lines, recordsName);
    return { runs, columns };
  }

  // uv: instant, exact.
  if (!skip.has('uv'))
    await sweep(
      'uv',
      {
        ...cloneDefaults(),
        model: 'uv',
        dataset: 'uv',
        widths: [256, 1024, 4096],
        seeds: [0, 1, 2, 3, 4],
        cGrid: { kind: 'log2', start: 0, stop: 3, step: 0.05 },
      },
      null,
    );

  /** d = 8 columns of one width: bisection, then the run at c = 8 (c = 1 is reused). */
  async function mainWidth(width: number, ss: number[], dataSeed: number, section: SectionId) {
    const bis = await sweep(section, { ...base, widths: [width], seeds: ss, dataSeed }, cifar);
    await sweep(
      'pairs',
      {
        ...base,
        widths: [width],
        seeds: ss,
        dataSeed,
        search: 'grid',
        cGrid: { kind: 'list', values: [1, 8] },
      },
      cifar,
      bis.runs,
    );
  }

  for (const width of widths) for (const j of dataSeeds) await mainWidth(width, seeds, j, 'main');
  if (!skip.has('collapse'))
    await sweep(
      'collapse',
      { ...base, depths: [collapseDepth!], widths: [collapseWidth!], seeds },
      cifar,
    );
  if (!skip.has('xent'))
    await sweep('xent', { ...base, loss: 'xent', widths: [xentWidth], seeds }, cifar);
  if (!skip.has('order'))
    for (const j of orderSeeds) await mainWidth(orderWidth, seeds, j, 'order');
  for (const width of lateWidths)
    for (const j of dataSeeds) await mainWidth(width, seeds, j, 'main');
  if (probe !== null)
    await sweep(
      'probe',
      {
        ...base,
        widths: [probe],
        seeds: [0],
        search: 'grid',
        cGrid: { kind: 'list', values: [8] },
      },
      cifar,
    );
  if (zero)
    await sweep(
      'zero',
      {
        ...base,
        readout: 'zero',
        depths: [4, 8],
        widths: [64, Math.max(...widths)],
        seeds: [0],
        sharpEpsilon: 0.05,
        search: 'grid',
        cGrid: { kind: 'log2', start: 0.5, stop: 1.6, step: 0.1 },
      },
      cifar,
    );
  for (const width of wide) for (const seed of wideSeeds) await mainWidth(width, [seed], 0, 'wide');

  emit({ type: 'done', seconds: (performance.now() - t0) / 1000 });
  writeReport(lines, recordsName);
  process.stderr.write(
    `validate: wrote ${path.relative(repoRoot, outFile)} and ${recordsName} in ${((performance.now() - t0) / 60000).toFixed(1)} min\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`validate: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
