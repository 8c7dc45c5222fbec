/**
 * Fits of the critical-c boundaries of the phase diagram: the linear fit c ≈ a + b·x the paper's
 * demo uses (x = 1/w at fixed d, or x = d/w), whose intercept a is the x → 0 limit, and a power
 * law c ≈ a·x^p, which follows the diagram's log–log axes but cannot show an intercept.
 */

export interface FitPoint {
  x: number;
  y: number;
}

/**
 * How far a fit can be trusted from its number of points: with two points a line passes through
 * both exactly, so its R² is 1 whatever the data; from three on, R² says how straight they are.
 */
export type FitSupport = 'exact' | 'fitted';

/** Fewest points whose fit is over-determined (has a meaningful R²). */
export const MIN_FIT_POINTS = 3;

export interface PowerLawFit {
  /** Prefactor: y = a · x^p. */
  a: number;
  /** Exponent. */
  p: number;
  /**
   * Coefficient of determination of the straight-line fit in log–log space (1 when exact); null
   * when fewer than MIN_FIT_POINTS points were fitted (two points always fit exactly).
   */
  r2: number | null;
  /** Points fitted. */
  n: number;
  support: FitSupport;
}

export interface LinearFit {
  /** Intercept: y at x = 0 (for x = 1/w or d/w, the infinite-width limit). */
  a: number;
  /** Slope: y = a + b·x. */
  b: number;
  /** Coefficient of determination; null when fewer than MIN_FIT_POINTS points were fitted. */
  r2: number | null;
  /** Points fitted. */
  n: number;
  support: FitSupport;
}

interface LineFit {
  intercept: number;
  slope: number;
  r2: number | null;
  n: number;
}

/**
 * Ordinary least squares v ≈ intercept + slope·u. Null when fewer than two points or when all u
 * are equal (the slope is undefined). R² = 1 − SS_res/SS_tot, 1 for an exactly flat line, null
 * below MIN_FIT_POINTS points.
 */
function leastSquares(us: readonly number[], vs: readonly number[]): LineFit | null {
  const n = us.length;
  if (n < 2) return null;
  let uMean = 0;
  let vMean = 0;
  for (let i = 0; i < n; i++) {
    uMean += us[i]!;
    vMean += vs[i]!;
  }
  uMean /= n;
  vMean /= n;
  let suu = 0;
  let suv = 0;
  let svv = 0;
  for (let i = 0; i < n; i++) {
    const du = us[i]! - uMean;
    const dv = vs[i]! - vMean;
    suu += du * du;
    suv += du * dv;
    svv += dv * dv;
  }
  // All u equal (up to rounding): no slope.
  if (suu <= 1e-24 * Math.max(1, uMean * uMean)) return null;
  const slope = suv / suu;
  const intercept = vMean - slope * uMean;
  let ssRes = 0;
  for (let i = 0; i < n; i++) {
    const r = vs[i]! - (intercept + slope * us[i]!);
    ssRes += r * r;
  }
  // A flat line fitted exactly has svv = 0: call that a perfect fit.
  const r2 = n < MIN_FIT_POINTS ? null : svv > 0 ? 1 - ssRes / svv : 1;
  return { intercept, slope, r2, n };
}

const support = (n: number): FitSupport => (n < MIN_FIT_POINTS ? 'exact' : 'fitted');

/**
 * Least-squares fit of log y = log a + p · log x (a power law y = a·x^p), i.e. the straight line
 * through the points on the diagram's log–log2 axes. The exponent does not depend on the bases.
 *
 * Points with a non-positive or non-finite x or y are ignored. Returns null when fewer than two
 * points remain or all of them share one x (the slope is undefined). With two points the line is
 * exact and `r2` is null (`support: 'exact'`).
 */
export function fitPowerLaw(points: readonly FitPoint[]): PowerLawFit | null {
  const us: number[] = [];
  const vs: number[] = [];
  for (const { x, y } of points) {
    if (!(x > 0) || !(y > 0) || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    us.push(Math.log(x));
    vs.push(Math.log(y));
  }
  const f = leastSquares(us, vs);
  if (!f) return null;
  return { a: Math.exp(f.intercept), p: f.slope, r2: f.r2, n: f.n, support: support(f.n) };
}

/**
 * Least-squares fit of y ≈ a + b·x (docs/PROTOCOL.md §3, boundary fits: c against 1/w at fixed d, or
 * against d/w; the intercept a is the x → 0 limit, expected 2 for c_loss).
 *
 * Points with a non-finite x or y are ignored. Returns null when fewer than two points remain or
 * all share one x. With two points the line is exact and `r2` is null (`support: 'exact'`).
 */
export function fitLinear(points: readonly FitPoint[]): LinearFit | null {
  const us: number[] = [];
  const vs: number[] = [];
  for (const { x, y } of points) {
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    us.push(x);
    vs.push(y);
  }
  const f = leastSquares(us, vs);
  if (!f) return null;
  return { a: f.intercept, b: f.slope, r2: f.r2, n: f.n, support: support(f.n) };
}

/** Points at one depth, x = 1/w: the demo's fit of a boundary at fixed d. */
export function inverseWidthPoints(
  values: readonly { depth: number; width: number; c: number }[],
  depth: number,
): FitPoint[] {
  return values.filter((v) => v.depth === depth).map((v) => ({ x: 1 / v.width, y: v.c }));
}

/** Points over all architectures, x = d/w. */
export function depthOverWidthPoints(
  values: readonly { depth: number; width: number; c: number }[],
): FitPoint[] {
  return values.map((v) => ({ x: v.depth / v.width, y: v.c }));
}
