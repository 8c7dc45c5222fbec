/**
 * Gradient configs that make nested `tf.grads` exact through convolutions and pooling in
 * TensorFlow.js 4.22 (registered by `gradients.ts` beside its other fixes).
 *
 * What is missing upstream, and why each fix is what it is:
 * - **Conv2DBackpropFilter** (the filter gradient of a conv) has no gradient, so the second
 *   differentiation of any conv net fails. It is bilinear in (x, dy): for
 *   dW = Σ x ⋆ dy and an upstream ddW, ∂⟨ddW, dW⟩/∂x = conv2DBackpropInput(x.shape, dy, ddW) and
 *   ∂⟨ddW, dW⟩/∂dy = conv2d(x, ddW), with the forward conv's strides and padding.
 * - **AvgPoolGrad** has no gradient. It is linear in dy and does not depend on the input's values:
 *   every backend spreads dy[o]/(fh·fw) over o's window (a constant divisor, also at SAME borders),
 *   so its adjoint is the window sum of ddx over (fh·fw): an avgPool of ddx zero-padded as the
 *   forward pool was, with VALID padding.
 * - **MaxPoolGrad** has no gradient. It is linear in dy (dx = Sᵀ dy, S selecting each window's
 *   argmax) and piecewise constant in x, so ddy = S ddx and the x and y gradients are 0. S ddx is
 *   built from the window's k² shifted slices: the first position, in row-major window order,
 *   whose input equals the pooled output (the order cpu's kernel scans in). Ties matter
 *   only where several entries equal the max; after a ReLU that happens at 0, where the ReLU's
 *   own derivative (0) zeroes every candidate's ddx, so the choice cannot change an HVP.
 * - **MaxPool**: the stock gradient calls the MaxPoolGrad kernel, and tfjs-backend-wasm's kernel
 *   drops dy for every window whose inputs are all negative, and gives a tied window's dy to its
 *   last max, where cpu (and the S above) take the first. On wasm dx = Sᵀ dy is built from the
 *   same shifted slices instead, each placed back by a pad (`maxPoolGrad`), so first and second
 *   order pick the same entry.
 * - **Conv2D** and **Conv2DBackpropInput**: their stock gradients are correct, but both call the
 *   Conv2DBackpropFilter kernel, which tfjs-backend-wasm does not have (even first-order training
 *   of a conv net fails there). These configs compute the filter gradient with that kernel where
 *   the active backend registers it, and otherwise (wasm) as KH·KW matMuls of shifted input slices
 *   with dy (`filterGradient`): the same sum, built from ops whose gradients are registered.
 *
 * Binding limits (WebGPU binds every input of a kernel to one shader, default 8 storage buffers):
 * every op here takes at most three tensor inputs.
 *
 * Data format is NHWC and dilations 1 throughout (the stock configs assert the same).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs-core';

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type RoundingMode = 'floor' | 'round' | 'ceil' | undefined;

function single(dy: Tensor | Tensor[]): Tensor4D {
  if (Array.isArray(dy)) {
    const first = dy[0];
    if (first === undefined || dy.length !== 1) throw new Error('expected one output gradient');
    return first as Tensor4D;
  }
  return dy as Tensor4D;
}

function savedAt(saved: Tensor[], i: number, what: string): Tensor4D {
  const t = saved[i];
  if (t === undefined) throw new Error(`conv gradient: saved ${what} missing`);
  return t as Tensor4D;
}

function pair(v: unknown, name: string): [number, number] {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number')) {
    return [v[0] as number, v[1] as number];
  }
  throw new Error(`conv gradient: attribute ${name} must be a number or a pair, got ${String(v)}`);
}

/** Strides, padding and rounding of a conv/pool kernel; rejects NCHW and dilations ≠ 1. */
function convAttrs(attrs: NamedAttrMap): {
  strides: [number, number];
  pad: Pad;
  dimRoundingMode: RoundingMode;
} {
  const format = attrs['dataFormat'];
  if (format !== undefined && format !== 'NHWC') {
    throw new Error(`conv gradient: only NHWC is supported, got ${String(format)}`);
  }
  const dil = attrs['dilations'];
  if (dil !== undefined && pair(dil, 'dilations').some((d) => d !== 1)) {
    throw new Error('conv gradient: dilations > 1 are not supported');
  }
  const mode = attrs['dimRoundingMode'];
  return {
    strides: pair(attrs['strides'], 'strides'),
    pad: attrs['pad'] as Pad,
    dimRoundingMode: mode === null || mode === undefined ? undefined : (mode as RoundingMode),
  };
}

/** True when the active backend has its own Conv2DBackpropFilter kernel. */
export function hasFilterKernel(): boolean {
  return tf.getKernel(tf.Conv2DBackpropFilter, tf.getBackend()) !== undefined;
}

/**
 * x[n, s·i + k − p, s·j + l − q, c] for every output position (i, j): the input entries that the
 * filter tap (k, l) meets, shape [N, outH, outW, C]. `xPadded` is x zero-padded at the top/left by
 * (p, q) and far enough at the bottom/right; strided selection is a reshape and a slice because
 * tfjs registers no StridedSlice gradient.
 */
function tapSlice(
  xPadded: Tensor4D,
  k: number,
  l: number,
  outH: number,
  outW: number,
  [sH, sW]: [number, number],
): Tensor4D {
  const [n, , , c] = xPadded.shape;
  const block = tf.slice(xPadded, [0, k, l, 0], [n, sH * outH, sW * outW, c]);
  if (sH === 1 && sW === 1) return block;
  const split = tf.reshape(block, [n, outH, sH, outW, sW, c]);
  const picked = tf.slice(split, [0, 0, 0, 0, 0, 0], [n, outH, 1, outW, 1, c]);
  return tf.reshape(picked, [n, outH, outW, c]);
}

/** Pad x so that `tapSlice` can take every tap of a window of size [fH, fW]. */
function padForTaps(
  x: Tensor4D,
  fH: number,
  fW: number,
  info: { outHeight: number; outWidth: number; padInfo: { top: number; left: number } },
  [sH, sW]: [number, number],
  value = 0,
): Tensor4D {
  const [, h, w] = x.shape;
  const { top, left } = info.padInfo;
  const bottom = Math.max(0, fH - 1 + sH * info.outHeight - h - top);
  const right = Math.max(0, fW - 1 + sW * info.outWidth - w - left);
  if (top === 0 && left === 0 && bottom === 0 && right === 0) return x;
  return tf.pad(
    x,
    [
      [0, 0],
      [top, bottom],
      [left, right],
      [0, 0],
    ],
    value,
  );
}

/**
 * The filter gradient of y = conv2d(x, W) for an upstream dy: dW[k, l, c, o] =
 * Σ_{n,i,j} x[n, s·i + k − p, s·j + l − q, c] · dy[n, i, j, o], shape `filterShape`
 * [KH, KW, C_in, C_out]. Uses the backend's Conv2DBackpropFilter kernel where it has one;
 * otherwise one conv2d (`filterGradientByConv`), differentiable with the registered gradients.
 */
export function filterGradient(
  x: Tensor4D,
  dy: Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number],
  pad: Pad,
  dimRoundingMode?: RoundingMode,
): Tensor4D {
  if (hasFilterKernel()) {
    const attrs: NamedAttrMap = { strides, pad, dataFormat: 'NHWC', filterShape };
    if (dimRoundingMode !== undefined) attrs['dimRoundingMode'] = dimRoundingMode;
    return tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, attrs) as Tensor4D;
  }
  return tf.tidy(() => filterGradientByConv(x, dy, filterShape, strides, pad, dimRoundingMode));
}

/** dy with s − 1 zeros between entries along H and W: [N, (oH − 1)·sH + 1, (oW − 1)·sW + 1, C]. */
function dilate(dy: Tensor4D, [sH, sW]: [number, number]): Tensor4D {
  if (sH === 1 && sW === 1) return dy;
  const [n, oH, oW, c] = dy.shape;
  const spread = tf.pad(tf.reshape(dy, [n, oH, 1, oW, 1, c]), [
    [0, 0],
    [0, 0],
    [0, sH - 1],
    [0, 0],
    [0, sW - 1],
    [0, 0],
  ]);
  return tf.slice(
    tf.reshape<tf.Rank.R4>(spread, [n, oH * sH, oW * sW, c]),
    [0, 0, 0, 0],
    [n, (oH - 1) * sH + 1, (oW - 1) * sW + 1, c],
  );
}

/**
 * The filter gradient as one stride-1 VALID conv2d: with x padded as the forward conv pads it,
 * dW[k, l, c, o] = Σ_{n,i,j} x̃[n, s·i + k, s·j + l, c] · dy[n, i, j, o] is a correlation of x̃
 * (channels ↔ batch swapped: [C_in, H̃, W̃, N]) with dy dilated by the stride ([dH, dW, N, C_out]),
 * which gives [C_in, KH, KW, C_out]. Built from conv2d, pad, slice, reshape and transpose, whose
 * gradients are registered with dilation 1, so the result is itself differentiable.
 */
function filterGradientByConv(
  x: Tensor4D,
  dy: Tensor4D,
  filterShape: [number, number, number, number],
  strides: [number, number],
  pad: Pad,
  dimRoundingMode: RoundingMode,
): Tensor4D {
  const [fH, fW] = filterShape;
  const info = tf.backend_util.computeConv2DInfo(
    x.shape,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const [n, h, w, c] = x.shape;
  const { top, left } = info.padInfo;
  // Rows and columns the conv reads: (out − 1)·s + f, starting at −top / −left.
  const needH = (info.outHeight - 1) * strides[0] + fH;
  const needW = (info.outWidth - 1) * strides[1] + fW;
  let xp = tf.pad(x, [
    [0, 0],
    [top, Math.max(0, needH - h - top)],
    [left, Math.max(0, needW - w - left)],
    [0, 0],
  ]);
  if (xp.shape[1] !== needH || xp.shape[2] !== needW) {
    xp = tf.slice(xp, [0, 0, 0, 0], [n, needH, needW, c]);
  }
  const xT = tf.transpose(xp, [3, 1, 2, 0]);
  const dyT = tf.transpose(dilate(dy, strides), [1, 2, 0, 3]);
  const g = tf.conv2d(xT as Tensor4D, dyT as Tensor4D, 1, 'valid');
  return tf.transpose(g, [1, 2, 0, 3]);
}

/** Conv2D: stock formulas, with the filter gradient by `filterGradient` (wasm has no kernel). */
export const conv2dGrad: GradConfig = {
  kernelName: tf.Conv2D,
  inputsToSave: ['x', 'filter'],
  gradFunc: (dyIn, saved, attrs) => {
    const x = savedAt(saved, 0, 'x');
    const filter = savedAt(saved, 1, 'filter');
    const dy = single(dyIn);
    const { strides, pad, dimRoundingMode } = convAttrs(attrs);
    return {
      x: () => tf.conv2dTranspose(dy, filter, x.shape, strides, pad as 'same', dimRoundingMode),
      filter: () => filterGradient(x, dy, filter.shape, strides, pad, dimRoundingMode),
    };
  },
};

/**
 * Conv2DBackpropInput (dx = conv2DBackpropInput(xShape, dy, W)), linear in dy and in W:
 * ∂⟨ddx, dx⟩/∂dy = conv2d(ddx, W), ∂⟨ddx, dx⟩/∂W = filterGradient(ddx, dy). The stock config has
 * the same formulas but calls the filter kernel directly.
 */
export const conv2dBackpropInputGrad: GradConfig = {
  kernelName: tf.Conv2DBackpropInput,
  inputsToSave: ['dy', 'filter'],
  gradFunc: (ddxIn, saved, attrs) => {
    const dy = savedAt(saved, 0, 'dy');
    const filter = savedAt(saved, 1, 'filter');
    const ddx = single(ddxIn);
    const { strides, pad, dimRoundingMode } = convAttrs(attrs);
    return {
      dy: () => tf.conv2d(ddx, filter, strides, pad as 'same', 'NHWC', 1, dimRoundingMode),
      filter: () => filterGradient(ddx, dy, filter.shape, strides, pad, dimRoundingMode),
    };
  },
};

/**
 * Conv2DBackpropFilter (dW = Σ x ⋆ dy), bilinear: ∂⟨ddW, dW⟩/∂x = conv2DBackpropInput(x.shape,
 * dy, ddW), ∂⟨ddW, dW⟩/∂dy = conv2d(x, ddW). Missing upstream.
 */
export const conv2dBackpropFilterGrad: GradConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  inputsToSave: ['x', 'dy'],
  gradFunc: (ddwIn, saved, attrs) => {
    const x = savedAt(saved, 0, 'x');
    const dy = savedAt(saved, 1, 'dy');
    const ddw = single(ddwIn);
    const { strides, pad, dimRoundingMode } = convAttrs(attrs);
    return {
      x: () => tf.conv2dTranspose(dy, ddw, x.shape, strides, pad as 'same', dimRoundingMode),
      dy: () => tf.conv2d(x, ddw, strides, pad as 'same', 'NHWC', 1, dimRoundingMode),
    };
  },
};

/** Pool geometry of a pool-gradient kernel whose saved `input` has the forward pool's shape. */
function poolInfo(input: Tensor4D, attrs: NamedAttrMap): tf.backend_util.Conv2DInfo {
  const { strides, pad, dimRoundingMode } = convAttrs(attrs);
  return tf.backend_util.computePool2DInfo(
    input.shape,
    pair(attrs['filterSize'], 'filterSize'),
    strides,
    1,
    pad,
    dimRoundingMode,
  );
}

/**
 * AvgPoolGrad(dy, input): ddy = avgPool(ddx zero-padded like the forward pool, VALID) (module
 * comment); the input gradient is 0 (only its shape is used). Missing upstream.
 */
export const avgPoolGradGrad: GradConfig = {
  kernelName: tf.AvgPoolGrad,
  inputsToSave: ['input'],
  gradFunc: (ddxIn, saved, attrs) => {
    const input = savedAt(saved, 0, 'input');
    const ddx = single(ddxIn);
    const info = poolInfo(input, attrs);
    const { top, bottom, left, right } = info.padInfo;
    return {
      dy: () => {
        const padded =
          top + bottom + left + right === 0
            ? ddx
            : tf.pad(ddx, [
                [0, 0],
                [top, bottom],
                [left, right],
                [0, 0],
              ]);
        return tf.avgPool(
          padded,
          [info.filterHeight, info.filterWidth],
          [info.strideHeight, info.strideWidth],
          'valid',
        );
      },
      input: () => tf.zerosLike(input),
    };
  },
};

/** Below every finite float32: padded positions never equal a window's max. */
const PAD_BELOW_ALL = -3.4e38;

/**
 * MaxPoolGrad(dy, input, output): ddy = S ddx, the ddx entry at each window's argmax (module
 * comment); input and output gradients are 0. Missing upstream.
 */
export const maxPoolGradGrad: GradConfig = {
  kernelName: tf.MaxPoolGrad,
  inputsToSave: ['input', 'output'],
  gradFunc: (ddxIn, saved, attrs) => {
    const input = savedAt(saved, 0, 'input');
    const output = savedAt(saved, 1, 'output');
    const ddx = single(ddxIn);
    const info = poolInfo(input, attrs);
    const strides: [number, number] = [info.strideHeight, info.strideWidth];
    return {
      dy: () => {
        const fH = info.filterHeight;
        const fW = info.filterWidth;
        const xPadded = padForTaps(input, fH, fW, info, strides, PAD_BELOW_ALL);
        const dPadded = padForTaps(ddx, fH, fW, info, strides);
        let taken: Tensor = tf.zerosLike(output);
        let ddy: Tensor = tf.zerosLike(output);
        for (let k = 0; k < fH; k++) {
          for (let l = 0; l < fW; l++) {
            const xs = tapSlice(xPadded, k, l, info.outHeight, info.outWidth, strides);
            const ds = tapSlice(dPadded, k, l, info.outHeight, info.outWidth, strides);
            const isMax = tf.cast(tf.equal(xs, output), 'float32');
            const first = tf.mul(isMax, tf.sub(1, taken));
            taken = tf.add(taken, first);
            ddy = tf.add(ddy, tf.mul(first, ds));
          }
        }
        return ddy;
      },
      input: () => tf.zerosLike(input),
      output: () => tf.zerosLike(output),
    };
  },
};

/**
 * The adjoint of `tapSlice`: `part` [N, outH, outW, C] placed at the positions tap (k, l) meets,
 * in a zero tensor of `xPadded`'s shape [N, Hp, Wp, C] (strided placement as a pad of a
 * reshape, so every op has a registered gradient).
 */
function untapSlice(
  part: Tensor4D,
  k: number,
  l: number,
  [hp, wp]: [number, number],
  [sH, sW]: [number, number],
): Tensor4D {
  const [n, outH, outW, c] = part.shape;
  let block: Tensor4D = part;
  if (sH !== 1 || sW !== 1) {
    const split = tf.reshape(part, [n, outH, 1, outW, 1, c]);
    const spread = tf.pad(split, [
      [0, 0],
      [0, 0],
      [0, sH - 1],
      [0, 0],
      [0, sW - 1],
      [0, 0],
    ]);
    block = tf.reshape(spread, [n, sH * outH, sW * outW, c]);
  }
  return tf.pad(block, [
    [0, 0],
    [k, hp - k - sH * outH],
    [l, wp - l - sW * outW],
    [0, 0],
  ]);
}

/**
 * dx = Sᵀ dy of a max pool built from ops (module comment, **MaxPool**): each window's dy goes
 * to the first position, in row-major window order, whose input equals the pooled output;
 * padded positions never do. `taken` marks windows already served, so a tie gives one entry
 * the whole dy, as the cpu kernel does.
 */
function maxPoolInputGradient(
  dy: Tensor4D,
  x: Tensor4D,
  y: Tensor4D,
  info: tf.backend_util.Conv2DInfo,
): Tensor4D {
  const strides: [number, number] = [info.strideHeight, info.strideWidth];
  const fH = info.filterHeight;
  const fW = info.filterWidth;
  const xPadded = padForTaps(x, fH, fW, info, strides, PAD_BELOW_ALL);
  const [, hp, wp] = xPadded.shape;
  let taken: Tensor = tf.zerosLike(y);
  let dxPadded: Tensor4D | null = null;
  for (let k = 0; k < fH; k++) {
    for (let l = 0; l < fW; l++) {
      const xs = tapSlice(xPadded, k, l, info.outHeight, info.outWidth, strides);
      const isMax = tf.cast(tf.equal(xs, y), 'float32');
      const first = tf.mul(isMax, tf.sub(1, taken));
      taken = tf.add(taken, first);
      const part = untapSlice(tf.mul(first, dy) as Tensor4D, k, l, [hp, wp], strides);
      dxPadded = dxPadded === null ? part : tf.add<Tensor4D>(dxPadded, part);
    }
  }
  if (dxPadded === null) throw new Error('max pool gradient: empty window');
  const { top, left } = info.padInfo;
  const [n, h, w, c] = x.shape;
  return tf.slice(dxPadded, [0, top, left, 0], [n, h, w, c]);
}

/**
 * MaxPool(x): dx = Sᵀ dy. The stock config calls the MaxPoolGrad kernel, and tfjs-backend-wasm's
 * kernel (4.22) drops dy for every window whose entries are all negative: it gives those windows
 * no gradient at all (measured against the cpu kernel; after a ReLU no window is negative, which
 * is why networks that pool after a ReLU matched float64 there). It also sends a tied window's
 * dy to the last max, not the first (ties are real after a ReLU on flat image regions). The
 * ops cost more: 113 ms against the kernel's 7.5 ms for a 3×3/2 SAME pool on [32, 14, 14, 8]
 * under load. Where the active backend is
 * wasm, dx is built from ops (`maxPoolInputGradient`), whose second derivative tfjs then takes
 * through those ops; elsewhere the backend's kernel runs, and `maxPoolGradGrad` gives its
 * second derivative. Both pick the same entry of each window.
 */
export const maxPoolGrad: GradConfig = {
  kernelName: tf.MaxPool,
  inputsToSave: ['x'],
  outputsToSave: [true],
  gradFunc: (dyIn, saved, attrs) => {
    const x = savedAt(saved, 0, 'x');
    const y = savedAt(saved, 1, 'output');
    const dy = single(dyIn);
    return {
      x: () => {
        if (tf.getBackend() === 'wasm') return maxPoolInputGradient(dy, x, y, poolInfo(x, attrs));
        const { strides, pad, dimRoundingMode } = convAttrs(attrs);
        const filterSize = pair(attrs['filterSize'], 'filterSize');
        return tf.engine().runKernel(
          tf.MaxPoolGrad,
          { dy, input: x, output: y },
          // The stock config passes no rounding mode; pass it only where the forward had one.
          dimRoundingMode === undefined
            ? { filterSize, strides, pad }
            : { filterSize, strides, pad, dimRoundingMode },
        ) as Tensor4D;
      },
    };
  },
};
