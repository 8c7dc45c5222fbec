/**
 * Analytic floating-point operation counts of a model's work (for `npm run bench`): forward pass,
 * SGD step, exact Hessian-vector product and a whole run. One multiply-add counts as 2 FLOPs.
 * Each model gives S and S' below through its registry entry (`models/registry.ts`,
 * `productFlops`); the formulas are written for Dense layers and hold for convolutions term by
 * term (a conv's forward, filter gradient and input gradient are products of the same size, as
 * h·W, hᵀdz and dz·Wᵀ are; pools, ReLUs and sums are not counted).
 *
 * Only the matrix products are counted. For a Dense layer l with fan-in a_l and fan-out b_l on a
 * batch of n examples, the product h_{l−1}·W_l costs F_l = 2·n·a_l·b_l; everything else
 * (activations, multipliers, biases, the loss, transposes, the update θ ← θ − η·g) is O(n·w) or
 * O(P) and at most a few percent of one product at the sizes benchmarked. Write
 *   S  = Σ_l F_l            (all layers)
 *   S' = Σ_{l ≥ 2} F_l       (all but the first: its input x is data, not a function of θ)
 * Then, counting the products tfjs actually runs (its tape computes a gradient only for inputs
 * that depend on the variables, `getFilteredNodesXToY`, so ∂/∂x of layer 1 is never formed):
 *   forward            S
 *   gradient           S + (S + S')          forward, then dW_l = h_{l−1}ᵀ dz_l (all l) and
 *                                              dh_{l−1} = dz_l W_lᵀ (l ≥ 2)
 *   HVP (rev-over-rev) 4S + 5S'              H v = ∇_θ ⟨∇_θ L, v⟩: the gradient's 2S + S', then the
 *                                              outer backward through every product on the inner
 *                                              tape: h·W → S + S' (W, and h for l ≥ 2);
 *                                              hᵀdz → S + S' (dz, and h for l ≥ 2); dz·Wᵀ → 2S'
 * An FCN's HVP costs S' less: its first pass's weight gradients are only multiplied by v, and the
 * hidden layers' h_{l−1}ᵀdz_l are not computed (`unreadWeightGradients`, core/tf/fixedOperand.ts).
 * Inside a sharpness estimate it costs S + F_1 + S' less again (`estimateHvpFlops`): the
 * forward's products are shared by the estimate's HVPs, the first pass's xᵀdz₁ is not computed
 * either, and from its second HVP on the first pass's dz_l·W_lᵀ (S') are shared too.
 * So an HVP costs between 2 gradients (first layer dominant, e.g. 784 → 64) and 3 gradients
 * (deep or wide networks, S' ≈ S), which brackets the 2.6–3.5 measured (docs/ARCHITECTURE.md).
 * `flops.test.ts` checks these against the products tfjs runs, traced with `tf.profile`.
 */
import { paramShapes, type ModelSpec } from '../models/model';
import { modelDefinition } from '../models/registry';

/** [fanIn, fanOut] of each weight matrix of an FCN, in order (biases are not products). */
export function matmulDims(spec: ModelSpec): [number, number][] {
  if (spec.kind !== 'fcn') throw new Error('matmulDims: FLOP counts are for FCNs');
  return paramShapes(spec)
    .filter((s) => s.length === 2)
    .map((s) => [s[0] ?? 0, s[1] ?? 0]);
}

/** Number of parameters P. */
export function parameterCount(spec: ModelSpec): number {
  return paramShapes(spec).reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
}

/** FLOPs of one m×k by k×n product: 2·m·k·n. */
export function matmulFlops(m: number, k: number, n: number): number {
  return 2 * m * k * n;
}

/** S and S' of the module comment for a batch of `n` examples. */
function layerSums(spec: ModelSpec, n: number): { all: number; notFirst: number } {
  return modelDefinition(spec.kind).productFlops(spec, n);
}

/** Forward pass f(x; θ) on `n` examples: S. */
export function forwardFlops(spec: ModelSpec, n: number): number {
  return layerSums(spec, n).all;
}

/** Loss and its gradient ∇_θ L on `n` examples: 2S + S'. */
export function gradientFlops(spec: ModelSpec, n: number): number {
  const { all, notFirst } = layerSums(spec, n);
  return 2 * all + notFirst;
}

/** One SGD step on a batch of `n`: the gradient plus the update θ − η·g (2P). */
export function sgdStepFlops(spec: ModelSpec, n: number): number {
  return gradientFlops(spec, n) + 2 * parameterCount(spec);
}

/**
 * One exact Hessian-vector product (reverse over reverse) on `n` examples: 4S + 5S', or 4S + 4S'
 * for a model whose first pass leaves its weight gradients unread (`unreadWeightGradients`: the
 * hidden layers' h_{l−1}ᵀdz_l are never computed; the first layer's xᵀdz₁ only when x is held).
 */
export function hvpFlops(spec: ModelSpec, n: number): number {
  const { all, notFirst } = layerSums(spec, n);
  return 4 * all + (modelDefinition(spec.kind).unreadWeightGradients ? 4 : 5) * notFirst;
}

/**
 * One HVP of a sharpness estimate on `n` measurement examples: `hvpFlops`, less the forward S
 * and the first layer's xᵀdz₁ (F_1 = S − S') when the model multiplies its input through
 * `fixedMatMul` (`denseInput`: an FCN column holds its measurement set), and less the first
 * pass's dz_l·W_lᵀ (S') after the `first` HVP of the estimate: 4S + 4S' − S − F_1 − S' =
 * 2F_1 + 6S' for an FCN. Every estimate follows a loss on the set at the same parameters (L_0
 * before λ_0, L_t before λ_t), and its HVPs reuse that forward's products, x·W₁ and every later
 * h·W; the first pass's xᵀdz₁ only enters ⟨g, v⟩, and is not computed
 * (`unreadWeightGradients`); and every first pass of the estimate computes the same gradient,
 * whose backward products the first one keeps.
 */
export function estimateHvpFlops(spec: ModelSpec, n: number, first = false): number {
  const { all, notFirst } = layerSums(spec, n);
  const def = modelDefinition(spec.kind);
  if (!def.denseInput) return hvpFlops(spec, n);
  if (!def.unreadWeightGradients) return hvpFlops(spec, n) - all;
  // The whole forward is kept (S), the first pass skips the held xᵀdz₁ (F_1), and it shares
  // its dz·Wᵀ (S') with the estimate's first HVP.
  return hvpFlops(spec, n) - all - (all - notFirst) - (first ? 0 : notFirst);
}

/**
 * Vector work of Lanczos iteration j (1-based, j vectors in the basis) on R^P, besides its HVP:
 * α = qᵀw (2P), the three-term recurrence w − αq_j − βq_{j−1} (2P, plus 2P from j = 2), one
 * pass of w − Q(Qᵀw) (4jP), β = ‖w‖ (2P), q = w/β (P). Small next to an HVP unless the network
 * is tiny; included so that a run's count is complete.
 */
export function lanczosIterationFlops(params: number, j: number): number {
  return 4 * j * params + (j >= 2 ? 9 : 7) * params;
}

/** One Lanczos estimate with `iters` iterations on `m` measurement examples. */
export function lanczosFlops(spec: ModelSpec, m: number, iters: number): number {
  const p = parameterCount(spec);
  let total = 0;
  for (let j = 1; j <= iters; j++)
    total += estimateHvpFlops(spec, m, j === 1) + lanczosIterationFlops(p, j);
  return total;
}

/**
 * One run of T steps as `createFcnColumn` does it: per step an SGD step on a batch of `batch`,
 * the loss on the `measure` set (a forward pass) and a warm Lanczos estimate with `itersPerStep[t]`
 * iterations (0 after a divergence). λ_0 and L_0 belong to the column, not the run.
 */
export function runFlops(
  spec: ModelSpec,
  batch: number,
  measure: number,
  itersPerStep: readonly number[],
): number {
  let total = 0;
  for (const iters of itersPerStep) {
    total += sgdStepFlops(spec, batch) + forwardFlops(spec, measure);
    total += lanczosFlops(spec, measure, iters);
  }
  return total;
}
