/**
 * The four regimes of a long run (docs/PROTOCOL.md, "The four regimes of a long run"), read off
 * the run's own sharpness relative to the edge of stability, r_t = λ_t / (2/η) = η·λ_t / 2:
 *
 * 1. **Early transient**: from the start until r_t first settles near its low plateau. In a
 *    catapult run r_t falls fast from c/2 (or spikes first); in a calm run it drifts a little.
 * 2. **Intermediate saturation**: the plateau: the contiguous stretch around the lowest r_t (before
 *    the run reaches the edge) where r_t stays within SATURATION_BAND (10 %) of that minimum.
 * 3. **Progressive sharpening**: after the plateau, r_t climbs until it first reaches EDGE_RATIO.
 * 4. **Edge of stability**: from the first step after the plateau with r_t ≥ EDGE_RATIO (λ within
 *    10 % of 2/η, or above it) to the end: λ hovers about 2/η.
 *
 * The bands are a reading aid computed from one run, not a classification the science relies on:
 * a run that never drops below the edge is one "edge of stability" band; a run that never reaches
 * it has no such band; the search stops at the first missing (diverged) value.
 */

export type BandKind = 'transient' | 'saturation' | 'sharpening' | 'edge';

export interface RegimeBand {
  kind: BandKind;
  /** First and last step of the band; a band ends on the step where the next one starts. */
  from: number;
  to: number;
}

/** r_t at or above this counts as the edge of stability. */
export const EDGE_RATIO = 0.9;
/** The saturation plateau: r_t within this fraction above its minimum. */
export const SATURATION_BAND = 0.1;

export const BAND_NAMES: Readonly<Record<BandKind, string>> = {
  transient: 'early transient',
  saturation: 'saturation',
  sharpening: 'progressive sharpening',
  edge: 'edge of stability',
};

/** Short labels for bands too narrow for their names. */
export const BAND_NUMERALS: Readonly<Record<BandKind, string>> = {
  transient: 'i',
  saturation: 'ii',
  sharpening: 'iii',
  edge: 'iv',
};

/** What each band means, for the help text beside the chart. */
export const BAND_RULES: Readonly<Record<BandKind, string>> = {
  transient: 'until λ/(2/η) first comes within 10 % of its lowest value',
  saturation: 'λ/(2/η) within 10 % of its lowest value',
  sharpening: 'λ/(2/η) climbs from the plateau towards 0.9',
  edge: 'from the first step with λ ≥ 0.9 · 2/η after the plateau',
};

/**
 * The regime bands of one run from r_t = λ_t/(2/η), t = 0..T (null or non-finite where not
 * measured). Returns the bands in step order, or [] when fewer than 4 steps are measured.
 */
export function regimeBands(edgeRatio: readonly (number | null)[]): RegimeBand[] {
  const r: number[] = [];
  for (const v of edgeRatio) {
    if (v === null || !Number.isFinite(v)) break;
    r.push(v);
  }
  const n = r.length;
  if (n < 4) return [];
  const last = n - 1;
  const drop = r.findIndex((v) => v < EDGE_RATIO);
  if (drop < 0) return [{ kind: 'edge', from: 0, to: last }];
  let edge = -1;
  for (let t = drop + 1; t < n; t++) {
    if ((r[t] as number) >= EDGE_RATIO) {
      edge = t;
      break;
    }
  }
  const end = edge < 0 ? last : edge - 1;
  let tMin = drop;
  for (let t = drop; t <= end; t++) if ((r[t] as number) < (r[tMin] as number)) tMin = t;
  const ceiling = (r[tMin] as number) * (1 + SATURATION_BAND);
  let a = tMin;
  while (a - 1 >= drop && (r[a - 1] as number) <= ceiling) a--;
  let b = tMin;
  while (b + 1 <= end && (r[b + 1] as number) <= ceiling) b++;

  const bands: RegimeBand[] = [];
  if (a > 0) bands.push({ kind: 'transient', from: 0, to: a });
  bands.push({ kind: 'saturation', from: a, to: b });
  const sharpenTo = edge < 0 ? last : edge;
  if (sharpenTo > b) bands.push({ kind: 'sharpening', from: b, to: sharpenTo });
  if (edge >= 0 && edge < last) bands.push({ kind: 'edge', from: edge, to: last });
  return bands;
}
