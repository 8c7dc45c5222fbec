/**
 * Seed means of a column's critical values (docs/PROTOCOL.md §3, seeds and censored values): the one
 * place where per-column c_loss, c_sharp and c_max become a value per architecture, for the app's
 * table and diagram, the exports and the validation report alike. A column is one pair (I, J) of
 * init seed and SGD-order seed: each pair has its own critical values, and the mean and spread of
 * an architecture are over all its pairs (every I with every J), censored pairs counted.
 */
import { compareArchitectures, compareColumns } from '../sweep/order';
import type { ColumnRecord } from '../sweep/records';

/** Mean, sample standard deviation and count of the finite values. */
export interface Spread {
  mean: number | null;
  std: number | null;
  n: number;
}

/** Mean and sample standard deviation (n − 1) of the finite, non-null values, with their count. */
export function spread(values: readonly (number | null)[]): Spread {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v));
  if (xs.length === 0) return { mean: null, std: null, n: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std =
    xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std, n: xs.length };
}

export type CriticalKind = 'c_loss' | 'c_sharp' | 'c_max';
export const CRITICAL_KINDS: readonly CriticalKind[] = ['c_loss', 'c_sharp', 'c_max'];

/**
 * Every critical value a column record can carry: the diagram's three boundaries and c_barrier
 * (absent in records from before it was measured). Kept apart from `CriticalKind`, which names
 * the boundaries drawn and fitted, so that a table or report can summarise c_barrier with the
 * same censoring rules without every boundary consumer having to handle it.
 */
export type ColumnCritical = CriticalKind | 'c_barrier';
/** In the demo's order, c_loss ≤ c_sharp ≤ c_barrier ≤ c_max. */
export const COLUMN_CRITICALS: readonly ColumnCritical[] = [
  'c_loss',
  'c_sharp',
  'c_barrier',
  'c_max',
];

/** What `seedValue` reads of a column: the critical values, c_barrier and its fallback flag optional. */
export type CriticalFields = Pick<ColumnRecord, CriticalKind> &
  Partial<Pick<ColumnRecord, 'c_barrier' | 'barrierFallback'>>;

/**
 * One seed's critical value, read from its column:
 * - `seen`: the event happened, at `c`;
 * - `censored`: c_loss or c_sharp never happened before the column's first divergence, so the
 *   value lies above `above` = c_max (it is not missing: leaving it out biases a mean low);
 * - `unknown`: nothing diverged yet (c_max is null), so neither a value nor a bound is known.
 *
 * c_barrier follows the demo's rule: when no trainable c crossed a barrier the record holds
 * c_barrier = c_max with `barrierFallback`, which is a bound (censored above c_max), not a value.
 */
export type SeedValue =
  { kind: 'seen'; c: number } | { kind: 'censored'; above: number } | { kind: 'unknown' };

/**
 * What one seed's column says about `critical` (docs/PROTOCOL.md §3, Censored values): `seen`
 * when the value is finite; `censored` above c_max when c_loss or c_sharp is null but the column
 * diverged; `unknown` otherwise (including a null c_max).
 *
 * For c_barrier: `censored` above c_max when it is the demo's fallback (`barrierFallback`, no
 * trainable c crossed a barrier); `seen` when finite otherwise; `unknown` when absent or null
 * (not measured: an older record or the `barrier` setting off, or nothing diverged yet).
 */
export function seedValue(column: CriticalFields, critical: ColumnCritical): SeedValue {
  if (critical === 'c_barrier') {
    const cMax = column.c_max;
    if (column.barrierFallback === true)
      return cMax !== null && Number.isFinite(cMax)
        ? { kind: 'censored', above: cMax }
        : { kind: 'unknown' };
    const b = column.c_barrier;
    return b !== undefined && b !== null && Number.isFinite(b)
      ? { kind: 'seen', c: b }
      : { kind: 'unknown' };
  }
  const v = column[critical];
  if (v !== null && Number.isFinite(v)) return { kind: 'seen', c: v };
  if (critical !== 'c_max' && column.c_max !== null && Number.isFinite(column.c_max))
    return { kind: 'censored', above: column.c_max };
  return { kind: 'unknown' };
}

/** A critical value over seeds, with the censored seeds counted, not dropped. */
export interface CriticalSummary {
  /** Seeds in the group. */
  seeds: number;
  /**
   * Mean, sample sd and count over the seeds whose event was seen. When some seeds are censored
   * this is the mean over the events seen only, a lower estimate of the true mean.
   */
  seen: Spread;
  /** Smallest and largest value seen (null when none was). */
  min: number | null;
  max: number | null;
  /** Seeds whose event never happened before their first divergence. */
  censored: number;
  /** Every censored value exceeds this: the smallest c_max among the censored seeds. */
  above: number | null;
  /** Seeds with neither a value nor a bound (no divergence yet). */
  unknown: number;
}

/** ⟨critical⟩ over the given columns (the seeds of one architecture). */
export function summarizeCritical(
  columns: readonly CriticalFields[],
  critical: ColumnCritical,
): CriticalSummary {
  const seen: number[] = [];
  let censored = 0;
  let above: number | null = null;
  let unknown = 0;
  for (const col of columns) {
    const v = seedValue(col, critical);
    if (v.kind === 'seen') seen.push(v.c);
    else if (v.kind === 'censored') {
      censored++;
      above = above === null ? v.above : Math.min(above, v.above);
    } else unknown++;
  }
  return {
    seeds: columns.length,
    seen: spread(seen),
    min: seen.length > 0 ? Math.min(...seen) : null,
    max: seen.length > 0 ? Math.max(...seen) : null,
    censored,
    above,
    unknown,
  };
}

/**
 * A critical summary in words, with `fmt` for numbers: "3.2 ± 0.4" (all seen), "> 16 (3 of 3
 * censored)" (none seen), "3.2 over 1 seen; > 16 (2 of 3 censored)" (mixed); seeds with no
 * divergence yet are added as "; 1 not reached". "—" when nothing is known.
 */
export function formatCritical(
  s: CriticalSummary,
  fmt: (v: number) => string,
  words: {
    /** The censored part, e.g. c_barrier's "c_max 16 used for 2 of 3 (no barrier)". */
    censored?: (above: string, censored: number, seeds: number) => string;
    /** Whether seeds with nothing known yet are counted ("1 not reached"); default true. */
    unknown?: boolean;
  } = {},
): string {
  const parts: string[] = [];
  const { mean, std, n } = s.seen;
  if (mean !== null) {
    const value = n > 1 && std !== null ? `${fmt(mean)} ± ${fmt(std)}` : fmt(mean);
    parts.push(s.censored + s.unknown > 0 ? `${value} over ${n} seen` : value);
  }
  if (s.censored > 0 && s.above !== null)
    parts.push(
      words.censored
        ? words.censored(fmt(s.above), s.censored, s.seeds)
        : `> ${fmt(s.above)} (${s.censored} of ${s.seeds} censored)`,
    );
  if ((words.unknown ?? true) && s.unknown > 0 && parts.length > 0)
    parts.push(`${s.unknown} not reached`);
  return parts.length > 0 ? parts.join('; ') : '—';
}

/** One (I, J) pair of an architecture and its critical values, as `seedValue` reads them. */
export interface PairCriticals {
  /** The init seed I. */
  seed: number;
  /** The SGD-order seed J. */
  orderSeed: number;
  c_loss: SeedValue;
  c_sharp: SeedValue;
  c_max: SeedValue;
}

export interface ColumnSummary {
  depth: number;
  width: number;
  /** The distinct init seeds I of the group, ascending. */
  seeds: number[];
  /** The distinct SGD-order seeds J of the group, ascending. */
  orderSeeds: number[];
  /**
   * Every column of the group with its own critical values, in the canonical order (I, then J):
   * what the summaries below average. Its length is the number of columns averaged.
   */
  pairs: PairCriticals[];
  lambda0: Spread;
  loss0: Spread;
  c_loss: CriticalSummary;
  c_sharp: CriticalSummary;
  c_max: CriticalSummary;
  /** c_barrier over seeds; a seed whose column saw no barrier (the c_max fallback) is censored. */
  c_barrier: CriticalSummary;
  /** Runs behind the summary, over all seeds. */
  runs: number;
}

const ascendingDistinct = (xs: readonly number[]): number[] =>
  [...new Set(xs)].sort((a, b) => a - b);

/**
 * ⟨·⟩ over seeds: the critical values of each (I, J) column, then their mean and spread per
 * (depth, width) over all its columns, censored columns counted. Duplicate records of one column
 * are the caller's to remove. Ordered by architecture (`compareArchitectures`).
 */
export function summarizeColumns(columns: readonly ColumnRecord[]): ColumnSummary[] {
  const groups = new Map<string, ColumnRecord[]>();
  for (const c of columns) {
    const k = `${c.depth}/${c.width}`;
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  const out: ColumnSummary[] = [];
  for (const g of groups.values()) {
    g.sort(compareColumns);
    const first = g[0]!;
    out.push({
      depth: first.depth,
      width: first.width,
      seeds: ascendingDistinct(g.map((c) => c.seed)),
      orderSeeds: ascendingDistinct(g.map((c) => c.orderSeed)),
      pairs: g.map((c) => ({
        seed: c.seed,
        orderSeed: c.orderSeed,
        c_loss: seedValue(c, 'c_loss'),
        c_sharp: seedValue(c, 'c_sharp'),
        c_max: seedValue(c, 'c_max'),
      })),
      lambda0: spread(g.map((c) => c.lambda0)),
      loss0: spread(g.map((c) => c.loss0)),
      c_loss: summarizeCritical(g, 'c_loss'),
      c_sharp: summarizeCritical(g, 'c_sharp'),
      c_max: summarizeCritical(g, 'c_max'),
      c_barrier: summarizeCritical(g, 'c_barrier'),
      runs: g.reduce((a, c) => a + c.runs, 0),
    });
  }
  return out.sort(compareArchitectures);
}

/** One architecture's boundary value: the mean over seeds of one critical value. */
export interface BoundaryValue {
  depth: number;
  width: number;
  c: number;
}

/**
 * The points a boundary fit goes through: per architecture, the mean of `critical` over seeds.
 * Architectures with a censored seed are left out (their mean over the events seen is only a
 * lower bound), as are those with no value seen.
 */
export function boundaryValues(
  summaries: readonly ColumnSummary[],
  critical: ColumnCritical,
): BoundaryValue[] {
  const out: BoundaryValue[] = [];
  for (const g of summaries) {
    const s = g[critical];
    if (s.seen.mean === null || s.censored > 0 || !Number.isFinite(s.seen.mean)) continue;
    out.push({ depth: g.depth, width: g.width, c: s.seen.mean });
  }
  return out;
}
