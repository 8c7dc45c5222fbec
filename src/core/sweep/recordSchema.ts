/**
 * The result records' schema, written once: every field of a run and a column record with the
 * test its value must pass, in file order. The validator (files read back: JSON Lines from the
 * CLI, the app's JSON export) and the CSV export both read it, so a field added to records.ts is
 * added here and nowhere else (a compile-time check below fails until it is).
 */
import { summarize } from '../phase/regime';
import { fail, ok, type Result } from '../result';
import {
  REGIMES,
  type ColumnRecord,
  type Regime,
  type ResultRecord,
  type RunRecord,
} from './records';

/** One field of a record: its key, the test its value passes, and the words for a refusal. */
export interface FieldRule<K extends string> {
  key: K;
  test: (v: unknown) => boolean;
  /** What the value must be, for the message: `"depth" must be a positive integer`. */
  what: string;
  /** Per-step series (t = 0..T): CSV writes them as one cell joined by ';'. */
  series: boolean;
  /** Older files may lack it; the validator then fills it in (see `checkRunRecord`). */
  optional: boolean;
  /** Written to CSV (JSON always carries every field). */
  csv: boolean;
}

/** Longest per-step series read (T + 1 values). */
export const MAX_SERIES_LENGTH = 100_000;

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const posInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;
const nonNegInt = (v: unknown) => Number.isInteger(v) && (v as number) >= 0;
const positive = (v: unknown) => finite(v) && v > 0;
const nonNeg = (v: unknown) => finite(v) && v >= 0;
const numOrNull = (v: unknown) => v === null || finite(v);
const positiveOrNull = (v: unknown) => v === null || positive(v);
const stepOrNull = (v: unknown) => v === null || nonNegInt(v);
const bool = (v: unknown) => typeof v === 'boolean';
const regime = (v: unknown) => REGIMES.includes(v as Regime);
/** JSON has no NaN or Infinity: the CLI writes null for them. */
const series = (v: unknown) =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.length <= MAX_SERIES_LENGTH &&
  v.every((x) => x === null || finite(x));
const optionalSeries = (v: unknown) =>
  Array.isArray(v) && v.length <= MAX_SERIES_LENGTH && v.every((x) => x === null || finite(x));
const numbers = (v: unknown) =>
  Array.isArray(v) && v.length <= MAX_SERIES_LENGTH && v.every((x) => finite(x));

function rule<K extends string>(
  key: K,
  test: (v: unknown) => boolean,
  what: string,
  extra: Partial<Pick<FieldRule<K>, 'series' | 'optional' | 'csv'>> = {},
): FieldRule<K> {
  return { key, test, what, series: false, optional: false, csv: true, ...extra };
}

const POS_INT = 'a positive integer';
const NON_NEG_INT = 'a non-negative integer';
const POSITIVE = 'a positive number';
const NON_NEG = 'a non-negative number';
const NUM_OR_NULL = 'a number or null';
const SERIES = 'a list of numbers (or null)';

const objOr = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
/** A run's barrier: null, or the curve, its height (null: not finite) and τ at the maximum. */
const barrierOrNull = (v: unknown) =>
  v === null ||
  (objOr(v) && optionalSeries(v['losses']) && numOrNull(v['height']) && finite(v['tauAtMax']));
/** A run's saturation measure: null, or λ at τ = K/c with its diagnostics. */
const saturationOrNull = (v: unknown) =>
  v === null ||
  (objOr(v) &&
    positive(v['K']) &&
    posInt(v['step']) &&
    numOrNull(v['loss']) &&
    numOrNull(v['sharpness']) &&
    nonNegInt(v['iters']) &&
    numOrNull(v['residual']));
/** A column's saturation curve: null, or K and the points (c, τ, λ_τ/λ_0 or null). */
const curveOrNull = (v: unknown) =>
  v === null ||
  (objOr(v) &&
    positive(v['K']) &&
    Array.isArray(v['points']) &&
    v['points'].length <= MAX_SERIES_LENGTH &&
    v['points'].every(
      (p: unknown) => objOr(p) && positive(p['c']) && posInt(p['step']) && numOrNull(p['ratio']),
    ));
const CENSORABLE = ['c_loss', 'c_sharp', 'c_barrier'];
const censoredList = (v: unknown) =>
  Array.isArray(v) && v.every((x) => typeof x === 'string' && CENSORABLE.includes(x));

/** The column key (`ColumnKey`), first in both records. */
const KEY_FIELDS = [
  rule('depth', posInt, POS_INT),
  rule('width', posInt, POS_INT),
  rule('seed', nonNegInt, NON_NEG_INT),
  // Files from before order seeds lack J: the reader fills in the writer's data seed.
  rule('orderSeed', nonNegInt, NON_NEG_INT, { optional: true }),
] as const;

/** The fields of a run record, in the order files list them. */
export const RUN_FIELDS = [
  ...KEY_FIELDS,
  rule('c', positive, POSITIVE),
  rule('eta', positive, POSITIVE),
  rule('lambda0', positive, POSITIVE),
  rule('loss0', nonNeg, NON_NEG),
  rule('diverged', bool, 'true or false'),
  rule('divergedAt', stepOrNull, 'a step or null', { optional: true }),
  rule('regime', regime, `one of ${REGIMES.join(', ')}`),
  rule('lossRatioMax', numOrNull, NUM_OR_NULL, { optional: true }),
  rule('sharpRatioMax', numOrNull, NUM_OR_NULL, { optional: true }),
  rule('sharpRatioFinal', numOrNull, NUM_OR_NULL, { optional: true }),
  rule('seconds', nonNeg, NON_NEG, { optional: true }),
  rule('loss', series, SERIES, { series: true }),
  rule('sharpness', series, SERIES, { series: true }),
  rule('lanczosIters', numbers, 'a list of numbers', { series: true, optional: true }),
  // Per-estimate residuals are a diagnostic of the Lanczos solver: JSON keeps them, CSV does not.
  rule('lanczosResidual', optionalSeries, SERIES, { series: true, optional: true, csv: false }),
  // The interpolation curve and the saturation measure: JSON keeps them, CSV does not.
  rule('barrier', barrierOrNull, 'null or a barrier {losses, height, tauAtMax}', {
    optional: true,
    csv: false,
  }),
  rule('saturation', saturationOrNull, 'null or {K, step, loss, sharpness, iters, residual}', {
    optional: true,
    csv: false,
  }),
] as const satisfies readonly FieldRule<Exclude<keyof RunRecord, 'type'>>[];

/** The fields of a column record, in the order files list them. */
export const COLUMN_FIELDS = [
  ...KEY_FIELDS,
  rule('lambda0', positive, POSITIVE),
  rule('loss0', nonNeg, NON_NEG),
  rule('c_loss', positiveOrNull, 'a positive number or null'),
  rule('c_sharp', positiveOrNull, 'a positive number or null'),
  rule('c_max', positiveOrNull, 'a positive number or null'),
  rule('c_barrier', positiveOrNull, 'a positive number or null', { optional: true }),
  rule('barrierFallback', bool, 'true or false', { optional: true }),
  rule('censored', censoredList, `a list of ${CENSORABLE.join(', ')}`, {
    optional: true,
    csv: false,
  }),
  rule('saturation', curveOrNull, 'null or {K, points}', { optional: true, csv: false }),
  rule('runs', nonNegInt, NON_NEG_INT, { optional: true }),
] as const satisfies readonly FieldRule<Exclude<keyof ColumnRecord, 'type'>>[];

// Every record field has a rule: these fail to compile when records.ts gains a field.
type Uncovered<R, F extends readonly { key: string }[]> = Exclude<
  keyof R,
  'type' | F[number]['key']
>;
const runFieldsComplete: Uncovered<RunRecord, typeof RUN_FIELDS> extends never ? true : never =
  true;
const columnFieldsComplete: Uncovered<ColumnRecord, typeof COLUMN_FIELDS> extends never
  ? true
  : never = true;
void runFieldsComplete;
void columnFieldsComplete;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields that pass their rule; the first that does not, as a message. */
function readFields(o: Obj, fields: readonly FieldRule<string>[]): Result<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = o[f.key];
    if (v === undefined && f.optional) continue;
    if (!f.test(v))
      return fail(v === undefined ? `missing "${f.key}"` : `"${f.key}" must be ${f.what}`);
    out[f.key] = v;
  }
  return ok(out);
}

/**
 * What a reader knows of the sweep that wrote a file, to fill in fields older files lack:
 * `orderSeed`, the SGD-order seed J of a record without one, is the sweep's data seed (before
 * order seeds, the data seed alone chose the batches). 0, the data seed's default, when the file
 * says nothing.
 */
export interface RecordDefaults {
  orderSeed: number;
}

const NO_DEFAULTS: RecordDefaults = { orderSeed: 0 };

/**
 * A run record from a parsed JSON object, checked field by field. Optional fields an older file
 * lacks are filled in: J from `defaults`, divergedAt null, seconds 0, no Lanczos counts, and the
 * ratios (lossRatioMax, sharpRatioMax, sharpRatioFinal) recomputed from the series with
 * `summarize`. The loss and sharpness series must have the same length.
 */
export function checkRunRecord(o: Obj, defaults: RecordDefaults = NO_DEFAULTS): Result<RunRecord> {
  const read = readFields(o, RUN_FIELDS);
  if (!read.ok) return read;
  const f = read.value as Partial<RunRecord> &
    Pick<RunRecord, 'depth' | 'width' | 'seed' | 'c' | 'eta' | 'lambda0' | 'loss0'> &
    Pick<RunRecord, 'diverged' | 'regime' | 'loss' | 'sharpness'>;
  if (f.sharpness.length !== f.loss.length)
    return fail(`"loss" has ${f.loss.length} steps but "sharpness" has ${f.sharpness.length}`);
  const s = summarize(f.loss, f.sharpness, f.loss0, f.lambda0, f.diverged);
  return ok({
    type: 'run',
    depth: f.depth,
    width: f.width,
    seed: f.seed,
    orderSeed: f.orderSeed ?? defaults.orderSeed,
    c: f.c,
    eta: f.eta,
    lambda0: f.lambda0,
    loss0: f.loss0,
    diverged: f.diverged,
    divergedAt: f.divergedAt ?? null,
    regime: f.regime,
    loss: f.loss,
    sharpness: f.sharpness,
    lanczosIters: f.lanczosIters ?? [],
    lanczosResidual: f.lanczosResidual ?? [],
    lossRatioMax: f.lossRatioMax !== undefined ? f.lossRatioMax : s.lossRatioMax,
    sharpRatioMax: f.sharpRatioMax !== undefined ? f.sharpRatioMax : s.sharpRatioMax,
    sharpRatioFinal: f.sharpRatioFinal !== undefined ? f.sharpRatioFinal : s.sharpRatioFinal,
    seconds: f.seconds ?? 0,
    ...(f.barrier !== undefined ? { barrier: f.barrier } : {}),
    ...(f.saturation !== undefined ? { saturation: f.saturation } : {}),
  });
}

/**
 * A column record from a parsed JSON object. A missing J comes from `defaults`; a missing run
 * count reads as 0 (not known).
 */
export function checkColumnRecord(
  o: Obj,
  defaults: RecordDefaults = NO_DEFAULTS,
): Result<ColumnRecord> {
  const read = readFields(o, COLUMN_FIELDS);
  if (!read.ok) return read;
  const f = read.value as Omit<ColumnRecord, 'type' | 'runs' | 'orderSeed'> & {
    runs?: number;
    orderSeed?: number;
  };
  return ok({
    type: 'column',
    depth: f.depth,
    width: f.width,
    seed: f.seed,
    orderSeed: f.orderSeed ?? defaults.orderSeed,
    lambda0: f.lambda0,
    loss0: f.loss0,
    c_loss: f.c_loss,
    c_sharp: f.c_sharp,
    c_max: f.c_max,
    ...(f.c_barrier !== undefined ? { c_barrier: f.c_barrier } : {}),
    ...(f.barrierFallback !== undefined ? { barrierFallback: f.barrierFallback } : {}),
    ...(f.censored !== undefined ? { censored: f.censored } : {}),
    ...(f.saturation !== undefined ? { saturation: f.saturation } : {}),
    runs: f.runs ?? 0,
  });
}

/**
 * Any result record (`type` "run" or "column") from a parsed JSON value; `defaults` fill in what
 * older files lack (see `RecordDefaults`).
 */
export function checkResultRecord(
  v: unknown,
  defaults: RecordDefaults = NO_DEFAULTS,
): Result<ResultRecord> {
  if (!isObj(v)) return fail('not a JSON object');
  if (v['type'] === 'run') return checkRunRecord(v, defaults);
  if (v['type'] === 'column') return checkColumnRecord(v, defaults);
  return fail(
    v['type'] === undefined
      ? 'missing "type"'
      : `unknown type ${JSON.stringify(v['type']).slice(0, 30)}`,
  );
}
