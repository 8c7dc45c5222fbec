/**
 * The sweep header: the first line of a results file, `{"type":"sweep", ...}`, saying which
 * settings produced the records after it (and which shard of the sweep the file holds). With it a
 * file is self-describing: a resumed sweep can check that the file is its own, and a merge can
 * refuse files of different sweeps and list the columns still missing. Run and column records are
 * unchanged; readers that do not know the header skip a line of an unknown type.
 */
import { formatField, parseField, cloneDefaults } from '../settings/codec';
import { SCHEMA, type Row, type Settings } from '../settings/schema';

/** Version of the header's own layout (not of the settings table). */
export const SWEEP_HEADER_VERSION = 1;

/** Shard `index` (0-based) of `count`, as `--shard index/count` gives it. */
export interface ShardSpec {
  index: number;
  count: number;
}

export interface SweepHeader {
  type: 'sweep';
  version: typeof SWEEP_HEADER_VERSION;
  /**
   * Every setting that changes a run's result, keyed by its CLI flag (without dashes), as the
   * text that flag takes: `{"widths": "64,128", "c": "log2:0:4.5:0.1", ...}`. Written in full,
   * defaults included, so that a later change of a default cannot change what a file means.
   */
  settings: Record<string, string>;
  /** The shard this file holds; null for a whole sweep (or a merge of shards). */
  shard: ShardSpec | null;
  /** The tfjs backend that computed the runs (provenance; results agree across backends only to float noise). */
  backend: string | null;
}

/**
 * The rows whose values change a run's result: `affectsRuns`, except execution-only ones (the
 * ensemble size computes the same runs another way). These are the settings a header records and
 * a resume or merge compares.
 */
export function resultRows(): Row[] {
  return SCHEMA.filter((r) => r.affectsRuns && r.executionOnly !== true);
}

/** The header of a sweep (or of one shard of it) with these settings. */
export function sweepHeader(
  settings: Settings,
  shard: ShardSpec | null,
  backend: string | null,
): SweepHeader {
  const out: Record<string, string> = {};
  for (const row of resultRows()) out[row.flag] = formatField(row, settings[row.key]);
  return { type: 'sweep', version: SWEEP_HEADER_VERSION, settings: out, shard, backend };
}

type Check<T> = { ok: true; value: T } | { ok: false; error: string };

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Is this parsed JSON line a sweep header (of any version)? */
export function isHeaderLike(v: unknown): boolean {
  return isObj(v) && v['type'] === 'sweep';
}

/**
 * Check a parsed `{"type":"sweep"}` line and read its settings back. Errors name the field.
 * Settings the header lacks (except rows added later, `keyOmitsDefault`, which read as their
 * default), or that this version does not know, are errors: either would make a comparison with
 * another sweep meaningless.
 */
export function readHeader(v: unknown): Check<{ header: SweepHeader; settings: Settings }> {
  if (!isObj(v) || v['type'] !== 'sweep') return { ok: false, error: 'not a sweep header' };
  if (v['version'] !== SWEEP_HEADER_VERSION)
    return {
      ok: false,
      error: `sweep header version ${JSON.stringify(v['version'])} is not ${SWEEP_HEADER_VERSION} (written by another version of phase-explorer?)`,
    };
  const raw = v['settings'];
  if (!isObj(raw)) return { ok: false, error: 'sweep header: "settings" must be an object' };
  const settings = cloneDefaults();
  const texts: Record<string, string> = {};
  const rows = resultRows();
  for (const row of rows) {
    const text = raw[row.flag];
    // A row added after headers were first written (`keyOmitsDefault`) reads as its default when
    // an older header lacks it: the sweep that wrote the header ran as that default does.
    if (text === undefined && row.keyOmitsDefault === true) continue;
    if (text === undefined)
      return { ok: false, error: `sweep header does not record --${row.flag}` };
    if (typeof text !== 'string')
      return { ok: false, error: `sweep header: --${row.flag} must be a string` };
    const parsed = parseField(row, text);
    if (!parsed.ok) return { ok: false, error: `sweep header: --${row.flag}: ${parsed.error}` };
    (settings as unknown as Record<string, unknown>)[row.key] = parsed.value;
    texts[row.flag] = text;
  }
  for (const key of Object.keys(raw))
    if (!rows.some((r) => r.flag === key))
      return {
        ok: false,
        error: `sweep header records --${key}, a setting this version does not know`,
      };
  let shard: ShardSpec | null = null;
  const s = v['shard'];
  if (s !== null && s !== undefined) {
    if (!isObj(s)) return { ok: false, error: 'sweep header: "shard" must be an object or null' };
    const index = s['index'];
    const count = s['count'];
    if (
      !Number.isInteger(count) ||
      (count as number) < 1 ||
      !Number.isInteger(index) ||
      (index as number) < 0 ||
      (index as number) >= (count as number)
    )
      return {
        ok: false,
        error: `sweep header: shard ${JSON.stringify(s)} is not an index 0..count−1 and a count ≥ 1`,
      };
    shard = { index: index as number, count: count as number };
  }
  const backend = typeof v['backend'] === 'string' ? v['backend'] : null;
  return {
    ok: true,
    value: {
      header: { type: 'sweep', version: SWEEP_HEADER_VERSION, settings: texts, shard, backend },
      settings,
    },
  };
}

/** One setting on which two sweeps differ, as the CLI names it. */
export interface SettingDifference {
  flag: string;
  a: string;
  b: string;
}

/** Columns run in list order, but the same set is the same sweep. */
const SET_VALUED = new Set(['depths', 'widths', 'seeds', 'dataSeeds']);

function canonical(row: Row, s: Settings): string {
  const v = s[row.key];
  if (SET_VALUED.has(row.key) && Array.isArray(v))
    return [...new Set(v)].sort((x, y) => x - y).join(',');
  return formatField(row, v);
}

/**
 * The result-affecting settings on which `a` and `b` differ (empty when records of one are valid
 * for the other). Depth, width and seed lists compare as sets: their order changes only the order
 * in which columns run. A setting whose row does not apply to the (common) model is not
 * compared: a uv sweep does not depend on the FCN's activation.
 */
export function settingsDifferences(a: Settings, b: Settings): SettingDifference[] {
  const out: SettingDifference[] = [];
  for (const row of resultRows()) {
    if (a.model === b.model && row.models !== undefined && !row.models.includes(a.model)) continue;
    const ta = canonical(row, a);
    const tb = canonical(row, b);
    if (ta !== tb)
      out.push({
        flag: row.flag,
        a: formatField(row, a[row.key]),
        b: formatField(row, b[row.key]),
      });
  }
  return out;
}

/** "--widths: 64,128 (file) vs 64,256 (this run)"-style text for a list of differences. */
export function describeDifferences(
  diffs: readonly SettingDifference[],
  labelA: string,
  labelB: string,
): string {
  return diffs.map((d) => `--${d.flag} is ${d.a} in ${labelA} but ${d.b} in ${labelB}`).join('; ');
}
