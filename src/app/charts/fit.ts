/** Power-law fits for the critical-c boundaries of the phase diagram. */

export interface PowerLawFit {
  /** Prefactor: y = a · x^p. */
  a: number;
  /** Exponent. */
  p: number;
  /** Coefficient of determination of the straight-line fit in log–log space (1 when exact). */
  r2: number;
}

/**
 * Least-squares fit of log y = log a + p · log x (a power law y = a·x^p), i.e. the straight line
 * through the points on the diagram's log–log2 axes. The exponent does not depend on the bases.
 *
 * Points with a non-positive or non-finite x or y are ignored. Returns null when fewer than two
 * points remain or all of them share one x (the slope is undefined).
 */
export function fitPowerLaw(points: readonly { x: number; y: number }[]): PowerLawFit | null {
  const us: number[] = [];
  const vs: number[] = [];
  for (const { x, y } of points) {
    if (!(x > 0) || !(y > 0) || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    us.push(Math.log(x));
    vs.push(Math.log(y));
  }
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
  // All x equal (up to rounding): no slope.
  if (suu <= 1e-24 * Math.max(1, uMean * uMean)) return null;
  const p = suv / suu;
  const logA = vMean - p * uMean;
  let ssRes = 0;
  for (let i = 0; i < n; i++) {
    const r = vs[i]! - (logA + p * us[i]!);
    ssRes += r * r;
  }
  // A flat line fitted exactly has svv = 0: call that a perfect fit.
  const r2 = svv > 0 ? 1 - ssRes / svv : 1;
  return { a: Math.exp(logA), p, r2 };
}
