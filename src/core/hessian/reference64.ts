/**
 * A float64 reference for tests and validation: an MLP with the same layout and formulas as
 * `models/model.ts` (FCN), its loss, the exact gradient by hand-written backprop, and the exact
 * Hessian-vector product by Pearlmutter's R-operator (forward-over-reverse), independent of tfjs
 * and of its reverse-over-reverse tape. Central differences of the exact gradient are kept as a
 * cross-check: fine for smooth activations, but for relu a ±h v step crosses a kink somewhere once
 * the batch is large (O(1/h) errors; seen at 64→64→64→10 with batch 128), which is docs/PROTOCOL.md's
 * warning in miniature. Plain JS numbers (float64) throughout; no tfjs. */
import type { Activation, LossName } from '../settings/schema';

/** A float64 MLP: layer sizes [in, h_1, …, out], per-layer multipliers, optional biases. */
export interface Mlp64 {
  sizes: number[];
  activation: Activation;
  bias: boolean;
  /** m_l applied to h·W_l (1 for SP; see models/model.ts `layerScales`). */
  multipliers: number[];
  loss: LossName;
}

/** A batch: X row-major [batch, in], Y row-major [batch, out]. */
export interface Batch64 {
  x: Float64Array;
  y: Float64Array;
  batch: number;
}

interface Layer {
  wOff: number;
  bOff: number;
  fanIn: number;
  fanOut: number;
}

function layout(net: Mlp64): { layers: Layer[]; size: number } {
  const layers: Layer[] = [];
  let off = 0;
  for (let l = 0; l + 1 < net.sizes.length; l++) {
    const fanIn = net.sizes[l] as number;
    const fanOut = net.sizes[l + 1] as number;
    const wOff = off;
    off += fanIn * fanOut;
    const bOff = net.bias ? off : -1;
    if (net.bias) off += fanOut;
    layers.push({ wOff, bOff, fanIn, fanOut });
  }
  return { layers, size: off };
}

/** Number of parameters of the reference MLP (same order as the tfjs parameter list). */
export function mlp64ParamCount(net: Mlp64): number {
  return layout(net).size;
}

function act(a: Activation, z: number): number {
  if (a === 'relu') return z > 0 ? z : 0;
  if (a === 'tanh') return Math.tanh(z);
  return z;
}

function actDeriv(a: Activation, z: number): number {
  if (a === 'relu') return z > 0 ? 1 : 0;
  if (a === 'tanh') {
    const t = Math.tanh(z);
    return 1 - t * t;
  }
  return 1;
}

const get = (a: Float64Array, i: number): number => a[i] as number;

function actDeriv2(a: Activation, z: number): number {
  if (a === 'tanh') {
    const t = Math.tanh(z);
    return -2 * t * (1 - t * t);
  }
  return 0;
}

/** y[b, j] = m · Σ_i h[b, i] W[off + i·fanOut + j] for a row-major weight block. */
function matmul(
  h: Float64Array,
  w: Float64Array,
  off: number,
  B: number,
  L: Layer,
  m: number,
): Float64Array {
  const out = new Float64Array(B * L.fanOut);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < L.fanOut; j++) {
      let s = 0;
      for (let i = 0; i < L.fanIn; i++)
        s += get(h, b * L.fanIn + i) * get(w, off + i * L.fanOut + j);
      out[b * L.fanOut + j] = m * s;
    }
  }
  return out;
}

/** g[b, i] = m · Σ_j d[b, j] W[off + i·fanOut + j] (backprop through the weight block). */
function matmulT(
  d: Float64Array,
  w: Float64Array,
  off: number,
  B: number,
  L: Layer,
  m: number,
): Float64Array {
  const out = new Float64Array(B * L.fanIn);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < L.fanIn; i++) {
      let s = 0;
      for (let j = 0; j < L.fanOut; j++)
        s += get(d, b * L.fanOut + j) * get(w, off + i * L.fanOut + j);
      out[b * L.fanIn + i] = m * s;
    }
  }
  return out;
}

/** Accumulate m · hᵀd into out[off…] (weight gradient) and Σ_b d into out[bOff…] (bias). */
function accumulateGrad(
  out: Float64Array,
  h: Float64Array,
  d: Float64Array,
  B: number,
  L: Layer,
  m: number,
  bias: boolean,
): void {
  for (let i = 0; i < L.fanIn; i++) {
    for (let j = 0; j < L.fanOut; j++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += get(h, b * L.fanIn + i) * get(d, b * L.fanOut + j);
      out[L.wOff + i * L.fanOut + j] = get(out, L.wOff + i * L.fanOut + j) + m * s;
    }
  }
  if (bias) {
    for (let j = 0; j < L.fanOut; j++) {
      let s = 0;
      for (let b = 0; b < B; b++) s += get(d, b * L.fanOut + j);
      out[L.bOff + j] = get(out, L.bOff + j) + s;
    }
  }
}

/**
 * Loss, exact gradient and, when a direction v is given, the exact Hessian-vector product H v by
 * Pearlmutter's R-operator (forward-over-reverse): R{·} = d/dr (·)(θ + r v) at r = 0, propagated
 * through the forward pass (R z_l = m_l (R h_{l−1} W_l + h_{l−1} V_l) + R b_l, R h_l = φ'(z_l) R z_l)
 * and the backward pass (R δ_{l−1} = R(dh_{l−1}) ⊙ φ'(z_{l−1}) + dh_{l−1} ⊙ φ''(z_{l−1}) R z_{l−1}).
 * Exact in float64 for relu too (φ'' = 0 away from kinks; no step crosses one).
 */
export function mlp64(
  net: Mlp64,
  theta: Float64Array,
  data: Batch64,
  v?: Float64Array,
): { loss: number; grad: Float64Array; hvp: Float64Array | null } {
  const { layers, size } = layout(net);
  if (theta.length !== size) throw new Error('theta has the wrong length');
  if (v !== undefined && v.length !== size) throw new Error('v has the wrong length');
  const B = data.batch;
  const withR = v !== undefined;
  const vv = v ?? new Float64Array(0);
  // Forward, keeping inputs h_{l−1} and pre-activations z_l of every layer (and their R{·}).
  const hs: Float64Array[] = [data.x];
  const rhs: Float64Array[] = [new Float64Array(data.x.length)];
  const zs: Float64Array[] = [];
  const rzs: Float64Array[] = [];
  layers.forEach((L, l) => {
    const m = net.multipliers[l] ?? 1;
    const h = hs[l] as Float64Array;
    const z = matmul(h, theta, L.wOff, B, L, m);
    if (net.bias)
      for (let i = 0; i < z.length; i++) z[i] = get(z, i) + get(theta, L.bOff + (i % L.fanOut));
    zs.push(z);
    const last = l === layers.length - 1;
    hs.push(last ? z : z.map((x) => act(net.activation, x)));
    if (withR) {
      const a = matmul(rhs[l] as Float64Array, theta, L.wOff, B, L, m);
      const c = matmul(h, vv, L.wOff, B, L, m);
      const rz = a.map((x, i) => x + get(c, i) + (net.bias ? get(vv, L.bOff + (i % L.fanOut)) : 0));
      rzs.push(rz);
      rhs.push(last ? rz : rz.map((x, i) => x * actDeriv(net.activation, get(z, i))));
    }
  });
  const out = hs[hs.length - 1] as Float64Array;
  const rOut = withR ? (rhs[rhs.length - 1] as Float64Array) : new Float64Array(out.length);
  const k = (layers[layers.length - 1] as Layer).fanOut;
  // Loss, δ = dL/dout and R δ.
  let loss = 0;
  let delta: Float64Array = new Float64Array(B * k);
  let rDelta: Float64Array = new Float64Array(B * k);
  if (net.loss === 'mse') {
    for (let i = 0; i < B * k; i++) {
      const r = get(out, i) - get(data.y, i);
      loss += (0.5 * r * r) / (B * k);
      delta[i] = r / (B * k);
      rDelta[i] = get(rOut, i) / (B * k);
    }
  } else {
    for (let b = 0; b < B; b++) {
      let mx = -Infinity;
      for (let j = 0; j < k; j++) mx = Math.max(mx, get(out, b * k + j));
      let se = 0;
      for (let j = 0; j < k; j++) se += Math.exp(get(out, b * k + j) - mx);
      const lse = mx + Math.log(se);
      let yz = 0;
      let pr = 0;
      const p = new Float64Array(k);
      for (let j = 0; j < k; j++) {
        p[j] = Math.exp(get(out, b * k + j) - lse);
        pr += get(p, j) * get(rOut, b * k + j);
        yz += get(data.y, b * k + j) * get(out, b * k + j);
        delta[b * k + j] = (get(p, j) - get(data.y, b * k + j)) / B;
      }
      for (let j = 0; j < k; j++) rDelta[b * k + j] = (get(p, j) * (get(rOut, b * k + j) - pr)) / B;
      loss += (lse - yz) / B;
    }
  }
  // Backward (and R-backward).
  const grad = new Float64Array(size);
  const hvp = withR ? new Float64Array(size) : null;
  for (let l = layers.length - 1; l >= 0; l--) {
    const L = layers[l] as Layer;
    const m = net.multipliers[l] ?? 1;
    const h = hs[l] as Float64Array;
    accumulateGrad(grad, h, delta, B, L, m, net.bias);
    if (hvp !== null) {
      accumulateGrad(hvp, rhs[l] as Float64Array, delta, B, L, m, false);
      accumulateGrad(hvp, h, rDelta, B, L, m, net.bias);
    }
    if (l === 0) break;
    const z = zs[l - 1] as Float64Array;
    const dh = matmulT(delta, theta, L.wOff, B, L, m);
    if (withR) {
      // R(dh) = m (R δ_l W_lᵀ + δ_l V_lᵀ), with δ_l of this layer (before it is replaced).
      const a = matmulT(rDelta, theta, L.wOff, B, L, m);
      const c = matmulT(delta, vv, L.wOff, B, L, m);
      const rz = rzs[l - 1] as Float64Array;
      rDelta = a.map((x, i) => {
        const zi = get(z, i);
        return (
          (x + get(c, i)) * actDeriv(net.activation, zi) +
          get(dh, i) * actDeriv2(net.activation, zi) * get(rz, i)
        );
      });
    }
    delta = dh.map((x, i) => x * actDeriv(net.activation, get(z, i)));
  }
  return { loss, grad, hvp };
}

/** Exact H v (length P) at θ, by the R-operator (see `mlp64`). */
export function mlp64Hvp(
  net: Mlp64,
  theta: Float64Array,
  data: Batch64,
  v: Float64Array,
): Float64Array {
  return mlp64(net, theta, data, v).hvp as Float64Array;
}

/** Loss and exact gradient (length P) at θ. */
export function mlp64LossGrad(
  net: Mlp64,
  theta: Float64Array,
  data: Batch64,
): { loss: number; grad: Float64Array } {
  const { loss, grad } = mlp64(net, theta, data);
  return { loss, grad };
}

/** H v ≈ (∇L(θ + h v) − ∇L(θ − h v)) / (2h) from the exact float64 gradient. Accurate to O(h²)
 * for smooth activations; for relu only while no pre-activation crosses a kink within ±h v, which
 * fails with O(1/h) errors on large batches: use `mlp64` (exact) there. */
export function mlp64HvpFd(
  net: Mlp64,
  theta: Float64Array,
  data: Batch64,
  v: Float64Array,
  h = 1e-5,
): Float64Array {
  const plus = theta.map((t, i) => t + h * get(v, i));
  const minus = theta.map((t, i) => t - h * get(v, i));
  const gp = mlp64LossGrad(net, plus, data).grad;
  const gm = mlp64LossGrad(net, minus, data).grad;
  return gp.map((g, i) => (g - get(gm, i)) / (2 * h));
}
