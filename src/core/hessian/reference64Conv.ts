/**
 * A float64 reference for conv nets (`models/convNet.ts` programs: conv SAME/VALID with stride,
 * average and max pools, residual sums, relu, dense, MSE): loss, exact gradient and exact
 * Hessian-vector product, independent of tfjs.
 *
 * Method: forward-over-reverse on a scalar tape. Every scalar carries its value and its tangent
 * along v (a dual number a + ȧε, θ̇ = v); every node stores the partial derivatives with respect to
 * its parents, themselves dual numbers. The reverse sweep then propagates dual adjoints:
 *   ā_p += ā·c,   (ā_p)˙ += ā·ċ + (ā)˙·c      for each edge p → node with partial c + ċε,
 * so at the end ā_θ = ∇L and (ā_θ)˙ = d/dε ∇L(θ + εv) = H v exactly (no finite differences; the
 * relu and max-pool selections are fixed by the primal values, as in the exact derivative away
 * from ties). Plain JS numbers throughout; meant for networks of a few thousand multiply-adds per
 * example.
 */
import { outSize, type ConvNet, type ConvOp } from '../models/convNet';

/** The scalar tape: parallel arrays of node values/tangents and of edges with dual partials. */
class Tape {
  val: number[] = [];
  tan: number[] = [];
  /** Edges of node i are edgeStart[i] … edgeStart[i + 1] − 1. */
  edgeStart: number[] = [0];
  edgeParent: number[] = [];
  edgeC: number[] = [];
  edgeCdot: number[] = [];

  leaf(v: number, t: number): number {
    this.val.push(v);
    this.tan.push(t);
    this.edgeStart.push(this.edgeParent.length);
    return this.val.length - 1;
  }

  private edge(p: number, c: number, cdot: number): void {
    this.edgeParent.push(p);
    this.edgeC.push(c);
    this.edgeCdot.push(cdot);
  }

  private close(v: number, t: number): number {
    this.val.push(v);
    this.tan.push(t);
    this.edgeStart.push(this.edgeParent.length);
    return this.val.length - 1;
  }

  /** Σ_k a_k·b_k + Σ_j u_j (products, then plain addends). */
  sumProducts(a: readonly number[], b: readonly number[], plus: readonly number[] = []): number {
    let v = 0;
    let t = 0;
    for (let k = 0; k < a.length; k++) {
      const i = a[k] as number;
      const j = b[k] as number;
      const vi = this.val[i] as number;
      const vj = this.val[j] as number;
      const ti = this.tan[i] as number;
      const tj = this.tan[j] as number;
      v += vi * vj;
      t += ti * vj + vi * tj;
      this.edge(i, vj, tj);
      this.edge(j, vi, ti);
    }
    for (const u of plus) {
      v += this.val[u] as number;
      t += this.tan[u] as number;
      this.edge(u, 1, 0);
    }
    return this.close(v, t);
  }

  /** c · Σ_j u_j for a constant c. */
  scaledSum(u: readonly number[], c: number): number {
    let v = 0;
    let t = 0;
    for (const i of u) {
      v += (this.val[i] as number) * c;
      t += (this.tan[i] as number) * c;
      this.edge(i, c, 0);
    }
    return this.close(v, t);
  }

  relu(i: number): number {
    const on = (this.val[i] as number) > 0 ? 1 : 0;
    this.edge(i, on, 0);
    return this.close((this.val[i] as number) * on, (this.tan[i] as number) * on);
  }

  /** ½·mean (f − y)² over all entries: partials (f − y)/n with tangents ḟ/n. */
  mse(f: readonly number[], y: ArrayLike<number>): number {
    const n = f.length;
    let v = 0;
    let t = 0;
    f.forEach((i, k) => {
      const r = (this.val[i] as number) - (y[k] as number);
      const ti = this.tan[i] as number;
      v += (0.5 * r * r) / n;
      t += (r * ti) / n;
      this.edge(i, r / n, ti / n);
    });
    return this.close(v, t);
  }

  /** Dual adjoints of every node for d(out) = 1. */
  reverse(out: number): { adj: Float64Array; adjDot: Float64Array } {
    const n = this.val.length;
    const adj = new Float64Array(n);
    const adjDot = new Float64Array(n);
    adj[out] = 1;
    for (let i = n - 1; i >= 0; i--) {
      const a = adj[i] as number;
      const ad = adjDot[i] as number;
      if (a === 0 && ad === 0) continue;
      const end = this.edgeStart[i + 1] as number;
      for (let e = this.edgeStart[i] as number; e < end; e++) {
        const p = this.edgeParent[e] as number;
        const c = this.edgeC[e] as number;
        adj[p] = (adj[p] as number) + a * c;
        adjDot[p] = (adjDot[p] as number) + a * (this.edgeCdot[e] as number) + ad * c;
      }
    }
    return { adj, adjDot };
  }
}

/** An activation: node ids in NHWC order with its shape. */
interface Act {
  ids: number[];
  n: number;
  h: number;
  w: number;
  c: number;
}

const at = (a: Act, b: number, i: number, j: number, ch: number): number =>
  a.ids[((b * a.h + i) * a.w + j) * a.c + ch] as number;

/** Top/left padding of SAME (XLA: floor of half the total) or VALID. */
function padBefore(n: number, size: number, stride: number, pad: 'same' | 'valid'): number {
  if (pad === 'valid') return 0;
  const out = outSize(n, size, stride, pad);
  return Math.floor(Math.max((out - 1) * stride + size - n, 0) / 2);
}

function conv(
  tape: Tape,
  x: Act,
  wIds: readonly number[],
  shape: readonly number[],
  stride: number,
  pad: 'same' | 'valid',
): Act {
  const [kh, kw, ci, co] = shape as [number, number, number, number];
  if (ci !== x.c) throw new Error(`reference conv: ${x.c} input channels, filter expects ${ci}`);
  const oh = outSize(x.h, kh, stride, pad);
  const ow = outSize(x.w, kw, stride, pad);
  const pt = padBefore(x.h, kh, stride, pad);
  const pl = padBefore(x.w, kw, stride, pad);
  const ids: number[] = [];
  for (let b = 0; b < x.n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let o = 0; o < co; o++) {
          const a: number[] = [];
          const f: number[] = [];
          for (let p = 0; p < kh; p++) {
            const r = i * stride + p - pt;
            if (r < 0 || r >= x.h) continue;
            for (let q = 0; q < kw; q++) {
              const s = j * stride + q - pl;
              if (s < 0 || s >= x.w) continue;
              for (let c = 0; c < ci; c++) {
                a.push(at(x, b, r, s, c));
                f.push(wIds[((p * kw + q) * ci + c) * co + o] as number);
              }
            }
          }
          ids.push(tape.sumProducts(a, f));
        }
      }
    }
  }
  return { ids, n: x.n, h: oh, w: ow, c: co };
}

function pool(
  tape: Tape,
  x: Act,
  size: number,
  stride: number,
  pad: 'same' | 'valid',
  kind: 'avg' | 'max',
): Act {
  const oh = outSize(x.h, size, stride, pad);
  const ow = outSize(x.w, size, stride, pad);
  const pt = padBefore(x.h, size, stride, pad);
  const pl = padBefore(x.w, size, stride, pad);
  const ids: number[] = [];
  for (let b = 0; b < x.n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let c = 0; c < x.c; c++) {
          const win: number[] = [];
          for (let p = 0; p < size; p++) {
            const r = i * stride + p - pt;
            if (r < 0 || r >= x.h) continue;
            for (let q = 0; q < size; q++) {
              const s = j * stride + q - pl;
              if (s >= 0 && s < x.w) win.push(at(x, b, r, s, c));
            }
          }
          if (kind === 'avg') {
            ids.push(tape.scaledSum(win, 1 / (size * size)));
          } else {
            // The max is the selected node itself: its value and tangent, and gradient 1 to it.
            let best = win[0] as number;
            for (const id of win)
              if ((tape.val[id] as number) > (tape.val[best] as number)) best = id;
            ids.push(best);
          }
        }
      }
    }
  }
  return { ids, n: x.n, h: oh, w: ow, c: x.c };
}

function runOps(tape: Tape, ops: readonly ConvOp[], net: ConvNet, params: number[][], x: Act): Act {
  let h = x;
  const shapeOf = (i: number): number[] => {
    const s = net.paramShapes[i];
    if (s === undefined) throw new Error(`reference: missing parameter shape ${i}`);
    return s;
  };
  const idsOf = (i: number): number[] => {
    const p = params[i];
    if (p === undefined) throw new Error(`reference: missing parameter ${i}`);
    return p;
  };
  for (const op of ops) {
    switch (op.op) {
      case 'conv':
        h = conv(tape, h, idsOf(op.param), shapeOf(op.param), op.stride, op.pad);
        break;
      case 'relu':
        h = { ...h, ids: h.ids.map((i) => tape.relu(i)) };
        break;
      case 'avgPool':
        h = pool(tape, h, op.size, op.stride, 'valid', 'avg');
        break;
      case 'maxPool':
        h = pool(tape, h, op.size, op.stride, op.pad, 'max');
        break;
      case 'globalAvgPool': {
        const ids: number[] = [];
        for (let b = 0; b < h.n; b++) {
          for (let c = 0; c < h.c; c++) {
            const win: number[] = [];
            for (let i = 0; i < h.h; i++) for (let j = 0; j < h.w; j++) win.push(at(h, b, i, j, c));
            ids.push(tape.scaledSum(win, 1 / win.length));
          }
        }
        h = { ids, n: h.n, h: 1, w: 1, c: h.c };
        break;
      }
      case 'flatten':
        h = { ...h, h: 1, w: 1, c: h.h * h.w * h.c };
        break;
      case 'dense': {
        const [d, k] = shapeOf(op.param) as [number, number];
        if (d !== h.h * h.w * h.c) throw new Error(`reference dense: input ${h.c}, kernel ${d}`);
        const wIds = idsOf(op.param);
        const bIds = op.bias === undefined ? undefined : idsOf(op.bias);
        const ids: number[] = [];
        for (let b = 0; b < h.n; b++) {
          const row = h.ids.slice(b * d, (b + 1) * d);
          for (let o = 0; o < k; o++) {
            const col = Array.from({ length: d }, (_, i) => wIds[i * k + o] as number);
            ids.push(tape.sumProducts(row, col, bIds ? [bIds[o] as number] : []));
          }
        }
        h = { ids, n: h.n, h: 1, w: 1, c: k };
        break;
      }
      case 'residual': {
        const body = runOps(tape, op.body, net, params, h);
        const short = op.shortcut.length === 0 ? h : runOps(tape, op.shortcut, net, params, h);
        if (body.ids.length !== short.ids.length) {
          throw new Error('reference residual: body and shortcut shapes differ');
        }
        h = {
          ...body,
          ids: body.ids.map((id, i) => tape.scaledSum([id, short.ids[i] as number], 1)),
        };
        break;
      }
    }
  }
  return h;
}

/** Loss, gradient and H v of a conv net in float64. */
export interface ConvNetHvp64 {
  loss: number;
  /** f(x; θ), [batch · K] row-major. */
  output: Float64Array;
  grad: Float64Array[];
  hvp: Float64Array[];
}

/**
 * L(θ) = ½·mean over batch and classes of (f(x; θ) − y)², its gradient and H v, all in float64,
 * for a `ConvNet` program (same op semantics as `convNetForward`). `x` is [batch, H, W, C]
 * row-major, `y` [batch, K]; `params` and `v` follow `net.paramShapes`, each row-major.
 */
export function convNetHvp64(
  net: ConvNet,
  params: readonly ArrayLike<number>[],
  v: readonly ArrayLike<number>[],
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  batch: number,
): ConvNetHvp64 {
  if (params.length !== net.paramShapes.length || v.length !== params.length) {
    throw new Error('reference: params, v and the network disagree in length');
  }
  const tape = new Tape();
  const paramIds = params.map((p, i) => {
    const size = (net.paramShapes[i] ?? []).reduce((a, b) => a * b, 1);
    const vi = v[i] as ArrayLike<number>;
    if (p.length !== size || vi.length !== size) {
      throw new Error(`reference: parameter ${i} has ${p.length} entries, its shape needs ${size}`);
    }
    return Array.from({ length: size }, (_, k) => tape.leaf(p[k] as number, vi[k] as number));
  });
  const [h, w, c] = net.input;
  if (x.length !== batch * h * w * c)
    throw new Error('reference: x does not match batch × H × W × C');
  const xIds = Array.from({ length: x.length }, (_, k) => tape.leaf(x[k] as number, 0));
  const out = runOps(tape, net.ops, net, paramIds, { ids: xIds, n: batch, h, w, c });
  if (out.ids.length !== y.length) throw new Error('reference: output and y differ in size');
  const lossId = tape.mse(out.ids, y);
  const { adj, adjDot } = tape.reverse(lossId);
  return {
    loss: tape.val[lossId] as number,
    output: Float64Array.from(out.ids, (i) => tape.val[i] as number),
    grad: paramIds.map((ids) => Float64Array.from(ids, (i) => adj[i] as number)),
    hvp: paramIds.map((ids) => Float64Array.from(ids, (i) => adjDot[i] as number)),
  };
}
