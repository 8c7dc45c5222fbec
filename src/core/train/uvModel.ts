/**
 * The uv model of docs/PROTOCOL.md §4, in plain float64: f(x) = (1/√w) vᵀu x, u, v ∈ R^w, one example,
 * loss ½(f − y)². Gradient descent and the exact top Hessian eigenvalue are closed-form, so a
 * whole column takes milliseconds.
 */
import { createRng } from '../random/prng';

export interface UvState {
  u: Float64Array;
  v: Float64Array;
}

export interface UvProblem {
  width: number;
  x: number;
  y: number;
}

export function uvInit(width: number, seed: number): UvState {
  const rng = createRng(seed, 'init');
  const u = new Float64Array(width);
  const v = new Float64Array(width);
  for (let i = 0; i < width; i++) u[i] = rng.normal();
  for (let i = 0; i < width; i++) v[i] = rng.normal();
  return { u, v };
}

export function uvOutput(p: UvProblem, s: UvState): number {
  let dot = 0;
  for (let i = 0; i < p.width; i++) dot += s.u[i]! * s.v[i]!;
  return (dot * p.x) / Math.sqrt(p.width);
}

export function uvLoss(p: UvProblem, s: UvState): number {
  const d = uvOutput(p, s) - p.y;
  return 0.5 * d * d;
}

/** One gradient-descent step: u' = u − ηΔv x/√w, v' = v − ηΔu x/√w, Δ = f − y. */
export function uvStep(p: UvProblem, s: UvState, eta: number): UvState {
  const k = (eta * (uvOutput(p, s) - p.y) * p.x) / Math.sqrt(p.width);
  const u = new Float64Array(p.width);
  const v = new Float64Array(p.width);
  for (let i = 0; i < p.width; i++) {
    u[i] = s.u[i]! - k * s.v[i]!;
    v[i] = s.v[i]! - k * s.u[i]!;
  }
  return { u, v };
}

/**
 * Exact top eigenvalue of the 2w × 2w Hessian H = g gᵀ + s J, where g = [v; u]·x/√w,
 * s = Δx/√w and J = [[0, I], [I, 0]]. J has eigenvalues ±1 on {[a; a]} and {[a; −a]}; the
 * rank-one term mixes only the projections of g, so the top eigenvalue is the larger root of
 * (λ − s)(λ + s) = a(λ + s) + b(λ − s), a = ‖P₊g‖² = ‖u+v‖²x²/(2w), b = ‖P₋g‖² = ‖u−v‖²x²/(2w),
 * or s itself (on the rest of J's +1 eigenspace) when w > 1.
 */
export function uvSharpness(p: UvProblem, s: UvState): number {
  const w = p.width;
  let sumPlus = 0;
  let sumMinus = 0;
  for (let i = 0; i < w; i++) {
    sumPlus += (s.u[i]! + s.v[i]!) ** 2;
    sumMinus += (s.u[i]! - s.v[i]!) ** 2;
  }
  const a = (sumPlus * p.x * p.x) / (2 * w);
  const b = (sumMinus * p.x * p.x) / (2 * w);
  const sh = ((uvOutput(p, s) - p.y) * p.x) / Math.sqrt(w);
  const disc = (a + b) ** 2 + 4 * (sh * sh + (a - b) * sh);
  const top = (a + b + Math.sqrt(Math.max(0, disc))) / 2;
  return w > 1 ? Math.max(top, sh) : top;
}
