/**
 * Axis helpers of the trajectory charts: compact tick labels that fit the left margin (a loss
 * ratio of 10⁹ must not print as "1000000000" and run off the chart, on screen or in the PNG),
 * and the step axis, linear or logarithmic in t + 1 (a long run's catapult happens in the first
 * few of hundreds of steps, which a linear axis squeezes into a few pixels).
 */
import { scaleLinear, scaleLog } from 'd3';
import { textWidth } from './svgUtil';

/**
 * A number in at most about seven characters: `sig` significant digits, thousands as "2.5k",
 * millions and up and thousandths and below in exponent form ("1e9", "2.5e-5").
 */
export function compactNumber(v: number, sig = 3): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  const exp = (x: number): string => {
    let e = Math.floor(Math.log10(Math.abs(x)));
    let m = Number((x / 10 ** e).toPrecision(sig));
    // Rounding can carry the mantissa to 10 (9.99 → 10): move it into the exponent.
    if (Math.abs(m) >= 10) {
      m /= 10;
      e += 1;
    }
    return `${m}e${e}`;
  };
  if (a >= 1e6 || a < 1e-3) return exp(v);
  if (a >= 1e3) {
    const k = Number((v / 1e3).toPrecision(sig));
    return Math.abs(k) >= 1000 ? exp(v) : `${k}k`;
  }
  return String(Number(v.toPrecision(sig)));
}

/**
 * Labels for a set of tick values: the fewest significant digits (2 to 6) at which the labels
 * differ, so a narrow range (0.995, 1, 1.005) does not print the same label twice.
 */
export function tickLabels(values: readonly number[]): string[] {
  let labels: string[] = values.map((v) => compactNumber(v, 2));
  for (let sig = 2; sig <= 6; sig++) {
    labels = values.map((v) => compactNumber(v, sig));
    if (new Set(labels).size === labels.length) break;
  }
  return labels;
}

/** Runs at least this long get the log step axis by default (the "Four regimes" preset has 500). */
export const LONG_RUN_STEPS = 100;

/** A step axis: position of step t, the step under a position, and the steps to label. */
export interface StepAxis {
  log: boolean;
  lastStep: number;
  /** Pixel position of step t (t ≥ 0; fractional t allowed). */
  x(t: number): number;
  /** The (fractional) step at a pixel position, clamped to [0, lastStep]. */
  invert(px: number): number;
  /** Whole steps to label, thinned so that their labels do not touch. */
  ticks: number[];
}

/**
 * The step axis over [0, lastStep] on [0, widthPx]. The log axis is logarithmic in t + 1, so step
 * 0 (the initialisation) keeps its place at the left edge; its labels are 0, 1, 2, 5, 10, 20, 50, ….
 */
export function stepAxis(lastStep: number, widthPx: number, log: boolean): StepAxis {
  const last = Math.max(1, Math.round(lastStep));
  const width = Math.max(1, widthPx);
  const fits = (ts: number[], x: (t: number) => number): number[] => {
    const out: number[] = [];
    let right = -Infinity;
    for (const t of ts) {
      const half = textWidth(String(t)) / 2;
      if (x(t) - half < right + 6) continue;
      out.push(t);
      right = x(t) + half;
    }
    return out;
  };
  if (log) {
    const s = scaleLog()
      .domain([1, last + 1])
      .range([0, width]);
    const x = (t: number) => s(Math.max(0, t) + 1);
    const candidates = [0];
    for (let p = 1; p <= last; p *= 10)
      for (const m of [1, 2, 5]) if (m * p <= last) candidates.push(m * p);
    return {
      log,
      lastStep: last,
      x,
      invert: (px) => Math.min(last, Math.max(0, s.invert(px) - 1)),
      ticks: fits(candidates, x),
    };
  }
  const s = scaleLinear().domain([0, last]).range([0, width]);
  // Steps are whole numbers: a short axis (1 step) would otherwise repeat "0 0 0 1 1 1".
  const candidates = s.ticks(Math.max(2, Math.floor(width / 60))).filter(Number.isInteger);
  return {
    log,
    lastStep: last,
    x: (t) => s(t),
    invert: (px) => Math.min(last, Math.max(0, s.invert(px))),
    ticks: fits(candidates, (t) => s(t)),
  };
}
