import { describe, expect, it } from 'vitest';
import { uvInit, uvLoss, uvSharpness, uvStep, type UvProblem } from './uvModel';
import { runSweep } from '../sweep/runSweep';
import { cloneDefaults } from '../settings/codec';
import type { ColumnRecord } from '../sweep/records';

/** Top eigenvalue of a small symmetric matrix by cyclic Jacobi rotations (float64). */
function jacobiMaxEigen(a: number[][]): number {
  const n = a.length;
  const m = a.map((r) => [...r]);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p]![q]! ** 2;
    if (off < 1e-24) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        const apq = m[p]![q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q]![q]! - m[p]![p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k]![p]!;
          const mkq = m[k]![q]!;
          m[k]![p] = c * mkp - s * mkq;
          m[k]![q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p]![k]!;
          const mqk = m[q]![k]!;
          m[p]![k] = c * mpk - s * mqk;
          m[q]![k] = s * mpk + c * mqk;
        }
      }
  }
  return Math.max(...m.map((r, i) => r[i]!));
}

/** The explicit 2w × 2w Hessian of ½(vᵀu x/√w − y)², parameters ordered [u; v]. */
function explicitHessian(p: UvProblem, u: Float64Array, v: Float64Array): number[][] {
  const w = p.width;
  const k = p.x / Math.sqrt(w);
  let dot = 0;
  for (let i = 0; i < w; i++) dot += u[i]! * v[i]!;
  const delta = dot * k - p.y;
  const g = [...v, ...u].map((z) => z * k);
  const h = g.map((gi) => g.map((gj) => gi * gj));
  for (let i = 0; i < w; i++) {
    h[i]![w + i]! += delta * k;
    h[w + i]![i]! += delta * k;
  }
  return h;
}

describe('uv model', () => {
  it('closed-form sharpness equals the explicit Hessian eigenvalue, at init and after catapults', () => {
    for (const width of [1, 2, 5, 9]) {
      const p: UvProblem = { width, x: 1.3, y: 0.4 };
      let s = uvInit(width, width);
      for (let t = 0; t < 4; t++) {
        const exact = jacobiMaxEigen(explicitHessian(p, s.u, s.v));
        expect(uvSharpness(p, s)).toBeCloseTo(exact, 10);
        s = uvStep(p, s, 3 / uvSharpness(p, s));
      }
    }
  });

  it('takes a gradient step that agrees with finite differences of the loss', () => {
    const p: UvProblem = { width: 6, x: 1, y: 0.2 };
    const s = uvInit(6, 3);
    const eta = 1e-6;
    const next = uvStep(p, s, eta);
    // L(θ − ηg) ≈ L(θ) − η‖g‖²; ‖g‖² = Δ²x²(‖u‖² + ‖v‖²)/w.
    let n2 = 0;
    for (let i = 0; i < 6; i++) n2 += s.u[i]! ** 2 + s.v[i]! ** 2;
    const delta = Math.sqrt(2 * uvLoss(p, s)) * Math.sign(1);
    const predicted = uvLoss(p, s) - (eta * delta * delta * n2) / 6;
    expect(uvLoss(p, next)).toBeCloseTo(predicted, 10);
  });

  async function columns(width: number, seeds: number[]): Promise<ColumnRecord[]> {
    const s = cloneDefaults();
    s.model = 'uv';
    s.dataset = 'uv';
    s.widths = [width];
    s.seeds = seeds;
    s.cGrid = { kind: 'log2', start: 0, stop: 3, step: 0.05 };
    const out: ColumnRecord[] = [];
    await runSweep(s, null, [], { now: () => 0, onRun() {}, onColumn: (c) => out.push(c) });
    return out;
  }

  // docs/PROTOCOL.md §5 fact 2: c_loss within one grid step of 2, c_max within 0.1 of 4.
  it.each([256, 1024])('w = %i: c_loss ≈ 2 and c_max ≈ 4 (mean over 5 seeds)', async (width) => {
    const cols = await columns(width, [0, 1, 2, 3, 4]);
    const step = 2 ** 1.05 - 2;
    for (const c of cols) {
      expect(c.c_loss).not.toBeNull();
      expect(Math.abs(c.c_loss! - 2)).toBeLessThanOrEqual(step + 1e-9);
    }
    const meanMax = cols.reduce((a, c) => a + c.c_max!, 0) / cols.length;
    expect(Math.abs(meanMax - 4)).toBeLessThan(0.1);
  });
});
