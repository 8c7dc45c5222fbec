/**
 * What the core needs to know about the tfjs backend it computes on, as a value. Whoever started
 * the backend (the worker, the CLI, the bench, a test) passes it in, like the clock and the seed:
 * the core never asks tfjs which backend is active, so an algorithm is chosen by visible inputs
 * and the same inputs choose the same algorithm in every environment.
 *
 * Capabilities change how runs are computed, never what they compute: the batched and the
 * sequential ensemble, the split and the batched matMul, agree up to float32 rounding.
 */

/** The properties of a tfjs backend that the core's algorithm choices depend on. */
export interface BackendCapabilities {
  /**
   * Whether a batched matMul [E, B, w] × [E, w, out] runs about as fast as its arithmetic. False
   * on tfjs-wasm 4.22, whose BatchMatMul runs XNNPACK only when the batch dimension is 1 and
   * otherwise a naive blocked loop (the slow path that also made transposed matMuls 10–25×
   * slower); there, E plain matMuls are faster (`forwardBatched`'s `splitMatMul`).
   */
  fastBatchedMatMul: boolean;
  /**
   * Whether training the c values of a column as one batched ensemble beats running them one
   * after another. True on GPUs, where one small network leaves most of the hardware idle for the
   * batch to fill. False on single-threaded wasm: there is nothing idle to fill, and tfjs-wasm 4.22 makes the batched form dearer than its
   * arithmetic (batched matMul above, Slice copying its whole input, slow broadcasting `where`,
   * `tile` and `gather`): measured at d = 4, w = 64, 16 members, the batched ensemble took
   * 1.4–1.8× the time of 16 single runs.
   */
  batchedEnsembles: boolean;
}

/**
 * The capabilities of a tfjs backend by its registered name (`tf.getBackend()` where the caller
 * started it): `wasm` has neither fast batched matMuls nor a gain from batched ensembles; every
 * other backend (webgpu, webgl, cpu) has both.
 */
export function capabilitiesOf(backendName: string): BackendCapabilities {
  const wasm = backendName === 'wasm';
  return { fastBatchedMatMul: !wasm, batchedEnsembles: !wasm };
}
