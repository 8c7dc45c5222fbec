/**
 * The report of `npm run validate` (docs/VALIDATION.md), rendered from the records file alone, so
 * that a partial run still reports what finished and a finished one can be re-rendered.
 */
import { fitLinear, inverseWidthPoints } from '../src/core/phase/fit';
import {
  COLUMN_CRITICALS,
  seedValue,
  spread,
  summarizeCritical,
  type ColumnCritical,
  type Spread,
} from '../src/core/phase/summary';
import type { ColumnRecord, RunRecord } from '../src/core/sweep/records';
import { hasBarrier } from '../src/core/train/barrier';

export type SectionId =
  'uv' | 'main' | 'pairs' | 'order' | 'collapse' | 'xent' | 'zero' | 'wide' | 'probe';

export interface ValidationHeader {
  type: 'header';
  command: string;
  date: string;
  machine: string;
  settings: {
    trainSize: number;
    measureSize: number;
    batch: number;
    steps: number;
    lanczosTol: number;
    lanczosMaxIters: number;
    bisectResolution: number;
    cStopLog2: number;
    saturationK: number;
  };
  plan: {
    widths: number[];
    seeds: number[];
    dataSeeds: number[];
    orderWidth: number;
    orderSeeds: number[];
    wide: number[];
    wideSeeds: number[];
    xentWidth: number;
    collapse: [number, number];
    zero: boolean;
    skip: string[];
    probe: number | null;
  };
}

interface Tagged {
  section: SectionId;
  /** The SGD-order seed J (the record's `seed` is the init seed I). */
  dataSeed: number;
  loss: 'mse' | 'xent';
}

export type ValidationLine =
  | ValidationHeader
  | (Tagged & { type: 'run'; record: RunRecord })
  | (Tagged & { type: 'column'; record: ColumnRecord })
  | (Tagged & {
      type: 'sweep';
      depths: number[];
      widths: number[];
      seeds: number[];
      runs: number;
      seconds: number;
    })
  | { type: 'done'; seconds: number };

type RunLine = Extract<ValidationLine, { type: 'run' }>;
type ColumnLine = Extract<ValidationLine, { type: 'column' }>;
type SweepLine = Extract<ValidationLine, { type: 'sweep' }>;

/** The demo's single-seed results at d = 8, CIFAR-10 (the paper's Table). */
const PAPER: Record<number, { lambda0: number; cLoss: number; cSharp: number; cMax: number }> = {
  256: { lambda0: 68, cLoss: 3.25, cSharp: 4.92, cMax: 13.9 },
  512: { lambda0: 101, cLoss: 3.03, cSharp: 4.29, cMax: 13.0 },
  1024: { lambda0: 202, cLoss: 2.64, cSharp: 4.0, cMax: 13.9 },
  2048: { lambda0: 348, cLoss: 2.46, cSharp: 3.25, cMax: 12.1 },
};
/** max L_t/L_0 at c = 8 and λ_10/λ_0 at c = 1, d = 8. */
const PAPER_CATAPULT: Record<number, number> = { 256: 5, 512: 8, 1024: 14, 2048: 22 };
const PAPER_SHARP_DROP: Record<number, number> = { 256: 0.75, 512: 0.75, 1024: 0.9, 2048: 0.9 };

const fmt = (v: number | null | undefined, digits = 2): string =>
  v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);

/** The mean ± sd of a core `spread` (docs/PROTOCOL.md §3: sample sd over the finite values). */
const fmtStats = (s: Spread, digits = 2): string =>
  s.mean === null ? '—' : `${fmt(s.mean, digits)} ± ${fmt(s.std, digits)}`;

type Critical = ColumnCritical;

/** One seed's critical value, by core's rules (`seedValue`: seen, censored above c_max, unknown). */
const valueOf = (c: ColumnRecord, k: Critical): number | null => {
  const v = seedValue(c, k);
  return v.kind === 'seen' ? v.c : null;
};

/**
 * A seed's value for ranking against the demo: censored values (and a c_max beyond the c range)
 * lie above every value seen; unknown c_loss, c_sharp or c_barrier are left out (null).
 */
const rankValue = (c: ColumnRecord, k: Critical): number | null => {
  const v = seedValue(c, k);
  if (v.kind === 'seen') return v.c;
  return v.kind === 'censored' || k === 'c_max' ? Infinity : null;
};

/**
 * "mean ± sd (n/N)" over the seeds that showed the event, and how many were censored (core's
 * `summarizeCritical`). c_max itself has no bound inside a column: a seed where nothing diverged
 * (core's `unknown`) is reported as above the c range.
 */
function fmtCensored(cols: readonly ColumnRecord[], k: Critical): string {
  const s = summarizeCritical(cols, k);
  const cens = k === 'c_max' ? s.unknown : s.censored;
  const bound = k === 'c_max' ? '> c range' : '> c_max';
  if (s.seen.n === 0) return cens > 0 ? `all ${cens} ${bound}` : '—';
  return `${fmtStats(s.seen)} (${s.seen.n}/${cols.length}${cens > 0 ? `, ${cens} ${bound}` : ''})`;
}

/** Spearman's rank correlation (ties get mean ranks). */
function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length < 3) return null;
  const rank = (v: readonly number[]) => {
    const idx = v.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < idx.length;) {
      let j = i;
      while (j + 1 < idx.length && idx[j + 1]![0] === idx[i]![0]) j++;
      for (let k = i; k <= j; k++) r[idx[k]![1]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const rx = rank(xs);
  const ry = rank(ys);
  // Pearson's r of the ranks: the sign of the least-squares slope times √R².
  const fit = fitLinear(rx.map((x, i) => ({ x, y: ry[i]! })));
  if (!fit || fit.r2 === null) return null;
  return Math.sign(fit.b) * Math.sqrt(Math.max(0, fit.r2));
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(a, b);
const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? null;
};

export interface ReportOptions {
  /** The records file's name, for the report to cite. */
  recordsFile: string;
}

/** The whole report, as Markdown. */
export function renderReport(lines: readonly ValidationLine[], opts: ReportOptions): string {
  const header = lines.find((l): l is ValidationHeader => l.type === 'header');
  if (!header) return '# Validation\n\nNo header in the records: nothing ran.\n';
  const done = lines.find((l) => l.type === 'done') as { seconds: number } | undefined;
  const runs = lines.filter((l): l is RunLine => l.type === 'run');
  // A column computed again (a resumed run) replaces its earlier record: the last one wins.
  const colByKey = new Map<string, ColumnLine>();
  for (const l of lines)
    if (l.type === 'column')
      colByKey.set(
        `${l.section}/${l.loss}/${l.record.depth}/${l.record.width}/${l.record.seed}/${l.dataSeed}`,
        l,
      );
  const cols = [...colByKey.values()];
  const sweeps = lines.filter((l): l is SweepLine => l.type === 'sweep');
  const st = header.settings;
  const elapsed = sweeps.reduce((a, s) => a + s.seconds, 0);
  const out: string[] = [];
  const p = (...xs: string[]) => out.push(...xs);

  p('# Validation against the paper', '');
  p(
    `Produced by \`${header.command}\`, started ${header.date.slice(0, 16).replace('T', ' ')} UTC on ${header.machine}. ` +
      (done
        ? `Finished in ${(done.seconds / 60).toFixed(1)} min (${(done.seconds / 3600).toFixed(2)} h).`
        : `**Partial**: the run had not finished when this was written; its sweeps so far took ${(elapsed / 60).toFixed(1)} min. Only what finished is reported.`) +
      ` Every record is in \`${opts.recordsFile}\` (JSON Lines; \`npm run validate -- --render FILE\` rebuilds this report from it).`,
    '',
  );
  p(
    `Protocol: SP ReLU FCN, CIFAR-10 (first N = ${st.trainSize} images of data_batch_1, each standardised on its own), MSE unless marked, SGD B = ${st.batch}, T = ${st.steps}, measurement set M = ${st.measureSize} (the paper: 4096), Lanczos tolerance ${st.lanczosTol} (relative residual), at most ${st.lanczosMaxIters} HVPs per estimate. Critical values by bisection on a ${st.bisectResolution} log2 lattice over c ∈ [1, 2^${st.cStopLog2}], each exact to one lattice step (×2^${st.bisectResolution}) if its event is monotone in c. Seeds: I = init seed, J = SGD-order (data) seed; each (I, J) is a column with its own θ_0 and batches, and means are over all (I, J). A critical value whose event never happened before the column's first divergence is **censored** (> c_max): the mean is over the seeds that showed it, written (seen/all, k > c_max). c_barrier is the smallest trainable c whose loss along θ(τ) = (1 − τ)θ_0 + τθ_T (τ = 0, 0.01, …, 1, on the measurement set) rises above L_0; when no trainable c shows a barrier the demo sets c_barrier = c_max, which is counted here as censored. Saturation: λ at step τ = round(K/c), K = ${st.saturationK}.`,
    '',
  );

  // ---- d = 8 critical values
  const d8 = cols.filter(
    (c) => (c.section === 'main' || c.section === 'wide') && c.record.depth === 8,
  );
  const widthsSeen = [...new Set(d8.map((c) => c.record.width))].sort((a, b) => a - b);
  p('## Critical values at d = 8 (mean ± sd over seed pairs)', '');
  p(
    '| w | d/w | columns (I×J) | L₀ | λ₀ ours | λ₀ demo | c_loss ours | demo | c_sharp ours | demo | c_barrier ours | c_max ours | demo | runs | run minutes |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  );
  for (const w of widthsSeen) {
    const g = d8.filter((c) => c.record.width === w).map((c) => c.record);
    const demo = PAPER[w];
    const nRuns = runs.filter(
      (r) =>
        (r.section === 'main' || r.section === 'wide' || r.section === 'pairs') &&
        r.record.depth === 8 &&
        r.record.width === w &&
        r.loss === 'mse',
    ).length;
    // Time in the runs themselves (not the λ₀ of each column), so resumed runs count too.
    const minutes =
      runs
        .filter(
          (r) =>
            (r.section === 'main' || r.section === 'wide' || r.section === 'pairs') &&
            r.record.depth === 8 &&
            r.record.width === w &&
            r.loss === 'mse',
        )
        .reduce((a, r) => a + r.record.seconds, 0) / 60;
    p(
      `| ${w} | ${fmt(8 / w, 4)} | ${g.length} | ${fmtStats(spread(g.map((c) => c.loss0)), 3)} | ${fmtStats(spread(g.map((c) => c.lambda0)), 1)} | ${demo?.lambda0 ?? '—'} | ${fmtCensored(g, 'c_loss')} | ${demo?.cLoss ?? '—'} | ${fmtCensored(g, 'c_sharp')} | ${demo?.cSharp ?? '—'} | ${fmtCensored(g, 'c_barrier')} | ${fmtCensored(g, 'c_max')} | ${demo?.cMax ?? '—'} | ${nRuns} | ${minutes.toFixed(1)} |`,
    );
  }
  p('');

  // ---- fits in 1/w
  p('### Boundary fits at d = 8: c ≈ a + b/w over the seed means (a is the d/w → 0 limit)', '');
  p('| boundary | a (intercept) | b | R² | widths |', '|---|---|---|---|---|');
  for (const k of COLUMN_CRITICALS) {
    const means: { depth: number; width: number; c: number }[] = [];
    for (const w of widthsSeen) {
      const m = summarizeCritical(
        d8.filter((c) => c.record.width === w).map((c) => c.record),
        k,
      ).seen.mean;
      if (m !== null) means.push({ depth: 8, width: w, c: m });
    }
    const f = fitLinear(inverseWidthPoints(means, 8));
    // Two points fit a line exactly: core gives no R² for them.
    const r2 = f === null ? '—' : f.r2 === null ? `— (${f.n} points)` : fmt(f.r2, 3);
    p(
      `| ${k} | ${fmt(f?.a)} | ${fmt(f?.b, 1)} | ${r2} | ${means.map((m) => m.width).join(', ')} |`,
    );
  }
  p(
    '',
    'The means behind the fits are over the seeds that showed each event (censored seeds left out), so a fit over columns with censored seeds is biased low there.',
    '',
  );

  // ---- per seed pair
  p('### Per seed pair', '');
  p(
    'c_barrier marked * is the demo fallback (no trainable c showed a barrier; c_barrier = c_max). "> c_max": the event never happened before divergence. Order: c_loss ≤ c_sharp ≤ c_barrier ≤ c_max, a censored value counting as above c_max.',
    '',
  );
  p(
    '| w | I | J | L₀ | λ₀ | c_loss | c_sharp | c_barrier | c_max | order holds | λ₁/λ₀ at c = 1 |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  );
  const runAt = (depth: number, w: number, i: number, j: number, c: number, loss = 'mse') =>
    runs.find(
      (r) =>
        r.record.depth === depth &&
        r.record.width === w &&
        r.record.seed === i &&
        r.dataSeed === j &&
        r.loss === loss &&
        near(r.record.c, c),
    )?.record;
  const showEvent = (c: ColumnRecord, k: Critical) => {
    const v = seedValue(c, k);
    if (v.kind === 'seen') return fmt(v.c);
    if (v.kind === 'censored') return k === 'c_barrier' ? `${fmt(v.above)}*` : '> c_max';
    return k === 'c_max' ? '> c range' : '—';
  };
  const orderHolds = (c: ColumnRecord) => {
    const v = (k: Critical) => valueOf(c, k) ?? Infinity;
    const seq = [v('c_loss'), v('c_sharp'), v('c_barrier')];
    const cmax = c.c_max ?? Infinity;
    return (
      seq.every((x, i) => i === 0 || seq[i - 1]! <= x) &&
      seq.every((x) => x === Infinity || x <= cmax)
    );
  };
  const allCols = [...d8, ...cols.filter((c) => c.section === 'order')].sort(
    (a, b) =>
      a.record.width - b.record.width || a.record.seed - b.record.seed || a.dataSeed - b.dataSeed,
  );
  for (const c of allCols) {
    const r = c.record;
    const one = runAt(r.depth, r.width, r.seed, c.dataSeed, 1);
    const s1 = one?.sharpness[1];
    p(
      `| ${r.width} | ${r.seed} | ${c.dataSeed} | ${fmt(r.loss0, 3)} | ${fmt(r.lambda0, 1)} | ${showEvent(r, 'c_loss')} | ${showEvent(r, 'c_sharp')} | ${showEvent(r, 'c_barrier')} | ${showEvent(r, 'c_max')} | ${orderHolds(r) ? 'yes' : 'no'} | ${s1 === null || s1 === undefined ? '—' : fmt(s1 / r.lambda0)} |`,
    );
  }
  p('');

  // ---- L0 scatter
  p('## c_loss against L₀ per seed (the paper’s mechanism)', '');
  p(
    'A larger output at init (larger L₀) should give more early sharpness reduction (smaller λ₁/λ₀ at c = 1) and so a later loss catapult (larger c_loss). Spearman rank correlations over all seed pairs of a width (a censored c_loss ranks above every seen one):',
    '',
  );
  p(
    '| w | pairs | ρ(L₀, c_loss) | ρ(L₀, λ₁/λ₀ at c = 1) | L₀ → c_loss, in order of L₀ |',
    '|---|---|---|---|---|',
  );
  for (const w of widthsSeen) {
    const g = allCols.filter((c) => c.record.width === w);
    const l0 = g.map((c) => c.record.loss0);
    const cl = g.map((c) => valueOf(c.record, 'c_loss') ?? 1e9);
    const drops = g.map((c) => {
      const s = runAt(8, w, c.record.seed, c.dataSeed, 1)?.sharpness[1];
      return s === null || s === undefined ? NaN : s / c.record.lambda0;
    });
    const okDrop = drops.map((d, i) => [l0[i]!, d] as const).filter(([, d]) => Number.isFinite(d));
    const pairs = g
      .map((c) => [c.record.loss0, valueOf(c.record, 'c_loss')] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([l, v]) => `${fmt(l, 2)}→${v === null ? '>c_max' : fmt(v, 1)}`)
      .join(', ');
    p(
      `| ${w} | ${g.length} | ${fmt(spearman(l0, cl))} | ${fmt(
        spearman(
          okDrop.map((x) => x[0]),
          okDrop.map((x) => x[1]),
        ),
      )} | ${pairs} |`,
    );
  }
  p('');

  // ---- catapult and sharpness reduction
  p('## Catapult height at c = 8 and sharpness reduction at c = 1, d = 8', '');
  p(
    '| w | max L_t/L₀ at c = 8 | demo | diverged at c = 8 | λ₁₀/λ₀ at c = 1 | demo | loss monotone at c = 1 |',
    '|---|---|---|---|---|---|---|',
  );
  for (const w of widthsSeen) {
    const g = allCols.filter((c) => c.record.width === w);
    const at8 = g.map((c) => runAt(8, w, c.record.seed, c.dataSeed, 8)).filter((r) => r);
    const at1 = g.map((c) => runAt(8, w, c.record.seed, c.dataSeed, 1)).filter((r) => r);
    const height = spread(at8.map((r) => (r!.diverged ? null : r!.lossRatioMax)));
    const drop = spread(at1.map((r) => r!.sharpRatioFinal));
    const monotone = at1.every((r) =>
      r!.loss.every((l, i) => i === 0 || (l !== null && l <= (r!.loss[i - 1] ?? Infinity))),
    );
    p(
      `| ${w} | ${fmtStats(height, 1)} (n=${height.n}) | ${PAPER_CATAPULT[w] ?? '—'} | ${at8.filter((r) => r!.diverged).length}/${at8.length} | ${fmtStats(drop)} (n=${drop.n}) | ${PAPER_SHARP_DROP[w] ?? '—'} | ${at1.length === 0 ? '—' : monotone ? 'yes' : 'no'} |`,
    );
  }
  p('');

  // ---- saturation
  p(`## Intermediate saturation: λ_τ/λ₀ at τ = round(${st.saturationK}/c)`, '');
  p(
    'Per width, every d = 8 run that measured it, grouped by c (mean ± sd over the seed pairs that ran that c; bisection runs different c per seed, so counts vary):',
    '',
  );
  p('| w | c (τ): λ_τ/λ₀ (n) |', '|---|---|');
  for (const w of widthsSeen) {
    const rs = runs.filter(
      (r) =>
        r.record.depth === 8 &&
        r.record.width === w &&
        r.loss === 'mse' &&
        r.section !== 'collapse' &&
        !r.record.diverged &&
        r.record.saturation,
    );
    const byC = new Map<string, { c: number; step: number; ratios: (number | null)[] }>();
    for (const r of rs) {
      const key = r.record.c.toPrecision(6);
      const sat = r.record.saturation!;
      const e = byC.get(key) ?? { c: r.record.c, step: sat.step, ratios: [] };
      e.ratios.push(sat.sharpness === null ? null : sat.sharpness / r.record.lambda0);
      byC.set(key, e);
    }
    const cells = [...byC.values()]
      .sort((a, b) => a.c - b.c)
      .map((e) => {
        const s = spread(e.ratios);
        const div = e.ratios.filter((x) => x === null).length;
        return `${fmt(e.c)} (${e.step}): ${fmtStats(s)} (${s.n}${div > 0 ? `, ${div} diverged by τ` : ''})`;
      });
    p(`| ${w} | ${cells.join('; ')} |`);
  }
  p('');

  // ---- d/w collapse
  const [cd, cw] = header.plan.collapse;
  const collapse = cols.filter((c) => c.section === 'collapse').map((c) => c.record);
  const partner = d8.filter((c) => c.record.width === (cw * 8) / cd).map((c) => c.record);
  p(
    `## d/w collapse: d = ${cd}, w = ${cw} against d = 8, w = ${(cw * 8) / cd} (d/w = ${fmt(cd / cw, 4)})`,
    '',
  );
  p(
    '| d | w | columns | L₀ | λ₀ | c_loss | c_sharp | c_barrier | c_max |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const [d, w, g] of [
    [cd, cw, collapse],
    [8, (cw * 8) / cd, partner],
  ] as const) {
    if (g.length === 0) {
      p(`| ${d} | ${w} | not run | | | | | | |`);
      continue;
    }
    p(
      `| ${d} | ${w} | ${g.length} | ${fmtStats(spread(g.map((c) => c.loss0)), 3)} | ${fmtStats(spread(g.map((c) => c.lambda0)), 1)} | ${fmtCensored(g, 'c_loss')} | ${fmtCensored(g, 'c_sharp')} | ${fmtCensored(g, 'c_barrier')} | ${fmtCensored(g, 'c_max')} |`,
    );
  }
  p('');

  // ---- SGD-order seeds
  const ow = header.plan.orderWidth;
  const orderCols = allCols.filter((c) => c.record.width === ow);
  const js = [...new Set(orderCols.map((c) => c.dataSeed))].sort((a, b) => a - b);
  if (js.length > 1) {
    p(`## Seeds over init (I) and SGD order (J) at d = 8, w = ${ow}`, '');
    p('| J | columns | c_loss | c_sharp | c_barrier | c_max |', '|---|---|---|---|---|---|');
    for (const j of js) {
      const g = orderCols.filter((c) => c.dataSeed === j).map((c) => c.record);
      p(
        `| ${j} | ${g.length} | ${fmtCensored(g, 'c_loss')} | ${fmtCensored(g, 'c_sharp')} | ${fmtCensored(g, 'c_barrier')} | ${fmtCensored(g, 'c_max')} |`,
      );
    }
    const all = orderCols.map((c) => c.record);
    p(
      `| all | ${all.length} | ${fmtCensored(all, 'c_loss')} | ${fmtCensored(all, 'c_sharp')} | ${fmtCensored(all, 'c_barrier')} | ${fmtCensored(all, 'c_max')} |`,
      '',
    );
    // How much of the scatter is the init and how much the order: sd over J at fixed I, averaged.
    const withinI = (k: Critical) => {
      const is = [...new Set(orderCols.map((c) => c.record.seed))];
      const sds = is
        .map((i) =>
          spread(orderCols.filter((c) => c.record.seed === i).map((c) => valueOf(c.record, k))),
        )
        .filter((s) => s.n > 1)
        .map((s) => s.std!);
      return sds.length ? sds.reduce((a, b) => a + b, 0) / sds.length : null;
    };
    const withinJ = (k: Critical) => {
      const sds = js
        .map((j) =>
          spread(orderCols.filter((c) => c.dataSeed === j).map((c) => valueOf(c.record, k))),
        )
        .filter((s) => s.n > 1)
        .map((s) => s.std!);
      return sds.length ? sds.reduce((a, b) => a + b, 0) / sds.length : null;
    };
    p(
      'Mean sd over J at fixed I (order alone) against mean sd over I at fixed J (init alone), over the seeds that showed each event:',
      '',
      '| | c_loss | c_sharp | c_barrier | c_max |',
      '|---|---|---|---|---|',
      `| over J, fixed I | ${(['c_loss', 'c_sharp', 'c_barrier', 'c_max'] as const).map((k) => fmt(withinI(k))).join(' | ')} |`,
      `| over I, fixed J | ${(['c_loss', 'c_sharp', 'c_barrier', 'c_max'] as const).map((k) => fmt(withinJ(k))).join(' | ')} |`,
      '',
    );
  }

  // ---- cross-entropy
  const xent = cols.filter((c) => c.section === 'xent').map((c) => c.record);
  p(`## Cross-entropy, d = 8, w = ${header.plan.xentWidth}`, '');
  if (xent.length === 0) p('Not reached.', '');
  else {
    const mse = d8.filter((c) => c.record.width === header.plan.xentWidth).map((c) => c.record);
    p(
      '| loss | columns | L₀ | λ₀ | c_loss | c_sharp | c_barrier | c_max |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const [name, g] of [
      ['cross-entropy', xent],
      ['MSE (same seeds)', mse],
    ] as const)
      if (g.length > 0)
        p(
          `| ${name} | ${g.length} | ${fmtStats(spread(g.map((c) => c.loss0)), 3)} | ${fmtStats(spread(g.map((c) => c.lambda0)), 2)} | ${fmtCensored(g, 'c_loss')} | ${fmtCensored(g, 'c_sharp')} | ${fmtCensored(g, 'c_barrier')} | ${fmtCensored(g, 'c_max')} |`,
        );
    p(
      '',
      'The c_loss → 2 limit is a property of MSE (a quadratic loss near a minimum); cross-entropy’s is not assumed here.',
      '',
    );
  }

  // ---- demo seed in our distribution
  p('## Where the demo’s single seed falls in our distribution', '');
  const demoWidths = widthsSeen.filter((w) => PAPER[w]);
  if (demoWidths.length === 0) p('No width with a demo value was reached.', '');
  else {
    p(
      '| w | value | demo | our seeds below the demo / seeds | z = (demo − mean)/sd |',
      '|---|---|---|---|---|',
    );
    for (const w of demoWidths) {
      const g = d8.filter((c) => c.record.width === w).map((c) => c.record);
      const demo = PAPER[w]!;
      for (const [k, v] of [
        ['λ₀', demo.lambda0],
        ['c_loss', demo.cLoss],
        ['c_sharp', demo.cSharp],
        ['c_max', demo.cMax],
      ] as const) {
        const vals = g.map((c) => (k === 'λ₀' ? c.lambda0 : rankValue(c, k)));
        const known = vals.filter((x): x is number => x !== null);
        const s = spread(known);
        const below = known.filter((x) => x < v).length;
        p(
          `| ${w} | ${k} | ${v} | ${below}/${known.length} | ${s.std ? fmt((v - s.mean!) / s.std) : '—'} |`,
        );
      }
    }
    p('');
  }

  // ---- Lanczos
  p('## Lanczos diagnostics', '');
  p(
    `Every λ estimate: HVPs spent (iterations) and relative residual ‖Hv − λv‖/|λ|; the cap is ${st.lanczosMaxIters} HVPs, so an estimate at the cap may not have reached the tolerance ${st.lanczosTol}.`,
    '',
  );
  p(
    '| section | kind | estimates | iterations median / 90 % / max | at the cap | residual median / max | residual > tol |',
    '|---|---|---|---|---|---|---|',
  );
  const sections = [...new Set(runs.map((r) => r.section))].filter((s) => s !== 'uv');
  for (const sec of sections) {
    const rs = runs.filter((r) => r.section === sec).map((r) => r.record);
    const kinds: [string, { it: number; res: number | null }[]][] = [
      [
        'λ₀ (one per column)',
        cols
          .filter((c) => c.section === sec)
          .map((c) => {
            const r = rs.find(
              (x) =>
                x.depth === c.record.depth &&
                x.width === c.record.width &&
                x.seed === c.record.seed,
            );
            return { it: r?.lanczosIters[0] ?? NaN, res: r?.lanczosResidual[0] ?? null };
          })
          .filter((x) => Number.isFinite(x.it)),
      ],
      [
        'λ_t, 1 ≤ t ≤ T',
        rs.flatMap((r) =>
          r.lanczosIters
            .slice(1)
            .map((it, t) => ({ it, res: r.lanczosResidual[t + 1] ?? null }))
            .filter((x) => x.res !== null),
        ),
      ],
      [
        'λ_τ past T',
        rs
          .filter(
            (r) => r.saturation && r.saturation.step > st.steps && r.saturation.sharpness !== null,
          )
          .map((r) => ({ it: r.saturation!.iters, res: r.saturation!.residual })),
      ],
    ];
    for (const [kind, xs] of kinds) {
      if (xs.length === 0) continue;
      const its = xs.map((x) => x.it);
      const res = xs.map((x) => x.res).filter((x): x is number => x !== null && Number.isFinite(x));
      p(
        `| ${sec} | ${kind} | ${xs.length} | ${quantile(its, 0.5)} / ${quantile(its, 0.9)} / ${Math.max(...its)} | ${its.filter((i) => i >= st.lanczosMaxIters).length} | ${res.length ? `${quantile(res, 0.5)!.toExponential(1)} / ${Math.max(...res).toExponential(1)}` : '—'} | ${res.filter((r) => r > st.lanczosTol).length} |`,
      );
    }
  }
  p('');

  // ---- barrier curves summary
  const trainable = runs.filter(
    (r) => r.section !== 'uv' && !r.record.diverged && r.record.barrier,
  );
  if (trainable.length > 0) {
    const withB = trainable.filter((r) => hasBarrier(r.record.barrier!));
    p('## Loss barriers along θ_0 → θ_T', '');
    p(
      `${withB.length} of ${trainable.length} trainable CIFAR-10 runs cross a barrier. Where they do, the maximum sits at τ = ${fmtStats(spread(withB.map((r) => r.record.barrier!.tauAtMax)))} (mean ± sd), ${fmtStats(spread(withB.map((r) => r.record.barrier!.height / r.record.loss0)))} × L₀ above L₀; by c (d = 8, MSE), the fraction of runs with a barrier:`,
      '',
    );
    const bins = [1, 2, 4, 8, 16, 64];
    const rows: string[] = [];
    for (let i = 0; i + 1 < bins.length; i++) {
      const inBin = trainable.filter(
        (r) =>
          r.record.depth === 8 &&
          r.loss === 'mse' &&
          r.record.c >= bins[i]! &&
          r.record.c < bins[i + 1]!,
      );
      if (inBin.length === 0) continue;
      rows.push(
        `| [${bins[i]}, ${bins[i + 1]}) | ${inBin.filter((r) => hasBarrier(r.record.barrier!)).length}/${inBin.length} |`,
      );
    }
    p('| c | runs with a barrier |', '|---|---|', ...rows, '');
  }

  // ---- zero readout
  const zero = cols.filter((c) => c.section === 'zero').map((c) => c.record);
  if (zero.length > 0) {
    p('## Zero readout: L₀ = 0.05 and c_loss = 2', '');
    p('| d | w | L₀ | c_loss (lattice 0.1 in log2 c) |', '|---|---|---|---|');
    for (const c of zero)
      p(`| ${c.depth} | ${c.width} | ${c.loss0.toFixed(7)} | ${fmt(c.c_loss, 3)} |`);
    p('');
  }

  // ---- uv
  const uv = cols.filter((c) => c.section === 'uv').map((c) => c.record);
  if (uv.length > 0) {
    p('## uv model: c_loss ≈ 2, c_max ≈ 4 (exact, float64)', '');
    p(
      '| w | seed | L₀ | c_loss | c_barrier | c_max | λ_τ/λ₀ at c = 1 (τ = ' +
        st.saturationK +
        ') |',
      '|---|---|---|---|---|---|---|',
    );
    for (const c of uv) {
      const one = c.saturation?.points.find((q) => near(q.c, 1));
      p(
        `| ${c.width} | ${c.seed} | ${c.loss0.toExponential(2)} | ${fmt(c.c_loss, 3)} | ${c.barrierFallback ? `${fmt(c.c_max, 3)}*` : fmt(c.c_barrier ?? null, 3)} | ${fmt(c.c_max, 3)} | ${fmt(one?.ratio ?? null, 3)} |`,
      );
    }
    p(
      '',
      'A seed whose initial output is nearly zero (L₀ ≲ 3·10⁻³) needs more than T = 10 steps to cross the absolute divergence threshold (loss > 10⁵) just above c = 4, so its c_max lands one lattice step high.',
      '',
    );
  }

  // ---- what did not run
  const planned = header.plan;
  const missing: string[] = [];
  for (const w of [...planned.widths, ...planned.wide])
    if (!widthsSeen.includes(w)) missing.push(`d = 8, w = ${w}`);
  if (collapse.length === 0) missing.push('the d/w collapse');
  if (xent.length === 0) missing.push('cross-entropy');
  if (missing.length > 0) p('## Not reached', '', `${missing.join('; ')}.`, '');
  return `${out.join('\n')}\n`;
}
