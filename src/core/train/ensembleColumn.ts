/**
 * An FCN column that runs several c values together as one batched ensemble (docs/ARCHITECTURE.md,
 * "Performance design"): the members are E copies of the column's θ_0, stacked along a leading
 * axis, that see the same batches and step with their own η_e = c_e/λ_0. One forward/backward
 * pass trains them all, and since the summed loss Σ_e L_e has a block-diagonal Hessian, one HVP
 * serves all E Lanczos recurrences (`hessian/batchedLanczos.ts`).
 *
 * A member that diverges (docs/PROTOCOL.md §2: loss on the measurement set above the threshold or not
 * finite) is frozen: its parameters are *replaced* by θ_0 (finite; 0·NaN would still be NaN, so
 * masking by multiplication would not do), its step size is 0 from then on, and it is left out of
 * later sharpness estimates. The blocks never mix, so the other members' trajectories are those
 * of single runs up to float32 rounding.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isDivergedLoss, type EnsembleColumnRunner, type RawRun, type RunProgress } from './column';
import { prepareFcnColumn, type FcnColumnOptions } from './fcnBase';
import { fcnRunnerFrom } from './fcnColumn';
import {
  checkBatchedSpec,
  forwardBatched,
  lossPerMember,
  tileParams,
} from '../models/batchedModel';
import { makeBatchedFlatHvp } from '../hessian/batchedHvp';
import { topEigenBatched } from '../hessian/batchedLanczos';
import { barrierFromLosses, pathLossesBatched, type BarrierMeasure } from './barrier';
import {
  saturationAt,
  saturationFromTrajectory,
  saturationStep,
  type SaturationMeasure,
} from './saturation';
import type { BackendCapabilities } from '../tf/capabilities';

/** [E] → [E, 1, …, 1] of the given rank, to broadcast per member over a stacked parameter. */
function perMember(t: tf.Tensor1D, rank: number): tf.Tensor {
  return tf.reshape(t, [t.shape[0], ...Array<number>(rank - 1).fill(1)]);
}

/** Options of {@link createFcnEnsembleColumn}. */
export interface EnsembleOptions {
  /**
   * The backend the column computes on, as its starter describes it: whether `runMany` batches
   * by default (`batchedEnsembles`; on wasm the members run one after another, which costs
   * exactly the single runs) and whether the batched forward splits its matMuls
   * (`!fastBatchedMatMul`).
   */
  capabilities: BackendCapabilities;
  /**
   * Run `runMany` as one batched model (true) or as single runs one after another (false),
   * whatever `capabilities.batchedEnsembles` says (tests and the bench compare the two).
   */
  batched?: boolean;
}

/**
 * The FCN column runner of `createFcnColumn` (same θ_0, L_0, λ_0 and `run`) plus `runMany`,
 * which trains one ensemble member per c.
 */
export async function createFcnEnsembleColumn(
  o: FcnColumnOptions,
  opts: EnsembleOptions,
): Promise<EnsembleColumnRunner> {
  const batched = opts.batched ?? opts.capabilities.batchedEnsembles;
  const splitMatMul = !opts.capabilities.fastBatchedMatMul;
  const base = await prepareFcnColumn(o);
  const single = fcnRunnerFrom(base);
  try {
    checkBatchedSpec(base.spec);
  } catch (err) {
    single.dispose();
    throw err;
  }
  const s = base.settings;
  const { spec, dim, theta0, xM, yM, f0M, loss0, est0 } = base;
  const lambda0 = est0.value;

  /** Per-member losses [E] of stacked parameters on (x, y), centred by f0 [B, k] when given. */
  const lossesOn = (
    params: tf.Tensor[],
    x: tf.Tensor2D,
    y: tf.Tensor2D,
    f0: tf.Tensor2D | null,
  ): tf.Tensor1D => {
    const out = forwardBatched(spec, params, x, { splitMatMul });
    return lossPerMember(s.loss, f0 ? tf.sub(out, f0) : out, y);
  };

  /** The members as single runs, one after another (the wasm default). */
  async function runSequential(
    cs: readonly number[],
    onStep: (memberIndex: number, p: RunProgress) => void,
    isCancelled: () => boolean,
  ): Promise<RawRun[] | null> {
    const out: RawRun[] = [];
    for (let e = 0; e < cs.length; e++) {
      const raw = await single.run(cs[e]!, (p) => onStep(e, p), isCancelled);
      if (raw === null) return null;
      out.push(raw);
    }
    return out;
  }

  async function runBatched(
    cs: readonly number[],
    onStep: (memberIndex: number, p: RunProgress) => void,
    isCancelled: () => boolean,
  ): Promise<RawRun[] | null> {
    const members = cs.length;
    if (members === 0) return [];
    const etas = cs.map((c) => c / lambda0);
    const loss = cs.map((): (number | null)[] => [loss0]);
    const sharpness = cs.map((): (number | null)[] => [lambda0]);
    const iters = cs.map(() => [est0.iters]);
    const resid = cs.map((): (number | null)[] => [est0.residual]);
    const divergedAt = cs.map((): number | null => null);
    const frozen = cs.map(() => false);
    const m = base.measures;
    const barriers = cs.map((): BarrierMeasure | null => null);
    const saturations = cs.map((): SaturationMeasure | null => null);

    const theta0E = tileParams(theta0, members);
    let params = theta0E.map((p) => p.clone());
    let vecs = tf.tidy(
      () => tf.tile(tf.reshape(est0.vector, [1, dim]), [members, 1]) as tf.Tensor2D,
    );
    const report = (e: number, step: number): void =>
      onStep(e, { step, loss: loss[e]!, sharpness: sharpness[e]! });
    /** Stacked parameters with every frozen member's rows replaced by θ_0. */
    const resetFrozen = (ps: tf.Tensor[]): tf.Tensor[] =>
      tf.tidy(() => {
        const live = tf.tensor1d(
          frozen.map((f) => (f ? 0 : 1)),
          'bool',
        );
        return ps.map((p, i) => tf.where(perMember(live, p.rank), p, theta0E[i]!));
      });

    try {
      for (let e = 0; e < members; e++) report(e, 0);
      for (let t = 1; t <= s.steps; t++) {
        if (isCancelled()) return null;
        if (frozen.every((f) => f)) break;
        const anyFrozen = frozen.some((f) => f);
        const stepped = tf.tidy(() => {
          const { xb, yb, f0b } = base.batch(t);
          // ∇ of Σ_e L_e with respect to the stacked θ is every member's own gradient.
          const grads = tf.grads((...p: tf.Tensor[]) => tf.sum(lossesOn(p, xb, yb, f0b)))(params);
          const eta = tf.tensor1d(etas.map((v, e) => (frozen[e] ? 0 : v)));
          return params.map((p, i) => tf.sub(p, tf.mul(grads[i]!, perMember(eta, p.rank))));
        });
        tf.dispose(params);
        params = stepped;
        if (anyFrozen) {
          const reset = resetFrozen(params);
          tf.dispose(params);
          params = reset;
        }

        const lossT = tf.tidy(() => lossesOn(params, xM, yM, f0M));
        let ls: Float32Array | Int32Array | Uint8Array;
        try {
          ls = await lossT.data();
        } finally {
          lossT.dispose();
        }
        const measured: number[] = [];
        let newlyDiverged = false;
        for (let e = 0; e < members; e++) {
          if (frozen[e]) continue;
          measured.push(e);
          const l = ls[e] as number;
          if (isDivergedLoss(l, s.divergenceLoss)) {
            loss[e]!.push(Number.isFinite(l) ? l : null);
            sharpness[e]!.push(null);
            iters[e]!.push(0);
            resid[e]!.push(null);
            divergedAt[e] = t;
            frozen[e] = true;
            newlyDiverged = true;
          }
        }
        if (newlyDiverged) {
          // Replace (not multiply: 0·NaN = NaN) before anything else reads these parameters.
          const reset = resetFrozen(params);
          tf.dispose(params);
          params = reset;
        }

        const live = frozen.map((f) => !f);
        if (live.some((b) => b)) {
          const current = params;
          const est = await topEigenBatched(
            makeBatchedFlatHvp((p) => tf.sum(lossesOn(p, xM, yM, f0M)), current),
            members,
            dim,
            {
              maxIters: s.lanczosMaxIters,
              tol: s.lanczosTol,
              seed: o.seed,
              start: vecs,
              active: live,
            },
          );
          vecs.dispose();
          vecs = est.vectors;
          for (let e = 0; e < members; e++) {
            if (!live[e]) continue;
            const m = est.members[e]!;
            loss[e]!.push(ls[e] as number);
            sharpness[e]!.push(m.value);
            iters[e]!.push(m.iters);
            resid[e]!.push(m.residual);
          }
        }
        for (const e of measured) report(e, t);
      }

      // The barrier of every member that did not diverge, along its own line from θ_0.
      const trained = frozen.map((f) => !f);
      if (m.barrier && trained.some((b) => b)) {
        const curves = await pathLossesBatched(
          (p) => lossesOn(p, xM, yM, f0M),
          theta0E,
          params,
          members,
        );
        for (let e = 0; e < members; e++)
          if (trained[e]) barriers[e] = barrierFromLosses(curves[e]!, loss0);
      }

      // Saturation (saturation.ts): λ_τ at τ = K/c, read from the window when τ ≤ T; the rest
      // train on together (a member stops once its τ is reached) with one estimate at each τ.
      if (m.saturationK > 0) {
        const taus = cs.map((c) => saturationStep(c, m.saturationK));
        for (let e = 0; e < members; e++)
          if (trained[e] && taus[e]! <= s.steps)
            saturations[e] = saturationFromTrajectory(
              m.saturationK,
              taus[e]!,
              loss[e]!,
              sharpness[e]!,
              iters[e]!,
              resid[e]!,
            );
        const later = (e: number, t: number): boolean => trained[e]! && taus[e]! >= t;
        const lastTau = Math.max(0, ...taus.filter((tau, e) => trained[e] && tau > s.steps));
        for (let t = s.steps + 1; t <= lastTau; t++) {
          if (isCancelled()) return null;
          const stepped = tf.tidy(() => {
            const { xb, yb, f0b } = base.batch(t);
            const grads = tf.grads((...p: tf.Tensor[]) => tf.sum(lossesOn(p, xb, yb, f0b)))(params);
            const eta = tf.tensor1d(etas.map((v, e) => (later(e, t) ? v : 0)));
            return params.map((p, i) => tf.sub(p, tf.mul(grads[i]!, perMember(eta, p.rank))));
          });
          tf.dispose(params);
          params = stepped;
          const due = taus.map((tau, e) => trained[e]! && tau === t);
          if (!due.some((b) => b)) continue;
          const lossT = tf.tidy(() => lossesOn(params, xM, yM, f0M));
          let ls: Float32Array | Int32Array | Uint8Array;
          try {
            ls = await lossT.data();
          } finally {
            lossT.dispose();
          }
          const ok = due.map((d, e) => d && !isDivergedLoss(ls[e] as number, s.divergenceLoss));
          for (let e = 0; e < members; e++)
            if (due[e] && !ok[e])
              saturations[e] = saturationAt(m.saturationK, t, ls[e] as number, null);
          if (!ok.some((b) => b)) continue;
          const current = params;
          const est = await topEigenBatched(
            makeBatchedFlatHvp((p) => tf.sum(lossesOn(p, xM, yM, f0M)), current),
            members,
            dim,
            {
              maxIters: s.lanczosMaxIters,
              tol: s.lanczosTol,
              seed: o.seed,
              start: vecs,
              active: ok,
            },
          );
          // Inactive members come back as zero vectors: keep their previous warm starts.
          const merged = tf.tidy(() =>
            tf.where(
              tf.reshape(
                tf.tensor1d(
                  ok.map((b) => (b ? 1 : 0)),
                  'bool',
                ),
                [members, 1],
              ),
              est.vectors,
              vecs,
            ),
          ) as tf.Tensor2D;
          est.vectors.dispose();
          vecs.dispose();
          vecs = merged;
          for (let e = 0; e < members; e++) {
            if (!ok[e]) continue;
            saturations[e] = saturationAt(m.saturationK, t, ls[e] as number, est.members[e]!);
          }
        }
      }
    } finally {
      tf.dispose(params);
      tf.dispose(theta0E);
      vecs.dispose();
    }

    return cs.map((c, e) => ({
      type: 'run' as const,
      depth: o.depth,
      width: o.width,
      seed: o.seed,
      orderSeed: single.orderSeed,
      c,
      eta: etas[e]!,
      lambda0,
      loss0,
      diverged: divergedAt[e] !== null,
      divergedAt: divergedAt[e] ?? null,
      loss: loss[e]!,
      sharpness: sharpness[e]!,
      lanczosIters: iters[e]!,
      lanczosResidual: resid[e]!,
      barrier: barriers[e]!,
      saturation: saturations[e]!,
    }));
  }

  return {
    depth: single.depth,
    width: single.width,
    seed: single.seed,
    orderSeed: single.orderSeed,
    lambda0: single.lambda0,
    loss0: single.loss0,
    lambda0Iters: single.lambda0Iters,
    lambda0Residual: single.lambda0Residual,
    run: (c, onStep, isCancelled) => single.run(c, onStep, isCancelled),
    runMany: batched ? runBatched : runSequential,
    dispose: () => single.dispose(),
  };
}
